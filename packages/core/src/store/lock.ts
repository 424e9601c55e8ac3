import { randomUUID } from 'node:crypto';
import type { Lock, LockHandle, Store } from './types';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * A `Lock` on any `Store`: `setIfAbsent` with a TTL takes it, an owner-checked `compareAndDelete` frees it.
 * A holder that dies leaves the key to expire, after which another waiter takes over.
 */
export class StoreLock implements Lock {
  readonly #store: Store;
  readonly #prefix: string;

  constructor(store: Store, prefix = 'lock:') {
    this.#store = store;
    this.#prefix = prefix;
  }

  async acquire(name: string, options: { readonly ttlMs: number; readonly waitMs: number }): Promise<LockHandle | undefined> {
    const key = this.#prefix + name;
    const owner = randomUUID();
    const deadline = Date.now() + options.waitMs;
    let delay = 5;
    for (;;) {
      if (await this.#store.setIfAbsent(key, owner, options.ttlMs)) {
        return { release: () => this.#store.compareAndDelete(key, owner) };
      }
      const left = deadline - Date.now();
      if (left <= 0) return undefined;
      await sleep(Math.min(delay, left));
      delay = Math.min(delay * 2, 100);
    }
  }
}
