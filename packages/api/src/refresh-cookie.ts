import { isSessionEndingCode, type TokenPair } from '@latch/shared';
import { AuthError, RequestError } from './errors.js';

/**
 * The browser transport of the refresh token, as the host (apps/server) offers it per request:
 * in an httpOnly cookie no page script can read, instead of the JSON body.
 */
export interface RefreshCookie {
  /** The request opted in (`x-latch-transport: cookie`). */
  readonly requested: boolean;
  /** The cookie's value as sent, if any. */
  read(): string | undefined;
  /** Whether the request came from another site than this server's and CORS_ORIGINS. */
  readonly crossSite: boolean;
  set(token: string, expiresAt: number): void;
  clear(): void;
}

/** A token pair as answered: without the refresh token when the cookie carries it. */
export type Answered<T extends TokenPair> = Omit<T, 'refreshToken'> & { refreshToken?: string };

/** Hands the refresh token over by the transport the request asked for. */
export function answerWith<T extends TokenPair>(cookie: RefreshCookie, pair: T): Answered<T> {
  if (!cookie.requested) return pair;
  cookie.set(pair.refreshToken, pair.refreshTokenExpiresAt);
  const { refreshToken: _inCookie, ...rest } = pair;
  return rest;
}

/**
 * The refresh token of an `auth.refresh` call: the body's, else (cookie transport) the cookie's —
 * refused when the call comes from another site, since a browser sends the cookie with it.
 */
export function presentedRefreshToken(cookie: RefreshCookie, fromBody: string | undefined): string {
  if (fromBody !== undefined) return fromBody;
  if (!cookie.requested) throw new AuthError('REFRESH_INVALID');
  if (cookie.crossSite) {
    throw new RequestError('FORBIDDEN', 'Cookie sessions cannot be used from another site.');
  }
  const token = cookie.read();
  if (!token) throw new AuthError('REFRESH_INVALID');
  return token;
}

/**
 * Runs a refresh of the cookie's token: when it is refused for good (unknown, reused, session
 * over; not a store outage) the cookie is cleared, so a browser doesn't keep presenting a dead session on every page load.
 */
export async function spendingCookie<T>(
  cookie: RefreshCookie,
  refresh: () => Promise<T>,
): Promise<T> {
  try {
    return await refresh();
  } catch (error) {
    if (cookie.requested && error instanceof AuthError && isSessionEndingCode(error.code)) {
      cookie.clear();
    }
    throw error;
  }
}

/** Body transport everywhere: what a context without a host cookie jar gets. */
export const NO_COOKIE: RefreshCookie = {
  requested: false,
  crossSite: false,
  read: () => undefined,
  set: () => {},
  clear: () => {},
};
