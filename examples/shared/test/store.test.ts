/**
 * The examples' store, built from the configuration: a Redis Cluster (`REDIS_CLUSTER_NODES`), Sentinel
 * (`REDIS_SENTINELS` + `REDIS_SENTINEL_NAME`) or a Redis URL, each tried for real, else the state file. The
 * description the example prints never holds a password.
 */
import os from 'node:os';
import path from 'node:path';
import { Cluster } from 'ioredis';
import { FileStore } from '@wxopen/core';
import type { Store } from '@wxopen/core';
import { RedisStore } from '@wxopen/redis';
import { createStore, loadConfig } from '@wxopen/example-shared';
import { describeRedisCluster, describeRedisServer, redisClusterNodes, startRedisSentinel, startRedisServer } from '@wxopen/testing';

jest.setTimeout(30_000);

/**
 * Writes, reads and deletes a key through `store`, then closes it; `seen` is asked, while the key exists, for
 * the value the server itself holds under the key's full name (the store prefixes `wxopen:`).
 */
async function roundTrip(store: Store, seen?: (fullKey: string) => Promise<unknown>): Promise<void> {
  const key = `example-store-test:{wx1}:${process.pid}:${Date.now()}`;
  try {
    await store.set(key, 'v', 10_000);
    expect(await store.get(key)).toBe('v');
    if (seen) expect(await seen(`wxopen:${key}`)).toBe('v');
    await store.delete(key);
  } finally {
    await store.close?.();
  }
}

describe('the examples’ store', () => {
  test('is the state file when no Redis is configured', async () => {
    const stateFile = path.join(os.tmpdir(), `wxopen-example-store-${process.pid}-${Date.now()}.json`);
    const { store, description } = createStore(loadConfig({ WXOPEN_STATE_FILE: stateFile }));
    expect(store).toBeInstanceOf(FileStore);
    expect(description).toBe(`file ${stateFile}`);
    await store.close?.();
  });
});

describeRedisServer('the examples’ store on Redis', () => {
  test('is Redis at REDIS_URL, described without user name or password', async () => {
    const password = 'example-password-never-printed';
    const server = await startRedisServer({ password });
    try {
      const { store, description } = createStore(loadConfig({ REDIS_URL: `redis://default:${password}@127.0.0.1:${server.port}/3` }));
      expect(store).toBeInstanceOf(RedisStore);
      expect(description).toBe(`redis redis://127.0.0.1:${server.port}/3`);
      expect(description).not.toContain(password);
      // The key is in database 3, as the URL says.
      await roundTrip(store, (fullKey) => server.command('EVAL', `redis.call('SELECT', 3) return redis.call('GET', KEYS[1])`, '1', fullKey));
    } finally {
      await server.dispose();
    }
  });

  test('is Redis behind Sentinel with REDIS_SENTINELS and REDIS_SENTINEL_NAME', async () => {
    const master = await startRedisServer();
    const sentinel = await startRedisSentinel({ master, name: 'examplemaster' });
    try {
      const { store, description } = createStore(loadConfig({ REDIS_SENTINELS: `127.0.0.1:${sentinel.port}`, REDIS_SENTINEL_NAME: 'examplemaster' }));
      expect(description).toBe(`redis sentinel examplemaster via 127.0.0.1:${sentinel.port}`);
      await roundTrip(store, (fullKey) => master.command('GET', fullKey));
    } finally {
      await sentinel.dispose();
      await master.dispose();
    }
  });
});

describeRedisCluster('the examples’ store on a Redis Cluster', () => {
  test('is the Cluster of REDIS_CLUSTER_NODES', async () => {
    const list = (redisClusterNodes() ?? []).join(',');
    const { store, description } = createStore(loadConfig({ REDIS_CLUSTER_NODES: list }));
    expect(description).toBe(`redis cluster ${list}`);
    expect((store as RedisStore).client).toBeInstanceOf(Cluster);
    await roundTrip(store);
  });
});
