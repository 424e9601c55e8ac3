/**
 * `createRedisStore({ sentinels, name })` against a real Sentinel watching a private master: the store contract
 * through Sentinel, and a failover to the replica that the store follows.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { RedisStore } from '@wxopen/redis';
import { createRedisStore } from '@wxopen/redis';
import { describeRedisServer, describeStoreConformance, startRedisSentinel, startRedisServer } from '@wxopen/testing';
import type { RedisSentinel, RedisServer } from '@wxopen/testing';

jest.setTimeout(60_000);

let master: RedisServer | undefined;
let sentinel: RedisSentinel | undefined;
let stores = 0;

describeStoreConformance(
  'RedisStore through Sentinel',
  () => {
    if (!sentinel) throw new Error('the sentinel did not start');
    return createRedisStore({ sentinels: [{ host: sentinel.host, port: sentinel.port }], name: sentinel.name }, { keyPrefix: `conformance:${++stores}:`, log: false });
  },
  {
    describe: (name, fn) =>
      describeRedisServer(name, () => {
        beforeAll(async () => {
          master = await startRedisServer();
          sentinel = await startRedisSentinel({ master, name: 'wxmaster' });
        });
        afterAll(async () => {
          await sentinel?.dispose();
          await master?.dispose();
        });
        fn();
      }),
  },
);

async function waitUntil(what: string, condition: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}`);
    await sleep(50);
  }
}

describeRedisServer('RedisStore through Sentinel during a failover', () => {
  let primary: RedisServer;
  let replica: RedisServer;
  let watcher: RedisSentinel;
  let store: RedisStore;
  const lines: string[] = [];

  beforeAll(async () => {
    primary = await startRedisServer();
    replica = await startRedisServer();
    await replica.command('REPLICAOF', '127.0.0.1', String(primary.port));
    await waitUntil('the replica is in sync', async () => /master_link_status:up/.test(String(await replica.command('INFO', 'replication'))));
    watcher = await startRedisSentinel({ master: primary, name: 'wxfailover' });
    store = createRedisStore({ sentinels: [{ host: watcher.host, port: watcher.port }], name: 'wxfailover' }, { keyPrefix: 'failover:', log: (line) => lines.push(line) });
  });

  afterAll(async () => {
    await store.close();
    await Promise.all([watcher.dispose(), replica.dispose(), primary.dispose()]);
  });

  it('writes to the replica once Sentinel promoted it, and keeps what was written before', async () => {
    await store.set('{wx1}:refresh_token', 'kept');
    await waitUntil('the write reached the replica', async () => (await replica.command('GET', 'failover:{wx1}:refresh_token')) === 'kept');
    // Sentinel promotes a replica only once it has its INFO (NOGOODSLAVE until then): ask until it accepts.
    await waitUntil('the sentinel accepts the failover', async () => {
      try {
        await watcher.command('SENTINEL', 'failover', 'wxfailover');
        return true;
      } catch (error) {
        if (/NOGOODSLAVE/.test(String(error))) return false;
        throw error;
      }
    });
    await waitUntil('the sentinel names the replica as master', async () => {
      const address = await watcher.command('SENTINEL', 'get-master-addr-by-name', 'wxfailover');
      return Array.isArray(address) && address[1] === String(replica.port);
    });
    await primary.stop();

    await waitUntil('a write through the store succeeds', async () => {
      try {
        await store.set('{wx1}:token', 'after');
        return true;
      } catch (error) {
        expect(error).toMatchObject({ code: 'ERR_STORE' });
        return false;
      }
    });
    expect(await replica.command('GET', 'failover:{wx1}:token')).toBe('after');
    expect(await store.get('{wx1}:refresh_token')).toBe('kept');
    // Whatever the failover cost in failed calls is told as one outage at most, named by the Sentinel.
    expect(lines.length).toBeLessThanOrEqual(2);
    for (const line of lines) expect(line).toMatch(new RegExp(`^\\[wxopen\\] redis sentinel wxfailover via 127\\.0\\.0\\.1:${watcher.port} `));
  });
});
