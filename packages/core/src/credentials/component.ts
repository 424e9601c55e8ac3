/**
 * The credential chain of one third-party platform (component):
 * verify ticket → component_access_token → pre_auth_code → authorization URL, and
 * authorization code → api_query_auth → authorizer access token + refresh token.
 *
 * Everything lives in the `Store`; in-process state only coalesces concurrent callers.
 */
import { WechatApiError, WxOpenError, optionError } from '../errors';
import { Client } from '../api/client';
import type { TokenSource } from '../api/client';
import {
  COMPONENT_API,
  clearComponentQuota,
  createPreAuthCode,
  getAuthorizerInfo,
  getAuthorizerList,
  getAuthorizerOption,
  queryAuth as queryAuthApi,
  setAuthorizerOption,
} from '../api/component';
import type {
  AuthorizerAuthorizationInfo,
  AuthorizerInfoResponse,
  AuthorizerListResponse,
  AuthorizerOption,
  AuthorizerOptionName,
} from '../api/component';
import { ErrCodeRefreshTokenInvalid, ErrCodeSystemBusy, TICKET_ERRCODES } from '../api/errcode';
import { callHook } from '../api/hooks';
import type { ApiHooks } from '../api/hooks';
import { ApiTransport } from '../api/transport';
import type { ApiResponse, FetchLike } from '../api/transport';
import { StoreLock } from '../store/lock';
import type { Lock, Store } from '../store/types';
import { authorizationPageUrl, checkAuthorizationUrlOptions } from './auth-url';
import type { AuthorizationUrlOptions } from './auth-url';
import { credentialKeys } from './keys';
import type { CredentialKeys } from './keys';
import { TokenCache } from './token-cache';
import type { CachedToken } from './token-cache';

export interface ComponentCredentialsOptions {
  /** The component (third-party platform) appid. */
  readonly appId: string;
  /** The component AppSecret. */
  readonly appSecret: string;
  /** Where tickets and tokens live. Share one store between processes (e.g. `@wxopen/redis`). */
  readonly store: Store;
  /** Lock across processes (default: a `StoreLock` on `store`). */
  readonly lock?: Lock;
  /** API base URL (default `https://api.weixin.qq.com`). Ignored when `transport` is given. */
  readonly apiBase?: string;
  /** `fetch` implementation (default the global `fetch`). Ignored when `transport` is given. */
  readonly fetch?: FetchLike;
  /** Per-request timeout in ms (default 5000). Ignored when `transport` is given. */
  readonly timeoutMs?: number;
  /** Retries of a `-1` system-busy answer (default 2). Ignored when `transport` is given. */
  readonly busyRetries?: number;
  /** First busy-retry delay in ms, doubled each time (default 200). Ignored when `transport` is given. */
  readonly busyBackoffMs?: number;
  /** A ready transport to share (its own hooks then apply to 45009). */
  readonly transport?: ApiTransport;
  /** Quota, ticket, refresh-token and background-error hooks. */
  readonly hooks?: ApiHooks;
  /**
   * Proactive refresh: fetch a new component token this many ms before the cached one expires (default off).
   * Only the process that wins the lock fetches; the timer never keeps the process alive; `close()` stops it.
   */
  readonly refreshBeforeMs?: number;
  /** Lifetime of a refresh lock in ms; longer than the slowest fetch (default 30 000). */
  readonly lockTtlMs?: number;
  /** How long a caller waits for another process's refresh, in ms (default 30 000), then `ERR_LOCK_TIMEOUT`. */
  readonly lockWaitMs?: number;
  /** Clock for token expiry (default `Date.now`). Give the store the same clock in tests. */
  readonly now?: () => number;
}

/** The access-token server of one authorizer: a `TokenSource` for `Client`. */
export interface AccessTokenServer extends TokenSource {
  readonly appId: string;
  readonly param: 'access_token';
}

export interface ExchangeOptions {
  /** Further attempts after a transient failure (timeout, network, HTTP, busy, lock) (default 3). */
  readonly retries?: number;
  /** Delay before the first retry in ms, doubled each time (default 1000). */
  readonly backoffMs?: number;
}

