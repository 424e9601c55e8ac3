import type { ApiHooks } from '../api/hooks';
import type { ApiTransport, ApiTransportOptions, FetchLike } from '../api/transport';
import type { ComponentCredentials, ComponentCredentialsOptions } from '../credentials/component';
import type { WxOpenError } from '../errors';
import type { HandlerResult } from '../messages/reply';
import type { UnknownMessage, WechatMessage } from '../messages/types';
import type { Lock, Store } from '../store/types';
import { callback, duration, flag, requiredString } from '../util/check';
import { oneLine, quote } from '../util/log';

/** Where a callback error happened, for the error hook. */
export interface ErrorContext {
  /** `auth`: the component URL (授权事件接收 URL); `message`: the authorizer URL (消息与事件接收 URL). */
  readonly endpoint: 'auth' | 'message';
  /** The authorizer appid of the route; untrusted until it passed the route check: quote it before logging. */
  readonly authorizerAppId?: string;
}

/** Called for every rejected request and every handler failure. Must not throw. */
export type ErrorHook = (error: WxOpenError, context: ErrorContext) => void;

/** A reply that was ready only after the deadline, when `success` had already been answered. */
export interface LateReply {
  readonly authorizerAppId: string | undefined;
  readonly message: WechatMessage | UnknownMessage;
  /** What the handler returned; send it with the customer-service API if it matters. */
  readonly reply: HandlerResult;
}

/** Receives a late reply; what it returns is ignored. */
export type LateReplyHook = (late: LateReply) => unknown;

/** Credential options `AuthServer` builds its `ComponentCredentials` with (the appid and store are its own). */
export type CredentialOptions = Omit<ComponentCredentialsOptions, 'appId' | 'store'>;

export interface AuthServerOptions {
  /** The third-party platform's appid (第三方平台 appid, "component appid"). Required. */
  readonly appId: string;
  /** The message-check Token (消息校验Token) configured for the platform. Required. */
  readonly token: string;
  /** The 43-character EncodingAESKey (消息加解密Key). Required. */
  readonly encodingAESKey: string;
  /**
   * The platform's AppSecret: turns on the credential chain (tickets, tokens, API calls) with the default options.
   * Shorthand for `credentials: { appSecret }`. Callbacks work without it.
   */
  readonly appSecret?: string;
  /**
   * The credential chain: an instance to share (`new ComponentCredentials({...})`, with the same appid and store),
   * or the options of the one this server builds (`{ appSecret, api, hooks, refreshBeforeMs, … }`).
   */
  readonly credentials?: ComponentCredentials | CredentialOptions;
  /** Where tickets, tokens and delivery marks live. Default: a new `MemoryStore` (one process, not durable). */
  readonly store?: Store;
  /**
   * Reject unencrypted POSTs (400 `ERR_ENCRYPTION_REQUIRED`). Default `true`: third-party platforms only use
   * security mode. Set `false` to also accept plain and compatible-mode pushes (verified by `signature`).
   */
  readonly requireEncryption?: boolean;
  /** Largest accepted difference between `timestamp` and the local clock, in seconds. Default 300; 0 disables. */
  readonly maxClockSkewSeconds?: number;
  /** Largest accepted body, in bytes. Default 262 144 (256 KiB). Larger bodies get 413 without being buffered. */
  readonly bodyLimit?: number;
  /** Longest time to receive a whole body, in ms. Default 10 000; 0 disables. Slower bodies get 408. */
  readonly bodyTimeoutMs?: number;
  /** Longest pause between two chunks of a body, in ms. Default 5 000; 0 disables. A stalled body gets 408. */
  readonly bodyIdleTimeoutMs?: number;
  /**
   * Longest time one store call may take on the callback path, in ms (default 1 500). A slower or failing store
   * answers 503 `ERR_STORE`, so WeChat retries: never `success` for a push that was not claimed.
   */
  readonly storeTimeoutMs?: number;
  /** Error hook (the Go SDK's ErrorHandler). Default: one `console.warn` line per error, without secrets. */
  readonly onError?: ErrorHook;
  /**
   * How long a finished delivery's reply is kept for WeChat's retries, in ms. Default 30 000: WeChat makes three
   * attempts of 5 s each, so its retries end about 15 s after the first. Replays of a push are refused for as long
   * as its timestamp is accepted, whatever this is. 0 disables deduplication and replay protection.
   */
  readonly dedupTtlMs?: number;
  /**
   * Lifetime of a delivery's claim in a shared store, renewed while its handlers run, in ms (default 3 000). A
   * process that dies mid-handler leaves a claim that expires within this time, so WeChat's next attempt runs it.
   */
  readonly leaseMs?: number;
  /**
   * Answer `success` when handlers have not finished after this many ms, so WeChat (which waits 5 s) does not
   * retry; only once the push is claimed. Default 4 500; 0 disables.
   */
  readonly replyDeadlineMs?: number;
  /** Receives replies that missed the deadline. Default: a `console.warn` line saying a reply was dropped. */
  readonly onLateReply?: LateReplyHook;
  /**
   * Answer WeChat's 全网发布 (release) automated test for its fixed test accounts, which never reach your
   * handlers. Default `true`. The `QUERY_AUTH_CODE` case needs the credential chain.
   * https://developers.weixin.qq.com/doc/oplatform/Third-party_Platforms/2.0/operation/thirdparty/releases_instructions.html
   */
  readonly releaseTest?: boolean;
  /**
   * Refuse (403 `ERR_AUTHORIZER`) a message whose `ToUserName` belongs to another authorizer than the URL's appid.
   * Each authorizer's original id is learnt from `api_get_authorizer_info` (needs the credential chain). Default `true`.
   */
  readonly checkAddressee?: boolean;
  /** Clock in ms, for tests. Default `Date.now`. */
  readonly now?: () => number;
  /** @deprecated use `credentials: { lock }` */
  readonly lock?: Lock;
  /** @deprecated use `credentials: { api: { apiBase } }` */
  readonly apiBase?: string;
  /** @deprecated use `credentials: { api: { fetch } }` */
  readonly fetch?: FetchLike;
  /** @deprecated use `credentials: { api: { timeoutMs } }` */
  readonly apiTimeoutMs?: number;
  /** @deprecated use `credentials: { hooks }` */
  readonly apiHooks?: ApiHooks;
  /** @deprecated use `credentials: { refreshBeforeMs }` */
  readonly refreshBeforeMs?: number;
}

