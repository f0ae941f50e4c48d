import { run } from './run.js';

export interface Manifest {
  name: string;
  version: string;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  [field: string]: unknown;
}

/** The tarball's file list, without the `package/` prefix npm packs everything under. */
export async function filesOf(tarball: string): Promise<string[]> {
  const { stdout } = await run('tar', ['-tzf', tarball], { cwd: '/' });
  return stdout
    .split('\n')
    .filter(Boolean)
    .map((file) => file.replace(/^package\//, ''))
    .sort();
}

export async function readFromTarball(tarball: string, file: string): Promise<string> {
  const { stdout } = await run('tar', ['-xzOf', tarball, `package/${file}`], { cwd: '/' });
  return stdout;
}

export async function manifestOf(tarball: string): Promise<Manifest> {
  return JSON.parse(await readFromTarball(tarball, 'package.json')) as Manifest;
}

/** The packages a JS or declaration file imports (`vue`, `@trpc/server`, not `./x` or `node:x`). */
export function importedPackages(code: string): string[] {
  const specifiers = [
    ...code.matchAll(/\bfrom\s+["']([^"']+)["']|\bimport\(\s*["']([^"']+)["']\s*\)/g),
  ]
    .map((match) => match[1] ?? match[2] ?? '')
    .filter(
      (specifier) => specifier && !specifier.startsWith('.') && !specifier.startsWith('node:'),
    );
  const packages = specifiers.map((specifier) =>
    specifier
      .split('/')
      .slice(0, specifier.startsWith('@') ? 2 : 1)
      .join('/'),
  );
  return [...new Set(packages)].sort();
}

/** The lowest version a range accepts (`^11.4.0` → `11.4.0`, `^4.5.0 || ^5.0.0` → `4.5.0`). */
export function lowestOf(range: string): string {
  const lowest = /\d+\.\d+\.\d+/.exec(range)?.[0];
  if (!lowest) throw new Error(`no version in range ${range}`);
  return lowest;
}
