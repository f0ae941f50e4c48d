import { readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './packages.js';

/** The version of `name` this workspace installed for `packages/<from>` (what it tests with). */
export function workspaceVersion(name: string, from = 'client'): string {
  const manifest = path.join(repoRoot, 'packages', from, 'node_modules', name, 'package.json');
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
}
