/**
 * One HTTP exchange with the WeChat API: build the URL, send JSON, read a bounded body, decode it, turn
 * failures into coded errors. It knows nothing about tokens; `Client` adds them.
 *
 * The exchange distrusts the network: a redirect is never followed (it would carry the token in the query, or
 * re-post an AppSecret and a verify ticket, to wherever `Location` points) but fails with `ERR_API_HTTP`; a
 * body is read as a stream and abandoned past `maxResponseBytes`; every call has a deadline that covers the
 * body too; and no error, detail or cause holds the request URL (its query may hold a token) or `Location`.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { WechatApiError, WxOpenError, optionError } from '../errors';
import { ErrCodeOK, ErrCodeQuotaExceeded, ErrCodeSystemBusy } from './errcode';
import { callHook } from './hooks';
import type { ApiHooks } from './hooks';
import { publish } from '../observe/channels';

/** What the transport passes to `fetch`. */
export interface FetchInit {
  method: string;
  headers: Record<string, string>;
  /** JSON text, or a multipart form (uploads: `Client.postForm`), whose `content-type` with its boundary fetch sets. */
  body?: string | FormData;
  signal: AbortSignal;
  /** Always `'manual'`: a redirect is answered to the transport (which fails), never followed. */
  redirect: 'manual';
}

/** The part of a WHATWG `ReadableStream` the transport reads. */
export interface BodyStreamLike {
  getReader(): {
    read(): Promise<{ readonly done: boolean; readonly value?: Uint8Array }>;
    cancel(reason?: unknown): Promise<void>;
  };
}

/**
 * The part of a `fetch` response the transport reads. The global `fetch` gives all of it. An injected `fetch`
 * may give only `status` and `text()`: the size cap is then checked after the whole body was read.
 */
export interface FetchResponseLike {
  readonly status: number;
  /** `content-type` and `content-length` are read when present. */
  readonly headers?: { get(name: string): string | null };
  /** `true` when the implementation followed a redirect although asked not to: the call fails. */
  readonly redirected?: boolean;
  /** The body as a stream, read chunk by chunk and cancelled past the size cap. */
  readonly body?: BodyStreamLike | null;
  text(): Promise<string>;
  arrayBuffer?(): Promise<ArrayBuffer>;
}

/** The part of `fetch` the transport uses, so that any compatible implementation can be injected. */
export type FetchLike = (url: string, init: FetchInit) => Promise<FetchResponseLike>;

/** Query parameters; `undefined` values are left out. */
export type Query = Readonly<Record<string, string | number | undefined>>;

/** A decoded WeChat response. */
export type ApiResponse = Record<string, unknown>;

/** A binary answer (an image such as a mini-program code), with the content type WeChat gave. */
export interface BinaryResponse {
  readonly contentType: string;
  readonly bytes: Buffer;
}

/** Limits of one call, overriding the transport's defaults. */
export interface CallOptions {
  /** Time allowed for this call, body included, in ms (default: the transport's `timeoutMs`). */
  readonly timeoutMs?: number;
  /** Largest body accepted for this call, in bytes (default: the transport's limit for the kind of answer). */
  readonly maxResponseBytes?: number;
}

/** A file sent in a multipart upload. */
export interface UploadFile {
  /** Its bytes. */
  readonly content: Uint8Array | Blob;
  /** Its name as WeChat records it; WeChat reads the format from its extension (`screenshot.png`). */
  readonly filename: string;
  /** Its media type, such as `image/png`. Default: a Blob's own type, else `application/octet-stream`. */
  readonly contentType?: string;
}

/** A `multipart/form-data` body: files by field name, and text fields. */
export interface UploadForm {
  readonly files: Readonly<Record<string, UploadFile>>;
  readonly fields?: Readonly<Record<string, string>>;
}

export interface ApiRequest extends CallOptions {
  readonly method: 'GET' | 'POST';
  /** Path such as `/cgi-bin/component/api_query_auth`; a query string in it is kept. */
  readonly path: string;
  readonly query?: Query;
  /** JSON-serialisable body, POST only. */
  readonly body?: unknown;
  /** Sent as `multipart/form-data` instead of `body` (a POST). */
  readonly form?: UploadForm;
}

