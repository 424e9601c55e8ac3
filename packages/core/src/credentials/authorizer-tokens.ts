/**
 * The authorizers' links of the credential chain: the exchange of an authorization code (`api_query_auth`), each
 * authorizer's refresh token (durable, recoverable with `api_get_authorizer_info`) and access token (cached,
 * single-flight, locked across processes), and each authorizer's original id (`gh_…`), which ties the
 * message URL's appid to the messages it receives.
 * https://developers.weixin.qq.com/doc/oplatform/Third-party_Platforms/2.0/api/ThirdParty/token/api_authorizer_token.html
 */
import { WechatApiError, WxOpenError } from '../errors';
import type { Client, TokenSource } from '../api/client';
import { COMPONENT_API, getAuthorizerInfo, queryAuth as queryAuthApi } from '../api/component';
import type { AuthorizerAuthorizationInfo } from '../api/component';
import { ErrCodeRefreshTokenInvalid, ErrCodeSystemBusy } from '../api/errcode';
import { callHook } from '../api/hooks';
import type { ApiHooks } from '../api/hooks';
import type { ApiResponse } from '../api/transport';
import { publish } from '../observe/channels';
import type { Store } from '../store/types';
import { tokenFrom } from './component-token';
import type { CredentialKeys } from './keys';
import type { CachedToken, TokenCache } from './token-cache';

/** The access-token server of one authorizer: a `TokenSource` for `Client`. */
export interface AccessTokenServer extends TokenSource {
  readonly appId: string;
  readonly param: 'access_token';
}

export interface AuthorizerTokensOptions {
  readonly componentAppId: string;
  readonly store: Store;
  readonly cache: TokenCache;
  readonly keys: CredentialKeys;
  readonly hooks: ApiHooks;
  /** The client carrying the component token, for the `api_*` endpoints. */
  readonly client: Client;
  readonly now?: () => number;
}

/** A value read from the store, and until when an absent one is believed. */
interface Known {
  readonly value: string | undefined;
  readonly until: number;
}

const UNKNOWN_FOR_MS = 60_000;
const NOT_CACHED: unique symbol = Symbol('not cached');

/** How a message's `ToUserName` relates to the authorizer of its URL (see `AuthorizerTokens.addressee`). */
export type Addressee = 'same' | 'other' | 'unknown';

function judgeAddressee(appId: string, userName: string, known: string | undefined, owner: string | undefined): Addressee {
  if ((known !== undefined && known !== userName) || (owner !== undefined && owner !== appId)) return 'other';
  return known === undefined ? 'unknown' : 'same';
}

/** Whether a WeChat answer says the refresh token is gone for good (as opposed to WeChat being unreachable). */
function refusesRefreshToken(error: unknown): error is WechatApiError {
  return error instanceof WechatApiError && error.errcode === ErrCodeRefreshTokenInvalid;
}

/** Access tokens, refresh tokens and original ids of every authorizer of one component. */
export class AuthorizerTokens {
  readonly #o: AuthorizerTokensOptions;
  /**
   * Original ids and their owners as read in this process. A pair never changes, so a known one is kept; an
   * unknown one is asked again after `UNKNOWN_FOR_MS` (another process may have learnt it).
   */
  readonly #userNames = new Map<string, Known>();
  readonly #owners = new Map<string, Known>();
  readonly #now: () => number;

  constructor(options: AuthorizerTokensOptions) {
    this.#o = options;
    this.#now = options.now ?? Date.now;
  }

  /** The `AccessTokenServer` of one authorizer. */
  server(authorizerAppId: string): AccessTokenServer {
    return Object.freeze({
      appId: authorizerAppId,
      param: 'access_token' as const,
      token: () => this.token(authorizerAppId),
      refreshToken: (failed: string) => this.refresh(authorizerAppId, failed),
    });
  }

  async token(appId: string): Promise<string> {
    const cached = await this.#o.cache.read(this.#o.keys.authorizerAccessToken(appId));
    if (cached) return cached.token;
    return this.#refresh(appId, 'obtain', () => true);
  }

  refresh(appId: string, failedToken?: string): Promise<string> {
    if (failedToken === undefined) return this.#refresh(appId, 'force', () => false);
    return this.#refresh(appId, `replace:${failedToken}`, (cached) => cached.token !== failedToken);
  }

