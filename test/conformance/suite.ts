/**
 * The one adapter conformance suite. Every adapter (and every example) calls `describeConformance` once with
 * a function that mounts wxopen on its framework; the suite then drives a real server on 127.0.0.1 through
 * supertest and raw `http` requests, and checks the contract of DESIGN.md ("Behaviour on bad input").
 *
 * Cases are tables: add a row to `ACCEPTED` or `REJECTED` to cover a new input on every framework at once.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import type { Response } from 'supertest';
import type { AuthServerOptions, CallbackErrorCode, WxOpenError } from '@wxopen/core';
import { AuthServer } from '@wxopen/core';
import type { Push } from '@wxopen/testing';
import { textMessage } from '@wxopen/testing';
import type { RawRequest } from './inputs';
import { AUTHORIZER_APPID, Forge, fromPush, pathOf, withQuery } from './inputs';

/**
 * How the app around wxopen is set up:
 * - `bare`: only wxopen's routes, `POST /wechat/auth` and `/wechat/callback/:appid` (every method).
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

export interface ConformanceOptions {
  /** The setups this target supports. Default: all of them. */
  readonly setups?: readonly Setup[];
}

type PlatformOptions = Partial<Omit<AuthServerOptions, 'appId' | 'token' | 'encodingAESKey' | 'onError'>>;

/** A running server with the platform behind it and what its hooks saw. */
export interface Harness {
  readonly forge: Forge;
  readonly url: string;
  readonly port: number;
  /** Codes the platform's error hook received. */
  readonly errors: WxOpenError[];
  /** Errors that reached the framework's error handler. */
  readonly frameworkErrors: unknown[];
  /** One entry per handler run: `message <authorizer appid> <openid>` or `info <InfoType>`. */
  readonly ran: string[];
  /** Verify tickets the `onInfo('component_verify_ticket')` handler received. */
  readonly tickets: string[];
}

/** A text Content or ticket that makes the suite's handler throw. */
export const THROW = 'please throw';

async function startHarness(makeServer: MakeServer, setup: Setup, options: PlatformOptions = {}): Promise<Harness & { close(): Promise<void> }> {
  const forge = new Forge();
  const errors: WxOpenError[] = [];
  const frameworkErrors: unknown[] = [];
  const ran: string[] = [];
  const tickets: string[] = [];
  const platform = new AuthServer({ ...forge.secrets, onError: (error) => errors.push(error), ...options });
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
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return { forge, url: `http://127.0.0.1:${port}`, port, errors, frameworkErrors, ran, tickets, close };
}

/** Sends one request through supertest. The body goes as `text/xml` unless the request says otherwise. */
export function send(harness: Harness, raw: RawRequest): Promise<Response> {
  const agent = request(harness.url);
  const path = pathOf(raw);
  const method = (raw.method ?? 'POST').toUpperCase();
  const test =
    method === 'GET' ? agent.get(path) : method === 'PUT' ? agent.put(path) : method === 'DELETE' ? agent.delete(path) : agent.post(path);
  if (raw.body === undefined) return test.then((res) => res);
  return test.set('content-type', raw.contentType ?? 'text/xml').send(raw.body).then((res) => res);
}

/**
 * Streams a POST body without ending it and resolves with the response that arrived meanwhile: a server
 * that waited for (or buffered) the whole body would never answer. `declaredLength` sends a Content-Length
 * instead of chunked encoding.
 */
export function sendUnendingBody(harness: Harness, raw: RawRequest, declaredLength?: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const headers: http.OutgoingHttpHeaders = { 'content-type': 'text/xml' };
    if (declaredLength !== undefined) headers['content-length'] = declaredLength;
    const req = http.request({ host: '127.0.0.1', port: harness.port, method: 'POST', path: pathOf(raw), headers });
    let answered = false;
    req.on('response', (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
        req.destroy();
      });
    });
    req.on('error', (error) => {
      if (!answered) reject(error);
    });
    const chunk = Buffer.alloc(64 * 1024, 'a');
    for (let i = 0; i < 4; i++) req.write(chunk);
  });
}

interface AcceptedCase {
  readonly name: string;
  readonly options?: PlatformOptions;
  readonly request: (forge: Forge) => RawRequest;
  readonly check: (res: Response, harness: Harness) => void;
}

function expectEchoReply(res: Response, harness: Harness, text: string, encrypted: boolean): void {
  expect(res.status).toBe(200);
  expect(res.headers['content-type']).toMatch(/xml/);
  const opened = harness.forge.wechat.openReply(res.text);
  expect(opened.encrypted).toBe(encrypted);
  expect(opened.record['Content']).toBe(`echo: ${text}`);
}

