/**
 * Query shapes a framework's parser can hand the core for hostile query strings: arrays for repeated
 * parameters, objects for bracket parameters (`qs`, Express's "extended" parser), other types from custom
 * parsers, and objects whose prototype was polluted elsewhere. The adapters' default parsers (tested in the
 * conformance suite) give strings and arrays only; these cases pin the core's own rule: a parameter is used
 * only when it is a single string and an own property.
 */
import type { WxOpenError } from '@wxopen/core';
import { AuthServer } from '@wxopen/core';
import { WechatSimulator, textMessage } from '@wxopen/testing';

const secrets = WechatSimulator.generateSecrets();
const wechat = new WechatSimulator(secrets);

function makePlatform(extra: Partial<ConstructorParameters<typeof AuthServer>[0]> = {}) {
  const errors: WxOpenError[] = [];
  const ran: string[] = [];
  const platform = new AuthServer({ ...secrets, onError: (error) => errors.push(error), ...extra });
  platform.messages.on('text', (message) => {
    ran.push(message.Content);
    return `echo: ${message.Content}`;
  });
  return { platform, errors, ran };
}

type Query = Record<string, unknown>;

interface QueryCase {
  readonly name: string;
  readonly method?: 'GET' | 'POST';
  /** The query the adapter passes, built from a valid push's query. */
  readonly query: (valid: Readonly<Record<string, string>>) => Query;
  readonly status: number;
  readonly code: string;
  readonly detail?: RegExp;
}

const CASES: readonly QueryCase[] = [
  { name: 'a repeated timestamp given as an array', query: (q) => ({ ...q, timestamp: [q['timestamp'], '2'] }), status: 400, code: 'ERR_QUERY', detail: /timestamp is repeated or malformed/ },
  { name: 'a repeated msg_signature given as an array of one valid value', query: (q) => ({ ...q, msg_signature: [q['msg_signature']] }), status: 400, code: 'ERR_QUERY', detail: /msg_signature/ },
  { name: 'a bracket msg_signature[x]=1 given as an object', query: (q) => ({ ...q, msg_signature: { x: '1' } }), status: 400, code: 'ERR_QUERY', detail: /msg_signature/ },
  { name: 'a nonce given as a number', query: (q) => ({ ...q, nonce: 1234 }), status: 400, code: 'ERR_QUERY', detail: /nonce/ },
  { name: 'a null timestamp', query: (q) => ({ ...q, timestamp: null }), status: 400, code: 'ERR_QUERY', detail: /timestamp/ },
  { name: 'an echostr given as an array on a GET verification', method: 'GET', query: () => ({ ...wechat.echo('e').query, echostr: ['e', 'f'] }), status: 400, code: 'ERR_QUERY', detail: /echostr/ },
  {
    name: 'a timestamp only inherited from a polluted prototype',
    query: (q) => {
      const { timestamp, ...own } = q;
      return Object.assign(Object.create({ timestamp }) as Query, own);
    },
    status: 401,
    code: 'ERR_TIMESTAMP',
    detail: /missing/,
  },
  {
    name: 'a msg_signature only inherited from a polluted prototype',
    query: (q) => {
      const { msg_signature, ...own } = q;
      return Object.assign(Object.create({ msg_signature }) as Query, own);
    },
    status: 401,
    code: 'ERR_MSG_SIGNATURE',
    detail: /missing/,
  },
];

describe('query values that are not one own string', () => {
  test.each(CASES.map((c) => [c.name, c] as const))('rejects %s without running a handler', async (_name, c) => {
    const { platform, errors, ran } = makePlatform();
    const push = wechat.encrypted(textMessage('x'), { openid: 'o_1' });
    const body = c.method === 'GET' ? undefined : push.body;
    const res = await platform.handleMessage({ method: c.method ?? 'POST', query: c.query(push.query), body, authorizerAppId: 'wx000000000000000a' });
    expect(res.status).toBe(c.status);
    expect(res.body).toBe('invalid request');
    expect(errors.map((e) => e.code)).toEqual([c.code]);
    if (c.detail) expect(errors[0]?.detail).toMatch(c.detail);
    expect(ran).toEqual([]);
  });

  test('answers a valid push whose null-prototype query also holds own __proto__ and constructor keys', async () => {
    const { platform, errors, ran } = makePlatform();
    const push = wechat.encrypted(textMessage('proto keys'));
    const query = Object.assign(Object.create(null) as Query, push.query, { constructor: 'x' });
    Object.defineProperty(query, '__proto__', { value: { polluted: true }, enumerable: true });
    const res = await platform.handleMessage({ method: 'POST', query, body: push.body, authorizerAppId: 'wx000000000000000a' });
    expect(res.status).toBe(200);
    expect(wechat.openReply(res.body).record['Content']).toBe('echo: proto keys');
    expect(errors).toEqual([]);
    expect(ran).toEqual(['proto keys']);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});
