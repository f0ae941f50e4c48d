import type { RouteLocationNormalized, RouteLocationRaw, Router } from 'vue-router';
import type { AuthStore } from './auth-store.js';
import { DEFAULT_HOME_PATH, DEFAULT_LOGIN_PATH, safeRedirect } from './redirect.js';

declare module 'vue-router' {
  interface RouteMeta {
    /** Only with a live session; otherwise the login page with `?redirect=<path>`. */
    requiresAuth?: boolean;
    /** Only without one (the login page); a signed-in user goes on to the redirect target. */
    guestOnly?: boolean;
  }
}

export interface AuthGuardOptions {
  /** The login page's path. Default `/login`. */
  loginPath?: string;
  /** Where a signed-in user goes from the login page without a (safe) redirect. Default `/`. */
  homePath?: string;
}

/** `{ path: '/login', query: { redirect } }` for a page the user should come back to. */
export function loginLocation(
  redirectTo: string | undefined,
  { loginPath = DEFAULT_LOGIN_PATH }: AuthGuardOptions = {},
): RouteLocationRaw {
  const redirect = redirectTo === undefined ? undefined : safeRedirect(redirectTo, '', loginPath);
  return { path: loginPath, query: redirect ? { redirect } : {} };
}

/**
 * The router guard, and what happens when the client ends a session: both send the user to
 * `<loginPath>?redirect=<the page>`. Routes opt in with `meta.requiresAuth` / `meta.guestOnly`.
 * The redirect target is always checked by `safeRedirect`, which never answers the login page, so
 * no chain of redirects can loop. Returns a function that removes the guard.
 */
export function installAuthGuard(
  router: Router,
  auth: AuthStore,
  options: AuthGuardOptions = {},
): () => void {
  const loginPath = options.loginPath ?? DEFAULT_LOGIN_PATH;
  const homePath = options.homePath ?? DEFAULT_HOME_PATH;
  const toLogin = (path: string) => loginLocation(path, { loginPath });
  const onward = (redirect: unknown) => safeRedirect(redirect, homePath, loginPath);
  /** The navigation being decided right now, so a session end during it targets that page. */
  let pending: RouteLocationNormalized | null = null;

  const removeBefore = router.beforeEach(async (to) => {
    pending = to;
    // Every route, public ones too, waits for the session once per page load (a cookie session
    // is taken up here), so no page renders as signed out for a user who is not.
    const live = await auth.ensureSession();
    if (to.meta.requiresAuth) return live ? true : toLogin(to.fullPath);
    if (to.meta.guestOnly && live) return onward(to.query.redirect);
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
      void router.replace(toLogin(here.fullPath));
    } else if (event.type === 'signed-in-elsewhere') {
      if (here.meta.guestOnly) void router.replace(onward(here.query.redirect));
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
