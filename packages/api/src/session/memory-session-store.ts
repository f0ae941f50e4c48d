import { type Clock, systemClock } from '../clock.js';
import {
  GRACE_ANSWERS_KEPT,
  idleExpiresAt,
  isSessionExpired,
  RETIRED_HASHES_KEPT,
  type SessionTimeouts,
} from './session-policy.js';
import type {
  ActiveSession,
  RefreshOutcome,
  RotateRequest,
  SessionCheck,
  SessionListEntry,
  SessionRecord,
  SessionRef,
} from './session-record.js';
import type { AttemptVerdict, LoginAttemptStore, SessionStore } from './session-store.js';
import { TtlMap } from './ttl-map.js';

interface StoredSession {
  record: SessionRecord;
  /** The latest refresh-token hashes this session rotated away, newest first: presenting one is reuse. */
  retiredHashes: string[];
}

const SWEEP_INTERVAL_MS = 60_000;

/**
 * The embedded store: one process only, gone on restart. Same rules as the Redis store (the
 * contract suite runs against both); single-threaded JS makes each method atomic for free.
 */
export class MemorySessionStore implements SessionStore, LoginAttemptStore {
  readonly kind = 'memory' as const;
  readonly #timeouts: SessionTimeouts;
  readonly #sessions: TtlMap<string, StoredSession>;
  readonly #tombstones: TtlMap<string, true>;
  /** Per session: rotated-away hash → when, and the answer it got, for replays within grace. */
  readonly #graceResults: TtlMap<string, Map<string, { rotatedAt: number; result: unknown }>>;
  readonly #userSessions: TtlMap<string, Set<string>>;
  readonly #attempts: TtlMap<string, number>;
  readonly #sweeper: NodeJS.Timeout;

  constructor(timeouts: SessionTimeouts, clock: Clock = systemClock) {
    this.#timeouts = timeouts;
    this.#sessions = new TtlMap(clock);
    this.#tombstones = new TtlMap(clock);
    this.#graceResults = new TtlMap(clock);
    this.#userSessions = new TtlMap(clock);
    this.#attempts = new TtlMap(clock);
    this.#sweeper = setInterval(() => this.#sweep(), SWEEP_INTERVAL_MS).unref();
  }

  async create(session: SessionRecord, options: { replaceOthers: boolean }): Promise<void> {
    // Synchronous from here on: no other call can interleave between revoking and creating.
    if (options.replaceOthers) this.#revokeAllOf(session.userId);
    const key = sessionKey(session);
    this.#sessions.set(
      key,
      { record: { ...session }, retiredHashes: [] },
      this.#ttlOf(session, session.lastActiveAt),
    );
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

    if (request.presentedHash === record.refreshHash) {
      if (now >= record.refreshExpiresAt) return { status: 'invalid' };
      stored.retiredHashes = [record.refreshHash, ...stored.retiredHashes].slice(
        0,
        RETIRED_HASHES_KEPT,
      );
      this.#keepGraceAnswer(key, record.refreshHash, now, request.result);
      record.refreshHash = request.nextHash;
      record.refreshExpiresAt = request.nextExpiresAt;
      this.#slide(key, stored, now);
      return { status: 'rotated', session: activeView(record) };
    }
    const kept = this.#graceResults.get(key)?.get(request.presentedHash);
    if (kept && now < kept.rotatedAt + this.#timeouts.refreshReuseGraceMs) {
      return { status: 'grace', result: kept.result as T, session: activeView(record) };
    }
    if (stored.retiredHashes.includes(request.presentedHash)) {
      this.#revokeKey(key, ref);
      return { status: 'reused' };
    }
    return { status: 'invalid' };
  }

  async revoke(ref: SessionRef): Promise<boolean> {
    return this.#revokeKey(refKey(ref), ref);
  }

  async revokeAll(userId: string): Promise<number> {
    return this.#revokeAllOf(userId);
  }

  #revokeAllOf(userId: string): number {
    const ids = this.#userSessions.get(userId);
    let revoked = 0;
    for (const sessionId of ids ?? []) {
      if (this.#revokeKey(refKey({ userId, sessionId }), { userId, sessionId })) revoked++;
    }
    this.#userSessions.delete(userId);
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

  async consume(key: string, limit: number, windowMs: number): Promise<AttemptVerdict> {
    const count = this.#attempts.get(key) ?? 0;
    if (count >= limit) return { allowed: false, retryAfterMs: this.#attempts.ttl(key) ?? 0 };
    if (count === 0) this.#attempts.set(key, 1, windowMs);
    else this.#attempts.set(key, count + 1, this.#attempts.ttl(key) ?? windowMs);
    return { allowed: true };
  }

  async reset(key: string): Promise<void> {
    this.#attempts.delete(key);
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

  #keepGraceAnswer(key: string, hash: string, now: number, result: unknown): void {
    const graceMs = this.#timeouts.refreshReuseGraceMs;
    if (graceMs <= 0) return;
    let answers = this.#graceResults.get(key);
    if (!answers || answers.size >= GRACE_ANSWERS_KEPT) answers = new Map();
    answers.set(hash, { rotatedAt: now, result });
    this.#graceResults.set(key, answers, graceMs);
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
    this.#graceResults.delete(key);
    if (!this.#sessions.get(key)) return false;
    this.#sessions.delete(key);
    this.#tombstones.set(key, true, this.#timeouts.tombstoneMs);
    return true;
  }

  #sweep(): void {
    for (const map of [
      this.#sessions,
      this.#tombstones,
      this.#graceResults,
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
