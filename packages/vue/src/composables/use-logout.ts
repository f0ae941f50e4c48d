import { ref } from 'vue';
import { type RouteLocationRaw, useRouter } from 'vue-router';
import { useAuth } from '../auth-store.js';
import { DEFAULT_LOGIN_PATH } from '../redirect.js';

export interface LogoutOptions {
  /** Where to go once logged out. Default `/login`. */
  to?: RouteLocationRaw;
}

/**
 * Log out by choice: end the session (the store's `logged-out` event fires, for an app that
 * forgets things then), then show the login page. `busy` while it runs; a second call meanwhile
 * does nothing.
 */
export function useLogout(options: LogoutOptions = {}) {
  const auth = useAuth();
  const router = useRouter();
  const busy = ref(false);
  async function logout() {
    if (busy.value) return;
    busy.value = true;
    try {
      await auth.logout();
      await router.push(options.to ?? DEFAULT_LOGIN_PATH);
    } finally {
      busy.value = false;
    }
  }
  return { logout, busy };
}
