import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { RedisStore } from '@wxopen/redis';
import { redisUrl } from '@wxopen/testing';
import type { TestStore } from './setup';

/**
 * `RedisStore` on the test Redis (`REDIS_URL`), under a key prefix of its own that is emptied afterwards. Its TTLs
 * run on real time, not on the fake's clock; the rules still hold because the credentials compare every token's
 * `expiresAt` with their own clock (the fake's), and the real-time TTLs (hours for tokens, none for tickets and
 * refresh tokens) never run out during a test. Use it only under `describeRedis`.
 */
export const redisStore: TestStore = {
  name: 'redis',
  async open() {
    const client = new Redis(redisUrl(), { maxRetriesPerRequest: 1 });
    const keyPrefix = `wxopen-test:credentials:${randomUUID()}:`;
    const store = new RedisStore(client, { keyPrefix });
    return {
      store,
      async dispose() {
        await store.close();
        await deleteKeys(client, keyPrefix);
        await client.quit();
      },
    };
  },
};

/** Deletes every key under `prefix` (a UUID-bearing prefix, free of glob characters). */
async function deleteKeys(client: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    cursor = next;
    if (keys.length > 0) await client.del(...keys);
  } while (cursor !== '0');
}
