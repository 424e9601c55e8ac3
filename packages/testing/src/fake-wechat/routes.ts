/** The endpoints of the fake WeChat server, each a function of the request and the state. */
import { FakeWechatError, randomId } from './state';
import type { FakeAuthorizer, FakeState } from './state';
import { OK, str } from './route-kit';
import type { Body, Route } from './route-kit';
import { ACCOUNT_ROUTES } from './routes-account';
import { CODE_ROUTES } from './routes-code';
import { MEDIA_ROUTES } from './routes-media';
import { OAUTH_ROUTES } from './routes-oauth';

export type { Body, Route, RouteContext } from './route-kit';

const OPTION_NAMES = new Set(['location_report', 'voice_recognize', 'customer_service']);

function checkComponentAppId(state: FakeState, body: Body): void {
  if (body['component_appid'] !== state.componentAppId) throw new FakeWechatError(40013);
}

function authorizerOf(state: FakeState, body: Body): FakeAuthorizer {
  checkComponentAppId(state, body);
  const authorizer = state.authorizers.get(str(body, 'authorizer_appid'));
  if (!authorizer) throw new FakeWechatError(61003);
  return authorizer;
}

function option(authorizer: FakeAuthorizer, name: unknown): string {
  if (typeof name !== 'string' || !OPTION_NAMES.has(name)) throw new FakeWechatError(40097, 'invalid option_name');
  return name;
}

const authorizationInfo = (authorizer: FakeAuthorizer): Body => ({
  authorizer_appid: authorizer.appId,
  authorizer_refresh_token: authorizer.refreshToken,
  func_info: authorizer.funcInfo,
});

