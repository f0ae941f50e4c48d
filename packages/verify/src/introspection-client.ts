import { createHash } from 'node:crypto';
import { VerifyError } from './errors.js';

export interface IntrospectionOptions {
  /** `https://auth.example/oauth/introspect` */
  url: string;
  /** One of the server's `INTROSPECTION_CLIENTS`. */
  clientId: string;
  clientSecret: string;
  /**
   * How long an answer may be reused for the same token. 0 (the default) asks on every call, so
   * a logout is seen at once; N ms means a revoked session may be accepted up to N ms longer.
   */
  cacheMs?: number;
  fetch?: typeof globalThis.fetch;
}

const MAX_CACHED = 10_000;

export interface Introspected {
  active: boolean;
  username?: string;
}

/** Asks the Latch server whether a token's session is alive (RFC 7662). */
export class IntrospectionClient {
  readonly #options: IntrospectionOptions;
  readonly #authorization: string;
  readonly #cache = new Map<string, { answer: Introspected; until: number }>();

  constructor(options: IntrospectionOptions) {
    this.#options = options;
    // RFC 6749 §2.3.1: form-encode id and secret, then join and base64.
    const credentials = `${encodeURIComponent(options.clientId)}:${encodeURIComponent(options.clientSecret)}`;
    this.#authorization = `Basic ${Buffer.from(credentials).toString('base64')}`;
  }

  async describe(token: string): Promise<Introspected> {
    const cacheMs = this.#options.cacheMs ?? 0;
    const key = cacheMs > 0 ? createHash('sha256').update(token).digest('base64url') : '';
    const cached = cacheMs > 0 ? this.#cache.get(key) : undefined;
    if (cached && cached.until > Date.now()) return cached.answer;

    const fetch = this.#options.fetch ?? globalThis.fetch;
    const response = await fetch(this.#options.url, {
      method: 'POST',
      headers: {
        authorization: this.#authorization,
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
      },
      body: new URLSearchParams({ token }).toString(),
    });
    if (!response.ok) {
      // Not the token's fault: the service's credentials or the server. Say so, loudly.
      throw new Error(`introspection at ${this.#options.url} answered ${response.status}`);
    }
    const body = (await response.json()) as { active?: unknown; username?: unknown };
    const answer: Introspected =
      body.active === true
        ? { active: true, ...(typeof body.username === 'string' && { username: body.username }) }
        : { active: false };
    if (cacheMs > 0) {
      const oldest = this.#cache.keys().next();
      if (this.#cache.size >= MAX_CACHED && !oldest.done) this.#cache.delete(oldest.value);
      this.#cache.set(key, { answer, until: Date.now() + cacheMs });
    }
    return answer;
  }
}

export function revoked(): VerifyError {
  return new VerifyError('SESSION_REVOKED', 'the session of this token has ended');
}
