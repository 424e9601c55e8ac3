/**
 * The core boundary: a plain request in, a plain response out. Adapters translate their framework's request into
 * a `CallbackRequest` and write the `CallbackResponse` back; they decide nothing. Reading the body is the core's
 * job too, so every framework gets the same limits, in the same order (method → query → timestamp → body).
 */
import { WxOpenError } from '../errors';
import { TimeoutQueues } from '../util/timeout-queue';

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
  /** The encoding `setEncoding` set (`null`: none): a stream that decodes its bytes cannot be checked against the signature. */
  readonly readableEncoding?: string | null;
}

/** A JSON body a body parser already turned into an object (accepted: the signature covers `Encrypt`, not the bytes). */
export type ParsedJsonBody = Readonly<Record<string, unknown>>;

export interface CallbackRequest {
  /** HTTP method, any case. */
  readonly method: string;
  /** Parsed query string. Values that are not a single string (repeated or nested parameters) are rejected. */
  readonly query: Readonly<Record<string, unknown>>;
  /** Request headers (lower-case names); only `content-length` is read. */
  readonly headers?: Readonly<Record<string, string | readonly string[] | undefined>>;
  /**
   * The body exactly as received: bytes, text, or the unread request stream (signatures are checked on these exact
   * bytes, so never pass a re-serialised body). A JSON body already parsed by a body parser is accepted too.
   */
  readonly body?: Uint8Array | string | BodyStream | ParsedJsonBody | null;
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
const JSON_TYPE = Object.freeze({ 'content-type': 'application/json; charset=utf-8' });

export function textResponse(body: string, status = 200): CallbackResponse {
  return { status, headers: TEXT, body };
}

/** A reply in the format of the push it answers. */
export function replyResponse(body: string, format: 'xml' | 'json'): CallbackResponse {
  return { status: 200, headers: format === 'json' ? JSON_TYPE : XML, body };
}

/** The response for a rejected request: the error's status and a short generic body that leaks nothing. */
export function errorResponse(error: WxOpenError): CallbackResponse {
  const status = error.status;
  let headers: Readonly<Record<string, string>> = TEXT;
  if (status === 405) headers = { ...TEXT, allow: 'GET, POST' };
  // A body that did not arrive in time: the connection goes too (its rest is not worth waiting for).
  else if (status === 408) headers = { ...TEXT, connection: 'close' };
  else if (status === 503) headers = { ...TEXT, 'retry-after': '1' };
  return { status, headers, body: error.code === 'ERR_HANDLER' || status >= 500 ? 'error' : 'invalid request' };
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

/** Limits on reading one body. */
export interface BodyLimits {
  /** Largest body, in bytes. */
  readonly limit: number;
  /** Longest time to receive the whole body, in ms (0: none). */
  readonly timeoutMs: number;
  /** Longest pause between two chunks, in ms (0: none). */
  readonly idleTimeoutMs: number;
}

const timeouts = new TimeoutQueues(false);

/**
 * Reads the body into a Buffer, refusing more than `limit` bytes and bounding the time it may take.
 * A body over the limit is not buffered: a declared Content-Length over it is refused before anything is read,
 * and otherwise reading stops at once; either way the rest is left to drain and be discarded, so the 413 can be
 * answered immediately. A body that trickles (`idleTimeoutMs` between chunks) or takes longer than `timeoutMs` is
 * refused with `ERR_BODY_TIMEOUT` (408, and the connection is closed).
 */
export function readBody(request: CallbackRequest, limits: BodyLimits): Promise<Buffer> {
  const body = request.body;
  if (body === undefined || body === null) return Promise.resolve(Buffer.alloc(0));
  if (!isBodyStream(body)) {
    if (typeof body === 'string' || body instanceof Uint8Array) {
      const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
      return bytes.length > limits.limit ? Promise.reject(new WxOpenError('ERR_BODY_LIMIT')) : Promise.resolve(bytes);
    }
    return Promise.reject(new TypeError('wxopen: readBody() cannot read a parsed body'));
  }
  const declared = declaredLength(request.headers);
  if (declared !== undefined && declared > limits.limit) {
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
  // Chunks decoded into text could not be checked byte for byte against the signature.
  if (typeof body.readableEncoding === 'string') {
    return Promise.reject(new WxOpenError('ERR_BODY', { detail: `the stream decodes its bytes (setEncoding('${body.readableEncoding}'))` }));
  }
  // Content-Length counts the encoded bytes: a body decoded on the way (gzip in a Fastify preParsing hook) differs.
  const encoding = request.headers?.['content-encoding'];
  const exact = encoding === undefined || encoding === 'identity';
  return readStream(body, exact ? declared : undefined, limits);
}

/**
 * The stream's bytes, or the first failure: over `limits.limit` (`ERR_BODY_LIMIT`, the rest drained unbuffered), a
 * deadline (`ERR_BODY_TIMEOUT`), a stream error or a close before the end (`ERR_BODY`), or an end whose length is
 * not the declared one (`ERR_BODY`).
 *
 * Written here rather than with `raw-body` (which the core used before) because a measurement justified it:
 * raw-body adds five listeners, a `nextTick` and an argument copy per request, and the deadlines needed two more
 * listeners of their own. Over HTTP, the bench-only servers against the same build reading with raw-body (5 rounds
 * of 4 s each, interleaved, bench/README.md): server CPU per request 107 → 94 µs on Fastify, 107 → 101 on Koa,
 * 187 → 182 on Express. The refusals are raw-body's, with the core's codes (see hostile-body.test.ts).
 */
function readStream(body: BodyStream, declared: number | undefined, limits: BodyLimits): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    let settled = false;
    const total = limits.timeoutMs > 0 ? timeouts.after(limits.timeoutMs, () => finish(new WxOpenError('ERR_BODY_TIMEOUT', { detail: 'too slow' }))) : undefined;
    const onIdle = (): void => finish(new WxOpenError('ERR_BODY_TIMEOUT', { detail: 'stalled' }));
    let idle = limits.idleTimeoutMs > 0 ? timeouts.after(limits.idleTimeoutMs, onIdle) : undefined;
    const onData = (chunk: Buffer | string): void => {
      // A string chunk means an encoding was set after reading began: its bytes are no longer the ones received.
      if (typeof chunk === 'string') return finish(new WxOpenError('ERR_BODY', { detail: 'the stream decodes its bytes (setEncoding)' }));
      received += chunk.length;
      if (received > limits.limit) return finish(new WxOpenError('ERR_BODY_LIMIT'));
      chunks.push(chunk);
      if (idle === undefined) return;
      idle.cancel();
      idle = timeouts.after(limits.idleTimeoutMs, onIdle);
    };
    const onEnd = (): void => {
      if (declared !== undefined && received !== declared) return finish(new WxOpenError('ERR_BODY', { detail: 'body length differs from content-length' }));
      finish(undefined, chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, received));
    };
    const onError = (cause: Error): void => finish(new WxOpenError('ERR_BODY', { detail: 'stream error', cause }));
    // A stream that just closes (the client left) never ends.
    const onClose = (): void => finish(new WxOpenError('ERR_BODY', { detail: 'connection closed before the body ended' }));
    function finish(error: WxOpenError | undefined, bytes?: Buffer): void {
      if (settled) return;
      settled = true;
      total?.cancel();
      idle?.cancel();
      body.removeListener('data', onData);
      body.removeListener('end', onEnd);
      body.removeListener('error', onError);
      body.removeListener('close', onClose);
      if (error === undefined) {
        resolve(bytes as Buffer);
        return;
      }
      if (error.code === 'ERR_BODY_LIMIT') body.resume(); // drain and discard the rest; never buffer it
      reject(error);
    }
    body.on('data', onData);
    body.on('end', onEnd);
    body.on('error', onError);
    body.on('close', onClose);
  });
}

/**
 * Chooses what an adapter passes as `body`: the framework's raw bytes/text when a raw or text parser already read
 * them, a JSON object a JSON parser made (WeChat's JSON envelope: `{ ToUserName, Encrypt }`), else the unread
 * stream. Any other parsed body cannot be verified, so this throws a `TypeError` that says how to fix the
 * mounting order.
 */
export function pickBody(stream: BodyStream, parsed: unknown): Uint8Array | string | BodyStream | ParsedJsonBody {
  if (parsed === undefined || parsed === null) return stream;
  if (typeof parsed === 'string' || parsed instanceof Uint8Array) return parsed;
  if (!stream.readableEnded) return stream; // e.g. body-parser 1.x sets `{}` without reading a non-matching type
  if (typeof parsed === 'object' && !Array.isArray(parsed) && typeof (parsed as Record<string, unknown>)['Encrypt'] === 'string') {
    return parsed as ParsedJsonBody;
  }
  throw new BodyConsumedError(
    'wxopen: the request body was already parsed into an object by another middleware, so its signature ' +
      'cannot be verified. Mount wxopen before body parsers (express.json/urlencoded, koa-bodyparser) or ' +
      'exclude its routes from them.',
  );
}
