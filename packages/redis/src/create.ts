import { Redis } from 'ioredis';
import type { RedisOptions } from 'ioredis';
import { RedisStore } from './store';
import type { RedisStoreOptions } from './store';

/**
 * A `RedisStore` on a client of its own, made from a URL (`redis://user:pass@host:6379/0`, `rediss://` for TLS)
 * or ioredis options (Sentinel: `{ sentinels, name }`). `close()` quits that client. For a Cluster, make the
 * `new Cluster(nodes)` yourself and pass it to `new RedisStore(cluster, { ownsClient: true })`.
 */
export function createRedisStore(target: string | RedisOptions | undefined, options: Omit<RedisStoreOptions, 'ownsClient'> = {}): RedisStore {
  // `undefined` is accepted so that `createRedisStore(process.env.REDIS_URL)` compiles under `strict`, and fails here
  // with the fix instead of ioredis quietly connecting to localhost.
  if (target === undefined) {
    throw new TypeError('wxopen: createRedisStore(url) got undefined: set REDIS_URL (for example redis://127.0.0.1:6379), or pass a URL or ioredis options');
  }
  // Two calls because ioredis overloads its constructor separately for a URL and for options.
  const client = typeof target === 'string' ? new Redis(target) : new Redis(target);
  return new RedisStore(client, { ...options, ownsClient: true });
}
