/**
 * The on-behalf routes every example serves, framework-free: each handler takes the route's `params` and `query`
 * and returns the response to write as it is. Each example's app only mounts them:
 *
 * - `GET /wechat/oauth/:appid?redirect_uri=…&scope=…` → 302 to WeChat's authorize page for that official
 *   account, with a signed, expiring, single-use `state`;
 * - `GET /wechat/oauth/:appid/callback?code=…&state=…` → `{ appid, openid, scope, unionid?, user? }` (`user`: the
 *   profile from `sns/userinfo`, with `snsapi_userinfo`; `profileError` instead when it could not be read), after the state
 *   checks (no call to WeChat otherwise) and the code exchange — the user's tokens stay on the server;
 * - `GET /wechat/jssdk/:appid?url=…` → `{ appId, timestamp, nonceStr, signature }` for `wx.config`, the
 *   jsapi_ticket cached per authorizer;
 * - `GET /wechat/miniprogram/:appid/login?code=…` → `{ appid, openid, unionid? }` — never the `session_key`.
 *
 * Errors are JSON `{ code, message }`: 400 `ERR_PARAM` (with `param`) for a missing or malformed parameter, 403
 * `ERR_STATE` for a state that is forged, tampered with, expired or already used, 404 `ERR_NOT_AUTHORIZED` for an
 * appid that has not authorized the platform, 502 `ERR_WECHAT` (with WeChat's `errcode`) when WeChat refuses,
 * 502 `ERR_UPSTREAM` when it cannot be reached, 503 `ERR_UNAVAILABLE` when the credential chain cannot work yet.
 */
import type { AuthServer, ComponentCredentials, OAuthScope } from '@wxopen/core';
import { WechatApiError, isWxOpenError, jscode2session } from '@wxopen/core';
import type { ProbeResponse } from './observe/probes';

/** What a framework passes in: the route's parameters and the query string as it parsed it. */
export interface RouteRequest {
  /** Values other than a string (a wildcard's list) are refused. */
  readonly params: Readonly<Record<string, unknown>>;
  /** Values other than a single string (repeated or nested parameters) are refused. */
  readonly query: Readonly<Record<string, unknown>>;
}

/** A response for a framework to write as it is (status, headers, body). */
export type RouteResponse = ProbeResponse;

export type RouteHandler = (request: RouteRequest) => Promise<RouteResponse>;

/** The four handlers, to mount at the paths their names say. */
export interface OnBehalfRoutes {
  /** `GET /wechat/oauth/:appid` */
  readonly oauthRedirect: RouteHandler;
  /** `GET /wechat/oauth/:appid/callback` */
  readonly oauthCallback: RouteHandler;
  /** `GET /wechat/jssdk/:appid` */
  readonly jssdkConfig: RouteHandler;
  /** `GET /wechat/miniprogram/:appid/login` */
  readonly miniProgramLogin: RouteHandler;
}

/** The paths the handlers are meant for, in the syntax of Express, Koa, Fastify and NestJS alike. */
export const ON_BEHALF_PATHS = Object.freeze({
  oauthRedirect: '/wechat/oauth/:appid',
  oauthCallback: '/wechat/oauth/:appid/callback',
  jssdkConfig: '/wechat/jssdk/:appid',
  miniProgramLogin: '/wechat/miniprogram/:appid/login',
} satisfies Record<keyof OnBehalfRoutes, string>);

/** Each handler of `routes` beside its path, for an app to mount with one loop. */
export function onBehalfRouteTable(routes: OnBehalfRoutes): readonly (readonly [path: string, handler: RouteHandler])[] {
  return (Object.keys(ON_BEHALF_PATHS) as (keyof OnBehalfRoutes)[]).map((name) => [ON_BEHALF_PATHS[name], routes[name]] as const);
}

export interface OnBehalfOptions {
  /**
   * Told each failure answered 5xx or 404, in one line without any secret (the code, WeChat's errcode, the API
   * path). Default `console.warn`.
   */
  readonly log?: (line: string) => void;
}

/** The codes of the routes' error answers. */
export type OnBehalfErrorCode = 'ERR_PARAM' | 'ERR_STATE' | 'ERR_NOT_AUTHORIZED' | 'ERR_WECHAT' | 'ERR_UPSTREAM' | 'ERR_UNAVAILABLE' | 'ERR_INTERNAL';

