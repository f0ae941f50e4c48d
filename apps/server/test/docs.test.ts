import { readFileSync } from 'node:fs';
import { appRouter } from '@latch/api';
import { AuthErrorCode } from '@latch/shared';
import { describe, expect, it } from 'vitest';
import { settingsSchema } from '../src/config.js';

const doc = (name: string) =>
  readFileSync(new URL(`../../../docs/${name}`, import.meta.url), 'utf8');

/** The backticked names that open the rows of a markdown table (`| \`A\` / \`B\` | …`). */
function rowNames(markdown: string): string[] {
  const names: string[] = [];
  for (const line of markdown.split('\n')) {
    const first = /^\| ([^|]+) \|/.exec(line)?.[1] ?? '';
    for (const match of first.matchAll(/`([^`]+)`/g)) names.push(match[1] ?? '');
  }
  return names;
}

/** The reference in docs/ names exactly what the code has: nothing missing, nothing stale. */
describe('docs/ matches the code', () => {
  it('errors.md: every authCode, and no code that does not exist', () => {
    const table = doc('errors.md').split('## Errors without')[0] ?? '';
    expect(rowNames(table).sort()).toEqual(Object.values(AuthErrorCode).sort());
  });

  it('procedures.md: every procedure of the router, and no other', () => {
    const procedures = Object.keys(appRouter._def.procedures);
    expect(procedures.length).toBeGreaterThan(5);
    expect(rowNames(doc('procedures.md')).sort()).toEqual(procedures.sort());
  });

  it('settings.md: every setting the server reads, and no other', () => {
    const documented = new Set(rowNames(doc('settings.md')));
    documented.add('NODE_ENV'); // described in the text above the table
    expect([...documented].sort()).toEqual(Object.keys(settingsSchema.shape).sort());
  });
});
