/**
 * JS-SDK tickets across several real processes on one Redis, counted at the fake WeChat: however many processes
 * and callers ask, `getticket` is called once per authorizer and ticket lifetime. Children run the BUILT packages
 * (`js-tickets-child.mjs`); `npm test` builds them first (`tsc -b`).
 */
import { ComponentCredentials, credentialKeys } from '@wxopen/core';
import { startFakeWechat } from '@wxopen/testing';
import type { FakeWechat } from '@wxopen/testing';
import type { Child, RedisScope } from './harness';
import { describeEachRedisShape, redisScope, startChild, valueOf } from './harness';

jest.setTimeout(60_000);

const AUTHORIZERS = ['wxofficialacct00001', 'wxofficialacct00002', 'wxofficialacct00003', 'wxofficialacct00004', 'wxofficialacct00005'];
/** Past a 7200 s ticket's cache lifetime (7200 s minus the 600 s safety margin). */
const LIFETIME_MS = (7200 - 600) * 1000 + 1000;

interface Burst {
  readonly tickets: Record<string, string[]>;
  readonly failures: string[];
}

describeEachRedisShape('JS-SDK tickets across processes on one Redis', (shape) => {
  let fake: FakeWechat | undefined;
  let redis: RedisScope | undefined;
  let children: Child[] = [];

  afterEach(async () => {
    await Promise.all(children.map((child) => child.kill()));
    children = [];
    await redis?.dispose();
    await fake?.close();
  });

  // Breaks without the cross-process lock on the ticket (each process fetches), without the re-read after taking
  // it, without the in-process single flight (each caller fetches), or when the ticket is not kept in the store.
  test('4 processes × 5 authorizers × 50 concurrent callers make one getticket call per authorizer and ticket lifetime', async () => {
    const wechat = await startFakeWechat();
    const scope = redisScope('js-tickets', shape);
    fake = wechat;
    redis = scope;
    const keys = credentialKeys(wechat.componentAppId);
    const parent = new ComponentCredentials({ appId: wechat.componentAppId, appSecret: wechat.componentAppSecret, store: scope.store, apiBase: wechat.url });
    await parent.saveVerifyTicket(wechat.pushTicket());
    await parent.close(); // the parent only seeds the store: its outbox scan must not outlive the test
    for (const appId of AUTHORIZERS) await scope.store.set(keys.authorizerRefreshToken(appId), wechat.addAuthorizer(appId).refreshToken);
    wechat.latency('getticket', 200);

    children = await Promise.all(
      Array.from({ length: 4 }, () =>
        startChild('js-tickets-child.mjs', {
          ...scope.env,
          WXOPEN_TEST_API_BASE: wechat.url,
          WXOPEN_TEST_APP_ID: wechat.componentAppId,
          WXOPEN_TEST_APP_SECRET: wechat.componentAppSecret,
        }),
      ),
    );
    const burst = async () => (await Promise.all(children.map((child) => child.request<Burst>('burst', { n: 50, appIds: AUTHORIZERS })))).map(valueOf);

    const first = await burst();
    for (const appId of AUTHORIZERS) {
      expect(wechat.countFor('getticket', appId)).toBe(1);
      expect(new Set(first.flatMap((answer) => answer.tickets[appId]))).toEqual(new Set([wechat.state.wxa.jsTickets.get(`${appId}:jsapi`)?.ticket]));
    }
    expect(first.flatMap((answer) => answer.failures)).toEqual([]);

    // Within the lifetime nothing more is fetched.
    await burst();
    expect(wechat.count('getticket')).toBe(AUTHORIZERS.length);

    // One lifetime later: one more call per authorizer, and every process moves to the new ticket.
    wechat.clock.advance(LIFETIME_MS);
    await Promise.all(children.map((child) => child.request('advance', { ms: LIFETIME_MS })));
    const second = await burst();
    for (const appId of AUTHORIZERS) {
      expect(wechat.countFor('getticket', appId)).toBe(2);
      const seen = new Set(second.flatMap((answer) => answer.tickets[appId]));
      expect(seen).toEqual(new Set([wechat.state.wxa.jsTickets.get(`${appId}:jsapi`)?.ticket]));
      expect(seen.has(first[0]?.tickets[appId]?.[0] ?? '')).toBe(false);
    }
    expect(second.flatMap((answer) => answer.failures)).toEqual([]);
  });
});
