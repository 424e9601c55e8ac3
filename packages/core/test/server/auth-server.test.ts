import type { WxOpenError } from '@wxopen/core';
import { AuthServer, buildXml, parseXml, reply } from '@wxopen/core';
import { WechatSimulator, textMessage } from '@wxopen/testing';

const secrets = WechatSimulator.generateSecrets();
const wechat = new WechatSimulator(secrets);

function makePlatform(extra: Partial<ConstructorParameters<typeof AuthServer>[0]> = {}) {
  const errors: WxOpenError[] = [];
  const platform = new AuthServer({ ...secrets, onError: (e) => errors.push(e), ...extra });
  return { platform, errors };
}

function post(platform: AuthServer, push: { query: Record<string, string>; body: string }, authorizerAppId = 'wx0000000000000a00') {
  return platform.handleMessage({ method: 'POST', query: push.query, body: push.body, authorizerAppId });
}

function event(Event: string, fields: Record<string, string> = {}) {
  return { ToUserName: 'gh_1', FromUserName: 'o_1', CreateTime: 1700000000, MsgType: 'event', Event, ...fields };
}

describe('construction', () => {
  test('rejects a 42-character EncodingAESKey with a TypeError naming the option', () => {
    expect(() => new AuthServer({ ...secrets, encodingAESKey: secrets.encodingAESKey.slice(1) })).toThrow(/encodingAESKey/);
  });
  test('rejects a missing token with a TypeError naming the option', () => {
    expect(() => new AuthServer({ ...secrets, token: '' })).toThrow(/`token`/);
  });
  test('rejects a negative body limit', () => {
    expect(() => new AuthServer({ ...secrets, bodyLimit: -1 })).toThrow(/bodyLimit/);
  });
  test('does not change the caller’s options object', () => {
    const options = Object.freeze({ ...secrets });
    expect(() => new AuthServer(options)).not.toThrow();
  });
});

