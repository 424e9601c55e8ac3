import type { Store } from './types';

interface Entry {
  value: string;
  /** Epoch ms, or Infinity for no expiry. */
  expiresAt: number;
}

export interface MemoryStoreOptions {
  /** How often expired entries are swept, in ms (default 60 000). The timer never keeps the process alive. */
  readonly sweepIntervalMs?: number;
  /** Clock, for tests (default `Date.now`). */
  readonly now?: () => number;
}

/** The embedded default `Store`: one process, nothing installed, nothing survives a restart. */
export class MemoryStore implements Store {
  readonly #entries = new Map<string, Entry>();
  readonly #now: () => number;
  readonly #timer: NodeJS.Timeout;

  constructor(options: MemoryStoreOptions = {}) {
    this.#now = options.now ?? Date.now;
    this.#timer = setInterval(() => this.sweep(), options.sweepIntervalMs ?? 60_000);
    this.#timer.unref();
  }

  /** Number of live entries (after a sweep), for tests and metrics. */
  get size(): number {
    this.sweep();
    return this.#entries.size;
  }

  #live(key: string): Entry | undefined {
    const entry = this.#entries.get(key);
    if (entry && entry.expiresAt <= this.#now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry;
  }

  #expiry(ttlMs: number | undefined): number {
    return ttlMs === undefined ? Infinity : this.#now() + ttlMs;
  }

  async get(key: string): Promise<string | undefined> {
    return this.#live(key)?.value;
  }

  async set(key: string, value: string, ttlMs?: number): Promise<void> {
    this.#entries.set(key, { value, expiresAt: this.#expiry(ttlMs) });
  }

  async delete(key: string): Promise<void> {
    this.#entries.delete(key);
  }

  async setIfAbsent(key: string, value: string, ttlMs?: number): Promise<boolean> {
    if (this.#live(key)) return false;
    this.#entries.set(key, { value, expiresAt: this.#expiry(ttlMs) });
    return true;
  }

  async compareAndDelete(key: string, expected: string): Promise<boolean> {
    if (this.#live(key)?.value !== expected) return false;
    this.#entries.delete(key);
    return true;
  }

  /** Drops expired entries. */
  sweep(): void {
    const now = this.#now();
    for (const [key, entry] of this.#entries) if (entry.expiresAt <= now) this.#entries.delete(key);
  }

  async close(): Promise<void> {
    clearInterval(this.#timer);
  }
}
