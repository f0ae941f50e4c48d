import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { migrateDatabase } from '@latch/db';
import type { TestProject } from 'vitest/node';

/** Migrates one SQLite file per run; each test server starts from a copy of it. */
export default async function setup(project: TestProject) {
  const dir = mkdtempSync(path.join(tmpdir(), 'latch-server-tests-'));
  const template = path.join(dir, 'template.db');
  await migrateDatabase(`file:${template}`);
  project.provide('sqliteTemplate', template);
  return () => rmSync(dir, { recursive: true, force: true });
}

declare module 'vitest' {
  export interface ProvidedContext {
    sqliteTemplate: string;
  }
}
