import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { repoRoot } from './packages.js';
import { run } from './run.js';

export interface Consumer {
  dir: string;
  /** `npm install` with these extra specs (e.g. other versions of the peers). */
  install(specs?: string[]): Promise<void>;
  run(command: string, args: string[], env?: Record<string, string>): ReturnType<typeof run>;
  remove(): void;
}

/**
 * A fresh npm project outside the workspace (a temp dir), made from a fixture folder and the
 * given dependencies. npm reaches the registry for everything but the tarballs; its cache
 * (`~/.npm`) makes repeated runs quick.
 */
export function createConsumer(
  fixture: string,
  dependencies: Record<string, string>,
  devDependencies: Record<string, string>,
): Consumer {
  const dir = mkdtempSync(path.join(tmpdir(), `latch-consumer-${fixture}-`));
  cpSync(path.join(repoRoot, 'packages/published/fixtures', fixture), dir, { recursive: true });
  const manifest = {
    name: `latch-consumer-${fixture}`,
    version: '1.0.0',
    private: true,
    type: 'module',
    dependencies,
    devDependencies,
  };
  writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  const npm = (args: string[]) =>
    run('npm', [...args, '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], {
      cwd: dir,
    });
  return {
    dir,
    async install(specs = []) {
      await npm(specs.length ? ['install', ...specs] : ['install']);
    },
    run: (command, args, env) => run(command, args, { cwd: dir, env: env ?? {} }),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
