import { OAuthOnBehalf, exchangeOAuthCode, getOAuthUserInfo, oauthAuthorizeUrl, refreshOAuthToken } from '../../src/api/oauth';
import { Client } from '../../src/api/client';
import { OAuthStateSigner } from '../../src/credentials/oauth-state';
import { OAUTH_AUTHORIZE_ORDER } from '@wxopen/testing';
import { errcodeOf, onBehalf } from './on-behalf';
import type { OnBehalf } from './on-behalf';

const OA = 'wxofficialacct00001';
let env: OnBehalf;
let oauth: OAuthOnBehalf;

beforeEach(async () => {
  env = await onBehalf();
  await env.officialAccount(OA);
  oauth = new OAuthOnBehalf(env.fake.componentAppId, env.component, env.transport);
});
afterEach(() => env.close());

describe('the authorize URL', () => {
  it('lists appid, redirect_uri, response_type, scope, state, component_appid in that order and ends in #wechat_redirect', () => {
    const url = oauthAuthorizeUrl({
      appId: OA,
      componentAppId: 'wxcomponent',
      redirectUri: 'https://shop.example.com/oauth/back?x=1',
      scope: 'snsapi_userinfo',
      state: 'abc123',
    });
    expect(url).toBe(
      'https://open.weixin.qq.com/connect/oauth2/authorize?appid=wxofficialacct00001' +
        '&redirect_uri=https%3A%2F%2Fshop.example.com%2Foauth%2Fback%3Fx%3D1&response_type=code&scope=snsapi_userinfo' +
        '&state=abc123&component_appid=wxcomponent#wechat_redirect',
    );
    const names = [...new URL(url).searchParams.keys()];
    expect(names).toEqual([...OAUTH_AUTHORIZE_ORDER]);
  });

  it('joins several scopes with a comma and keeps an empty state in its place', () => {
    const url = new URL(oauthAuthorizeUrl({ appId: OA, componentAppId: 'wxc', redirectUri: 'https://a.example/', scope: ['snsapi_base', 'snsapi_userinfo'] }));
    expect(url.searchParams.get('scope')).toBe('snsapi_base,snsapi_userinfo');
    expect([...url.searchParams.keys()]).toEqual([...OAUTH_AUTHORIZE_ORDER]);
  });

  it.each([
    ['a relative redirect URI', { redirectUri: '/back' }, /redirectUri/],
    ['an unknown scope', { scope: 'snsapi_login' }, /scope/],
    ['a state with characters outside A-Z a-z 0-9', { state: 'a-b' }, /state/],
    ['a state over 128 characters', { state: 'a'.repeat(129) }, /state/],
  ])('refuses %s with a TypeError naming the option', (_what, override, message) => {
    expect(() => oauthAuthorizeUrl({ appId: OA, componentAppId: 'wxc', redirectUri: 'https://a.example/', scope: 'snsapi_base', ...override } as never)).toThrow(message);
  });

  it('is accepted by the fake authorize page, which redirects back with a code, the state and the appid', async () => {
    const signer = new OAuthStateSigner({ secret: env.fake.componentAppSecret });
    const state = signer.sign(OA, 'cart42');
    const url = oauth.authorizeUrl({ appId: OA, redirectUri: 'https://shop.example.com/back', scope: 'snsapi_userinfo', state, authorizeUrl: `${env.fake.url}/connect/oauth2/authorize` });
    const response = await fetch(url, { redirect: 'manual' });
    expect(response.status).toBe(302);
    const back = new URL(response.headers.get('location') ?? '');
    expect(back.origin + back.pathname).toBe('https://shop.example.com/back');
    expect(back.searchParams.get('appid')).toBe(OA);
    expect(signer.verify(OA, back.searchParams.get('state')).data).toBe('cart42');
    const tokens = await oauth.exchangeCode(OA, back.searchParams.get('code') ?? '');
    expect(tokens.scope).toBe('snsapi_userinfo');
  });

  it('is refused by the fake authorize page when the parameters are out of order', async () => {
    const url = `${env.fake.url}/connect/oauth2/authorize?redirect_uri=https%3A%2F%2Fa.example%2F&appid=${OA}&response_type=code&scope=snsapi_base&state=&component_appid=${env.fake.componentAppId}`;
    const response = await fetch(url, { redirect: 'manual' });
    expect(response.status).toBe(400);
  });

  it('redirects without a code when the user refuses', async () => {
    env.fake.setOAuthUser({ consent: false });
    const url = oauth.authorizeUrl({ appId: OA, redirectUri: 'https://a.example/back', scope: 'snsapi_userinfo', state: 's1', authorizeUrl: `${env.fake.url}/connect/oauth2/authorize` });
    const back = new URL((await fetch(url, { redirect: 'manual' })).headers.get('location') ?? '');
    expect(back.searchParams.has('code')).toBe(false);
    expect(back.searchParams.get('state')).toBe('s1');
  });
});

