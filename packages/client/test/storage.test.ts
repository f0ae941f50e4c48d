import { describe, expect, test } from 'vitest';
import {
  createLatchClient,
  localStorageAdapter,
  memoryStorage,
  sessionStorageAdapter,
  type TokenStorage,
  webStorage,
} from '../src/index.js';
import { parseSession, type StoredSession, serializeSession } from '../src/stored-session.js';
import { InMemoryWebStorage } from './helpers.js';

const session: StoredSession = {
  user: { id: 'u1', username: 'ada' },
  sessionId: 's1',
  accessToken: 'header.payload.signature',
  accessTokenExpiresAt: 1_700_000_900_000,
  refreshToken: 'u1.s1.secret',
  refreshTokenExpiresAt: 1_702_000_000_000,
  receivedAt: 1_700_000_000_000,
};
const raw = serializeSession(session);

// Nothing here talks to a server: a client that starts from junk must simply be signed out.
const clientOn = (storage: TokenStorage) =>
  createLatchClient({ url: 'http://127.0.0.1:9/trpc', storage });

describe('storage adapters', () => {
  test('memoryStorage round-trips and clears', () => {
    const storage = memoryStorage();
    expect(storage.get()).toBeNull();
    storage.set(raw);
    expect(parseSession(storage.get())).toEqual(session);
    storage.remove();
    expect(storage.get()).toBeNull();
    expect(memoryStorage(raw).get()).toBe(raw);
  });

  test('webStorage round-trips under its key and leaves other keys alone', () => {
    const backing = new InMemoryWebStorage();
    backing.setItem('other', 'keep me');
    const storage = webStorage(backing, 'my.key');
    storage.set(raw);
    expect(backing.getItem('my.key')).toBe(raw);
    expect(parseSession(storage.get())).toEqual(session);
    storage.remove();
    expect(backing.getItem('my.key')).toBeNull();
    expect(backing.getItem('other')).toBe('keep me');
    expect(storage.sharedAs).toBeUndefined();
    expect(webStorage(backing, 'k', { shared: true }).sharedAs).toBe('k');
  });

  test('a client starts signed in from a valid stored session', () => {
    const latch = clientOn(memoryStorage(raw));
    expect(latch.getState()).toEqual({
      status: 'signedIn',
      user: session.user,
      sessionId: 's1',
      accessTokenExpiresAt: session.accessTokenExpiresAt,
      refreshTokenExpiresAt: session.refreshTokenExpiresAt,
    });
  });

  const garbage: Record<string, string> = {
    'not JSON': 'definitely not json',
    'half-written JSON': raw.slice(0, raw.length / 2),
    'JSON null': 'null',
    'an array': '[1,2,3]',
    'a missing field': JSON.stringify({ ...session, sessionId: undefined }),
    'a wrong type': JSON.stringify({ ...session, accessTokenExpiresAt: 'tomorrow' }),
    'a non-integer time': JSON.stringify({ ...session, receivedAt: 1.5 }),
    'a wrong user shape': JSON.stringify({ ...session, user: 'ada' }),
    'an empty string': '',
  };
  for (const [what, value] of Object.entries(garbage)) {
    test(`${what} in storage means signed out, and is removed`, () => {
      const backing = new InMemoryWebStorage();
      backing.setItem('latch.session', value);
      const latch = clientOn(webStorage(backing));
      expect(latch.getState()).toEqual({ status: 'signedOut', reason: null });
      expect(backing.getItem('latch.session')).toBeNull();
    });
  }

  test('a storage that throws on every access means signed out, not a crash', async () => {
    const hostile: TokenStorage = {
      get: () => {
        throw new Error('SecurityError');
      },
      set: () => {
        throw new Error('QuotaExceededError');
      },
      remove: () => {
        throw new Error('SecurityError');
      },
    };
    const latch = clientOn(hostile);
    expect(latch.getState()).toEqual({ status: 'signedOut', reason: null });
    await latch.logout();
  });

  test('webStorage keeps a value in memory when the browser refuses to write (quota)', () => {
    const backing = new InMemoryWebStorage();
    backing.setItem('latch.session', 'stale');
    backing.setItem = () => {
      throw new DOMException('full', 'QuotaExceededError');
    };
    const storage = webStorage(backing);
    storage.set(raw);
    // The stale value is not resurrected on the next read.
    expect(storage.get()).toBe(raw);
    expect(backing.getItem('latch.session')).toBeNull();
  });

  test('localStorage/sessionStorage adapters fall back to memory where there is none (Node)', () => {
    for (const storage of [localStorageAdapter(), sessionStorageAdapter('x')]) {
      storage.set(raw);
      expect(storage.get()).toBe(raw);
      storage.remove();
      expect(storage.get()).toBeNull();
    }
  });

  test('localStorage/sessionStorage adapters use the global storages when present', () => {
    const local = new InMemoryWebStorage();
    const perTab = new InMemoryWebStorage();
    const globals = globalThis as { localStorage?: Storage; sessionStorage?: Storage };
    globals.localStorage = local;
    globals.sessionStorage = perTab;
    try {
      const shared = localStorageAdapter('k1');
      shared.set('a');
      sessionStorageAdapter('k2').set('b');
      expect(local.getItem('k1')).toBe('a');
      expect(perTab.getItem('k2')).toBe('b');
      // Only localStorage is seen by other tabs, so only it turns tab sync on by default.
      expect(shared.sharedAs).toBe('k1');
      expect(sessionStorageAdapter('k2').sharedAs).toBeUndefined();
    } finally {
      delete globals.localStorage;
      delete globals.sessionStorage;
    }
  });
});
