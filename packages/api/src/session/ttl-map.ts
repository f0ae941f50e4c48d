import type { Clock } from '../clock.js';

/** A Map whose entries vanish after their TTL, like Redis keys: nothing in it lives forever. */
export class TtlMap<K, V> {
  readonly #entries = new Map<K, { value: V; expiresAt: number }>();
  readonly #clock: Clock;

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  get(key: K): V | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.#clock()) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  has(key: K): boolean {
    return this.get(key) !== undefined;
  }

  set(key: K, value: V, ttlMs: number): void {
    this.#entries.set(key, { value, expiresAt: this.#clock() + ttlMs });
  }

  /** Keeps the value, changes when it expires. */
  expire(key: K, ttlMs: number): void {
    const entry = this.#entries.get(key);
    if (entry) entry.expiresAt = this.#clock() + ttlMs;
  }

  /** Milliseconds left, or undefined for a missing key. */
  ttl(key: K): number | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    const left = entry.expiresAt - this.#clock();
    return left > 0 ? left : undefined;
  }

  delete(key: K): boolean {
    return this.#entries.delete(key);
  }

  /** Drops every expired entry; called periodically so memory stays bounded. */
  sweep(): void {
    const now = this.#clock();
    for (const [key, entry] of this.#entries) if (entry.expiresAt <= now) this.#entries.delete(key);
  }

  get size(): number {
    return this.#entries.size;
  }
}