export const ROUTES: ReadonlyMap<string, Route> = new Map<string, Route>([
  [
    '/cgi-bin/component/api_start_push_ticket',
    {
      method: 'POST',
      auth: 'none',
      handle: (state, { body }) => {
        checkComponentAppId(state, body);
        if (body['component_secret'] !== state.componentAppSecret) throw new FakeWechatError(40125);
        return OK;
      },
    },
  ],
  [
    '/cgi-bin/component/api_component_token',
    {
      method: 'POST',
      auth: 'none',
      handle: (state, { body }) => {
        checkComponentAppId(state, body);
        if (body['component_appsecret'] !== state.componentAppSecret) throw new FakeWechatError(40125);
        const ticket = body['component_verify_ticket'];
        if (typeof ticket === 'string' && state.expiredTickets.has(ticket)) throw new FakeWechatError(61005);
        if (typeof ticket !== 'string' || !state.validTickets.has(ticket)) throw new FakeWechatError(61006);
        return { component_access_token: state.issueComponentToken(), expires_in: state.expiresIn };
      },
    },
  ],
  [
    '/cgi-bin/component/api_create_preauthcode',
    {
      method: 'POST',
      auth: 'component',
      handle: (state, { body }) => {
        checkComponentAppId(state, body);
        const code = randomId('preauthcode@@@');
        state.preAuthCodes.set(code, state.now() + state.preAuthCodeExpiresIn * 1000);
        return { pre_auth_code: code, expires_in: state.preAuthCodeExpiresIn };
      },
    },
  ],
  [
    '/cgi-bin/component/api_query_auth',
    {
      method: 'POST',
      auth: 'component',
      handle: (state, { body }) => {
        checkComponentAppId(state, body);
        const code = str(body, 'authorization_code');
        const pending = state.authorizationCodes.get(code);
        if (!pending) throw new FakeWechatError(61009);
        state.authorizationCodes.delete(code);
        if (pending.expiresAt <= state.now()) throw new FakeWechatError(61010);
        const authorizer = state.authorize(pending.appId, { info: pending.info, funcInfo: pending.funcInfo });
        const accessToken = state.issueAuthorizerToken(authorizer);
        if (pending.omitTokens) return { authorization_info: { authorizer_appid: authorizer.appId, func_info: authorizer.funcInfo } };
        return {
          authorization_info: {
            authorizer_appid: authorizer.appId,
            authorizer_access_token: accessToken,
            expires_in: state.expiresIn,
            authorizer_refresh_token: authorizer.refreshToken,
            func_info: authorizer.funcInfo,
          },
        };
      },
    },
  ],
  [
    '/cgi-bin/component/api_authorizer_token',
    {
      method: 'POST',
      auth: 'component',
      handle: (state, { body }) => {
        checkComponentAppId(state, body);
        const authorizer = state.authorizers.get(str(body, 'authorizer_appid'));
        if (!authorizer || body['authorizer_refresh_token'] !== authorizer.refreshToken) throw new FakeWechatError(61023);
        if (state.rotateRefreshTokens) authorizer.refreshToken = randomId('refreshtoken@@@');
        return {
          authorizer_access_token: state.issueAuthorizerToken(authorizer),
          expires_in: state.expiresIn,
          authorizer_refresh_token: authorizer.refreshToken,
        };
      },
    },
  ],
  [
    '/cgi-bin/component/api_get_authorizer_info',
    {
      method: 'POST',
      auth: 'component',
      handle: (state, { body }) => {
        const authorizer = authorizerOf(state, body);
        return { authorizer_info: authorizer.info, authorization_info: authorizationInfo(authorizer) };
      },
    },
  ],
  [
    '/cgi-bin/component/api_get_authorizer_list',
    {
      method: 'POST',
      auth: 'component',
      handle: (state, { body }) => {
        checkComponentAppId(state, body);
        const offset = Number(body['offset'] ?? 0);
        const count = Number(body['count'] ?? 500);
        if (!Number.isInteger(offset) || offset < 0 || !Number.isInteger(count) || count < 1 || count > 500) {
          throw new FakeWechatError(40097);
        }
        const all = [...state.authorizers.values()];
        return {
          total_count: all.length,
          list: all.slice(offset, offset + count).map((a) => ({
            authorizer_appid: a.appId,
            refresh_token: a.refreshToken,
            auth_time: a.authTime,
          })),
        };
      },
    },
  ],
  [
    '/cgi-bin/component/api_get_authorizer_option',
    {
      method: 'POST',
      auth: 'component',
      handle: (state, { body }) => {
        const authorizer = authorizerOf(state, body);
        const name = option(authorizer, body['option_name']);
        return { authorizer_appid: authorizer.appId, option_name: name, option_value: authorizer.options[name] };
      },
    },
  ],
  [
    '/cgi-bin/component/api_set_authorizer_option',
    {
      method: 'POST',
      auth: 'component',
      handle: (state, { body }) => {
        const authorizer = authorizerOf(state, body);
        authorizer.options[option(authorizer, body['option_name'])] = str(body, 'option_value');
        return OK;
      },
    },
  ],
  [
    '/cgi-bin/component/get_authorizer_option',
    {
      method: 'POST',
      auth: 'authorizer',
      handle: (state, { body, authorizerAppId }) => {
        const authorizer = state.authorizers.get(authorizerAppId ?? '');
        if (!authorizer) throw new FakeWechatError(61003);
        const name = option(authorizer, body['option_name']);
        return { ...OK, option_name: name, option_value: authorizer.options[name] };
      },
    },
  ],
  [
    '/cgi-bin/component/set_authorizer_option',
    {
      method: 'POST',
      auth: 'authorizer',
      handle: (state, { body, authorizerAppId }) => {
        const authorizer = state.authorizers.get(authorizerAppId ?? '');
        if (!authorizer) throw new FakeWechatError(61003);
        authorizer.options[option(authorizer, body['option_name'])] = str(body, 'option_value');
        return OK;
      },
    },
  ],
  [
    '/cgi-bin/component/clear_quota',
    {
      method: 'POST',
      auth: 'component',
      handle: (state, { body, clearQuota }) => {
        checkComponentAppId(state, body);
        clearQuota();
        return OK;
      },
    },
  ],
  [
    '/cgi-bin/message/custom/send',
    {
      method: 'POST',
      auth: 'authorizer',
      handle: (state, { body, authorizerAppId }) => {
        str(body, 'touser');
        str(body, 'msgtype');
        state.sentMessages.push({ authorizerAppId: authorizerAppId ?? '', message: body, at: state.now() });
        return OK;
      },
    },
  ],
  [
    '/cgi-bin/get_api_domain_ip',
    {
      method: 'GET',
      auth: 'authorizer',
      handle: () => ({ ip_list: ['127.0.0.1'] }),
    },
  ],
  ...OAUTH_ROUTES,
  ...CODE_ROUTES,
  ...ACCOUNT_ROUTES,
  ...MEDIA_ROUTES,
]);
