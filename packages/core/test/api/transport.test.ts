import { ApiTransport } from '../../src/api/transport';
import { ErrCodeQuotaExceeded } from '../../src/api/errcode';
import type { FetchLike } from '../../src/api/transport';
import { WechatApiError, WxOpenError } from '../../src/errors';
import { startFakeWechat } from '@wxopen/testing';
import type { FakeWechat } from '@wxopen/testing';

const TICKET_API = '/cgi-bin/component/api_component_token';
const SECRET_QUERY = { access_token: 'SECRET_TOKEN_VALUE' };

let fake: FakeWechat;
beforeEach(async () => {
  fake = await startFakeWechat();
});
afterEach(() => fake.close());

const transport = (options: ConstructorParameters<typeof ApiTransport>[0] = {}) =>
  new ApiTransport({ apiBase: fake.url, busyBackoffMs: 1, ...options });

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

function expectNoSecret(error: Error, secret: string) {
  expect(String(error)).not.toContain(secret);
  expect(error.message).not.toContain(secret);
  expect(JSON.stringify({ ...error })).not.toContain(secret);
}

describe('ApiTransport', () => {
  it('posts JSON and resolves to the decoded body when errcode is absent', async () => {
    const ticket = fake.pushTicket();
    const body = await transport().request({
      method: 'POST',
      path: TICKET_API,
      body: { component_appid: fake.componentAppId, component_appsecret: fake.componentAppSecret, component_verify_ticket: ticket },
    });
    expect(body).toEqual({ component_access_token: fake.state.componentToken, expires_in: 7200 });
    expect(fake.requests[0]?.body).toEqual({
      component_appid: fake.componentAppId,
      component_appsecret: fake.componentAppSecret,
      component_verify_ticket: ticket,
    });
  });

  it('turns a non-zero errcode into a WechatApiError naming the path without its query', async () => {
    const error = await rejection(transport().request({ method: 'POST', path: TICKET_API, query: SECRET_QUERY, body: {} }));
    expect(error).toBeInstanceOf(WechatApiError);
    expect(error).toMatchObject({ code: 'ERR_API', errcode: 40013, api: TICKET_API });
    expect((error as WechatApiError).errmsg).toMatch(/^invalid appid rid: /);
    expectNoSecret(error, 'SECRET_TOKEN_VALUE');
  });

  it('retries a -1 system busy answer and then succeeds', async () => {
    fake.pushTicket('t1');
    fake.busy('api_component_token', 2);
    const body = await transport().request({
      method: 'POST',
      path: TICKET_API,
      body: { component_appid: fake.componentAppId, component_appsecret: fake.componentAppSecret, component_verify_ticket: 't1' },
    });
    expect(body['component_access_token']).toEqual(expect.any(String));
    expect(fake.count('api_component_token')).toBe(3);
  });

  it('gives up on -1 after the configured number of retries', async () => {
    fake.busy('api_component_token', 5);
    const error = await rejection(transport({ busyRetries: 1 }).request({ method: 'POST', path: TICKET_API, body: {} }));
    expect(error).toMatchObject({ errcode: -1 });
    expect(fake.count('api_component_token')).toBe(2);
  });

  it('does not retry other errcodes', async () => {
    fake.failNext('api_component_token', 40013);
    await rejection(transport().request({ method: 'POST', path: TICKET_API, body: {} }));
    expect(fake.count('api_component_token')).toBe(1);
  });

  it('fails with ERR_API_TIMEOUT when the answer is slower than timeoutMs', async () => {
    fake.latency('api_component_token', 300);
    const error = await rejection(transport({ timeoutMs: 50 }).request({ method: 'POST', path: TICKET_API, query: SECRET_QUERY, body: {} }));
    expect(error).toBeInstanceOf(WxOpenError);
    expect(error).toMatchObject({ code: 'ERR_API_TIMEOUT' });
    expect(error.message).toContain(TICKET_API);
    expectNoSecret(error, 'SECRET_TOKEN_VALUE');
  });

  it('fails with ERR_API_HTTP on a non-2xx status', async () => {
    fake.httpError('api_component_token', 502);
    const error = await rejection(transport().request({ method: 'POST', path: TICKET_API, query: SECRET_QUERY, body: {} }));
    expect(error).toMatchObject({ code: 'ERR_API_HTTP', detail: `${TICKET_API} HTTP 502` });
    expectNoSecret(error, 'SECRET_TOKEN_VALUE');
  });

  it('fails with ERR_API_NETWORK when the server cannot be reached', async () => {
    const url = fake.url;
    await fake.close();
    fake = await startFakeWechat();
    const error = await rejection(
      new ApiTransport({ apiBase: url }).request({ method: 'GET', path: '/cgi-bin/x', query: SECRET_QUERY }),
    );
    expect(error).toMatchObject({ code: 'ERR_API_NETWORK' });
    expectNoSecret(error, 'SECRET_TOKEN_VALUE');
  });

  it('fails with ERR_API_RESPONSE on a body that is not a JSON object', async () => {
    for (const text of ['<html>busy</html>', '[1]', '{"errcode":"x"}']) {
      const fetchStub: FetchLike = async () => ({ status: 200, text: async () => text });
      const error = await rejection(new ApiTransport({ fetch: fetchStub }).request({ method: 'GET', path: '/cgi-bin/x' }));
      expect(error).toMatchObject({ code: 'ERR_API_RESPONSE' });
    }
  });

  it('fires onQuotaExceeded on 45009 and still rejects', async () => {
    const seen: number[] = [];
    fake.quota('api_component_token');
    const error = await rejection(
      transport({ hooks: { onQuotaExceeded: (e) => void seen.push(e.errcode) } }).request({ method: 'POST', path: TICKET_API, body: {} }),
    );
    expect(error).toMatchObject({ errcode: ErrCodeQuotaExceeded });
    expect(seen).toEqual([45009]);
  });

  it('ignores a hook that throws', async () => {
    fake.quota('api_component_token');
    const failing = transport({
      hooks: {
        onQuotaExceeded: () => {
          throw new Error('hook bug');
        },
      },
    });
    await expect(failing.request({ method: 'POST', path: TICKET_API, body: {} })).rejects.toMatchObject({ errcode: 45009 });
  });

  it('keeps a base path, drops a trailing slash and sends the query', async () => {
    const calls: string[] = [];
    const fetchStub: FetchLike = async (url) => {
      calls.push(url);
      return { status: 200, text: async () => '{"errcode":0}' };
    };
    await new ApiTransport({ apiBase: 'http://proxy.test/wx/', fetch: fetchStub }).request({
      method: 'GET',
      path: '/sns/component/jscode2session',
      query: { appid: 'wx1', js_code: 'a b', skipped: undefined },
    });
    expect(calls).toEqual(['http://proxy.test/wx/sns/component/jscode2session?appid=wx1&js_code=a+b']);
  });

  it('rejects bad options with a TypeError naming the option', () => {
    expect(() => new ApiTransport({ apiBase: 'api.weixin.qq.com' })).toThrow(/`apiBase`/);
    expect(() => new ApiTransport({ apiBase: 'ftp://x' })).toThrow(TypeError);
    expect(() => new ApiTransport({ timeoutMs: 0 })).toThrow(/`timeoutMs`/);
    expect(() => new ApiTransport({ busyRetries: -1 })).toThrow(/`busyRetries`/);
  });
});
