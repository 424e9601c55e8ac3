import { Hono } from 'hono';
import type { WxOpenError } from '@wxopen/core';
import { AuthServer } from '@wxopen/core';
import type { Push } from '@wxopen/testing';
import { WechatSimulator, textMessage } from '@wxopen/testing';
import { authCallback, messageCallback, wxopenRouter } from '@wxopen/fetch';

const secrets = WechatSimulator.generateSecrets();
const wechat = new WechatSimulator(secrets);

function makePlatform(ran: string[] = [], errors: WxOpenError[] = [], bodyLimit?: number): AuthServer {
  const platform = new AuthServer({ ...secrets, onError: (error) => errors.push(error), ...(bodyLimit === undefined ? {} : { bodyLimit }) });
  platform.messages.on('text', (message, ctx) => {
    ran.push(`text ${ctx.authorizerAppId ?? '-'}`);
    return `echo: ${message.Content}`;
  });
  return platform;
}

function post(push: Push, path: string, headers: Record<string, string> = {}): Request {
  return new Request(`http://localhost${push.url(path)}`, { method: 'POST', headers: { 'content-type': 'text/xml', ...headers }, body: push.body });
}

const replyText = async (response: Response) => wechat.openReply(await response.text()).record['Content'];

describe('messageCallback', () => {
  test('takes the authorizer appid from the last path segment, percent-decoded', async () => {
    const ran: string[] = [];
    const handler = messageCallback(makePlatform(ran));
    expect(await replyText(await handler(post(wechat.encrypted(textMessage('a')), '/cb/wx%300000000000000a1')))).toBe('echo: a');
    expect(await replyText(await handler(post(wechat.encrypted(textMessage('b')), '/cb/wx00000000000000d5/')))).toBe('echo: b');
    expect(ran).toEqual(['text wx00000000000000a1', 'text wx00000000000000d5']);
  });

  test('takes the authorizer appid from the function it is given', async () => {
    const ran: string[] = [];
    const handler = messageCallback(makePlatform(ran), { authorizerAppId: (request) => request.headers.get('x-authorizer') ?? undefined });
    await handler(post(wechat.encrypted(textMessage('h')), '/callback/ignored', { 'x-authorizer': 'wx00000000000000e0' }));
    expect(ran).toEqual(['text wx00000000000000e0']);
  });

  test('a malformed percent-encoding in the last segment gives no appid rather than an exception', async () => {
    const ran: string[] = [];
    await expect(messageCallback(makePlatform(ran))(post(wechat.encrypted(textMessage('x')), '/cb/%E0%A4%A'))).resolves.toBeInstanceOf(Response);
    // The core gets no appid: it either refuses the push or runs the handler without one, never with the raw text.
    expect([[], ['text -']]).toContainEqual(ran);
  });

  test('reads the body as a stream under the body limit: a large body is answered 413 after its first chunks', async () => {
    const errors: WxOpenError[] = [];
    const chunk = new Uint8Array(64 * 1024).fill(0x61);
    const total = 128; // 8 MiB in all
    let pulled = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++;
        if (pulled > total) controller.close();
        else controller.enqueue(chunk);
      },
    });
    const push = wechat.encrypted(textMessage('x'));
    const request = new Request(`http://localhost${push.url('/cb/wx000000000000000a')}`, { method: 'POST', body, duplex: 'half' } as RequestInit);
    const response = await messageCallback(makePlatform([], errors, 1024))(request);
    expect(response.status).toBe(413);
    expect(errors.map((error) => error.code)).toEqual(['ERR_BODY_LIMIT']);
    expect(pulled).toBeLessThan(8);
  });

  test('a non-function authorizerAppId option is a TypeError naming the option', () => {
    expect(() => messageCallback(makePlatform(), { authorizerAppId: 'wx000000000000000a' as never })).toThrow(/options\.authorizerAppId must be a function/);
  });
});

describe('wxopenRouter', () => {
  test('mounted in Hono with app.mount, serves both URLs under the mount path and leaves other routes to Hono', async () => {
    const ran: string[] = [];
    const app = new Hono();
    app.mount('/wechat', wxopenRouter(makePlatform(ran)));
    app.get('/health', (c) => c.text('ok'));
    const push = wechat.encrypted(textMessage('mounted'));
    const message = await app.request(push.url('/wechat/callback/wx00000000000000d2'), { method: 'POST', body: push.body });
    expect(await replyText(message)).toBe('echo: mounted');
    const echo = wechat.echo('e-auth');
    expect(await (await app.request(echo.url('/wechat/auth'))).text()).toBe('e-auth');
    expect(await (await app.request('/health')).text()).toBe('ok');
    expect(ran).toEqual(['text wx00000000000000d2']);
  });

  test('passes other paths under and outside its prefix to the fallback, 404 by default', async () => {
    const platform = makePlatform();
    expect((await wxopenRouter(platform, { prefix: '/wechat' })(new Request('http://localhost/wechat/other'))).status).toBe(404);
    const fallback = wxopenRouter(platform, { prefix: '/wechat/', fallback: (request) => new Response(`fallback ${new URL(request.url).pathname}`) });
    expect(await (await fallback(new Request('http://localhost/wechatx/auth'))).text()).toBe('fallback /wechatx/auth');
    expect(await (await fallback(new Request('http://localhost/wechat/callback/%E0%A4%A'))).text()).toBe('fallback /wechat/callback/%E0%A4%A');
  });

  test('answers 405 from the core to a PUT on both URLs', async () => {
    const router = wxopenRouter(makePlatform(), { prefix: '/wechat' });
    expect((await router(new Request('http://localhost/wechat/auth', { method: 'PUT' }))).status).toBe(405);
    expect((await router(new Request('http://localhost/wechat/callback/wx000000000000000a', { method: 'PUT' }))).status).toBe(405);
  });

  test('a prefix that does not start with "/" is a TypeError naming the option', () => {
    expect(() => wxopenRouter(makePlatform(), { prefix: 'wechat' })).toThrow(/prefix must be a path that starts with "\/"/);
  });
});

test('mounting without an AuthServer is a TypeError naming the function, at mounting time', () => {
  expect(() => authCallback(undefined as never)).toThrow(/authCallback: pass the AuthServer/);
  expect(() => messageCallback({} as never)).toThrow(/messageCallback: pass the AuthServer/);
  expect(() => wxopenRouter(undefined as never)).toThrow(/wxopenRouter: pass the AuthServer/);
});