describe('message dispatch', () => {
  test('passes the authorizer appid, the signed openid and typed message to the handler', async () => {
    const { platform } = makePlatform();
    const seen: unknown[] = [];
    platform.messages.on('text', (msg, ctx) => {
      seen.push([ctx.authorizerAppId, ctx.openid, msg.Content, msg.CreateTime, ctx.encrypted]);
    });
    // The query's `openid` is not signed: the context carries the signed FromUserName.
    const message = textMessage('hello', { createTime: 1700000001, from: 'o_me' });
    const res = await post(platform, wechat.encrypted(message, { openid: 'o_mallory' }), 'wx00000000000000a1');
    expect(res.body).toBe('success');
    expect(seen).toEqual([['wx00000000000000a1', 'o_me', 'hello', 1700000001, true]]);
  });

  test('an event handler takes precedence over on("event") and onDefault', async () => {
    const { platform } = makePlatform();
    platform.messages.onEvent('subscribe', (msg) => `welcome ${msg.EventKey ?? ''}`);
    platform.messages.on('event', (msg) => `event ${msg.Event}`);
    platform.messages.onDefault(() => 'default');
    const sub = await post(platform, wechat.encrypted(event('subscribe', { EventKey: 'qrscene_1' })));
    expect(wechat.openReply(sub.body).record['Content']).toBe('welcome qrscene_1');
    const click = await post(platform, wechat.encrypted(event('CLICK', { EventKey: 'k' })));
    expect(wechat.openReply(click.body).record['Content']).toBe('event CLICK');
    const image = await post(platform, wechat.encrypted({ ...textMessage('x'), MsgType: 'image', PicUrl: 'u', MediaId: 'm' }));
    expect(wechat.openReply(image.body).record['Content']).toBe('default');
  });

  test('an unknown message kind reaches the default handler with its raw fields', async () => {
    const { platform } = makePlatform();
    let raw: unknown;
    platform.messages.onDefault((msg) => {
      raw = msg;
    });
    await post(platform, wechat.encrypted({ ...textMessage('x'), MsgType: 'brand_new_kind', Extra: 'value' }));
    expect(raw).toMatchObject({ MsgType: 'brand_new_kind', Extra: 'value' });
  });

  test('middleware runs in order around the handler and can short-circuit', async () => {
    const { platform } = makePlatform();
    const order: string[] = [];
    platform.messages.use(async (ctx, next) => {
      order.push('a');
      ctx.state['user'] = 'alice';
      const result = await next();
      order.push('a-after');
      return result;
    });
    platform.messages.use((ctx, next) => (ctx.message.MsgType === 'text' && (ctx.message as { Content?: string }).Content === 'stop' ? 'stopped' : next()));
    platform.messages.on('text', (msg, ctx) => {
      order.push('handler');
      return `${String(ctx.state['user'])}: ${msg.Content}`;
    });
    const res = await post(platform, wechat.encrypted(textMessage('go')));
    expect(wechat.openReply(res.body).record['Content']).toBe('alice: go');
    expect(order).toEqual(['a', 'handler', 'a-after']);
    const stopped = await post(platform, wechat.encrypted(textMessage('stop')));
    expect(wechat.openReply(stopped.body).record['Content']).toBe('stopped');
  });

  test('registering two handlers for one message type is a TypeError', () => {
    const { platform } = makePlatform();
    platform.messages.on('text', () => undefined);
    expect(() => platform.messages.on('text', () => undefined)).toThrow(TypeError);
  });

  test('the reply swaps the header and carries CreateTime in seconds', async () => {
    const now = 1_700_000_123_456;
    const { platform } = makePlatform({ now: () => now, maxClockSkewSeconds: 0 });
    platform.messages.on('text', () => reply.text('ok'));
    const res = await post(platform, wechat.encrypted(textMessage('x', { from: 'o_sender', to: 'gh_me' })));
    const { record } = wechat.openReply(res.body);
    expect(record).toMatchObject({ ToUserName: 'o_sender', FromUserName: 'gh_me', CreateTime: '1700000123', MsgType: 'text' });
  });

  test('the encrypted reply echoes the request nonce and is signed', async () => {
    const { platform } = makePlatform();
    platform.messages.on('text', () => 'hi');
    const res = await post(platform, wechat.encrypted(textMessage('x'), { nonce: 'n0nce' }));
    expect(res.headers['content-type']).toMatch(/xml/);
    expect(res.body).toContain('<Nonce><![CDATA[n0nce]]></Nonce>');
    expect(() => wechat.openReply(res.body)).not.toThrow();
  });

  test('the reply envelope is the compact document buildXml writes, even for a nonce holding "]]>"', async () => {
    const now = 1_700_000_123_456;
    const { platform } = makePlatform({ now: () => now, maxClockSkewSeconds: 0 });
    platform.messages.on('text', () => 'hi');
    for (const nonce of ['415670741', 'a]]>b']) {
      const res = await post(platform, wechat.encrypted(textMessage('x'), { nonce }));
      const envelope = parseXml(res.body);
      expect(envelope['Nonce']).toBe(nonce);
      expect(envelope['TimeStamp']).toBe('1700000123');
      expect(res.body).toBe(
        buildXml({ Encrypt: envelope['Encrypt'] as string, MsgSignature: envelope['MsgSignature'] as string, TimeStamp: 1700000123, Nonce: nonce }),
      );
    }
  });

  test('a handler that throws gives 500 and reports ERR_HANDLER with the cause', async () => {
    const { platform, errors } = makePlatform();
    platform.messages.on('text', () => {
      throw new Error('boom');
    });
    const res = await post(platform, wechat.encrypted(textMessage('x')));
    expect(res.status).toBe(500);
    expect(errors.map((e) => e.code)).toEqual(['ERR_HANDLER']);
    expect((errors[0]?.cause as Error).message).toBe('boom');
  });
});

