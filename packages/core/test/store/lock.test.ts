import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileStore, MemoryStore, StoreLock } from '@wxopen/core';
import type { Store } from '@wxopen/core';
import { describeLockConformance } from '@wxopen/testing/conformance';

// The contract of Lock (exclusion, waiting, expiry, owner-checked release): two StoreLocks on one store, as two
// callers of one process would hold them.
describeLockConformance('StoreLock on MemoryStore', () => {
  const store = new MemoryStore();
  return { lock: new StoreLock(store), other: new StoreLock(store), close: () => store.close() };
});

describe('StoreLock on FileStore', () => {
  let dir: string;
  let files = 0;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'wxopen-lock-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  describeLockConformance('StoreLock on FileStore', () => {
    const store = new FileStore({ path: join(dir, `state-${++files}.json`), persistMinTtlMs: 0 });
    return { lock: new StoreLock(store), other: new StoreLock(store), close: () => store.close() };
  });
});

describe('StoreLock', () => {
  let store: MemoryStore;
  let lock: StoreLock;
  beforeEach(() => {
    store = new MemoryStore();
    lock = new StoreLock(store);
  });
  afterEach(() => store.close());

  it('tries once without waiting when waitMs is 0', async () => {
    await lock.acquire('busy', { ttlMs: 10_000, waitMs: 0 });
    const setIfAbsent = jest.spyOn(store, 'setIfAbsent');
    expect(await lock.acquire('busy', { ttlMs: 10_000, waitMs: 0 })).toBeUndefined();
    expect(setIfAbsent).toHaveBeenCalledTimes(1);
  });

  it('stores the lock under its prefix, so locks can share a store with data', async () => {
    const custom = new StoreLock(store, { prefix: '{wx1}:lock:' });
    await custom.acquire('token', { ttlMs: 10_000, waitMs: 0 });
    expect(await store.get('{wx1}:lock:token')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('rejects a TTL that is not positive and a negative wait with a TypeError', async () => {
    await expect(lock.acquire('k', { ttlMs: 0, waitMs: 0 })).rejects.toThrow(/ttlMs/);
    await expect(lock.acquire('k', { ttlMs: 100, waitMs: -1 })).rejects.toThrow(/waitMs/);
  });

  it('passes a failure of the store on to the caller', async () => {
    const broken: Store = {
      get: async () => undefined,
      set: async () => undefined,
      delete: async () => undefined,
      setIfAbsent: async () => {
        throw new Error('connection lost');
      },
      compareAndDelete: async () => false,
      compareAndSet: async () => false,
    };
    await expect(new StoreLock(broken).acquire('k', { ttlMs: 100, waitMs: 100 })).rejects.toThrow('connection lost');
  });
});
