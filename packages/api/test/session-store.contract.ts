import { randomUUID } from 'node:crypto';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { RETIRED_HASHES_KEPT, type SessionTimeouts } from '../src/session/session-policy.js';
import type { SessionRecord } from '../src/session/session-record.js';
import type { LoginAttemptStore, SessionStore } from '../src/session/session-store.js';

export const contractTimeouts: SessionTimeouts = {
  idleTimeoutMs: 60_000,
  absoluteTimeoutMs: 3_600_000,
  tombstoneMs: 120_000,
  refreshReuseGraceMs: 2_000,
};

type Store = SessionStore & LoginAttemptStore;

/**
 * The behaviour every session store must have. Times are passed explicitly (`now`) and kept
 * close to the real clock so the Redis TTLs (real time) and the policy checks agree.
 */
export function sessionStoreContract(
  name: string,
  open: () => Promise<Store>,
  close: (s: Store) => Promise<void>,
) {
  describe(`SessionStore contract: ${name}`, () => {
    let store: Store;
    let userId: string;
    beforeEach(async () => {
      store ??= await open();
      userId = randomUUID();
    });
    afterAll(async () => {
      if (store) await close(store);
    });

    const record = (overrides: Partial<SessionRecord> = {}): SessionRecord => {
      const now = Date.now();
      return {
        id: randomUUID().slice(0, 22),
        userId,
        username: 'alice',
        createdAt: now,
        lastActiveAt: now,
        absoluteExpiresAt: now + contractTimeouts.absoluteTimeoutMs,
        ip: '127.0.0.1',
        userAgent: 'vitest',
        refreshHash: 'hash-0',
        refreshExpiresAt: now + 600_000,
        ...overrides,
      };
    };
    const ref = (s: SessionRecord) => ({ userId: s.userId, sessionId: s.id });

    it('creates a session that touch finds and slides', async () => {
      const s = record();
      await store.create(s, { replaceOthers: false });
      const later = s.lastActiveAt + 5_000;
      const check = await store.touch(ref(s), later);
      expect(check).toEqual({
        status: 'active',
        session: {
          id: s.id,
          userId,
          username: 'alice',
          createdAt: s.createdAt,
          lastActiveAt: later,
          absoluteExpiresAt: s.absoluteExpiresAt,
        },
      });
      const peeked = await store.peek(ref(s), later + 1_000);
      expect(peeked.status === 'active' && peeked.session.lastActiveAt).toBe(later);
    });

    it('answers expired for an unknown session and for one idle past the timeout', async () => {
      expect(await store.touch({ userId, sessionId: 'nope' }, Date.now())).toEqual({
        status: 'expired',
      });
      const s = record();
      await store.create(s, { replaceOthers: false });
      const idleEnd = s.lastActiveAt + contractTimeouts.idleTimeoutMs;
      expect((await store.peek(ref(s), idleEnd - 1)).status).toBe('active');
      expect(await store.touch(ref(s), idleEnd)).toEqual({ status: 'expired' });
      // and it stays gone: the expired session was deleted, not merely refused
      expect(await store.touch(ref(s), s.lastActiveAt)).toEqual({ status: 'expired' });
    });

    it('expires at the absolute lifetime however active the session is', async () => {
      const now = Date.now();
      const s = record({ absoluteExpiresAt: now + 30_000 });
      await store.create(s, { replaceOthers: false });
      expect((await store.touch(ref(s), now + 20_000)).status).toBe('active');
      expect((await store.touch(ref(s), now + 29_999)).status).toBe('active');
      expect(await store.touch(ref(s), now + 30_000)).toEqual({ status: 'expired' });
    });

    it('revokes one session with a tombstone, leaving the others alive', async () => {
      const a = record();
      const b = record();
      await store.create(a, { replaceOthers: false });
      await store.create(b, { replaceOthers: false });
      expect(await store.revoke(ref(a))).toBe(true);
      expect(await store.revoke(ref(a))).toBe(false);
      expect(await store.touch(ref(a), Date.now())).toEqual({ status: 'revoked' });
      expect((await store.touch(ref(b), Date.now())).status).toBe('active');
      expect(await store.revoke({ userId: randomUUID(), sessionId: b.id })).toBe(false);
    });

    it('lists live sessions oldest first and revokes them all', async () => {
      const now = Date.now();
      const a = record({ createdAt: now - 10, userAgent: null, ip: null });
      const b = record({ createdAt: now });
      await store.create(b, { replaceOthers: false });
      await store.create(a, { replaceOthers: false });
      const list = await store.list(userId, now);
      expect(list.map((e) => e.id)).toEqual([a.id, b.id]);
      expect(list[0]).toMatchObject({ ip: null, userAgent: null, createdAt: a.createdAt });
      expect(list[1]).toMatchObject({ ip: '127.0.0.1', userAgent: 'vitest' });
      expect(await store.revokeAll(userId)).toBe(2);
      expect(await store.list(userId, now)).toEqual([]);
      expect((await store.touch(ref(b), now)).status).toBe('revoked');
      expect(await store.revokeAll(userId)).toBe(0);
    });

    it('replaces the other sessions of the user under the single policy', async () => {
      const first = record();
      const second = record();
      await store.create(first, { replaceOthers: false });
      await store.create(second, { replaceOthers: true });
      expect((await store.touch(ref(first), Date.now())).status).toBe('revoked');
      expect((await store.touch(ref(second), Date.now())).status).toBe('active');
    });

    it('leaves exactly one session alive after concurrent single-policy logins', async () => {
      const sessions = Array.from({ length: 10 }, () => record());
      await Promise.all(sessions.map((s) => store.create(s, { replaceOthers: true })));
      const checks = await Promise.all(sessions.map((s) => store.peek(ref(s), Date.now())));
      expect(checks.filter((c) => c.status === 'active')).toHaveLength(1);
      expect(await store.list(userId, Date.now())).toHaveLength(1);
    });

    it('rotates the refresh token once, replays within grace, and treats later use as reuse', async () => {
      const s = record();
      await store.create(s, { replaceOthers: false });
      const now = Date.now();
      const first = await store.rotateRefresh(
        ref(s),
        {
          presentedHash: 'hash-0',
          nextHash: 'hash-1',
          nextExpiresAt: now + 600_000,
          result: { n: 1 },
        },
        now,
      );
      expect(first.status).toBe('rotated');
      const replay = await store.rotateRefresh(
        ref(s),
        {
          presentedHash: 'hash-0',
          nextHash: 'hash-x',
          nextExpiresAt: now + 600_000,
          result: { n: 2 },
        },
        now + 10,
      );
      expect(replay).toMatchObject({ status: 'grace', result: { n: 1 } });
      const second = await store.rotateRefresh(
        ref(s),
        {
          presentedHash: 'hash-1',
          nextHash: 'hash-2',
          nextExpiresAt: now + 600_000,
          result: { n: 3 },
        },
        now + 20,
      );
      expect(second.status).toBe('rotated');
      // past the grace window a rotated token is reuse
      const reuse = await store.rotateRefresh(
        ref(s),
        {
          presentedHash: 'hash-0',
          nextHash: 'hash-y',
          nextExpiresAt: now + 600_000,
          result: { n: 4 },
        },
        now + contractTimeouts.refreshReuseGraceMs + 30,
      );
      expect(reuse).toEqual({ status: 'reused' });
      expect(await store.touch(ref(s), now + contractTimeouts.refreshReuseGraceMs + 40)).toEqual({
        status: 'revoked',
      });
      const afterRevoke = await store.rotateRefresh(
        ref(s),
        { presentedHash: 'hash-2', nextHash: 'hash-z', nextExpiresAt: now + 600_000, result: {} },
        now + 50,
      );
      expect(afterRevoke).toEqual({ status: 'revoked' });
    });

    it('remembers the last RETIRED_HASHES_KEPT rotated tokens for reuse detection, no more', async () => {
      const s = record();
      await store.create(s, { replaceOthers: false });
      const now = Date.now();
      const hash = (i: number) => `h${String(i).padStart(42, '0')}`; // real hashes are 43 chars
      const rotations = RETIRED_HASHES_KEPT + 6;
      let previous = 'hash-0';
      for (let i = 1; i <= rotations; i++) {
        const outcome = await store.rotateRefresh(
          ref(s),
          { presentedHash: previous, nextHash: hash(i), nextExpiresAt: now + 600_000, result: {} },
          now,
        );
        expect(outcome.status).toBe('rotated');
        previous = hash(i);
      }
      const later = now + contractTimeouts.refreshReuseGraceMs + 1;
      const forgotten = await store.rotateRefresh(
        ref(s),
        { presentedHash: hash(2), nextHash: 'x', nextExpiresAt: now + 600_000, result: {} },
        later,
      );
      expect(forgotten).toEqual({ status: 'invalid' });
      const remembered = await store.rotateRefresh(
        ref(s),
        {
          presentedHash: hash(rotations - RETIRED_HASHES_KEPT + 1),
          nextHash: 'y',
          nextExpiresAt: now + 600_000,
          result: {},
        },
        later,
      );
      expect(remembered).toEqual({ status: 'reused' });
    });

    it('answers every token rotated within the grace window with its own first answer', async () => {
      const s = record();
      await store.create(s, { replaceOthers: false });
      const now = Date.now();
      const rotate = (presentedHash: string, nextHash: string, at: number) =>
        store.rotateRefresh(
          ref(s),
          { presentedHash, nextHash, nextExpiresAt: now + 600_000, result: { nextHash } },
          at,
        );
      expect((await rotate('hash-0', 'hash-1', now)).status).toBe('rotated');
      expect((await rotate('hash-1', 'hash-2', now + 100)).status).toBe('rotated');
      // hash-0 is two rotations old but was rotated less than the grace window ago
      expect(await rotate('hash-0', 'other', now + 200)).toMatchObject({
        status: 'grace',
        result: { nextHash: 'hash-1' },
      });
      expect(await rotate('hash-1', 'other', now + 200)).toMatchObject({
        status: 'grace',
        result: { nextHash: 'hash-2' },
      });
      const graceEnd = now + contractTimeouts.refreshReuseGraceMs;
      expect(await rotate('hash-1', 'other', graceEnd + 99)).toMatchObject({ status: 'grace' });
      expect(await rotate('hash-0', 'other', graceEnd)).toEqual({ status: 'reused' });
    });

    it('answers invalid for an unknown hash or an expired refresh token, changing nothing', async () => {
      const now = Date.now();
      const s = record({ refreshExpiresAt: now + 1_000 });
      await store.create(s, { replaceOthers: false });
      const req = { nextHash: 'n', nextExpiresAt: now + 600_000, result: {} };
      expect(await store.rotateRefresh(ref(s), { ...req, presentedHash: 'forged' }, now)).toEqual({
        status: 'invalid',
      });
      expect(
        await store.rotateRefresh(ref(s), { ...req, presentedHash: 'hash-0' }, now + 1_000),
      ).toEqual({ status: 'invalid' });
      expect((await store.touch(ref(s), now)).status).toBe('active');
      expect(
        await store.rotateRefresh(
          { userId, sessionId: 'gone' },
          { ...req, presentedHash: 'hash-0' },
          now,
        ),
      ).toEqual({ status: 'expired' });
    });

    it('rotates exactly once under 50 concurrent refreshes with one token', async () => {
      const s = record();
      await store.create(s, { replaceOthers: false });
      const now = Date.now();
      const outcomes = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          store.rotateRefresh(
            ref(s),
            {
              presentedHash: 'hash-0',
              nextHash: `next-${i}`,
              nextExpiresAt: now + 600_000,
              result: { i },
            },
            now,
          ),
        ),
      );
      const rotated = outcomes.filter((o) => o.status === 'rotated');
      expect(rotated).toHaveLength(1);
      const winner = outcomes.findIndex((o) => o.status === 'rotated');
      for (const o of outcomes)
        if (o.status !== 'rotated')
          expect(o).toMatchObject({ status: 'grace', result: { i: winner } });
    });

    it('limits login attempts per key and resets on success', async () => {
      const key = randomUUID();
      const other = randomUUID();
      for (let i = 0; i < 3; i++)
        expect(await store.consume(key, 3, 60_000)).toEqual({ allowed: true });
      const refused = await store.consume(key, 3, 60_000);
      expect(refused.allowed).toBe(false);
      expect(!refused.allowed && refused.retryAfterMs).toBeGreaterThan(50_000);
      expect(await store.consume(other, 3, 60_000)).toEqual({ allowed: true });
      await store.reset(other);
      expect((await store.consume(key, 3, 60_000)).allowed).toBe(false);
      await store.reset(key);
      expect(await store.consume(key, 3, 60_000)).toEqual({ allowed: true });
    });

    it('pings', async () => {
      await expect(store.ping()).resolves.toBeUndefined();
    });
  });
}
