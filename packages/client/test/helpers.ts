import { randomBytes } from 'node:crypto';
import type { EndReason, LatchClientOptions } from '../src/index.js';
import { createLatchClient, memoryStorage, type TokenStorage } from '../src/index.js';
import { parseSession, type StoredSession, serializeSession } from '../src/stored-session.js';

export const PASSWORD = 'correct horse battery';

/** A username no other test (or earlier run against the same server) has used. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${randomBytes(4).toString('hex')}`;
}

/** The procedure paths of a tRPC request URL (`/trpc/a.b,c.d?batch=1` → `['a.b', 'c.d']`). */
export function pathsOf(url: string): string[] {
  const path = new URL(url).pathname.split('/trpc/')[1] ?? '';
  return path.split(',').filter(Boolean);
}

type Rewrite = (path: string, headers: Headers) => void;

/**
 * A real `fetch` that counts the HTTP requests per procedure (a batch counts once for each of its
 * procedures) and can rewrite request headers, to play a proxy or a replaying attacker.
 */
export function recordingFetch(rewrite?: Rewrite) {
  const requests: string[][] = [];
  const fetchFn: typeof fetch = async (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const paths = pathsOf(url);
    requests.push(paths);
    if (!rewrite) return fetch(input, init);
    const headers = new Headers(init?.headers);
    for (const path of paths) rewrite(path, headers);
    return fetch(input, { ...init, headers });
  };
  return {
    fetch: fetchFn,
    /** HTTP requests that carried `path`. */
    requestsFor: (path: string) => requests.filter((paths) => paths.includes(path)).length,
    /** Calls of `path` over all requests. */
    callsOf: (path: string) => requests.flat().filter((p) => p === path).length,
  };
}

/** A client plus what the tests look at: its storage, requests and `onSessionEnd` calls. */
export function testClient(
  url: string,
  { rewrite, ...options }: Partial<LatchClientOptions> & { rewrite?: Rewrite } = {},
) {
  const storage = options.storage ?? memoryStorage();
  const recorder = recordingFetch(rewrite);
  const ends: EndReason[] = [];
  const latch = createLatchClient({
    url,
    fetch: recorder.fetch,
    onSessionEnd: (reason) => ends.push(reason),
    ...options,
    storage,
  });
  return { latch, storage, ends, ...recorder };
}

export function storedOf(storage: TokenStorage): StoredSession {
  const session = parseSession(storage.get());
  if (!session) throw new Error('nothing stored');
  return session;
}

/** A storage holding `session` with some fields changed: a crafted state for a new client. */
export function craftedStorage(session: StoredSession, changes: Partial<StoredSession>) {
  return memoryStorage(serializeSession({ ...session, ...changes }));
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Sleeps until the wall clock passes `epochMs`. */
export async function sleepUntil(epochMs: number): Promise<void> {
  const ms = epochMs - Date.now();
  if (ms > 0) await sleep(ms);
}

/** The auth code of a rejected call, for `expect(...).toBe('…')`. */
export async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
  } catch (error) {
    const data = (error as { data?: { authCode?: string; code?: string } }).data;
    return data?.authCode ?? data?.code ?? (error as Error).message;
  }
  return 'resolved';
}

/** A Web Storage in memory, to run the web storage adapters (and two "tabs") in Node. */
export class InMemoryWebStorage implements Storage {
  readonly #items = new Map<string, string>();

  get length(): number {
    return this.#items.size;
  }

  clear(): void {
    this.#items.clear();
  }

  getItem(key: string): string | null {
    return this.#items.get(key) ?? null;
  }

  key(index: number): string | null {
    return [...this.#items.keys()][index] ?? null;
  }

  removeItem(key: string): void {
    this.#items.delete(key);
  }

  setItem(key: string, value: string): void {
    this.#items.set(key, String(value));
  }
}

/** Changes one character in the middle of a JWT's signature: well-formed, but forged. */
export function tamperedJwt(token: string): string {
  const [header, payload, signature = ''] = token.split('.');
  const at = Math.floor(signature.length / 2);
  const swapped = signature[at] === 'A' ? 'B' : 'A';
  return `${header}.${payload}.${signature.slice(0, at)}${swapped}${signature.slice(at + 1)}`;
}
