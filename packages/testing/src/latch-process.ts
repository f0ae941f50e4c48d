import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, waitFor } from './free-port.js';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const tsx = path.join(repoRoot, 'node_modules/.bin/tsx');
const serverMain = path.join(repoRoot, 'apps/server/src/main.ts');
const builtMain = path.join(repoRoot, 'apps/server/dist/main.mjs');

export interface LatchProcess {
  url: string;
  trpcUrl: string;
  port: number;
  /** Everything the process printed, for assertions and for debugging a failed test. */
  output(): string;
  stop(): Promise<void>;
}

/**
 * A real Latch server process (what `pnpm start:server` runs) on a free port, in its own temp
 * working directory with its own SQLite file unless `DATABASE_URL` is given. Spawned directly
 * (not through pnpm) and killed as a process group so nothing outlives the test. `built` runs
 * `apps/server/dist/main.mjs` with plain node instead, as `pnpm start` does (build it first).
 */
export async function startLatchProcess(
  env: Record<string, string> = {},
  options: { built?: boolean } = {},
): Promise<LatchProcess> {
  if (options.built && !existsSync(builtMain)) {
    throw new Error(`${builtMain} is missing: run \`pnpm --filter @latch/server build\` first`);
  }
  // A given PORT is kept (a restart on the same address); otherwise any free one.
  const port = env.PORT ? Number(env.PORT) : await freePort();
  const cwd = mkdtempSync(path.join(tmpdir(), 'latch-server-'));
  const [command, args] = options.built ? [process.execPath, [builtMain]] : [tsx, [serverMain]];
  const child: ChildProcess = spawn(command, args, {
    cwd,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'warn',
      // Tests register and log in many users from one loopback ip; tests of these limits set their own.
      LOGIN_IP_RATE_LIMIT: '100000/60',
      REGISTER_RATE_LIMIT: '100000/60',
      ...env,
    },
  });
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.pid) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {}
      await exited;
    }
    rmSync(cwd, { recursive: true, force: true });
  };
  try {
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`server exited early:\n${output}`);
        return (await fetch(`${url}/healthz`)).status < 500;
      },
      { timeoutMs: 60_000, what: `latch server on ${url}` },
    );
  } catch (error) {
    await stop();
    throw new Error(`${(error as Error).message}\n${output}`);
  }
  return { url, trpcUrl: `${url}/trpc`, port, output: () => output, stop };
}
