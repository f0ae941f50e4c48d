import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type LatchProcess, startLatchProcess } from '@latch/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const tsx = path.join(repoRoot, 'node_modules/.bin/tsx');
const main = path.join(repoRoot, 'apps/server/src/main.ts');

/** The server as `pnpm start:server` runs it: a real process, real HTTP. */
describe('server process', () => {
  let latch: LatchProcess;
  beforeAll(async () => {
    latch = await startLatchProcess();
  });
  afterAll(() => latch?.stop());

  it('answers /healthz and system.ping on the embedded defaults', async () => {
    const health = await fetch(`${latch.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok', redis: 'memory', db: 'ok' });
    const ping = await fetch(`${latch.trpcUrl}/system.ping`);
    expect(await ping.json()).toEqual({ result: { data: { pong: true } } });
    expect(ping.headers.get('x-content-type-options')).toBe('nosniff');
    expect(ping.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
  });

  it('answers 413 to a body over 1 MiB and 4xx to junk, never 500', async () => {
    const big = await fetch(`${latch.trpcUrl}/auth.login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'x', password: 'y'.repeat(1024 * 1024) }),
    });
    expect(big.status).toBe(413);
    for (const [body, type] of [
      ['{not json', 'application/json'],
      ['', 'application/json'],
      ['username=a', 'application/x-www-form-urlencoded'],
      ['null', 'application/json'],
      ['[1,2,3]', 'application/json'],
    ] as const) {
      const response = await fetch(`${latch.trpcUrl}/auth.login`, {
        method: 'POST',
        headers: { 'content-type': type },
        body,
      });
      expect(response.status, body).toBeGreaterThanOrEqual(400);
      expect(response.status, body).toBeLessThan(500);
      expect(await response.text()).not.toMatch(/\bat .+:\d+:\d+/);
    }
    const paths = (n: number) => Array.from({ length: n }, () => 'system.ping').join(',');
    expect((await fetch(`${latch.trpcUrl}/${paths(16)}?batch=1&input={}`)).status).toBe(200);
    const tooMany = await fetch(`${latch.trpcUrl}/${paths(17)}?batch=1&input={}`);
    expect(tooMany.status).toBe(400); // one request must not buy unbounded work
    const unknown = await fetch(`${latch.trpcUrl}/auth.nope`);
    expect(unknown.status).toBe(404);
    const batch = await fetch(`${latch.trpcUrl}/system.ping,auth.me?batch=1&input={}`);
    const results = (await batch.json()) as [
      { result: { data: unknown } },
      { error: { data: { authCode: string } } },
    ];
    expect(results[0].result.data).toEqual({ pong: true });
    expect(results[1].error.data.authCode).toBe('TOKEN_MISSING');
  });
});

describe('start-up', () => {
  it.each([
    ['ACCESS_TOKEN_TTL', 'soon'],
    ['REDIS_URL', 'localhost:6379'],
    ['REDIS_URL', 'http://user:s3cret-pw@cache:6379'],
  ])('stops with a message naming %s when it is bad', (name, value) => {
    const cwd = mkdtempSync(path.join(tmpdir(), 'latch-bad-'));
    const result = spawnSync(tsx, [main], {
      cwd,
      env: { PATH: process.env.PATH, [name]: value },
      encoding: 'utf8',
      timeout: 30_000,
    });
    rmSync(cwd, { recursive: true, force: true });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`${name}: `);
    expect(result.stderr).not.toContain('s3cret-pw'); // URLs may carry passwords: never echoed
    expect(result.stderr).not.toMatch(/\bat .+:\d+:\d+/); // a message, not a stack trace
  });

  it('shuts down gracefully on SIGTERM', async () => {
    const latch = await startLatchProcess();
    await latch.stop(); // SIGTERM to the process group, waits for exit
    expect(latch.output()).not.toMatch(/shutdown failed|Error/);
  });
});
