import { Cluster, Redis } from 'ioredis';
import {
  FAIL_FAST_CLUSTER_OPTIONS,
  FAIL_FAST_REDIS_OPTIONS,
  RedisOutageLog,
  createRedisStore,
  describeRedisTarget,
  isOutageError,
  parseRedisNode,
  parseRedisNodes,
} from '@wxopen/redis';

describe('parseRedisNodes', () => {
  it('reads host:port entries separated by commas, with spaces, empty entries and IPv6 literals', () => {
    expect(parseRedisNodes(' 10.0.0.1:7000,redis-2.internal:7001,, [::1]:7002 ')).toEqual([
      { host: '10.0.0.1', port: 7000 },
      { host: 'redis-2.internal', port: 7001 },
      { host: '::1', port: 7002 },
    ]);
  });

  it.each(['10.0.0.1', '10.0.0.1:', ':7000', '10.0.0.1:0', '10.0.0.1:65536', 'redis://10.0.0.1:7000', 'user:pw@10.0.0.1:7000', '::1:7000', '10.0.0.1:7000/0'])(
    'refuses %j with a TypeError naming where it came from',
    (entry) => {
      expect(() => parseRedisNodes(entry, 'REDIS_CLUSTER_NODES')).toThrow(TypeError);
      expect(() => parseRedisNodes(entry, 'REDIS_CLUSTER_NODES')).toThrow(/REDIS_CLUSTER_NODES must be host:port/);
    },
  );

  it('refuses an empty list', () => {
    expect(() => parseRedisNodes(' , ', 'REDIS_CLUSTER_NODES')).toThrow(/REDIS_CLUSTER_NODES must list at least one host:port/);
  });

  it('returns frozen addresses', () => {
    expect(Object.isFrozen(parseRedisNode('a:1'))).toBe(true);
    expect(Object.isFrozen(parseRedisNodes('a:1'))).toBe(true);
  });
});

describe('describeRedisTarget', () => {
  it('names a URL without user name or password', () => {
    expect(describeRedisTarget('redis://user:secret-pass@10.0.0.1:6380/2')).toBe('redis://10.0.0.1:6380/2');
    expect(describeRedisTarget('rediss://:secret-pass@redis.example:6379')).toBe('rediss://redis.example:6379');
  });

  it('names a Cluster by its startup nodes, a Sentinel deployment by master and sentinels, options by host', () => {
    expect(describeRedisTarget({ cluster: ['10.0.0.1:7000', { host: '::1', port: 7001 }] })).toBe('cluster 10.0.0.1:7000,[::1]:7001');
    expect(describeRedisTarget({ sentinels: [{ host: 's1', port: 26379 }, { host: 's2' }], name: 'wx', password: 'secret-pass' })).toBe('sentinel wx via s1:26379,s2:26379');
    expect(describeRedisTarget({ host: '10.0.0.1', port: 6380, db: 3, password: 'secret-pass' })).toBe('10.0.0.1:6380/3');
    expect(describeRedisTarget({})).toBe('localhost:6379');
  });
});

