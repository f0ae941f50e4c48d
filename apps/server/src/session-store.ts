import {
  type Clock,
  type LoginAttemptStore,
  MemorySessionStore,
  RedisSessionStore,
  type SessionStore,
  type SessionTimeouts,
} from '@latch/api';
import { Cluster, Redis, type RedisOptions } from 'ioredis';
import type { Settings } from './config.js';

export type Store = SessionStore & LoginAttemptStore;

// Fail fast while Redis is away (callers get AUTH_UNAVAILABLE at once instead of queueing), and
// keep reconnecting in the background so the server recovers by itself.
const redisOptions: RedisOptions = {
  enableOfflineQueue: false,
  maxRetriesPerRequest: 1,
  commandTimeout: 2000,
  connectTimeout: 2000,
  retryStrategy: (attempt) => Math.min(attempt * 100, 1000),
};

/** The in-process store unless Redis is configured (cluster nodes take precedence). */
export function createSessionStore(
  settings: Settings,
  timeouts: SessionTimeouts,
  clock?: Clock,
): Store {
  const prefix = settings.REDIS_PREFIX;
  if (settings.REDIS_CLUSTER_NODES) {
    const nodes = settings.REDIS_CLUSTER_NODES.map((node) => {
      const [host, port] = node.split(':');
      return { host: host!, port: Number(port) };
    });
    const client = new Cluster(nodes, {
      enableOfflineQueue: false,
      redisOptions,
      clusterRetryStrategy: (attempt) => Math.min(attempt * 100, 1000),
    });
    return new RedisSessionStore(client, { prefix, timeouts });
  }
  if (settings.REDIS_URL) {
    return new RedisSessionStore(new Redis(settings.REDIS_URL, redisOptions), { prefix, timeouts });
  }
  return new MemorySessionStore(timeouts, clock);
}
