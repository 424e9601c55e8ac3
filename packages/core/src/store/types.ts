/**
 * Where wxopen keeps state: verify tickets, tokens, refresh tokens, dedup marks, locks.
 *
 * A `Store` is deliberately small so that any key-value service can back it. Every method is atomic on its
 * own key. Values are strings; TTLs are in milliseconds and optional (no TTL = kept until deleted).
 */
export interface Store {
  /** The value of `key`, or `undefined` when absent or expired. */
  get(key: string): Promise<string | undefined>;
  /** Sets `key` to `value`, replacing any value; `ttlMs` makes it expire. */
  set(key: string, value: string, ttlMs?: number): Promise<void>;
  /** Removes `key` (no error when absent). */
  delete(key: string): Promise<void>;
  /** Sets `key` only when it is absent; `true` when this call set it. */
  setIfAbsent(key: string, value: string, ttlMs?: number): Promise<boolean>;
  /** Removes `key` only when its value is `expected`; `true` when this call removed it. */
  compareAndDelete(key: string, expected: string): Promise<boolean>;
  /** Releases resources (timers, connections) the store owns. Optional. */
  close?(): Promise<void>;
}

/** A held lock. `release` is owner-checked: it never frees a lock taken over by someone else after expiry. */
export interface LockHandle {
  release(): Promise<boolean>;
}

/** Mutual exclusion across everything that shares a store (processes, machines). */
export interface Lock {
  /**
   * Takes the lock `name` for at most `ttlMs` (it expires by itself if the holder dies), waiting up to
   * `waitMs` for it. Resolves to `undefined` when the wait ran out.
   */
  acquire(name: string, options: { readonly ttlMs: number; readonly waitMs: number }): Promise<LockHandle | undefined>;
}
