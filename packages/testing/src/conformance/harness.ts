/**
 * The running server behind every conformance case: an `AuthServer` with recording hooks and handlers,
 * mounted by the target under test, listening on 127.0.0.1; plus the ways the suite talks to it (supertest,
 * raw `http`, raw `net`) and the checks every case shares.
 */
import type http from 'node:http';
import net from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import { expect } from '@jest/globals';
import request from 'supertest';
import type { Response } from 'supertest';
import type { AuthServerOptions, WxOpenError } from '@wxopen/core';
import { AuthServer, formatError } from '@wxopen/core';
import { textMessage } from '../callback';
import type { HttpMethod, RawRequest } from './inputs';
import { AUTHORIZER_APPID, Forge, fromPush, pathOf } from './inputs';

/**
 * How the app around wxopen is set up:
 * - `bare`: only wxopen's routes, `/wechat/auth` and `/wechat/callback/:appid` (both for every method).
 * - `global-parsers`: the framework's usual app-wide body parsers (JSON, urlencoded, text) mounted before
 *   wxopen, and a sibling route `POST /json` that answers the JSON body it parsed, as JSON.
 * - `object-parser`: a JSON parser that runs before wxopen on its routes (a mounting mistake).
 */
export type Setup = 'bare' | 'global-parsers' | 'object-parser';

export interface ServerOptions {
  readonly setup: Setup;
  /** The app's error handler must pass every error that reaches the framework here, then answer 500. */
  readonly onFrameworkError: (error: unknown) => void;
}

/** Mounts wxopen for `platform` and returns an http.Server that is not listening yet. */
export type MakeServer = (platform: AuthServer, options: ServerOptions) => http.Server | Promise<http.Server>;

/** Options of the `AuthServer` a case runs against (the secrets and the error hook are the harness's own). */
export type PlatformOptions = Partial<Omit<AuthServerOptions, 'appId' | 'token' | 'encodingAESKey' | 'onError'>>;

/** A running server with the platform behind it and what its hooks saw. */
export interface Harness {
  readonly forge: Forge;
  readonly url: string;
  readonly port: number;
  /** Codes the platform's error hook received. */
  readonly errors: WxOpenError[];
  /** The line the default error hook would have logged for each of `errors`. */
  readonly logLines: string[];
  /** Errors that reached the framework's error handler. */
  readonly frameworkErrors: unknown[];
  /** One entry per handler run: `message <authorizer appid> <openid (the signed FromUserName)>` or `info <InfoType>`. */
  readonly ran: string[];
  /** Verify tickets the `onInfo('component_verify_ticket')` handler received. */
  readonly tickets: string[];
  /** Resolves once the server holds no open connection (every socket it accepted has closed). */
  idle(): Promise<void>;
}

/**
 * One case of a conformance suite: `group` names the nested `describe` blocks it is registered under, `run`
 * performs it against a target and rejects (an assertion error) when the target does not conform. The tables
 * are public so a meta-test can run a case against a deliberately broken target and see it fail.
 */
export interface ConformanceCase<Target> {
  readonly group: readonly string[];
  readonly name: string;
  readonly run: (target: Target) => Promise<void>;
}

/** A text Content or ticket that makes the suite's handler throw. */
export const THROW = 'please throw';

async function startHarness(makeServer: MakeServer, setup: Setup, options: PlatformOptions = {}): Promise<Harness & { close(): Promise<void> }> {
  const forge = new Forge();
  const errors: WxOpenError[] = [];
  const logLines: string[] = [];
  const frameworkErrors: unknown[] = [];
  const ran: string[] = [];
  const tickets: string[] = [];
  const platform = new AuthServer({
    ...forge.secrets,
    onError: (error, context) => {
      errors.push(error);
      logLines.push(formatError(error, context));
    },
    ...options,
  });
  platform.messages.use((ctx, next) => {
    ran.push(`message ${ctx.authorizerAppId ?? '-'} ${ctx.openid ?? '-'}`);
    return next();
  });
  platform.messages.on('text', (message) => {
    if (message.Content === THROW) throw new Error('the handler failed on purpose');
    return `echo: ${message.Content}`;
  });
  platform.onInfo('component_verify_ticket', (info) => {
    ran.push(`info ${info.InfoType}`);
    if (info.ComponentVerifyTicket === THROW) throw new Error('the info handler failed on purpose');
    tickets.push(info.ComponentVerifyTicket);
  });
  const server = await makeServer(platform, { setup, onFrameworkError: (error) => frameworkErrors.push(error) });

  const sockets = new Set<Socket>();
  let waiters: (() => void)[] = [];
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => {
      sockets.delete(socket);
      if (sockets.size > 0) return;
      for (const wake of waiters) wake();
      waiters = [];
    });
  });
  const idle = () => new Promise<void>((resolve) => (sockets.size === 0 ? resolve() : waiters.push(resolve)));

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return { forge, url: `http://127.0.0.1:${port}`, port, errors, logLines, frameworkErrors, ran, tickets, idle, close };
}

/** Runs `run` against a fresh server of `makeServer`, and closes the server whatever happens. */
export async function withHarness(
  makeServer: MakeServer,
  setup: Setup,
  platformOptions: PlatformOptions | undefined,
  run: (h: Harness) => Promise<void>,
): Promise<void> {
  const harness = await startHarness(makeServer, setup, platformOptions);
  try {
    await run(harness);
  } finally {
    await harness.close();
  }
}

