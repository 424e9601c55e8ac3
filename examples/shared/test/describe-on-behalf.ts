/**
 * The on-behalf routes of every example, over HTTP against the fake WeChat, written once and run by each
 * framework's test: the OAuth redirect and callback (the state signed, expiring and single use), the JS-SDK
 * config, the mini-program login, and their error answers.
 */
import { createHash } from 'node:crypto';
import type http from 'node:http';
import request from 'supertest';
import type { AuthServer } from '@wxopen/core';
import { MemoryStore, OAUTH_AUTHORIZE_URL } from '@wxopen/core';
import { OAUTH_AUTHORIZE_ORDER, WechatSimulator, startFakeWechat } from '@wxopen/testing';
import type { FakeWechat } from '@wxopen/testing';
import { createPlatform } from '@wxopen/example-shared';
import type { BuildServer } from './describe-example';
import type { Framework } from './example-process';

/** An official account and a mini program that authorized the platform. */
const ACCOUNT = 'wx00000000000b0a01';
const MINI_PROGRAM = 'wx00000000000b0a02';
/** An official account whose jsapi_ticket nothing has fetched yet. */
const OTHER_ACCOUNT = 'wx00000000000b0a03';
const CALLBACK = `https://app.example/wechat/oauth/${ACCOUNT}/callback`;
const EXCHANGE = '/sns/oauth2/component/access_token';
const LOGIN = '/sns/component/jscode2session';
const GET_TICKET = '/cgi-bin/ticket/getticket';

