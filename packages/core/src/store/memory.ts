import { ExpiringMap, expiryOf, startSweeping, type Expiring } from './expiring-map';
import type { Store } from './types';

export interface MemoryStoreOptions {
  /**
   * How often expired entries are swept, in ms (default 1 000). Reads drop an expired entry on their own; the
   * sweep bounds memory for keys that are never read again, such as dedup marks, which are held until the sweep
   * after their expiry. A sweep visits only the entries that expired since the previous one, so it stays cheap
   * however many entries are held. The timer never keeps the process alive.
   */
  readonly sweepIntervalMs?: number;
  /** Clock, for tests (default `Date.now`). */
  readonly now?: () => number;
}

/** The embedded default `Store`: one process, nothing installed, nothing survives a restart. */
export class MemoryStore implements Store {
  /** Only this process sees a `MemoryStore`. */
  readonly shared: boolean = false;
  readonly #entries: ExpiringMap<Expiring>;
  readonly #now: () => number;
  readonly #timer: NodeJS.Timeout;

  constructor(options: MemoryStoreOptions = {}) {
    this.#now = options.now ?? Date.now;
    this.#entries = new ExpiringMap(this.#now);
    this.#timer = startSweeping(() => this.sweep(), options.sweepIntervalMs);
  }

  /** Number of live entries (after a sweep), for tests and metrics. */
  get size(): number {
    this.sweep();
    return this.#entries.size;
  }

  async get(key: string): Promise<string | undefined> {
    return this.#entries.get(key)?.value;
  }

  async set(key: string, value: string, ttlMs?: number): Promise<void> {
    this.#entries.set(key, { value, expiresAt: expiryOf(ttlMs, this.#now()) });
  }

  async delete(key: string): Promise<void> {
    this.#entries.delete(key);
  }

  async setIfAbsent(key: string, value: string, ttlMs?: number): Promise<boolean> {
    const expiresAt = expiryOf(ttlMs, this.#now());
    if (this.#entries.get(key)) return false;
    this.#entries.set(key, { value, expiresAt });
    return true;
  }

  async compareAndDelete(key: string, expected: string): Promise<boolean> {
    if (this.#entries.get(key)?.value !== expected) return false;
    this.#entries.delete(key);
    return true;
  }

  async compareAndSet(key: string, expected: string, value: string, ttlMs?: number): Promise<boolean> {
    const expiresAt = expiryOf(ttlMs, this.#now());
    if (this.#entries.get(key)?.value !== expected) return false;
    this.#entries.set(key, { value, expiresAt });
    return true;
  }

  /** Drops expired entries; returns how many. Runs by itself every `sweepIntervalMs`. */
  sweep(): number {
    return this.#entries.sweep();
  }

  /** Stops the sweep timer. The entries stay readable. */
  async close(): Promise<void> {
    clearInterval(this.#timer);
  }
}
