import { randomUUID } from 'node:crypto';
import { Cluster, Redis } from 'ioredis';
import { redisClusterNodes, redisUrl } from '@wxopen/testing';
import { parseRedisNodes } from '@wxopen/redis';

/** A key prefix no other test run uses: `wxopen-test:<uuid>:`. Everything under it is removed by `removeKeys`. */
export function uniquePrefix(): string {
  return `wxopen-test:${randomUUID()}:`;
}

/** A new connection to the test Redis. */
export function connect(): Redis {
  return new Redis(redisUrl(), { lazyConnect: false, maxRetriesPerRequest: 1 });
}

/** A new client of the test Redis Cluster (`REDIS_CLUSTER_NODES`). */
export function connectCluster(): Cluster {
  return new Cluster([...parseRedisNodes((redisClusterNodes() ?? []).join(','), 'REDIS_CLUSTER_NODES')], { redisOptions: { maxRetriesPerRequest: 1 } });
}

/** Deletes every key that starts with `prefix` (on every master of a Cluster). */
export async function removeKeys(client: Redis | Cluster, prefix: string): Promise<void> {
  const pattern = `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`;
  const nodes = client instanceof Cluster ? client.nodes('master') : [client];
  for (const node of nodes) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
      cursor = next;
      // One DEL per key: on a Cluster the keys of one node may still lie in different slots.
      for (const key of keys) await client.del(key);
    } while (cursor !== '0');
  }
}
