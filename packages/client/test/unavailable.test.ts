import {
  type LatchProcess,
  type RedisServer,
  startLatchProcess,
  startRedisServer,
  waitFor,
} from '@latch/testing';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { codeOf, PASSWORD, storedOf, testClient, uniqueName } from './helpers.js';

// A private Redis (with AOF, so the session survives its restart) that the test can kill.
let redis: RedisServer;
let server: LatchProcess;
beforeAll(async () => {
  redis = await startRedisServer({ aof: true });
  server = await startLatchProcess({ REDIS_URL: redis.url });
});
afterAll(async () => {
  await server?.stop();
  await redis?.stop();
});

test('AUTH_UNAVAILABLE keeps the session: the call fails, nothing is cleared, it works again later', async () => {
  const c = testClient(server.trpcUrl);
  const username = uniqueName('outage');
  await c.latch.register({ username, password: PASSWORD });
  const stored = c.storage.get();

  await redis.kill();
  expect(await codeOf(c.latch.trpc.auth.me.query())).toBe('AUTH_UNAVAILABLE');
  // A refresh during the outage fails the same way and keeps the tokens too.
  expect(await codeOf(c.latch.refresh())).toBe('AUTH_UNAVAILABLE');
  expect(c.storage.get()).toBe(stored);
  expect(c.latch.getState()).toMatchObject({ status: 'signedIn', user: { username } });
  expect(c.ends).toEqual([]);

  await redis.restart();
  await waitFor(async () => (await codeOf(c.latch.trpc.auth.me.query())) === 'resolved', {
    what: 'auth.me to work again after Redis restarted',
  });
  expect((await c.latch.trpc.auth.me.query()).user.username).toBe(username);
  expect(storedOf(c.storage).sessionId).toBe(JSON.parse(stored ?? '{}').sessionId);
  expect(c.ends).toEqual([]);
});
