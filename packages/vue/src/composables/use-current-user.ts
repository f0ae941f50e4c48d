import { computed } from 'vue';
import { useAuth } from '../auth-store.js';

/**
 * The signed-in user and their session, as computed refs (`null` when signed out or not yet
 * confirmed by the server).
 */
export function useCurrentUser() {
  const auth = useAuth();
  return {
    user: computed(() => auth.state.user),
    session: computed(() => auth.state.session),
    signedIn: computed(() => auth.state.status === 'signed-in'),
  };
}
