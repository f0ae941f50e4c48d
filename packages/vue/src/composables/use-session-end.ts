import { getCurrentScope, onScopeDispose } from 'vue';
import { useAuth } from '../auth-store.js';
import type { LoginNotice } from '../login-notice.js';

/**
 * Calls `handler` when the session ends without the user asking here — expired, revoked, a bad
 * token, a logout in another tab — with the notice the login page will show. Stops listening when
 * the calling component (or effect scope) goes away.
 */
export function useSessionEnd(handler: (notice: LoginNotice) => void): () => void {
  const stop = useAuth().on((event) => {
    if (event.type === 'ended') handler(event.notice);
  });
  if (getCurrentScope()) onScopeDispose(stop);
  return stop;
}
