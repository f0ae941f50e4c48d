import { ref } from 'vue';
import { useRouter } from 'vue-router';
import { useAuth } from '../auth/store';
import { clearDrafts } from '../lib/drafts';

/** Log out by choice: end the session, forget this tab's drafts, show the login page. */
export function useLogout() {
  const auth = useAuth();
  const router = useRouter();
  const busy = ref(false);
  async function logout() {
    if (busy.value) return;
    busy.value = true;
    try {
      await auth.logout();
      clearDrafts();
      await router.push('/login');
    } finally {
      busy.value = false;
    }
  }
  return { logout, busy };
}
