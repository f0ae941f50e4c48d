import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type RedisServer, startRedisServer } from '@latch/testing';
import { build } from 'vite';
import type { TestProject } from 'vitest/node';

const webRoot = fileURLToPath(new URL('..', import.meta.url));

/**
 * Once per run: builds the web app into apps/web/dist (where the server's main.ts serves it from,
 * exactly as `pnpm start` does) and starts one private Redis; each scenario group starts its own
 * server process on it with its own key prefix.
 */
export default async function setup(project: TestProject) {
  await build({
    root: webRoot,
    configFile: path.join(webRoot, 'vite.config.ts'),
    logLevel: 'warn',
    mode: 'production',
  });
  const redis: RedisServer = await startRedisServer();
  project.provide('redisUrl', redis.url);
  return () => redis.stop();
}

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
  }
}
