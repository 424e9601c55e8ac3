/**
 * Web OAuth on behalf of an authorized official account (代公众号发起网页授权): the authorization URL, the code
 * exchange and refresh with the **component** `Client`, and `sns/userinfo` with the user's own token.
 * https://developers.weixin.qq.com/doc/oplatform/Third-party_Platforms/2.0/api/Before_Develop/Official_Accounts/official_account_website_authorization.html
 */
import { optionError } from '../errors';
import { Client } from './client';
import type { TokenSource } from './client';
import type { ApiTransport } from './transport';

export const OAUTH_API = Object.freeze({
  accessToken: '/sns/oauth2/component/access_token',
  refreshToken: '/sns/oauth2/component/refresh_token',
  userInfo: '/sns/userinfo',
});

/** Where the user is sent to authorize (opened inside WeChat). */
export const OAUTH_AUTHORIZE_URL = 'https://open.weixin.qq.com/connect/oauth2/authorize';

/** `snsapi_base`: silent, openid only. `snsapi_userinfo`: asks the user, gives `sns/userinfo` access. */
export type OAuthScope = 'snsapi_base' | 'snsapi_userinfo';

export interface OAuthAuthorizeUrlOptions {
  /** The authorized official account the user signs in to. */
  readonly appId: string;
  /** The component (third-party platform) appid. */
  readonly componentAppId: string;
  /** Where WeChat sends the user back with `code`, `state` and `appid`. Its domain must be the platform's 网页授权域名. */
  readonly redirectUri: string;
  readonly scope: OAuthScope | readonly OAuthScope[];
  /** Echoed back on the redirect: `A-Z a-z 0-9` only, at most 128 bytes (an `OAuthStateSigner` makes one). */
  readonly state?: string;
  /** Base of the authorize URL (default `OAUTH_AUTHORIZE_URL`); tests point it at the fake WeChat. */
  readonly authorizeUrl?: string;
}

/** The user's OAuth tokens. `refresh_token` lives 30 days; `access_token` 2 hours. */
export interface OAuthAccessToken {
  readonly access_token: string;
  readonly expires_in: number;
  readonly refresh_token: string;
  readonly openid: string;
  /** Granted scopes, comma-separated. */
  readonly scope: string;
  readonly unionid?: string;
  /** 1 when the page is a snapshot shown before the user allowed anything (快照页模式). */
  readonly is_snapshotuser?: number;
}

/** `sns/userinfo`. */
export interface OAuthUserInfo {
  readonly openid: string;
  readonly nickname: string;
  /** 0 unknown, 1 male, 2 female (WeChat now answers 0). */
  readonly sex: number;
  readonly province: string;
  readonly city: string;
  readonly country: string;
  readonly headimgurl: string;
  readonly privilege: readonly string[];
  readonly unionid?: string;
}

const SCOPES: ReadonlySet<string> = new Set(['snsapi_base', 'snsapi_userinfo']);
const STATE_PATTERN = /^[A-Za-z0-9]{0,128}$/;

/**
 * The authorization URL, parameters in the documented order (`appid`, `redirect_uri`, `response_type`, `scope`,
 * `state`, `component_appid`) — WeChat refuses the link otherwise — and ending in `#wechat_redirect`.
 */
export function oauthAuthorizeUrl(options: OAuthAuthorizeUrlOptions): string {
  const { appId, componentAppId, redirectUri, state = '' } = options;
  if (typeof appId !== 'string' || appId === '') throw optionError('appId', 'must be the authorizer appid');
  if (typeof componentAppId !== 'string' || componentAppId === '') throw optionError('componentAppId', 'must be the component appid');
  if (typeof redirectUri !== 'string' || !/^https?:\/\//i.test(redirectUri)) {
    throw optionError('redirectUri', 'must be an absolute http(s) URL on the platform’s 网页授权域名');
  }
  const scopes: readonly string[] = typeof options.scope === 'string' ? [options.scope] : options.scope;
  if (!Array.isArray(scopes) || scopes.length === 0 || !scopes.every((scope) => SCOPES.has(scope))) {
    throw optionError('scope', 'must be snsapi_base, snsapi_userinfo or a list of them');
  }
  if (typeof state !== 'string' || !STATE_PATTERN.test(state)) {
    throw optionError('state', 'must be at most 128 characters from A-Z, a-z and 0-9');
  }
  const base = options.authorizeUrl ?? OAUTH_AUTHORIZE_URL;
  const query = [
    ['appid', appId],
    ['redirect_uri', redirectUri],
    ['response_type', 'code'],
    ['scope', scopes.join(',')],
    ['state', state],
    ['component_appid', componentAppId],
  ]
    .map(([name, value]) => `${name}=${encodeURIComponent(value ?? '')}`)
    .join('&');
  return `${base}?${query}#wechat_redirect`;
}

