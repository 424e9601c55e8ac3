/**
 * The core boundary: a plain request in, a plain response out. Adapters translate their framework's
 * request into a `CallbackRequest` and write the `CallbackResponse` back; they decide nothing.
 */
import { WxOpenError } from '../errors';

/**
 * The body was read or parsed by another middleware before wxopen saw it: a mounting mistake, not a protocol
 * error, so it goes to the framework's error handler with a message that says how to fix it.
 */
export class BodyConsumedError extends TypeError {
  override readonly name = 'BodyConsumedError';
}

/** The minimal shape of a Node readable stream (an `IncomingMessage`, or Fastify's payload). */
export interface BodyStream {
  on(event: 'data', listener: (chunk: Buffer | string) => void): unknown;
  on(event: 'end' | 'close', listener: () => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  removeListener(event: string, listener: (...args: never[]) => void): unknown;
  resume(): unknown;
  readonly readableEnded?: boolean;
  readonly destroyed?: boolean;
}

export interface CallbackRequest {
  /** HTTP method, any case. */
  readonly method: string;
  /** Parsed query string. Values that are not a single string (repeated or nested parameters) are rejected. */
  readonly query: Readonly<Record<string, unknown>>;
  /** Request headers (lower-case names); only `content-length` is read. */
  readonly headers?: Readonly<Record<string, string | readonly string[] | undefined>>;
  /**
   * The raw body exactly as received: bytes, text, or the unread request stream. Signatures are checked on
   * these exact bytes, so never pass a re-serialised body.
   */
  readonly body?: Uint8Array | string | BodyStream | null;
  /** The authorizer appid from the route (`/callback/:appid`, configured in WeChat as `$APPID$`). */
  readonly authorizerAppId?: string;
}

export interface CallbackResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

const TEXT = Object.freeze({ 'content-type': 'text/plain; charset=utf-8' });
const XML = Object.freeze({ 'content-type': 'application/xml; charset=utf-8' });

export function textResponse(body: string, status = 200): CallbackResponse {
  return { status, headers: TEXT, body };
}

export function xmlResponse(body: string): CallbackResponse {
  return { status: 200, headers: XML, body };
}

/** The response for a rejected request: the error's status and a short generic body that leaks nothing. */
export function errorResponse(error: WxOpenError): CallbackResponse {
  const status = error.status;
  const headers = status === 405 ? { ...TEXT, allow: 'GET, POST' } : TEXT;
  return { status, headers, body: error.code === 'ERR_HANDLER' || status >= 500 ? 'error' : 'invalid request' };
}

/** A single-valued query parameter; `undefined` when absent; `ERR_QUERY` when repeated or not a string. */
export function queryParam(query: Readonly<Record<string, unknown>>, name: string): string | undefined {
  const value = Object.prototype.hasOwnProperty.call(query, name) ? query[name] : undefined;
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new WxOpenError('ERR_QUERY', { detail: `${name} is repeated or malformed` });
  return value;
}

/** Whether `body` is an unread stream (as opposed to bytes, text or a parsed object). */
export function isBodyStream(body: unknown): body is BodyStream {
  return typeof body === 'object' && body !== null && typeof (body as BodyStream).on === 'function';
}

function declaredLength(headers: CallbackRequest['headers']): number | undefined {
  const raw = headers?.['content-length'];
  if (typeof raw !== 'string' || !/^\d+$/.test(raw)) return undefined;
  return Number(raw);
}

/**
 * Reads the body into a Buffer, refusing more than `limit` bytes. A stream over the limit is not buffered:
 * reading stops at once (the declared Content-Length is checked before reading anything) and the rest is
 * left to drain and be discarded, so the 413 can be answered immediately.
 */
export function readBody(request: CallbackRequest, limit: number): Promise<Buffer> {
  const body = request.body;
  if (body === undefined || body === null) return Promise.resolve(Buffer.alloc(0));
  if (!isBodyStream(body)) {
    const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
    return bytes.length > limit ? Promise.reject(new WxOpenError('ERR_BODY_LIMIT')) : Promise.resolve(bytes);
  }
  const declared = declaredLength(request.headers);
  if (declared !== undefined && declared > limit) {
    body.resume();
    return Promise.reject(new WxOpenError('ERR_BODY_LIMIT', { detail: 'declared content-length' }));
  }
  if (body.readableEnded) {
    return Promise.reject(
      new BodyConsumedError(
        'wxopen: the request body was already read by another middleware. Mount wxopen before body parsers ' +
          '(express.json/text/urlencoded, koa-bodyparser) or exclude its routes from them.',
      ),
    );
  }
  if (body.destroyed) {
    // The client left before we started reading (e.g. while an earlier middleware ran): `close` already fired.
    return Promise.reject(new WxOpenError('ERR_BODY', { detail: 'connection closed before the body ended' }));
  }
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = () => {
      body.removeListener('data', onData);
      body.removeListener('end', onEnd);
      body.removeListener('error', onError);
      body.removeListener('close', onClose);
    };
    const onData = (chunk: Buffer | string) => {
      const buf = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
      size += buf.length;
      if (size > limit) {
        cleanup();
        chunks.length = 0;
        body.resume(); // drain and discard the rest; never buffer it
        reject(new WxOpenError('ERR_BODY_LIMIT'));
        return;
      }
      chunks.push(buf);
    };
    const onEnd = () => {
      cleanup();
      resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size));
    };
    const onError = (cause: Error) => {
      cleanup();
      reject(new WxOpenError('ERR_BODY', { detail: 'stream error', cause }));
    };
    const onClose = () => {
      cleanup();
      reject(new WxOpenError('ERR_BODY', { detail: 'connection closed before the body ended' }));
    };
    body.on('data', onData);
    body.on('end', onEnd);
    body.on('error', onError);
    body.on('close', onClose);
  });
}

/**
 * Chooses what an adapter passes as `body`: the framework's raw bytes/text when a raw or text parser already
 * read them, else the unread stream. A body already parsed into an object cannot be verified, so this throws
 * a `TypeError` that says how to fix the mounting order.
 */
export function pickBody(stream: BodyStream, parsed: unknown): Uint8Array | string | BodyStream {
  if (parsed === undefined || parsed === null) return stream;
  if (typeof parsed === 'string' || parsed instanceof Uint8Array) return parsed;
  if (!stream.readableEnded) return stream; // e.g. body-parser 1.x sets `{}` without reading a non-matching type
  throw new BodyConsumedError(
    'wxopen: the request body was already parsed into an object by another middleware, so its signature ' +
      'cannot be verified. Mount wxopen before body parsers (express.json/urlencoded, koa-bodyparser) or ' +
      'exclude its routes from them.',
  );
}
