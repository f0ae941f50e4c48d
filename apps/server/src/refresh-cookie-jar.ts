import type { RefreshCookie } from '@latch/api';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** Only the tRPC endpoint ever needs the refresh token. */
export const COOKIE_PATH = '/trpc';
export const TRANSPORT_HEADER = 'x-latch-transport';

export function refreshCookieName(secure: boolean): string {
  // `__Secure-`: browsers take the cookie only from https and with Secure set. (`__Host-` would
  // force Path=/, wider than the cookie needs.)
  return secure ? '__Secure-latch-refresh' : 'latch-refresh';
}

/**
 * The refresh-token cookie of each request, for the procedures (`RefreshCookie`): httpOnly,
 * SameSite=Strict, Path=/trpc, Secure per COOKIE_SECURE. What is the same for every request is
 * worked out once, here.
 */
export function refreshCookieJar(options: {
  secure: boolean;
  allowedOrigins: readonly string[];
}): (request: FastifyRequest, reply: FastifyReply) => RefreshCookie {
  const jar: CookieJar = {
    name: refreshCookieName(options.secure),
    attributes: { path: COOKIE_PATH, httpOnly: true, sameSite: 'strict', secure: options.secure },
    allowedOrigins: options.allowedOrigins,
  };
  return (request, reply) => new RequestRefreshCookie(jar, request, reply);
}

interface CookieJar {
  name: string;
  attributes: { path: string; httpOnly: true; sameSite: 'strict'; secure: boolean };
  allowedOrigins: readonly string[];
}

/**
 * Made for every call, read only by the few procedures that touch the cookie, so each answer is
 * worked out when asked. A class, not an object literal with getters: V8 builds such literals on
 * a slow path whose objects it then keeps allocating in the old generation (measured: the heap
 * grew ~1 MB per young collection and each took ~3 ms instead of ~0.5 ms).
 */
class RequestRefreshCookie implements RefreshCookie {
  constructor(
    private readonly jar: CookieJar,
    private readonly request: FastifyRequest,
    private readonly reply: FastifyReply,
  ) {}

  get requested(): boolean {
    return this.request.headers[TRANSPORT_HEADER] === 'cookie';
  }

  get crossSite(): boolean {
    return isCrossSite(this.request, this.jar.allowedOrigins);
  }

  read(): string | undefined {
    const header = this.request.headers.cookie;
    return header === undefined
      ? undefined
      : this.request.server.parseCookie(header)[this.jar.name];
  }

  set(token: string, expiresAt: number): void {
    this.reply.setCookie(this.jar.name, token, {
      ...this.jar.attributes,
      expires: new Date(expiresAt),
    });
  }

  clear(): void {
    this.reply.clearCookie(this.jar.name, this.jar.attributes);
  }
}

/**
 * Whether a browser sent this request from another site: its `Origin` is neither this server's
 * nor one of CORS_ORIGINS, or (without an Origin) `Sec-Fetch-Site` says cross-site. A request
 * without either header is not a browser's cross-site request (curl, server-side clients).
 */
export function isCrossSite(request: FastifyRequest, allowedOrigins: readonly string[]): boolean {
  const origin = request.headers.origin;
  if (origin !== undefined) {
    const own = `${request.protocol}://${request.headers.host ?? ''}`;
    return origin !== own && !allowedOrigins.includes(origin);
  }
  const site = request.headers['sec-fetch-site'];
  return site === 'cross-site' || site === 'same-site';
}
