import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type RedisServer, startRedisServer } from '@latch/testing';
import { build } from 'vite';
import type { TestProject } from 'vitest/node';

const webRoot = fileURLToPath(new URL('..', import.meta.url));

/**
 * Once per run: builds the web app (production mode, as `pnpm start` does) into a directory of
 * its own, which the test servers serve through WEB_DIST — so a `pnpm start`/`pnpm build`
 * elsewhere in the run may rebuild apps/web/dist without pulling files from under these tests —
 * and starts one private Redis; each scenario group starts its own server process on it with
 * its own key prefix.
 */
export default async function setup(project: TestProject) {
  const webDist = mkdtempSync(path.join(tmpdir(), 'latch-web-dist-'));
  await build({
    root: webRoot,
    configFile: path.join(webRoot, 'vite.config.ts'),
    logLevel: 'warn',
    mode: 'production',
    build: { outDir: webDist, emptyOutDir: true },
  });
  const redis: RedisServer = await startRedisServer();
  project.provide('redisUrl', redis.url);
  project.provide('webDist', webDist);
  return async () => {
    await redis.stop();
    rmSync(webDist, { recursive: true, force: true });
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
    webDist: string;
  }
}
