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

describe('MemoryStore sweep', () => {
  const clocked = (start = 1_000) => {
    const clock = { now: start };
    return { clock, store: new MemoryStore({ now: () => clock.now }) };
  };

  it('drops an entry set again with a shorter TTL when the shorter one runs out', async () => {
    const { clock, store } = clocked();
    await store.set('k', 'long', 60_000);
    await store.set('k', 'short', 500);
    clock.now += 500;
    expect(store.sweep()).toBe(1);
    expect(store.size).toBe(0);
    await store.close();
  });

  it('keeps an entry set again with a longer TTL past its first expiry', async () => {
    const { clock, store } = clocked();
    await store.setIfAbsent('k', 'pending', 2_000);
    clock.now += 1_500;
    await store.set('k', 'done', 2_000);
    clock.now += 1_000; // the first TTL has run out, the second has not
    expect(store.sweep()).toBe(0);
    expect(await store.get('k')).toBe('done');
    clock.now += 1_000;
    expect(store.sweep()).toBe(1);
    await store.close();
  });

  it('drops entries one by one as their time comes, within the same second', async () => {
    const { clock, store } = clocked(10_000);
    for (let i = 1; i <= 10; i++) await store.set(`k${i}`, 'v', i * 50);
    for (let i = 1; i <= 10; i++) {
      clock.now = 10_000 + i * 50 - 1;
      expect(store.sweep()).toBe(0);
      clock.now += 1;
      expect(store.sweep()).toBe(1);
    }
    await store.close();
  });

  it('drops every expired entry after the clock jumps far ahead', async () => {
    const { clock, store } = clocked();
    await store.set('a', 'v', 1_000);
    await store.set('b', 'v', 86_400_000);
    await store.set('durable', 'v');
    clock.now += 10 * 365 * 86_400_000;
    expect(store.sweep()).toBe(2);
    expect(store.size).toBe(1);
    await store.close();
  });

  it('drops entries set while the clock ran backwards once they expire', async () => {
    const { clock, store } = clocked(100_000);
    store.sweep();
    clock.now = 50_000;
    await store.set('k', 'v', 1_000);
    clock.now = 51_000;
    expect(store.sweep()).toBe(1);
    await store.close();
  });

  it('never sweeps an entry whose TTL was removed by setting it again without one', async () => {
    const { clock, store } = clocked();
    await store.set('k', 'v', 1_000);
    await store.set('k', 'kept');
    clock.now += 5_000;
    expect(store.sweep()).toBe(0);
    expect(await store.get('k')).toBe('kept');
    await store.close();
  });

  it('sweeps every second by default', async () => {
    jest.useFakeTimers({ now: 0 });
    try {
      const store = new MemoryStore();
      await store.set('k', 'v', 500);
      const sweep = jest.spyOn(store, 'sweep');
      jest.advanceTimersByTime(1_000);
      expect(sweep).toHaveBeenCalledTimes(1);
      await store.close();
    } finally {
      jest.useRealTimers();
    }
  });
});