describe('code exchange, refresh and userinfo', () => {
  it('exchanges a code for the user tokens with the component token in component_access_token', async () => {
    const code = env.fake.issueOAuthCode({ appId: OA, user: { user: 'alice', nickname: 'Alice', unionid: 'union-alice' } });
    const tokens = await exchangeOAuthCode(env.component, env.fake.componentAppId, OA, code);
    expect(tokens).toMatchObject({ expires_in: 7200, scope: 'snsapi_userinfo', unionid: 'union-alice' });
    expect(env.fake.oauthGrant(tokens.access_token)?.openid).toBe(tokens.openid);
    const sent = env.fake.requests.find((r) => r.path === '/sns/oauth2/component/access_token');
    expect(sent?.query).toMatchObject({ appid: OA, code, grant_type: 'authorization_code', component_appid: env.fake.componentAppId });
    expect(sent?.query['component_access_token']).toBe(env.fake.state.componentToken);
  });

  it('answers 40029 for an unknown code, 40163 for a code used twice, 42003 for an expired one', async () => {
    expect(await errcodeOf(oauth.exchangeCode(OA, 'nope'))).toBe(40029);
    const code = env.fake.issueOAuthCode({ appId: OA });
    await oauth.exchangeCode(OA, code);
    expect(await errcodeOf(oauth.exchangeCode(OA, code))).toBe(40163);
    const late = env.fake.issueOAuthCode({ appId: OA });
    env.fake.clock.advance(5 * 60_000 + 1);
    expect(await errcodeOf(oauth.exchangeCode(OA, late))).toBe(42003);
  });

  it('refreshes the user tokens (40030 for an unknown or spent refresh token, 42002 after 30 days)', async () => {
    const first = await oauth.exchangeCode(OA, env.fake.issueOAuthCode({ appId: OA }));
    const second = await refreshOAuthToken(env.component, env.fake.componentAppId, OA, first.refresh_token);
    expect(second.openid).toBe(first.openid);
    expect(second.access_token).not.toBe(first.access_token);
    expect(await errcodeOf(oauth.refresh(OA, first.refresh_token))).toBe(40030);
    env.fake.clock.advance(31 * 24 * 3600_000);
    expect(await errcodeOf(oauth.refresh(OA, second.refresh_token))).toBe(42002);
  });

  it('reads the profile with the user token (48001 with snsapi_base, 40003 for another openid)', async () => {
    const tokens = await oauth.exchangeCode(OA, env.fake.issueOAuthCode({ appId: OA, user: { nickname: 'Bob' } }));
    const { userInfo, token } = await oauth.userInfo(OA, tokens);
    expect(userInfo).toMatchObject({ openid: tokens.openid, nickname: 'Bob' });
    expect(token).toBe(tokens);
    const userClient = new Client(env.transport, { param: 'access_token', token: async () => tokens.access_token, refreshToken: async () => tokens.access_token });
    expect(await errcodeOf(getOAuthUserInfo(userClient, 'o_someone_else'))).toBe(40003);
    const base = await oauth.exchangeCode(OA, env.fake.issueOAuthCode({ appId: OA, scope: 'snsapi_base' }));
    expect(await errcodeOf(oauth.userInfo(OA, base))).toBe(48001);
  });

  it('refreshes an expired user token once with the refresh token, retries, and hands back the new tokens', async () => {
    const tokens = await oauth.exchangeCode(OA, env.fake.issueOAuthCode({ appId: OA }));
    env.fake.clock.advance(7200_000 + 1);
    const { userInfo, token } = await oauth.userInfo(OA, tokens);
    expect(userInfo.openid).toBe(tokens.openid);
    expect(token.access_token).not.toBe(tokens.access_token);
    expect(env.fake.count('/sns/oauth2/component/refresh_token')).toBe(1);
    expect(env.fake.count('userinfo')).toBe(2);
  });
});
