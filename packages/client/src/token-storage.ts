/**
 * Where the client keeps its session (one JSON string). Synchronous on purpose: the bearer token
 * is read at the moment a request is sent, with no round trip in between. Back an asynchronous
 * store with an in-memory copy if you need one.
 *
 * The client validates whatever `get()` returns; a storage never needs to check the value.
 */
export interface TokenStorage {
  get(): string | null;
  set(value: string): void;
  remove(): void;
  /**
   * Set when other tabs/windows of this origin see the same value (localStorage). Tab sync is then
   * on by default and its lock and channel are named after it.
   */
  readonly sharedAs?: string;
}

/** Keeps the session in this process only: the default, and what Node programs want. */
export function memoryStorage(initial: string | null = null): TokenStorage {
  let value = initial;
  return {
    get: () => value,
    set: (next) => {
      value = next;
    },
    remove: () => {
      value = null;
    },
  };
}
