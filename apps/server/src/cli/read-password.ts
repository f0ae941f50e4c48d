import { createInterface } from 'node:readline';

/**
 * The password for `user:create` / `user:password`: piped on stdin (one line, as scripts pass
 * it), or typed at a prompt that echoes nothing. Never an argument: those show up in `ps`, in
 * shell history, and in pnpm's echo of the command.
 */
export async function readPassword(prompt: string): Promise<string> {
  if (!process.stdin.isTTY) return firstLine(await readAll(process.stdin));
  const first = await ask(prompt);
  const again = await ask('Again, to confirm: ');
  if (first !== again) throw new CliError('the two passwords differ; nothing was changed');
  return first;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  for await (const chunk of stream) text += chunk;
  return text;
}

function firstLine(text: string): string {
  return text.split(/\r?\n/, 1)[0] ?? '';
}

function ask(prompt: string): Promise<string> {
  const output = process.stderr;
  const rl = createInterface({ input: process.stdin, output, terminal: true });
  // Keep the prompt, mute the keystrokes.
  const write = output.write.bind(output);
  let muted = false;
  (rl as unknown as { _writeToOutput: (text: string) => void })._writeToOutput = (text) => {
    if (!muted) write(text);
  };
  return new Promise((resolve) => {
    rl.question(prompt, (answer) => {
      rl.close();
      write('\n');
      resolve(answer);
    });
    muted = true;
  });
}

/** A failure to report as one line and a non-zero exit, never a stack trace. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}
