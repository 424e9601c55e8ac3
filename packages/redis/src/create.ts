import { Redis } from 'ioredis';
import type { RedisOptions } from 'ioredis';
import { RedisStore } from './store';
import type { RedisStoreOptions } from './store';

/**
 * A `RedisStore` on a client of its own, made from a URL (`redis://user:pass@host:6379/0`, `rediss://` for TLS)
 * or ioredis options (Sentinel: `{ sentinels, name }`). `close()` quits that client. For a Cluster, make the
 * `new Cluster(nodes)` yourself and pass it to `new RedisStore(cluster, { ownsClient: true })`.
 */
export function createRedisStore(target: string | RedisOptions, options: Omit<RedisStoreOptions, 'ownsClient'> = {}): RedisStore {
  // Two calls because ioredis overloads its constructor separately for a URL and for options.
  const client = typeof target === 'string' ? new Redis(target) : new Redis(target);
  return new RedisStore(client, { ...options, ownsClient: true });
}