/** Requests a platform answers, with what it answers. */
export const ACCEPTED: readonly AcceptedCase[] = [
  {
    name: 'answers an encrypted text message with the encrypted reply of its handler',
    request: (f) => fromPush(f.wechat.encrypted(textMessage('hello'), { openid: 'o_sender' })),
    check: (res, h) => {
      expectEchoReply(res, h, 'hello', true);
      expect(h.ran).toEqual([`message ${AUTHORIZER_APPID} o_sender`]);
    },
  },
  {
    name: 'answers success to a component_verify_ticket push and hands the typed ticket to onInfo',
    request: (f) => fromPush(f.wechat.component({ AppId: f.secrets.appId, CreateTime: 1700000000, InfoType: 'component_verify_ticket', ComponentVerifyTicket: 'ticket@@@abc' }), { endpoint: 'auth' }),
    check: (res, h) => {
      expect(res.status).toBe(200);
      expect(res.text).toBe('success');
      expect(h.tickets).toEqual(['ticket@@@abc']);
    },
  },
  {
    name: 'answers success to a message kind without a handler',
    request: (f) => fromPush(f.wechat.encrypted({ ...textMessage('x'), MsgType: 'image', PicUrl: 'http://p', MediaId: 'm' })),
    check: (res, h) => {
      expect(res.text).toBe('success');
      expect(h.ran).toHaveLength(1);
    },
  },
  {
    name: 'answers a GET URL verification with a valid signature with echostr',
    request: (f) => ({ method: 'GET', query: f.wechat.echo('echo-1234').query }),
    check: (res) => {
      expect(res.status).toBe(200);
      expect(res.text).toBe('echo-1234');
    },
  },
  {
    name: 'answers a plain push with a plain reply when encryption is optional',
    options: { requireEncryption: false },
    request: (f) => fromPush(f.wechat.plain(textMessage('in the clear'))),
    check: (res, h) => expectEchoReply(res, h, 'in the clear', false),
  },
  {
    name: 'answers a compatible-mode push (plain fields beside Encrypt) from its decrypted content',
    options: { requireEncryption: false },
    request: (f) => {
      const push = f.wechat.encrypted(textMessage('secret'));
      return { query: push.query, body: push.body.replace('</xml>', '<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[forged]]></Content></xml>') };
    },
    check: (res, h) => expectEchoReply(res, h, 'secret', true),
  },
  {
    name: 'accepts a push of any age when the clock skew check is disabled (0)',
    options: { maxClockSkewSeconds: 0 },
    request: (f) => fromPush(f.wechat.encrypted(textMessage('old'), { timestamp: Math.floor(Date.now() / 1000) - 86_400 })),
    check: (res, h) => expectEchoReply(res, h, 'old', true),
  },
];

interface RejectedCase {
  readonly name: string;
  readonly options?: PlatformOptions;
  readonly request: (forge: Forge) => RawRequest;
  readonly status: number;
  readonly code: CallbackErrorCode;
  /** What the error's `detail` must say, when the code alone does not tell which check failed. */
  readonly detail?: RegExp;
}

const PLAIN = { requireEncryption: false } as const;
const plainPush = (f: Forge) => f.wechat.plain(textMessage('x'));
const encryptedPush = (f: Forge) => f.wechat.encrypted(textMessage('x'));
const ticketPush = (f: Forge) => f.wechat.component({ InfoType: 'component_verify_ticket', ComponentVerifyTicket: 't' });
const BAD_SIGNATURE = 'f'.repeat(40);
/** `push` with query parameter `name` removed, or replaced by `value`. */
const tampered = (push: Push, name: string, value?: string): RawRequest => ({ body: push.body, query: withQuery(push.query, name, value) });

