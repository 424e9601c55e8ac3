import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Lock, LockHandle, Store } from './types';

export interface StoreLockOptions {
  /** Prefix of the lock keys in the store (default `lock:`); the key of lock `name` is `prefix + name`. */
  readonly prefix?: string;
  /** Longest pause between two attempts while waiting, in ms (default 100). Pauses start at 5 ms and double. */
  readonly maxRetryDelayMs?: number;
}



/**
 * A `Lock` on any `Store`: `setIfAbsent(key, owner, ttlMs)` takes it, `compareAndDelete(key, owner)` frees it.
 * Each acquisition has its own random owner id, so a release after the TTL ran out never frees the lock of the
 * caller that took over. A holder that dies leaves the key to expire, after which a waiter takes over.
 * Waiters poll with a growing, jittered pause; on `RedisStore` this is the cross-process lock.
 */
export class StoreLock implements Lock {
  readonly #store: Store;
  readonly #prefix: string;
  readonly #maxRetryDelayMs: number;

  constructor(store: Store, options: StoreLockOptions = {}) {
    this.#store = store;
    this.#prefix = options.prefix ?? 'lock:';
    this.#maxRetryDelayMs = options.maxRetryDelayMs ?? 100;
    if (!(this.#maxRetryDelayMs >= 1)) throw new TypeError('wxopen: option `maxRetryDelayMs` must be at least 1 ms');
  }

  async acquire(name: string, options: { readonly ttlMs: number; readonly waitMs: number }): Promise<LockHandle | undefined> {
    const { ttlMs, waitMs } = options;
    if (!(ttlMs > 0) || !Number.isFinite(ttlMs)) throw new TypeError('wxopen: lock option `ttlMs` must be a finite number of milliseconds greater than 0');
    if (!(waitMs >= 0)) throw new TypeError('wxopen: lock option `waitMs` must be a number of milliseconds, 0 or more');
    const key = this.#prefix + name;
    const owner = randomUUID();
    const deadline = Date.now() + waitMs;
    let delay = 5;
    for (;;) {
      if (await this.#store.setIfAbsent(key, owner, ttlMs)) {
        return { release: () => this.#store.compareAndDelete(key, owner) };
      }
      const left = deadline - Date.now();
      if (left <= 0) return undefined;
      // Jitter keeps waiters of several processes from retrying in lockstep.
      await sleep(Math.min(delay * (0.5 + Math.random() / 2), left));
      delay = Math.min(delay * 2, this.#maxRetryDelayMs);
    }
  }
}