export interface ApiTransportOptions {
  /** Base URL of the API (default `https://api.weixin.qq.com`). Tests point it at the fake WeChat server. */
  readonly apiBase?: string;
  /** `fetch` implementation (default the global `fetch`). */
  readonly fetch?: FetchLike;
  /** Time allowed for one request, body included, in ms (default 5000); exceeding it fails with `ERR_API_TIMEOUT`. */
  readonly timeoutMs?: number;
  /** Largest JSON body accepted, in bytes (default 1 MiB); a larger one fails with `ERR_API_RESPONSE`. */
  readonly maxResponseBytes?: number;
  /** Largest binary body accepted (`requestBytes`), in bytes (default 10 MiB). */
  readonly maxBinaryResponseBytes?: number;
  /** How many times a `-1` (system busy) answer is retried (default 2). */
  readonly busyRetries?: number;
  /** Delay before the first busy retry, in ms, doubled each time (default 200). */
  readonly busyBackoffMs?: number;
  /** Hooks; the transport fires `onQuotaExceeded`. */
  readonly hooks?: ApiHooks;
}

/** A request path without its query string (which may hold a token). */
function apiPath(path: string): string {
  const query = path.indexOf('?');
  return query < 0 ? path : path.slice(0, query);
}

export const DEFAULT_API_BASE = 'https://api.weixin.qq.com';
const DEFAULT_MAX_JSON_BYTES = 1024 * 1024;
const DEFAULT_MAX_BINARY_BYTES = 10 * 1024 * 1024;
/** A binary answer this small that starts with `{` is read as a possible JSON error (an image never starts so). */
const MAX_SNIFFED_JSON_BYTES = 64 * 1024;

function nonNegativeInteger(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 0) throw optionError(name, 'must be a non-negative integer');
  return value;
}

function positiveInteger(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value <= 0) throw optionError(name, 'must be an integer greater than 0');
  return value;
}

/** What one exchange gave back before decoding; `api` is the path called, without its query. */
interface RawAnswer {
  readonly api: string;
  readonly contentType: string;
  readonly bytes: Buffer;
}