describe('createRedisStore', () => {
  const stores: { close(): Promise<void> }[] = [];
  afterAll(async () => {
    await Promise.all(stores.map((store) => store.close()));
  });
  // lazyConnect: these tests look at the client's options and never connect.
  const lazy = { lazyConnect: true } as const;

  it('gives a URL client the fail-fast options, under the caller’s own', () => {
    const store = createRedisStore('redis://127.0.0.1:1/4', { log: false, redisOptions: { ...lazy, commandTimeout: 250 } });
    stores.push(store);
    expect(store.client).toBeInstanceOf(Redis);
    expect(store.client.options).toMatchObject({ ...FAIL_FAST_REDIS_OPTIONS, commandTimeout: 250, db: 4, port: 1, enableOfflineQueue: true });
  });

  it('lets an options target (Sentinel here) win over redisOptions and the defaults', () => {
    const store = createRedisStore({ ...lazy, sentinels: [{ host: '127.0.0.1', port: 1 }], name: 'wx', connectTimeout: 300 }, { log: false, redisOptions: { connectTimeout: 5_000 } });
    stores.push(store);
    expect(store.client.options).toMatchObject({ maxRetriesPerRequest: 0, commandTimeout: 1_000, connectTimeout: 300, name: 'wx' });
  });

  it('builds a Cluster client from a node list, with fail-fast options for the cluster and every node connection', () => {
    const store = createRedisStore(
      { cluster: ['127.0.0.1:1', { host: '127.0.0.1', port: 2 }], clusterOptions: { ...lazy, retryDelayOnFailover: 20, redisOptions: { commandTimeout: 400 } } },
      { log: false, redisOptions: { connectTimeout: 700 } },
    );
    stores.push(store);
    expect(store.client).toBeInstanceOf(Cluster);
    const options = (store.client as Cluster).options;
    expect(options).toMatchObject({ ...FAIL_FAST_CLUSTER_OPTIONS, retryDelayOnFailover: 20 });
    expect(options.redisOptions).toMatchObject({ maxRetriesPerRequest: 0, autoResendUnfulfilledCommands: false, commandTimeout: 400, connectTimeout: 700 });
  });

  it.each([
    ['an http URL', 'http://127.0.0.1:6379', /redis:\/\/ or rediss:\/\/ URL \(got a http: URL\)/],
    ['text that is no URL', 'localhost', /the URL given does not parse/],
    ['an empty cluster', { cluster: [] }, /`cluster` must list at least one node/],
    ['a malformed cluster node', { cluster: ['10.0.0.1'] }, /each entry of `cluster` must be host:port/],
    ['a number', 6379, /needs a redis:\/\/ URL/],
    ['null', null, /needs a redis:\/\/ URL/],
  ])('refuses %s with a TypeError that says what it takes', (_, target, message) => {
    expect(() => createRedisStore(target as never, { log: false })).toThrow(TypeError);
    expect(() => createRedisStore(target as never, { log: false })).toThrow(message);
  });

  it('refuses a log that is not a function or false', () => {
    expect(() => createRedisStore('redis://127.0.0.1:1', { log: 'console' as never })).toThrow(/option `log`/);
  });
});

describe('the outage log on its own', () => {
  it('counts a refused command as no outage, and connection trouble or an unavailable server as one', () => {
    const reply = (message: string) => Object.assign(new Error(message), { name: 'ReplyError' });
    expect(isOutageError(reply('WRONGTYPE Operation against a key holding the wrong kind of value'))).toBe(false);
    expect(isOutageError(reply('NOSCRIPT No matching script'))).toBe(false);
    expect(isOutageError(reply('CLUSTERDOWN The cluster is down'))).toBe(true);
    expect(isOutageError(reply('LOADING Redis is loading the dataset in memory'))).toBe(true);
    expect(isOutageError(reply('READONLY You can’t write against a read only replica.'))).toBe(true);
    expect(isOutageError(new Error('Command timed out'))).toBe(true);
    expect(isOutageError(new Error('Connection is closed.'))).toBe(true);
  });

  it('logs one line when the first failure comes and none for the next ones, masking passwords', () => {
    const lines: string[] = [];
    const log = new RedisOutageLog({ name: 'redis://10.0.0.1:6379', log: (line) => lines.push(line), secrets: ['hunter2-long', 'pw'] });
    log.commandFailed(new Error('WRONGPASS for hunter2-long\n  at somewhere'));
    log.commandFailed(new Error('Connection is closed.'));
    log.commandFailed(Object.assign(new Error('WRONGTYPE nope'), { name: 'ReplyError' }));
    expect(lines).toEqual(['[wxopen] redis redis://10.0.0.1:6379 down: WRONGPASS for *** at somewhere']);
    expect(log.down).toBe(true);
    log.close();
  });

  it('calls ioredis’ "not queueing" refusal what it is: not connected', () => {
    const lines: string[] = [];
    const log = new RedisOutageLog({ name: 'x', log: (line) => lines.push(line) });
    log.commandFailed(new Error("Stream isn't writeable and enableOfflineQueue options is false"));
    expect(lines).toEqual(['[wxopen] redis x down: not connected']);
    log.close();
  });
});
