import { startFakeWechat } from '../src/fake-wechat';
import type { FakeWechat } from '../src/fake-wechat';

type Json = Record<string, unknown>;

let fake: FakeWechat;
let ticket: string;

beforeEach(async () => {
  fake = await startFakeWechat();
  ticket = fake.pushTicket();
});
afterEach(() => fake.close());

async function call(path: string, body: Json = {}, query: Record<string, string> = {}, method = 'POST') {
  const url = new URL(fake.url + path);
  for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
  const response = await fetch(url, method === 'POST' ? { method, body: JSON.stringify(body) } : { method });
  const text = await response.text();
  let json: Json = {};
  try {
    json = JSON.parse(text) as Json;
  } catch {
    // not JSON (HTTP faults)
  }
  return { status: response.status, json, text };
}

async function componentToken(): Promise<string> {
  const { json } = await call('/cgi-bin/component/api_component_token', {
    component_appid: fake.componentAppId,
    component_appsecret: fake.componentAppSecret,
    component_verify_ticket: ticket,
  });
  return json['component_access_token'] as string;
}

const api = (name: string) => `/cgi-bin/component/${name}`;
const ctok = (token: string) => ({ component_access_token: token });

async function authorize(appId: string, token: string) {
  const code = fake.registerAuthorizationCode({ appId });
  const { json } = await call(api('api_query_auth'), { component_appid: fake.componentAppId, authorization_code: code }, ctok(token));
  return json['authorization_info'] as Json;
}

describe('fake WeChat: component token', () => {
  it('issues a component token with expires_in for a valid appid, secret and ticket', async () => {
    const { status, json } = await call(api('api_component_token'), {
      component_appid: fake.componentAppId,
      component_appsecret: fake.componentAppSecret,
      component_verify_ticket: ticket,
    });
    expect(status).toBe(200);
    expect(json).toEqual({ component_access_token: fake.state.componentToken, expires_in: 7200 });
  });

  it.each([
    ['a wrong appid', { component_appid: 'wxother' }, 40013],
    ['a wrong secret', { component_appsecret: 'nope' }, 40125],
    ['an unknown ticket', { component_verify_ticket: 'ticket@@@unknown' }, 61006],
  ])('answers %s with errcode %i and a rid', async (_what, override, errcode) => {
    const { json } = await call(api('api_component_token'), {
      component_appid: fake.componentAppId,
      component_appsecret: fake.componentAppSecret,
      component_verify_ticket: ticket,
      ...override,
    });
    expect(json['errcode']).toBe(errcode);
    expect(json['errmsg']).toMatch(/ rid: [0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}$/);
  });

  it('answers 61005 for an expired ticket', async () => {
    fake.expireTicket(ticket);
    const { json } = await call(api('api_component_token'), {
      component_appid: fake.componentAppId,
      component_appsecret: fake.componentAppSecret,
      component_verify_ticket: ticket,
    });
    expect(json['errcode']).toBe(61005);
  });

  it('invalidates the previous component token when a new one is issued', async () => {
    const first = await componentToken();
    await componentToken();
    const { json } = await call(api('api_create_preauthcode'), { component_appid: fake.componentAppId }, ctok(first));
    expect(json['errcode']).toBe(40001);
  });

  it('keeps a superseded token valid during the grace period only', async () => {
    await fake.close();
    fake = await startFakeWechat({ graceMs: 1000 });
    ticket = fake.pushTicket();
    const first = await componentToken();
    await componentToken();
    const body = { component_appid: fake.componentAppId };
    expect((await call(api('api_create_preauthcode'), body, ctok(first))).json['pre_auth_code']).toEqual(expect.any(String));
    fake.clock.advance(1001);
    expect((await call(api('api_create_preauthcode'), body, ctok(first))).json['errcode']).toBe(40001);
  });

  it('answers 42001 once the token has expired on the fake clock', async () => {
    const token = await componentToken();
    fake.clock.advance(7200 * 1000);
    const { json } = await call(api('api_create_preauthcode'), { component_appid: fake.componentAppId }, ctok(token));
    expect(json['errcode']).toBe(42001);
  });

  it('accepts the component token as access_token too, and answers 41001 without a token', async () => {
    const token = await componentToken();
    const body = { component_appid: fake.componentAppId };
    expect((await call(api('api_create_preauthcode'), body, { access_token: token })).json['pre_auth_code']).toMatch(/^preauthcode@@@/);
    expect((await call(api('api_create_preauthcode'), body)).json['errcode']).toBe(41001);
  });

  it('answers api_start_push_ticket and pushes a new valid ticket through onPushTicket', async () => {
    const pushed: string[] = [];
    await fake.close();
    fake = await startFakeWechat({ onPushTicket: (t) => pushed.push(t) });
    const { json } = await call(api('api_start_push_ticket'), {
      component_appid: fake.componentAppId,
      component_secret: fake.componentAppSecret,
    });
    expect(json).toEqual({ errcode: 0, errmsg: 'ok' });
    expect(pushed).toHaveLength(1);
    expect(fake.state.validTickets.has(pushed[0] ?? '')).toBe(true);
  });
});

