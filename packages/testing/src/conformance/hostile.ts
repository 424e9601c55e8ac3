/**
 * Hostile input, run on every adapter through the conformance suite. The callback URLs are public: anyone
 * can send anything, and in the worst case an attacker knows the Token, so crypto cases carry a VALID
 * `msg_signature` and reach the check under test.
 *
 * Every rejected case shows: the status, the error code (and the detail that names the check), that no
 * handler ran, that nothing secret is in the response or the error, that `Object.prototype` is untouched,
 * and that the server keeps serving (a valid push right after gets its normal reply).
 *
 * Add a row to a table to cover a new input on every framework at once.
 */
import net from 'node:net';
import { expect } from '@jest/globals';
import type { Response } from 'supertest';
import type { CallbackErrorCode } from '@wxopen/core';
import { buildXml } from '@wxopen/core';
import { textMessage } from '../callback';
import type { ConformanceCase, Harness, MakeServer, PlatformOptions } from './harness';
import { expectEchoReply, expectNothingSecret, expectStillServing, send, withHarness } from './harness';
import type { Forge, HttpMethod, RawRequest } from './inputs';
import { fromPush, pad32, pathOf, withByte, withQuery } from './inputs';

export interface HostileCase {
  readonly name: string;
  readonly options?: PlatformOptions;
  readonly request: (forge: Forge) => RawRequest;
  readonly status: number;
  readonly code: CallbackErrorCode;
  /** What the error's `detail` must say: the check that failed. */
  readonly detail?: RegExp;
}

// ---------------------------------------------------------------------------------------------- inputs

const RECIPIENT = 'gh_0000000000';
const messageXml = (content = 'x') => buildXml(textMessage(content));
const componentXml = (f: Forge) => buildXml({ AppId: f.secrets.appId, CreateTime: 1700000000, InfoType: 'component_verify_ticket', ComponentVerifyTicket: 't' });

/** A valid encrypted push whose envelope text is rewritten by `edit` (the query and `Encrypt` stay valid). */
function editedEnvelope(f: Forge, edit: (envelope: string) => string): RawRequest {
  const push = f.wechat.encrypted(textMessage('x'));
  return { query: push.query, body: edit(push.body) };
}

/** A correctly encrypted and signed push whose decrypted message is `messageXml()` rewritten by `edit`. */
function editedMessage(f: Forge, edit: (message: string) => string, endpoint: 'auth' | 'message' = 'message'): RawRequest {
  return { ...f.sealed(edit(endpoint === 'auth' ? componentXml(f) : messageXml())), endpoint };
}

const beforeRootEnd = (insert: string) => (xml: string) => xml.replace('</xml>', `${insert}</xml>`);
const beforeRoot = (prefix: string) => (xml: string) => `${prefix}${xml}`;

/** `text` as UTF-8 with the first `RECIPIENT` replaced by raw `bytes` (which need not be UTF-8). */
function withRawBytes(text: string, bytes: readonly number[]): Buffer {
  const at = text.indexOf(RECIPIENT);
  return Buffer.concat([Buffer.from(text.slice(0, at)), Buffer.from(bytes), Buffer.from(text.slice(at + RECIPIENT.length))]);
}

const EXTERNAL_ENTITY = '<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY x SYSTEM "file:///etc/passwd">]>';
const BILLION_LAUGHS = (() => {
  let entities = '<!ENTITY lol0 "lol">';
  for (let i = 1; i <= 9; i++) entities += `<!ENTITY lol${i} "${`&lol${i - 1};`.repeat(10)}">`;
  return `<?xml version="1.0"?><!DOCTYPE xml [${entities}]>`;
})();
/** Uses the entities, so a parser that expanded them would see /etc/passwd or a billion "lol"s. */
const useEntities = (xml: string) => xml.replace(`<![CDATA[${RECIPIENT}]]>`, '&x;&lol9;');

const MANY_ELEMENTS = '<a/>'.repeat(20_000);
/** Attributes send the document down the xml2js path rather than the scanner. */
const MANY_ELEMENTS_WITH_ATTRIBUTES = '<a b="1"/>'.repeat(20_000);
const DEEP = `${'<a>'.repeat(200)}x${'</a>'.repeat(200)}`;
/** A comment before the nesting sends the document down the xml2js path before the scanner sees any depth. */
const DEEP_WITH_COMMENT = `<!-- to xml2js -->${DEEP}`;
const PROTO = '<__proto__><polluted>yes</polluted></__proto__>';
const CONSTRUCTOR = '<constructor><prototype><polluted>yes</polluted></prototype></constructor>';

