import { sendCustomMessage } from '../../src/api/component';
import type { ComponentCredentialsOptions } from '../../src/credentials/component';
import { WechatApiError, WxOpenError } from '../../src/errors';
import type { FakeWechatOptions } from '@wxopen/testing';
import { expectNoSecrets, harness, rejection } from './setup';
import type { Harness, TestStore } from './setup';

const REFRESH_API = 'api_authorizer_token';
const INFO_API = 'api_get_authorizer_info';
const APPID = 'wxauthorizer0001';

/**
 * The rules of authorizer tokens, on the given store: `authorizer.test.ts` runs them on memory and file,
 * `authorizer.int.test.ts` on Redis.
 */
export function describeAuthorizerRules(testStore: TestStore): void {
  describe(`on ${testStore.name}`, () => {
    let h: Harness;
    const opened: Harness[] = [];
    async function open(options: Partial<ComponentCredentialsOptions> = {}, fakeOptions: FakeWechatOptions = {}): Promise<Harness> {
      h = await harness(options, fakeOptions, testStore);
      opened.push(h);
      await h.credentials.saveVerifyTicket(h.fake.pushTicket());
      return h;
    }
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((o) => o.close()));
    });

    const authorizerOnFake = () => {
      const found = h.fake.state.authorizers.get(APPID);
      if (!found) throw new Error('authorizer missing on the fake');
      return found;
    };

    describe('queryAuth', () => {
      beforeEach(() => open());

      it('stores the refresh token durably and the access token with the margin, and returns the info', async () => {
        const code = h.fake.registerAuthorizationCode({ appId: APPID });
        const info = await h.credentials.queryAuth(code);
        expect(info).toEqual({
          authorizer_appid: APPID,
          authorizer_access_token: authorizerOnFake().accessToken,
          expires_in: 7200,
          authorizer_refresh_token: authorizerOnFake().refreshToken,
          func_info: [{ funcscope_category: { id: 1 } }],
        });
        expect(await h.credentials.authorizerToken(APPID)).toBe(info.authorizer_access_token);
        expect(h.fake.count(REFRESH_API)).toBe(0);
        h.fake.clock.advance(400 * 24 * 3600 * 1000);
        expect(await h.credentials.authorizerRefreshToken(APPID)).toBe(info.authorizer_refresh_token);
      });

      it('rejects a code used twice with WechatApiError 61009', async () => {
        const code = h.fake.registerAuthorizationCode({ appId: APPID });
        await h.credentials.queryAuth(code);
        await expect(h.credentials.queryAuth(code)).rejects.toMatchObject({ errcode: 61009 });
      });

      it('stores nothing for an account that granted no API permissions, and recovers the refresh token later', async () => {
        const code = h.fake.registerAuthorizationCode({ appId: APPID, omitTokens: true });
        const info = await h.credentials.queryAuth(code);
        expect(info.authorizer_access_token).toBeUndefined();
        expect(await h.credentials.authorizerRefreshToken(APPID)).toBeUndefined();
        expect(await h.credentials.authorizerToken(APPID)).toBe(authorizerOnFake().accessToken);
        expect(await h.credentials.authorizerRefreshToken(APPID)).toBe(authorizerOnFake().refreshToken);
        expect(h.fake.count(INFO_API)).toBe(1);
      });
    });

    describe('exchangeAuthorizationCode', () => {
      beforeEach(() => open());

      it('retries transient failures with backoff and then succeeds', async () => {
        const code = h.fake.registerAuthorizationCode({ appId: APPID });
        h.fake.httpError('api_query_auth', 502, 2);
        const info = await h.credentials.exchangeAuthorizationCode(code, { retries: 3, backoffMs: 1 });
        expect(info.authorizer_appid).toBe(APPID);
        expect(h.fake.count('api_query_auth')).toBe(3);
        expect(await h.credentials.authorizerRefreshToken(APPID)).toBe(authorizerOnFake().refreshToken);
      });

      it('gives up after the given number of retries', async () => {
        const code = h.fake.registerAuthorizationCode({ appId: APPID });
        h.fake.httpError('api_query_auth', 500, 5);
        await expect(h.credentials.exchangeAuthorizationCode(code, { retries: 1, backoffMs: 1 })).rejects.toMatchObject({
          code: 'ERR_API_HTTP',
        });
        expect(h.fake.count('api_query_auth')).toBe(2);
      });

      it('does not retry an invalid code', async () => {
        await expect(h.credentials.exchangeAuthorizationCode('queryauthcode@@@unknown', { backoffMs: 1 })).rejects.toMatchObject({
          errcode: 61009,
        });
        expect(h.fake.count('api_query_auth')).toBe(1);
      });
    });

    describe('authorizer access tokens', () => {
      beforeEach(() => open());

      async function authorized(): Promise<void> {
        await h.credentials.queryAuth(h.fake.registerAuthorizationCode({ appId: APPID }));
      }

      it('fetches a new access token with the stored refresh token once the cached one expired', async () => {
        await authorized();
        h.fake.clock.advance(7200 * 1000);
        const token = await h.credentials.authorizerToken(APPID);
        expect(token).toBe(authorizerOnFake().accessToken);
        expect(h.fake.requests.at(-1)?.body).toEqual({
          component_appid: h.fake.componentAppId,
          authorizer_appid: APPID,
          authorizer_refresh_token: authorizerOnFake().refreshToken,
        });
      });

      it('makes exactly one upstream request for 200 concurrent calls from two instances', async () => {
        await authorized();
        h.fake.clock.advance(7200 * 1000);
        const other = h.make();
        const tokens = await Promise.all(
          Array.from({ length: 200 }, (_, i) => (i % 2 === 0 ? h.credentials : other).authorizerToken(APPID)),
        );
        expect(h.fake.count(REFRESH_API)).toBe(1);
        expect(new Set(tokens)).toEqual(new Set([authorizerOnFake().accessToken]));
      });

      it('stores the rotated refresh token from every refresh', async () => {
        await Promise.all(opened.splice(0).map((o) => o.close()));
        await open({}, { rotateRefreshTokens: true });
        await authorized();
        const first = await h.credentials.authorizerRefreshToken(APPID);
        await h.credentials.refreshAuthorizerToken(APPID);
        const second = await h.credentials.authorizerRefreshToken(APPID);
        expect(second).not.toBe(first);
        expect(second).toBe(authorizerOnFake().refreshToken);
        await h.credentials.refreshAuthorizerToken(APPID);
        expect(h.fake.count(REFRESH_API)).toBe(2);
      });

      it('returns the current token without fetching when the failed token is no longer current', async () => {
        await authorized();
        const stale = await h.credentials.authorizerToken(APPID);
        const current = await h.credentials.refreshAuthorizerToken(APPID, stale);
        expect(current).not.toBe(stale);
        const before = h.fake.count(REFRESH_API);
        expect(await h.make().refreshAuthorizerToken(APPID, stale)).toBe(current);
        expect(h.fake.count(REFRESH_API)).toBe(before);
      });

      it('recovers a missing refresh token with api_get_authorizer_info', async () => {
        const onFake = h.fake.addAuthorizer(APPID);
        const token = await h.credentials.authorizerToken(APPID);
        expect(token).toBe(authorizerOnFake().accessToken);
        expect(await h.credentials.authorizerRefreshToken(APPID)).toBe(onFake.refreshToken);
        expect(h.fake.count(INFO_API)).toBe(1);
      });

      it('recovers from 61023 when WeChat holds a newer refresh token, without firing the hook', async () => {
        const seen: string[] = [];
        await Promise.all(opened.splice(0).map((o) => o.close()));
        await open({ hooks: { onInvalidRefreshToken: (appId) => void seen.push(appId) } });
        await authorized();
        const newer = h.fake.rotateRefreshToken(APPID);
        h.fake.clock.advance(7200 * 1000);
        expect(await h.credentials.authorizerToken(APPID)).toBe(authorizerOnFake().accessToken);
        expect(await h.credentials.authorizerRefreshToken(APPID)).toBe(newer);
        expect(h.fake.count(REFRESH_API)).toBe(2);
        expect(seen).toEqual([]);
      });

      it('fires onInvalidRefreshToken and rejects with 61023 when the account withdrew its authorization', async () => {
        const seen: Array<[string, WxOpenError]> = [];
        await Promise.all(opened.splice(0).map((o) => o.close()));
        await open({ hooks: { onInvalidRefreshToken: (appId, error) => void seen.push([appId, error]) } });
        await authorized();
        const refreshToken = await h.credentials.authorizerRefreshToken(APPID);
        const accessToken = await h.credentials.authorizerToken(APPID);
        h.fake.unauthorize(APPID);
        h.fake.clock.advance(7200 * 1000);
        const error = await rejection(h.credentials.authorizerToken(APPID));
        expect(error).toBeInstanceOf(WechatApiError);
        expect(error).toMatchObject({ errcode: 61023 });
        expect(seen).toEqual([[APPID, error]]);
        expectNoSecrets(error, [refreshToken, accessToken, await h.credentials.componentToken()]);
      });

      it('fails with ERR_NO_REFRESH_TOKEN and fires the hook for an account never authorized', async () => {
        const seen: string[] = [];
        await Promise.all(opened.splice(0).map((o) => o.close()));
        await open({ hooks: { onInvalidRefreshToken: (appId) => void seen.push(appId) } });
        const error = await rejection(h.credentials.authorizerToken('wxnever'));
        expect(error).toBeInstanceOf(WxOpenError);
        expect(error).toMatchObject({ code: 'ERR_NO_REFRESH_TOKEN' });
        expect(seen).toEqual(['wxnever']);
        expect(h.fake.count(REFRESH_API)).toBe(0);
      });

      it('forgets an authorizer: both its tokens are removed from the store', async () => {
        await authorized();
        await h.credentials.forgetAuthorizer(APPID);
        expect(await h.store.get(h.credentials.keys.authorizerRefreshToken(APPID))).toBeUndefined();
        expect(await h.store.get(h.credentials.keys.authorizerAccessToken(APPID))).toBeUndefined();
      });

      it('exposes an AccessTokenServer that is a token source with param access_token', async () => {
        await authorized();
        const server = h.credentials.authorizer(APPID);
        expect(server.param).toBe('access_token');
        expect(server.appId).toBe(APPID);
        const token = await server.token();
        expect(token).toBe(authorizerOnFake().accessToken);
        expect(await server.refreshToken(token)).toBe(authorizerOnFake().accessToken);
        expect(h.fake.count(REFRESH_API)).toBe(1);
      });
    });

    describe('authorizer client', () => {
      const MESSAGE = { touser: 'openid1', msgtype: 'text' as const, text: { content: 'code_from_api' } };

      beforeEach(async () => {
        await open();
        await h.credentials.queryAuth(h.fake.registerAuthorizationCode({ appId: APPID }));
      });

      it('sends a customer-service message with the authorizer token', async () => {
        await sendCustomMessage(h.credentials.authorizerClient(APPID), MESSAGE);
        expect(h.fake.sentMessages).toEqual([{ authorizerAppId: APPID, message: MESSAGE, at: expect.any(Number) }]);
      });

      it('on 40001 refreshes the authorizer token once and retries once', async () => {
        h.fake.invalidateAuthorizerToken(APPID);
        await sendCustomMessage(h.credentials.authorizerClient(APPID), MESSAGE);
        expect(h.fake.count(REFRESH_API)).toBe(1);
        expect(h.fake.count('send')).toBe(2);
        expect(h.fake.sentMessages).toHaveLength(1);
      });

      it('surfaces a second 40001 without a token in the error', async () => {
        const first = await h.credentials.authorizerToken(APPID);
        h.fake.failNext('send', 40001, 2);
        const error = await rejection(sendCustomMessage(h.credentials.authorizerClient(APPID), MESSAGE));
        expect(error).toMatchObject({ errcode: 40001, api: '/cgi-bin/message/custom/send' });
        expect(h.fake.count(REFRESH_API)).toBe(1);
        expectNoSecrets(error, [first, await h.credentials.authorizerToken(APPID)]);
      });
    });

    describe('other component APIs', () => {
      beforeEach(async () => {
        await open();
        await h.credentials.queryAuth(h.fake.registerAuthorizationCode({ appId: APPID, info: { nick_name: 'Shop' } }));
      });

      it('gets authorizer info and stores the refresh token it carries', async () => {
        await h.store.delete(h.credentials.keys.authorizerRefreshToken(APPID));
        const info = await h.credentials.getAuthorizerInfo(APPID);
        expect(info.authorizer_info.nick_name).toBe('Shop');
        expect(await h.credentials.authorizerRefreshToken(APPID)).toBe(authorizerOnFake().refreshToken);
      });

      it('lists authorizers page by page', async () => {
        h.fake.addAuthorizer('wxauthorizer0002');
        const page = await h.credentials.getAuthorizerList({ offset: 0, count: 1 });
        expect(page.total_count).toBe(2);
        expect(page.list).toEqual([{ authorizer_appid: APPID, refresh_token: authorizerOnFake().refreshToken, auth_time: expect.any(Number) }]);
      });

      it('sets and gets an authorizer option', async () => {
        await h.credentials.setAuthorizerOption(APPID, 'location_report', 2);
        expect(await h.credentials.getAuthorizerOption(APPID, 'location_report')).toEqual({
          authorizer_appid: APPID,
          option_name: 'location_report',
          option_value: '2',
        });
      });

      it('creates a single-use pre-auth code', async () => {
        const code = await h.credentials.preAuthCode();
        expect(code).toMatch(/^preauthcode@@@/);
        expect(h.fake.state.preAuthCodes.has(code)).toBe(true);
      });
    });
  });
}
