import { createHash } from 'node:crypto';
import { cardSignature, getJsTicket, jsApiSignature } from '../../src/api/jssdk';
import { jscode2session } from '../../src/api/miniprogram/session';
import { errcodeOf, onBehalf } from './on-behalf';
import type { OnBehalf } from './on-behalf';

describe('wx.config signature', () => {
  it('matches the example of the JS-SDK documentation', () => {
    const signed = jsApiSignature({
      appId: 'wx0',
      ticket: 'sM4AOVdWfPE4DxkXGEs8VMCPGGVi4C3VM0P37wVUCFvkVAy_90u5h9nbSlYy3-Sl-HhTdfl2fzFy1AOcHKP7qg',
      nonceStr: 'Wm3WZYTPz0wzccnW',
      timestamp: 1414587457,
      url: 'http://mp.weixin.qq.com?params=value',
    });
    expect(signed.signature).toBe('0f9de62fce790f9a083d5c99e95740ceb90c27ed');
  });

  it('signs the URL without its #fragment, and makes a 16-character nonce when none is given', () => {
    const base = { appId: 'wx0', ticket: 't', timestamp: 1 };
    const signed = jsApiSignature({ ...base, url: 'https://a.example/p?x=1#/route' });
    expect(signed.nonceStr).toMatch(/^[A-Za-z0-9]{16}$/);
    expect(signed.signature).toBe(jsApiSignature({ ...base, nonceStr: signed.nonceStr, url: 'https://a.example/p?x=1' }).signature);
  });

  it('refuses a relative URL', () => {
    expect(() => jsApiSignature({ appId: 'wx0', ticket: 't', url: '/p' })).toThrow(/url/);
  });

  it('signs card values sorted as strings, leaving absent fields out', () => {
    const values = { api_ticket: 'TICKET', timestamp: 1400000000, nonce_str: 'n1', card_id: 'pCard', code: undefined };
    const expected = createHash('sha1').update(['1400000000', 'TICKET', 'n1', 'pCard'].sort().join('')).digest('hex');
    expect(cardSignature(values)).toBe(expected);
  });
});

describe('getticket and jscode2session against the fake', () => {
  let env: OnBehalf;
  beforeEach(async () => {
    env = await onBehalf();
  });
  afterEach(() => env.close());

  it('gets a jsapi and a wx_card ticket with the authorizer token (40097 for another type)', async () => {
    const client = await env.officialAccount('wxofficialacct00001');
    const jsapi = await getJsTicket(client, 'jsapi');
    const card = await getJsTicket(client, 'wx_card');
    expect(jsapi).toMatchObject({ expires_in: 7200 });
    expect(jsapi.ticket).toMatch(/^JSAPI_TICKET_/);
    expect(card.ticket).toMatch(/^CARD_TICKET_/);
    expect(await errcodeOf(getJsTicket(client, 'other' as 'jsapi'))).toBe(40097);
  });

  it('logs a mini-program user in on behalf: openid and session_key (40029 unknown, 40163 reused, 45011 too frequent)', async () => {
    await env.miniProgram('wxminiprogram000001');
    const { code, openid } = env.fake.issueJsCode({ appId: 'wxminiprogram000001' });
    const session = await jscode2session(env.component, env.fake.componentAppId, 'wxminiprogram000001', code);
    expect(session.openid).toBe(openid);
    expect(session.session_key).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(await errcodeOf(jscode2session(env.component, env.fake.componentAppId, 'wxminiprogram000001', code))).toBe(40163);
    expect(await errcodeOf(jscode2session(env.component, env.fake.componentAppId, 'wxminiprogram000001', 'nope'))).toBe(40029);
    env.fake.failNext('jscode2session', 45011);
    const next = env.fake.issueJsCode({ appId: 'wxminiprogram000001' }).code;
    expect(await errcodeOf(jscode2session(env.component, env.fake.componentAppId, 'wxminiprogram000001', next))).toBe(45011);
  });

  it('answers 40029 for a js_code issued for another mini program', async () => {
    await env.miniProgram('wxminiprogram000001');
    await env.miniProgram('wxminiprogram000002');
    const { code } = env.fake.issueJsCode({ appId: 'wxminiprogram000002' });
    expect(await errcodeOf(jscode2session(env.component, env.fake.componentAppId, 'wxminiprogram000001', code))).toBe(40029);
  });
});
