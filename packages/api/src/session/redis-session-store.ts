import { isAuthenticTag } from '../tokens/refresh-token.js';
import { type RedisClient, RedisScript } from './redis-script.js';
import * as lua from './redis-scripts.js';
import { RedisWriteCoalescer } from './redis-write-coalescer.js';
import type { SessionTimeouts } from './session-policy.js';
import type {
  ActiveSession,
  RefreshOutcome,
  RotateRequest,
  SessionCheck,
  SessionListEntry,
  SessionRecord,
  SessionRef,
} from './session-record.js';
import {
  type AttemptCounter,
  type AttemptVerdict,
  type RateLimitStore,
  type SessionStore,
  StoreUnavailableError,
} from './session-store.js';

const scripts = {
  touch: new RedisScript(lua.touchScript),
  create: new RedisScript(lua.createScript),
  rotate: new RedisScript(lua.rotateScript),
  revoke: new RedisScript(lua.revokeScript),
  revokeAll: new RedisScript(lua.revokeAllScript),
  list: new RedisScript(lua.listScript),
  consumeAttempts: new RedisScript(lua.consumeAttemptsScript),
  forgiveAttempts: new RedisScript(lua.forgiveAttemptsScript),
};

// Server replies that mean "not now" rather than "your command is wrong".
const TRANSIENT_REPLY = /^(LOADING|MASTERDOWN|CLUSTERDOWN|TRYAGAIN|READONLY|BUSY)/;

/**
 * Sessions in Redis (single node or Cluster). Keys of user U under prefix P:
 *   P{U}:s:<sid>  hash, the session     TTL: until its idle deadline (≤ absolute expiry)
 *   P{U}:t:<sid>  tombstone of a revoked session           TTL: tombstoneMs
 *   P{U}:g:<sid>  the token rotated last and its answer    TTL: refresh reuse grace
 *   P{U}:u        sorted set of the user's session ids     TTL: latest absolute expiry
 * and the attempt counters of one group G (a hashed client ip), one hash tag per group:
 *   P{rl:G}:<counter name>                                 TTL: the counter's window
 * On a single node, the store's commands of one event-loop turn leave in one socket write
 * (RedisWriteCoalescer), so its client needs no `enableAutoPipelining`.
 */
export class RedisSessionStore implements SessionStore, RateLimitStore {
  readonly kind = 'redis' as const;
  readonly #client: RedisClient;
  readonly #writes: RedisWriteCoalescer;
  readonly #prefix: string;
  readonly #timeouts: SessionTimeouts;

  constructor(client: RedisClient, options: { prefix: string; timeouts: SessionTimeouts }) {
    this.#client = client;
    this.#writes = new RedisWriteCoalescer(client);
    this.#prefix = options.prefix;
    this.#timeouts = options.timeouts;
  }

