import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type Consumer, createConsumer } from '../src/consumer.js';
import { packedTarballs } from '../src/packages.js';
import { lowestOf, manifestOf } from '../src/tarball.js';
import { workspaceVersion } from '../src/workspace-versions.js';

/**
 * A Vue app's npm project installs both tarballs on the lowest vue and vue-router the package
 * accepts, and vue-tsc (strict, skipLibCheck false) checks an SFC and a router using it.
 */
let consumer: Consumer;

beforeAll(async () => {
  const tarballs = await packedTarballs(inject('tarballDir'));
  const peers = (await manifestOf(tarballs.vue)).peerDependencies ?? {};
  const trpc = workspaceVersion('@trpc/client');
  consumer = createConsumer(
    'vue-consumer',
    {
      '@latch/client': `file:${tarballs.client}`,
      '@latch/vue': `file:${tarballs.vue}`,
      '@trpc/client': trpc,
      '@trpc/server': trpc,
      vue: lowestOf(peers.vue ?? ''),
      'vue-router': lowestOf(peers['vue-router'] ?? ''),
    },
    {
      typescript: workspaceVersion('typescript'),
      'vue-tsc': workspaceVersion('vue-tsc', '../apps/web'),
    },
  );
  await consumer.install();
});

afterAll(() => consumer?.remove());

describe('@latch/vue installed from its tarball into a Vue project', () => {
  it('type-checks with vue-tsc: composables, store, guard and route meta typed, not any', async () => {
    await consumer.run('node', ['node_modules/vue-tsc/bin/vue-tsc.js', '--noEmit', '-p', '.']);
  });

  it('loads as an ES module with its peers', async () => {
    const { stdout } = await consumer.run('node', [
      '--input-type=module',
      '-e',
      "const m = await import('@latch/vue'); console.log(JSON.stringify(Object.keys(m)));",
    ]);
    expect(JSON.parse(stdout)).toEqual(
      expect.arrayContaining([
        'createLatchAuth',
        'installAuthGuard',
        'useCurrentUser',
        'useIdleCountdown',
        'useSessionEnd',
      ]),
    );
  });
});
