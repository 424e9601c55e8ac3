/**
 * The credential chain of one third-party platform (component), composed of its parts:
 * - `ComponentToken`: verify ticket → component_access_token;
 * - `AuthorizerTokens`: authorization codes, refresh tokens, access tokens and original ids of the authorizers;
 * - `AuthorizationOutbox`: codes pushed by WeChat, exchanged durably in the background;
 * - the push effects (`PushEffects`): what a component push does to the chain before it is acknowledged.
 *
 * Everything lives in the `Store`; in-process state only coalesces concurrent callers. Built once and shared:
 * `new AuthServer({ …, appSecret })` builds one, or build it yourself and pass it as `credentials`.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { WechatApiError, WxOpenError } from '../errors';
import { Client } from '../api/client';
import {
  COMPONENT_API,
  clearComponentQuota,
  createPreAuthCode,
  getAuthorizerList,
  getAuthorizerOption,
  setAuthorizerOption,
} from '../api/component';
import type {
  AuthorizerAuthorizationInfo,
  AuthorizerInfoResponse,
  AuthorizerListResponse,
  AuthorizerOption,
  AuthorizerOptionName,
} from '../api/component';
import { ErrCodeSystemBusy } from '../api/errcode';
import type { ApiHooks } from '../api/hooks';
import { ApiTransport } from '../api/transport';
import type { ApiTransportOptions, FetchLike } from '../api/transport';
import type { PushEffects, QueuedAuthorization } from '../messages/info';
import { StoreLock } from '../store/lock';
import type { Lock, Store } from '../store/types';
import { callback, count, duration, optionsObject, requiredString } from '../util/check';
import { quote } from '../util/log';
import { authorizationPageUrl, checkAuthorizationUrlOptions } from './auth-url';
import type { AuthorizationUrlOptions } from './auth-url';
import { AuthorizerTokens } from './authorizer-tokens';
import type { AccessTokenServer, Addressee } from './authorizer-tokens';
import { ComponentToken } from './component-token';
import { credentialKeys } from './keys';
import type { CredentialKeys } from './keys';
import { AuthorizationOutbox } from './outbox';
import { JsTicketCache } from './js-tickets';
import { OAuthStateSigner } from './oauth-state';
import { MiniProgramApi } from '../api/miniprogram/api';
import { OAuthOnBehalf } from '../api/oauth';
import { asAccessTokenParam } from '../api/templates';
import { ReleaseRunner } from '../release/runner';
import type { ReleaseRunnerOptions } from '../release/types';
import type { PendingAuthorization } from './outbox';
import { TokenCache } from './token-cache';

export type { AccessTokenServer } from './authorizer-tokens';

export interface ComponentCredentialsOptions {
  /** The component (third-party platform) appid. */
  readonly appId: string;
  /** The component AppSecret. */
  readonly appSecret: string;
  /** Where tickets and tokens live. Share one store between processes (e.g. `@wxopen/redis`). */
  readonly store: Store;
  /** Lock across processes (default: a `StoreLock` on `store`). */
  readonly lock?: Lock;
  /** The WeChat API: a transport to share, or the options of a new one (base URL, `fetch`, timeouts, caps). */
  readonly api?: ApiTransport | ApiTransportOptions;
  /** Quota, ticket, refresh-token and background-error hooks. */
  readonly hooks?: ApiHooks;
  /**
   * Proactive refresh: fetch a new component token this many ms before the cached one expires (default off; at
   * most 1 hour, half the 2-hour life of a token). Only the process that wins the lock fetches; the timer never
   * keeps the process alive; `close()` stops it.
   */
  readonly refreshBeforeMs?: number;
  /**
   * Called once each time a caller starts waiting for a refresh lock another process holds (a holder that was
   * killed blocks the others until the lock's TTL runs out). Default: one `console.warn` line.
   */
  readonly onLockWait?: (lockName: string) => void;
  /** Lifetime of a refresh lock in ms; longer than the slowest fetch (default 30 000). */
  readonly lockTtlMs?: number;
  /** How long a caller waits for another process's refresh, in ms (default 30 000), then `ERR_LOCK_TIMEOUT`. */
  readonly lockWaitMs?: number;
  /** How often each process looks for queued authorization codes to exchange, in ms (default 5 000). */
  readonly outboxScanMs?: number;
  /** Delays between the attempts to exchange one code: the first (default 500 ms), doubled up to `maxMs` (default 60 000). */
  readonly outboxRetry?: { readonly firstMs?: number; readonly maxMs?: number };
  /**
   * Called when a queued authorization code finally fails (`ERR_AUTH_CODE`), and once when one starts failing.
   * Default: one `console.warn` line. `AuthServer` routes it to its error hook.
   */
  readonly onOutboxError?: (error: WxOpenError, authorizerAppId: string | undefined) => void;
  /** Clock for token expiry (default `Date.now`). Give the store the same clock in tests. */
  readonly now?: () => number;
  /**
   * The secret OAuth `state` values are signed with (`oauthState`). Default: the AppSecret. Give a dedicated random
   * secret to keep the AppSecret out of anything derived for browsers.
   */
  readonly oauthStateSecret?: string;
  /** @deprecated use `api: { apiBase }` */
  readonly apiBase?: string;
  /** @deprecated use `api: { fetch }` */
  readonly fetch?: FetchLike;
  /** @deprecated use `api: { timeoutMs }` */
  readonly timeoutMs?: number;
  /** @deprecated use `api: { busyRetries }` */
  readonly busyRetries?: number;
  /** @deprecated use `api: { busyBackoffMs }` */
  readonly busyBackoffMs?: number;
  /** @deprecated use `api` */
  readonly transport?: ApiTransport;
}

