import { computed, ref, watch } from 'vue';
import { type AuthStore, useAuth } from '../auth-store.js';
import {
  canExtend,
  EXPIRY_CHECK_GRACE_MS,
  type IdlePhase,
  idlePhase,
  secondsLeft,
} from '../idle.js';
import { useNow } from './use-now.js';

const RECHECK_MS = 5000;

export interface IdleCountdownOptions {
  /** How often the countdown ticks. Default 250 ms. */
  tickMs?: number;
  /** The store; default the provided one (`useAuth()`). */
  auth?: AuthStore;
}

/**
 * Drives an idle warning from the store's deadline: the phase (`active` → `warning` a minute
 * before, or half the timeout → `expired`), the seconds left, whether activity can still move the
 * deadline, and — once the local deadline has passed — one `auth.me` call so the server says
 * whether the session is over (it answers SESSION_EXPIRED, the client ends the session and the
 * guard shows the login page; a session kept alive elsewhere just gets its new deadline).
 */
export function useIdleCountdown(options: IdleCountdownOptions = {}) {
  const auth = options.auth ?? useAuth();
  const now = useNow(options.tickMs ?? 250);
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