/** Delay between proactive checks when nothing is cached or a check failed. */
const PROACTIVE_RETRY_MS = 60_000;
/** Delay before re-reading after another process held the refresh lock. */
const PROACTIVE_LOCK_BUSY_MS = 5_000;
/** Shortest delay between proactive checks. */
const PROACTIVE_MIN_MS = 1_000;

const TRANSIENT_CODES: ReadonlySet<string> = new Set([
  'ERR_API_TIMEOUT',
  'ERR_API_NETWORK',
  'ERR_API_HTTP',
  'ERR_LOCK_TIMEOUT',
]);

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function requiredString(name: string, value: unknown): string {
  if (typeof value !== 'string' || value === '') throw optionError(name, 'must be a non-empty string');
  return value;
}

function positiveInteger(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value <= 0) throw optionError(name, 'must be a positive integer (ms)');
  return value;
}

/** A token and its lifetime from a WeChat response, or `ERR_API_RESPONSE` naming the missing field. */
function tokenFrom(body: ApiResponse, tokenField: string, api: string): { token: string; expiresIn: number } {
  const token = body[tokenField];
  const expiresIn = Number(body['expires_in']);
  if (typeof token !== 'string' || token === '') {
    throw new WxOpenError('ERR_API_RESPONSE', { detail: `${api} lacks ${tokenField}` });
  }
  if (!Number.isFinite(expiresIn) || expiresIn <= 0) {
    throw new WxOpenError('ERR_API_RESPONSE', { detail: `${api} lacks a valid expires_in` });
  }
  return { token, expiresIn };
}

function isTransient(error: unknown): boolean {
  if (error instanceof WechatApiError) return error.errcode === ErrCodeSystemBusy;
  return error instanceof WxOpenError && TRANSIENT_CODES.has(error.code);
}

/** Verify ticket, component token, pre-auth codes, authorization and authorizer tokens of one component. */
export class ComponentCredentials {
  /** The component appid. */
  readonly appId: string;
  /** The store keys and lock names of this component. */
  readonly keys: CredentialKeys;
  readonly #appSecret: string;
  readonly #store: Store;
  readonly #transport: ApiTransport;
  readonly #hooks: ApiHooks;
  readonly #cache: TokenCache;
  readonly #now: () => number;
  readonly #refreshBeforeMs: number | undefined;
  readonly #client: Client;
  #timer: NodeJS.Timeout | undefined;
  /** A proactive check is running; another was asked for meanwhile. */
  #checking = false;
  #recheck = false;
  #closed = false;

