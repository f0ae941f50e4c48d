import type { FastifyBaseLogger } from 'fastify';
import type { Store } from './session-store.js';

const READY_TIMEOUT_MS = 5000;
const RETRY_MS = 100;

/**
 * Pings the store until it answers or `timeoutMs` passes (Redis connects in the background).
 * Resolves null once it answered, or the last error.
 */
export async function reachStore(store: Store, timeoutMs = READY_TIMEOUT_MS): Promise<unknown> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await store.ping();
      return null;
    } catch (error) {
      if (Date.now() >= deadline) return error;
      await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
    }
  }
}

/**
 * Gives Redis a moment to connect before traffic arrives. A store still down afterwards is not
 * fatal: requests get AUTH_UNAVAILABLE and the client keeps reconnecting.
 */
export async function waitForStore(store: Store, log: FastifyBaseLogger): Promise<void> {
  const error = await reachStore(store);
  if (error) {
    log.warn(
      { err: error },
      'session store unreachable; serving AUTH_UNAVAILABLE until it returns',
    );
  }
}
