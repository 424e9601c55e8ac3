import type { Cluster, Redis } from 'ioredis';
import type { Lock } from '@wxopen/core';
import { RedisStore, redisLock } from '@wxopen/redis';
import { describeRedis, describeRedisCluster } from '@wxopen/testing';
import { connect, connectCluster, removeKeys, uniquePrefix } from './helpers';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const shapes = [
  { where: 'one Redis', describe: describeRedis, connect: (): Redis | Cluster => connect() },
  { where: 'a Redis Cluster', describe: describeRedisCluster, connect: (): Redis | Cluster => connectCluster() },
];

for (const shape of shapes) {
  shape.describe(`redisLock across two connections to ${shape.where}`, () => {
    const prefix = uniquePrefix();
    let a: Redis | Cluster;
    let b: Redis | Cluster;
    let lockA: Lock;
    let lockB: Lock;

    beforeAll(() => {
      a = shape.connect();
      b = shape.connect();
      lockA = redisLock(new RedisStore(a, { keyPrefix: prefix }));
      lockB = redisLock(new RedisStore(b, { keyPrefix: prefix }));
    });
    afterAll(async () => {
      await removeKeys(a, prefix);
      await Promise.all([a.quit(), b.quit()]);
    });

    it('lets one holder at a time into the critical section among 20 callers on two connections', async () => {
      let inside = 0;
      let most = 0;
      let runs = 0;
      await Promise.all(
        Array.from({ length: 20 }, async (_, i) => {
          const handle = await (i % 2 ? lockA : lockB).acquire('{wx1}:refresh', { ttlMs: 5_000, waitMs: 20_000 });
          if (!handle) throw new Error('lock not acquired');
          inside++;
          most = Math.max(most, inside);
          await sleep(3);
          inside--;
          runs++;
          expect(await handle.release()).toBe(true);
        }),
      );
      expect(runs).toBe(20);
      expect(most).toBe(1);
    });

    it('keeps the lock key with its TTL in Redis while held', async () => {
      const handle = await lockA.acquire('{wx1}:held', { ttlMs: 5_000, waitMs: 0 });
      const pttl = await a.pttl(`${prefix}lock:{wx1}:held`);
      expect(pttl).toBeGreaterThan(4_000);
      await handle?.release();
      expect(await a.exists(`${prefix}lock:{wx1}:held`)).toBe(0);
    });

    it('resolves to undefined on the other connection when the wait runs out', async () => {
      const held = await lockA.acquire('busy', { ttlMs: 10_000, waitMs: 0 });
      expect(held).toBeDefined();
      expect(await lockB.acquire('busy', { ttlMs: 10_000, waitMs: 60 })).toBeUndefined();
      await held?.release();
    });

    it('lets the other connection take over once the TTL of a holder that never releases has run out', async () => {
      const dead = await lockA.acquire('dead', { ttlMs: 150, waitMs: 0 });
      expect(dead).toBeDefined();
      expect(await lockB.acquire('dead', { ttlMs: 10_000, waitMs: 0 })).toBeUndefined();
      const next = await lockB.acquire('dead', { ttlMs: 10_000, waitMs: 3_000 });
      expect(next).toBeDefined();
      await next?.release();
    });

    it('does not free the new owner’s lock when the old owner releases after a takeover', async () => {
      const old = await lockA.acquire('takeover', { ttlMs: 100, waitMs: 0 });
      const current = await lockB.acquire('takeover', { ttlMs: 10_000, waitMs: 3_000 });
      expect(current).toBeDefined();
      expect(await old?.release()).toBe(false);
      expect(await lockA.acquire('takeover', { ttlMs: 10_000, waitMs: 0 })).toBeUndefined();
      expect(await current?.release()).toBe(true);
    });
  });
}