/** Requests a platform refuses: status, and the code its error hook must get. No handler may run. */
export const REJECTED: readonly RejectedCase[] = [
  { name: 'a GET verification with a wrong signature', request: (f) => ({ method: 'GET', query: withQuery(f.wechat.echo('e').query, 'signature', BAD_SIGNATURE) }), status: 401, code: 'ERR_SIGNATURE' },
  { name: 'a plain push without signature', options: PLAIN, request: (f) => tampered(plainPush(f), 'signature'), status: 401, code: 'ERR_SIGNATURE' },
  { name: 'a plain push with a wrong signature', options: PLAIN, request: (f) => tampered(plainPush(f), 'signature', BAD_SIGNATURE), status: 401, code: 'ERR_SIGNATURE' },
  { name: 'an encrypted push without msg_signature', request: (f) => tampered(encryptedPush(f), 'msg_signature'), status: 401, code: 'ERR_MSG_SIGNATURE', detail: /missing/ },
  { name: 'an encrypted push with a wrong msg_signature', request: (f) => tampered(encryptedPush(f), 'msg_signature', BAD_SIGNATURE), status: 401, code: 'ERR_MSG_SIGNATURE' },
  { name: 'a component push with a wrong msg_signature', request: (f) => ({ ...tampered(ticketPush(f), 'msg_signature', BAD_SIGNATURE), endpoint: 'auth' }), status: 401, code: 'ERR_MSG_SIGNATURE' },
  { name: 'a push whose timestamp is outside the allowed clock skew', request: (f) => fromPush(f.wechat.encrypted(textMessage('x'), { timestamp: Math.floor(Date.now() / 1000) - 600 })), status: 401, code: 'ERR_TIMESTAMP' },
  { name: 'a push encrypted for another component appid', request: (f) => fromPush(f.otherComponent.encrypted(textMessage('x'))), status: 401, code: 'ERR_APPID' },
  { name: 'a component push encrypted for another component appid', request: (f) => fromPush(f.otherComponent.component({ InfoType: 'component_verify_ticket', ComponentVerifyTicket: 't' }), { endpoint: 'auth' }), status: 401, code: 'ERR_APPID' },
  { name: 'a body that is not XML', request: (f) => ({ query: encryptedPush(f).query, body: 'this is not xml' }), status: 400, code: 'ERR_XML' },
  { name: 'an envelope without <Encrypt>', request: (f) => ({ query: encryptedPush(f).query, body: '<xml><ToUserName><![CDATA[gh_1]]></ToUserName></xml>' }), status: 400, code: 'ERR_XML', detail: /missing Encrypt/ },
  { name: 'an Encrypt value that is not base64', request: (f) => f.envelope('@@@@not*base64@@'), status: 400, code: 'ERR_DECRYPT', detail: /base64/ },
  { name: 'a ciphertext whose padding byte is 0', request: (f) => f.badPadding(), status: 400, code: 'ERR_DECRYPT', detail: /padding byte 0/ },
  { name: 'a ciphertext that is not a whole number of AES blocks', request: (f) => f.envelope(Buffer.alloc(40, 7).toString('base64')), status: 400, code: 'ERR_DECRYPT', detail: /length/ },
  { name: 'a plaintext whose msg_len points past its end', request: (f) => f.badMessageLength(), status: 400, code: 'ERR_DECRYPT', detail: /msg_len/ },
  { name: 'a plain push where encryption is required (the default)', request: (f) => fromPush(plainPush(f)), status: 400, code: 'ERR_ENCRYPTION_REQUIRED' },
  { name: 'a body over the body limit', options: { bodyLimit: 1024 }, request: (f) => fromPush(f.wechat.encrypted(textMessage('x'.repeat(4096)))), status: 413, code: 'ERR_BODY_LIMIT' },
  { name: 'a PUT', request: (f) => ({ ...fromPush(encryptedPush(f)), method: 'PUT' }), status: 405, code: 'ERR_METHOD' },
  { name: 'a DELETE', request: (f) => ({ method: 'DELETE', query: encryptedPush(f).query }), status: 405, code: 'ERR_METHOD' },
];

