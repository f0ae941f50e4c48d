import {
  type Clock,
  MemorySessionStore,
  type RateLimitStore,
  RedisSessionStore,
  type SessionStore,
  type SessionTimeouts,
} from '@latch/api';
import type { FastifyBaseLogger } from 'fastify';
import { Cluster, Redis, type RedisOptions } from 'ioredis';
import type { Settings } from './config.js';

export type Store = SessionStore & RateLimitStore;

// Fail fast while Redis is away (callers get AUTH_UNAVAILABLE at once instead of queueing), and
// keep reconnecting in the background so the server recovers by itself.
const redisOptions: RedisOptions = {
  enableOfflineQueue: false,
  maxRetriesPerRequest: 1,
  commandTimeout: 2000,
  connectTimeout: 2000,
  retryStrategy: (attempt) => Math.min(attempt * 100, 1000),
  // No enableAutoPipelining: the store batches a turn's writes itself, without the Pipeline
  // object per turn that made every young collection slow (see RedisWriteCoalescer).
};

/** The in-process store unless Redis is configured (cluster nodes take precedence). */
export function createSessionStore(
  settings: Settings,
  timeouts: SessionTimeouts,
  options: { clock?: Clock; log: FastifyBaseLogger },
): Store {
  const prefix = settings.REDIS_PREFIX;
  const { clock, log } = options;
  if (settings.REDIS_CLUSTER_NODES) {
    const nodes = settings.REDIS_CLUSTER_NODES.map((node) => {
      const [host, port] = node.split(':');
      return { host: host!, port: Number(port) };
    });
    const client = new Cluster(nodes, {
      enableOfflineQueue: false,
      // A Cluster's commands go to a connection per node: the store leaves batching to ioredis.
      enableAutoPipelining: true,
      redisOptions,
      clusterRetryStrategy: (attempt) => Math.min(attempt * 100, 1000),
    });
    return new RedisSessionStore(reportOutages(client, log), { prefix, timeouts });
  }
  if (settings.REDIS_URL) {
    const client = reportOutages(new Redis(settings.REDIS_URL, redisOptions), log);
    return new RedisSessionStore(client, { prefix, timeouts });
  }
  return new MemorySessionStore(timeouts, clock);
}

/** One warning when Redis goes away and one line when it is back, not one per reconnect attempt. */
function reportOutages<C extends Redis | Cluster>(client: C, log: FastifyBaseLogger): C {
  let down = false;
  client.on('error', (error: Error) => {
    if (down) return;
    down = true;
    log.warn(
      { err: error },
      'session store unreachable; answering AUTH_UNAVAILABLE and reconnecting',
    );
  });
  client.on('ready', () => {
    if (down) log.info('session store reachable again');
    down = false;
  });
  return client;
}
