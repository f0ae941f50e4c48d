import { computed, ref, watch } from 'vue';
import {
  canExtend,
  EXPIRY_CHECK_GRACE_MS,
  type IdlePhase,
  idlePhase,
  secondsLeft,
} from '../auth/idle';
import type { AuthStore } from '../auth/store';
import { useNow } from './useNow';

const RECHECK_MS = 5000;

/**
 * Drives the idle warning from the store's deadline: the phase, the seconds left, and, once the
 * local deadline has passed, one `auth.me` call so the server says whether the session is over
 * (it answers SESSION_EXPIRED, the client ends the session and the guard shows the login page).
 */
export function useIdleTimer(auth: AuthStore, tickMs = 250) {
  const now = useNow(tickMs);
  const idle = computed(() => auth.state.idle);
  const phase = computed<IdlePhase>(() =>
    idle.value ? idlePhase(idle.value, now.value) : 'active',
  );
  const seconds = computed(() => (idle.value ? secondsLeft(idle.value.deadline, now.value) : 0));
  const extendable = computed(() => (idle.value ? canExtend(idle.value) : true));
  const checking = ref(false);
  let nextCheckAt = 0;

  watch(now, async (time) => {
    const current = idle.value;
    if (!current || checking.value || auth.state.status !== 'signed-in') return;
    if (time < current.deadline + EXPIRY_CHECK_GRACE_MS || time < nextCheckAt) return;
    checking.value = true;
    nextCheckAt = time + RECHECK_MS;
    try {
      await auth.checkSession();
    } finally {
      checking.value = false;
    }
  });

  return { now, phase, seconds, extendable, checking };
}
