/**
 * `createRedisStore({ cluster })` against a private 3-master Redis Cluster with one master killed, then
 * restarted: calls for that master's slots fail fast with ERR_STORE while the other masters keep serving, the
 * outage is told in two lines, and every slot serves again once the master is back.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { isWxOpenError } from '@wxopen/core';
import type { RedisStore } from '@wxopen/redis';
import { createRedisStore } from '@wxopen/redis';
import { describeRedisServer, startRedisCluster } from '@wxopen/testing';
import type { RedisCluster } from '@wxopen/testing';

jest.setTimeout(90_000);

const FAIL_FAST_CEILING_MS = 2_000;

async function waitUntil(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}`);
    await sleep(50);
  }
}

describeRedisServer('a store on a Redis Cluster when one master dies', () => {
  let cluster: RedisCluster;
  let store: RedisStore;
  const lines: string[] = [];

  beforeAll(async () => {
    // Without full coverage required, the other masters keep serving once the cluster has marked the dead one as
    // failed (the default takes every slot down then, and the test would see the whole cluster fail).
    cluster = await startRedisCluster({ masters: 3, args: ['--cluster-require-full-coverage', 'no'] });
    store = createRedisStore({ cluster: cluster.nodeList.split(',') }, { keyPrefix: 'cluster-outage:', log: (line) => lines.push(line) });
  });

  afterAll(async () => {
    await store.close();
    await cluster.dispose();
  });

  it('fails fast on the dead master’s slots only, logs one outage, and serves every slot once it is back', async () => {
    // One component per tag; find which master serves each.
    const keys = Array.from({ length: 24 }, (_, i) => `{wx${i}}:ticket`);
    for (const key of keys) await store.set(key, 'ticket');
    const [victim] = cluster.nodes;
    if (!victim) throw new Error('no node');
    const owner = async (key: string) => {
      const slot = Number(await victim.command('CLUSTER', 'KEYSLOT', `cluster-outage:${key}`));
      const ranges = (await victim.command('CLUSTER', 'SLOTS')) as [number, number, [string, number]][];
      return ranges.find(([from, to]) => slot >= from && slot <= to)?.[2][1];
    };
    const owners = await Promise.all(keys.map(owner));
    const lost = keys.filter((_, i) => owners[i] === victim.port);
    const kept = keys.filter((_, i) => owners[i] !== victim.port);
    expect(lost.length).toBeGreaterThan(0);
    expect(kept.length).toBeGreaterThan(0);

    await victim.stop();
    for (const key of lost) {
      const started = performance.now();
      const error = await store.get(key).catch((e: unknown) => e);
      expect(isWxOpenError(error) && error.code).toBe('ERR_STORE');
      expect(performance.now() - started).toBeLessThan(FAIL_FAST_CEILING_MS);
    }
    for (const key of kept) expect(await store.get(key)).toBe('ticket');
    expect(lines).toEqual([expect.stringMatching(/^\[wxopen\] redis cluster 127\.0\.0\.1:\d+,127\.0\.0\.1:\d+,127\.0\.0\.1:\d+ down: \S/)]);

    await victim.restart();
    await cluster.waitUntilOk();
    await waitUntil('every slot serves again', async () => {
      try {
        for (const key of lost) await store.set(key, 'again');
        return true;
      } catch {
        return false;
      }
    });
    await waitUntil('the outage is over in the log', () => lines.length === 2);
    expect(lines[1]).toMatch(/^\[wxopen\] redis cluster \S+ back up after \d+\.\d s \(\d+ commands? failed\)$/);
    for (const key of kept) expect(await store.get(key)).toBe('ticket');
    for (const key of lost) expect(await store.get(key)).toBe('again');
  });
});