  #refresh(appId: string, flight: string, accept: (cached: CachedToken) => boolean): Promise<string> {
    return this.#o.cache.refresh({
      key: this.#o.keys.authorizerAccessToken(appId),
      lockName: this.#o.keys.authorizerTokenLock(appId),
      flightKey: `authorizer:${appId}:${flight}`,
      accept,
      fetch: () => this.#fetchTimed(appId),
    });
  }

  async #fetchTimed(appId: string): Promise<{ token: string; expiresIn: number }> {
    const started = performance.now();
    try {
      const fetched = await this.#fetch(appId);
      publish('wxopen:token', () => ({ credential: 'authorizer', authorizerAppId: appId, outcome: 'fetched', durationMs: performance.now() - started }));
      return fetched;
    } catch (error) {
      publish('wxopen:token', () => ({
        credential: 'authorizer',
        authorizerAppId: appId,
        outcome: 'failed',
        code: error instanceof WxOpenError ? error.code : 'ERR_API',
        errcode: error instanceof WechatApiError ? error.errcode : undefined,
        durationMs: performance.now() - started,
      }));
      throw error;
    }
  }

  async #fetch(appId: string): Promise<{ token: string; expiresIn: number }> {
    const stored = await this.refreshToken(appId);
    const refreshToken = stored ?? (await this.#recover(appId, undefined));
    let body: ApiResponse;
    try {
      body = await this.#request(appId, refreshToken);
    } catch (error) {
      if (!refusesRefreshToken(error)) throw error;
      // The official fix for 61023: read the refresh token WeChat holds now, then try once more.
      const recovered = await this.#recover(appId, error);
      if (recovered === refreshToken) {
        callHook(this.#o.hooks.onInvalidRefreshToken, appId, error);
        throw error;
      }
      try {
        body = await this.#request(appId, recovered);
      } catch (retryError) {
        if (refusesRefreshToken(retryError)) callHook(this.#o.hooks.onInvalidRefreshToken, appId, retryError);
        throw retryError;
      }
    }
    await this.saveRefreshToken(appId, body['authorizer_refresh_token']);
    return tokenFrom(body, 'authorizer_access_token', COMPONENT_API.authorizerToken);
  }

  #request(appId: string, refreshToken: string): Promise<ApiResponse> {
    return this.#o.client.postJSON(COMPONENT_API.authorizerToken, {
      component_appid: this.#o.componentAppId,
      authorizer_appid: appId,
      authorizer_refresh_token: refreshToken,
    });
  }

  /**
   * Recovers a lost or refused refresh token with `api_get_authorizer_info` and stores it. Only when WeChat
   * answers without one (or refused it with 61023) is the token gone: then `onInvalidRefreshToken` fires and
   * `cause` (the 61023) or `ERR_NO_REFRESH_TOKEN` is thrown. Any other failure (no ticket yet, WeChat or the store
   * unreachable) is thrown as it is: the refresh token may well be recoverable later.
   */
  async #recover(appId: string, cause: WechatApiError | undefined): Promise<string> {
    let lookupError: WechatApiError | undefined;
    try {
      const info = await this.authorizerInfo(appId);
      const recovered = info.authorization_info?.authorizer_refresh_token;
      if (typeof recovered === 'string' && recovered !== '') return recovered;
    } catch (error) {
      // WeChat answered (the account is not authorized, …): definitive. Anything else may pass.
      if (!(error instanceof WechatApiError) || error.errcode === ErrCodeSystemBusy) throw error;
      lookupError = error;
    }
    const error = cause ?? new WxOpenError('ERR_NO_REFRESH_TOKEN', { detail: `authorizer ${appId}`, cause: lookupError });
    callHook(this.#o.hooks.onInvalidRefreshToken, appId, error);
    throw error;
  }

  /** `api_get_authorizer_info`; keeps the refresh token and the original id it carries. */
  async authorizerInfo(appId: string): ReturnType<typeof getAuthorizerInfo> {
    const info = await getAuthorizerInfo(this.#o.client, this.#o.componentAppId, appId);
    await this.saveRefreshToken(appId, info.authorization_info?.authorizer_refresh_token);
    await this.learnUserName(appId, info.authorizer_info?.user_name);
    return info;
  }

  /**
   * `api_query_auth`: exchanges an authorization code (single use), stores the authorizer's refresh token
   * (durable) and access token (with the safety margin), and returns the authorization info.
   */
  async queryAuth(code: string): Promise<AuthorizerAuthorizationInfo> {
    const body = await queryAuthApi(this.#o.client, this.#o.componentAppId, code);
    const info = body.authorization_info as AuthorizerAuthorizationInfo | undefined;
    if (!info || typeof info.authorizer_appid !== 'string' || info.authorizer_appid === '') {
      throw new WxOpenError('ERR_API_RESPONSE', { detail: `${COMPONENT_API.queryAuth} lacks authorization_info.authorizer_appid` });
    }
    const appId = info.authorizer_appid;
    await this.saveRefreshToken(appId, info.authorizer_refresh_token);
    if (typeof info.authorizer_access_token === 'string' && info.authorizer_access_token !== '') {
      const expiresIn = Number(info.expires_in);
      if (Number.isFinite(expiresIn) && expiresIn > 0) {
        await this.#o.cache.write(this.#o.keys.authorizerAccessToken(appId), info.authorizer_access_token, expiresIn);
      }
    }
    return info;
  }

  refreshToken(appId: string): Promise<string | undefined> {
    return this.#o.store.get(this.#o.keys.authorizerRefreshToken(appId));
  }

  async saveRefreshToken(appId: string, refreshToken: unknown): Promise<void> {
    if (typeof refreshToken !== 'string' || refreshToken === '') return;
    await this.#o.store.set(this.#o.keys.authorizerRefreshToken(appId), refreshToken);
  }

  // ── original ids ─────────────────────────────────────────────────────────────────────────────────────

  /** The original id (`gh_…`) of an authorizer, when known. */
  userName(appId: string): Promise<string | undefined> {
    return this.#read(this.#userNames, appId, this.#o.keys.authorizerUserName(appId));
  }

  /** The authorizer appid an original id belongs to, when known. */
  ownerOf(userName: string): Promise<string | undefined> {
    return this.#read(this.#owners, userName, this.#o.keys.userNameOwner(userName));
  }

  /**
   * Whether a message addressed to `userName` (its `ToUserName`) may be for the authorizer `appId`: `'same'`,
   * `'other'` (either id is known to belong elsewhere) or `'unknown'` (`appId`'s original id is not known yet).
   *
   * Answered at once from this process's memory when it holds both answers (every message but the first of an
   * authorizer in `UNKNOWN_FOR_MS`), as a promise only when the store must be asked: the message path then takes no
   * turn of the microtask queue for it (measured: two async reads and a `Promise.all` per message, about 1 µs).
   */
  addressee(appId: string, userName: string): Addressee | Promise<Addressee> {
    const known = this.#peek(this.#userNames, appId);
    const owner = this.#peek(this.#owners, userName);
    if (known !== NOT_CACHED && owner !== NOT_CACHED) return judgeAddressee(appId, userName, known, owner);
    return Promise.all([this.userName(appId), this.ownerOf(userName)]).then(([k, o]) => judgeAddressee(appId, userName, k, o));
  }

  /** What this process holds for `id`: its value (`undefined`: known to be unknown, for now), or `NOT_CACHED`. */
  #peek(cache: Map<string, Known>, id: string): string | undefined | typeof NOT_CACHED {
    const known = cache.get(id);
    if (known !== undefined && (known.value !== undefined || known.until > this.#now())) return known.value;
    return NOT_CACHED;
  }

  async #read(cache: Map<string, Known>, id: string, key: string): Promise<string | undefined> {
    const cached = this.#peek(cache, id);
    if (cached !== NOT_CACHED) return cached;
    const value = await this.#o.store.get(key);
    cache.set(id, { value, until: this.#now() + UNKNOWN_FOR_MS });
    return value;
  }

  /** Keeps an authorizer's original id, both ways. */
  async learnUserName(appId: string, userName: unknown): Promise<void> {
    if (typeof userName !== 'string' || userName === '' || this.#userNames.get(appId)?.value === userName) return;
    await this.#o.store.set(this.#o.keys.authorizerUserName(appId), userName);
    await this.#o.store.set(this.#o.keys.userNameOwner(userName), appId);
    this.#userNames.set(appId, { value: userName, until: Infinity });
    this.#owners.set(userName, { value: appId, until: Infinity });
  }

  /** Drops everything stored for an authorizer (after an `unauthorized` push). */
  async forget(appId: string): Promise<void> {
    const { store, keys } = this.#o;
    const userName = await this.userName(appId);
    await store.delete(keys.authorizerRefreshToken(appId));
    await store.delete(keys.authorizerAccessToken(appId));
    await store.delete(keys.authorizerUserName(appId));
    if (userName !== undefined && (await this.ownerOf(userName)) === appId) await store.delete(keys.userNameOwner(userName));
    this.#userNames.delete(appId);
    if (userName !== undefined) this.#owners.delete(userName);
  }
}