describe('fake WeChat: authorization and authorizer tokens', () => {
  it('exchanges a registered authorization code once for an access token and a refresh token', async () => {
    const token = await componentToken();
    const code = fake.registerAuthorizationCode({ appId: 'wxauthorizer1' });
    const body = { component_appid: fake.componentAppId, authorization_code: code };
    const first = await call(api('api_query_auth'), body, ctok(token));
    expect(first.json['authorization_info']).toEqual({
      authorizer_appid: 'wxauthorizer1',
      authorizer_access_token: fake.state.authorizers.get('wxauthorizer1')?.accessToken,
      expires_in: 7200,
      authorizer_refresh_token: fake.state.authorizers.get('wxauthorizer1')?.refreshToken,
      func_info: [{ funcscope_category: { id: 1 } }],
    });
    expect((await call(api('api_query_auth'), body, ctok(token))).json['errcode']).toBe(61009);
  });

  it('answers 61010 for an expired authorization code', async () => {
    const token = await componentToken();
    const code = fake.registerAuthorizationCode({ appId: 'wxauthorizer1', expiresInMs: 1000 });
    fake.clock.advance(1000);
    const { json } = await call(api('api_query_auth'), { component_appid: fake.componentAppId, authorization_code: code }, ctok(token));
    expect(json['errcode']).toBe(61010);
  });

  it('refreshes an authorizer token, invalidating the previous one and keeping the refresh token', async () => {
    const token = await componentToken();
    const info = await authorize('wxauthorizer1', token);
    const body = {
      component_appid: fake.componentAppId,
      authorizer_appid: 'wxauthorizer1',
      authorizer_refresh_token: info['authorizer_refresh_token'],
    };
    const { json } = await call(api('api_authorizer_token'), body, ctok(token));
    expect(json['authorizer_refresh_token']).toBe(info['authorizer_refresh_token']);
    expect(json['authorizer_access_token']).not.toBe(info['authorizer_access_token']);
    const stale = await call('/cgi-bin/message/custom/send', { touser: 'o1', msgtype: 'text', text: { content: 'x' } }, {
      access_token: info['authorizer_access_token'] as string,
    });
    expect(stale.json['errcode']).toBe(40001);
  });

  it('rotates the refresh token on every refresh when configured', async () => {
    await fake.close();
    fake = await startFakeWechat({ rotateRefreshTokens: true });
    ticket = fake.pushTicket();
    const token = await componentToken();
    const info = await authorize('wxauthorizer1', token);
    const body = {
      component_appid: fake.componentAppId,
      authorizer_appid: 'wxauthorizer1',
      authorizer_refresh_token: info['authorizer_refresh_token'],
    };
    const { json } = await call(api('api_authorizer_token'), body, ctok(token));
    expect(json['authorizer_refresh_token']).not.toBe(info['authorizer_refresh_token']);
    expect((await call(api('api_authorizer_token'), body, ctok(token))).json['errcode']).toBe(61023);
  });

  it('answers 61023 for an unknown refresh token and 61003 for an unauthorized account', async () => {
    const token = await componentToken();
    fake.addAuthorizer('wxauthorizer1');
    const refresh = await call(
      api('api_authorizer_token'),
      { component_appid: fake.componentAppId, authorizer_appid: 'wxauthorizer1', authorizer_refresh_token: 'refreshtoken@@@wrong' },
      ctok(token),
    );
    expect(refresh.json['errcode']).toBe(61023);
    fake.unauthorize('wxauthorizer1');
    const info = await call(api('api_get_authorizer_info'), { component_appid: fake.componentAppId, authorizer_appid: 'wxauthorizer1' }, ctok(token));
    expect(info.json['errcode']).toBe(61003);
  });

  it('returns authorizer info with the current refresh token, and the authorizer list', async () => {
    const token = await componentToken();
    const a = fake.addAuthorizer('wxauthorizer1', { info: { nick_name: 'one' } });
    fake.addAuthorizer('wxauthorizer2');
    const info = await call(api('api_get_authorizer_info'), { component_appid: fake.componentAppId, authorizer_appid: 'wxauthorizer1' }, ctok(token));
    expect(info.json).toEqual({
      authorizer_info: { nick_name: 'one' },
      authorization_info: { authorizer_appid: 'wxauthorizer1', authorizer_refresh_token: a.refreshToken, func_info: a.funcInfo },
    });
    const list = await call(api('api_get_authorizer_list'), { component_appid: fake.componentAppId, offset: 1, count: 1 }, ctok(token));
    expect(list.json).toEqual({
      total_count: 2,
      list: [{ authorizer_appid: 'wxauthorizer2', refresh_token: expect.any(String), auth_time: expect.any(Number) }],
    });
  });

  it('gets and sets authorizer options on the api_* and the authorizer-token paths', async () => {
    const token = await componentToken();
    const info = await authorize('wxauthorizer1', token);
    const base = { component_appid: fake.componentAppId, authorizer_appid: 'wxauthorizer1' };
    await call(api('api_set_authorizer_option'), { ...base, option_name: 'voice_recognize', option_value: '1' }, ctok(token));
    const got = await call(api('api_get_authorizer_option'), { ...base, option_name: 'voice_recognize' }, ctok(token));
    expect(got.json).toEqual({ authorizer_appid: 'wxauthorizer1', option_name: 'voice_recognize', option_value: '1' });
    const authorizerToken = { access_token: info['authorizer_access_token'] as string };
    await call(api('set_authorizer_option'), { option_name: 'location_report', option_value: '2' }, authorizerToken);
    const mine = await call(api('get_authorizer_option'), { option_name: 'location_report' }, authorizerToken);
    expect(mine.json['option_value']).toBe('2');
  });

  it('records customer-service messages sent with an authorizer token and refuses the component token', async () => {
    const token = await componentToken();
    const info = await authorize('wxauthorizer1', token);
    const message = { touser: 'openid1', msgtype: 'text', text: { content: 'abc_from_api' } };
    expect((await call('/cgi-bin/message/custom/send', message, ctok(token))).json['errcode']).toBe(41001);
    expect((await call('/cgi-bin/message/custom/send', message, { access_token: token })).json['errcode']).toBe(40001);
    const sent = await call('/cgi-bin/message/custom/send', message, { access_token: info['authorizer_access_token'] as string });
    expect(sent.json).toEqual({ errcode: 0, errmsg: 'ok' });
    expect(fake.sentMessages).toEqual([{ authorizerAppId: 'wxauthorizer1', message, at: expect.any(Number) }]);
  });
});