const VERBS = { GET: 'get', POST: 'post', PUT: 'put', DELETE: 'delete', PATCH: 'patch', HEAD: 'head', OPTIONS: 'options' } as const satisfies Record<HttpMethod, string>;

/** Sends one request through supertest. The body goes as `text/xml` unless the request says otherwise. */
export function send(harness: Harness, raw: RawRequest): Promise<Response> {
  const test = request(harness.url)[VERBS[raw.method ?? 'POST']](pathOf(raw));
  if (raw.body === undefined) return test.then((res) => res);
  return test.set('content-type', raw.contentType ?? 'text/xml').send(raw.body).then((res) => res);
}

/** Reads one HTTP response from the bytes a raw socket received so far; `undefined` until it is whole. */
function parseResponse(bytes: Buffer): { status: number; body: string } | undefined {
  const headEnd = bytes.indexOf('\r\n\r\n');
  if (headEnd < 0) return undefined;
  const head = bytes.toString('latin1', 0, headEnd);
  const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1] ?? 0);
  if (bytes.length < headEnd + 4 + length) return undefined;
  return { status: Number(/^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1] ?? 0), body: bytes.toString('utf8', headEnd + 4, headEnd + 4 + length) };
}

/**
 * Streams a POST body over a raw socket without ever ending it, and resolves with the response that arrived
 * meanwhile: a server that waited for (or buffered) the whole body would never answer. The body is chunked,
 * or sent under `declaredLength` as its Content-Length. Once answered, `afterResponse` more bytes are written
 * with backpressure before resolving: the server must keep reading and discarding them, or close the
 * connection (`closed`), never stall; `drained` counts what it took.
 */
export function sendUnendingBody(
  harness: Harness,
  raw: RawRequest,
  declaredLength?: number,
  afterResponse = 0,
): Promise<{ status: number; body: string; drained: number; closed: boolean }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(harness.port, '127.0.0.1');
    const chunked = declaredLength === undefined;
    const framing = chunked ? `Transfer-Encoding: chunked` : `Content-Length: ${declaredLength}`;
    const chunk = Buffer.alloc(64 * 1024, 'a');
    const frame = chunked ? Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n')]) : chunk;
    let received = Buffer.alloc(0);
    let response: { status: number; body: string } | undefined;
    let drained = 0;
    const done = (closed: boolean) => {
      if (response === undefined) return reject(new Error(`the connection closed before a response: ${received.toString('latin1')}`));
      socket.destroy();
      resolve({ ...response, drained, closed });
    };
    const pump = () => {
      while (drained < afterResponse) {
        if (socket.destroyed) return;
        drained += chunk.length;
        if (!socket.write(frame)) return void socket.once('drain', pump);
      }
      done(false);
    };
    socket.on('data', (data: Buffer) => {
      if (response !== undefined) return;
      received = Buffer.concat([received, data]);
      response = parseResponse(received);
      if (response !== undefined) pump();
    });
    socket.on('error', (error: NodeJS.ErrnoException) => (response === undefined && error.code !== 'ECONNRESET' && error.code !== 'EPIPE' ? reject(error) : undefined));
    socket.on('close', () => done(true));
    socket.write(`POST ${pathOf(raw)} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/xml\r\n${framing}\r\n\r\n`);
    for (let i = 0; i < 4; i++) socket.write(frame);
  });
}

export function expectEchoReply(res: Response, harness: Harness, text: string, encrypted: boolean): void {
  expect(res.status).toBe(200);
  expect(res.headers['content-type']).toMatch(/xml/);
  const opened = harness.forge.wechat.openReply(res.text);
  expect(opened.encrypted).toBe(encrypted);
  expect(opened.record['Content']).toBe(`echo: ${text}`);
}

/** Sends a valid encrypted text push and expects its normal reply: whatever came before, the server still serves. */
export async function expectStillServing(harness: Harness): Promise<void> {
  const before = harness.ran.length;
  const res = await send(harness, fromPush(harness.forge.wechat.encrypted(textMessage('still here', { from: 'o_next' }), { openid: 'o_next' })));
  expectEchoReply(res, harness, 'still here', true);
  expect(harness.ran.slice(before)).toEqual([`message ${AUTHORIZER_APPID} o_next`]);
}

/** Every text an error carries: message, detail, stack, and the same for its causes. */
function errorTexts(error: unknown, depth = 0): string[] {
  if (!(error instanceof Error) || depth > 5) return [String(error)];
  const detail = (error as { detail?: unknown }).detail;
  return [error.message, String(detail ?? ''), error.stack ?? '', ...(error.cause === undefined ? [] : errorTexts(error.cause, depth + 1))];
}

/** No secret of the platform in the response (body and headers) nor in anything the error hooks received. */
export function expectNothingSecret(harness: Harness, res: Pick<Response, 'text' | 'headers'> | { text: string; headers: object }): void {
  const exposed = [res.text ?? '', JSON.stringify(res.headers), ...[...harness.errors, ...harness.frameworkErrors].flatMap((e) => errorTexts(e))].join('\n');
  for (const secret of harness.forge.secretTexts()) expect(exposed).not.toContain(secret);
}
