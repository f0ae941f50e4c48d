import { type LatchProcess, startLatchProcess } from '@latch/testing';
import { createTRPCClient, httpBatchLink } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type AppRouter, authLink, failureOf, latchLinks, MAX_BATCH_SIZE } from '../src/index.js';
import { PASSWORD, recordingFetch, testClient, uniqueName } from './helpers.js';

let server: LatchProcess;
beforeAll(async () => {
  server = await startLatchProcess();
});
afterAll(async () => {
  await server?.stop();
});

async function signedIn() {
  const c = testClient(server.trpcUrl);
  await c.latch.register({ username: uniqueName('batch'), password: PASSWORD });
  return c;
}

const calls = (count: number, call: () => Promise<unknown>) =>
  Promise.allSettled(Array.from({ length: count }, call));

describe('the server batch cap', () => {
  test('a chain built with latchLinks() splits 17 calls into batches the server takes', async () => {
    const { latch } = await signedIn();
    const recorder = recordingFetch();
    const trpc = createTRPCClient<AppRouter>({
      links: latchLinks(latch.session, { url: server.trpcUrl, fetch: recorder.fetch }),
    });

    const results = await calls(MAX_BATCH_SIZE + 1, () => trpc.auth.me.query());

    expect(results.every((result) => result.status === 'fulfilled')).toBe(true);
    expect(recorder.callsOf('auth.me')).toBe(MAX_BATCH_SIZE + 1);
    expect(recorder.requestsFor('auth.me')).toBe(2);
  });

  test('an own httpBatchLink without maxItems fails at 17 calls, saying why and what to do', async () => {
    const { latch } = await signedIn();
    const trpc = createTRPCClient<AppRouter>({
      links: [
        authLink(latch.session),
        httpBatchLink({ url: server.trpcUrl, headers: latch.session.headers }),
      ],
    });

    const results = await calls(MAX_BATCH_SIZE + 1, () => trpc.auth.me.query());

    for (const result of results) {
      expect(result.status).toBe('rejected');
      const error = (result as PromiseRejectedResult).reason;
      expect(error.message).toContain(`at most ${MAX_BATCH_SIZE} calls per batched request`);
      expect(error.message).toContain('latchLinks()');
      expect(error.message).toContain('maxItems');
      // Still the server's answer underneath: the code an app switches on is unchanged.
      expect(failureOf(error).code).toBe('BAD_REQUEST');
      expect(error.cause.message).toBe('Batch call exceeds maximum size');
    }
    // The session is untouched by a refused batch.
    expect(latch.getState().status).toBe('signedIn');
  });

  test('the latch client itself batches any number of calls within the cap', async () => {
    const c = await signedIn();
    const results = await calls(3 * MAX_BATCH_SIZE + 2, () => c.latch.trpc.auth.me.query());
    expect(results.every((result) => result.status === 'fulfilled')).toBe(true);
    expect(c.requestsFor('auth.me')).toBe(4);
  });
});
