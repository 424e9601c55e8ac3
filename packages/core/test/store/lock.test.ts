import { MemoryStore, StoreLock } from '@wxopen/core';
import type { Store } from '@wxopen/core';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

describe('StoreLock', () => {
  let store: MemoryStore;
  let lock: StoreLock;
  beforeEach(() => {
    store = new MemoryStore();
    lock = new StoreLock(store);
  });
  afterEach(() => store.close());

  it('lets one holder at a time run a critical section among 20 concurrent callers', async () => {
    let inside = 0;
    let most = 0;
    let runs = 0;
    await Promise.all(
      Array.from({ length: 20 }, async () => {
        const handle = await lock.acquire('refresh', { ttlMs: 5_000, waitMs: 10_000 });
        if (!handle) throw new Error('lock not acquired');
        inside++;
        most = Math.max(most, inside);
        await sleep(2);
        inside--;
        runs++;
        expect(await handle.release()).toBe(true);
      }),
    );
    expect(runs).toBe(20);
    expect(most).toBe(1);
  });

  it('resolves to undefined when the wait runs out', async () => {
    const held = await lock.acquire('busy', { ttlMs: 10_000, waitMs: 0 });
    expect(held).toBeDefined();
    const started = Date.now();
    expect(await lock.acquire('busy', { ttlMs: 10_000, waitMs: 50 })).toBeUndefined();
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
  });

  it('tries once without waiting when waitMs is 0', async () => {
    await lock.acquire('busy', { ttlMs: 10_000, waitMs: 0 });
    const setIfAbsent = jest.spyOn(store, 'setIfAbsent');
    expect(await lock.acquire('busy', { ttlMs: 10_000, waitMs: 0 })).toBeUndefined();
    expect(setIfAbsent).toHaveBeenCalledTimes(1);
  });

  it('keeps locks of different names apart', async () => {
    const a = await lock.acquire('a', { ttlMs: 10_000, waitMs: 0 });
    const b = await lock.acquire('b', { ttlMs: 10_000, waitMs: 0 });
    expect(a).toBeDefined();
    expect(b).toBeDefined();
  });

  it('frees the lock on release so the next caller takes it at once', async () => {
    const first = await lock.acquire('k', { ttlMs: 10_000, waitMs: 0 });
    await first?.release();
    expect(await lock.acquire('k', { ttlMs: 10_000, waitMs: 0 })).toBeDefined();
  });

  it('is taken over after ttlMs when the holder never releases it (a dead holder)', async () => {
    const dead = await lock.acquire('k', { ttlMs: 80, waitMs: 0 });
    expect(dead).toBeDefined();
    const started = Date.now();
    const next = await lock.acquire('k', { ttlMs: 10_000, waitMs: 2_000 });
    expect(next).toBeDefined();
    expect(Date.now() - started).toBeGreaterThanOrEqual(70);
  });

  it('does not free the new owner’s lock when the old owner releases after a takeover', async () => {
    const old = await lock.acquire('k', { ttlMs: 50, waitMs: 0 });
    const current = await lock.acquire('k', { ttlMs: 10_000, waitMs: 2_000 });
    expect(current).toBeDefined();
    expect(await old?.release()).toBe(false);
    expect(await lock.acquire('k', { ttlMs: 10_000, waitMs: 0 })).toBeUndefined();
    expect(await current?.release()).toBe(true);
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
