import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { type LatchProcess, startLatchProcess } from '@latch/testing';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type Consumer, createConsumer } from '../src/consumer.js';
import { packedTarballs } from '../src/packages.js';
import { workspaceVersion } from '../src/workspace-versions.js';

const CLIENT = { id: 'consumer', secret: 'c0nsumer-introspection-secret-42' };

let consumer: Consumer;
let server: LatchProcess;

beforeAll(async () => {
  const tarball = (await packedTarballs(inject('tarballDir'))).verify;
  consumer = createConsumer(
    'verify-consumer',
    { '@latch/verify': `file:${tarball}` },
    {
      typescript: workspaceVersion('typescript'),
      '@types/node': workspaceVersion('@types/node'),
    },
  );
  [server] = await Promise.all([
    startLatchProcess({ INTROSPECTION_CLIENTS: `${CLIENT.id}:${CLIENT.secret}` }),
    consumer.install(),
  ]);
});

afterAll(async () => {
  consumer?.remove();
  await server?.stop();
});

describe('@latch/verify installed from its tarball into a plain npm project', () => {
  it('brings only jose along', () => {
    const modules = path.join(consumer.dir, 'node_modules');
    expect(readdirSync(path.join(modules, '@latch'))).toEqual(['verify']);
    expect(existsSync(path.join(modules, 'jose'))).toBe(true);
    for (const name of ['@latch/api', '@prisma', 'ioredis', 'fastify', '@trpc/server'])
      expect(existsSync(path.join(modules, name)), name).toBe(false);
  });

  it('tsc strict passes with typed results, and plain node verifies a real token (and require() loads it)', async () => {
    await consumer.run('node', ['node_modules/typescript/bin/tsc', '-p', '.']);
    const username = `verify_consumer_${Date.now().toString(36)}`;
    const registered = await fetch(`${server.trpcUrl}/auth.register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password: 'violet rocket under tuesday' }),
    });
    const { result } = (await registered.json()) as {
      result: { data: { accessToken: string; user: { id: string } } };
    };
    const { stdout } = await consumer.run('node', [
      'dist/main.js',
      server.url,
      result.data.accessToken,
      CLIENT.id,
      CLIENT.secret,
    ]);
    expect(JSON.parse(stdout)).toMatchObject({
      userId: result.data.user.id,
      username,
      junk: 'TOKEN_INVALID',
    });
    const required = await consumer.run('node', ['dist/require.cjs']);
    expect(required.stdout.trim()).toBe('function function');
  });
});
