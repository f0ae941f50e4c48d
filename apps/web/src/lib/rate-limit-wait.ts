import { secondsLeft, useNow } from '@latch/vue';
import { computed, reactive, ref, watch } from 'vue';
import { rateLimitedText } from './messages';

/**
 * The waits a form must sit out after `RATE_LIMITED`, one per key: the login form keys them by
 * username (the server counts failures per ip and username), so a wait for one name leaves the
 * others free to try. `retryAt` and `waitSeconds` follow whatever `key()` is now.
 */
export function useRateLimitWait(key: () => string) {
  const until = reactive(new Map<string, number>());
  const now = useNow(250);
  const retryAt = computed(() => {
    const at = until.get(key());
    return at !== undefined && at > now.value ? at : null;
  });
  const waitSeconds = computed(() =>
    retryAt.value === null ? 0 : secondsLeft(retryAt.value, now.value),
  );
  /** Said once to screen readers when a wait starts; the visible countdown is not re-announced. */
  const announcement = ref('');
  watch(retryAt, (at) => {
    if (at === null) announcement.value = '';
  });

  function start(retryAfterMs: number): void {
    const at = Date.now() + retryAfterMs;
    until.set(key(), at);
    now.value = Date.now();
    announcement.value = rateLimitedText(secondsLeft(at, now.value));
  }

  return { retryAt, waitSeconds, announcement, start };
}
