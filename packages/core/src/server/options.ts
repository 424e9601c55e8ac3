import type { ApiHooks } from '../api/hooks';
import type { FetchLike } from '../api/transport';
import type { Lock, Store } from '../store/types';
import type { WxOpenError } from '../errors';
import type { HandlerResult } from '../messages/reply';
import type { UnknownMessage, WechatMessage } from '../messages/types';

/** Where a callback error happened, for the error hook. */
export interface ErrorContext {
  /** `auth`: the component URL (授权事件接收 URL); `message`: the authorizer URL (消息与事件接收 URL). */
  readonly endpoint: 'auth' | 'message';
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

export type LateReplyHook = (late: LateReply) => void | Promise<void>;

export interface AuthServerOptions {
  /** The third-party platform's appid (第三方平台 appid, "component appid"). Required. */
  readonly appId: string;
  /** The platform's appsecret. Needed for the credential chain (tokens, API calls); callbacks work without it. */
  readonly appSecret?: string;
  /** The message-check Token (消息校验Token) configured for the platform. Required. */
  readonly token: string;
  /** The 43-character EncodingAESKey (消息加解密Key). Required. */
  readonly encodingAESKey: string;
  /** Where tickets, tokens and dedup marks live. Default: a new `MemoryStore` (one process, not durable). */
  readonly store?: Store;
  /** Cross-process lock for refreshes. Default: a `StoreLock` on `store`. */
  readonly lock?: Lock;
  /**
   * Reject unencrypted POSTs (400 `ERR_ENCRYPTION_REQUIRED`). Default `true`: third-party platforms only
   * use security mode. Set `false` to also accept plain and compatible-mode pushes (verified by `signature`).
   */
  readonly requireEncryption?: boolean;
  /** Largest accepted difference between `timestamp` and the local clock, in seconds. Default 300; 0 disables. */
  readonly maxClockSkewSeconds?: number;
  /** Largest accepted body, in bytes. Default 262 144 (256 KiB). Larger bodies get 413 without being buffered. */
  readonly bodyLimit?: number;
  /** Error hook (the Go SDK's ErrorHandler). Default: one `console.warn` line per error, without secrets. */
  readonly onError?: ErrorHook;
  /**
   * How long a delivery is remembered so that WeChat's retries never run a handler twice, in ms.
   * Default 30 000: WeChat makes three attempts of 5 s each, so its retries end about 15 s after the first
   * delivery; 30 s keeps twice that margin while bounding the memory the marks hold. 0 disables deduplication.
   */
  readonly dedupTtlMs?: number;
  /**
   * Answer `success` when handlers have not finished after this many ms, so WeChat (which waits 5 s) does not
   * retry. Default 4 500; 0 disables.
   */
  readonly replyDeadlineMs?: number;
  /** Receives replies that missed the deadline. Default: a `console.warn` line saying a reply was dropped. */
  readonly onLateReply?: LateReplyHook;
  /**
   * Answer WeChat's 全网发布 (release) automated test for its fixed test accounts, which never reach your
   * handlers (PROTOCOL.md §5). Default `true`. The `QUERY_AUTH_CODE` case needs `appSecret`.
   */
  readonly releaseTest?: boolean;
  /** WeChat API base URL. Default `https://api.weixin.qq.com`; point it at a fake server in tests. */
  readonly apiBase?: string;
  /** `fetch` used for API calls. Default the global `fetch`. */
  readonly fetch?: FetchLike;
  /** Timeout of one API request, in ms. Default 5 000. */
  readonly apiTimeoutMs?: number;
  /** Hooks for quota (45009), invalid ticket (61005/61006), invalid refresh token (61023) and background errors. */
  readonly apiHooks?: ApiHooks;
  /**
   * Refresh the component token this many ms before it expires, from one process only (the lock decides).
   * Default off: tokens are refreshed when first needed after expiry.
   */
  readonly refreshBeforeMs?: number;
  /** Clock in ms, for tests. Default `Date.now`. */
  readonly now?: () => number;
}

export interface ResolvedOptions {
  readonly appId: string;
  readonly appSecret: string | undefined;
  readonly requireEncryption: boolean;
  readonly maxClockSkewSeconds: number;
  readonly bodyLimit: number;
  readonly onError: ErrorHook;
  readonly dedupTtlMs: number;
  readonly replyDeadlineMs: number;
  readonly onLateReply: LateReplyHook;
  readonly releaseTest: boolean;
  readonly now: () => number;
}

export const DEFAULT_BODY_LIMIT = 256 * 1024;
export const DEFAULT_MAX_CLOCK_SKEW_SECONDS = 300;
export const DEFAULT_DEDUP_TTL_MS = 30_000;
export const DEFAULT_REPLY_DEADLINE_MS = 4_500;

const defaultErrorHook: ErrorHook = (error, context) => {
  const where = context.authorizerAppId ? `${context.endpoint} ${context.authorizerAppId}` : context.endpoint;
  console.warn(`[wxopen] ${where}: ${error.code} ${error.message}`);
};

const defaultLateReplyHook: LateReplyHook = (late) => {
  const where = late.authorizerAppId ? ` for ${late.authorizerAppId}` : '';
  console.warn(`[wxopen] a ${late.message.MsgType} reply${where} missed the reply deadline and was dropped (set onLateReply)`);
};

function nonNegative(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new TypeError(`wxopen: option \`${name}\` must be a non-negative number`);
  }
  return value;
}

/** Validates options and copies them into a new frozen object (the caller's object is never changed). */
export function resolveOptions(options: AuthServerOptions): ResolvedOptions {
  if (!options || typeof options !== 'object') throw new TypeError('wxopen: AuthServer needs an options object');
  if (typeof options.appId !== 'string' || options.appId === '') {
    throw new TypeError('wxopen: option `appId` is required: the third-party platform appid (第三方平台 appid)');
  }
  if (typeof options.token !== 'string' || options.token === '') {
    throw new TypeError('wxopen: option `token` is required: the message-check Token configured for the platform');
  }
  return Object.freeze({
    appId: options.appId,
    appSecret: options.appSecret,
    requireEncryption: options.requireEncryption ?? true,
    maxClockSkewSeconds: nonNegative('maxClockSkewSeconds', options.maxClockSkewSeconds, DEFAULT_MAX_CLOCK_SKEW_SECONDS),
    bodyLimit: nonNegative('bodyLimit', options.bodyLimit, DEFAULT_BODY_LIMIT),
    onError: options.onError ?? defaultErrorHook,
    dedupTtlMs: nonNegative('dedupTtlMs', options.dedupTtlMs, DEFAULT_DEDUP_TTL_MS),
    replyDeadlineMs: nonNegative('replyDeadlineMs', options.replyDeadlineMs, DEFAULT_REPLY_DEADLINE_MS),
    onLateReply: options.onLateReply ?? defaultLateReplyHook,
    releaseTest: options.releaseTest ?? true,
    now: options.now ?? Date.now,
  });
}
