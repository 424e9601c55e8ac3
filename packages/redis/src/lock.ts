import { StoreLock } from '@wxopen/core';
import type { Lock, StoreLockOptions } from '@wxopen/core';
import type { RedisStore } from './store';

/**
 * The cross-process lock on Redis: `StoreLock` over a `RedisStore` (`SET NX PX` to take, the owner-checked Lua
 * compare-and-delete to release). Waiters poll with a jittered pause of 5–100 ms. wxopen holds its locks for
 * one token refresh — a single HTTP round trip, rarely contended — so a pub/sub wake-up would cost a subscriber
 * connection per process (and sharded pub/sub on a Cluster) for a few milliseconds saved; we do not use one.
 */
export function redisLock(store: RedisStore, options: StoreLockOptions = {}): Lock {
  return new StoreLock(store, options);
}
