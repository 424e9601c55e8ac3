/**
 * OAuth on behalf of official accounts, mini-program login and JS-SDK tickets: the authorize page (which checks
 * the documented parameter order), the code exchange and refresh, `sns/userinfo`, `jscode2session`, `getticket`.
 */
import { randomBytes } from 'node:crypto';
import { FakeWechatError } from './state';
import type { FakeState } from './state';
import { FakePage, FakeRedirect, OK } from './route-kit';
import type { RouteContext, RouteEntry } from './route-kit';
import { fakeOpenId, randomId } from './wxa-state';
import type { FakeOAuthGrant, FakeOAuthUser } from './wxa-state';

/** The parameters of the authorize link, in the order WeChat requires. */
export const OAUTH_AUTHORIZE_ORDER = ['appid', 'redirect_uri', 'response_type', 'scope', 'state', 'component_appid'] as const;

const SCOPES = new Set(['snsapi_base', 'snsapi_userinfo']);
const OAUTH_CODE_MS = 5 * 60_000;
const REFRESH_TOKEN_MS = 30 * 24 * 3600_000;

/** Issues a single-use OAuth code for `appId` (what the authorize page does when the user agrees). */
export function issueOAuthCode(state: FakeState, appId: string, scope: string, user: FakeOAuthUser): string {
  const code = randomId('oauthcode');
  state.wxa.oauthCodes.set(code, {
    appId,
    openid: fakeOpenId(appId, user.user),
    scope,
    unionid: user.unionid,
    nickname: user.nickname,
    expiresAt: state.now() + OAUTH_CODE_MS,
    used: false,
  });
  return code;
}

function issueUserTokens(state: FakeState, grant: Omit<FakeOAuthGrant, 'expiresAt'>) {
  const accessToken = randomId('OAUTH_ACCESS_');
  const refreshToken = randomId('OAUTH_REFRESH_');
  state.wxa.oauthTokens.set(accessToken, { ...grant, expiresAt: state.now() + 7200_000 });
  state.wxa.oauthRefreshTokens.set(refreshToken, { ...grant, expiresAt: state.now() + REFRESH_TOKEN_MS });
  return {
    access_token: accessToken,
    expires_in: 7200,
    refresh_token: refreshToken,
    openid: grant.openid,
    scope: grant.scope,
    ...(grant.unionid === undefined ? {} : { unionid: grant.unionid }),
  };
}

/** 41001 / 40001 / 42001 for a user's OAuth access token, as for the other tokens. */
export function checkOAuthToken(state: FakeState, token: string | undefined): FakeOAuthGrant {
  if (token === undefined || token === '') throw new FakeWechatError(41001);
  const grant = state.wxa.oauthTokens.get(token);
  if (!grant) throw new FakeWechatError(40001);
  if (grant.expiresAt <= state.now()) throw new FakeWechatError(42001);
  return grant;
}

function componentQuery(state: FakeState, query: URLSearchParams, grantType: string): string {
  if (query.get('component_appid') !== state.componentAppId) throw new FakeWechatError(40013);
  if (query.get('grant_type') !== grantType) throw new FakeWechatError(40002, 'invalid grant_type');
  const appId = query.get('appid') ?? '';
  if (!state.authorizers.has(appId)) throw new FakeWechatError(61003);
  return appId;
}

