/**
 * An authorizer's access token across several real processes on one Redis, counted at the fake WeChat, and
 * the authorizer refresh token, which must never be lost (losing it means the account must re-authorize).
 * Children run the BUILT packages (`credentials-child.mjs`); `npm test` builds them first (`tsc -b`).
 */
import { ComponentCredentials, credentialKeys } from '@wxopen/core';
import { startFakeWechat } from '@wxopen/testing';
import type { FakeWechat, FakeWechatOptions } from '@wxopen/testing';
import type { Child, RedisScope } from './harness';
import { describeEachRedisShape, redisScope, startChild, valueOf, waitUntil } from './harness';

jest.setTimeout(30_000);

const AUTHORIZER = 'wxauthorizer00000001';

describeEachRedisShape('authorizer token across processes', (shape) => {
  let fake: FakeWechat | undefined;
  let redis: RedisScope | undefined;
  let children: Child[] = [];

  afterEach(async () => {
    await Promise.all(children.map((child) => child.kill()));
    children = [];
    await redis?.dispose();
    await fake?.close();
    redis = undefined;
    fake = undefined;
  });

  /**
   * A fake WeChat with one authorizer, and a Redis scope holding the ticket and the authorizer's refresh token,
   * as after a completed authorization. With `warm`, the component token is cached too (fetched once here).
   */
  async function setUp(options: FakeWechatOptions, warm: boolean) {
    const wechat = await startFakeWechat(options);
    const scope = redisScope('authorizer-token', shape);
    fake = wechat;
    redis = scope;
    const keys = credentialKeys(wechat.componentAppId);
    const refreshToken = wechat.addAuthorizer(AUTHORIZER).refreshToken;
    const parent = new ComponentCredentials({ appId: wechat.componentAppId, appSecret: wechat.componentAppSecret, store: scope.store, apiBase: wechat.url });
    await parent.saveVerifyTicket(wechat.pushTicket());
    await scope.store.set(keys.authorizerRefreshToken(AUTHORIZER), refreshToken);
    if (warm) await parent.componentToken();
    await parent.close(); // the parent only seeds the store: its outbox scan must not outlive the test
    const spawn = (extra: Record<string, string> = {}) =>
      startChild('credentials-child.mjs', {
        ...scope.env,
        WXOPEN_TEST_API_BASE: wechat.url,
        WXOPEN_TEST_APP_ID: wechat.componentAppId,
        WXOPEN_TEST_APP_SECRET: wechat.componentAppSecret,
        ...extra,
      }).then((child) => {
        children.push(child);
        return child;
      });
    const storedRefreshToken = () => scope.store.get(keys.authorizerRefreshToken(AUTHORIZER));
    const current = () => {
      const authorizer = wechat.state.authorizers.get(AUTHORIZER);
      if (!authorizer) throw new Error('the fake lost the authorizer');
      return authorizer;
    };
    return { wechat, spawn, storedRefreshToken, current };
  }

  // Breaks without the cross-process lock on the authorizer token (each process fetches: 4+ requests, and each
  // new token invalidates the previous ones), without the in-process single flight, and — with rotating refresh
  // tokens — when the refresh token of the response is not stored (the next refresh would get 61023).
  test('4 processes × 200 concurrent calls fetch exactly one authorizer token and keep the newest refresh token', async () => {
    const { wechat, spawn, storedRefreshToken, current } = await setUp({ rotateRefreshTokens: true }, false);
    const initialRefreshToken = current().refreshToken;
    wechat.latency('api_authorizer_token', 300);

    const workers = await Promise.all([spawn(), spawn(), spawn(), spawn()]);
    const answers = await Promise.all(workers.map((child) => child.request('authorizerBurst', { n: 200, appId: AUTHORIZER })));

    expect(answers.map(valueOf)).toEqual(Array(4).fill({ succeeded: 200, failures: [] }));
    expect(wechat.count('api_authorizer_token')).toBe(1);
    expect(wechat.count('api_component_token')).toBe(1);
    expect(wechat.count('get_api_domain_ip')).toBe(800);
    expect(current().refreshToken).not.toBe(initialRefreshToken);
    expect(await storedRefreshToken()).toBe(current().refreshToken);
  });

  // Breaks when the authorizer lock has no TTL (B times out), or when a refresh clears the stored refresh token
  // before its fetch completes (a holder killed in between would lose it for good).
  test('when the holder of the authorizer lock is SIGKILLed mid-refresh, a waiting process refreshes and the refresh token is kept', async () => {
    const { wechat, spawn, storedRefreshToken, current } = await setUp({}, true);
    const refreshToken = current().refreshToken;
    wechat.latency('api_authorizer_token', 800);

    const [a, b] = await Promise.all([spawn({ WXOPEN_TEST_LOCK_TTL_MS: '2000' }), spawn({ WXOPEN_TEST_LOCK_TTL_MS: '2000' })]);
    if (!a || !b) throw new Error('children did not start');
    const aToken = a.request<string>('authorizerToken', { appId: AUTHORIZER });
    await waitUntil('the fake received A’s authorizer token request', () => wechat.count('api_authorizer_token') === 1);
    const bToken = b.request<string>('authorizerToken', { appId: AUTHORIZER });
    await a.kill('SIGKILL');
    expect((await aToken).ok).toBe(false);

    const token = valueOf(await bToken);
    expect(wechat.count('api_authorizer_token')).toBe(2);
    expect(token).toBe(current().accessToken);
    expect(valueOf(await b.request('authorizerBurst', { n: 1, appId: AUTHORIZER }))).toEqual({ succeeded: 1, failures: [] });
    expect(await storedRefreshToken()).toBe(refreshToken);
    expect(wechat.count('api_component_token')).toBe(1);
  });

  // With rotation, the killed holder's request still reaches WeChat, which rotates the refresh token that A never
  // stores. Breaks when a 61023 on the stored refresh token is final (no recovery through api_get_authorizer_info),
  // or when the recovered or rotated refresh token is not stored.
  test('with rotating refresh tokens, a refresh after the holder was killed recovers the rotated refresh token and stores the newest', async () => {
    const { wechat, spawn, storedRefreshToken, current } = await setUp({ rotateRefreshTokens: true }, true);
    const initialRefreshToken = current().refreshToken;
    wechat.latency('api_authorizer_token', 800);

    const [a, b] = await Promise.all([spawn({ WXOPEN_TEST_LOCK_TTL_MS: '2000' }), spawn({ WXOPEN_TEST_LOCK_TTL_MS: '2000' })]);
    if (!a || !b) throw new Error('children did not start');
    const aToken = a.request<string>('authorizerToken', { appId: AUTHORIZER });
    await waitUntil('the fake received A’s authorizer token request', () => wechat.count('api_authorizer_token') === 1);
    const bToken = b.request<string>('authorizerToken', { appId: AUTHORIZER });
    await a.kill('SIGKILL');
    expect((await aToken).ok).toBe(false);
    // A's request is still answered to nobody: WeChat rotated the refresh token; the store has the old one.
    await waitUntil('the fake rotated the refresh token for A’s request', () => current().refreshToken !== initialRefreshToken);
    wechat.latency('api_authorizer_token', 0);

    const token = valueOf(await bToken);
    expect(token).toBe(current().accessToken);
    // B: the stale refresh token (61023), recovery through api_get_authorizer_info, the retry.
    expect(wechat.count('api_authorizer_token')).toBe(3);
    expect(wechat.count('api_get_authorizer_info')).toBe(1);
    expect(await storedRefreshToken()).toBe(current().refreshToken);

    // The stored refresh token is the one WeChat accepts: a forced refresh from another process needs no recovery.
    const c = await spawn();
    valueOf(await c.request('refreshAuthorizerToken', { appId: AUTHORIZER }));
    expect(wechat.count('api_authorizer_token')).toBe(4);
    expect(wechat.count('api_get_authorizer_info')).toBe(1);
    expect(await storedRefreshToken()).toBe(current().refreshToken);
  });
});