  async create(session: SessionRecord, options: { replaceOthers: boolean }): Promise<void> {
    const k = this.#keys({ userId: session.userId, sessionId: session.id });
    const fields = [
      ['uid', session.userId],
      ['un', session.username],
      ['cat', String(session.createdAt)],
      ['la', String(session.lastActiveAt)],
      ['abs', String(session.absoluteExpiresAt)],
      ['ip', session.ip ?? ''],
      ['ua', session.userAgent ?? ''],
      ['rg', String(session.refreshGeneration)],
      ['rh', session.refreshHash],
      ['rx', String(session.refreshExpiresAt)],
      ['rk', session.refreshTagKey],
    ].flat();
    await this.#run(
      scripts.create,
      [k.session, k.user],
      [
        k.base,
        session.lastActiveAt,
        this.#timeouts.idleTimeoutMs,
        this.#timeouts.tombstoneMs,
        options.replaceOthers ? 1 : 0,
        session.id,
        ...fields,
      ],
    );
  }

  touch(ref: SessionRef, now: number): Promise<SessionCheck> {
    return this.#check(ref, now, true);
  }

  peek(ref: SessionRef, now: number): Promise<SessionCheck> {
    return this.#check(ref, now, false);
  }

  async rotateRefresh<T>(
    ref: SessionRef,
    request: RotateRequest<T>,
    now: number,
  ): Promise<RefreshOutcome<T>> {
    const k = this.#keys(ref);
    const reply = (await this.#run(
      scripts.rotate,
      [k.session, k.tombstone, k.grace, k.user],
      [
        now,
        this.#timeouts.idleTimeoutMs,
        this.#timeouts.tombstoneMs,
        this.#timeouts.refreshReuseGraceMs,
        request.generation,
        request.presentedHash,
        request.generation + 1,
        request.nextHash,
        request.nextExpiresAt,
        JSON.stringify(request.result),
      ],
    )) as string[];
    const [status] = reply;
    switch (status) {
      case 'rotated':
        return { status, session: activeSession(ref, reply), tagKey: reply[5]! };
      case 'grace':
        return {
          status,
          result: JSON.parse(reply[6]!) as T,
          session: activeSession(ref, reply),
          tagKey: reply[5]!,
        };
      case 'older':
        // The rare path: a second round trip, only for an authentic token.
        if (!isAuthenticTag(reply[1]!, ref, request.generation, request.presentedTag)) {
          return { status: 'invalid' };
        }
        await this.revoke(ref);
        return { status: 'reused' };
      case 'invalid':
      case 'revoked':
      case 'expired':
        return { status };
      default:
        throw new Error(`unexpected rotate reply ${String(status)}`);
    }
  }

  async revoke(ref: SessionRef): Promise<boolean> {
    const k = this.#keys(ref);
    const revoked = await this.#run(
      scripts.revoke,
      [k.session, k.tombstone, k.grace, k.user],
      [ref.sessionId, this.#timeouts.tombstoneMs],
    );
    return revoked === 1;
  }

  async revokeAll(userId: string, options: { except?: string } = {}): Promise<number> {
    const k = this.#keys({ userId, sessionId: '' });
    return (await this.#run(
      scripts.revokeAll,
      [k.user],
      [k.base, this.#timeouts.tombstoneMs, options.except ?? ''],
    )) as number;
  }

  async list(userId: string, now: number): Promise<SessionListEntry[]> {
    const k = this.#keys({ userId, sessionId: '' });
    const flat = (await this.#run(
      scripts.list,
      [k.user],
      [k.base, now, this.#timeouts.idleTimeoutMs],
    )) as string[];
    const entries: SessionListEntry[] = [];
    for (let i = 0; i + 4 < flat.length; i += 5) {
      entries.push({
        id: flat[i]!,
        createdAt: Number(flat[i + 1]),
        lastActiveAt: Number(flat[i + 2]),
        ip: flat[i + 3] || null,
        userAgent: flat[i + 4] || null,
      });
    }
    return entries.sort((a, b) => a.createdAt - b.createdAt);
  }

  async consume(group: string, counters: readonly AttemptCounter[]): Promise<AttemptVerdict> {
    const reply = (await this.#run(
      scripts.consumeAttempts,
      counters.map((counter) => this.#counterKey(group, counter.name)),
      counters.flatMap((counter) => [counter.limit, counter.windowMs]),
    )) as number[];
    return reply[0] === 1 ? { allowed: true } : { allowed: false, retryAfterMs: reply[1] ?? 0 };
  }

  async forgive(
    group: string,
    changes: { reset?: readonly string[]; refund?: readonly string[] },
  ): Promise<void> {
    const reset = changes.reset ?? [];
    const refund = changes.refund ?? [];
    if (reset.length + refund.length === 0) return;
    await this.#run(
      scripts.forgiveAttempts,
      [...reset, ...refund].map((name) => this.#counterKey(group, name)),
      [...reset.map(() => 'reset'), ...refund.map(() => 'refund')],
    );
  }

  async ping(): Promise<void> {
    await this.#guard(() => this.#client.ping());
  }

  async close(): Promise<void> {
    await this.#client.quit().catch(() => this.#client.disconnect());
  }

  async #check(ref: SessionRef, now: number, slide: boolean): Promise<SessionCheck> {
    const k = this.#keys(ref);
    const reply = (await this.#run(
      scripts.touch,
      [k.session, k.tombstone],
      [now, this.#timeouts.idleTimeoutMs, slide ? 1 : 0],
    )) as string[];
    const [status] = reply;
    if (status === 'active') return { status, session: activeSession(ref, reply) };
    if (status === 'revoked' || status === 'expired') return { status };
    throw new Error(`unexpected touch reply ${String(status)}`);
  }

  #keys(ref: SessionRef) {
    const base = `${this.#prefix}{${ref.userId}}:`;
    return {
      base,
      session: `${base}s:${ref.sessionId}`,
      tombstone: `${base}t:${ref.sessionId}`,
      grace: `${base}g:${ref.sessionId}`,
      user: `${base}u`,
    };
  }

  /** One hash tag per group, so one group's counters share a Cluster slot. */
  #counterKey(group: string, name: string): string {
    return `${this.#prefix}{rl:${group}}:${name}`;
  }

  #run(script: RedisScript, keys: string[], args: (string | number)[]): Promise<unknown> {
    return this.#guard(() => script.run(this.#client, keys, args));
  }

  async #guard<T>(call: () => Promise<T>): Promise<T> {
    this.#writes.hold();
    try {
      return await call();
    } catch (error) {
      if (isServerRejection(error)) throw error;
      throw new StoreUnavailableError(error);
    }
  }
}

/** A reply error from a reachable server is a bug on our side, not an outage. */
function isServerRejection(error: unknown): boolean {
  return (
    error instanceof Error && error.name === 'ReplyError' && !TRANSIENT_REPLY.test(error.message)
  );
}

function activeSession(ref: SessionRef, reply: string[]): ActiveSession {
  return {
    id: ref.sessionId,
    userId: ref.userId,
    username: reply[4] ?? '',
    createdAt: Number(reply[1]),
    lastActiveAt: Number(reply[2]),
    absoluteExpiresAt: Number(reply[3]),
  };
}
