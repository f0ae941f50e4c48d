import type { AuthService } from '@latch/api';
import { usernameSchema } from '@latch/shared';
import { CliError, readPassword } from './read-password.js';

export interface CliContext {
  auth: AuthService;
  /** `memory`: sessions live inside the server process, out of the CLI's reach. */
  storeKind: 'redis' | 'memory';
  print(line: string): void;
}

interface Command {
  usage: string;
  summary: string;
  needsSessions?: boolean;
  run(context: CliContext, username: string): Promise<void>;
}

export const commands: Record<string, Command> = {
  'user:create': {
    usage: 'user:create <name>',
    summary: 'create a user (password from stdin, or a prompt that does not echo)',
    async run({ auth, print }, username) {
      const password = await readPassword(`Password for ${username}: `);
      const user = await auth.createUser({ username, password });
      print(`created user ${user.username} (${user.id})`);
    },
  },
  'user:password': {
    usage: 'user:password <name>',
    summary: "set a user's password (stdin or prompt); every session of the user ends",
    async run({ auth, storeKind, print }, username) {
      const password = await readPassword(`New password for ${username}: `);
      const { user, revoked } = await auth.resetPassword(username, password);
      print(
        storeKind === 'memory'
          ? `password of ${user.username} changed; its sessions live in the running server's memory (REDIS_URL unset): restart the server to end them`
          : `password of ${user.username} changed; ${plural(revoked, 'session')} ended`,
      );
    },
  },
  'sessions:list': {
    usage: 'sessions:list <name>',
    summary: "list a user's live sessions",
    needsSessions: true,
    async run({ auth, print }, username) {
      const { user, sessions } = await auth.sessionsOf(username);
      print(`${plural(sessions.length, 'live session')} of ${user.username}`);
      for (const session of sessions) {
        print(
          [
            session.id,
            `created ${iso(session.createdAt)}`,
            `last active ${iso(session.lastActiveAt)}`,
            session.ip ?? 'unknown ip',
            session.userAgent ?? 'unknown device',
          ].join('  '),
        );
      }
    },
  },
  'sessions:revoke': {
    usage: 'sessions:revoke <name>',
    summary: 'end every session of a user',
    needsSessions: true,
    async run({ auth, print }, username) {
      const { user, revoked } = await auth.revokeSessionsOf(username);
      print(`${plural(revoked, 'session')} of ${user.username} ended`);
    },
  },
};

export function usage(): string {
  const width = Math.max(...Object.values(commands).map((c) => c.usage.length));
  return [
    'usage: pnpm latch <command> <name>',
    '',
    ...Object.values(commands).map((c) => `  ${c.usage.padEnd(width)}  ${c.summary}`),
    '',
    'Settings come from the environment and .env, as for the server (DATABASE_URL, REDIS_URL, …).',
  ].join('\n');
}

/** Checks the command line before anything is opened; throws a CliError with exit code 2. */
export function parseCommandLine(args: string[]): { command: Command; username: string } | null {
  const [name, username, ...rest] = args;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') return null;
  const command = commands[name];
  if (!command)
    throw new CliError(`unknown command "${name}" (pnpm latch help lists the commands)`, 2);
  if (username === undefined) throw new CliError(`${command.usage}: a user name is missing`, 2);
  if (rest.length > 0) throw new CliError(`${command.usage}: unexpected "${rest.join(' ')}"`, 2);
  const valid = usernameSchema.safeParse(username);
  if (!valid.success) {
    throw new CliError(
      `"${username}" is not a user name: 3 to 64 letters, digits, "_", "." or "-"`,
      2,
    );
  }
  return { command, username };
}

export function requireSessionStore(command: Command, storeKind: CliContext['storeKind']): void {
  if (command.needsSessions && storeKind === 'memory') {
    throw new CliError(
      'sessions live inside the server process with the in-process store (REDIS_URL unset); set REDIS_URL (or REDIS_CLUSTER_NODES) to manage them from here',
    );
  }
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

function iso(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(/\.\d+Z$/, 'Z');
}
