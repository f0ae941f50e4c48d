// Signs in to a Latch server (registering the user if it doesn't exist yet), prints who it is
// and the user's sessions, then logs out. Run: pnpm --filter @latch/example-node-client start
import { createInterface } from 'node:readline/promises';
import { authErrorOf, createLatchClient, type LatchClient } from '@latch/client';

const url = process.env.LATCH_URL ?? 'http://127.0.0.1:3000/trpc';
const username = process.argv[2] ?? process.env.LATCH_USERNAME;

if (!username || process.argv[3] !== undefined) {
  console.error(
    'usage: pnpm start <username>   (or LATCH_USERNAME); the password comes from LATCH_PASSWORD,\n' +
      'a pipe, or a prompt — never the command line, which pnpm echoes and `ps` shows',
  );
  process.exit(2);
}
const password = process.env.LATCH_PASSWORD || (await readPassword(`Password for ${username}: `));

const latch = createLatchClient({
  url,
  // A script like this one never loses its session midway, but this is where an app would react.
  onSessionEnd: (reason) => console.log(`session ended: ${reason}`),
});

try {
  await signIn(latch, username, password);

  const me = await latch.trpc.auth.me.query();
  console.log(`signed in as ${me.user.username} (user ${me.user.id})`);
  console.log(`  session ${me.session.id}`);
  console.log(`  created ${time(me.session.createdAt)}`);
  console.log(`  idle deadline ${time(me.session.idleExpiresAt)}`);
  console.log(`  ends at the latest ${time(me.session.absoluteExpiresAt)}`);

  const sessions = await latch.trpc.auth.sessions.query();
  console.log(`${sessions.length} session(s):`);
  for (const session of sessions) {
    const marker = session.current ? '*' : ' ';
    console.log(
      `${marker} ${session.id}  last active ${time(session.lastActiveAt)}  ` +
        `${session.ip ?? '-'}  ${session.userAgent ?? '-'}`,
    );
  }
} catch (error) {
  console.error(describe(error));
  process.exitCode = 1;
} finally {
  if (latch.getState().status === 'signedIn') {
    await latch.logout();
    console.log('logged out');
  }
  latch.close();
}

/** Logs in; if the user doesn't exist yet, registers it instead. */
async function signIn(client: LatchClient, name: string, secret: string): Promise<void> {
  try {
    await client.login({ username: name, password: secret });
    return;
  } catch (error) {
    if (authErrorOf(error)?.code !== 'INVALID_CREDENTIALS') throw error;
    try {
      await client.register({ username: name, password: secret });
      console.log(`registered ${name}`);
    } catch (registerError) {
      // The name is taken, so the login failed on the password: report that, not the conflict.
      throw trpcCodeOf(registerError) === 'CONFLICT' ? error : registerError;
    }
  }
}

function describe(error: unknown): string {
  const auth = authErrorOf(error);
  if (auth?.code === 'RATE_LIMITED') {
    return `too many attempts: try again in ${Math.ceil((auth.retryAfterMs ?? 0) / 1000)} s`;
  }
  if (auth) return `${auth.code}: ${auth.message}`;
  const code = trpcCodeOf(error);
  if (code === 'BAD_REQUEST') {
    // The server lists zod's messages per field in `data.fieldErrors`.
    const fields = (error as { data?: { fieldErrors?: Record<string, string[]> } }).data
      ?.fieldErrors;
    const lines = Object.entries(fields ?? {}).map(
      ([field, messages]) => `  ${field}: ${messages.join('; ')}`,
    );
    return ['invalid input:', ...lines].join('\n');
  }
  if (code === 'NOT_FOUND') return 'registration is disabled on this server';
  if (!code) return `cannot reach ${url}: ${(error as Error).message}`;
  return `${code}: ${(error as Error).message}`;
}

/** The tRPC error code (`CONFLICT`, `BAD_REQUEST`, …) of a failed call, if the server answered. */
function trpcCodeOf(error: unknown): string | undefined {
  return (error as { data?: { code?: string } } | undefined)?.data?.code;
}

function time(epochMs: number): string {
  return new Date(epochMs).toISOString();
}

/** A pipe gives its first line; a terminal gets a prompt that does not echo what is typed. */
async function readPassword(prompt: string): Promise<string> {
  if (!process.stdin.isTTY) {
    let text = '';
    for await (const chunk of process.stdin) text += chunk;
    return text.split(/\r?\n/, 1)[0] ?? '';
  }
  process.stderr.write(prompt);
  const rl = createInterface({ input: process.stdin, terminal: true, output: undefined });
  try {
    return await rl.question('');
  } finally {
    rl.close();
    process.stderr.write('\n');
  }
}
