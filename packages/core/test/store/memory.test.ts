import { MemoryStore } from '@wxopen/core';
import { describeStoreConformance } from '@wxopen/testing';

describeStoreConformance('MemoryStore', () => new MemoryStore());

describe('MemoryStore', () => {
  it('drops expired entries on sweep, also those never read again', async () => {
    let now = 1_000;
    const store = new MemoryStore({ now: () => now });
    for (let i = 0; i < 1000; i++) await store.set(`dedup:${i}`, '1', 5_000);
    await store.set('durable', 'v');
    now += 5_000;
    expect(store.sweep()).toBe(1000);
    expect(store.size).toBe(1);
    expect(await store.get('durable')).toBe('v');
    await store.close();
  });

  it('counts an entry as expired exactly when its TTL has run out', async () => {
    let now = 0;
    const store = new MemoryStore({ now: () => now });
    await store.set('k', 'v', 100);
    now = 99;
    expect(await store.get('k')).toBe('v');
    now = 100;
    expect(await store.get('k')).toBeUndefined();
    await store.close();
  });

  it('sweeps by itself on its interval', async () => {
    jest.useFakeTimers({ now: 0 });
    try {
      const store = new MemoryStore({ sweepIntervalMs: 1_000 });
      await store.set('k', 'v', 500);
      const sweep = jest.spyOn(store, 'sweep');
      jest.advanceTimersByTime(1_000);
      expect(sweep).toHaveBeenCalledTimes(1);
      await store.close();
      jest.advanceTimersByTime(5_000);
      expect(sweep).toHaveBeenCalledTimes(1);
    } finally {
      jest.useRealTimers();
    }
  });

  it('rejects a sweep interval that is not positive', () => {
    expect(() => new MemoryStore({ sweepIntervalMs: 0 })).toThrow(/sweepIntervalMs/);
  });
});