describe('plain and compatible modes', () => {
  test('a plain push is refused by default', async () => {
    const { platform, errors } = makePlatform();
    const res = await post(platform, wechat.plain(textMessage('x')));
    expect(res.status).toBe(400);
    expect(errors[0]?.code).toBe('ERR_ENCRYPTION_REQUIRED');
  });
  test('a plain push gets a plain reply when encryption is optional', async () => {
    const { platform } = makePlatform({ requireEncryption: false });
    platform.messages.on('text', (m) => `plain ${m.Content}`);
    const res = await post(platform, wechat.plain(textMessage('x')));
    const opened = wechat.openReply(res.body);
    expect(opened.encrypted).toBe(false);
    expect(opened.record['Content']).toBe('plain x');
  });
  test('a string body is read as its UTF-8 bytes would decode: a lone surrogate becomes U+FFFD', async () => {
    const { platform } = makePlatform({ requireEncryption: false });
    const seen: string[] = [];
    platform.messages.on('text', (m) => void seen.push(m.Content));
    await post(platform, wechat.plain(textMessage('a\uD800b')));
    await post(platform, wechat.plain(textMessage('c😀d')));
    expect(seen).toEqual(['a\uFFFDb', 'c😀d']);
  });
  test('a string body over the limit is refused with 413, counted in UTF-8 bytes', async () => {
    const { platform, errors } = makePlatform({ requireEncryption: false, bodyLimit: 400 });
    const push = wechat.plain(textMessage('中'.repeat(100))); // 100 characters, 300 bytes
    expect((await post(platform, push)).status).toBe(413);
    expect(errors[0]?.code).toBe('ERR_BODY_LIMIT');
  });
  test('a compatible-mode push (plain fields beside Encrypt) is answered from the decrypted content', async () => {
    const { platform } = makePlatform({ requireEncryption: false });
    platform.messages.on('text', (m) => `got ${m.Content}`);
    const push = wechat.encrypted(textMessage('secret'));
    const body = push.body.replace('</xml>', '<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[forged]]></Content></xml>');
    const res = await post(platform, { query: push.query, body });
    expect(wechat.openReply(res.body).record['Content']).toBe('got secret');
  });
});

describe('URL verification', () => {
  test('a GET with a valid signature answers echostr unchanged', async () => {
    const { platform } = makePlatform();
    const res = await platform.handleMessage({ method: 'GET', query: wechat.echo('4375120948345356249').query });
    expect(res).toMatchObject({ status: 200, body: '4375120948345356249' });
  });
  test('a GET without echostr is a 400', async () => {
    const { platform, errors } = makePlatform();
    const { echostr: _drop, ...query } = wechat.echo('x').query;
    const res = await platform.handleMessage({ method: 'GET', query });
    expect(res.status).toBe(400);
    expect(errors[0]?.code).toBe('ERR_QUERY');
  });
});

describe('rotation of Token and EncodingAESKey', () => {
  const next = WechatSimulator.generateSecrets();

  test('after setToken, pushes signed with the previous Token are accepted until the new one is seen', async () => {
    const { platform, errors } = makePlatform();
    platform.messages.on('text', () => 'ok');
    platform.setToken(next.token);
    const oldSigned = await post(platform, wechat.encrypted(textMessage('old')));
    expect(oldSigned.status).toBe(200);
    expect(wechat.openReply(oldSigned.body).record['Content']).toBe('ok'); // reply signed with the Token that verified it
    const rotated = new WechatSimulator({ ...secrets, token: next.token });
    expect((await post(platform, rotated.encrypted(textMessage('new')))).status).toBe(200);
    expect((await post(platform, wechat.encrypted(textMessage('old again')))).status).toBe(401);
    expect(errors.map((e) => e.code)).toEqual(['ERR_MSG_SIGNATURE']);
  });

  test('after setAESKey, pushes encrypted with the previous key are accepted and answered with that key until the new one is seen', async () => {
    const { platform, errors } = makePlatform();
    platform.messages.on('text', () => 'ok');
    platform.setAESKey(next.encodingAESKey);
    const oldKey = await post(platform, wechat.encrypted(textMessage('old')));
    expect(wechat.openReply(oldKey.body).record['Content']).toBe('ok');
    const rotated = new WechatSimulator({ ...secrets, encodingAESKey: next.encodingAESKey });
    const newKey = await post(platform, rotated.encrypted(textMessage('new')));
    expect(rotated.openReply(newKey.body).record['Content']).toBe('ok');
    expect((await post(platform, wechat.encrypted(textMessage('old again')))).status).toBe(400);
    expect(errors.map((e) => e.code)).toEqual(['ERR_DECRYPT']);
  });

  test('a message in flight while both Token and key rotate is answered with the values that opened it', async () => {
    const { platform, errors } = makePlatform();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    platform.messages.on('text', async (m) => {
      if (m.Content === 'slow') await gate;
      return `ok ${m.Content}`;
    });
    const inFlight = post(platform, wechat.encrypted(textMessage('slow')));
    await new Promise((r) => setTimeout(r, 10));
    platform.setToken(next.token);
    platform.setAESKey(next.encodingAESKey);
    const rotated = new WechatSimulator({ ...secrets, token: next.token, encodingAESKey: next.encodingAESKey });
    const fresh = await post(platform, rotated.encrypted(textMessage('new'))); // the previous values are now forgotten
    expect(rotated.openReply(fresh.body).record['Content']).toBe('ok new');
    release();
    const answered = await inFlight;
    expect(wechat.openReply(answered.body).record['Content']).toBe('ok slow'); // sealed and signed with the old pair
    expect(errors).toEqual([]);
  });
});

