/**
 * `MessageEnvelope`, both ways, on the official vectors: the XML and JSON inbound pushes open to their exact
 * plaintext, the XML and JSON replies seal to their exact bytes, and WeChat's side (`push` / `openReply`) round-trips
 * with the platform's side (`readHead` / `open` / `sealReply`). Plus what JSON mode adds to parsing: `MsgId` beyond
 * 2^53 kept exactly, `List` as an object or an array typed the same.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AuthServer, MessageCipher, MessageEnvelope, toMessage } from '@wxopen/core';
import { WechatSimulator } from '@wxopen/testing';
import { parseMessage } from '../../src/envelope/envelope';
import { parseJsonRecord } from '../../src/envelope/json';
import type * as Fallback from '../../src/xml/fallback';

interface Vector {
  readonly name: string;
  readonly inputs: Readonly<Record<string, string>>;
  readonly expected: Readonly<Record<string, unknown>>;
}
const vectors = JSON.parse(readFileSync(join(__dirname, '../fixtures/vectors.json'), 'utf8')) as Vector[];
const vector = (name: string) => vectors.find((v) => v.name === name) as Vector;

function envelopeOf(v: Vector, now: number): MessageEnvelope {
  return new MessageEnvelope(
    { appId: v.inputs['appid'] as string, token: v.inputs['token'] as string, encodingAESKey: v.inputs['encoding_aes_key'] as string },
    { now: () => now },
  );
}

describe('the official vectors through MessageEnvelope', () => {
  it('opens the mini-program JSON push (vector 9) to its exact JSON plaintext', () => {
    const v = vector('official-doc-miniprogram-message-push-json-inbound');
    const timestamp = v.inputs['timestamp'] as string;
    const envelope = envelopeOf(v, Number(timestamp) * 1000);
    const query = { timestamp, nonce: v.inputs['nonce'], encrypt_type: 'aes', msg_signature: v.expected['msg_signature'], signature: v.expected['signature'] };
    const push = envelope.open(envelope.readHead(query, true), v.inputs['post_body'] as string);
    expect(push.format).toBe('json');
    expect(push.plaintext).toBe(v.expected['plaintext']);
    const message = toMessage(parseMessage(push));
    expect(message).toMatchObject({ MsgType: 'event', Event: 'debug_demo', CreateTime: 1714112445, ToUserName: 'gh_97417a04a28d' });
  });

  it('opens the same push when a JSON body parser already read it (the signature covers Encrypt, not the bytes)', () => {
    const v = vector('official-doc-miniprogram-message-push-json-inbound');
    const timestamp = v.inputs['timestamp'] as string;
    const envelope = envelopeOf(v, Number(timestamp) * 1000);
    const query = { timestamp, nonce: v.inputs['nonce'], encrypt_type: 'aes', msg_signature: v.expected['msg_signature'] };
    const parsed = JSON.parse(v.inputs['post_body'] as string) as object;
    expect(envelope.open(envelope.readHead(query, true), parsed).plaintext).toBe(v.expected['plaintext']);
  });

  it('seals the mini-program JSON reply (vector 10) to its exact body', () => {
    const v = vector('official-doc-miniprogram-message-push-json-reply');
    const timestamp = Number(v.inputs['timestamp']);
    const envelope = envelopeOf(v, timestamp * 1000);
    // The reply's cipher prefix is random; seal the vector's plaintext with its random to compare bytes.
    const cipher = new MessageCipher(v.inputs['encoding_aes_key'] as string, v.inputs['appid'] as string);
    const sealed = cipher.encrypt(v.inputs['plaintext'] as string, Buffer.from(v.inputs['random'] as string, 'latin1'));
    const pushSide = envelope.pushCiphertext(sealed, { timestamp, nonce: v.inputs['nonce'], format: 'json' });
    const encrypt = (JSON.parse(pushSide.body) as { Encrypt: string }).Encrypt;
    expect(encrypt).toBe(v.expected['encrypt']);
    expect(pushSide.query['msg_signature']).toBe(v.expected['msg_signature']);
    const replyBody = JSON.stringify({ Encrypt: encrypt, MsgSignature: pushSide.query['msg_signature'], TimeStamp: timestamp, Nonce: v.inputs['nonce'] });
    expect(replyBody).toBe(v.expected['reply_body']);
    expect(envelope.openReply(replyBody)).toEqual({ plaintext: v.inputs['plaintext'], encrypted: true });
  });

  it('opens the third-party platform XML push (vector 7) and seals a reply WeChat’s side verifies', () => {
    const v = vector('official-doc-oplatform-message-push-inbound');
    const timestamp = v.inputs['timestamp'] as string;
    const envelope = envelopeOf(v, Number(timestamp) * 1000);
    const query = { timestamp, nonce: v.inputs['nonce'], encrypt_type: 'aes', msg_signature: v.expected['msg_signature'], signature: v.expected['signature'] };
    const push = envelope.open(envelope.readHead(query, true), v.inputs['post_body'] as string);
    expect(push.format).toBe('xml');
    expect(push.plaintext).toBe(v.expected['plaintext']);
    const reply = envelope.sealReply('<xml><Content>hi</Content></xml>', push);
    expect(envelope.openReply(reply)).toEqual({ plaintext: '<xml><Content>hi</Content></xml>', encrypted: true });
  });
});

describe('WeChat’s side and the platform’s side of one envelope', () => {
  const secrets = WechatSimulator.generateSecrets();
  const wechat = new MessageEnvelope(secrets);
  const platform = new MessageEnvelope(secrets);

  it.each(['xml', 'json'] as const)('round-trips a %s push and its sealed reply', (format) => {
    const message = format === 'json' ? '{"MsgType":"text","Content":"往返"}' : '<xml><MsgType>text</MsgType><Content>往返</Content></xml>';
    const sealed = wechat.push(message, { format });
    const push = platform.open(platform.readHead(sealed.query, true), sealed.body);
    expect(push).toMatchObject({ format, encrypted: true, plaintext: message });
    const reply = platform.sealReply('reply text', push);
    expect(format === 'json' ? JSON.parse(reply) : reply).toBeTruthy();
    expect(wechat.openReply(reply)).toEqual({ plaintext: 'reply text', encrypted: true });
  });

  it('refuses an XML envelope the scanner cannot read before checking any signature (never handing it to xml2js)', () => {
    const sealed = wechat.push('<xml/>');
    const unreadable = sealed.body.replace('<xml>', '<xml><!-- a comment sends xml2js-bound documents away -->');
    expect(() => platform.open(platform.readHead(sealed.query, true), unreadable)).toThrow(
      expect.objectContaining({ code: 'ERR_XML', detail: expect.stringMatching(/markup outside what WeChat sends/) }),
    );
  });
});

describe('JSON messages', () => {
  it('keeps a MsgId beyond 2^53 exactly, as a string', () => {
    const record = parseJsonRecord('{"MsgType":"text","Content":"x","CreateTime":1714112445,"MsgId":23456789012345678901,"ToUserName":"gh","FromUserName":"o"}');
    const message = toMessage(record);
    expect(message).toMatchObject({ MsgId: '23456789012345678901', CreateTime: 1714112445 });
  });

  it('types a List that is an object and a List that is an array alike', () => {
    const item = { TemplateId: 't1', SubscribeStatusString: 'accept', PopupScene: 2 };
    const base = { ToUserName: 'gh', FromUserName: 'o', CreateTime: 1, MsgType: 'event', Event: 'subscribe_msg_popup_event' };
    const asObject = toMessage(parseJsonRecord(JSON.stringify({ ...base, SubscribeMsgPopupEvent: { List: item } })));
    const asArray = toMessage(parseJsonRecord(JSON.stringify({ ...base, SubscribeMsgPopupEvent: { List: [item] } })));
    expect(asObject).toEqual(asArray);
    expect(asArray).toMatchObject({ SubscribeMsgPopupEvent: { List: [{ TemplateId: 't1', SubscribeStatusString: 'accept', PopupScene: '2' }] } });
  });

  it('refuses a document that is not a JSON object, with ERR_JSON', () => {
    for (const text of ['[1,2]', '"x"', '{"a":', '{"__proto__":{"x":1}}']) {
      expect(() => parseJsonRecord(text)).toThrow(expect.objectContaining({ code: 'ERR_JSON' }));
    }
  });

  it('answers a JSON text message through AuthServer with the handler’s reply as JSON, numbers as numbers', async () => {
    const secrets = WechatSimulator.generateSecrets();
    const server = new AuthServer({ appId: secrets.appId, token: secrets.token, encodingAESKey: secrets.encodingAESKey });
    server.messages.on('text', (m) => `got ${m.MsgId}`);
    const simulator = new WechatSimulator(secrets);
    const push = simulator.encrypted({ ToUserName: 'gh_x', FromUserName: 'o_x', CreateTime: 1714112445, MsgType: 'text', Content: 'hi', MsgId: '23456789012345678901' }, { format: 'json' });
    expect(push.body.startsWith('{')).toBe(true);
    const res = await server.handleMessage({ method: 'POST', query: push.query, body: push.body, authorizerAppId: 'wx0000000000000011' });
    const reply = JSON.parse(simulator.envelope.openReply(res.body).plaintext) as Record<string, unknown>;
    expect(reply).toMatchObject({ ToUserName: 'o_x', FromUserName: 'gh_x', MsgType: 'text', Content: 'got 23456789012345678901' });
    expect(typeof reply['CreateTime']).toBe('number');
  });
});

describe('before the signature is verified', () => {
  // Counted through the module's export: `parseXml` calls it through the same binding.
  const fallback = jest.requireActual<typeof Fallback>('../../src/xml/fallback');
  const secrets = WechatSimulator.generateSecrets();
  const server = new AuthServer({ appId: secrets.appId, token: secrets.token, encodingAESKey: secrets.encodingAESKey, onError: () => undefined });
  const LIMIT = 256 * 1024;
  const shapes: Record<string, (size: number) => string> = {
    'an unterminated declaration': (n) => `<xml><!${'a'.repeat(n)}`,
    'an unterminated comment': (n) => `<xml><!--${'a'.repeat(n)}`,
    'an unterminated CDATA section': (n) => `<xml><Encrypt><![CDATA[${'a'.repeat(n)}`,
    'deep nesting': (n) => `<xml>${'<a>'.repeat(n / 3)}`,
    'a long attribute list': (n) => `<xml a0="1"${' a="1"'.repeat(n / 6)}>`,
    'a run of ampersands': (n) => `<xml><Encrypt>${'&'.repeat(n)}</Encrypt></xml>`,
  };

  it.each(Object.keys(shapes))('hands no byte of %s at the body limit to xml2js, and refuses it with a 4xx', async (shape) => {
    const spy = jest.spyOn(fallback, 'parseWithXml2js');
    const make = shapes[shape] as (size: number) => string;
    const query = { timestamp: String(Math.floor(Date.now() / 1000)), nonce: '1', encrypt_type: 'aes', msg_signature: 'f'.repeat(40) };
    const res = await server.handleMessage({ method: 'POST', query, body: make(LIMIT - 64), authorizerAppId: 'wx0000000000000012' });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(spy).not.toHaveBeenCalled();
    spy.mockRestore();
  });
});
