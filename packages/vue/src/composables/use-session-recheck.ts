import { getCurrentInstance, onBeforeUnmount, onMounted } from 'vue';
import { type AuthStore, useAuth } from '../auth-store.js';

export interface SessionRecheckOptions {
  auth?: AuthStore;
  /** At most one check per this many ms, however often the window gains focus. Default 15 000. */
  minIntervalMs?: number;
}

/**
 * Asks the server whether the session still lives (`auth.me`) when the user comes back to the
 * tab — it becomes visible or the window gains focus — so a session revoked from another device
 * or ended by a password change shows the login page then, not on the next click. Use it once,
 * in the app's root component.
 */
export function useSessionRecheck(options: SessionRecheckOptions = {}): void {
  const auth = options.auth ?? useAuth();
  const minIntervalMs = options.minIntervalMs ?? 15_000;
  let lastCheck = Number.NEGATIVE_INFINITY;

  const recheck = () => {
    if (document.visibilityState !== 'visible' || auth.state.status !== 'signed-in') return;
    const now = Date.now();
    if (now - lastCheck < minIntervalMs) return;
    lastCheck = now;
    void auth.checkSession();
  };

  const start = () => {
    document.addEventListener('visibilitychange', recheck);
    window.addEventListener('focus', recheck);
  };
  const stop = () => {
    document.removeEventListener('visibilitychange', recheck);
    window.removeEventListener('focus', recheck);
  };
  if (getCurrentInstance()) {
    onMounted(start);
    onBeforeUnmount(stop);
  } else {
    start();
  }
}