function authorizePage(state: FakeState, { query, search }: RouteContext) {
  const names = search.replace(/^\?/, '').split('&').map((pair) => decodeURIComponent(pair.split('=', 1)[0] ?? ''));
  if (names.join(',') !== OAUTH_AUTHORIZE_ORDER.join(',')) return new FakePage(400, `该链接无法访问: parameters ${names.join(',')}`);
  const appId = query.get('appid') ?? '';
  const redirect = query.get('redirect_uri') ?? '';
  const scopes = (query.get('scope') ?? '').split(',');
  if (query.get('component_appid') !== state.componentAppId || !state.authorizers.has(appId)) return new FakePage(400, '该链接无法访问: appid');
  if (query.get('response_type') !== 'code' || !scopes.every((scope) => SCOPES.has(scope))) return new FakePage(400, '该链接无法访问: scope');
  if (!/^https?:\/\//.test(redirect)) return new FakePage(400, '该链接无法访问: redirect_uri');
  const user = state.oauthUser;
  const target = new URL(redirect);
  if (user.consent) target.searchParams.set('code', issueOAuthCode(state, appId, scopes.join(','), user));
  target.searchParams.set('state', query.get('state') ?? '');
  target.searchParams.set('appid', appId);
  return new FakeRedirect(target.href);
}

export const OAUTH_ROUTES: readonly RouteEntry[] = [
  ['/connect/oauth2/authorize', { method: 'GET', auth: 'none', handle: authorizePage }],
  [
    '/sns/oauth2/component/access_token',
    {
      method: 'GET',
      auth: 'component',
      tokenParam: 'component_access_token',
      handle: (state, { query }) => {
        const appId = componentQuery(state, query, 'authorization_code');
        const pending = state.wxa.oauthCodes.get(query.get('code') ?? '');
        if (!pending || pending.appId !== appId) throw new FakeWechatError(40029);
        if (pending.used) throw new FakeWechatError(40163);
        pending.used = true;
        if (pending.expiresAt <= state.now()) throw new FakeWechatError(42003);
        const { openid, scope, unionid, nickname } = pending;
        return issueUserTokens(state, { appId, openid, scope, unionid, nickname });
      },
    },
  ],
  [
    '/sns/oauth2/component/refresh_token',
    {
      method: 'GET',
      auth: 'component',
      tokenParam: 'component_access_token',
      handle: (state, { query }) => {
        const appId = componentQuery(state, query, 'refresh_token');
        const token = query.get('refresh_token') ?? '';
        const grant = state.wxa.oauthRefreshTokens.get(token);
        if (!grant || grant.appId !== appId) throw new FakeWechatError(40030);
        if (grant.expiresAt <= state.now()) throw new FakeWechatError(42002);
        state.wxa.oauthRefreshTokens.delete(token);
        const { openid, scope, unionid, nickname } = grant;
        return issueUserTokens(state, { appId, openid, scope, unionid, nickname });
      },
    },
  ],
  [
    '/sns/userinfo',
    {
      method: 'GET',
      auth: 'oauth',
      tokenParam: 'access_token',
      handle: (_state, { query, grant }) => {
        if (!grant) throw new FakeWechatError(41001);
        if (query.get('openid') !== grant.openid) throw new FakeWechatError(40003);
        if (!grant.scope.split(',').includes('snsapi_userinfo')) throw new FakeWechatError(48001);
        return {
          openid: grant.openid,
          nickname: grant.nickname,
          sex: 0,
          province: '',
          city: '',
          country: '',
          headimgurl: `https://thirdwx.qlogo.cn/mmopen/${grant.openid}/132`,
          privilege: [],
          ...(grant.unionid === undefined ? {} : { unionid: grant.unionid }),
        };
      },
    },
  ],
  [
    '/sns/component/jscode2session',
    {
      method: 'GET',
      auth: 'component',
      tokenParam: 'component_access_token',
      handle: (state, { query }) => {
        const appId = componentQuery(state, query, 'authorization_code');
        const pending = state.wxa.jsCodes.get(query.get('js_code') ?? '');
        if (!pending || pending.appId !== appId || pending.expiresAt <= state.now()) throw new FakeWechatError(40029);
        if (pending.used) throw new FakeWechatError(40163);
        pending.used = true;
        return {
          openid: pending.openid,
          session_key: randomBytes(16).toString('base64'),
          ...(pending.unionid === undefined ? {} : { unionid: pending.unionid }),
        };
      },
    },
  ],
  [
    '/cgi-bin/ticket/getticket',
    {
      method: 'GET',
      auth: 'authorizer',
      handle: (state, { query, authorizerAppId }) => {
        const type = query.get('type');
        if (type !== 'jsapi' && type !== 'wx_card') throw new FakeWechatError(40097, 'invalid args: type');
        const ticket = randomId(type === 'jsapi' ? 'JSAPI_TICKET_' : 'CARD_TICKET_');
        const expiresIn = state.wxa.ticketExpiresIn;
        state.wxa.jsTickets.set(`${authorizerAppId}:${type}`, { ticket, expiresAt: state.now() + expiresIn * 1000 });
        return { ...OK, ticket, expires_in: expiresIn };
      },
    },
  ],
];
