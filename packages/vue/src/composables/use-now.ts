import { getCurrentScope, onScopeDispose, type Ref, ref } from 'vue';

/** The current time as a ref, ticking every `intervalMs` while the calling component lives. */
export function useNow(intervalMs = 1000): Ref<number> {
  const now = ref(Date.now());
  const timer = setInterval(() => {
    now.value = Date.now();
  }, intervalMs);
  if (getCurrentScope()) onScopeDispose(() => clearInterval(timer));
  return now;
}
