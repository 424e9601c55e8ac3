/**
 * One HTTP exchange with the WeChat API: build the URL, send JSON, decode JSON, turn failures into coded
 * errors. It knows nothing about tokens; `Client` adds them.
 */
import { WechatApiError, WxOpenError, optionError } from '../errors';
import { ErrCodeOK, ErrCodeQuotaExceeded, ErrCodeSystemBusy } from './errcode';
import { callHook } from './hooks';
import type { ApiHooks } from './hooks';

/** The part of `fetch` the transport uses, so that any compatible implementation can be injected. */
export type FetchLike = (
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string; signal: AbortSignal },
) => Promise<{ readonly status: number; text(): Promise<string> }>;

/** Query parameters; `undefined` values are left out. */
export type Query = Readonly<Record<string, string | number | undefined>>;

/** A decoded WeChat response. */
export type ApiResponse = Record<string, unknown>;

export interface ApiRequest {
  readonly method: 'GET' | 'POST';
  /** Path such as `/cgi-bin/component/api_query_auth`; a query string in it is kept. */
  readonly path: string;
  readonly query?: Query;
  /** JSON-serialisable body, POST only. */
  readonly body?: unknown;
}

export interface ApiTransportOptions {
  /** Base URL of the API (default `https://api.weixin.qq.com`). Tests point it at the fake WeChat server. */
  readonly apiBase?: string;
  /** `fetch` implementation (default the global `fetch`). */
  readonly fetch?: FetchLike;
  /** Time allowed for one request, in ms (default 5000); exceeding it fails with `ERR_API_TIMEOUT`. */
  readonly timeoutMs?: number;
  /** How many times a `-1` (system busy) answer is retried (default 2). */
  readonly busyRetries?: number;
  /** Delay before the first busy retry, in ms, doubled each time (default 200). */
  readonly busyBackoffMs?: number;
  /** Hooks; the transport fires `onQuotaExceeded`. */
  readonly hooks?: ApiHooks;
}

export const DEFAULT_API_BASE = 'https://api.weixin.qq.com';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function nonNegativeInteger(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 0) throw optionError(name, 'must be a non-negative integer');
  return value;
}

/** Sends requests to the WeChat API. Errors never contain the query string (it may hold a token). */
export class ApiTransport {
  readonly apiBase: string;
  readonly #fetch: FetchLike;
  readonly #timeoutMs: number;
  readonly #busyRetries: number;
  readonly #busyBackoffMs: number;
  readonly #hooks: ApiHooks;

  constructor(options: ApiTransportOptions = {}) {
    const base = options.apiBase ?? DEFAULT_API_BASE;
    let parsed: URL;
    try {
      parsed = new URL(base);
    } catch {
      throw optionError('apiBase', 'must be an absolute http(s) URL such as https://api.weixin.qq.com');
    }
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
      throw optionError('apiBase', 'must be an absolute http(s) URL such as https://api.weixin.qq.com');
    }
    this.apiBase = base.replace(/\/+$/, '');
    const fetchImpl = options.fetch ?? (globalThis.fetch as FetchLike | undefined);
    if (typeof fetchImpl !== 'function') throw optionError('fetch', 'must be a fetch function (Node >= 20 has one built in)');
    this.#fetch = fetchImpl;
    this.#timeoutMs = nonNegativeInteger('timeoutMs', options.timeoutMs, 5000);
    if (this.#timeoutMs === 0) throw optionError('timeoutMs', 'must be greater than 0');
    this.#busyRetries = nonNegativeInteger('busyRetries', options.busyRetries, 2);
    this.#busyBackoffMs = nonNegativeInteger('busyBackoffMs', options.busyBackoffMs, 200);
    this.#hooks = options.hooks ?? {};
  }

  /** Sends the request; resolves to the decoded body when `errcode` is absent or 0. */
  async request(request: ApiRequest): Promise<ApiResponse> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.#once(request);
      } catch (error) {
        if (error instanceof WechatApiError && error.errcode === ErrCodeSystemBusy && attempt < this.#busyRetries) {
          await sleep(this.#busyBackoffMs * 2 ** attempt);
          continue;
        }
        if (error instanceof WechatApiError && error.errcode === ErrCodeQuotaExceeded) {
          callHook(this.#hooks.onQuotaExceeded, error);
        }
        throw error;
      }
    }
  }

  async #once(request: ApiRequest): Promise<ApiResponse> {
    const url = new URL(this.apiBase + request.path);
    const api = url.pathname;
    for (const [name, value] of Object.entries(request.query ?? {})) {
      if (value !== undefined) url.searchParams.set(name, String(value));
    }
    const init: Parameters<FetchLike>[1] = {
      method: request.method,
      headers: { accept: 'application/json' },
      signal: AbortSignal.timeout(this.#timeoutMs),
    };
    if (request.method === 'POST') {
      init.headers['content-type'] = 'application/json; charset=utf-8';
      init.body = JSON.stringify(request.body ?? {});
    }

    let status: number;
    let text: string;
    try {
      const response = await this.#fetch(url.href, init);
      status = response.status;
      text = await response.text();
    } catch (error) {
      if (init.signal.aborted) throw new WxOpenError('ERR_API_TIMEOUT', { detail: `${api} after ${this.#timeoutMs} ms` });
      throw new WxOpenError('ERR_API_NETWORK', { detail: api, cause: error });
    }
    if (status < 200 || status > 299) throw new WxOpenError('ERR_API_HTTP', { detail: `${api} HTTP ${status}` });
    return decode(text, api);
  }
}

/** Decodes a WeChat JSON body; a non-zero `errcode` becomes a `WechatApiError`. */
function decode(text: string, api: string): ApiResponse {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new WxOpenError('ERR_API_RESPONSE', { detail: `${api} body is not JSON` });
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new WxOpenError('ERR_API_RESPONSE', { detail: `${api} body is not a JSON object` });
  }
  const record = body as ApiResponse;
  const errcode = record['errcode'] === undefined ? ErrCodeOK : Number(record['errcode']);
  if (!Number.isInteger(errcode)) throw new WxOpenError('ERR_API_RESPONSE', { detail: `${api} errcode is not a number` });
  if (errcode !== ErrCodeOK) {
    const errmsg = typeof record['errmsg'] === 'string' ? record['errmsg'] : '';
    throw new WechatApiError(errcode, errmsg, api);
  }
  return record;
}
