import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BODY_LIMIT, hangOutcomes, startServer, transformedRouter } from './fixture.js';

/**
 * The same requests to the same router through tRPC's official Fastify adapter and through
 * `trpcFastifyPlugin`: every answer — status, the headers a client or cache reads, body — must be
 * identical, for the fast path's calls and for everything it hands to tRPC.
 */
interface Probe {
  name: string;
  method: 'GET' | 'POST' | 'HEAD' | 'PUT';
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

const json = { 'content-type': 'application/json' };
const q = (input: unknown) => encodeURIComponent(JSON.stringify(input));

const probes: Probe[] = [
  { name: 'query', method: 'GET', path: '/trpc/ping' },
  { name: 'query with input', method: 'GET', path: `/trpc/echo?input=${q({ text: 'hi' })}` },
  { name: 'invalid input', method: 'GET', path: `/trpc/echo?input=${q({ text: 'far too long' })}` },
  { name: 'missing input', method: 'GET', path: '/trpc/echo' },
  { name: 'input not JSON', method: 'GET', path: '/trpc/echo?input=%7Bnope' },
  { name: 'nested path', method: 'GET', path: '/trpc/nested.deep' },
  { name: 'procedures get a signal', method: 'GET', path: '/trpc/signal' },
  {
    name: 'context from headers',
    method: 'GET',
    path: '/trpc/whoami',
    headers: { 'x-user': 'ada' },
  },
  { name: 'createContext reads info', method: 'GET', path: '/trpc/calls' },
  { name: 'createContext reads info, batch', method: 'GET', path: '/trpc/ping,calls?batch=1' },
  { name: 'error with formatter data', method: 'GET', path: '/trpc/fail' },
  { name: 'internal error', method: 'GET', path: '/trpc/crash' },
  { name: 'unknown procedure', method: 'GET', path: '/trpc/nope' },
  { name: 'prototype key as path', method: 'GET', path: '/trpc/constructor' },
  { name: 'mutation', method: 'POST', path: '/trpc/add', headers: json, body: '{"a":1,"b":2}' },
  {
    name: 'mutation, charset',
    method: 'POST',
    path: '/trpc/add',
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: '{"a":1,"b":2}',
  },
  { name: 'mutation without input', method: 'POST', path: '/trpc/touch', headers: json },
  { name: 'mutation, empty body', method: 'POST', path: '/trpc/touch', headers: json, body: '' },
  {
    name: 'mutation, bad input',
    method: 'POST',
    path: '/trpc/add',
    headers: json,
    body: '{"a":"x"}',
  },
  {
    name: 'mutation, broken JSON',
    method: 'POST',
    path: '/trpc/add',
    headers: json,
    body: '{"a":',
  },
  {
    name: 'mutation, text/plain',
    method: 'POST',
    path: '/trpc/add',
    headers: { 'content-type': 'text/plain' },
    body: '{"a":1,"b":2}',
  },
  {
    name: 'mutation, form',
    method: 'POST',
    path: '/trpc/add',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'a=1',
  },
  { name: 'mutation, no content type', method: 'POST', path: '/trpc/touch' },
  {
    name: 'mutation, body too large',
    method: 'POST',
    path: '/trpc/add',
    headers: json,
    body: JSON.stringify({ a: 1, b: 2, pad: 'x'.repeat(BODY_LIMIT) }),
  },
  { name: 'mutation by GET', method: 'GET', path: '/trpc/add' },
  { name: 'query by POST', method: 'POST', path: '/trpc/ping', headers: json, body: '{}' },
  { name: 'HEAD', method: 'HEAD', path: '/trpc/ping' },
  { name: 'PUT', method: 'PUT', path: '/trpc/ping', headers: json, body: '{}' },
  { name: 'batch of one', method: 'GET', path: '/trpc/ping?batch=1' },
  {
    name: 'batch',
    method: 'GET',
    path: `/trpc/ping,echo?batch=1&input=${q({ 1: { text: 'hi' } })}`,
  },
  {
    name: 'batch, mixed outcomes (207)',
    method: 'GET',
    path: `/trpc/ping,fail,echo?batch=1&input=${q({ 2: { text: 'far too long' } })}`,
  },
  { name: 'batch, all failing alike', method: 'GET', path: '/trpc/fail,fail?batch=1' },
  {
    name: 'batch of mutations',
    method: 'POST',
    path: '/trpc/add,touch?batch=1',
    headers: json,
    body: JSON.stringify({ 0: { a: 2, b: 3 } }),
  },
  { name: 'batch over the limit', method: 'GET', path: '/trpc/ping,ping,ping,ping?batch=1' },
  {
    name: 'batch mixing types',
    method: 'POST',
    path: '/trpc/add,ping?batch=1',
    headers: json,
    body: '{}',
  },
  {
    name: 'batch input an array',
    method: 'GET',
    path: `/trpc/echo?batch=1&input=${q([{ text: 'hi' }])}`,
  },
  { name: 'batch=true', method: 'GET', path: '/trpc/ping?batch=true' },
  { name: 'unknown query key', method: 'GET', path: '/trpc/ping?x=1' },
  {
    name: 'streaming accept',
    method: 'GET',
    path: '/trpc/ping?batch=1',
    headers: { 'trpc-accept': 'application/jsonl' },
  },
  { name: 'percent in path', method: 'GET', path: '/trpc/pi%6Eg' },
];

// Not content-length: tRPC streams its answers (chunked); the fast path knows the length.
const READ_HEADERS = ['content-type', 'vary', 'allow', 'cache-control'];

async function probe(base: string, p: Probe) {
  const response = await fetch(`${base}${p.path}`, {
    method: p.method,
    headers: p.headers,
    body: p.body,
  });
  const text = await response.text();
  const headers = Object.fromEntries(
    READ_HEADERS.map((name) => [name, response.headers.get(name)]).filter(([, v]) => v !== null),
  );
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {}
  return { status: response.status, headers, body };
}

describe('trpcFastifyPlugin answers exactly as tRPC’s fastifyTRPCPlugin', () => {
  const servers: FastifyInstance[] = [];
  let official: string;
  let thin: string;
  const officialErrors: string[] = [];
  const thinErrors: string[] = [];

  beforeAll(async () => {
    const [a, b] = await Promise.all([
      startServer('official', officialErrors),
      startServer('thin', thinErrors),
    ]);
    servers.push(a.app, b.app);
    official = a.url;
    thin = b.url;
  });
  afterAll(async () => {
    await Promise.all(servers.map((app) => app.close()));
  });

  for (const p of probes) {
    it(p.name, async () => {
      const before = [officialErrors.length, thinErrors.length];
      const [expected, actual] = await Promise.all([probe(official, p), probe(thin, p)]);
      expect(actual).toEqual(expected);
      // onError saw the same failures, in the same words.
      expect(thinErrors.slice(before[1])).toEqual(officialErrors.slice(before[0]));
    });
  }

  it('the probes cover successes, 207s and the statuses a client must tell apart', async () => {
    const statuses = new Set<number>();
    for (const p of probes) statuses.add((await probe(thin, p)).status);
    expect([...statuses].sort()).toEqual(
      expect.arrayContaining([200, 204, 207, 400, 401, 404, 405, 413, 415, 500]),
    );
  });
});

describe('with a data transformer, the same envelopes, serialized alike', () => {
  const w = (value: unknown) => q({ wrapped: value });
  const transformedProbes: Probe[] = [
    { name: 'query', method: 'GET', path: '/trpc/ping' },
    { name: 'query with input', method: 'GET', path: `/trpc/echo?input=${w({ text: 'hi' })}` },
    {
      name: 'invalid input',
      method: 'GET',
      path: `/trpc/echo?input=${w({ text: 'far too long' })}`,
    },
    { name: 'error', method: 'GET', path: '/trpc/fail' },
    {
      name: 'mutation',
      method: 'POST',
      path: '/trpc/add',
      headers: json,
      body: JSON.stringify({ wrapped: { a: 1, b: 2 } }),
    },
    {
      name: 'batch, mixed outcomes',
      method: 'GET',
      path: `/trpc/ping,fail,echo?batch=1&input=${q({ 2: { wrapped: { text: 'hi' } } })}`,
    },
  ];
  let official: { app: FastifyInstance; url: string };
  let thin: { app: FastifyInstance; url: string };
  beforeAll(async () => {
    [official, thin] = await Promise.all([
      startServer('official', [], true, transformedRouter),
      startServer('thin', [], true, transformedRouter),
    ]);
  });
  afterAll(async () => {
    await Promise.all([official?.app.close(), thin?.app.close()]);
  });

  for (const p of transformedProbes) {
    it(p.name, async () => {
      const [expected, actual] = await Promise.all([probe(official.url, p), probe(thin.url, p)]);
      expect(actual).toEqual(expected);
      expect(JSON.stringify(actual.body)).toContain('wrapped');
    });
  }
});

describe('abort signals on the fast path', () => {
  it('abort when the client goes away; with abortSignals: false procedures get none', async () => {
    const [on, off] = await Promise.all([startServer('thin'), startServer('thin', [], false)]);
    try {
      const client = new AbortController();
      const call = fetch(`${on.url}/trpc/hang`, { signal: client.signal }).catch(() => 'gone');
      await new Promise((resolve) => setTimeout(resolve, 200));
      client.abort();
      expect(await call).toBe('gone');
      await expect.poll(() => hangOutcomes).toEqual(['aborted']);

      const answer = await fetch(`${off.url}/trpc/signal`);
      expect(await answer.json()).toEqual({ result: { data: 'none' } });
    } finally {
      await Promise.all([on.app.close(), off.app.close()]);
    }
  });
});