/** Byte sequences a strict UTF-8 decoder refuses. */
const BAD_UTF8 = {
  'bytes 0xFF 0xFE': [0xff, 0xfe],
  'an overlong encoding of "/"': [0xc0, 0xaf],
  'an encoded UTF-16 surrogate': [0xed, 0xa0, 0x80],
  'a sequence cut short': [0xe4, 0xb8],
} as const;

/** A plaintext with WeChat's layout and an appid `trailer` in place of the component appid. */
const withTrailer = (f: Forge, trailer: string | Buffer) => f.crafted(pad32(f.plaintext({ message: messageXml(), trailer })));

/**
 * A ciphertext cut by one AES block, still canonical base64 of whole blocks. The message is sized so the
 * padding is a full 32-byte block; once cut, 16 padding bytes remain after 16 that are not padding.
 */
function cutByOneBlock(f: Forge): RawRequest {
  const fill = (32 - ((20 + Buffer.byteLength(f.secrets.appId)) % 32)) % 32;
  const plain = pad32(f.plaintext({ message: 'x'.repeat(fill + 32) }));
  return f.crafted(plain.subarray(0, plain.length - 16));
}

/** A valid `Encrypt` value rewritten by `edit`, then signed as is: only the decoding can fail. */
function editedCiphertext(f: Forge, edit: (base64: string) => string): RawRequest {
  return f.envelope(edit(f.rawEncrypt(pad32(f.plaintext({ message: messageXml() })))));
}

