import type { Cluster, Redis } from 'ioredis';
import type { Lock } from '@wxopen/core';
import { RedisStore, redisLock } from '@wxopen/redis';
import { describeRedis, describeRedisCluster } from '@wxopen/testing';
import { describeLockConformance } from '@wxopen/testing/conformance';
import { connect, connectCluster, removeKeys, uniquePrefix } from './helpers';

const shapes = [
  { where: 'one Redis', describe: describeRedis, connect: (): Redis | Cluster => connect() },
  { where: 'a Redis Cluster', describe: describeRedisCluster, connect: (): Redis | Cluster => connectCluster() },
];

for (const shape of shapes) {
  // The contract of Lock across two connections, as two processes hold it; a key prefix of its own per case.
  describeLockConformance(
    `redisLock across two connections to ${shape.where}`,
    () => {
      const prefix = uniquePrefix();
      const a = shape.connect();
      const b = shape.connect();
      return {
        lock: redisLock(new RedisStore(a, { keyPrefix: prefix })),
        other: redisLock(new RedisStore(b, { keyPrefix: prefix })),
        close: async () => {
          await removeKeys(a, prefix);
          await Promise.all([a.quit(), b.quit()]);
        },
      };
    },
    { describe: shape.describe, shortTtlMs: 150 },
  );

  shape.describe(`redisLock on ${shape.where}`, () => {
    const prefix = uniquePrefix();
    let a: Redis | Cluster;
    let lockA: Lock;

    beforeAll(() => {
      a = shape.connect();
      lockA = redisLock(new RedisStore(a, { keyPrefix: prefix }));
    });
    afterAll(async () => {
      await removeKeys(a, prefix);
      await a.quit();
    });

    it('keeps the lock key with its TTL in Redis while held', async () => {
      const handle = await lockA.acquire('{wx1}:held', { ttlMs: 5_000, waitMs: 0 });
      const pttl = await a.pttl(`${prefix}lock:{wx1}:held`);
      expect(pttl).toBeGreaterThan(4_000);
      await handle?.release();
      expect(await a.exists(`${prefix}lock:{wx1}:held`)).toBe(0);
    });
  });
}
