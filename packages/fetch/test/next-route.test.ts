/**
 * The Fetch entry as Next.js App Router route handlers: the modules under `next-app/app` are what a Next.js
 * app would hold, and each test calls their exports as Next.js does, with a real `Request` built from a
 * `WechatSimulator` push.
 */
import type { Push } from '@wxopen/testing';
import { WechatSimulator, textMessage } from '@wxopen/testing';
import * as authRoute from './next-app/app/wechat/auth/route';
import * as messageRoute from './next-app/app/wechat/callback/[appid]/route';
import * as catchAllRoute from './next-app/app/wxopen/[...path]/route';
import { secrets, seen } from './next-app/platform';

/** The signature Next.js gives a route handler of a dynamic segment. */
type NextRouteHandler = (request: Request, context: { params: Promise<Record<string, string | string[]>> }) => Promise<Response>;

const wechat = new WechatSimulator(secrets);
const ORIGIN = 'https://platform.example.com';

function post(push: Push, path: string): Request {
  return new Request(`${ORIGIN}${push.url(path)}`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body: push.body });
}

beforeEach(() => {
  seen.errors.length = 0;
  seen.ran.length = 0;
});

describe('Next.js route handlers', () => {
  test('POST on the message route answers a text push with the encrypted reply, for the authorizer named by the URL', async () => {
    const response = await messageRoute.POST(post(wechat.encrypted(textMessage('from next')), '/wechat/callback/wx00000000000000d3'));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/xml/);
    const reply = wechat.openReply(await response.text());
    expect(reply.encrypted).toBe(true);
    expect(reply.record['Content']).toBe('echo: from next');
    expect(seen.ran).toEqual(['text wx00000000000000d3']);
    expect(seen.errors).toEqual([]);
  });

  test('POST on the auth route answers success to a verify-ticket push and hands the ticket to onInfo', async () => {
    const push = wechat.component({ InfoType: 'component_verify_ticket', ComponentVerifyTicket: 'ticket@@@next' });
    const response = await authRoute.POST(post(push, '/wechat/auth'));
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('success');
    expect(seen.ran).toEqual(['ticket ticket@@@next']);
  });

  test('GET answers the URL verification with echostr on both routes', async () => {
    const echo = wechat.echo('echo-next');
    for (const [handler, path] of [[authRoute.GET, '/wechat/auth'], [messageRoute.GET, '/wechat/callback/wx00000000000000d3']] as const) {
      const response = await handler(new Request(`${ORIGIN}${echo.url(path)}`));
      expect(response.status).toBe(200);
      expect(await response.text()).toBe('echo-next');
    }
  });

  test('a push with a wrong msg_signature is answered 401 and reported as ERR_MSG_SIGNATURE, and no handler runs', async () => {
    const push = wechat.encrypted(textMessage('forged'));
    const forged = { ...push, url: (path: string) => push.url(path).replace(/msg_signature=[0-9a-f]+/, `msg_signature=${'f'.repeat(40)}`) };
    const response = await messageRoute.POST(post(forged, '/wechat/callback/wx00000000000000d3'));
    expect(response.status).toBe(401);
    expect(await response.text()).toBe('invalid request');
    expect(seen.errors.map((error) => error.code)).toEqual(['ERR_MSG_SIGNATURE']);
    expect(seen.ran).toEqual([]);
  });

  test('the handlers take the (request, { params }) call of a dynamic segment, and read the appid from the URL', async () => {
    const handler: NextRouteHandler = messageRoute.POST;
    const request = post(wechat.encrypted(textMessage('with params')), '/wechat/callback/wx00000000000000f0');
    const response = await handler(request, { params: Promise.resolve({ appid: 'wx00000000000000f0' }) });
    expect(wechat.openReply(await response.text()).record['Content']).toBe('echo: with params');
    expect(seen.ran).toEqual(['text wx00000000000000f0']);
  });

  test('one catch-all route serves both URLs under its prefix and answers 404 elsewhere', async () => {
    const message = await catchAllRoute.POST(post(wechat.encrypted(textMessage('caught')), '/wxopen/callback/wx00000000000000c0'));
    expect(wechat.openReply(await message.text()).record['Content']).toBe('echo: caught');
    const push = wechat.component({ InfoType: 'component_verify_ticket', ComponentVerifyTicket: 'caught' });
    expect(await (await catchAllRoute.POST(post(push, '/wxopen/auth'))).text()).toBe('success');
    expect((await catchAllRoute.POST(post(push, '/wxopen/elsewhere'))).status).toBe(404);
    expect(seen.ran).toEqual(['text wx00000000000000c0', 'ticket caught']);
  });

  test('a Request whose body was already read is refused with a TypeError that names the mounting order', async () => {
    const request = post(wechat.encrypted(textMessage('read twice')), '/wechat/callback/wx00000000000000d3');
    await request.text();
    await expect(messageRoute.POST(request)).rejects.toThrow(/Mount wxopen before body parsers/);
    expect(seen.ran).toEqual([]);
  });
});