describe('fake WeChat: counters and faults', () => {
  it('counts requests per endpoint, by path or by last segment', async () => {
    await componentToken();
    await componentToken();
    expect(fake.calls['/cgi-bin/component/api_component_token']).toBe(2);
    expect(fake.count('api_component_token')).toBe(2);
    expect(fake.count('api_query_auth')).toBe(0);
    expect(() => fake.count('no_such_api')).toThrow(TypeError);
  });

  it('answers the queued errcode the given number of times, then normally', async () => {
    fake.failNext('api_component_token', 40013, 2);
    await componentToken();
    await componentToken();
    expect(fake.state.componentToken).toBeUndefined();
    expect(await componentToken()).toEqual(expect.any(String));
  });

  it('answers -1 system busy when told to', async () => {
    fake.busy('api_component_token');
    const { json } = await call(api('api_component_token'), {});
    expect(json).toEqual({ errcode: -1, errmsg: expect.stringMatching(/^system error rid: /) });
  });

  it('answers 45009 until clear_quota resets the quota', async () => {
    const token = await componentToken();
    fake.quota('api_create_preauthcode');
    const body = { component_appid: fake.componentAppId };
    expect((await call(api('api_create_preauthcode'), body, ctok(token))).json['errcode']).toBe(45009);
    expect((await call(api('clear_quota'), body, ctok(token))).json).toEqual({ errcode: 0, errmsg: 'ok' });
    expect((await call(api('api_create_preauthcode'), body, ctok(token))).json['pre_auth_code']).toEqual(expect.any(String));
  });

  it('answers HTTP 500 when told to', async () => {
    fake.httpError('api_component_token');
    expect((await call(api('api_component_token'), {})).status).toBe(500);
  });

  it('delays answers of an endpoint with latency', async () => {
    fake.latency('get_api_domain_ip', 300);
    const token = (await authorize('wxauthorizer1', await componentToken()))['authorizer_access_token'] as string;
    const aborted = fetch(`${fake.url}/cgi-bin/get_api_domain_ip?access_token=${token}`, { signal: AbortSignal.timeout(50) });
    await expect(aborted).rejects.toThrow();
    fake.latency('get_api_domain_ip', 0);
    expect((await call('/cgi-bin/get_api_domain_ip', {}, { access_token: token }, 'GET')).json).toEqual({ ip_list: ['127.0.0.1'] });
  });

  it('answers 47001 to a body that is not JSON and 404 to an unknown path', async () => {
    const response = await fetch(`${fake.url}${api('api_component_token')}`, { method: 'POST', body: '<xml/>' });
    expect(((await response.json()) as Json)['errcode']).toBe(47001);
    expect((await call('/cgi-bin/nothing')).status).toBe(404);
  });
});
