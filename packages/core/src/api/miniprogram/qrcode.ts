/**
 * The trial-version QR code (`wxa/get_qrcode`), an image rather than JSON. It needs a client that returns bytes:
 * anything with `getBytes(path, query)` (the core `Client` once it has one), or `createBytesClient` below.
 * https://developers.weixin.qq.com/doc/oplatform/Third-party_Platforms/2.0/api/code/get_qrcode.html
 */
import { WechatApiError, WxOpenError, optionError } from '../../errors';
import type { TokenSource } from '../client';
import { ErrCodeOK, TOKEN_ERRCODES } from '../errcode';
import { DEFAULT_API_BASE } from '../transport';
import type { Query } from '../transport';
import { CODE_API } from './code';

/** A binary answer: its `content-type` and its bytes. */
export interface BinaryResponse {
  readonly contentType: string;
  readonly bytes: Uint8Array;
}

/** What `getTrialQrcode` needs: a GET that resolves to bytes and throws `WechatApiError` for a JSON error body. */
export interface BytesClient {
  getBytes(path: string, query?: Query): Promise<BinaryResponse>;
}

/** The part of `fetch` the bytes client uses. */
export type BytesFetch = (
  url: string,
  init: { method: 'GET'; headers: Record<string, string>; signal: AbortSignal },
) => Promise<{ readonly status: number; readonly headers: { get(name: string): string | null }; arrayBuffer(): Promise<ArrayBuffer> }>;

export interface BytesClientOptions {
  /** Default `https://api.weixin.qq.com`. */
  readonly apiBase?: string;
  readonly fetch?: BytesFetch;
  /** Per request, ms (default 5000). */
  readonly timeoutMs?: number;
  /** Largest body accepted, bytes (default 2 MiB); a larger one fails with `ERR_API_RESPONSE`. */
  readonly maxBytes?: number;
}

/**
 * `wxa/get_qrcode` (authorizer): the trial version's QR code as an image, opening `path` (default the home page;
 * a query string in it is kept). Resolves to the image's content type (`image/jpeg`) and bytes.
 */
export function getTrialQrcode(client: BytesClient, path?: string): Promise<BinaryResponse> {
  return client.getBytes(CODE_API.getQrcode, { path });
}

const JSON_TYPE = /\b(application|text)\/(json|plain)\b/i;

/**
 * A small stand-in for `Client.getBytes`: a GET with the token of `tokens` in the query, the body read as bytes,
 * a JSON body read as a WeChat error, and one token refresh and retry on 40001 / 40014 / 42001 as `Client` does.
 */
export function createBytesClient(tokens: TokenSource, options: BytesClientOptions = {}): BytesClient {
  const base = (options.apiBase ?? DEFAULT_API_BASE).replace(/\/+$/, '');
  if (!/^https?:\/\//i.test(base)) throw optionError('apiBase', 'must be an absolute http(s) URL such as https://api.weixin.qq.com');
  const found = options.fetch ?? (globalThis.fetch as unknown as BytesFetch | undefined);
  if (typeof found !== 'function') throw optionError('fetch', 'must be a fetch function (Node >= 20 has one built in)');
  const fetchImpl: BytesFetch = found;
  const timeoutMs = options.timeoutMs ?? 5000;
  const maxBytes = options.maxBytes ?? 2 * 1024 * 1024;
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) throw optionError('timeoutMs', 'must be a positive integer (ms)');
  if (!Number.isInteger(maxBytes) || maxBytes <= 0) throw optionError('maxBytes', 'must be a positive integer (bytes)');

  async function once(path: string, query: Query | undefined, token: string): Promise<BinaryResponse> {
    const url = new URL(base + path);
    for (const [name, value] of Object.entries(query ?? {})) if (value !== undefined) url.searchParams.set(name, String(value));
    url.searchParams.set(tokens.param, token);
    const signal = AbortSignal.timeout(timeoutMs);
    let status: number;
    let contentType: string;
    let bytes: Uint8Array;
    try {
      const response = await fetchImpl(url.href, { method: 'GET', headers: { accept: 'image/*, application/json' }, signal });
      status = response.status;
      contentType = response.headers.get('content-type') ?? 'application/octet-stream';
      const declared = Number(response.headers.get('content-length') ?? NaN);
      if (declared > maxBytes) throw new WxOpenError('ERR_API_RESPONSE', { detail: `${path} body over ${maxBytes} bytes` });
      bytes = new Uint8Array(await response.arrayBuffer());
    } catch (error) {
      if (error instanceof WxOpenError) throw error;
      if (signal.aborted) throw new WxOpenError('ERR_API_TIMEOUT', { detail: `${path} after ${timeoutMs} ms` });
      throw new WxOpenError('ERR_API_NETWORK', { detail: path, cause: error });
    }
    if (status < 200 || status > 299) throw new WxOpenError('ERR_API_HTTP', { detail: `${path} HTTP ${status}` });
    if (bytes.byteLength > maxBytes) throw new WxOpenError('ERR_API_RESPONSE', { detail: `${path} body over ${maxBytes} bytes` });
    if (JSON_TYPE.test(contentType) || bytes[0] === 0x7b /* { */) throwJsonError(path, bytes);
    return { contentType, bytes };
  }

  return {
    async getBytes(path, query) {
      const token = await tokens.token();
      try {
        return await once(path, query, token);
      } catch (error) {
        if (!(error instanceof WechatApiError) || !TOKEN_ERRCODES.has(error.errcode)) throw error;
        return once(path, query, await tokens.refreshToken(token));
      }
    },
  };
}

/** A JSON body where bytes were expected: WeChat's error, or an unexpected answer. */
function throwJsonError(path: string, bytes: Uint8Array): never {
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    throw new WxOpenError('ERR_API_RESPONSE', { detail: `${path} answered text that is not JSON` });
  }
  const record = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const errcode = Number(record['errcode'] ?? ErrCodeOK);
  if (!Number.isInteger(errcode) || errcode === ErrCodeOK) {
    throw new WxOpenError('ERR_API_RESPONSE', { detail: `${path} answered JSON instead of an image` });
  }
  throw new WechatApiError(errcode, typeof record['errmsg'] === 'string' ? record['errmsg'] : '', path);
}
