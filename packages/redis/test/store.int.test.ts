import type { Cluster, Redis } from 'ioredis';
import { RedisStore, createRedisStore, parseRedisNodes } from '@wxopen/redis';
import { describeRedis, describeRedisCluster, describeStoreConformance, redisClusterNodes, redisUrl } from '@wxopen/testing';
import { connect, connectCluster, removeKeys, uniquePrefix } from './helpers';

const runPrefix = uniquePrefix();
let shared: Redis | undefined;
let stores = 0;
const client = (): Redis => (shared ??= connect());

afterAll(async () => {
  if (!shared) return;
  await removeKeys(shared, runPrefix);
  await shared.quit();
});

describeStoreConformance('RedisStore', () => new RedisStore(client(), { keyPrefix: `${runPrefix}${++stores}:` }), {
  describe: describeRedis,
});

describeRedis('RedisStore', () => {
  let store: RedisStore;
  let prefix: string;
  beforeEach(() => {
    prefix = `${runPrefix}${++stores}:`;
    store = new RedisStore(client(), { keyPrefix: prefix });
  });

  it('prefixes keys with wxopen: by default and keeps the core’s hash tag intact', async () => {
    const plain = new RedisStore(client());
    const key = `${runPrefix.slice('wxopen-test:'.length)}{wx1}:ticket`;
    await plain.set(key, 'v', 10_000);
    expect(await client().get(`wxopen:${key}`)).toBe('v');
    await plain.delete(key);
  });

  it('stores under its prefix and reads nothing outside it', async () => {
    await store.set('{wx1}:ticket', 'ticket');
    expect(await client().get(`${prefix}{wx1}:ticket`)).toBe('ticket');
    const other = new RedisStore(client(), { keyPrefix: `${prefix}other:` });
    expect(await other.get('{wx1}:ticket')).toBeUndefined();
  });

  it('sets a TTL with PX, rounded up to a whole millisecond, and none without a TTL', async () => {
    await store.set('expiring', 'v', 5_000.2);
    const pttl = await client().pttl(`${prefix}expiring`);
    expect(pttl).toBeGreaterThan(4_000);
    expect(pttl).toBeLessThanOrEqual(5_001);
    await store.set('kept', 'v');
    expect(await client().pttl(`${prefix}kept`)).toBe(-1);
    await store.setIfAbsent('mark', 'v', 3_000);
    expect(await client().pttl(`${prefix}mark`)).toBeGreaterThan(2_000);
  });

  it('compares and deletes even after the server forgot its scripts (EVALSHA falls back to EVAL)', async () => {
    await client().script('FLUSH');
    await store.set('k', 'owner');
    expect(await store.compareAndDelete('k', 'owner')).toBe(true);
    expect(await store.get('k')).toBeUndefined();
  });

  it('never lets a compare-and-delete remove a value written concurrently by another connection', async () => {
    const writer = connect();
    const other = new RedisStore(writer, { keyPrefix: prefix });
    try {
      for (let round = 0; round < 200; round++) {
        await store.set('race', 'old');
        await Promise.all([store.compareAndDelete('race', 'old'), other.set('race', 'new')]);
        // Either the delete ran first and the write followed, or the write came first and the compare failed.
        expect(await store.get('race')).toBe('new');
      }
    } finally {
      await writer.quit();
    }
  });

  it('lets exactly one of 60 compare-and-deletes over three connections succeed', async () => {
    const extra = [connect(), connect()];
    try {
      const all = [store, ...extra.map((c) => new RedisStore(c, { keyPrefix: prefix }))];
      await store.set('shared', 'token');
      const results = await Promise.all(Array.from({ length: 60 }, (_, i) => all[i % 3]!.compareAndDelete('shared', 'token')));
      expect(results.filter(Boolean)).toHaveLength(1);
    } finally {
      await Promise.all(extra.map((c) => c.quit()));
    }
  });

  it('leaves a client it was given open on close', async () => {
    await store.close();
    expect(client().status).toBe('ready');
    expect(await client().ping()).toBe('PONG');
  });

  it('quits the client it made itself on close (createRedisStore)', async () => {
    const own = createRedisStore(redisUrl(), { keyPrefix: prefix });
    await own.set('k', 'v');
    expect(await own.get('k')).toBe('v');
    await own.close();
    await own.close();
    expect(own.client.status).toBe('end');
  });

  it('rejects something that is not an ioredis client', () => {
    expect(() => new RedisStore({} as Redis)).toThrow(/ioredis client/);
  });

  it('rejects a command the server refuses with ERR_STORE naming the command, the server’s error as cause', async () => {
    await client().lpush(`${prefix}list`, 'x');
    const error = await store.get('list').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERR_STORE', detail: 'GET failed', status: 503 });
    expect((error as Error).cause).toMatchObject({ message: expect.stringMatching(/^WRONGTYPE/) });
  });

  it('keeps the value out of a refused command’s error, its cause included', async () => {
    await client().lpush(`${prefix}list`, 'x');
    const secret = 'refresh-token-that-must-not-leak';
    const error = await store.compareAndSet('list', secret, `${secret}-next`).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERR_STORE', detail: 'compare-and-set failed' });
    const everything = JSON.stringify(error, Object.getOwnPropertyNames(error)) + JSON.stringify((error as Error).cause, Object.getOwnPropertyNames((error as Error).cause));
    expect(everything).toContain('WRONGTYPE');
    expect(everything).not.toContain(secret);
    expect((error as { cause: { command?: unknown } }).cause.command).toEqual({ name: expect.stringMatching(/^eval(sha)?$/) });
  });

  it('refuses a timeoutMs that is not a number of milliseconds', () => {
    expect(() => new RedisStore(client(), { timeoutMs: -1 })).toThrow(/`timeoutMs`/);
    expect(() => new RedisStore(client(), { timeoutMs: Number.NaN })).toThrow(/`timeoutMs`/);
  });

  it('says several processes share it', () => {
    expect(store.shared).toBe(true);
  });
});

