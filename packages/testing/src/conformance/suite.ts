/**
 * The one adapter conformance suite. Every adapter (and every example) calls `describeConformance` once with
 * a function that mounts wxopen on its framework; the suite then drives a real server on 127.0.0.1 through
 * supertest and raw `http` requests, and checks the contract of DESIGN.md ("Behaviour on bad input").
 *
 * Cases are tables: add a row to `ACCEPTED` or `REJECTED` (or to a table of `hostile.ts`, for input an
 * attacker sends) to cover a new input on every framework at once.
 */
import { expect } from '@jest/globals';
import request from 'supertest';
import type { Response } from 'supertest';
import type { Push } from '../callback';
import { textMessage } from '../callback';
import type { ConformanceCase, Harness, MakeServer, PlatformOptions, Setup } from './harness';
import { THROW, expectEchoReply, send, sendUnendingBody, withHarness } from './harness';
import type { HostileCase } from './hostile';
import { hostileCases } from './hostile';
import type { Forge, RawRequest } from './inputs';
import { AUTHORIZER_APPID, fromPush, withQuery } from './inputs';
import { registerCases } from './register';

export interface ConformanceOptions {
  /** The setups this target supports. Default: all of them. */
  readonly setups?: readonly Setup[];
}

/** A request the platform answers, and how to check the answer. */
export interface AcceptedCase {
  readonly name: string;
  readonly options?: PlatformOptions;
  readonly request: (forge: Forge) => RawRequest;
  readonly check: (res: Response, harness: Harness) => void;
}

/** Requests a platform answers, with what it answers. */
export const ACCEPTED: readonly AcceptedCase[] = [
  {
    name: 'answers an encrypted text message with the encrypted reply of its handler',
    request: (f) => fromPush(f.wechat.encrypted(textMessage('hello', { from: 'o_sender' }), { openid: 'o_sender' })),
    check: (res, h) => {
      expectEchoReply(res, h, 'hello', true);
      expect(h.ran).toEqual([`message ${AUTHORIZER_APPID} o_sender`]);
    },
  },
  {
    name: 'gives handlers the signed FromUserName as openid, never the unsigned openid of the query',
    request: (f) => ({ ...fromPush(f.wechat.encrypted(textMessage('who', { from: 'o_alice' }), { openid: 'o_mallory' })), rawQuery: '&openid=o_eve' }),
    check: (res, h) => {
      expectEchoReply(res, h, 'who', true);
      expect(h.ran).toEqual([`message ${AUTHORIZER_APPID} o_alice`]);
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
    name: 'answers a mini program’s JSON push with an encrypted JSON reply, whether or not a JSON parser read the body first',
    request: (f) => ({ ...fromPush(f.wechat.encrypted(textMessage('json mode', { from: 'o_json' }), { format: 'json' })), contentType: 'application/json' }),
    check: (res, h) => {
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/json/);
      const envelope = JSON.parse(res.text) as Record<string, unknown>;
      expect(Object.keys(envelope).sort()).toEqual(['Encrypt', 'MsgSignature', 'Nonce', 'TimeStamp']);
      expect(typeof envelope['TimeStamp']).toBe('number');
      const opened = h.forge.wechat.openReply(res.text);
      expect(opened.encrypted).toBe(true);
      expect(opened.record['Content']).toBe('echo: json mode');
      expect(opened.record['ToUserName']).toBe('o_json');
      expect(h.ran).toEqual([`message ${AUTHORIZER_APPID} o_json`]);
    },
  },
  {
    name: 'answers success to a JSON component push and hands the typed ticket to onInfo',
    request: (f) => ({
      ...fromPush(f.wechat.component({ AppId: f.secrets.appId, CreateTime: 1700000000, InfoType: 'component_verify_ticket', ComponentVerifyTicket: 'ticket@@@json' }, { format: 'json' }), { endpoint: 'auth' }),
      contentType: 'application/json',
    }),
    check: (res, h) => {
      expect(res.text).toBe('success');
      expect(h.tickets).toEqual(['ticket@@@json']);
    },
  },
  {
    name: 'accepts a push of any age when the clock skew check is disabled (0)',
    options: { maxClockSkewSeconds: 0 },
    request: (f) => fromPush(f.wechat.encrypted(textMessage('old'), { timestamp: Math.floor(Date.now() / 1000) - 86_400 })),
    check: (res, h) => expectEchoReply(res, h, 'old', true),
  },
];

/** A request the platform refuses: the same shape as the hostile cases. */
export type RejectedCase = HostileCase;

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

/**
 * Every case of the adapter conformance suite for the setups in `options`, as data: `describeConformance`
 * registers them; a meta-test can run one against a broken target and expect it to reject.
 */