/** A valid ciphertext written in the URL-safe base64 alphabet (drawn until it holds a `+` or `/` to rewrite). */
function urlSafeCiphertext(f: Forge): RawRequest {
  for (;;) {
    const base64 = f.rawEncrypt(pad32(f.plaintext({ message: messageXml() })));
    if (/[+/]/.test(base64)) return f.envelope(base64.replace(/\+/g, '-').replace(/\//g, '_'));
  }
}

/** Base64 whose last character before `=` carries non-zero unused bits: it decodes, but is not canonical. */
function strayBits(base64: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const at = base64.indexOf('=') - 1;
  if (at < 0) throw new Error('strayBits needs base64 with padding');
  const char = alphabet[alphabet.indexOf(base64.charAt(at)) | 1] as string;
  return `${base64.slice(0, at)}${char}${base64.slice(at + 1)}`;
}

/** A ciphertext of two AES blocks: 32 bytes are 44 base64 characters, the last one `=`. */
const tinyCiphertext = (f: Forge) => f.rawEncrypt(Buffer.alloc(32, 32));

const now = () => String(Math.floor(Date.now() / 1000));
const encryptedPush = (f: Forge) => fromPush(f.wechat.encrypted(textMessage('x')));
const repeated = (f: Forge, param: string, value: string): RawRequest => ({ ...encryptedPush(f), rawQuery: `&${param}=${encodeURIComponent(value)}` });

// ---------------------------------------------------------------------------------------------- tables

/** Hostile XML, in the envelope (parsed before any signature check) and inside a correctly encrypted message. */
export const HOSTILE_XML: readonly HostileCase[] = [
  { name: 'an envelope with a DOCTYPE declaring an external entity (file:///etc/passwd)', request: (f) => editedEnvelope(f, (x) => useEntities(EXTERNAL_ENTITY + x)), status: 400, code: 'ERR_XML', detail: /DOCTYPE/ },
  { name: 'an envelope with a billion-laughs entity bomb', request: (f) => editedEnvelope(f, (x) => useEntities(BILLION_LAUGHS + x)), status: 400, code: 'ERR_XML', detail: /DOCTYPE/ },
  { name: 'an envelope with a lower-case <!doctype> after a BOM and a comment', request: (f) => editedEnvelope(f, beforeRoot('\ufeff<!-- hi --><!doctype xml [<!ENTITY x "y">]>')), status: 400, code: 'ERR_XML', detail: /DOCTYPE/ },
  { name: 'an envelope that uses an undeclared entity (refused by the scanner: never parsed before the signature)', request: (f) => editedEnvelope(f, (x) => x.replace(`<![CDATA[${RECIPIENT}]]>`, '&lol9;')), status: 400, code: 'ERR_XML', detail: /markup outside what WeChat sends/ },
  { name: 'an envelope with a __proto__ element', request: (f) => editedEnvelope(f, beforeRootEnd(PROTO)), status: 400, code: 'ERR_XML', detail: /forbidden element name/ },
  { name: 'an envelope with a constructor.prototype element', request: (f) => editedEnvelope(f, beforeRootEnd(CONSTRUCTOR)), status: 400, code: 'ERR_XML', detail: /forbidden element name/ },
  { name: 'an envelope with 20 000 elements', request: (f) => editedEnvelope(f, beforeRootEnd(MANY_ELEMENTS)), status: 400, code: 'ERR_XML', detail: /too many elements/ },
  { name: 'an envelope with 20 000 elements with attributes (refused by the scanner: never parsed before the signature)', request: (f) => editedEnvelope(f, beforeRootEnd(MANY_ELEMENTS_WITH_ATTRIBUTES)), status: 400, code: 'ERR_XML', detail: /markup outside what WeChat sends/ },
  { name: 'an envelope nested 200 deep', request: (f) => editedEnvelope(f, beforeRootEnd(DEEP)), status: 400, code: 'ERR_XML', detail: /nesting too deep/ },
  { name: 'an envelope nested 200 deep after a comment (refused by the scanner: never parsed before the signature)', request: (f) => editedEnvelope(f, beforeRootEnd(DEEP_WITH_COMMENT)), status: 400, code: 'ERR_XML', detail: /markup outside what WeChat sends/ },
  ...Object.entries(BAD_UTF8).map(([what, bytes]): HostileCase => ({
    name: `a body with invalid UTF-8 (${what})`,
    request: (f) => {
      const push = encryptedPush(f);
      return { ...push, body: withRawBytes(push.body as string, bytes) };
    },
    status: 400,
    code: 'ERR_XML',
    detail: /body is not valid UTF-8/,
  })),
  { name: 'a decrypted message with a DOCTYPE declaring an external entity', request: (f) => editedMessage(f, beforeRoot(EXTERNAL_ENTITY)), status: 400, code: 'ERR_XML', detail: /DOCTYPE/ },
  { name: 'a decrypted component push with a DOCTYPE declaring an external entity', request: (f) => editedMessage(f, beforeRoot(EXTERNAL_ENTITY), 'auth'), status: 400, code: 'ERR_XML', detail: /DOCTYPE/ },
  { name: 'a decrypted message with a billion-laughs entity bomb', request: (f) => editedMessage(f, (x) => BILLION_LAUGHS + x.replace('<![CDATA[x]]>', '&lol9;')), status: 400, code: 'ERR_XML', detail: /DOCTYPE/ },
  { name: 'a decrypted message with a __proto__ element', request: (f) => editedMessage(f, beforeRootEnd(PROTO)), status: 400, code: 'ERR_XML', detail: /forbidden element name/ },
  { name: 'a decrypted message with a constructor.prototype element', request: (f) => editedMessage(f, beforeRootEnd(CONSTRUCTOR)), status: 400, code: 'ERR_XML', detail: /forbidden element name/ },
  { name: 'a decrypted component push with a __proto__ element', request: (f) => editedMessage(f, beforeRootEnd(PROTO), 'auth'), status: 400, code: 'ERR_XML', detail: /forbidden element name/ },
  { name: 'a decrypted message with 20 000 elements', request: (f) => editedMessage(f, beforeRootEnd(MANY_ELEMENTS)), status: 400, code: 'ERR_XML', detail: /too many elements/ },
  { name: 'a decrypted message with 20 000 elements with attributes (the xml2js path)', options: { bodyLimit: 1024 ** 2 }, request: (f) => editedMessage(f, beforeRootEnd(MANY_ELEMENTS_WITH_ATTRIBUTES)), status: 400, code: 'ERR_XML', detail: /too many elements/ },
  { name: 'a decrypted message nested 200 deep', request: (f) => editedMessage(f, beforeRootEnd(DEEP)), status: 400, code: 'ERR_XML', detail: /nesting too deep/ },
  { name: 'a decrypted message nested 200 deep after a comment (the xml2js path)', request: (f) => editedMessage(f, beforeRootEnd(DEEP_WITH_COMMENT)), status: 400, code: 'ERR_XML', detail: /nesting too deep/ },
  ...Object.entries(BAD_UTF8).map(([what, bytes]): HostileCase => ({
    name: `a decrypted message with invalid UTF-8 (${what})`,
    request: (f) => f.sealed(withRawBytes(messageXml(), bytes)),
    status: 400,
    code: 'ERR_XML',
    detail: /decrypted message is not valid UTF-8/,
  })),
  { name: 'a decrypted message that is empty (msg_len 0)', request: (f) => f.crafted(pad32(f.plaintext({ message: '' }))), status: 400, code: 'ERR_XML', detail: /not XML/ },
];

/** Malformed ciphertexts and plaintexts behind a valid `msg_signature`. */
export const HOSTILE_CRYPTO: readonly HostileCase[] = [
  { name: 'base64 cut short by 3 characters', request: (f) => editedCiphertext(f, (b) => b.slice(0, -3)), status: 400, code: 'ERR_DECRYPT', detail: /not canonical base64/ },
  { name: 'base64 cut short by 4 characters (3 bytes: not whole AES blocks)', request: (f) => editedCiphertext(f, (b) => b.slice(0, -4)), status: 400, code: 'ERR_DECRYPT', detail: /multiple of 16/ },
  { name: 'base64 wrapped in lines of 76 characters', request: (f) => editedCiphertext(f, (b) => b.replace(/.{76}/g, '$&\n')), status: 400, code: 'ERR_DECRYPT', detail: /not canonical base64/ },
  { name: 'base64 in the URL-safe alphabet (- and _)', request: urlSafeCiphertext, status: 400, code: 'ERR_DECRYPT', detail: /not canonical base64/ },
  { name: 'base64 whose last character carries stray bits', request: (f) => f.envelope(strayBits(tinyCiphertext(f))), status: 400, code: 'ERR_DECRYPT', detail: /not canonical base64/ },
  { name: 'a ciphertext of one AES block (shorter than 32 bytes)', request: (f) => f.envelope(f.rawEncrypt(Buffer.alloc(16, 16))), status: 400, code: 'ERR_DECRYPT', detail: /shorter than 32 bytes/ },
  { name: 'a ciphertext cut by one AES block', request: cutByOneBlock, status: 400, code: 'ERR_DECRYPT', detail: /inconsistent padding/ },
  { name: 'an oversized ciphertext under the body limit (180 KB, not XML inside)', request: (f) => f.crafted(pad32(f.plaintext({ message: 'A'.repeat(180_000) }))), status: 400, code: 'ERR_XML', detail: /not XML/ },
  { name: 'a plaintext whose msg_len is 0xFFFFFFFF', request: (f) => f.crafted(pad32(f.plaintext({ message: messageXml(), msgLen: 0xffffffff }))), status: 400, code: 'ERR_DECRYPT', detail: /msg_len/ },
  { name: 'a plaintext whose msg_len is one past the end', request: (f) => f.crafted(pad32(f.plaintext({ message: messageXml(), trailer: '', msgLen: Buffer.byteLength(messageXml()) + 1 }))), status: 400, code: 'ERR_DECRYPT', detail: /msg_len/ },
  { name: 'a plaintext whose padding byte is 33', request: (f) => f.crafted(withByte(pad32(f.plaintext({ message: messageXml() })), -1, 33)), status: 400, code: 'ERR_DECRYPT', detail: /padding byte 33/ },
  { name: 'a plaintext whose padding byte is 255', request: (f) => f.crafted(withByte(pad32(f.plaintext({ message: messageXml() })), -1, 255)), status: 400, code: 'ERR_DECRYPT', detail: /padding byte 255/ },
  { name: 'a plaintext whose padding bytes disagree', request: (f) => f.crafted(withByte(withByte(pad32(f.plaintext({ message: messageXml() })), -1, 2), -2, 7)), status: 400, code: 'ERR_DECRYPT', detail: /inconsistent padding/ },
  { name: 'a plaintext that is padding only', request: (f) => f.crafted(Buffer.alloc(32, 32)), status: 400, code: 'ERR_DECRYPT', detail: /plaintext too short/ },
  { name: 'an appid trailer longer than the component appid', request: (f) => withTrailer(f, `${f.secrets.appId}x`), status: 401, code: 'ERR_APPID', detail: /trailer/ },
  { name: 'an appid trailer shorter than the component appid', request: (f) => withTrailer(f, f.secrets.appId.slice(0, -1)), status: 401, code: 'ERR_APPID', detail: /trailer/ },
  { name: 'an empty appid trailer', request: (f) => withTrailer(f, ''), status: 401, code: 'ERR_APPID', detail: /trailer/ },
  { name: 'an appid trailer followed by a NUL byte', request: (f) => withTrailer(f, Buffer.from(`${f.secrets.appId}\0`)), status: 401, code: 'ERR_APPID', detail: /trailer/ },
  { name: 'an appid trailer in upper case', request: (f) => withTrailer(f, f.secrets.appId.toUpperCase()), status: 401, code: 'ERR_APPID', detail: /trailer/ },
  { name: 'a component push with an appid trailer one byte short', request: (f) => ({ ...f.crafted(pad32(f.plaintext({ message: componentXml(f), trailer: f.secrets.appId.slice(0, -1) }))), endpoint: 'auth' }), status: 401, code: 'ERR_APPID', detail: /trailer/ },
];

/** Route appids that are not WeChat appids: refused before anything else, and never written raw into a log line. */
export const HOSTILE_ROUTE: readonly HostileCase[] = [
  { name: 'a route appid forging a log line (%0A[wxopen] …)', request: (f) => ({ ...encryptedPush(f), routeSegment: 'x%0A%5Bwxopen%5D%20auth%3A%20forged' }), status: 400, code: 'ERR_ROUTE', detail: /"x\\n\[wxopen\] auth: forged"/ },
  { name: 'a route appid holding a NUL byte (a%00b)', request: (f) => ({ ...encryptedPush(f), routeSegment: 'a%00b' }), status: 400, code: 'ERR_ROUTE', detail: /"a\\u0000b"/ },
  { name: 'a route appid of 99 characters (cut in the log)', request: (f) => ({ ...encryptedPush(f), routeSegment: `wx${'0'.repeat(97)}` }), status: 400, code: 'ERR_ROUTE', detail: /…"$/ },
  { name: 'a route appid that is not wx + 16 hex digits (wx_a)', request: (f) => ({ ...encryptedPush(f), routeSegment: 'wx_a' }), status: 400, code: 'ERR_ROUTE' },
];

/** Repeated, malformed and oversized query parameters. */
export const HOSTILE_QUERY: readonly HostileCase[] = [
  { name: 'a repeated timestamp (timestamp=…&timestamp=2)', request: (f) => repeated(f, 'timestamp', '2'), status: 400, code: 'ERR_QUERY', detail: /timestamp is repeated/ },
  { name: 'a repeated msg_signature, even with the same valid value', request: (f) => { const push = encryptedPush(f); return { ...push, rawQuery: `&msg_signature=${push.query['msg_signature'] ?? ''}` }; }, status: 400, code: 'ERR_QUERY', detail: /msg_signature is repeated/ },
  { name: 'a repeated nonce', request: (f) => repeated(f, 'nonce', '1'), status: 400, code: 'ERR_QUERY', detail: /nonce is repeated/ },
  { name: 'a repeated signature on a plain push', options: { requireEncryption: false }, request: (f) => ({ ...fromPush(f.wechat.plain(textMessage('x'))), rawQuery: '&signature=x' }), status: 400, code: 'ERR_QUERY', detail: /signature is repeated/ },
  { name: 'a repeated echostr on a GET verification', request: (f) => ({ method: 'GET', query: f.wechat.echo('e').query, rawQuery: '&echostr=f' }), status: 400, code: 'ERR_QUERY', detail: /echostr is repeated/ },
  { name: 'a repeated timestamp on the auth URL', request: (f) => ({ ...fromPush(f.wechat.component(componentXml(f)), { endpoint: 'auth' }), rawQuery: `&timestamp=${now()}` }), status: 400, code: 'ERR_QUERY', detail: /timestamp is repeated/ },
  ...['abc', '-1', '12345678901234567890', '1e9', '', ' 1700000000', '0x65000000', '١٧٠٠٠٠٠٠٠٠'].map(
    (timestamp): HostileCase => ({
      name: `a signed push whose timestamp is ${JSON.stringify(timestamp)}`,
      request: (f) => f.sealed(messageXml(), timestamp),
      status: 401,
      code: 'ERR_TIMESTAMP',
      detail: /not a number/,
    }),
  ),
  { name: 'a 12 KB msg_signature (under the header limit)', request: (f) => { const push = encryptedPush(f); return { ...push, query: withQuery(push.query, 'msg_signature', 'f'.repeat(12_000)) }; }, status: 401, code: 'ERR_MSG_SIGNATURE' },
];

/** Methods other than GET and POST on both URLs, which every adapter passes to the core for any method. */
export const HOSTILE_METHODS: readonly HostileCase[] = (['HEAD', 'OPTIONS', 'PATCH'] as const).flatMap((method) => [
  {
    name: `${method} on the message URL`,
    request: (f: Forge): RawRequest => ({ ...encryptedPush(f), method, body: method === 'PATCH' ? encryptedPush(f).body : undefined }),
    status: 405,
    code: 'ERR_METHOD' as const,
  },
  {
    name: `${method} on the auth URL`,
    request: (f: Forge): RawRequest => ({ ...fromPush(f.wechat.component(componentXml(f)), { endpoint: 'auth' }), method, body: undefined }),
    status: 405,
    code: 'ERR_METHOD' as const,
  },
]);

/** Hostile-looking requests that are still valid pushes: names and text are data, never code. */
export const HARMLESS: readonly { readonly name: string; readonly request: (forge: Forge) => RawRequest; readonly content: string }[] = [
  { name: 'a bracket parameter a[b]=1', request: (f) => ({ ...fromPush(f.wechat.encrypted(textMessage('q1'))), rawQuery: '&a[b]=1' }), content: 'q1' },
  { name: 'a bracket parameter beside a real one (timestamp[b]=1)', request: (f) => ({ ...fromPush(f.wechat.encrypted(textMessage('q2'))), rawQuery: '&timestamp[b]=1' }), content: 'q2' },
  { name: 'prototype-polluting parameters (__proto__[polluted], constructor[prototype][polluted], __proto__)', request: (f) => ({ ...fromPush(f.wechat.encrypted(textMessage('q3'))), rawQuery: '&__proto__[polluted]=1&constructor[prototype][polluted]=1&__proto__=x' }), content: 'q3' },
  { name: 'message elements named after Object methods (toString, valueOf, hasOwnProperty)', request: (f) => f.sealed(buildXml({ ...textMessage('names'), toString: 'a', valueOf: 'b', hasOwnProperty: 'c', isPrototypeOf: 'd' })), content: 'names' },
  { name: 'a message whose text quotes a DOCTYPE, an entity and a __proto__ tag in CDATA', request: (f) => f.sealed(messageXml(`${EXTERNAL_ENTITY}&x;${PROTO}`)), content: `${EXTERNAL_ENTITY}&x;${PROTO}` },
];

// ---------------------------------------------------------------------------------------------- checks

const PROTOTYPE_NAMES = Object.getOwnPropertyNames(Object.prototype).sort();

function expectPrototypeUntouched(): void {
  expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(PROTOTYPE_NAMES);
}

/** What every rejection must show, whatever its input. */
async function expectRejected(h: Harness, res: Response, c: Pick<HostileCase, 'status' | 'code' | 'detail'>, method: HttpMethod): Promise<void> {
  expect(res.status).toBe(c.status);
  expect(res.text ?? '').toBe(method === 'HEAD' ? '' : 'invalid request');
  expect(h.errors.map((e) => e.code)).toEqual([c.code]);
  if (c.detail) expect(h.errors[0]?.detail).toMatch(c.detail);
  expect(h.ran).toEqual([]);
  expect(h.frameworkErrors).toEqual([]);
  expectNothingSecret(h, res);
  // Every log line stays one line, however hostile the input (no control character, nothing unbounded).
  for (const line of h.logLines) {
    // eslint-disable-next-line no-control-regex -- the control characters are what must not be there
    expect(line).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/);
    expect(line.length).toBeLessThan(600);
  }
  expectPrototypeUntouched();
  await expectStillServing(h);
}

/**
 * Writes a request over a raw socket: headers declaring the whole body, then only the first half of it;
 * then either destroys the socket (a client that disconnects) or half-closes it and reads what the server
 * says (a declared length the client never sends). Resolves with what the server wrote, once the socket closed.
 */
function sendHalfBody(h: Harness, raw: RawRequest, then: 'destroy' | 'end'): Promise<string> {
  const body = Buffer.from(raw.body ?? '');
  return new Promise((resolve, reject) => {
    const socket = net.connect(h.port, '127.0.0.1');
    const received: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => received.push(chunk));
    socket.on('error', (error: NodeJS.ErrnoException) => (error.code === 'ECONNRESET' ? undefined : reject(error)));
    socket.on('close', () => resolve(Buffer.concat(received).toString('latin1')));
    socket.write(`POST ${pathOf(raw)} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/xml\r\nContent-Length: ${body.length}\r\n\r\n`);
    socket.write(body.subarray(0, body.length >> 1));
    // Let the server dispatch the request and start reading the body before the client goes away.
    setTimeout(() => (then === 'destroy' ? socket.destroy() : socket.end()), 50);
  });
}

// ---------------------------------------------------------------------------------------------- suite

/** Every hostile case, run against one framework integration (the `bare` setup). */
export function hostileCases(): ConformanceCase<MakeServer>[] {
  const harness = (makeServer: MakeServer, options: PlatformOptions | undefined, run: (h: Harness) => Promise<void>) => withHarness(makeServer, 'bare', options, run);
  const cases: ConformanceCase<MakeServer>[] = [];
  const add = (group: readonly string[], name: string, options: PlatformOptions | undefined, run: (h: Harness) => Promise<void>) =>
    cases.push({ group, name, run: (makeServer) => harness(makeServer, options, run) });

  const REJECTS = 'hostile input: rejected with the right code, no handler, nothing secret, and the server keeps serving';
  const tables = { xml: HOSTILE_XML, crypto: HOSTILE_CRYPTO, query: HOSTILE_QUERY, route: HOSTILE_ROUTE, methods: HOSTILE_METHODS };
  for (const [table, rows] of Object.entries(tables)) {
    for (const c of rows) {
      add([REJECTS, table], c.name, c.options, async (h) => {
        const raw = c.request(h.forge);
        await expectRejected(h, await send(h, raw), c, raw.method ?? 'POST');
      });
    }
  }

  for (const c of HARMLESS) {
    add(['hostile-looking but valid: answered normally, nothing polluted'], c.name, {}, async (h) => {
      const res = await send(h, c.request(h.forge));
      expectEchoReply(res, h, c.content, true);
      expect(h.errors).toEqual([]);
      expectPrototypeUntouched();
    });
  }

  const EARLY = ['hostile input the framework or Node answers before the core'];
  add(EARLY, 'a route appid of 4000 characters gets a 4xx (the core’s 400, or the framework’s own 414) and runs nothing', {}, async (h) => {
    const res = await send(h, { ...encryptedPush(h.forge), routeSegment: `wx${'0'.repeat(3998)}` });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(h.errors.map((e) => e.code)).toEqual(res.status === 400 ? ['ERR_ROUTE'] : []);
    expect(h.ran).toEqual([]);
    await expectStillServing(h);
  });
  add(EARLY, 'a 60 KB query string gets a 4xx (Node’s 431: over its 16 KB header limit) and the server keeps serving', {}, async (h) => {
    const res = await send(h, { ...encryptedPush(h.forge), rawQuery: `&junk=${'x'.repeat(60_000)}` });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(h.errors).toEqual([]);
    expect(h.ran).toEqual([]);
    await expectStillServing(h);
  });

  const PARTIAL = ['a body that never arrives whole'];
  /** Once the connection is gone: at most one ERR_BODY, no handler, nothing thrown to the framework, still serving. */
  const expectBodyLostQuietly = async (h: Harness): Promise<void> => {
    await h.idle();
    expect(h.errors.length).toBeLessThanOrEqual(1);
    for (const error of h.errors) expect(error.code).toBe('ERR_BODY');
    expect(h.ran).toEqual([]);
    expect(h.frameworkErrors).toEqual([]);
    await expectStillServing(h);
  };
  add(PARTIAL, 'a client that disconnects mid-body runs no handler, reports ERR_BODY or nothing, and the server keeps serving', {}, async (h) => {
    await sendHalfBody(h, encryptedPush(h.forge), 'destroy');
    // Observed on Express, Koa and Fastify: ERR_BODY "stream error" (cause: aborted). Nothing, when the
    // client is gone before the request is dispatched.
    await expectBodyLostQuietly(h);
  });
  add(PARTIAL, 'a Content-Length larger than the body sent before the client half-closes is answered 400 or closed at once, without a handler', {}, async (h) => {
    const answer = await sendHalfBody(h, encryptedPush(h.forge), 'end');
    // Node (Express, Koa) or Fastify answers its own 400 to the incomplete request; the core sees ERR_BODY.
    if (answer !== '') expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    await expectBodyLostQuietly(h);
  });
  return cases;
}
