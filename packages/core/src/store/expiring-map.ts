/**
 * The in-memory half of `MemoryStore` and `FileStore`: a map whose entries expire, checked lazily on read and
 * dropped in bulk by `sweep()`. Internal to the core (not exported from the package).
 */

/** What every entry carries: its expiry as epoch ms, or `Infinity` for none. */
export interface Expiring {
  readonly value: string;
  readonly expiresAt: number;
}

/**
 * The epoch-ms expiry for `ttlMs` (`Infinity` without a TTL). Throws the `TypeError` the `Store` contract asks
 * for when `ttlMs` is not a finite number greater than 0.
 */
export function expiryOf(ttlMs: number | undefined, now: number): number {
  if (ttlMs === undefined) return Infinity;
  if (typeof ttlMs !== 'number' || !Number.isFinite(ttlMs) || ttlMs <= 0) {
    throw new TypeError(`wxopen: a store TTL must be a finite number of milliseconds greater than 0 (got ${String(ttlMs)}); omit it to keep the entry`);
  }
  return now + Math.ceil(ttlMs);
}

export class ExpiringMap<E extends Expiring> {
  readonly #entries = new Map<string, E>();
  readonly #now: () => number;

  constructor(now: () => number) {
    this.#now = now;
  }

  /** The live entry of `key`; an expired one is dropped on the way. */
  get(key: string): E | undefined {
    const entry = this.#entries.get(key);
    if (entry !== undefined && entry.expiresAt <= this.#now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry;
  }

  /** Stores `entry` and returns the entry it replaced, live or not (a caller may care what it displaced). */
  set(key: string, entry: E): E | undefined {
    const previous = this.#entries.get(key);
    this.#entries.set(key, entry);
    return previous;
  }

  /** Removes `key` and returns the removed entry, live or not. */
  delete(key: string): E | undefined {
    const previous = this.#entries.get(key);
    if (previous !== undefined) this.#entries.delete(key);
    return previous;
  }

  /** Live entries, in insertion order. */
  *live(): IterableIterator<[string, E]> {
    const now = this.#now();
    for (const pair of this.#entries) if (pair[1].expiresAt > now) yield pair;
  }

  /** Drops every expired entry; returns how many were dropped. */
  sweep(): number {
    const now = this.#now();
    let dropped = 0;
    for (const [key, entry] of this.#entries) {
      if (entry.expiresAt <= now) {
        this.#entries.delete(key);
        dropped++;
      }
    }
    return dropped;
  }

  /** Entries held, expired or not (call `sweep()` first for a live count). */
  get size(): number {
    return this.#entries.size;
  }
}