export function describeOnBehalf(framework: Framework, buildServer: BuildServer): void {
  describe(`${framework} example on-behalf routes`, () => {
    const secrets = WechatSimulator.generateSecrets();
    let fake: FakeWechat;
    let platform: AuthServer;
    let server: http.Server;

    beforeAll(async () => {
      fake = await startFakeWechat({ componentAppId: secrets.appId, componentAppSecret: secrets.appSecret });
      platform = createPlatform(secrets, {
        store: new MemoryStore({ now: fake.clock.now }),
        apiBase: fake.url,
        now: fake.clock.now,
        log: () => undefined,
        onError: () => undefined,
      });
      await platform.credentials.keepVerifyTicket(fake.pushTicket());
      await platform.credentials.queryAuth(fake.registerAuthorizationCode({ appId: ACCOUNT }));
      await platform.credentials.queryAuth(fake.registerAuthorizationCode({ appId: OTHER_ACCOUNT }));
      fake.addMiniProgram(MINI_PROGRAM);
      server = await buildServer(platform);
    });

    afterAll(async () => {
      await platform.close();
      await fake.close();
    });

    /** Asks the example for the authorize URL and returns it parsed. */
    async function authorizeUrl(scope = 'snsapi_userinfo'): Promise<URL> {
      const res = await request(server).get(`/wechat/oauth/${ACCOUNT}`).query({ redirect_uri: CALLBACK, scope });
      expect(res.status).toBe(302);
      return new URL(res.headers['location'] as string);
    }

    /** A state the example signed, taken from its redirect. */
    async function signedState(): Promise<string> {
      return (await authorizeUrl()).searchParams.get('state') as string;
    }

    test('redirects to WeChat’s authorize page for the account, parameters in the documented order, with a state the platform verifies', async () => {
      const before = fake.requests.length;
      const url = await authorizeUrl();
      expect(`${url.origin}${url.pathname}`).toBe(OAUTH_AUTHORIZE_URL);
      expect(url.hash).toBe('#wechat_redirect');
      expect([...url.searchParams.keys()]).toEqual([...OAUTH_AUTHORIZE_ORDER]);
      expect(Object.fromEntries(url.searchParams)).toMatchObject({
        appid: ACCOUNT,
        redirect_uri: CALLBACK,
        response_type: 'code',
        scope: 'snsapi_userinfo',
        component_appid: secrets.appId,
      });
      const state = url.searchParams.get('state') as string;
      expect(platform.credentials.oauthState.verify(ACCOUNT, state).expiresAt).toBeGreaterThan(fake.clock.now());
      expect(() => platform.credentials.oauthState.verify(MINI_PROGRAM, state)).toThrow(/signature/);
      // Building the link asks WeChat nothing; the fake's authorize page (which checks the order) accepts it.
      expect(fake.requests.length).toBe(before);
      const page = await fetch(`${fake.url}${url.pathname}${url.search}`, { redirect: 'manual' });
      expect(page.status).toBe(302);
      expect(new URL(page.headers.get('location') as string).searchParams.get('state')).toBe(state);
    });

    test('the callback exchanges the code WeChat gave and answers the openid, and no token; the state then cannot be used again', async () => {
      // The user goes through the (fake) authorize page, which sends them back to the callback with code and state.
      const url = await authorizeUrl();
      const page = await fetch(`${fake.url}${url.pathname}${url.search}`, { redirect: 'manual' });
      const back = new URL(page.headers.get('location') as string);
      const code = back.searchParams.get('code') as string;
      const openid = fake.state.wxa.oauthCodes.get(code)?.openid;
      expect(openid).toEqual(expect.any(String));

      const res = await request(server).get(`/wechat/oauth/${ACCOUNT}/callback`).query({ code, state: back.searchParams.get('state') });
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.body).toMatchObject({ appid: ACCOUNT, openid, scope: 'snsapi_userinfo', user: { nickname: 'fake user' } });
      expect(fake.count(EXCHANGE)).toBe(1);
      expect(fake.count('/sns/userinfo')).toBe(1); // the profile, read with the user's token, which stays here
      expect(Object.keys(res.body as object).filter((key) => /token/i.test(key))).toEqual([]);
      expect(res.text).not.toMatch(/OAUTH_ACCESS_|OAUTH_REFRESH_|token/i);

      const replay = await request(server).get(`/wechat/oauth/${ACCOUNT}/callback`).query({ code, state: back.searchParams.get('state') });
      expect(replay.status).toBe(403);
      expect(replay.body).toMatchObject({ code: 'ERR_STATE' });
      expect(fake.count(EXCHANGE)).toBe(1);
    });

    test('with snsapi_base the callback answers the openid alone and asks WeChat for no profile', async () => {
      const url = await authorizeUrl('snsapi_base');
      const page = await fetch(`${fake.url}${url.pathname}${url.search}`, { redirect: 'manual' });
      const back = new URL(page.headers.get('location') as string);
      const profiles = fake.count('/sns/userinfo');
      const res = await request(server).get(`/wechat/oauth/${ACCOUNT}/callback`).query({ code: back.searchParams.get('code'), state: back.searchParams.get('state') });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ appid: ACCOUNT, scope: 'snsapi_base' });
      expect(res.body).not.toHaveProperty('user');
      expect(fake.count('/sns/userinfo')).toBe(profiles);
    });

    test('when the profile cannot be read the sign-in still answers the openid, says why, and logs it', async () => {
      const url = await authorizeUrl();
      const page = await fetch(`${fake.url}${url.pathname}${url.search}`, { redirect: 'manual' });
      const back = new URL(page.headers.get('location') as string);
      fake.failNext('/sns/userinfo', 48001); // the scope was not granted after all
      const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
      try {
        const res = await request(server).get(`/wechat/oauth/${ACCOUNT}/callback`).query({ code: back.searchParams.get('code'), state: back.searchParams.get('state') });
        expect(res.status).toBe(200);
        expect(res.body).toMatchObject({ appid: ACCOUNT, openid: expect.any(String), profileError: { code: 'ERR_WECHAT', errcode: 48001 } });
        expect(res.body).not.toHaveProperty('user');
        expect(res.text).not.toMatch(/OAUTH_ACCESS_|OAUTH_REFRESH_|token/i);
        expect(warn.mock.calls.map((args) => args.join(' ')).join('\n')).toMatch(/profile could not be read: ERR_WECHAT \/sns\/userinfo errcode 48001/);
      } finally {
        warn.mockRestore();
      }
    });

    test('a tampered state, or one signed for another account, is refused with 403 and no code exchange', async () => {
      const before = fake.count(EXCHANGE);
      const state = await signedState();
      const code = fake.issueOAuthCode({ appId: ACCOUNT });
      // Flip one character of the MAC (after "w1", 8 hex of expiry and 12 of nonce).
      const at = 2 + 8 + 12 + 5;
      const tampered = `${state.slice(0, at)}${state[at] === '0' ? '1' : '0'}${state.slice(at + 1)}`;
      for (const forged of [tampered, platform.credentials.oauthState.sign(MINI_PROGRAM), 'w1notastate']) {
        const res = await request(server).get(`/wechat/oauth/${ACCOUNT}/callback`).query({ code, state: forged });
        expect(res.status).toBe(403);
        expect(res.body).toMatchObject({ code: 'ERR_STATE' });
      }
      expect(fake.count(EXCHANGE)).toBe(before);
      // The untouched state still works with the same code: it was the state that was refused.
      const genuine = await request(server).get(`/wechat/oauth/${ACCOUNT}/callback`).query({ code, state });
      expect(genuine.status).toBe(200);
      expect(fake.count(EXCHANGE)).toBe(before + 1);
    });

    test('an expired state is refused with 403 and no code exchange', async () => {
      const before = fake.count(EXCHANGE);
      const state = await signedState();
      expect(() => platform.credentials.oauthState.verify(ACCOUNT, state)).not.toThrow();
      fake.clock.advance(10 * 60_000 + 2_000); // the state lives 10 minutes
      const code = fake.issueOAuthCode({ appId: ACCOUNT });
      const res = await request(server).get(`/wechat/oauth/${ACCOUNT}/callback`).query({ code, state });
      expect(res.status).toBe(403);
      expect(res.body).toMatchObject({ code: 'ERR_STATE' });
      expect(fake.count(EXCHANGE)).toBe(before);
    });

    test('answers the wx.config signature over the jsapi_ticket WeChat issued, fetching the ticket once for two pages', async () => {
      const page = 'https://shop.example/page?item=1&from=menu';
      const first = await request(server).get(`/wechat/jssdk/${ACCOUNT}`).query({ url: `${page}#section` });
      expect(first.status).toBe(200);
      const body = first.body as { appId: string; timestamp: number; nonceStr: string; signature: string };
      expect(Object.keys(body).sort()).toEqual(['appId', 'nonceStr', 'signature', 'timestamp']);
      expect(body.appId).toBe(ACCOUNT);
      const ticket = fake.state.wxa.jsTickets.get(`${ACCOUNT}:jsapi`)?.ticket as string;
      expect(ticket).toEqual(expect.any(String));
      const plain = `jsapi_ticket=${ticket}&noncestr=${body.nonceStr}&timestamp=${body.timestamp}&url=${page}`;
      expect(body.signature).toBe(createHash('sha1').update(plain).digest('hex'));
      expect(first.text).not.toContain(ticket);

      const second = await request(server).get(`/wechat/jssdk/${ACCOUNT}`).query({ url: 'https://shop.example/other' });
      expect(second.status).toBe(200);
      expect(fake.count(GET_TICKET)).toBe(1);
    });

    test('logs a mini-program user in: answers the openid, never the session_key', async () => {
      const { code, openid } = fake.issueJsCode({ appId: MINI_PROGRAM });
      const res = await request(server).get(`/wechat/miniprogram/${MINI_PROGRAM}/login`).query({ code });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ appid: MINI_PROGRAM, openid });
      expect(fake.count(LOGIN)).toBe(1);
      expect(res.text).not.toMatch(/session_key|sessionKey/i);
    });

    test('answers 502 with WeChat’s errcode when WeChat refuses, and no secret in the answer or the log', async () => {
      const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
      try {
        const login = await request(server).get(`/wechat/miniprogram/${MINI_PROGRAM}/login`).query({ code: 'not-a-code-wechat-gave' });
        expect(login.status).toBe(502);
        expect(login.body).toEqual({ code: 'ERR_WECHAT', message: expect.any(String), errcode: 40029 });

        const state = await signedState();
        const oauth = await request(server).get(`/wechat/oauth/${ACCOUNT}/callback`).query({ code: 'not-a-code-either', state });
        expect(oauth.status).toBe(502);
        expect(oauth.body).toMatchObject({ code: 'ERR_WECHAT', errcode: 40029 });

        fake.failNext(GET_TICKET, 40164);
        const jssdk = await request(server).get(`/wechat/jssdk/${OTHER_ACCOUNT}`).query({ url: 'https://shop.example/' });
        expect(jssdk.status).toBe(502);
        expect(jssdk.body).toMatchObject({ code: 'ERR_WECHAT', errcode: 40164 });

        const secretsSeen = [fake.state.componentToken, secrets.appSecret, secrets.encodingAESKey, secrets.token];
        const logged = warn.mock.calls.map((args) => args.join(' ')).join('\n');
        expect(logged).toMatch(/40029/);
        for (const text of [login.text, oauth.text, jssdk.text, logged]) {
          for (const secret of secretsSeen) expect(text).not.toContain(secret);
        }
      } finally {
        warn.mockRestore();
      }
    });

    test.each([
      ['an appid that is not a WeChat appid', `/wechat/oauth/not-an-appid?redirect_uri=${encodeURIComponent(CALLBACK)}&scope=snsapi_base`, 'appid'],
      ['no redirect_uri', `/wechat/oauth/${ACCOUNT}?scope=snsapi_base`, 'redirect_uri'],
      ['a javascript: redirect_uri', `/wechat/oauth/${ACCOUNT}?redirect_uri=javascript%3Aalert(1)&scope=snsapi_base`, 'redirect_uri'],
      ['a relative redirect_uri', `/wechat/oauth/${ACCOUNT}?redirect_uri=%2Fcallback&scope=snsapi_base`, 'redirect_uri'],
      ['a scope other than snsapi_base and snsapi_userinfo', `/wechat/oauth/${ACCOUNT}?redirect_uri=${encodeURIComponent(CALLBACK)}&scope=snsapi_login`, 'scope'],
      ['no scope', `/wechat/oauth/${ACCOUNT}?redirect_uri=${encodeURIComponent(CALLBACK)}`, 'scope'],
      ['a scope given twice', `/wechat/oauth/${ACCOUNT}?redirect_uri=${encodeURIComponent(CALLBACK)}&scope=snsapi_base&scope=snsapi_userinfo`, 'scope'],
      ['a callback without state', `/wechat/oauth/${ACCOUNT}/callback?code=abc`, 'state'],
      ['a callback without code', `/wechat/oauth/${ACCOUNT}/callback?state=w1abc`, 'code'],
      ['a callback for a malformed appid', `/wechat/oauth/wx123/callback?code=abc&state=w1abc`, 'appid'],
      ['a JS-SDK page URL that is not http(s)', `/wechat/jssdk/${ACCOUNT}?url=ftp%3A%2F%2Fshop.example%2F`, 'url'],
      ['no JS-SDK page URL', `/wechat/jssdk/${ACCOUNT}`, 'url'],
      ['a JS-SDK request for a malformed appid', `/wechat/jssdk/wxZZ00000000000b0a01?url=https%3A%2F%2Fshop.example%2F`, 'appid'],
      ['a login without code', `/wechat/miniprogram/${MINI_PROGRAM}/login`, 'code'],
      ['a login code with spaces', `/wechat/miniprogram/${MINI_PROGRAM}/login?code=a%20b`, 'code'],
    ])('answers 400 ERR_PARAM naming the parameter, without calling WeChat, for %s', async (_case, path, param) => {
      const before = fake.requests.length;
      const res = await request(server).get(path);
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.body).toEqual({ code: 'ERR_PARAM', message: expect.stringContaining(param), param });
      expect(fake.requests.length).toBe(before);
    });
  });
}
