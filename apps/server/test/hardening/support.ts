import { Agent, type IncomingHttpHeaders, request } from 'node:http';
import type { Redis } from 'ioredis';

/** Helpers shared by the hardening tests (not a test file itself). */

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: tests read whatever JSON came back
  json: any;
}

export interface RawRequest {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

const agent = new Agent({ keepAlive: true, maxSockets: 64 });
const REQUEST_TIMEOUT_MS = 15_000;

/**
 * One HTTP request with nothing normalised: any method, any (latin-1) header bytes, any body.
 * Rejects only when no response came (connection refused/reset or timeout).
 */
export function rawRequest(baseUrl: string, req: RawRequest): Promise<RawResponse> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const outgoing = request(
      {
        agent,
        host: url.hostname,
        port: url.port,
        method: req.method,
        path: req.path,
        headers: {
          ...(req.body !== undefined && { 'content-length': String(Buffer.byteLength(req.body)) }),
          ...req.headers,
        },
        timeout: REQUEST_TIMEOUT_MS,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: response.statusCode ?? 0, headers: response.headers, text, json });
        });
      },
    );
    outgoing.on('timeout', () =>
      outgoing.destroy(new Error(`no response to ${req.method} ${req.path.slice(0, 200)}`)),
    );
    outgoing.on('error', reject);
    // A server that answers early (413, 431) and closes may reset the socket under a body still
    // being written; the request's own 'error' or response already tells the outcome.
    outgoing.on('socket', (socket) => socket.on('error', () => {}));
    if (req.body !== undefined) outgoing.write(req.body);
    outgoing.end();
  });
}

/** Closes the keep-alive sockets so the worker can exit cleanly. */
export function closeRawAgent(): void {
  agent.destroy();
}

/** A stack frame or a `stack` field: neither may ever reach the wire. */
export function leaksStack(text: string): boolean {
  return /"stack"\s*:|\bat [^\s()]+ \([^)]*:\d+:\d+\)|\.ts:\d+:\d+/.test(text);
}

export interface KeyState {
  /** DUMP of the value: any write, even of equal content, usually shows here. */
  dump: string;
  pttl: number;
}

/** Every key of a private Redis with its serialized value and TTL (test-only KEYS). */
export async function snapshotStore(redis: Redis, pattern = '*'): Promise<Map<string, KeyState>> {
  const keys = await redis.keys(pattern);
  const pipeline = redis.pipeline();
  for (const key of keys) {
    pipeline.dumpBuffer(key);
    pipeline.pttl(key);
  }
  const replies = (await pipeline.exec()) ?? [];
  const state = new Map<string, KeyState>();
  keys.forEach((key, i) => {
    const dump = replies[2 * i]?.[1] as Buffer | null;
    const pttl = replies[2 * i + 1]?.[1] as number;
    if (dump) state.set(key, { dump: dump.toString('hex'), pttl });
  });
  return state;
}

/**
 * What changed between two snapshots, ignoring keys `ignore` accepts. A TTL that went up means a
 * write (PEXPIRE) even when the value is equal; TTLs only ever go down by themselves.
 */
export function storeChanges(
  before: Map<string, KeyState>,
  after: Map<string, KeyState>,
  ignore: (key: string) => boolean = () => false,
): string[] {
  const changes: string[] = [];
  for (const [key, was] of before) {
    if (ignore(key)) continue;
    const now = after.get(key);
    if (!now) {
      // a key may expire by itself between the snapshots; only report those that should not have
      if (was.pttl < 0 || was.pttl > 5_000) changes.push(`removed ${key}`);
      continue;
    }
    if (now.dump !== was.dump) changes.push(`changed ${key}`);
    if (was.pttl >= 0 && now.pttl > was.pttl) changes.push(`ttl extended ${key}`);
    if (was.pttl >= 0 && now.pttl < 0) changes.push(`ttl removed ${key}`);
  }
  for (const key of after.keys()) {
    if (!ignore(key) && !before.has(key)) changes.push(`added ${key}`);
  }
  return changes;
}

/** At most `limit` tasks at once; the rest wait in order (a finishing task hands its slot on). */
export function concurrencyLimit(limit: number) {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (active < limit) active += 1;
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      return await task();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else active -= 1;
    }
  };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
