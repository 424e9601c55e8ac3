/**
 * The store's own deadline, against a real TCP server that accepts connections and never answers (a Redis
 * that hangs): whatever the client's settings, a call rejects with ERR_STORE once `timeoutMs` has passed.
 */
import { createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import { Redis } from 'ioredis';
import { RedisStore } from '@wxopen/redis';

describe('the RedisStore deadline', () => {
  let server: Server;
  const sockets = new Set<Socket>();
  let client: Redis;
  let received = '';

  beforeAll(async () => {
    server = createServer((socket) => {
      sockets.add(socket);
      socket.on('data', (chunk) => (received += chunk.toString('latin1')));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    // ioredis' defaults (no command timeout at all), without the handshake commands that would never complete here.
    client = new Redis({ host: '127.0.0.1', port, enableReadyCheck: false, disableClientInfo: true, lazyConnect: true });
    await client.connect();
  });

  afterAll(async () => {
    client.disconnect();
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  it('rejects a call that gets no answer with ERR_STORE once timeoutMs has passed, naming the command', async () => {
    const store = new RedisStore(client, { timeoutMs: 50 });
    const error = await store.setIfAbsent('{wx1}:delivery:1', 'claimed', 60_000).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERR_STORE', detail: 'SET NX failed', cause: { message: 'no answer within 50 ms' } });
    // The command did reach the server: it was the answer that never came.
    expect(received).toContain('{wx1}:delivery:1');
  });

  it('keeps the value out of the timeout error', async () => {
    const store = new RedisStore(client, { timeoutMs: 20 });
    const error = await store.set('{wx1}:token', 'secret-token-value').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERR_STORE', detail: 'SET failed' });
    expect(JSON.stringify(error, Object.getOwnPropertyNames(error))).not.toContain('secret-token-value');
    expect(String((error as Error).cause)).not.toContain('secret-token-value');
  });
});
