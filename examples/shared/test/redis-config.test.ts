import { ConfigError, loadConfig } from '@wxopen/example-shared';

describe('example configuration of Redis', () => {
  test('uses no Redis when none is set', () => {
    expect(loadConfig({})).toMatchObject({ redisUrl: undefined, redisClusterNodes: undefined, redisSentinel: undefined });
  });

  test('reads REDIS_URL', () => {
    expect(loadConfig({ REDIS_URL: 'rediss://:pw@redis.internal:6380/2' }).redisUrl).toBe('rediss://:pw@redis.internal:6380/2');
  });

  test('refuses a REDIS_URL that is not redis:// or rediss://, without repeating it (it may hold a password)', () => {
    const attempt = () => loadConfig({ REDIS_URL: 'http://user:hunter22@redis.internal' });
    expect(attempt).toThrow(new ConfigError('REDIS_URL must be a redis:// or rediss:// URL'));
  });

  test('reads REDIS_CLUSTER_NODES as host:port entries, spaces and an IPv6 literal allowed', () => {
    expect(loadConfig({ REDIS_CLUSTER_NODES: '10.0.0.1:7000, 10.0.0.2:7001 ,[::1]:7002' }).redisClusterNodes).toEqual([
      { host: '10.0.0.1', port: 7000 },
      { host: '10.0.0.2', port: 7001 },
      { host: '::1', port: 7002 },
    ]);
  });

  test.each(['10.0.0.1', '10.0.0.1:0', '10.0.0.1:70000', 'redis://10.0.0.1:7000', ' , '])('refuses REDIS_CLUSTER_NODES=%j, naming it', (value) => {
    expect(() => loadConfig({ REDIS_CLUSTER_NODES: value })).toThrow(/^REDIS_CLUSTER_NODES must be host:port entries/);
  });

  test('reads REDIS_SENTINELS with REDIS_SENTINEL_NAME', () => {
    expect(loadConfig({ REDIS_SENTINELS: 's1:26379,s2:26379', REDIS_SENTINEL_NAME: 'wxmaster' }).redisSentinel).toEqual({
      sentinels: [
        { host: 's1', port: 26379 },
        { host: 's2', port: 26379 },
      ],
      name: 'wxmaster',
    });
  });

  test.each([{ REDIS_SENTINELS: 's1:26379' }, { REDIS_SENTINEL_NAME: 'wxmaster' }])('refuses one of REDIS_SENTINELS and REDIS_SENTINEL_NAME without the other (%j)', (env) => {
    expect(() => loadConfig(env)).toThrow(/^REDIS_SENTINELS must come with REDIS_SENTINEL_NAME/);
  });

  test('refuses two Redis deployments at once, naming both', () => {
    expect(() => loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379', REDIS_CLUSTER_NODES: '127.0.0.1:7101' })).toThrow(
      new ConfigError('set only one of REDIS_URL, REDIS_CLUSTER_NODES: they name different Redis deployments'),
    );
    expect(() => loadConfig({ REDIS_CLUSTER_NODES: '127.0.0.1:7101', REDIS_SENTINELS: 's1:26379', REDIS_SENTINEL_NAME: 'm' })).toThrow(
      /^set only one of REDIS_CLUSTER_NODES, REDIS_SENTINELS:/,
    );
  });
});