describe('component pushes', () => {
  test('runs every onInfo handler for its InfoType in order, then answers success', async () => {
    const { platform } = makePlatform();
    const seen: string[] = [];
    platform.onInfo('unauthorized', (info) => void seen.push(`1:${info.AuthorizerAppid}`));
    platform.onInfo('unauthorized', (info) => void seen.push(`2:${info.AuthorizerAppid}`));
    const push = wechat.component({ AppId: secrets.appId, CreateTime: 1, InfoType: 'unauthorized', AuthorizerAppid: 'wx_gone' });
    const res = await platform.handleAuthEvent({ method: 'POST', query: push.query, body: push.body });
    expect(res).toMatchObject({ status: 200, body: 'success' });
    expect(seen).toEqual(['1:wx_gone', '2:wx_gone']);
  });

  test('an unknown InfoType reaches onUnknownInfo, a known one without handlers does not', async () => {
    const { platform } = makePlatform();
    const seen: string[] = [];
    platform.onUnknownInfo((info) => void seen.push(info.InfoType));
    for (const InfoType of ['brand_new_info', 'unauthorized']) {
      const push = wechat.component({ AppId: secrets.appId, CreateTime: 1, InfoType, AuthorizerAppid: 'wx' });
      await platform.handleAuthEvent({ method: 'POST', query: push.query, body: push.body });
    }
    expect(seen).toEqual(['brand_new_info']);
  });

  test('a push encrypted for another component is rejected with ERR_APPID', async () => {
    const { platform, errors } = makePlatform();
    const other = new WechatSimulator({ ...secrets, appId: 'wx_other_component' });
    const push = other.component({ AppId: 'wx_other_component', CreateTime: 1, InfoType: 'unauthorized', AuthorizerAppid: 'wx' });
    const res = await platform.handleAuthEvent({ method: 'POST', query: push.query, body: push.body });
    expect(res.status).toBe(401);
    expect(errors[0]?.code).toBe('ERR_APPID');
  });
});

describe('errors leak nothing', () => {
  test('no rejection message or response body contains the token, key or signature', async () => {
    const { platform, errors } = makePlatform();
    const push = wechat.encrypted(textMessage('x'));
    const forged = { ...push.query, msg_signature: push.query['msg_signature']?.replace(/^./, (c) => (c === 'a' ? 'b' : 'a')) ?? '' };
    const res = await post(platform, { query: forged, body: push.body });
    const text = JSON.stringify([res, errors.map((e) => [e.message, e.detail, String(e)])]);
    for (const secret of [secrets.token, secrets.encodingAESKey, push.query['msg_signature'] ?? '?', forged['msg_signature'] ?? '?']) {
      expect(text).not.toContain(secret);
    }
  });
});
