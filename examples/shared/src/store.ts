import type { Store } from '@wxopen/core';
import { FileStore } from '@wxopen/core';
import { createRedisStore, describeRedisTarget } from '@wxopen/redis';
import type { RedisTarget } from '@wxopen/redis';
import type { ExampleConfig } from './config';

/** The store an example keeps its state in, and a description of it that holds no password. */
export interface ExampleStore {
  readonly store: Store;
  readonly description: string;
}

/** The Redis the configuration names, if any. */
function redisTarget(config: Pick<ExampleConfig, 'redisUrl' | 'redisClusterNodes' | 'redisSentinel'>): RedisTarget | undefined {
  if (config.redisClusterNodes !== undefined) return { cluster: config.redisClusterNodes };
  if (config.redisSentinel !== undefined) return { sentinels: [...config.redisSentinel.sentinels], name: config.redisSentinel.name };
  return config.redisUrl;
}

/**
 * Redis when `REDIS_CLUSTER_NODES` (a Cluster), `REDIS_SENTINELS` with `REDIS_SENTINEL_NAME` (Sentinel) or
 * `REDIS_URL` is set — several processes, several machines; the client fails fast during an outage and logs it
 * in two lines. Else a file that keeps one process's tickets, tokens and refresh tokens across restarts
 * (`WXOPEN_STATE_FILE`).
 */
export function createStore(config: Pick<ExampleConfig, 'redisUrl' | 'redisClusterNodes' | 'redisSentinel' | 'stateFile'>): ExampleStore {
  const target = redisTarget(config);
  if (target !== undefined) return { store: createRedisStore(target), description: `redis ${describeRedisTarget(target)}` };
  return { store: new FileStore({ path: config.stateFile }), description: `file ${config.stateFile}` };
}
