import type { RefreshCookie } from '@latch/api';
import { parseCookie, type SetCookie, stringifySetCookie } from 'cookie';
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
  const name = refreshCookieName(options.secure);
  const jar: CookieJar = {
    name,
    attributes: { path: COOKIE_PATH, httpOnly: true, sameSite: 'strict', secure: options.secure },
    cleared: stringifySetCookie({
      name,
      value: '',
      path: COOKIE_PATH,
      httpOnly: true,
      sameSite: 'strict',
      secure: options.secure,
      expires: new Date(0),
      maxAge: 0,
    }),
    allowedOrigins: options.allowedOrigins,
  };
  return (request, reply) => new RequestRefreshCookie(jar, request, reply);
}

interface CookieJar {
  name: string;
  attributes: Omit<SetCookie, 'name' | 'value'>;
  /** The `Set-Cookie` that deletes the cookie: the same for every request. */
  cleared: string;
  allowedOrigins: readonly string[];
}

/**
 * Made for every call, read only by the few procedures that touch the cookie, so each answer is
 * worked out when asked. No cookie plugin: its hook would run on every request, and this is the
 * only cookie Latch reads or sets. A class, not an object literal with getters: V8 builds such
 * literals on a slow path whose objects it then keeps allocating in the old generation (measured:
 * the heap grew ~1 MB per young collection and each took ~3 ms instead of ~0.5 ms).
 */
class RequestRefreshCookie implements RefreshCookie {
  /** This request's `Set-Cookie` so far: a later one replaces it (a batch may log in, then out). */
  #written: string | undefined;

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
    return header === undefined ? undefined : parseCookie(header)[this.jar.name];
  }

  set(token: string, expiresAt: number): void {
    this.#write(
      stringifySetCookie({
        name: this.jar.name,
        value: token,
        ...this.jar.attributes,
        expires: new Date(expiresAt),
      }),
    );
  }

  clear(): void {
    this.#write(this.jar.cleared);
  }

  #write(setCookie: string): void {
    const previous = this.#written;
    this.#written = setCookie;
    if (previous === undefined) {
      this.reply.header('set-cookie', setCookie); // Fastify adds it to any others
      return;
    }
    const others = [this.reply.getHeader('set-cookie')]
      .flat()
      .filter((value) => value !== undefined && value !== previous)
      .map(String);
    this.reply.removeHeader('set-cookie');
    this.reply.header('set-cookie', [...others, setCookie]);
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
