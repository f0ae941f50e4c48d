import {
  createTRPCClient,
  httpBatchLink,
  httpLink,
  isTRPCClientError,
  type TRPCLink,
} from '@trpc/client';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_BATCH_SIZE, startServer, type TestRouter } from './fixture.js';

/** `@trpc/client`'s own links against `trpcFastifyPlugin`, counting the requests they make. */
describe('@trpc/client links against trpcFastifyPlugin', () => {
  let app: FastifyInstance;
  let url: string;
  let requests: string[] = [];
  const counting: typeof fetch = (input, init) => {
    requests.push(String(input));
    return fetch(input, init);
  };

  beforeAll(async () => {
    const server = await startServer('thin');
    app = server.app;
    url = `${server.url}/trpc`;
  });
  afterAll(() => app.close());

  const clientWith = (link: TRPCLink<TestRouter>) =>
    createTRPCClient<TestRouter>({ links: [link] });

  for (const [name, link] of [
    ['httpLink', () => httpLink({ url, fetch: counting, headers: { 'x-user': 'ada' } })],
    [
      'httpBatchLink',
      () =>
        httpBatchLink({
          url,
          fetch: counting,
          maxItems: MAX_BATCH_SIZE,
          headers: { 'x-user': 'ada' },
        }),
    ],
  ] as const) {
    it(`${name}: queries, mutations, context, and errors with the formatter's data`, async () => {
      requests = [];
      const client = clientWith(link());
      const [pong, echoed, user, sum, deep, failed, invalid, crashed] = await Promise.allSettled([
        client.ping.query(),
        client.echo.query({ text: 'hi' }),
        client.whoami.query(),
        client.add.mutate({ a: 2, b: 40 }),
        client.nested.deep.query(),
        client.fail.query(),
        client.echo.query({ text: 'far too long' }),
        client.crash.query(),
      ]);
      expect(
        [pong, echoed, user, sum, deep].map((r) => r.status === 'fulfilled' && r.value),
      ).toEqual([{ pong: true }, 'hi', 'ada', 42, 'deep']);
      const reasonOf = (r: PromiseSettledResult<unknown>) => {
        if (r.status !== 'rejected' || !isTRPCClientError<TestRouter>(r.reason)) {
          throw new Error('expected a TRPCClientError');
        }
        return r.reason;
      };
      expect(reasonOf(failed).data).toMatchObject({
        code: 'UNAUTHORIZED',
        httpStatus: 401,
        authCode: 'TOKEN_EXPIRED',
        path: 'fail',
      });
      expect(reasonOf(invalid).data).toMatchObject({ code: 'BAD_REQUEST', httpStatus: 400 });
      expect(reasonOf(crashed).data).toMatchObject({ code: 'INTERNAL_SERVER_ERROR' });
      expect(reasonOf(crashed).data).not.toHaveProperty('stack');
      // httpLink: one request per call; the batch link: queries in batches of at most 3, plus
      // the mutation on its own.
      expect(requests.length).toBe(name === 'httpLink' ? 8 : 4);
    });
  }
});
