/**
 * A store outage under traffic, with real parts: two platform processes (`platform-child.mjs`, the BUILT packages)
 * on a private `redis-server` that the test kills, restarts, pauses and resumes while pushes keep coming, each
 * retried as WeChat does until it is answered 200 (WeChat stops after three attempts; here it keeps going, so that
 * every push ends acknowledged). Counted at the end: every acknowledged push ran exactly once; a push is never
 * answered `success` for work that was not claimed.
 */
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { WechatSimulator, describeRedisServer, startFakeWechat, startRedisServer, textMessage } from '@wxopen/testing';
import type { FakeWechat, RedisServer } from '@wxopen/testing';
import type { Child } from './harness';
import { startChild, valueOf } from './harness';

jest.setTimeout(90_000);

const ROUTE = 'wx00000000000000b9';

describeRedisServer('pushes during a Redis outage', () => {
  let redis: RedisServer;
  let fake: FakeWechat;
  let children: Array<Child & { url: string }> = [];

  afterEach(async () => {
    await Promise.all(children.map((child) => child.kill()));
    children = [];
    await redis?.dispose();
    await fake?.close();
  });

  it('loses nothing acknowledged and runs nothing twice while Redis is killed, restarted, paused and resumed', async () => {
    redis = await startRedisServer();
    fake = await startFakeWechat();
    const secrets = { appId: fake.componentAppId, token: randomBytes(8).toString('hex'), encodingAESKey: randomBytes(32).toString('base64').slice(0, 43) };
    const wechat = new WechatSimulator(secrets);
    // Both processes share one prefix: they are one platform behind a load balancer.
    const prefix = `outage:${randomBytes(4).toString('hex')}:`;
    for (let i = 0; i < 2; i++) {
      const child = await startChild('platform-child.mjs', {
        REDIS_URL: redis.url,
        REDIS_CLUSTER_NODES: '',
        WXOPEN_TEST_KEY_PREFIX: prefix,
        WXOPEN_TEST_API_BASE: fake.url,
        WXOPEN_TEST_APP_ID: fake.componentAppId,
        WXOPEN_TEST_APP_SECRET: fake.componentAppSecret,
        WXOPEN_TEST_TOKEN: secrets.token,
        WXOPEN_TEST_AES_KEY: secrets.encodingAESKey,
        WXOPEN_TEST_LEASE_MS: '800',
        WXOPEN_TEST_STORE_TIMEOUT_MS: '400',
      });
      children.push(Object.assign(child, { url: `http://127.0.0.1:${String(child.events('ready')[0]?.['port'])}` }));
    }
    const statuses = new Map<string, number[]>();

    /** One WeChat attempt of push `content` to a random process: a fresh encryption, as a retry is. */
    async function attempt(content: string): Promise<number> {
      const server = children[Math.floor(Math.random() * children.length)] as { url: string };
      const push = wechat.encrypted(textMessage(content, { msgId: content.replace(/\D/g, '') || '1' }));
      try {
        const res = await fetch(server.url + push.url(`/wechat/callback/${ROUTE}`), { method: 'POST', headers: { 'content-type': 'text/xml' }, body: push.body });
        await res.text();
        return res.status;
      } catch {
        return 0;
      }
    }

    /** Sends a push until it is answered 200, as WeChat would (only faster, and without giving up). */
    async function deliver(content: string): Promise<void> {
      const seen: number[] = [];
      statuses.set(content, seen);
      for (;;) {
        const status = await attempt(content);
        seen.push(status);
        if (status === 200) return;
        await sleep(100);
      }
    }

    const traffic = (async () => {
      const pending: Promise<void>[] = [];
      for (let i = 0; i < 120; i++) {
        pending.push(deliver(`push ${1000 + i}`));
        await sleep(40);
      }
      await Promise.all(pending);
    })();

    await sleep(600);
    await redis.stop('SIGKILL'); // a crash
    await sleep(1_200);
    await redis.restart(); // empty: it keeps nothing on disk
    await sleep(800);
    redis.pause(); // stuck: the port is open, nothing answers
    await sleep(1_200);
    redis.resume();
    await traffic;

    const runs = new Map<string, number>();
    for (const child of children) {
      for (const content of valueOf(await child.request<string[]>('runs'))) runs.set(content, (runs.get(content) ?? 0) + 1);
    }
    const failedAttempts = [...statuses.values()].flat().filter((status) => status !== 200);
    // The outage was felt (some attempts were refused: 503, never 200 without a claim) …
    expect(failedAttempts.length).toBeGreaterThan(0);
    expect(failedAttempts.every((status) => status === 503)).toBe(true);
    // … and every push ended acknowledged, having run exactly once.
    expect(statuses.size).toBe(120);
    for (const content of statuses.keys()) expect([content, runs.get(content)]).toEqual([content, 1]);
  });
});
