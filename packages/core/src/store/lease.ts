/**
 * A lease on a store key: taken with set-if-absent for a short lifetime, renewed by its holder every third of it
 * while the work goes on, released with an owner-checked delete. A holder that dies stops renewing, so the key
 * expires within one lifetime and another process can take over: short waits after a crash, without a TTL that
 * must outlast the slowest work.
 */
import { randomBytes } from 'node:crypto';
import type { Store } from './types';

export interface Lease {
  /** Stops renewing and frees the key (if still held). */
  release(): Promise<void>;
}

/** Takes the lease on `key` for `ttlMs`, or resolves to `undefined` when another holder has it. */
export async function takeLease(store: Store, key: string, ttlMs: number): Promise<Lease | undefined> {
  const owner = randomBytes(12).toString('base64url');
  if (!(await store.setIfAbsent(key, owner, ttlMs))) return undefined;
  const timer = setInterval(() => {
    store.compareAndSet(key, owner, owner, ttlMs).catch(() => false);
  }, Math.max(1, Math.floor(ttlMs / 3)));
  timer.unref();
  return {
    async release() {
      clearInterval(timer);
      await store.compareAndDelete(key, owner).catch(() => false);
    },
  };
}