describe('RedisStore on a Redis Cluster', () => {
  const clusterPrefix = uniquePrefix();
  let cluster: Cluster | undefined;
  let clusterStores = 0;
  const clusterClient = (): Cluster => (cluster ??= connectCluster());

  afterAll(async () => {
    if (!cluster) return;
    await removeKeys(cluster, clusterPrefix);
    await cluster.quit();
  });

  describeStoreConformance('RedisStore on a Redis Cluster', () => new RedisStore(clusterClient(), { keyPrefix: `${clusterPrefix}${++clusterStores}:` }), {
    describe: describeRedisCluster,
  });

  describeRedisCluster('RedisStore on a Redis Cluster', () => {
    it('keeps one component’s keys in one slot (its hash tag) and spreads components over the masters', async () => {
      const store = new RedisStore(clusterClient(), { keyPrefix: clusterPrefix });
      const slotOf = async (key: string) => Number(await clusterClient().call('CLUSTER', 'KEYSLOT', clusterPrefix + key));
      const keys = ['{wx1}:ticket', '{wx1}:previous_ticket', '{wx1}:component_token', '{wx1}:authorizer:wxa:refresh_token', 'lock:{wx1}:component_token'];
      expect(new Set(await Promise.all(keys.map(slotOf))).size).toBe(1);
      // Many components land on several masters: the tag is the appid, not the prefix.
      const components = Array.from({ length: 30 }, (_, i) => `{wx${i}}:ticket`);
      const owners = new Set<string>();
      for (const key of components) {
        await store.set(key, 'ticket');
        const slot = await slotOf(key);
        owners.add(String(clusterClient().slots[slot]?.[0]));
      }
      expect(owners.size).toBeGreaterThan(1);
      for (const key of components) expect(await store.get(key)).toBe('ticket');
    });

    it('runs the compare-and-set and compare-and-delete scripts on the node that owns the key', async () => {
      const store = new RedisStore(clusterClient(), { keyPrefix: clusterPrefix });
      for (let i = 0; i < 12; i++) {
        const key = `{wx${i}}:lock`;
        await store.set(key, 'owner');
        expect(await store.compareAndSet(key, 'owner', 'next', 5_000)).toBe(true);
        expect(await store.compareAndDelete(key, 'next')).toBe(true);
        expect(await store.get(key)).toBeUndefined();
      }
    });

    it('works through createRedisStore({ cluster }) with the REDIS_CLUSTER_NODES list', async () => {
      const store = createRedisStore({ cluster: parseRedisNodes((redisClusterNodes() ?? []).join(',')) }, { keyPrefix: clusterPrefix, log: false });
      try {
        await store.set('{wx1}:created', 'v', 10_000);
        expect(await store.get('{wx1}:created')).toBe('v');
      } finally {
        await store.close();
      }
      expect(store.client.status).toBe('end');
    });
  });
});
