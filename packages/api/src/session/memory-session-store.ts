import { type Clock, systemClock } from '../clock.js';
import { isAuthenticTag } from '../tokens/refresh-token.js';
import { judgeRefresh } from './refresh-policy.js';
import { idleExpiresAt, isSessionExpired, type SessionTimeouts } from './session-policy.js';
import type {
  ActiveSession,
  RefreshOutcome,
  RotateRequest,
  SessionCheck,
  SessionListEntry,
  SessionRecord,
  SessionRef,
} from './session-record.js';
import type {
  AttemptCounter,
  AttemptVerdict,
  RateLimitStore,
  SessionStore,
} from './session-store.js';
import { TtlMap } from './ttl-map.js';

interface StoredSession {
  record: SessionRecord;
}

/** The token rotated last and the answer it got, kept for the grace window only. */
interface GraceAnswer {
  hash: string;
  rotatedAt: number;
  result: unknown;
}

const SWEEP_INTERVAL_MS = 60_000;

/**
 * The embedded store: one process only, gone on restart. Same rules as the Redis store (the
 * contract suite runs against both); single-threaded JS makes each method atomic for free.
 */
export class MemorySessionStore implements SessionStore, RateLimitStore {
  readonly kind = 'memory' as const;
  readonly #timeouts: SessionTimeouts;
  readonly #sessions: TtlMap<string, StoredSession>;
  readonly #tombstones: TtlMap<string, true>;
  readonly #graceAnswers: TtlMap<string, GraceAnswer>;
  readonly #userSessions: TtlMap<string, Set<string>>;
  readonly #attempts: TtlMap<string, number>;
  readonly #sweeper: NodeJS.Timeout;

  constructor(timeouts: SessionTimeouts, clock: Clock = systemClock) {
    this.#timeouts = timeouts;
    this.#sessions = new TtlMap(clock);
    this.#tombstones = new TtlMap(clock);
    this.#graceAnswers = new TtlMap(clock);
    this.#userSessions = new TtlMap(clock);
    this.#attempts = new TtlMap(clock);
    this.#sweeper = setInterval(() => this.#sweep(), SWEEP_INTERVAL_MS).unref();
  }

  async create(session: SessionRecord, options: { replaceOthers: boolean }): Promise<void> {
    // Synchronous from here on: no other call can interleave between revoking and creating.
    if (options.replaceOthers) this.#revokeAllOf(session.userId);
    const key = sessionKey(session);
    this.#sessions.set(key, { record: { ...session } }, this.#ttlOf(session, session.lastActiveAt));
    const ids = this.#userSessions.get(session.userId) ?? new Set<string>();
    ids.add(session.id);
    const ttl = Math.max(
      session.absoluteExpiresAt - session.lastActiveAt,
      this.#userSessions.ttl(session.userId) ?? 0,
    );
    this.#userSessions.set(session.userId, ids, ttl);
  }

  async touch(ref: SessionRef, now: number): Promise<SessionCheck> {
    return this.#check(ref, now, true);
  }

  async peek(ref: SessionRef, now: number): Promise<SessionCheck> {
    return this.#check(ref, now, false);
  }

  async rotateRefresh<T>(
    ref: SessionRef,
    request: RotateRequest<T>,
    now: number,
  ): Promise<RefreshOutcome<T>> {
    const check = this.#check(ref, now, false);
    if (check.status !== 'active') return check;
    const key = refKey(ref);
    const stored = this.#sessions.get(key)!;
    const { record } = stored;
    const grace = this.#graceAnswers.get(key);
    const decision = judgeRefresh(
      {
        generation: record.refreshGeneration,
        liveHash: record.refreshHash,
        liveExpiresAt: record.refreshExpiresAt,
        previous: grace,
      },
      { generation: request.generation, hash: request.presentedHash },
      now,
      this.#timeouts.refreshReuseGraceMs,
    );
    switch (decision) {
      case 'rotate':
        this.#keepGraceAnswer(key, request.presentedHash, now, request.result);
        record.refreshGeneration += 1;
        record.refreshHash = request.nextHash;
        record.refreshExpiresAt = request.nextExpiresAt;
        this.#slide(key, stored, now);
        return { status: 'rotated', session: activeView(record), tagKey: record.refreshTagKey };
      case 'grace':
        return {
          status: 'grace',
          result: grace!.result as T,
          session: activeView(record),
          tagKey: record.refreshTagKey,
        };
      case 'older':
        if (!isAuthenticTag(record.refreshTagKey, ref, request.generation, request.presentedTag)) {
          return { status: 'invalid' };
        }
        this.#revokeKey(key, ref);
        return { status: 'reused' };
      case 'invalid':
        return { status: 'invalid' };
    }
  }

  async revoke(ref: SessionRef): Promise<boolean> {
    return this.#revokeKey(refKey(ref), ref);
  }

  async revokeAll(userId: string, options: { except?: string } = {}): Promise<number> {
    return this.#revokeAllOf(userId, options.except);
  }

