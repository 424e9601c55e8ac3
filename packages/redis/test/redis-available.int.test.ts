import { createServer } from 'node:net';
import { describeRedisServer, isRedisClusterReachableSync, isRedisReachable, isRedisReachableSync, redisClusterNodes, redisUrl, startRedisServer } from '@wxopen/testing';

describe('the Redis availability check', () => {
  it('reports a closed port as unreachable, the same way synchronously and asynchronously', async () => {
    const closed = 'redis://127.0.0.1:1';
    expect(await isRedisReachable(closed)).toBe(false);
    expect(isRedisReachableSync(closed)).toBe(false);
  });

  it('reports a port where something other than Redis answers as unreachable', async () => {
    const server = createServer((socket) => socket.end('HTTP/1.1 400 Bad Request\r\n\r\n'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    try {
      expect(await isRedisReachable(`redis://127.0.0.1:${port}`)).toBe(false);
    } finally {
      server.close();
    }
  });

  it('uses REDIS_URL, defaulting to the local Redis', () => {
    const saved = process.env.REDIS_URL;
    try {
      delete process.env.REDIS_URL;
      expect(redisUrl()).toBe('redis://127.0.0.1:6379');
      process.env.REDIS_URL = 'redis://example.invalid:6380';
      expect(redisUrl()).toBe('redis://example.invalid:6380');
    } finally {
      if (saved === undefined) delete process.env.REDIS_URL;
      else process.env.REDIS_URL = saved;
    }
  });

  it('reads REDIS_CLUSTER_NODES as a list, undefined when unset or empty', () => {
    const saved = process.env.REDIS_CLUSTER_NODES;
    try {
      delete process.env.REDIS_CLUSTER_NODES;
      expect(redisClusterNodes()).toBeUndefined();
      process.env.REDIS_CLUSTER_NODES = ' , ';
      expect(redisClusterNodes()).toBeUndefined();
      process.env.REDIS_CLUSTER_NODES = '127.0.0.1:7101, 127.0.0.1:7102';
      expect(redisClusterNodes()).toEqual(['127.0.0.1:7101', '127.0.0.1:7102']);
    } finally {
      if (saved === undefined) delete process.env.REDIS_CLUSTER_NODES;
      else process.env.REDIS_CLUSTER_NODES = saved;
    }
  });

  it('reports a closed port as no healthy cluster', () => {
    expect(isRedisClusterReachableSync(['127.0.0.1:1'])).toBe(false);
    expect(isRedisClusterReachableSync([])).toBe(false);
  });
});

describeRedisServer('the Redis Cluster check against a private server', () => {
  it('reports a Redis without cluster mode as no healthy cluster', async () => {
    const server = await startRedisServer();
    try {
      expect(isRedisReachableSync(server.url)).toBe(true);
      expect(isRedisClusterReachableSync([`127.0.0.1:${server.port}`])).toBe(false);
    } finally {
      await server.dispose();
    }
  });
});
