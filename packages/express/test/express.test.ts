import express from 'express';
import request from 'supertest';
import { AuthServer } from '@wxopen/core';
import { WechatSimulator, textMessage } from '@wxopen/testing';
import { authCallback, messageCallback, wxopenRouter } from '@wxopen/express';

const secrets = WechatSimulator.generateSecrets();
const wechat = new WechatSimulator(secrets);

function makePlatform(seen: (string | undefined)[] = []): AuthServer {
  const platform = new AuthServer({ ...secrets, onError: () => undefined });
  platform.messages.on('text', (message, ctx) => {
    seen.push(ctx.authorizerAppId);
    return `echo: ${message.Content}`;
  });
  platform.onInfo('component_verify_ticket', () => {
    seen.push('ticket');
  });
  return platform;
}

const replyText = (body: string) => wechat.openReply(body).record['Content'];

describe('wxopenRouter', () => {
  const seen: (string | undefined)[] = [];
  const app = express();
  app.use('/wechat', wxopenRouter(makePlatform(seen)));
  app.use((_req, res) => {
    res.status(404).send('not wxopen');
  });

  test('serves the message URL under its mount path with the decoded authorizer appid', async () => {
    const push = wechat.encrypted(textMessage('routed'));
    const res = await request(app).post(push.url('/wechat/callback/wx%300000000000000a1')).set('content-type', 'text/xml').send(push.body);
    expect(replyText(res.text)).toBe('echo: routed');
    expect(seen).toContain('wx00000000000000a1');
  });

  test('serves the authorization-event URL under its mount path', async () => {
    const push = wechat.component({ InfoType: 'component_verify_ticket', ComponentVerifyTicket: 't' });
    const res = await request(app).post(push.url('/wechat/auth')).set('content-type', 'text/xml').send(push.body);
    expect(res.text).toBe('success');
    expect(seen).toContain('ticket');
  });

  test('answers 405 from the core to a PUT on the message URL and on the auth URL', async () => {
    expect((await request(app).put('/wechat/callback/wx00000000000000a1')).status).toBe(405);
    expect((await request(app).put('/wechat/auth')).status).toBe(405);
  });

  test('passes other paths and a malformed appid segment on to the next middleware', async () => {
    expect((await request(app).post('/wechat/elsewhere')).text).toBe('not wxopen');
    expect((await request(app).post('/wechat/callback/%E0%A4%A')).text).toBe('not wxopen');
  });
});

describe('wxopenRouter with a prefix option', () => {
  const seen: (string | undefined)[] = [];
  const app = express();
  app.use(wxopenRouter(makePlatform(seen), { prefix: '/wechat/' }));
  app.use((_req, res) => {
    res.status(404).send('not wxopen');
  });

  test('mounted at the root, serves both URLs under the prefix', async () => {
    const push = wechat.encrypted(textMessage('prefixed'));
    const res = await request(app).post(push.url('/wechat/callback/wx00000000000000b0')).set('content-type', 'text/xml').send(push.body);
    expect(replyText(res.text)).toBe('echo: prefixed');
    expect((await request(app).get(wechat.echo('e').url('/wechat/auth'))).text).toBe('e');
    expect(seen).toEqual(['wx00000000000000b0']);
  });

  test('passes paths outside the prefix on', async () => {
    expect((await request(app).post('/callback/wx00000000000000b0')).text).toBe('not wxopen');
    expect((await request(app).post('/wechatx/auth')).text).toBe('not wxopen');
  });

  test('a prefix that does not start with "/" is a TypeError naming the option', () => {
    expect(() => wxopenRouter(makePlatform(), { prefix: 'wechat' })).toThrow(/prefix must be a path that starts with "\/"/);
  });
});

describe('messageCallback behind other parsers', () => {
  test('works when an Express 4 body-parser left an empty object without reading the stream', async () => {
    const app = express();
    app.use((req, _res, next) => {
      req.body = {};
      next();
    });
    app.all('/cb/:appid', messageCallback(makePlatform()));
    const push = wechat.encrypted(textMessage('untouched'));
    const res = await request(app).post(push.url('/cb/wx000000000000000a')).set('content-type', 'text/xml').send(push.body);
    expect(replyText(res.text)).toBe('echo: untouched');
  });

  test('works behind express.raw(), which keeps the exact bytes in a Buffer', async () => {
    const app = express();
    app.use(express.raw({ type: '*/*' }));
    app.all('/cb/:appid', messageCallback(makePlatform()));
    const push = wechat.encrypted(textMessage('raw bytes'));
    const res = await request(app).post(push.url('/cb/wx000000000000000a')).set('content-type', 'text/xml').send(push.body);
    expect(replyText(res.text)).toBe('echo: raw bytes');
  });
});

test('mounting without an AuthServer is a TypeError naming the function, at mounting time', () => {
  expect(() => authCallback(undefined as never)).toThrow(/authCallback: pass the AuthServer/);
  expect(() => messageCallback({} as never)).toThrow(/messageCallback: pass the AuthServer/);
  expect(() => wxopenRouter(undefined as never)).toThrow(/wxopenRouter: pass the AuthServer/);
});

describe('the response as written', () => {
  const app = express();
  app.use((_req, res, next) => {
    res.setHeader('x-frame-options', 'DENY'); // as helmet or a logger would, before wxopen
    next();
  });
  app.use('/wechat', wxopenRouter(makePlatform()));

  test('keeps headers set before it, sets Content-Length and adds no ETag (a SHA-1 of every body, useless on a callback)', async () => {
    const push = wechat.encrypted(textMessage('written'));
    const res = await request(app).post(push.url('/wechat/callback/wx00000000000000a1')).set('content-type', 'text/xml').send(push.body);
    expect(res.status).toBe(200);
    expect(replyText(res.text)).toBe('echo: written');
    expect(res.headers['content-type']).toBe('application/xml; charset=utf-8');
    expect(res.headers['content-length']).toBe(String(Buffer.byteLength(res.text)));
    expect(res.headers['transfer-encoding']).toBeUndefined();
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['etag']).toBeUndefined();
  });

  test('an error answer keeps its extra headers (405 Allow)', async () => {
    const res = await request(app).put('/wechat/callback/wx00000000000000a1');
    expect(res.status).toBe(405);
    expect(res.headers['allow']).toBe('GET, POST');
    expect(res.text).toBe('invalid request');
  });
});

test("reads the query as WeChat sent it, whatever the app's query parser ('extended': qs would merge timestamp[b] into timestamp)", async () => {
  const app = express();
  app.set('query parser', 'extended');
  app.all('/wechat/callback/:appid', messageCallback(makePlatform()));
  const push = wechat.encrypted(textMessage('qs'));
  const res = await request(app).post(`${push.url('/wechat/callback/wx00000000000000a1')}&timestamp[b]=1`).set('content-type', 'text/xml').send(push.body);
  expect(res.status).toBe(200);
  expect(replyText(res.text)).toBe('echo: qs');
});