const STATUS: Readonly<Record<OnBehalfErrorCode, number>> = Object.freeze({
  ERR_PARAM: 400,
  ERR_STATE: 403,
  ERR_NOT_AUTHORIZED: 404,
  ERR_WECHAT: 502,
  ERR_UPSTREAM: 502,
  ERR_UNAVAILABLE: 503,
  ERR_INTERNAL: 500,
});

const HEADERS = Object.freeze({ 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });

/** A WeChat appid, as the callback routes accept it. */
const APPID = /^wx[0-9a-f]{16}$/i;
/** Codes from WeChat (OAuth `code`, `wx.login()` `js_code`): printable, no spaces, bounded. */
const CODE = /^[\x21-\x7e]{1,256}$/;
const MAX_URL = 2048;
const SCOPES: ReadonlySet<string> = new Set<OAuthScope>(['snsapi_base', 'snsapi_userinfo']);

/** An answer decided before or after calling WeChat; thrown inside a handler, written by `answer`. */
class RouteError extends Error {
  constructor(
    readonly code: OnBehalfErrorCode,
    message: string,
    readonly extra: Readonly<Record<string, string | number>> = {},
  ) {
    super(message);
  }
}

function json(status: number, body: unknown): RouteResponse {
  return { status, headers: HEADERS, body: JSON.stringify(body) };
}

function paramError(param: string, message: string): RouteError {
  return new RouteError('ERR_PARAM', message, { param });
}

function appIdOf(request: RouteRequest): string {
  const appid = request.params['appid'];
  if (typeof appid !== 'string' || !APPID.test(appid)) throw paramError('appid', 'appid must be a WeChat appid: wx and 16 hexadecimal digits');
  return appid;
}

/** The single string value of a query parameter, or `undefined` when absent or empty. */
function single(request: RouteRequest, name: string): string | undefined {
  const value = request.query[name];
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') throw paramError(name, `${name} must be given once`);
  return value;
}

function required(request: RouteRequest, name: string, what: string): string {
  const value = single(request, name);
  if (value === undefined) throw paramError(name, `${name} is required: ${what}`);
  return value;
}

function code(request: RouteRequest, what: string): string {
  const value = required(request, 'code', what);
  if (!CODE.test(value)) throw paramError('code', 'code is malformed');
  return value;
}

function httpUrl(request: RouteRequest, name: string, what: string): string {
  const value = required(request, name, what);
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (value.length > MAX_URL || url === undefined || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
    throw paramError(name, `${name} must be an absolute http(s) URL of at most ${MAX_URL} characters`);
  }
  return value;
}

/** The answer for an error thrown by the core or WeChat; the line to log for the 5xx and 404 ones. */
function classify(error: unknown): { status: number; body: Record<string, unknown>; line: string } {
  if (error instanceof RouteError) {
    return { status: STATUS[error.code], body: { code: error.code, message: error.message, ...error.extra }, line: `${error.code} ${error.message}` };
  }
  if (error instanceof WechatApiError) {
    const body = { code: 'ERR_WECHAT', message: `WeChat refused the request (errcode ${error.errcode})`, errcode: error.errcode };
    return { status: STATUS.ERR_WECHAT, body, line: `ERR_WECHAT ${error.api} errcode ${error.errcode}` };
  }
  if (isWxOpenError(error)) {
    const known: Partial<Record<string, [OnBehalfErrorCode, string]>> = {
      ERR_NO_REFRESH_TOKEN: ['ERR_NOT_AUTHORIZED', 'this appid has not authorized the platform'],
      ERR_NO_TICKET: ['ERR_UNAVAILABLE', 'the platform has no component_verify_ticket yet: WeChat pushes one every 10 minutes'],
      ERR_LOCK_TIMEOUT: ['ERR_UNAVAILABLE', 'the credentials are busy: try again'],
      ERR_STORE: ['ERR_UNAVAILABLE', 'the store is unreachable: try again'],
      ERR_API_HTTP: ['ERR_UPSTREAM', 'WeChat could not be reached'],
      ERR_API_TIMEOUT: ['ERR_UPSTREAM', 'WeChat could not be reached'],
      ERR_API_NETWORK: ['ERR_UPSTREAM', 'WeChat could not be reached'],
      ERR_API_RESPONSE: ['ERR_UPSTREAM', 'WeChat answered with an unexpected body'],
    };
    const [answer, message] = known[error.code] ?? ['ERR_INTERNAL', 'the request failed'];
    // The core's messages are secret-free by contract (generic text plus a short detail).
    return { status: STATUS[answer], body: { code: answer, message }, line: `${answer} (${error.code}) ${error.message}` };
  }
  const name = error instanceof Error ? error.name : typeof error;
  return { status: STATUS.ERR_INTERNAL, body: { code: 'ERR_INTERNAL', message: 'the request failed' }, line: `ERR_INTERNAL ${name}` };
}