export interface ResolvedOptions {
  readonly appId: string;
  readonly requireEncryption: boolean;
  readonly maxClockSkewSeconds: number;
  readonly bodyLimit: number;
  readonly bodyTimeoutMs: number;
  readonly bodyIdleTimeoutMs: number;
  readonly storeTimeoutMs: number;
  readonly onError: ErrorHook;
  readonly dedupTtlMs: number;
  readonly leaseMs: number;
  readonly replyDeadlineMs: number;
  readonly onLateReply: LateReplyHook;
  readonly releaseTest: boolean;
  readonly checkAddressee: boolean;
  readonly now: () => number;
}

export const DEFAULT_BODY_LIMIT = 256 * 1024;

/** The first line of an error's cause chain, for the log (handlers' messages say what went wrong). */
function causeOf(error: WxOpenError): string {
  const cause = error.cause;
  if (cause instanceof Error && cause.message !== '') return ` (cause: ${oneLine(cause.message)})`;
  return '';
}

/** One line per error: where, the code, the message and the cause's message; untrusted values quoted. */
export function formatError(error: WxOpenError, context: ErrorContext): string {
  const where = context.authorizerAppId !== undefined ? `${context.endpoint} ${quote(context.authorizerAppId, 40)}` : context.endpoint;
  return `[wxopen] ${where}: ${error.code} ${oneLine(error.message, 300)}${causeOf(error)}`;
}

const defaultErrorHook: ErrorHook = (error, context) => console.warn(formatError(error, context));

const defaultLateReplyHook: LateReplyHook = (late) => {
  const where = late.authorizerAppId ? ` for ${quote(late.authorizerAppId, 40)}` : '';
  console.warn(`[wxopen] a ${quote(late.message.MsgType, 32)} reply${where} missed the reply deadline and was dropped (set onLateReply)`);
};

/** Validates the callback options and copies them into a new frozen object (the caller's object is never changed). */
export function resolveOptions(options: AuthServerOptions): ResolvedOptions {
  if (!options || typeof options !== 'object') throw new TypeError('wxopen: AuthServer needs an options object');
  const dedupTtlMs = duration('dedupTtlMs', options.dedupTtlMs, 30_000);
  return Object.freeze({
    appId: requiredString('appId', options.appId, 'the third-party platform appid (第三方平台 appid)'),
    requireEncryption: flag('requireEncryption', options.requireEncryption, true),
    maxClockSkewSeconds: duration('maxClockSkewSeconds', options.maxClockSkewSeconds, 300),
    bodyLimit: duration('bodyLimit', options.bodyLimit, DEFAULT_BODY_LIMIT),
    bodyTimeoutMs: duration('bodyTimeoutMs', options.bodyTimeoutMs, 10_000),
    bodyIdleTimeoutMs: duration('bodyIdleTimeoutMs', options.bodyIdleTimeoutMs, 5_000),
    storeTimeoutMs: duration('storeTimeoutMs', options.storeTimeoutMs, 1_500, { min: 1, max: 4_000 }),
    onError: callback<ErrorHook>('onError', options.onError, defaultErrorHook),
    dedupTtlMs,
    leaseMs: duration('leaseMs', options.leaseMs, 3_000, { min: 10 }),
    replyDeadlineMs: duration('replyDeadlineMs', options.replyDeadlineMs, 4_500),
    onLateReply: callback<LateReplyHook>('onLateReply', options.onLateReply, defaultLateReplyHook),
    releaseTest: flag('releaseTest', options.releaseTest, true),
    checkAddressee: flag('checkAddressee', options.checkAddressee, true),
    now: callback<() => number>('now', options.now, Date.now),
  });
}

/** The options of the credential chain this server builds, or `undefined` without an AppSecret. */
export function credentialOptions(options: AuthServerOptions): CredentialOptions | undefined {
  const given = options.credentials as CredentialOptions | undefined;
  const appSecret = given?.appSecret ?? options.appSecret;
  if (appSecret === undefined) return undefined;
  const legacyApi = options.apiBase ?? options.fetch ?? options.apiTimeoutMs;
  const api: ApiTransport | ApiTransportOptions | undefined =
    given?.api ?? (legacyApi === undefined ? undefined : { apiBase: options.apiBase, fetch: options.fetch, timeoutMs: options.apiTimeoutMs });
  return {
    ...given,
    appSecret,
    api,
    hooks: given?.hooks ?? options.apiHooks,
    lock: given?.lock ?? options.lock,
    refreshBeforeMs: given?.refreshBeforeMs ?? options.refreshBeforeMs,
    now: given?.now ?? options.now,
  };
}
