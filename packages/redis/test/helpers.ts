import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { redisUrl } from '@wxopen/testing';

/** A key prefix no other test run uses: `wxopen-test:<uuid>:`. Everything under it is removed by `removeKeys`. */
export function uniquePrefix(): string {
  return `wxopen-test:${randomUUID()}:`;
}

/** A new connection to the test Redis. */
export function connect(): Redis {
  return new Redis(redisUrl(), { lazyConnect: false, maxRetriesPerRequest: 1 });
}

/** Deletes every key that starts with `prefix`. */
export async function removeKeys(client: Redis, prefix: string): Promise<void> {
  const pattern = `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`;
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
    cursor = next;
    if (keys.length > 0) await client.del(...keys);
  } while (cursor !== '0');
}