  constructor(options: ComponentCredentialsOptions) {
    if (typeof options !== 'object' || options === null) throw optionError('options', 'must be an object');
    this.appId = requiredString('appId', options.appId);
    this.#appSecret = requiredString('appSecret', options.appSecret);
    const store = options.store;
    if (!store || typeof store.get !== 'function' || typeof store.setIfAbsent !== 'function') {
      throw optionError('store', 'must implement the Store interface (for example new MemoryStore())');
    }
    this.#store = store;
    this.keys = credentialKeys(this.appId);
    this.#hooks = Object.freeze({ ...options.hooks });
    this.#now = options.now ?? Date.now;
    this.#transport =
      options.transport ??
      new ApiTransport({
        apiBase: options.apiBase,
        fetch: options.fetch,
        timeoutMs: options.timeoutMs,
        busyRetries: options.busyRetries,
        busyBackoffMs: options.busyBackoffMs,
        hooks: this.#hooks,
      });
    this.#cache = new TokenCache({
      store,
      lock: options.lock ?? new StoreLock(store, { prefix: '' }),
      lockTtlMs: positiveInteger('lockTtlMs', options.lockTtlMs, 30_000),
      lockWaitMs: positiveInteger('lockWaitMs', options.lockWaitMs, 30_000),
      now: this.#now,
    });
    this.#refreshBeforeMs =
      options.refreshBeforeMs === undefined ? undefined : positiveInteger('refreshBeforeMs', options.refreshBeforeMs, 0);
    this.#client = new Client(this.#transport, {
      param: 'component_access_token',
      token: () => this.componentToken(),
      refreshToken: (failed) => this.refreshComponentToken(failed),
    });
    if (this.#refreshBeforeMs !== undefined) this.#schedule(0);
  }

  // ── verify ticket ────────────────────────────────────────────────────────────────────────────────────

  /** Keeps a pushed `component_verify_ticket` as the latest, and the former latest as previous (both durable). */
  async saveVerifyTicket(ticket: string): Promise<void> {
    requiredString('ticket', ticket);
    const current = await this.#store.get(this.keys.ticket);
    if (current === ticket) return;
    if (current !== undefined) await this.#store.set(this.keys.previousTicket, current);
    await this.#store.set(this.keys.ticket, ticket);
    if (this.#refreshBeforeMs !== undefined && !this.#closed) this.#schedule(0);
  }

  /** The latest verify ticket, if one was ever received. */
  verifyTicket(): Promise<string | undefined> {
    return this.#store.get(this.keys.ticket);
  }

  /** `api_start_push_ticket`: asks WeChat to (re)start pushing the verify ticket every 10 minutes. */
  async startPushTicket(): Promise<void> {
    await this.#transport.request({
      method: 'POST',
      path: COMPONENT_API.startPushTicket,
      body: { component_appid: this.appId, component_secret: this.#appSecret },
    });
  }

  // ── component token ──────────────────────────────────────────────────────────────────────────────────

  /** The component access token: the stored one, else fetched once (whatever the number of callers). */
  async componentToken(): Promise<string> {
    const cached = await this.#cache.read(this.keys.componentToken);
    if (cached) return cached.token;
    return this.#refreshComponent('obtain', () => true);
  }

  /**
   * A new component access token. With `failedToken` (the one WeChat refused), the stored token is returned
   * without fetching when it already differs; without it, a fetch is forced.
   */
  refreshComponentToken(failedToken?: string): Promise<string> {
    if (failedToken === undefined) return this.#refreshComponent('force', () => false);
    return this.#refreshComponent(`replace:${failedToken}`, (cached) => cached.token !== failedToken);
  }

  #refreshComponent(flight: string, accept: (cached: CachedToken) => boolean, lockWaitMs?: number): Promise<string> {
    return this.#cache.refresh({
      key: this.keys.componentToken,
      lockName: this.keys.componentTokenLock,
      flightKey: `component:${flight}`,
      accept,
      fetch: () => this.#fetchComponentToken(),
      lockWaitMs,
    });
  }

  async #fetchComponentToken(): Promise<{ token: string; expiresIn: number }> {
    const [ticket, previous] = await Promise.all([
      this.#store.get(this.keys.ticket),
      this.#store.get(this.keys.previousTicket),
    ]);
    if (ticket === undefined) throw new WxOpenError('ERR_NO_TICKET');
    try {
      return await this.#requestComponentToken(ticket);
    } catch (error) {
      if (!(error instanceof WechatApiError) || !TICKET_ERRCODES.has(error.errcode)) throw error;
      if (previous === undefined || previous === ticket) {
        callHook(this.#hooks.onInvalidTicket, error);
        throw error;
      }
      try {
        return await this.#requestComponentToken(previous);
      } catch (fallbackError) {
        if (fallbackError instanceof WechatApiError && TICKET_ERRCODES.has(fallbackError.errcode)) {
          callHook(this.#hooks.onInvalidTicket, fallbackError);
        }
        throw fallbackError;
      }
    }
  }

  async #requestComponentToken(ticket: string): Promise<{ token: string; expiresIn: number }> {
    const body = await this.#transport.request({
      method: 'POST',
      path: COMPONENT_API.componentToken,
      body: { component_appid: this.appId, component_appsecret: this.#appSecret, component_verify_ticket: ticket },
    });
    return tokenFrom(body, 'component_access_token', COMPONENT_API.componentToken);
  }

  // ── proactive refresh ────────────────────────────────────────────────────────────────────────────────

  #schedule(delayMs: number): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.#proactiveCheck(), delayMs);
    this.#timer.unref();
  }

  /**
   * One proactive check at a time: a check asked for while one runs (e.g. a ticket arriving) is run right after
   * it, never beside it, so one failure is reported once and the request is not lost.
   */
  async #proactiveCheck(): Promise<void> {
    const before = this.#refreshBeforeMs;
    if (before === undefined || this.#closed) return;
    if (this.#checking) {
      this.#recheck = true;
      return;
    }
    this.#checking = true;
    const freshEnough = (cached: CachedToken) => cached.expiresAt - this.#now() > before;
    let next = PROACTIVE_RETRY_MS;
    try {
      const cached = await this.#cache.read(this.keys.componentToken);
      if ((!cached || !freshEnough(cached)) && (await this.verifyTicket()) !== undefined) {
        await this.#refreshComponent('proactive', freshEnough, 0);
      }
      const now = await this.#cache.read(this.keys.componentToken);
      if (now) next = Math.max(now.expiresAt - before - this.#now(), PROACTIVE_MIN_MS);
    } catch (error) {
      if (error instanceof WxOpenError && error.code === 'ERR_LOCK_TIMEOUT') next = PROACTIVE_LOCK_BUSY_MS;
      else callHook(this.#hooks.onBackgroundError, error);
    }
    this.#checking = false;
    if (this.#recheck) {
      this.#recheck = false;
      next = 0;
    }
    if (!this.#closed) this.#schedule(next);
  }

  /** Stops the proactive refresh timer. The store is not closed (it may be shared). */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  // ── clients ──────────────────────────────────────────────────────────────────────────────────────────

  /** A `Client` carrying the component token (`?component_access_token=`), for the `api_*` endpoints. */
  client(): Client {
    return this.#client;
  }

  /** A `Client` carrying the access token of `authorizerAppId` (`?access_token=`). */
  authorizerClient(authorizerAppId: string): Client {
    return new Client(this.#transport, this.authorizer(authorizerAppId));
  }

  // ── authorization ────────────────────────────────────────────────────────────────────────────────────

  /** `api_create_preauthcode`: a new single-use pre-auth code. */
  async preAuthCode(): Promise<string> {
    const body = await createPreAuthCode(this.#client, this.appId);
    if (typeof body.pre_auth_code !== 'string' || body.pre_auth_code === '') {
      throw new WxOpenError('ERR_API_RESPONSE', { detail: `${COMPONENT_API.createPreAuthCode} lacks pre_auth_code` });
    }
    return body.pre_auth_code;
  }

  /** The PC authorization page (QR code, componentloginpage) with a fresh pre-auth code. */
  async authorizationUrl(options: AuthorizationUrlOptions): Promise<string> {
    checkAuthorizationUrlOptions(options);
    return authorizationPageUrl('pc', this.appId, await this.preAuthCode(), options);
  }

  /** The mobile authorization page (inside WeChat, bindcomponent, `#wechat_redirect`) with a fresh pre-auth code. */
  async mobileAuthorizationUrl(options: AuthorizationUrlOptions): Promise<string> {
    checkAuthorizationUrlOptions(options);
    return authorizationPageUrl('mobile', this.appId, await this.preAuthCode(), options);
  }

  /**
   * `api_query_auth`: exchanges an authorization code (single use), stores the authorizer's refresh token
   * (durable) and access token (with the safety margin), and returns the authorization info.
   */
  async queryAuth(authorizationCode: string): Promise<AuthorizerAuthorizationInfo> {
    requiredString('authorizationCode', authorizationCode);
    const body = await queryAuthApi(this.#client, this.appId, authorizationCode);
    const info = body.authorization_info as AuthorizerAuthorizationInfo | undefined;
    if (!info || typeof info.authorizer_appid !== 'string' || info.authorizer_appid === '') {
      throw new WxOpenError('ERR_API_RESPONSE', { detail: `${COMPONENT_API.queryAuth} lacks authorization_info.authorizer_appid` });
    }
    const appId = info.authorizer_appid;
    await this.#saveRefreshToken(appId, info.authorizer_refresh_token);
    if (typeof info.authorizer_access_token === 'string' && info.authorizer_access_token !== '') {
      const expiresIn = Number(info.expires_in);
      if (Number.isFinite(expiresIn) && expiresIn > 0) {
        await this.#cache.write(this.keys.authorizerAccessToken(appId), info.authorizer_access_token, expiresIn);
      }
    }
    return info;
  }

  /**
   * `queryAuth` for background use after an `authorized` / `updateauthorized` event: transient failures
   * (timeout, network, HTTP status, system busy, lock timeout) are retried with exponential backoff.
   */
  async exchangeAuthorizationCode(authorizationCode: string, options: ExchangeOptions = {}): Promise<AuthorizerAuthorizationInfo> {
    const retries = options.retries ?? 3;
    const backoffMs = options.backoffMs ?? 1000;
    if (!Number.isInteger(retries) || retries < 0) throw optionError('retries', 'must be a non-negative integer');
    if (!Number.isInteger(backoffMs) || backoffMs < 0) throw optionError('backoffMs', 'must be a non-negative integer (ms)');
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.queryAuth(authorizationCode);
      } catch (error) {
        if (attempt >= retries || !isTransient(error)) throw error;
        await sleep(backoffMs * 2 ** attempt);
      }
    }
  }

  /** Drops everything stored for an authorizer (after an `unauthorized` event). */
  async forgetAuthorizer(authorizerAppId: string): Promise<void> {
    await this.#store.delete(this.keys.authorizerRefreshToken(authorizerAppId));
    await this.#store.delete(this.keys.authorizerAccessToken(authorizerAppId));
  }

  /** The stored refresh token of an authorizer, if any. */
  authorizerRefreshToken(authorizerAppId: string): Promise<string | undefined> {
    return this.#store.get(this.keys.authorizerRefreshToken(authorizerAppId));
  }

  async #saveRefreshToken(authorizerAppId: string, refreshToken: unknown): Promise<void> {
    if (typeof refreshToken !== 'string' || refreshToken === '') return;
    await this.#store.set(this.keys.authorizerRefreshToken(authorizerAppId), refreshToken);
  }

  // ── authorizer tokens ────────────────────────────────────────────────────────────────────────────────

  /** The `AccessTokenServer` of one authorizer (a `TokenSource` with `param: 'access_token'`). */
  authorizer(authorizerAppId: string): AccessTokenServer {
    requiredString('authorizerAppId', authorizerAppId);
    return Object.freeze({
      appId: authorizerAppId,
      param: 'access_token' as const,
      token: () => this.authorizerToken(authorizerAppId),
      refreshToken: (failed: string) => this.refreshAuthorizerToken(authorizerAppId, failed),
    });
  }

  /** The access token of an authorizer: the stored one, else fetched once with its refresh token. */
  async authorizerToken(authorizerAppId: string): Promise<string> {
    requiredString('authorizerAppId', authorizerAppId);
    const cached = await this.#cache.read(this.keys.authorizerAccessToken(authorizerAppId));
    if (cached) return cached.token;
    return this.#refreshAuthorizer(authorizerAppId, 'obtain', () => true);
  }

  /** As `refreshComponentToken`, for an authorizer's access token. */
  async refreshAuthorizerToken(authorizerAppId: string, failedToken?: string): Promise<string> {
    requiredString('authorizerAppId', authorizerAppId);
    if (failedToken === undefined) return this.#refreshAuthorizer(authorizerAppId, 'force', () => false);
    return this.#refreshAuthorizer(authorizerAppId, `replace:${failedToken}`, (cached) => cached.token !== failedToken);
  }

  #refreshAuthorizer(appId: string, flight: string, accept: (cached: CachedToken) => boolean): Promise<string> {
    return this.#cache.refresh({
      key: this.keys.authorizerAccessToken(appId),
      lockName: this.keys.authorizerTokenLock(appId),
      flightKey: `authorizer:${appId}:${flight}`,
      accept,
      fetch: () => this.#fetchAuthorizerToken(appId),
    });
  }

  async #fetchAuthorizerToken(appId: string): Promise<{ token: string; expiresIn: number }> {
    const stored = await this.authorizerRefreshToken(appId);
    const refreshToken = stored ?? (await this.#recoverRefreshToken(appId, undefined));
    let body: ApiResponse;
    try {
      body = await this.#requestAuthorizerToken(appId, refreshToken);
    } catch (error) {
      if (!(error instanceof WechatApiError) || error.errcode !== ErrCodeRefreshTokenInvalid) throw error;
      const recovered = await this.#recoverRefreshToken(appId, error);
      if (recovered === refreshToken) {
        callHook(this.#hooks.onInvalidRefreshToken, appId, error);
        throw error;
      }
      try {
        body = await this.#requestAuthorizerToken(appId, recovered);
      } catch (retryError) {
        if (retryError instanceof WechatApiError && retryError.errcode === ErrCodeRefreshTokenInvalid) {
          callHook(this.#hooks.onInvalidRefreshToken, appId, retryError);
        }
        throw retryError;
      }
    }
    await this.#saveRefreshToken(appId, body['authorizer_refresh_token']);
    return tokenFrom(body, 'authorizer_access_token', COMPONENT_API.authorizerToken);
  }

  #requestAuthorizerToken(appId: string, refreshToken: string): Promise<ApiResponse> {
    return this.#client.postJSON(COMPONENT_API.authorizerToken, {
      component_appid: this.appId,
      authorizer_appid: appId,
      authorizer_refresh_token: refreshToken,
    });
  }

  /**
   * Recovers a lost or refused refresh token with `api_get_authorizer_info` and stores it. When that fails,
   * fires `onInvalidRefreshToken` and throws `cause` (the 61023) or `ERR_NO_REFRESH_TOKEN`.
   */
  async #recoverRefreshToken(appId: string, cause: WechatApiError | undefined): Promise<string> {
    let recovered: unknown;
    let lookupError: unknown;
    try {
      recovered = (await getAuthorizerInfo(this.#client, this.appId, appId)).authorization_info?.authorizer_refresh_token;
    } catch (error) {
      lookupError = error;
    }
    if (typeof recovered === 'string' && recovered !== '') {
      await this.#saveRefreshToken(appId, recovered);
      return recovered;
    }
    if (lookupError !== undefined && isTransient(lookupError)) throw lookupError;
    const error = cause ?? new WxOpenError('ERR_NO_REFRESH_TOKEN', { detail: `authorizer ${appId}`, cause: lookupError });
    callHook(this.#hooks.onInvalidRefreshToken, appId, error);
    throw error;
  }

  // ── other component APIs ─────────────────────────────────────────────────────────────────────────────

  /** `api_get_authorizer_info`. Also stores the refresh token it carries. */
  async getAuthorizerInfo(authorizerAppId: string): Promise<AuthorizerInfoResponse> {
    const info = await getAuthorizerInfo(this.#client, this.appId, authorizerAppId);
    await this.#saveRefreshToken(authorizerAppId, info.authorization_info?.authorizer_refresh_token);
    return info;
  }

  /** `api_get_authorizer_list` (`count` ≤ 500, default 500; `offset` default 0). */
  getAuthorizerList(page: { readonly offset?: number; readonly count?: number } = {}): Promise<AuthorizerListResponse> {
    return getAuthorizerList(this.#client, this.appId, page);
  }

  /** `api_get_authorizer_option`. */
  getAuthorizerOption(authorizerAppId: string, optionName: AuthorizerOptionName): Promise<AuthorizerOption> {
    return getAuthorizerOption(this.#client, this.appId, authorizerAppId, optionName);
  }

  /** `api_set_authorizer_option`. */
  setAuthorizerOption(authorizerAppId: string, optionName: AuthorizerOptionName, optionValue: string | number): Promise<void> {
    return setAuthorizerOption(this.#client, this.appId, authorizerAppId, optionName, optionValue);
  }

  /** `clear_quota`: resets the component's own API call counters. */
  clearQuota(): Promise<void> {
    return clearComponentQuota(this.#client, this.appId);
  }
}
