import { createServer } from 'node:net';
import { isRedisReachable, isRedisReachableSync, redisUrl } from '@wxopen/testing';

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
});