export interface ExchangeOptions {
  /** Further attempts after a transient failure (timeout, network, HTTP, busy, lock) (default 3). */
  readonly retries?: number;
  /** Delay before the first retry in ms, doubled each time (default 1000). */
  readonly backoffMs?: number;
}

/** What the credential chain looks like now, for a health check (nothing secret). */
export interface CredentialStatus {
  readonly ticket: {
    readonly present: boolean;
    /** How long ago the latest ticket arrived (WeChat pushes one every 10 minutes). */
    readonly ageMs?: number;
    /** No ticket, or none for 20 minutes: the push has stopped (`startPushTicket()` restarts it). */
    readonly stale: boolean;
  };
  readonly componentToken: {
    readonly present: boolean;
    readonly expiresInMs?: number;
    /** The code of this process's last failed fetch, when the last fetch failed. */
    readonly lastFetchFailed?: string;
  };
  readonly authorizations: {
    /** Authorization codes waiting for their exchange. */
    readonly pending: number;
    readonly oldestAgeMs?: number;
  };
}

/** A ticket older than this means WeChat stopped pushing (it pushes every 10 minutes). */
const TICKET_STALE_MS = 20 * 60_000;

/** The longest `refreshBeforeMs`: half the cached life of a 2-hour token. */
const MAX_REFRESH_BEFORE_MS = 3_600_000;

const TRANSIENT_CODES: ReadonlySet<string> = new Set(['ERR_API_TIMEOUT', 'ERR_API_NETWORK', 'ERR_API_HTTP', 'ERR_LOCK_TIMEOUT', 'ERR_STORE']);

function isTransient(error: unknown): boolean {
  if (error instanceof WechatApiError) return error.errcode === ErrCodeSystemBusy;
  return error instanceof WxOpenError && TRANSIENT_CODES.has(error.code);
}

/** The transport described by the options (the deprecated flat names included), made once. */
function transportOf(options: ComponentCredentialsOptions, hooks: ApiHooks): ApiTransport {
  const api = options.api ?? options.transport;
  if (api instanceof ApiTransport) return api;
  return new ApiTransport({
    apiBase: options.apiBase,
    fetch: options.fetch,
    timeoutMs: options.timeoutMs,
    busyRetries: options.busyRetries,
    busyBackoffMs: options.busyBackoffMs,
    hooks,
    ...optionsObject('api', api),
  });
}

function checkStore(store: unknown): Store {
  const s = store as Partial<Store> | undefined;
  if (!s || typeof s.get !== 'function' || typeof s.setIfAbsent !== 'function' || typeof s.compareAndSet !== 'function') {
    throw new TypeError('wxopen: option `store` must implement the Store interface (for example new MemoryStore())');
  }
  return store as Store;
}

