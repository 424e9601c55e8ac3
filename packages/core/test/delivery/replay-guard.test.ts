/**
 * `ReplayGuard.save` / `load`: the replay marks a process on a store only it sees hands to the next process on
 * that store (the restart itself is tested in contract.test.ts and the Express example's restart test).
 */
import { createHash } from 'node:crypto';
import { Deliveries } from '../../src/delivery/deliveries';
import { ReplayGuard, fingerprintOfKey } from '../../src/delivery/replay-guard';
import { MemoryStore } from '../../src/store/memory';

const fingerprint = (i: number) => fingerprintOfKey(createHash('sha256').update(`push ${i}`).digest('base64url'));

describe('ReplayGuard across a restart', () => {
  const now = 1_760_000_000_000;
  const seconds = now / 1000;

  test('every push remembered is remembered again after save and load, over several buckets, and no other', () => {
    const first = new ReplayGuard(300, () => now);
    for (let i = 0; i < 10_000; i++) first.add(fingerprint(i), seconds - (i % 200));
    const text = first.save();
    expect(text).toBeDefined();
    const second = new ReplayGuard(300, () => now);
    expect(second.load(text as string)).toBe(10_000);
    for (let i = 0; i < 10_000; i++) expect(second.has(fingerprint(i), seconds - (i % 200))).toBe(true);
    expect(second.has(fingerprint(10_000), seconds)).toBe(false);
    // 8 bytes a push, in base64, plus the bucket ids.
    expect((text as string).length).toBeLessThan(10_000 * 11 + 2_000);
  });

  test('saves nothing when nothing ran', () => {
    expect(new ReplayGuard(300, () => now).save()).toBeUndefined();
  });

  test.each([
    ['not JSON', 'x'],
    ['another version', JSON.stringify({ version: 2, bucketSeconds: 8, buckets: [] })],
    ['another bucket size', JSON.stringify({ version: 1, bucketSeconds: 16, buckets: [] })],
    ['a bucket that is not a pair', JSON.stringify({ version: 1, bucketSeconds: 8, buckets: [7] })],
  ])('throws on a text that is not a snapshot: %s', (_name, text) => {
    expect(() => new ReplayGuard(300, () => now).load(text)).toThrow();
  });
});

describe('Deliveries reading the replay marks back', () => {
  // Hung every delivery, and grew the heap without end, when the read failed before the constructor kept its promise.
  test('serves when the store throws before returning a promise', async () => {
    const errors: unknown[] = [];
    const store = new MemoryStore();
    store.get = () => {
      throw new Error('not a promise');
    };
    const deliveries = new Deliveries({ store, keyPrefix: '{wx}:', ttlMs: 30_000, deadlineMs: 0, leaseMs: 3_000, windowSeconds: 300, now: Date.now, onError: (e) => errors.push(e) });
    const outcome = await deliveries.deliver({ identity: 'push', timestamp: Math.floor(Date.now() / 1000), run: async () => ({ value: 'ran', reply: undefined }), onLate: () => {}, onError: () => {} });
    expect(outcome).toMatchObject({ value: 'ran', duplicate: false });
    expect(errors).toHaveLength(1);
    deliveries.close();
    await store.close();
  });

  // Every delivery was refused once the hook reporting the failed read threw: the read stayed a rejected promise.
  test('serves when the hook told of the failed read throws too', async () => {
    const store = new MemoryStore();
    store.get = () => Promise.reject(new Error('disk gone'));
    const deliveries = new Deliveries({
      store,
      keyPrefix: '{wx}:',
      ttlMs: 30_000,
      deadlineMs: 0,
      leaseMs: 3_000,
      windowSeconds: 300,
      now: Date.now,
      onError: () => {
        throw new Error('hook failed');
      },
    });
    const outcome = await deliveries.deliver({ identity: 'push', timestamp: Math.floor(Date.now() / 1000), run: async () => ({ value: 'ran', reply: undefined }), onLate: () => {}, onError: () => {} });
    expect(outcome).toMatchObject({ value: 'ran', duplicate: false });
    deliveries.close();
    await store.close();
  });
});