/**
 * The on-behalf handlers for `platform` (which needs its AppSecret: the credential chain does the work). State,
 * tickets and tokens live in the platform's store, so any number of processes can serve these routes.
 */
export function onBehalfRoutes(platform: AuthServer, options: OnBehalfOptions = {}): OnBehalfRoutes {
  const credentials: ComponentCredentials = platform.credentials;
  const log = options.log ?? ((line: string) => console.warn(line));

  const route =
    (name: keyof OnBehalfRoutes, handle: (request: RouteRequest) => Promise<RouteResponse>): RouteHandler =>
    async (request) => {
      try {
        return await handle(request);
      } catch (error) {
        const { status, body, line } = classify(error);
        if (status >= 500 || status === 404) log(`[wxopen example] GET ${ON_BEHALF_PATHS[name]}: ${line}`);
        return json(status, body);
      }
    };

  return Object.freeze({
    oauthRedirect: route('oauthRedirect', async (request) => {
      const appId = appIdOf(request);
      const redirectUri = httpUrl(request, 'redirect_uri', 'where WeChat sends the user back (this app’s /wechat/oauth/:appid/callback)');
      const scope = required(request, 'scope', 'snsapi_base or snsapi_userinfo');
      if (!SCOPES.has(scope)) throw paramError('scope', 'scope must be snsapi_base or snsapi_userinfo');
      const state = credentials.oauthState.sign(appId);
      const location = credentials.oauth.authorizeUrl({ appId, redirectUri, scope: scope as OAuthScope, state });
      return { status: 302, headers: { location, 'cache-control': 'no-store' }, body: '' };
    }),

    oauthCallback: route('oauthCallback', async (request) => {
      const appId = appIdOf(request);
      const state = required(request, 'state', 'the state WeChat echoes back');
      const oauthCode = code(request, 'WeChat adds it when the user allows the sign-in');
      try {
        await credentials.oauthState.consume(appId, state);
      } catch (error) {
        if (isWxOpenError(error) && error.code === 'ERR_QUERY') {
          throw new RouteError('ERR_STATE', 'the state is invalid, expired or already used: start the sign-in again');
        }
        throw error;
      }
      const token = await credentials.oauth.exchangeCode(appId, oauthCode);
      const signedIn = { appid: appId, openid: token.openid, scope: token.scope, ...(token.unionid === undefined ? {} : { unionid: token.unionid }) };
      // The user's access and refresh tokens stay here (keep them server-side, in a session, to call sns/userinfo later).
      if (!token.scope.split(',').includes('snsapi_userinfo')) return json(200, signedIn);
      try {
        const { userInfo } = await credentials.oauth.userInfo(appId, token);
        const { nickname, headimgurl, country, province, city } = userInfo;
        return json(200, { ...signedIn, user: { nickname, headimgurl, country, province, city } });
      } catch (error) {
        // The code is spent and the user signed in: the profile is extra, so its failure is said, not a failed sign-in.
        const { body, line } = classify(error);
        log(`[wxopen example] GET ${ON_BEHALF_PATHS.oauthCallback}: the profile could not be read: ${line}`);
        return json(200, { ...signedIn, profileError: body });
      }
    }),

    jssdkConfig: route('jssdkConfig', async (request) => {
      const appId = appIdOf(request);
      const url = httpUrl(request, 'url', 'the full URL of the page that calls wx.config');
      const { timestamp, nonceStr, signature } = await credentials.jsTickets.configSignature(appId, url);
      return json(200, { appId, timestamp, nonceStr, signature });
    }),

    miniProgramLogin: route('miniProgramLogin', async (request) => {
      const appId = appIdOf(request);
      const jsCode = code(request, 'the code from wx.login()');
      const session = await jscode2session(credentials.client(), credentials.appId, appId, jsCode);
      // session_key decrypts the user's data: keep it server-side (a session), never send or log it.
      return json(200, { appid: appId, openid: session.openid, ...(session.unionid === undefined ? {} : { unionid: session.unionid }) });
    }),
  });
}