/**
 * `sns/oauth2/component/access_token` (component client): exchanges the redirect's `code` (single use, 5 min).
 * 40029 invalid code, 40163 already used, 42003 expired.
 */
export function exchangeOAuthCode(client: Client, componentAppId: string, appId: string, code: string): Promise<OAuthAccessToken> {
  return client.getJSON(OAUTH_API.accessToken, {
    appid: appId,
    code,
    grant_type: 'authorization_code',
    component_appid: componentAppId,
  });
}

/** `sns/oauth2/component/refresh_token` (component client). 40030 invalid, 42002 expired refresh token. */
export function refreshOAuthToken(client: Client, componentAppId: string, appId: string, refreshToken: string): Promise<OAuthAccessToken> {
  return client.getJSON(OAUTH_API.refreshToken, {
    appid: appId,
    grant_type: 'refresh_token',
    component_appid: componentAppId,
    refresh_token: refreshToken,
  });
}

/**
 * `sns/userinfo` with a `Client` whose token source holds the user's OAuth access token (see `OAuthOnBehalf`).
 * Needs the `snsapi_userinfo` scope (48001 otherwise); 40003 when `openid` is not the token's user.
 */
export function getOAuthUserInfo(userClient: Client, openid: string, lang: 'zh_CN' | 'zh_TW' | 'en' = 'zh_CN'): Promise<OAuthUserInfo> {
  return userClient.getJSON(OAUTH_API.userInfo, { openid, lang });
}

/**
 * The OAuth flow of one component, bound to its client: build the URL, exchange the code, refresh, and read the
 * user's profile, refreshing the user's token once when WeChat refuses it (40001 / 40014 / 42001).
 */
export class OAuthOnBehalf {
  readonly #componentAppId: string;
  readonly #client: Client;
  readonly #transport: ApiTransport;

  /**
   * @param componentAppId the component appid
   * @param client the component `Client` (`?component_access_token=`)
   * @param transport the transport for `sns/userinfo`, which carries the user's token instead
   */
  constructor(componentAppId: string, client: Client, transport: ApiTransport) {
    if (typeof componentAppId !== 'string' || componentAppId === '') throw optionError('componentAppId', 'must be the component appid');
    this.#componentAppId = componentAppId;
    this.#client = client;
    this.#transport = transport;
  }

  /** As `oauthAuthorizeUrl`, for this component. */
  authorizeUrl(options: Omit<OAuthAuthorizeUrlOptions, 'componentAppId'>): string {
    return oauthAuthorizeUrl({ ...options, componentAppId: this.#componentAppId });
  }

  exchangeCode(appId: string, code: string): Promise<OAuthAccessToken> {
    return exchangeOAuthCode(this.#client, this.#componentAppId, appId, code);
  }

  refresh(appId: string, refreshToken: string): Promise<OAuthAccessToken> {
    return refreshOAuthToken(this.#client, this.#componentAppId, appId, refreshToken);
  }

  /**
   * `sns/userinfo`. When the access token is refused it is refreshed once with the refresh token and the call
   * retried; `token` in the result is then the new one, to store in place of the old.
   */
  async userInfo(
    appId: string,
    token: Pick<OAuthAccessToken, 'access_token' | 'refresh_token' | 'openid'>,
    lang?: 'zh_CN' | 'zh_TW' | 'en',
  ): Promise<{ readonly userInfo: OAuthUserInfo; readonly token: Pick<OAuthAccessToken, 'access_token' | 'refresh_token' | 'openid'> }> {
    let current = token;
    const source: TokenSource = {
      param: 'access_token',
      token: async () => current.access_token,
      refreshToken: async () => {
        current = await this.refresh(appId, current.refresh_token);
        return current.access_token;
      },
    };
    const userInfo = await getOAuthUserInfo(new Client(this.#transport, source), token.openid, lang);
    return { userInfo, token: current };
  }
}
