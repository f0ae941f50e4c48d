import type { RouteLocationNormalized, RouteLocationRaw, Router } from 'vue-router';
import { LOGIN_PATH, safeRedirect } from './redirect';
import type { AuthStore } from './store';

declare module 'vue-router' {
  interface RouteMeta {
    /** Only with a live session; otherwise `/login?redirect=<path>`. */
    requiresAuth?: boolean;
    /** Only without one (the login page); a signed-in user goes on to the redirect target. */
    guestOnly?: boolean;
    title?: string;
  }
}

export function loginLocation(redirectTo: string | undefined): RouteLocationRaw {
  const redirect = redirectTo === undefined ? undefined : safeRedirect(redirectTo, '');
  return { path: LOGIN_PATH, query: redirect ? { redirect } : {} };
}

/**
 * The router guard, and what happens when the client ends a session: both send the user to
 * `/login?redirect=<the page>`. The redirect target is always checked by `safeRedirect`, which
 * never answers the login page, so no chain of redirects can loop.
 */
export function installAuthGuard(router: Router, auth: AuthStore): () => void {
  /** The navigation being decided right now, so a session end during it targets that page. */
  let pending: RouteLocationNormalized | null = null;

  const removeBefore = router.beforeEach(async (to) => {
    pending = to;
    if (to.meta.requiresAuth) {
      if (await auth.ensureSession()) return true;
      return loginLocation(to.fullPath);
    }
    if (to.meta.guestOnly && (await auth.ensureSession())) {
      return safeRedirect(to.query.redirect);
    }
    return true;
  });
  const removeAfter = router.afterEach(() => {
    pending = null;
  });
  const removeError = router.onError(() => {
    pending = null;
  });

  const stopListening = auth.on((event) => {
    const here = pending ?? router.currentRoute.value;
    if (event.type === 'ended') {
      // Nothing to leave on a public page: the login page shows the notice where it is.
      if (!here.meta.requiresAuth) return;
      void router.replace(loginLocation(here.fullPath));
    } else if (event.type === 'signed-in-elsewhere') {
      if (here.meta.guestOnly) void router.replace(safeRedirect(here.query.redirect));
      // Someone else now owns the stored session: nothing on this page is theirs, start afresh.
      else if (event.switchedUser && typeof location !== 'undefined') location.reload();
    }
  });

  return () => {
    removeBefore();
    removeAfter();
    removeError();
    stopListening();
  };
}