/** Runs the conformance suite against one framework integration. */
export function describeConformance(name: string, makeServer: MakeServer, options: ConformanceOptions = {}): void {
  const setups = options.setups ?? ['bare', 'global-parsers', 'object-parser'];
  const supports = (setup: Setup) => setups.includes(setup);

  async function withHarness(setup: Setup, platformOptions: PlatformOptions | undefined, run: (h: Harness) => Promise<void>): Promise<void> {
    const harness = await startHarness(makeServer, setup, platformOptions);
    try {
      await run(harness);
    } finally {
      await harness.close();
    }
  }

  describe(`${name} conformance`, () => {
    describe.each(setups.filter((s) => s !== 'object-parser'))('with setup %s', (setup) => {
      test.each(ACCEPTED.map((c) => [c.name, c] as const))('%s', (_name, c) =>
        withHarness(setup, c.options, async (h) => {
          c.check(await send(h, c.request(h.forge)), h);
          expect(h.errors).toEqual([]);
        }),
      );
    });

    describe('rejects, without running a handler and with a coded error for the hook', () => {
      test.each(REJECTED.map((c) => [c.name, c] as const))('%s', (_name, c) =>
        withHarness('bare', c.options, async (h) => {
          const res = await send(h, c.request(h.forge));
          expect(res.status).toBe(c.status);
          expect(res.text).toBe('invalid request');
          expect(h.errors.map((e) => e.code)).toEqual([c.code]);
          if (c.detail) expect(h.errors[0]?.detail).toMatch(c.detail);
          expect(h.ran).toEqual([]);
        }),
      );
    });

    test('answers 405 with an Allow header naming GET and POST', () =>
      withHarness('bare', {}, async (h) => {
        const res = await send(h, { method: 'PUT', query: {} });
        expect(res.status).toBe(405);
        expect(res.headers['allow']).toBe('GET, POST');
      }),
    );

    test('answers 413 to an endless chunked body before it ends, runs no handler and keeps serving', () =>
      withHarness('bare', { bodyLimit: 1024 }, async (h) => {
        const res = await sendUnendingBody(h, fromPush(h.forge.wechat.encrypted(textMessage('x'))));
        expect(res.status).toBe(413);
        expect(h.errors.map((e) => e.code)).toEqual(['ERR_BODY_LIMIT']);
        expect(h.ran).toEqual([]);
        expectEchoReply(await send(h, fromPush(h.forge.wechat.encrypted(textMessage('next')))), h, 'next', true);
      }),
    );

    test('answers 413 to a declared Content-Length far over the limit without reading the body', () =>
      withHarness('bare', { bodyLimit: 1024 }, async (h) => {
        const res = await sendUnendingBody(h, fromPush(h.forge.wechat.encrypted(textMessage('x'))), 1024 ** 3);
        expect(res.status).toBe(413);
        expect(h.errors.map((e) => e.code)).toEqual(['ERR_BODY_LIMIT']);
        expect(h.ran).toEqual([]);
        expectEchoReply(await send(h, fromPush(h.forge.wechat.encrypted(textMessage('next')))), h, 'next', true);
      }),
    );

    test('answers 500 when a message handler throws, and reports ERR_HANDLER', () =>
      withHarness('bare', {}, async (h) => {
        const res = await send(h, fromPush(h.forge.wechat.encrypted(textMessage(THROW))));
        expect(res.status).toBe(500);
        expect(res.text).toBe('error');
        expect(h.errors.map((e) => e.code)).toEqual(['ERR_HANDLER']);
        expect(h.frameworkErrors).toEqual([]);
      }),
    );

    test('answers 500 when an onInfo handler throws, and reports ERR_HANDLER', () =>
      withHarness('bare', {}, async (h) => {
        const push = h.forge.wechat.component({ InfoType: 'component_verify_ticket', ComponentVerifyTicket: THROW });
        const res = await send(h, fromPush(push, { endpoint: 'auth' }));
        expect(res.status).toBe(500);
        expect(h.errors.map((e) => e.code)).toEqual(['ERR_HANDLER']);
      }),
    );

    if (supports('global-parsers')) describe('behind the app’s global body parsers', () => {
      test('a sibling route still gets its JSON parsed', () =>
        withHarness('global-parsers', {}, async (h) => {
          const res = await request(h.url).post('/json').send({ hello: 'world' });
          expect(res.status).toBe(200);
          expect(res.body).toEqual({ hello: 'world' });
        }),
      );
      test('a push sent as text/plain is still verified on its exact bytes', () =>
        withHarness('global-parsers', {}, async (h) => {
          const res = await send(h, fromPush(h.forge.wechat.encrypted(textMessage('as text')), { contentType: 'text/plain' }));
          expectEchoReply(res, h, 'as text', true);
        }),
      );
    });

    if (supports('object-parser')) test('fails with an error naming the mounting order when a parser already turned the body into an object', () =>
      withHarness('object-parser', {}, async (h) => {
        const push = h.forge.wechat.encrypted(textMessage('x'));
        const res = await send(h, { query: push.query, body: '{"xml":"not for wxopen"}', contentType: 'application/json' });
        expect(res.status).toBe(500);
        expect(h.frameworkErrors).toHaveLength(1);
        expect(h.frameworkErrors[0]).toBeInstanceOf(TypeError);
        expect(String((h.frameworkErrors[0] as Error).message)).toMatch(/Mount wxopen before body parsers/);
        expect(h.ran).toEqual([]);
        expect(h.errors).toEqual([]);
      }),
    );
  });
}