  #revokeAllOf(userId: string, except?: string): number {
    const ids = this.#userSessions.get(userId);
    let revoked = 0;
    for (const sessionId of [...(ids ?? [])]) {
      if (sessionId === except) continue;
      if (this.#revokeKey(refKey({ userId, sessionId }), { userId, sessionId })) revoked++;
    }
    if (except === undefined) this.#userSessions.delete(userId);
    return revoked;
  }

  async list(userId: string, now: number): Promise<SessionListEntry[]> {
    const ids = this.#userSessions.get(userId);
    const entries: SessionListEntry[] = [];
    for (const sessionId of ids ?? []) {
      const check = this.#check({ userId, sessionId }, now, false);
      const stored = this.#sessions.get(refKey({ userId, sessionId }));
      if (check.status !== 'active' || !stored) {
        ids?.delete(sessionId);
        continue;
      }
      const { id, createdAt, lastActiveAt, ip, userAgent } = stored.record;
      entries.push({ id, createdAt, lastActiveAt, ip, userAgent });
    }
    return entries.sort((a, b) => a.createdAt - b.createdAt);
  }

  async consume(group: string, counters: readonly AttemptCounter[]): Promise<AttemptVerdict> {
    // Synchronous: check every counter, then count on all of them, with no yield in between.
    let retryAfterMs = -1;
    for (const { name, limit } of counters) {
      const key = `${group}:${name}`;
      if ((this.#attempts.get(key) ?? 0) >= limit) {
        retryAfterMs = Math.max(retryAfterMs, this.#attempts.ttl(key) ?? 0);
      }
    }
    if (retryAfterMs >= 0) return { allowed: false, retryAfterMs };
    for (const { name, windowMs } of counters) {
      const key = `${group}:${name}`;
      const count = this.#attempts.get(key) ?? 0;
      this.#attempts.set(
        key,
        count + 1,
        count === 0 ? windowMs : (this.#attempts.ttl(key) ?? windowMs),
      );
    }
    return { allowed: true };
  }

  async forgive(group: string, changes: { reset?: readonly string[]; refund?: readonly string[] }) {
    for (const name of changes.reset ?? []) this.#attempts.delete(`${group}:${name}`);
    for (const name of changes.refund ?? []) {
      const key = `${group}:${name}`;
      const count = this.#attempts.get(key);
      if (count === 1) this.#attempts.delete(key);
      else if (count) this.#attempts.set(key, count - 1, this.#attempts.ttl(key) ?? 0);
    }
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {
    clearInterval(this.#sweeper);
  }

  #check(ref: SessionRef, now: number, slide: boolean): SessionCheck {
    const key = refKey(ref);
    if (this.#tombstones.has(key)) return { status: 'revoked' };
    const stored = this.#sessions.get(key);
    if (!stored) return { status: 'expired' };
    if (isSessionExpired(stored.record, now, this.#timeouts.idleTimeoutMs)) {
      this.#sessions.delete(key);
      return { status: 'expired' };
    }
    if (slide) this.#slide(key, stored, now);
    return { status: 'active', session: activeView(stored.record) };
  }

  /** Only the token rotated last gets a grace answer: this replaces the one before. */
  #keepGraceAnswer(key: string, hash: string, now: number, result: unknown): void {
    const graceMs = this.#timeouts.refreshReuseGraceMs;
    if (graceMs <= 0) this.#graceAnswers.delete(key);
    else this.#graceAnswers.set(key, { hash, rotatedAt: now, result }, graceMs);
  }

  #slide(key: string, stored: StoredSession, now: number): void {
    stored.record.lastActiveAt = Math.max(stored.record.lastActiveAt, now);
    this.#sessions.expire(key, this.#ttlOf(stored.record, now));
  }

  #ttlOf(record: SessionRecord, now: number): number {
    return (
      idleExpiresAt(record.lastActiveAt, record.absoluteExpiresAt, this.#timeouts.idleTimeoutMs) -
      now
    );
  }

  #revokeKey(key: string, ref: SessionRef): boolean {
    this.#userSessions.get(ref.userId)?.delete(ref.sessionId);
    this.#graceAnswers.delete(key);
    if (!this.#sessions.get(key)) return false;
    this.#sessions.delete(key);
    this.#tombstones.set(key, true, this.#timeouts.tombstoneMs);
    return true;
  }

  #sweep(): void {
    for (const map of [
      this.#sessions,
      this.#tombstones,
      this.#graceAnswers,
      this.#userSessions,
      this.#attempts,
    ]) {
      map.sweep();
    }
  }
}

function refKey(ref: SessionRef): string {
  return `${ref.userId}:${ref.sessionId}`;
}

function sessionKey(session: SessionRecord): string {
  return refKey({ userId: session.userId, sessionId: session.id });
}

function activeView(record: SessionRecord): ActiveSession {
  const { id, userId, username, createdAt, lastActiveAt, absoluteExpiresAt } = record;
  return { id, userId, username, createdAt, lastActiveAt, absoluteExpiresAt };
}