/** Sends requests to the WeChat API. Errors never contain the query string (it may hold a token). */
export class ApiTransport {
  readonly apiBase: string;
  readonly #fetch: FetchLike;
  readonly #timeoutMs: number;
  readonly #maxJsonBytes: number;
  readonly #maxBinaryBytes: number;
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
    this.#maxJsonBytes = positiveInteger('maxResponseBytes', options.maxResponseBytes, DEFAULT_MAX_JSON_BYTES);
    this.#maxBinaryBytes = positiveInteger('maxBinaryResponseBytes', options.maxBinaryResponseBytes, DEFAULT_MAX_BINARY_BYTES);
    this.#busyRetries = nonNegativeInteger('busyRetries', options.busyRetries, 2);
    this.#busyBackoffMs = nonNegativeInteger('busyBackoffMs', options.busyBackoffMs, 200);
    this.#hooks = options.hooks ?? {};
  }

  /** Sends the request; resolves to the decoded JSON body when `errcode` is absent or 0. */
  request(request: ApiRequest): Promise<ApiResponse> {
    return this.#withRetries(request.path, async () => {
      const answer = await this.#exchange(request, this.#maxJsonBytes);
      return decode(answer.bytes.toString('utf8'), answer.api);
    });
  }

  /**
   * Sends the request and resolves to the body as bytes, for APIs that answer with a file (an image). A JSON
   * body with a non-zero `errcode` is WeChat's error and rejects with `WechatApiError`, as in `request`.
   */
  requestBytes(request: ApiRequest): Promise<BinaryResponse> {
    return this.#withRetries(request.path, async () => {
      const answer = await this.#exchange(request, this.#maxBinaryBytes);
      rejectJsonError(answer.bytes, answer.api);
      return { contentType: answer.contentType, bytes: answer.bytes };
    });
  }

  async #withRetries<T>(path: string, call: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      const started = performance.now();
      try {
        const result = await call();
        publish('wxopen:api', () => ({ api: apiPath(path), outcome: 'ok', durationMs: performance.now() - started }));
        return result;
      } catch (error) {
        publish('wxopen:api', () => ({
          api: apiPath(path),
          outcome: 'error',
          code: error instanceof WxOpenError ? error.code : 'ERR_API_NETWORK',
          errcode: error instanceof WechatApiError ? error.errcode : undefined,
          durationMs: performance.now() - started,
        }));
        if (error instanceof WechatApiError && error.errcode === ErrCodeSystemBusy && attempt < this.#busyRetries) {
          await delay(this.#busyBackoffMs * 2 ** attempt);
          continue;
        }
        if (error instanceof WechatApiError && error.errcode === ErrCodeQuotaExceeded) {
          callHook(this.#hooks.onQuotaExceeded, error);
        }
        throw error;
      }
    }
  }

  async #exchange(request: ApiRequest, defaultMaxBytes: number): Promise<RawAnswer> {
    const timeoutMs = positiveInteger('timeoutMs', request.timeoutMs, this.#timeoutMs);
    const maxBytes = positiveInteger('maxResponseBytes', request.maxResponseBytes, defaultMaxBytes);
    const url = new URL(this.apiBase + request.path);
    const api = url.pathname;
    for (const [name, value] of Object.entries(request.query ?? {})) {
      if (value !== undefined) url.searchParams.set(name, String(value));
    }
    const controller = new AbortController();
    const init: FetchInit = {
      method: request.method,
      headers: { accept: 'application/json' },
      signal: controller.signal,
      redirect: 'manual',
    };
    if (request.form !== undefined) {
      init.body = formData(request.form); // built for each attempt: a retry after a token refresh sends it whole again
    } else if (request.method === 'POST') {
      init.headers['content-type'] = 'application/json; charset=utf-8';
      init.body = JSON.stringify(request.body ?? {});
    }

    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    // An injected fetch may ignore the signal: the deadline still ends the wait.
    const deadline = new Promise<never>((_, reject) => controller.signal.addEventListener('abort', () => reject(ABORTED), { once: true }));
    deadline.catch(() => undefined);
    try {
      const response = await Promise.race([this.#fetch(url.href, init), deadline]);
      const status = response.status;
      if (response.redirected === true) throw httpError(api, 'was redirected (redirects are not followed)');
      if (status >= 300 && status <= 399) throw httpError(api, `HTTP ${status} (redirects are not followed)`);
      if (status < 200 || status > 299) throw httpError(api, `HTTP ${status}`);
      const bytes = await Promise.race([readBody(response, maxBytes, api), deadline]);
      return { api, contentType: response.headers?.get('content-type') ?? '', bytes };
    } catch (error) {
      if (timedOut) throw new WxOpenError('ERR_API_TIMEOUT', { detail: `${api} after ${timeoutMs} ms` });
      if (error instanceof WxOpenError) throw error;
      const cause = networkCause(error);
      throw new WxOpenError('ERR_API_NETWORK', { detail: `${api} ${cause.message}`, cause });
    } finally {
      clearTimeout(timer);
      // Whatever was not read (an error status, an oversized body) is dropped with its connection.
      if (!controller.signal.aborted) controller.abort();
    }
  }
}

const ABORTED = new Error('aborted');

/** Checks an upload form before anything is sent: a `TypeError` that names the field. */
export function checkUploadForm(form: UploadForm): void {
  if (typeof form !== 'object' || form === null || typeof form.files !== 'object' || form.files === null) {
    throw new TypeError('wxopen: an upload needs { files: { <field>: { content, filename } } }');
  }
  for (const [name, value] of Object.entries(form.fields ?? {})) {
    if (typeof value !== 'string') throw new TypeError(`wxopen: upload field \`${name}\` must be a string`);
  }
  for (const [name, file] of Object.entries(form.files)) {
    const content: unknown = file?.content;
    if (!(content instanceof Uint8Array) && !(content instanceof Blob)) {
      throw new TypeError(`wxopen: upload \`${name}\` needs its content as a Buffer, Uint8Array or Blob`);
    }
    if (typeof file.filename !== 'string' || file.filename.trim() === '') {
      throw new TypeError(`wxopen: upload \`${name}\` needs a filename (WeChat reads the format from its extension)`);
    }
  }
}

/** The `FormData` of a checked upload form. */
function formData(form: UploadForm): FormData {
  const data = new FormData();
  for (const [name, value] of Object.entries(form.fields ?? {})) data.append(name, value);
  for (const [name, { content, filename, contentType }] of Object.entries(form.files)) {
    const type = contentType ?? (content instanceof Blob && content.type !== '' ? content.type : 'application/octet-stream');
    data.append(name, content instanceof Blob && content.type === type ? content : new Blob([content], { type }), filename);
  }
  return data;
}

function httpError(api: string, what: string): WxOpenError {
  return new WxOpenError('ERR_API_HTTP', { detail: `${api} ${what}` });
}

function tooLarge(api: string, maxBytes: number): WxOpenError {
  return new WxOpenError('ERR_API_RESPONSE', { detail: `${api} body exceeds ${maxBytes} bytes` });
}

/** Reads the body, abandoning it as soon as it is known to exceed `maxBytes`. */
async function readBody(response: FetchResponseLike, maxBytes: number, api: string): Promise<Buffer> {
  const declared = Number(response.headers?.get('content-length') ?? Number.NaN);
  if (declared > maxBytes) throw tooLarge(api, maxBytes);
  const stream = response.body;
  if (stream && typeof stream.getReader === 'function') {
    const reader = stream.getReader();
    const chunks: Buffer[] = [];
    let size = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (!value) continue;
      size += value.byteLength;
      if (size > maxBytes) {
        reader.cancel().catch(() => undefined);
        throw tooLarge(api, maxBytes);
      }
      chunks.push(Buffer.from(value.buffer, value.byteOffset, value.byteLength));
    }
    return Buffer.concat(chunks, size);
  }
  const bytes = typeof response.arrayBuffer === 'function' ? Buffer.from(await response.arrayBuffer()) : Buffer.from(await response.text(), 'utf8');
  if (bytes.length > maxBytes) throw tooLarge(api, maxBytes);
  return bytes;
}