/** Verify ticket, component token, authorization and authorizer tokens of one component. */
export class ComponentCredentials implements PushEffects {
  /** The component appid. */
  readonly appId: string;
  /** The store keys and lock names of this component. */
  readonly keys: CredentialKeys;
  /** The store everything lives in. */
  readonly store: Store;
  /** The WeChat API transport (shared by every client of this component). */
  readonly transport: ApiTransport;
  readonly #component: ComponentToken;
  readonly #authorizers: AuthorizerTokens;
  readonly #outbox: AuthorizationOutbox;
  readonly #client: Client;
  readonly #cache: TokenCache;
  readonly #now: () => number;
  /**
   * JS-SDK tickets (`jsapi`, `wx_card`) of the authorizers: cached, single-flight and locked across processes like
   * the tokens, and the `wx.config` signature (`configSignature`).
   */
  readonly jsTickets: JsTicketCache;
  /** Web authorization on behalf of official accounts (代公众号发起网页授权): URL, code exchange, refresh, user info. */
  readonly oauth: OAuthOnBehalf;
  readonly #oauthStateSecret: string;
  #oauthState: OAuthStateSigner | undefined;

  constructor(options: ComponentCredentialsOptions) {
    if (typeof options !== 'object' || options === null) throw new TypeError('wxopen: ComponentCredentials needs an options object');
    this.appId = requiredString('appId', options.appId, 'the third-party platform appid (第三方平台 appid)');
    const appSecret = requiredString('appSecret', options.appSecret, 'the third-party platform AppSecret');
    this.store = checkStore(options.store);
    this.keys = credentialKeys(this.appId);
    const hooks = Object.freeze({ ...options.hooks });
    const now = options.now ?? Date.now;
    this.transport = transportOf(options, hooks);
    const lock = options.lock ?? new StoreLock(this.store, { prefix: '' });
    this.#now = now;
    const cache = new TokenCache({
      store: this.store,
      lock,
      lockTtlMs: count('lockTtlMs', options.lockTtlMs, 30_000, { min: 1 }),
      lockWaitMs: count('lockWaitMs', options.lockWaitMs, 30_000),
      onLockWait: callback('onLockWait', options.onLockWait, (name: string) =>
        console.warn(`[wxopen] waiting for the lock ${quote(name, 120)}: another process is refreshing this token`),
      ),
      now,
    });
    this.#cache = cache;
    const refreshBeforeMs =
      options.refreshBeforeMs === undefined ? undefined : duration('refreshBeforeMs', options.refreshBeforeMs, 0, { min: 1, max: MAX_REFRESH_BEFORE_MS });
    this.#component = new ComponentToken({
      appId: this.appId,
      appSecret,
      store: this.store,
      transport: this.transport,
      cache,
      keys: this.keys,
      hooks,
      refreshBeforeMs,
      now,
      onTicket: () => this.#outbox.wake(),
    });
    this.#client = new Client(this.transport, {
      param: 'component_access_token',
      token: () => this.componentToken(),
      refreshToken: (failed) => this.refreshComponentToken(failed),
    });
    this.#authorizers = new AuthorizerTokens({
      componentAppId: this.appId,
      store: this.store,
      cache,
      keys: this.keys,
      hooks,
      client: this.#client,
      now,
    });
    const onOutboxError =
      options.onOutboxError ?? ((error: WxOpenError) => console.warn(`[wxopen] authorization outbox: ${error.code} ${error.message}`));
    this.#outbox = new AuthorizationOutbox({
      store: this.store,
      keys: this.keys,
      exchange: (code) => this.#authorizers.queryAuth(code),
      settle: (appId) => this.#settle(appId),
      onExchanged: (appId) => void this.#authorizers.authorizerInfo(appId).catch(() => undefined),
      onError: onOutboxError,
      scanMs: duration('outboxScanMs', options.outboxScanMs, 5_000, { min: 10 }),
      retryFirstMs: duration('outboxRetry.firstMs', options.outboxRetry?.firstMs, 500, { min: 1 }),
      retryMaxMs: duration('outboxRetry.maxMs', options.outboxRetry?.maxMs, 60_000, { min: 1 }),
      now,
    });
    this.#outbox.start();
    this.jsTickets = new JsTicketCache({ cache, componentAppId: this.appId, clientFor: (id) => this.authorizerClient(id), now });
    this.oauth = new OAuthOnBehalf(this.appId, this.#client, this.transport);
    this.#oauthStateSecret = options.oauthStateSecret ?? appSecret;
  }

  /** Signs and checks the OAuth `state` (HMAC, expiring, single use through the store). Made on first use. */
  get oauthState(): OAuthStateSigner {
    this.#oauthState ??= new OAuthStateSigner({ secret: this.#oauthStateSecret, store: this.store, componentAppId: this.appId, now: this.#now });
    return this.#oauthState;
  }

  /** The typed management APIs of an authorized mini program (code, audits, releases, domains, testers, …). */
  miniProgram(authorizerAppId: string): MiniProgramApi {
    return new MiniProgramApi(this.authorizerClient(authorizerAppId), authorizerAppId);
  }

  /**
   * A `Client` carrying the component token as `?access_token=`, which the code template library and the
   * beta registration APIs expect.
   */
  componentAccessTokenClient(): Client {
    return new Client(this.transport, asAccessTokenParam(this.#client.tokens));
  }

  /** A bulk release runner over this component's mini programs (share the store to resume after a crash). */
  releaseRunner(options: Omit<ReleaseRunnerOptions, 'componentAppId' | 'store' | 'clientFor' | 'componentClient'> = {}): ReleaseRunner {
    return new ReleaseRunner({
      ...options,
      componentAppId: this.appId,
      store: this.store,
      clientFor: (appId) => this.authorizerClient(appId),
      componentClient: this.#client,
      now: options.now ?? this.#now,
    });
  }

  // ── push effects ─────────────────────────────────────────────────────────────────────────────────────

  /** Keeps a pushed `component_verify_ticket` as the latest, and the former latest as previous (both durable). */
  async keepVerifyTicket(ticket: string): Promise<void> {
    return this.#component.saveVerifyTicket(requiredString('ticket', ticket));
  }

  /** Queues an authorization code for its exchange, durably; it is exchanged in the background. */
  queueAuthorization(authorization: QueuedAuthorization): Promise<void> {
    return this.#outbox.add(authorization);
  }

  /** Drops everything stored for an authorizer (after an `unauthorized` push). */
  forgetAuthorizer(authorizerAppId: string): Promise<void> {
    return this.#authorizers.forget(authorizerAppId);
  }

  // ── verify ticket and component token ────────────────────────────────────────────────────────────────

  /** Same as `keepVerifyTicket`. */
  saveVerifyTicket(ticket: string): Promise<void> {
    return this.keepVerifyTicket(ticket);
  }

  /** The latest verify ticket, if one was ever received. */
  verifyTicket(): Promise<string | undefined> {
    return this.#component.verifyTicket();
  }

  /** `api_start_push_ticket`: asks WeChat to (re)start pushing the verify ticket every 10 minutes. */
  startPushTicket(): Promise<void> {
    return this.#component.startPushTicket();
  }

  /** The component access token: the stored one, else fetched once (whatever the number of callers). */
  componentToken(): Promise<string> {
    return this.#component.token();
  }

  /**
   * A new component access token. With `failedToken` (the one WeChat refused), the stored token is returned
   * without fetching when it already differs; without it, a fetch is forced.
   */
  refreshComponentToken(failedToken?: string): Promise<string> {
    return this.#component.refresh(failedToken);
  }

  // ── clients ──────────────────────────────────────────────────────────────────────────────────────────

  /** A `Client` carrying the component token (`?component_access_token=`), for the `api_*` endpoints. */
  client(): Client {
    return this.#client;
  }

  /** A `Client` carrying the access token of `authorizerAppId` (`?access_token=`). */
  authorizerClient(authorizerAppId: string): Client {
    return new Client(this.transport, this.authorizer(authorizerAppId));
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
   * (durable) and access token (with the safety margin), and returns the authorization info. Codes pushed by
   * WeChat are exchanged by the outbox; call this for codes from your own authorization page's redirect.
   */
  async queryAuth(authorizationCode: string): Promise<AuthorizerAuthorizationInfo> {
    return this.#authorizers.queryAuth(requiredString('authorizationCode', authorizationCode));
  }

  /** `queryAuth` with retries of transient failures (timeout, network, HTTP status, busy, lock, store). */
  async exchangeAuthorizationCode(authorizationCode: string, options: ExchangeOptions = {}): Promise<AuthorizerAuthorizationInfo> {
    const retries = count('retries', options.retries, 3);
    const backoffMs = count('backoffMs', options.backoffMs, 1000);
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.queryAuth(authorizationCode);
      } catch (error) {
        if (attempt >= retries || !isTransient(error)) throw error;
        await sleep(backoffMs * 2 ** attempt);
      }
    }
  }

  /** Authorization codes pushed by WeChat and not exchanged yet (without the codes). */
  pendingAuthorizations(): Promise<PendingAuthorization[]> {
    return this.#outbox.pending();
  }

  /** Whether WeChat gave the authorizer's refresh token without a code; `false` when it does not know the account. */
  async #settle(appId: string): Promise<boolean> {
    try {
      const info = await this.#authorizers.authorizerInfo(appId);
      const refreshToken = info.authorization_info?.authorizer_refresh_token;
      return typeof refreshToken === 'string' && refreshToken !== '';
    } catch (error) {
      if (error instanceof WechatApiError && error.errcode !== ErrCodeSystemBusy) return false;
      throw error;
    }
  }

  // ── authorizers ──────────────────────────────────────────────────────────────────────────────────────

  /** The `AccessTokenServer` of one authorizer (a `TokenSource` with `param: 'access_token'`). */
  authorizer(authorizerAppId: string): AccessTokenServer {
    return this.#authorizers.server(requiredString('authorizerAppId', authorizerAppId));
  }

  /** The access token of an authorizer: the stored one, else fetched once with its refresh token. */
  async authorizerToken(authorizerAppId: string): Promise<string> {
    return this.#authorizers.token(requiredString('authorizerAppId', authorizerAppId));
  }

  /** As `refreshComponentToken`, for an authorizer's access token. */
  async refreshAuthorizerToken(authorizerAppId: string, failedToken?: string): Promise<string> {
    return this.#authorizers.refresh(requiredString('authorizerAppId', authorizerAppId), failedToken);
  }

  /** The stored refresh token of an authorizer, if any. */
  authorizerRefreshToken(authorizerAppId: string): Promise<string | undefined> {
    return this.#authorizers.refreshToken(authorizerAppId);
  }

  /** The original id (`gh_…`) of an authorizer, when known. */
  authorizerUserName(authorizerAppId: string): Promise<string | undefined> {
    return this.#authorizers.userName(authorizerAppId);
  }

  /** The authorizer appid an original id (`gh_…`) belongs to, when known. */
  authorizerOf(userName: string): Promise<string | undefined> {
    return this.#authorizers.ownerOf(userName);
  }

  /**
   * Whether a message addressed to `userName` may be for `authorizerAppId` (see `AuthorizerTokens.addressee`):
   * synchronous when this process already knows, which is the message path's common case.
   * @internal
   */
  addressee(authorizerAppId: string, userName: string): Addressee | Promise<Addressee> {
    return this.#authorizers.addressee(authorizerAppId, userName);
  }

  /** `api_get_authorizer_info`. Also stores the refresh token and the original id it carries. */
  getAuthorizerInfo(authorizerAppId: string): Promise<AuthorizerInfoResponse> {
    return this.#authorizers.authorizerInfo(authorizerAppId);
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

  /** The state of the chain: ticket age, component token, waiting authorization codes. Nothing secret. */
  async status(): Promise<CredentialStatus> {
    const now = this.#now();
    const [ticket, receivedAt, token, pending] = await Promise.all([
      this.store.get(this.keys.ticket),
      this.store.get(this.keys.ticketReceivedAt),
      this.#cache.read(this.keys.componentToken),
      this.#outbox.pending(),
    ]);
    const ageMs = receivedAt === undefined ? undefined : now - Number(receivedAt);
    const lastFetch = this.#component.lastFetch;
    const oldest = pending.reduce<number | undefined>((min, p) => (min === undefined || p.queuedAt < min ? p.queuedAt : min), undefined);
    return {
      ticket: { present: ticket !== undefined, ageMs, stale: ticket === undefined || (ageMs !== undefined && ageMs > TICKET_STALE_MS) },
      componentToken: {
        present: token !== undefined,
        expiresInMs: token === undefined ? undefined : token.expiresAt - now,
        lastFetchFailed: lastFetch?.code,
      },
      authorizations: { pending: pending.length, oldestAgeMs: oldest === undefined ? undefined : now - oldest },
    };
  }

  /** Waits for the background work started so far (outbox exchanges). */
  idle(): Promise<void> {
    return this.#outbox.idle();
  }

  /** Stops the timers (proactive refresh, outbox scan) after the background work. The store is not closed. */
  async close(): Promise<void> {
    this.#component.close();
    await this.#outbox.close();
  }
}
