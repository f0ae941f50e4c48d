import type { FastifyBaseLogger } from 'fastify';
import type { Store } from './session-store.js';

const READY_TIMEOUT_MS = 5000;
const RETRY_MS = 100;

/**
 * Gives Redis a moment to connect before traffic arrives. A store still down afterwards is not
 * fatal: requests get AUTH_UNAVAILABLE and the client keeps reconnecting.
 */
export async function waitForStore(store: Store, log: FastifyBaseLogger): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    try {
      await store.ping();
      return;
    } catch (error) {
      if (Date.now() >= deadline) {
        log.warn(
          { err: error },
          'session store unreachable; serving AUTH_UNAVAILABLE until it returns',
        );
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
    }
  }
}