/**
 * A cause for a network failure built from codes and names only. The error a `fetch` throws may quote the
 * URL (with its token) in its message or in the message of a cause, so none of those messages is kept.
 */
function networkCause(error: unknown): Error {
  const parts: string[] = [];
  let current: unknown = error;
  let code: string | undefined;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    const name = (current as { name?: unknown }).name;
    const ownCode = (current as { code?: unknown }).code;
    if (typeof name === 'string' && /^[A-Za-z]{1,40}$/.test(name)) parts.push(name);
    if (typeof ownCode === 'string' && /^[A-Z][A-Z0-9_]{1,40}$/.test(ownCode)) {
      parts.push(ownCode);
      code = ownCode;
    }
    current = (current as { cause?: unknown }).cause;
  }
  const cause = new Error(parts.length > 0 ? [...new Set(parts)].join(' ') : 'request failed');
  cause.name = 'ApiNetworkError';
  if (code !== undefined) Object.assign(cause, { code });
  return cause;
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

/**
 * APIs that answer with a file answer their errors as JSON, whatever the content type says. A small body that
 * starts with `{` is decoded: a non-zero `errcode` rejects; anything else is returned as bytes.
 */
function rejectJsonError(bytes: Buffer, api: string): void {
  if (bytes.length > MAX_SNIFFED_JSON_BYTES) return;
  let start = 0;
  while (start < bytes.length && (bytes[start] === 0x20 || bytes[start] === 0x0a || bytes[start] === 0x0d || bytes[start] === 0x09)) start++;
  if (bytes[start] !== 0x7b /* { */) return;
  let body: unknown;
  try {
    body = JSON.parse(bytes.toString('utf8'));
  } catch {
    return;
  }
  if (typeof body === 'object' && body !== null && !Array.isArray(body) && (body as ApiResponse)['errcode'] !== undefined) decode(bytes.toString('utf8'), api);
}
