import { randomUUID } from 'node:crypto';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { SessionTimeouts } from '../src/session/session-policy.js';
import type { RotateRequest, SessionRecord, SessionRef } from '../src/session/session-record.js';
import type { RateLimitStore, SessionStore } from '../src/session/session-store.js';
import { newRefreshTagKey, refreshTag } from '../src/tokens/refresh-token.js';

export const contractTimeouts: SessionTimeouts = {
  idleTimeoutMs: 60_000,
  absoluteTimeoutMs: 3_600_000,
  tombstoneMs: 120_000,
  refreshReuseGraceMs: 2_000,
};

type Store = SessionStore & RateLimitStore;

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
        refreshGeneration: 0,
        refreshHash: 'hash-0',
        refreshExpiresAt: now + 600_000,
        refreshTagKey: newRefreshTagKey(),
        ...overrides,
      };
    };
    const ref = (s: SessionRecord) => ({ userId: s.userId, sessionId: s.id });

    /**
     * Presents generation `generation` of session `s` whose secret hashes to `hash-<generation>`
     * (the hashes a real client's tokens would have), with its authentic tag unless `tag` is given.
     */
    const present = (
      s: SessionRecord,
      generation: number,
      at: number,
      options: { hash?: string; tag?: string; result?: unknown } = {},
    ) => {
      const request: RotateRequest<unknown> = {
        generation,
        presentedHash: options.hash ?? `hash-${generation}`,
        presentedTag: options.tag ?? refreshTag(s.refreshTagKey, ref(s), generation),
        nextHash: `hash-${generation + 1}`,
        nextExpiresAt: at + 600_000,
        result: options.result ?? { successor: generation + 1 },
      };
      return store.rotateRefresh(ref(s), request, at);
    };
    const isAlive = async (r: SessionRef, at: number) => (await store.peek(r, at)).status;

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

    it('rotates the live token, replays the token rotated last within grace, and treats it as reuse after', async () => {
      const s = record();
      await store.create(s, { replaceOthers: false });
      const now = Date.now();
      const first = await present(s, 0, now);
      expect(first).toMatchObject({ status: 'rotated', tagKey: s.refreshTagKey });
      expect(first.status === 'rotated' && first.session.lastActiveAt).toBe(now);
      const replay = await present(s, 0, now + 10, { result: { other: true } });
      expect(replay).toMatchObject({
        status: 'grace',
        result: { successor: 1 },
        tagKey: s.refreshTagKey,
      });
      expect((await present(s, 1, now + 20)).status).toBe('rotated');
      // past the grace window the token rotated last is reuse, and the session is revoked
      const graceEnd = now + 20 + contractTimeouts.refreshReuseGraceMs;
      expect(await present(s, 1, graceEnd)).toEqual({ status: 'reused' });
      expect(await store.touch(ref(s), graceEnd + 1)).toEqual({ status: 'revoked' });
      expect(await present(s, 2, graceEnd + 2)).toEqual({ status: 'revoked' });
    });

    it('gives the grace answer to the token rotated last only: an older one inside the window is reuse', async () => {
      const s = record();
      await store.create(s, { replaceOthers: false });
      const now = Date.now();
      expect((await present(s, 0, now)).status).toBe('rotated');
      expect((await present(s, 1, now + 100)).status).toBe('rotated');
      // generation 0 was rotated 200 ms ago, well inside the grace window, but is not the last
      expect(await present(s, 0, now + 200)).toEqual({ status: 'reused' });
      expect(await isAlive(ref(s), now + 300)).toBe('revoked');
    });

    it('recognises a token any number of generations old as reuse', async () => {
      const s = record();
      await store.create(s, { replaceOthers: false });
      const now = Date.now();
      for (let generation = 0; generation < 70; generation++) {
        expect((await present(s, generation, now)).status, `generation ${generation}`).toBe(
          'rotated',
        );
      }
      const later = now + contractTimeouts.refreshReuseGraceMs + 1;
      expect(await present(s, 0, later)).toEqual({ status: 'reused' });
      expect(await isAlive(ref(s), later)).toBe('revoked');
    });

    it('answers invalid, changing nothing, to an older generation with a made-up tag or secret', async () => {
      const s = record();
      await store.create(s, { replaceOthers: false });
      const now = Date.now();
      for (let generation = 0; generation < 3; generation++) await present(s, generation, now);
      const later = now + contractTimeouts.refreshReuseGraceMs + 1;
      const otherKey = newRefreshTagKey();
      for (const tag of [
        'A'.repeat(22),
        refreshTag(otherKey, ref(s), 1),
        refreshTag(s.refreshTagKey, ref(s), 2),
        '',
      ]) {
        expect(await present(s, 1, later, { tag })).toEqual({ status: 'invalid' });
      }
      // the live generation with another secret, and generations never issued
      expect(await present(s, 3, later, { hash: 'forged' })).toEqual({ status: 'invalid' });
      expect(await present(s, 4, later)).toEqual({ status: 'invalid' });
      expect(await present(s, 99, later)).toEqual({ status: 'invalid' });
      expect(await isAlive(ref(s), later)).toBe('active');
      expect((await present(s, 3, later)).status).toBe('rotated');
    });

    it('answers invalid for an expired live token and expired for a session that is gone', async () => {
      const now = Date.now();
      const s = record({ refreshExpiresAt: now + 1_000 });
      await store.create(s, { replaceOthers: false });
      expect(await present(s, 0, now + 1_000)).toEqual({ status: 'invalid' });
      expect((await store.touch(ref(s), now)).status).toBe('active');
      const gone = { ...s, id: 'gone' };
      expect(await present(gone, 0, now)).toEqual({ status: 'expired' });
    });

    it('rotates exactly once under 50 concurrent refreshes with one token', async () => {
      const s = record();
      await store.create(s, { replaceOthers: false });
      const now = Date.now();
      const outcomes = await Promise.all(
        Array.from({ length: 50 }, (_, i) => present(s, 0, now, { result: { i } })),
      );
      const rotated = outcomes.filter((o) => o.status === 'rotated');
      expect(rotated).toHaveLength(1);
      const winner = outcomes.findIndex((o) => o.status === 'rotated');
      for (const o of outcomes)
        if (o.status !== 'rotated')
          expect(o).toMatchObject({ status: 'grace', result: { i: winner } });
    });

    it('revokes every session of the user but the one kept', async () => {
      const [a, b, c] = [record(), record(), record()];
      for (const s of [a, b, c]) await store.create(s, { replaceOthers: false });
      const now = Date.now();
      expect(await store.revokeAll(userId, { except: b.id })).toBe(2);
      expect(await isAlive(ref(a), now)).toBe('revoked');
      expect(await isAlive(ref(b), now)).toBe('active');
      expect(await isAlive(ref(c), now)).toBe('revoked');
      expect((await store.list(userId, now)).map((e) => e.id)).toEqual([b.id]);
      expect(await store.revokeAll(userId)).toBe(1);
    });

    it('counts attempts on several counters of a group at once, refusing when any is full', async () => {
      const group = randomUUID();
      const pair = { name: 'pair', limit: 3, windowMs: 60_000 };
      const wide = { name: 'wide', limit: 5, windowMs: 120_000 };
      for (let i = 0; i < 3; i++) {
        expect(await store.consume(group, [pair, wide])).toEqual({ allowed: true });
      }
      // the pair is full: refused, and the wide counter did not count this attempt
      const refused = await store.consume(group, [pair, wide]);
      expect(refused.allowed).toBe(false);
      expect(!refused.allowed && refused.retryAfterMs).toBeGreaterThan(50_000);
      expect(!refused.allowed && refused.retryAfterMs).toBeLessThanOrEqual(60_000);
      const otherPair = { ...pair, name: 'other-pair' };
      expect(await store.consume(group, [otherPair, wide])).toEqual({ allowed: true });
      expect(await store.consume(group, [otherPair, wide])).toEqual({ allowed: true });
      // now the wide counter is full (5): its own window decides the wait
      const wideFull = await store.consume(group, [{ ...pair, name: 'third' }, wide]);
      expect(!wideFull.allowed && wideFull.retryAfterMs).toBeGreaterThan(110_000);
      // another group is independent
      expect(await store.consume(randomUUID(), [pair, wide])).toEqual({ allowed: true });
    });

    it('forgives: reset starts a counter over, refund takes back one count', async () => {
      const group = randomUUID();
      const pair = { name: 'pair', limit: 2, windowMs: 60_000 };
      const wide = { name: 'wide', limit: 3, windowMs: 60_000 };
      await store.consume(group, [pair, wide]);
      await store.consume(group, [pair, wide]);
      expect((await store.consume(group, [pair, wide])).allowed).toBe(false);
      await store.forgive(group, { reset: ['pair'], refund: ['wide'] });
      // pair back to 0, wide down to 1: two more fit, the third is refused by wide
      expect(await store.consume(group, [pair, wide])).toEqual({ allowed: true });
      expect(await store.consume(group, [{ ...pair, name: 'x' }, wide])).toEqual({ allowed: true });
      expect((await store.consume(group, [{ ...pair, name: 'y' }, wide])).allowed).toBe(false);
      // refunding a counter that is not there changes nothing
      await store.forgive(randomUUID(), { refund: ['nothing'] });
    });

    it('never lets parallel attempts overshoot a limit', async () => {
      const group = randomUUID();
      const counters = [
        { name: 'a', limit: 7, windowMs: 60_000 },
        { name: 'b', limit: 100, windowMs: 60_000 },
      ];
      const verdicts = await Promise.all(
        Array.from({ length: 30 }, () => store.consume(group, counters)),
      );
      expect(verdicts.filter((v) => v.allowed)).toHaveLength(7);
    });

    it('pings', async () => {
      await expect(store.ping()).resolves.toBeUndefined();
    });
  });
}
