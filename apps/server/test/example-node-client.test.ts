import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type LatchProcess, startLatchProcess } from '@latch/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const example = path.join(repoRoot, 'examples/node-client/src/main.ts');
const tsx = path.join(repoRoot, 'node_modules/.bin/tsx');
const PASSWORD = 'violet rocket under tuesday';

function runExample(args: string[], env: Record<string, string>, stdin = '') {
  return new Promise<{ code: number | null; output: string }>((resolve, reject) => {
    const child = spawn(tsx, [example, ...args], {
      env: { PATH: process.env.PATH, ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
    child.stdin.end(stdin);
  });
}

/** examples/node-client against a real server: the password never on the command line. */
describe('examples/node-client', () => {
  let server: LatchProcess;
  beforeAll(async () => {
    server = await startLatchProcess();
  });
  afterAll(() => server?.stop());

  it('takes the password from LATCH_PASSWORD or a pipe, and refuses it as an argument', async () => {
    const env = { LATCH_URL: server.trpcUrl };
    const username = `ex_${Date.now().toString(36)}`;

    const first = await runExample([username], { ...env, LATCH_PASSWORD: PASSWORD });
    expect(first.code).toBe(0);
    expect(first.output).toContain(`registered ${username}`);
    expect(first.output).toContain(`signed in as ${username}`);
    expect(first.output).toContain('logged out');

    const piped = await runExample([username], env, `${PASSWORD}\n`);
    expect(piped.code).toBe(0);
    expect(piped.output).not.toContain('registered');
    expect(piped.output).toContain(`signed in as ${username}`);

    const wrong = await runExample([username], env, 'not the password at all\n');
    expect(wrong.code).toBe(1);

    const onCommandLine = await runExample([username, PASSWORD], env);
    expect(onCommandLine.code).toBe(2);
    expect(onCommandLine.output).toMatch(/never the command line/);
  });
});
