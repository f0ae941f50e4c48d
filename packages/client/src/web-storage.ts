import { memoryStorage, type TokenStorage } from './token-storage.js';

export const DEFAULT_STORAGE_KEY = 'latch.session';

/**
 * The part of the Web Storage interface (`localStorage`, `sessionStorage`) the adapter uses;
 * declared here so the package's types don't need the DOM library.
 */
export interface WebStorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export interface WebStorageOptions {
  /** Whether other tabs see this storage (true for localStorage, false for sessionStorage). */
  shared?: boolean;
}

/**
 * A `TokenStorage` over any Web Storage object. Browsers throw from these methods when storage is
 * disabled or full; the session then simply lives in memory for this tab instead of crashing.
 */
export function webStorage(
  storage: WebStorageLike,
  key: string = DEFAULT_STORAGE_KEY,
  options: WebStorageOptions = {},
): TokenStorage {
  // When a write fails, later reads must not resurrect the older value still in `storage`.
  const fallback = memoryStorage();
  let useFallback = false;
  return {
    get() {
      if (useFallback) return fallback.get();
      try {
        return storage.getItem(key);
      } catch {
        return null;
      }
    },
    set(value) {
      try {
        storage.setItem(key, value);
        useFallback = false;
      } catch {
        useFallback = true;
        fallback.set(value);
        try {
          storage.removeItem(key);
        } catch {}
      }
    },
    remove() {
      fallback.remove();
      try {
        storage.removeItem(key);
      } catch {}
    },
    ...(options.shared && { sharedAs: key }),
  };
}

/**
 * The session in `localStorage`: survives reloads and is shared by every tab of the origin (tab
 * sync on by default). Where there is no usable localStorage (Node, storage disabled) it falls
 * back to memory.
 */
export function localStorageAdapter(key: string = DEFAULT_STORAGE_KEY): TokenStorage {
  const storage = webStorageNamed('localStorage');
  return storage ? webStorage(storage, key, { shared: true }) : memoryStorage();
}

/**
 * The session in `sessionStorage`: survives reloads of this tab only; every tab signs in on its
 * own. Falls back to memory where there is none.
 */
export function sessionStorageAdapter(key: string = DEFAULT_STORAGE_KEY): TokenStorage {
  const storage = webStorageNamed('sessionStorage');
  return storage ? webStorage(storage, key, { shared: false }) : memoryStorage();
}

function webStorageNamed(name: 'localStorage' | 'sessionStorage'): WebStorageLike | undefined {
  try {
    // Merely reading the property throws a SecurityError in some privacy modes.
    const storage = (globalThis as { [key: string]: unknown })[name] as WebStorageLike | undefined;
    return storage && typeof storage.getItem === 'function' ? storage : undefined;
  } catch {
    return undefined;
  }
}
