import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, waitFor } from '@latch/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * `pnpm dev` exactly as a user types it, with `PORT` and `WEB_PORT` set: the API listens on PORT,
 * Vite on WEB_PORT, and Vite's proxy reaches the API. (turbo's strict env mode once dropped both.)
 */
describe('pnpm dev honours PORT and WEB_PORT', () => {
  let dev: ChildProcess;
  let output = '';
  let apiPort: number;
  let webPort: number;
  const dataDir = mkdtempSync(path.join(tmpdir(), 'latch-dev-'));

  beforeAll(async () => {
    [apiPort, webPort] = [await freePort(), await freePort()];
    dev = spawn('pnpm', ['dev'], {
      cwd: repoRoot,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        PORT: String(apiPort),
        WEB_PORT: String(webPort),
        DATABASE_URL: `file:${path.join(dataDir, 'dev.db')}`,
        LOG_LEVEL: 'warn',
        FORCE_COLOR: '0',
      },
    });
    dev.stdout?.on('data', (chunk) => (output += chunk));
    dev.stderr?.on('data', (chunk) => (output += chunk));
    await waitFor(
      async () => {
        if (dev.exitCode !== null) throw new Error(`pnpm dev exited:\n${output}`);
        const response = await fetch(`http://127.0.0.1:${webPort}/trpc/system.ping`);
        return response.ok;
      },
      { timeoutMs: 150_000, intervalMs: 250, what: `pnpm dev on ${webPort}` },
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n${output}`);
    });
  }, 180_000);

  afterAll(async () => {
    if (dev?.pid && dev.exitCode === null) {
      const exited = new Promise((resolve) => dev.once('exit', resolve));
      process.kill(-dev.pid, 'SIGTERM');
      await exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('serves the app on WEB_PORT and proxies /trpc and /healthz to the API on PORT', async () => {
    const ping = await fetch(`http://127.0.0.1:${webPort}/trpc/system.ping`);
    expect(await ping.json()).toEqual({ result: { data: { pong: true } } });
    const health = await fetch(`http://127.0.0.1:${webPort}/healthz`);
    expect(await health.json()).toMatchObject({ status: 'ok', db: 'ok' });

    const page = await fetch(`http://127.0.0.1:${webPort}/`);
    expect(await page.text()).toContain('<div id="app">');

    // The API itself is on PORT.
    const direct = await fetch(`http://127.0.0.1:${apiPort}/trpc/system.ping`);
    expect(direct.ok).toBe(true);
  });
});
