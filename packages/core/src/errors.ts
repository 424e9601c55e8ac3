/**
 * Errors of wxopen.
 *
 * Two families, kept apart on purpose:
 * - Programmer errors (bad options, a body already consumed by another parser) are thrown as `TypeError`
 *   at construction or mounting time, with a sentence that names the fix.
 * - Protocol errors are `WxOpenError` with a stable `code`. Their messages are generic and never contain a
 *   token, key, ticket, signature or any other secret. The HTTP status for each callback error code is
 *   decided here, so adapters never choose status codes.
 */

/** Codes of errors raised while handling a callback request. */
export type CallbackErrorCode =
  | 'ERR_METHOD'
  | 'ERR_QUERY'
  | 'ERR_SIGNATURE'
  | 'ERR_MSG_SIGNATURE'
  | 'ERR_TIMESTAMP'
  | 'ERR_APPID'
  | 'ERR_DECRYPT'
  | 'ERR_XML'
  | 'ERR_JSON'
  | 'ERR_ENCRYPTION_REQUIRED'
  | 'ERR_BODY'
  | 'ERR_BODY_LIMIT'
  | 'ERR_BODY_TIMEOUT'
  | 'ERR_ROUTE'
  | 'ERR_AUTHORIZER'
  | 'ERR_STORE'
  | 'ERR_HANDLER'
  | 'ERR_REPLY'
  | 'ERR_RESPONSE';

/** Codes of errors raised by the credential chain and the API client. */
export type CredentialErrorCode =
  | 'ERR_NO_TICKET'
  | 'ERR_NO_REFRESH_TOKEN'
  | 'ERR_AUTH_CODE'
  | 'ERR_API'
  | 'ERR_API_HTTP'
  | 'ERR_API_TIMEOUT'
  | 'ERR_API_NETWORK'
  | 'ERR_API_RESPONSE'
  | 'ERR_LOCK_TIMEOUT';

export type WxOpenErrorCode = CallbackErrorCode | CredentialErrorCode;

/** HTTP status answered for each callback error. */
export const STATUS_BY_CODE: Readonly<Record<CallbackErrorCode, number>> = Object.freeze({
  ERR_METHOD: 405,
  ERR_QUERY: 400,
  ERR_SIGNATURE: 401,
  ERR_MSG_SIGNATURE: 401,
  ERR_TIMESTAMP: 401,
  ERR_APPID: 401,
  ERR_DECRYPT: 400,
  ERR_XML: 400,
  ERR_JSON: 400,
  ERR_ENCRYPTION_REQUIRED: 400,
  ERR_BODY: 400,
  ERR_BODY_LIMIT: 413,
  ERR_BODY_TIMEOUT: 408,
  ERR_ROUTE: 400,
  ERR_AUTHORIZER: 403,
  ERR_STORE: 503,
  ERR_HANDLER: 500,
  ERR_REPLY: 500,
  ERR_RESPONSE: 500,
});

const GENERIC_MESSAGE: Readonly<Record<WxOpenErrorCode, string>> = Object.freeze({
  ERR_METHOD: 'method not allowed',
  ERR_QUERY: 'missing or malformed query parameter',
  ERR_SIGNATURE: 'signature check failed',
  ERR_MSG_SIGNATURE: 'msg_signature check failed',
  ERR_TIMESTAMP: 'timestamp outside the allowed clock skew',
  ERR_APPID: 'appid of the decrypted message does not match',
  ERR_DECRYPT: 'encrypted payload could not be decrypted',
  ERR_XML: 'body is not a valid WeChat XML document',
  ERR_JSON: 'body is not a valid WeChat JSON document',
  ERR_ENCRYPTION_REQUIRED: 'plain message rejected: encryption is required',
  ERR_BODY: 'request body could not be read',
  ERR_BODY_LIMIT: 'request body exceeds the limit',
  ERR_BODY_TIMEOUT: 'request body was not received in time',
  ERR_ROUTE: 'the route appid is not a WeChat appid',
  ERR_AUTHORIZER: 'message is addressed to another authorizer than the URL names',
  ERR_STORE: 'the store is unreachable or too slow',
  ERR_HANDLER: 'handler failed',
  ERR_REPLY: 'reply could not be built',
  ERR_RESPONSE: 'response could not be written',
  ERR_NO_TICKET:
    'the store holds no component_verify_ticket: WeChat pushes one every 10 minutes to the authorization-event URL; ' +
    'call startPushTicket() to restart the push',
  ERR_NO_REFRESH_TOKEN: 'no refresh token is stored for this authorizer',
  ERR_AUTH_CODE: 'authorization code could not be exchanged before it expired',
  ERR_API: 'WeChat API returned an error',
  ERR_API_HTTP: 'WeChat API answered with an unexpected HTTP status',
  ERR_API_TIMEOUT: 'WeChat API request timed out',
  ERR_API_NETWORK: 'WeChat API could not be reached',
  ERR_API_RESPONSE: 'WeChat API answered with an unexpected body',
  ERR_LOCK_TIMEOUT: 'timed out waiting for a credential lock',
});

export interface WxOpenErrorOptions {
  /** A short, secret-free detail such as `"padding byte 0"` or `"missing msg_signature"`. */
  readonly detail?: string;
  readonly cause?: unknown;
}

/** The one error base class of wxopen. Narrow on `code`. */
export class WxOpenError extends Error {
  override readonly name: string = 'WxOpenError';
  readonly code: WxOpenErrorCode;
  /** A short, secret-free detail that says which part of the check failed. */
  readonly detail: string | undefined;

  constructor(code: WxOpenErrorCode, options: WxOpenErrorOptions = {}) {
    const base = GENERIC_MESSAGE[code];
    super(options.detail ? `${base}: ${options.detail}` : base, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.detail = options.detail;
  }

  /** The HTTP status a callback answers with for this error (500 for non-callback codes). */
  get status(): number {
    return (STATUS_BY_CODE as Record<string, number | undefined>)[this.code] ?? 500;
  }
}

/** Type guard that survives several copies of the package (checks the shape, not the prototype only). */
export function isWxOpenError(value: unknown): value is WxOpenError {
  return (
    value instanceof WxOpenError ||
    (value instanceof Error &&
      typeof (value as { code?: unknown }).code === 'string' &&
      (value.name === 'WxOpenError' || value.name === 'WechatApiError'))
  );
}

/** Throws a `TypeError` that names an option and the fix. For programmer errors only. */
export function optionError(option: string, fix: string): TypeError {
  return new TypeError(`wxopen: option \`${option}\` ${fix}`);
}

/** Exhaustiveness helper for discriminated unions. */
export function assertNever(value: never, what = 'value'): never {
  throw new TypeError(`wxopen: unexpected ${what}: ${String(value)}`);
}

/** An error answered by the WeChat API (`{ errcode, errmsg }` with a non-zero errcode). */
export class WechatApiError extends WxOpenError {
  override readonly name: string = 'WechatApiError';
  readonly errcode: number;
  /** WeChat's own message (it carries a `rid` for WeChat support, never a credential). */
  readonly errmsg: string;
  /** The API path that failed, without its query string (which may hold a token). */
  readonly api: string;

  constructor(errcode: number, errmsg: string, api: string) {
    super('ERR_API', { detail: `${api} errcode ${errcode} ${errmsg}` });
    this.errcode = errcode;
    this.errmsg = errmsg;
    this.api = api;
  }
}
