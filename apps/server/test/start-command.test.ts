import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, waitFor } from '@latch/testing';
import { afterAll, describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** Command lines of the live processes in a process group (Linux /proc). */
function commandsInGroup(pgid: number): string[] {
  const commands: string[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // Field 5 of stat is the process group; the name in field 2 may hold spaces, so split after ')'.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const group = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
      if (group !== pgid) continue;
      commands.push(readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ').trim());
    } catch {
      // The process ended while we looked.
    }
  }
  return commands;
}

/**
 * `pnpm start` exactly as typed: it builds what it needs, then serves the API and the web app from
 * built JavaScript under plain `node`; Ctrl-C (SIGINT to the whole foreground group, as a terminal
 * sends it) ends it with exit code 0 and no "[ELIFECYCLE] Command failed".
 */
describe('pnpm start', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'latch-start-'));
  let start: ChildProcess | undefined;
  let output = '';

  afterAll(() => {
    if (start?.pid && start.exitCode === null) process.kill(-start.pid, 'SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('runs the built server with plain node, serves the web app, and exits 0 on Ctrl-C', async () => {
    const port = await freePort();
    const child = spawn('pnpm', ['start'], {
      cwd: repoRoot,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        PORT: String(port),
        DATABASE_URL: `file:${path.join(dataDir, 'latch.db')}`,
        LOG_LEVEL: 'warn',
        FORCE_COLOR: '0',
      },
    });
    start = child;
    child.stdout?.on('data', (chunk) => (output += chunk));
    child.stderr?.on('data', (chunk) => (output += chunk));
    const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal })),
    );

    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`pnpm start exited:\n${output}`);
        return (await fetch(`http://127.0.0.1:${port}/healthz`)).ok;
      },
      { timeoutMs: 240_000, intervalMs: 200, what: 'pnpm start' },
    );

    const pgid = child.pid ?? 0;
    const server = commandsInGroup(pgid).filter((command) => command.includes('main.mjs'));
    expect(server).toEqual([expect.stringMatching(/^node apps\/server\/dist\/main\.mjs$/)]);
    expect(commandsInGroup(pgid).some((command) => command.includes('tsx'))).toBe(false);
    expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toContain('<div id="app">');

    process.kill(-pgid, 'SIGINT');
    expect(await exited).toEqual({ code: 0, signal: null });
    expect(output).not.toMatch(/ELIFECYCLE|Command failed/);
  }, 300_000);
});