export function conformanceCases(options: ConformanceOptions = {}): ConformanceCase<MakeServer>[] {
  const setups = options.setups ?? ['bare', 'global-parsers', 'object-parser'];
  const supports = (setup: Setup) => setups.includes(setup);
  const cases: ConformanceCase<MakeServer>[] = [];
  const add = (group: readonly string[], name: string, setup: Setup, platformOptions: PlatformOptions | undefined, run: (h: Harness) => Promise<void>) =>
    cases.push({ group, name, run: (makeServer) => withHarness(makeServer, setup, platformOptions, run) });

  for (const setup of setups.filter((s) => s !== 'object-parser')) {
    for (const c of ACCEPTED) {
      add([`with setup ${setup}`], c.name, setup, c.options, async (h) => {
        c.check(await send(h, c.request(h.forge)), h);
        expect(h.errors).toEqual([]);
      });
    }
  }

  for (const c of REJECTED) {
    add(['rejects, without running a handler and with a coded error for the hook'], c.name, 'bare', c.options, async (h) => {
      const res = await send(h, c.request(h.forge));
      expect(res.status).toBe(c.status);
      expect(res.text).toBe('invalid request');
      expect(h.errors.map((e) => e.code)).toEqual([c.code]);
      if (c.detail) expect(h.errors[0]?.detail).toMatch(c.detail);
      expect(h.ran).toEqual([]);
    });
  }

  add([], 'answers 405 with an Allow header naming GET and POST', 'bare', {}, async (h) => {
    const res = await send(h, { method: 'PUT', query: {} });
    expect(res.status).toBe(405);
    expect(res.headers['allow']).toBe('GET, POST');
  });

  add([], 'answers 413 to an endless chunked body before it ends, then discards (or cuts off) the rest, runs no handler and keeps serving', 'bare', { bodyLimit: 1024 }, async (h) => {
    // 8 MiB more after the 413, written with backpressure: a server that paused the stream would stall here.
    const res = await sendUnendingBody(h, fromPush(h.forge.wechat.encrypted(textMessage('x'))), undefined, 8 * 1024 ** 2);
    expect(res.status).toBe(413);
    expect(res.closed || res.drained >= 8 * 1024 ** 2).toBe(true);
    expect(h.errors.map((e) => e.code)).toEqual(['ERR_BODY_LIMIT']);
    expect(h.ran).toEqual([]);
    expectEchoReply(await send(h, fromPush(h.forge.wechat.encrypted(textMessage('next')))), h, 'next', true);
  });

  add([], 'answers 413 to a declared Content-Length far over the limit without reading the body', 'bare', { bodyLimit: 1024 }, async (h) => {
    const res = await sendUnendingBody(h, fromPush(h.forge.wechat.encrypted(textMessage('x'))), 1024 ** 3);
    expect(res.status).toBe(413);
    expect(h.errors.map((e) => e.code)).toEqual(['ERR_BODY_LIMIT']);
    expect(h.ran).toEqual([]);
    expectEchoReply(await send(h, fromPush(h.forge.wechat.encrypted(textMessage('next')))), h, 'next', true);
  });

  add([], 'answers 500 when a message handler throws, and reports ERR_HANDLER', 'bare', {}, async (h) => {
    const res = await send(h, fromPush(h.forge.wechat.encrypted(textMessage(THROW))));
    expect(res.status).toBe(500);
    expect(res.text).toBe('error');
    expect(h.errors.map((e) => e.code)).toEqual(['ERR_HANDLER']);
    expect(h.frameworkErrors).toEqual([]);
  });

  add([], 'answers 500 when an onInfo handler throws, and reports ERR_HANDLER', 'bare', {}, async (h) => {
    const push = h.forge.wechat.component({ InfoType: 'component_verify_ticket', ComponentVerifyTicket: THROW });
    const res = await send(h, fromPush(push, { endpoint: 'auth' }));
    expect(res.status).toBe(500);
    expect(h.errors.map((e) => e.code)).toEqual(['ERR_HANDLER']);
  });

  cases.push(...hostileCases());

  if (supports('global-parsers')) {
    const GLOBAL = ['behind the app’s global body parsers'];
    add(GLOBAL, 'a sibling route still gets its JSON parsed', 'global-parsers', {}, async (h) => {
      const res = await request(h.url).post('/json').send({ hello: 'world' });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ hello: 'world' });
    });
    add(GLOBAL, 'a push sent as text/plain is still verified on its exact bytes', 'global-parsers', {}, async (h) => {
      const res = await send(h, fromPush(h.forge.wechat.encrypted(textMessage('as text')), { contentType: 'text/plain' }));
      expectEchoReply(res, h, 'as text', true);
    });
  }

  if (supports('object-parser')) {
    add([], 'fails with an error naming the mounting order when a parser already turned the body into an object', 'object-parser', {}, async (h) => {
      const push = h.forge.wechat.encrypted(textMessage('x'));
      const res = await send(h, { query: push.query, body: '{"xml":"not for wxopen"}', contentType: 'application/json' });
      expect(res.status).toBe(500);
      expect(h.frameworkErrors).toHaveLength(1);
      expect(h.frameworkErrors[0]).toBeInstanceOf(TypeError);
      expect(String((h.frameworkErrors[0] as Error).message)).toMatch(/Mount wxopen before body parsers/);
      expect(h.ran).toEqual([]);
      expect(h.errors).toEqual([]);
    });
  }
  return cases;
}

/**
 * Registers the adapter conformance suite for one framework integration, as jest tests under
 * `describe(`${name} conformance`)`. `makeServer` mounts the platform it is given on the framework the way an
 * app would (see `Setup` for the routes each setup needs) and returns an `http.Server` that is not listening.
 */
export function describeConformance(name: string, makeServer: MakeServer, options: ConformanceOptions = {}): void {
  registerCases(`${name} conformance`, conformanceCases(options), makeServer);
}
