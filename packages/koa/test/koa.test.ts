import Koa from 'koa';
import koaQs from 'koa-qs';
import Router from '@koa/router';
import request from 'supertest';
import { AuthServer } from '@wxopen/core';
import { WechatSimulator, textMessage } from '@wxopen/testing';
import { authCallback, koaAuthCallback, koaMessageCallback, messageCallback, wxopenRouter } from '@wxopen/koa';

const secrets = WechatSimulator.generateSecrets();
const wechat = new WechatSimulator(secrets);

function makePlatform(seen: string[]): AuthServer {
  const platform = new AuthServer({ ...secrets, onError: () => undefined });
  platform.messages.on('text', (message, ctx) => {
    seen.push(`text ${ctx.authorizerAppId ?? '-'}`);
    return `echo: ${message.Content}`;
  });
  platform.onInfo('component_verify_ticket', (info) => {
    seen.push(`ticket ${info.ComponentVerifyTicket}`);
  });
  return platform;
}

const replyText = (body: string) => wechat.openReply(body).record['Content'];

/** The last middleware: what answers a path wxopen passed on. */
function notWxopen(ctx: Koa.Context): void {
  ctx.status = 404;
  ctx.body = 'not wxopen';
}

describe('wxopenRouter beside @koa/router routes', () => {
  const routes = new Router();
  routes.get('/wechat/status', (ctx) => {
    ctx.body = 'status';
  });
  const seen: string[] = [];
  const app = new Koa();
  app.use(routes.routes());
  app.use(wxopenRouter(makePlatform(seen), { prefix: '/wechat' }));
  app.use(notWxopen);
  const server = app.callback();

  test('serves the message URL under its prefix with the decoded authorizer appid', async () => {
    const push = wechat.encrypted(textMessage('routed'));
    const res = await request(server).post(push.url('/wechat/callback/wx%300000000000000d1')).set('content-type', 'text/xml').send(push.body);
    expect(replyText(res.text)).toBe('echo: routed');
    expect(seen).toContain('text wx00000000000000d1');
  });

  test('serves the authorization-event URL under its prefix', async () => {
    const push = wechat.component({ InfoType: 'component_verify_ticket', ComponentVerifyTicket: 'koa' });
    const res = await request(server).post(push.url('/wechat/auth')).set('content-type', 'text/xml').send(push.body);
    expect(res.text).toBe('success');
    expect(seen).toContain('ticket koa');
  });

  test('answers 405 from the core to a PUT on both URLs', async () => {
    expect((await request(server).put('/wechat/callback/wx00000000000000d1')).status).toBe(405);
    expect((await request(server).put('/wechat/auth')).status).toBe(405);
  });

  test('passes other paths, other prefixes and a malformed appid segment on to the next middleware', async () => {
    expect((await request(server).post('/wechat/elsewhere')).text).toBe('not wxopen');
    expect((await request(server).post('/wechatx/auth')).text).toBe('not wxopen');
    expect((await request(server).post('/wechat/callback/%E0%A4%A')).text).toBe('not wxopen');
  });

  test('leaves the router’s own routes under the same prefix to it', async () => {
    expect((await request(server).get('/wechat/status')).text).toBe('status');
  });
});

describe('wxopenRouter on a plain Koa app', () => {
  test('without a prefix serves /auth and /callback/:appid at the root', async () => {
    const seen: string[] = [];
    const server = new Koa().use(wxopenRouter(makePlatform(seen))).callback();
    const push = wechat.encrypted(textMessage('root'));
    const res = await request(server).post(push.url('/callback/wx00000000000000d4')).set('content-type', 'text/xml').send(push.body);
    expect(replyText(res.text)).toBe('echo: root');
    expect(seen).toEqual(['text wx00000000000000d4']);
  });

  test('a prefix that does not start with "/" is a TypeError naming the option', () => {
    expect(() => wxopenRouter(makePlatform([]), { prefix: 'wechat' })).toThrow(/prefix must be a path that starts with "\/"/);
  });
});

test('the old names stay as aliases of the uniform ones', () => {
  expect(koaAuthCallback).toBe(authCallback);
  expect(koaMessageCallback).toBe(messageCallback);
});

test('mounting without an AuthServer is a TypeError naming the function, at mounting time', () => {
  expect(() => authCallback(undefined as never)).toThrow(/authCallback: pass the AuthServer/);
  expect(() => messageCallback({} as never)).toThrow(/messageCallback: pass the AuthServer/);
  expect(() => wxopenRouter(undefined as never)).toThrow(/wxopenRouter: pass the AuthServer/);
});

test('reads the query as WeChat sent it, even under koa-qs (qs would merge timestamp[b] into timestamp)', async () => {
  const app = koaQs(new Koa());
  app.use(wxopenRouter(makePlatform([]), { prefix: '/wechat' }));
  const push = wechat.encrypted(textMessage('qs'));
  const res = await request(app.callback()).post(`${push.url('/wechat/callback/wx00000000000000a1')}&timestamp[b]=1`).set('content-type', 'text/xml').send(push.body);
  expect(res.status).toBe(200);
  expect(replyText(res.text)).toBe('echo: qs');
});
