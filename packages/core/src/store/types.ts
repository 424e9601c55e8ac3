/**
 * Where wxopen keeps state: verify tickets, tokens, refresh tokens, dedup marks, locks.
 *
 * A `Store` is deliberately small so that any key-value service can back it. Every method is atomic on its
 * own key; no method touches two keys, so a Redis Cluster can serve it as long as the keys of one component
 * share a hash tag (the core writes keys such as `{wx123}:ticket`).
 *
 * Values are strings. TTLs are in milliseconds and optional: no TTL means the entry is kept until it is
 * replaced or deleted (durable data such as refresh tokens is always written without a TTL). A TTL, when
 * given, must be a finite number greater than 0 — implementations throw a `TypeError` otherwise — and is
 * rounded up to a whole millisecond. Callers that compute a TTL (for example `expires_in` minus a safety
 * margin) must not pass 0 or less.
 *
 * Implementations: `MemoryStore` (one process, default), `FileStore` (one process, durable data survives a
 * restart), `RedisStore` from `@wxopen/redis` (several processes and machines).
 */
export interface Store {
  /** The value of `key`, or `undefined` when absent or expired. */
  get(key: string): Promise<string | undefined>;
  /** Sets `key` to `value`, replacing any value and any TTL; `ttlMs` makes it expire. */
  set(key: string, value: string, ttlMs?: number): Promise<void>;
  /** Removes `key` (no error when absent). */
  delete(key: string): Promise<void>;
  /** Sets `key` only when it is absent or expired; `true` when this call set it. Atomic across callers. */
  setIfAbsent(key: string, value: string, ttlMs?: number): Promise<boolean>;
  /** Removes `key` only when its value is `expected`; `true` when this call removed it. Atomic across callers. */
  compareAndDelete(key: string, expected: string): Promise<boolean>;
  /**
   * Sets `key` to `value` (replacing its TTL with `ttlMs`, or none) only when it holds `expected`; `true` when
   * this call set it. Atomic across callers. Used to renew leases and to update small shared records safely.
   */
  compareAndSet(key: string, expected: string, value: string, ttlMs?: number): Promise<boolean>;
  /**
   * `false` when only this process can see the store (`MemoryStore`, `FileStore`); absent or `true` when several
   * processes share it (`RedisStore`, and any store that does not say). The callback path keeps short-lived
   * delivery marks in process memory when the store is not shared, and in the store when it is.
   */
  readonly shared?: boolean;
  /** Releases what the store owns (timers, files, connections) after flushing pending writes. Optional. */
  close?(): Promise<void>;
}

/** A held lock. `release` is owner-checked: it never frees a lock taken over by someone else after expiry. */
export interface LockHandle {
  /** Frees the lock; `false` when it had already expired (and perhaps been taken by another owner). */
  release(): Promise<boolean>;
}

/** Mutual exclusion across everything that shares a store (processes, machines). */
export interface Lock {
  /**
   * Takes the lock `name` for at most `ttlMs` (it expires by itself if the holder dies), waiting up to
   * `waitMs` for it. Resolves to `undefined` when the wait ran out. Work done under the lock must finish
   * within `ttlMs`: after that another caller may take it.
   */
  acquire(name: string, options: { readonly ttlMs: number; readonly waitMs: number }): Promise<LockHandle | undefined>;
}
