/** The pushes the fake WeChat sends: encrypted and signed like WeChat's, retried, and driven by audit decisions. */
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MessageCipher, parseXml, sign } from '@wxopen/core';
import { WechatSimulator } from '../src/callback';
import { startFakeWechat } from '../src/fake-wechat';
import type { FakeWechat } from '../src/fake-wechat';

interface Received {
  readonly path: string;
  readonly query: Record<string, string>;
  readonly record: Record<string, unknown>;
}

const secrets = WechatSimulator.generateSecrets();
let fake: FakeWechat;
let server: Server;
let base: string;
let received: Received[];
/** Status codes to answer, in order; 200 once used up. */
let answers: number[];

beforeEach(async () => {
  received = [];
  answers = [];
  fake = await startFakeWechat({ componentAppId: secrets.appId });
  const cipher = new MessageCipher(secrets.encodingAESKey, secrets.appId);
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const url = new URL(request.url ?? '/', 'http://platform');
      const query = Object.fromEntries(url.searchParams);
      const envelope = parseXml(Buffer.concat(chunks).toString('utf8'));
      const encrypt = String(envelope['Encrypt']);
      const signed = sign([secrets.token, query['timestamp'] ?? '', query['nonce'] ?? '', encrypt]) === query['msg_signature'];
      const record = signed ? parseXml(cipher.decrypt(encrypt).message.toString('utf8')) : {};
      received.push({ path: url.pathname, query, record });
      response.statusCode = answers.shift() ?? 200;
      response.end('success');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake.configureCallback({ messageUrl: `${base}/wechat/callback/$APPID$`, authUrl: `${base}/wechat/auth`, token: secrets.token, encodingAESKey: secrets.encodingAESKey }, 1);
});
afterEach(async () => {
  await fake.close();
  await new Promise((resolve) => server.close(resolve));
});

/** A mini program with a committed template, an authorizer token and its access token. */
async function submittedAudit(appId: string): Promise<{ token: string; auditid: number }> {
  fake.addMiniProgram(appId, { userName: 'gh_0123456789ab' });
  const template = fake.addTemplate();
  const authorizer = fake.state.authorizers.get(appId);
  if (!authorizer) throw new Error('no authorizer');
  const token = fake.state.issueAuthorizerToken(authorizer);
  const post = (path: string, body: unknown) =>
    fetch(`${fake.url}${path}?access_token=${token}`, { method: 'POST', body: JSON.stringify(body) }).then((r) => r.json() as Promise<Record<string, unknown>>);
  await post('/wxa/commit', { template_id: template.template_id, ext_json: '{}', user_version: '1', user_desc: '' });
  const { auditid } = await post('/wxa/submit_audit', {});
  return { token, auditid: Number(auditid) };
}

describe('fake WeChat: audit pushes', () => {
  it('pushes weapp_audit_success to the message URL with $APPID$ replaced, encrypted and signed with the platform secrets', async () => {
    await submittedAudit('wxminiprogram000001');
    const push = await fake.resolveAudit('wxminiprogram000001', 'success');
    expect(push).toMatchObject({ outcome: 'delivered', attempts: 1, status: 200 });
    expect(received).toHaveLength(1);
    expect(received[0]?.path).toBe('/wechat/callback/wxminiprogram000001');
    expect(received[0]?.query).toMatchObject({ encrypt_type: 'aes', openid: expect.any(String) });
    expect(received[0]?.record).toMatchObject({ ToUserName: 'gh_0123456789ab', MsgType: 'event', Event: 'weapp_audit_success', SuccTime: expect.any(String) });
  });

  it('pushes weapp_audit_fail with the reason and screenshots, and weapp_audit_delay with the reason', async () => {
    await submittedAudit('wxminiprogram000001');
    await fake.resolveAudit('wxminiprogram000001', 'delay', { reason: 'holiday' });
    await fake.resolveAudit('wxminiprogram000001', 'fail', { reason: 'bad page', screenshot: 'a|b' });
    expect(received.map((r) => r.record['Event'])).toEqual(['weapp_audit_delay', 'weapp_audit_fail']);
    expect(received[0]?.record).toMatchObject({ Reason: 'holiday', DelayTime: expect.any(String) });
    expect(received[1]?.record).toMatchObject({ Reason: 'bad page', ScreenShot: 'a|b', FailTime: expect.any(String) });
  });

  it('tries a delivery three times in all: delivered on the third answer 200, failed after three errors', async () => {
    await submittedAudit('wxminiprogram000001');
    answers = [500, 502];
    expect(await fake.resolveAudit('wxminiprogram000001', 'delay')).toMatchObject({ outcome: 'delivered', attempts: 3 });
    answers = [500, 500, 500];
    expect(await fake.resolveAudit('wxminiprogram000001', 'success')).toMatchObject({ outcome: 'failed', attempts: 3, status: 500 });
    expect(received).toHaveLength(6);
  });

  it('records a dropped push without sending it', async () => {
    await submittedAudit('wxminiprogram000001');
    expect(await fake.resolveAudit('wxminiprogram000001', 'success', { push: false })).toMatchObject({ outcome: 'dropped', attempts: 0 });
    expect(received).toHaveLength(0);
    expect(fake.miniProgram('wxminiprogram000001').latestAudit?.status).toBe(0);
  });

  it('decides audits automatically as they are submitted, pushing only where asked', async () => {
    fake.autoAudit({ decide: (audit) => (audit.appId.endsWith('2') ? { outcome: 'fail', reason: 'nope' } : 'success'), push: (audit) => !audit.appId.endsWith('3') });
    await submittedAudit('wxminiprogram000001');
    await submittedAudit('wxminiprogram000002');
    await submittedAudit('wxminiprogram000003');
    const settled = async () => {
      while (fake.pushes.length < 3) await new Promise((resolve) => setTimeout(resolve, 5));
      await fake.idle();
    };
    await settled();
    expect(received.map((r) => [r.path, r.record['Event']])).toEqual([
      ['/wechat/callback/wxminiprogram000001', 'weapp_audit_success'],
      ['/wechat/callback/wxminiprogram000002', 'weapp_audit_fail'],
    ]);
    expect(fake.miniProgram('wxminiprogram000003').latestAudit?.status).toBe(0);
    expect(fake.pushes.map((p) => p.outcome)).toEqual(['delivered', 'delivered', 'dropped']);
  });

  it('sends a delay notice first when asked, then the outcome', async () => {
    fake.autoAudit({ decide: () => ({ outcome: 'success', delayFirst: true }) });
    await submittedAudit('wxminiprogram000001');
    while (fake.pushes.length < 2) await new Promise((resolve) => setTimeout(resolve, 5));
    await fake.idle();
    expect(received.map((r) => r.record['Event'])).toEqual(['weapp_audit_delay', 'weapp_audit_success']);
  });

  it('pushes notify_third_fasteregister to the authorization-event URL when a registration completes', async () => {
    const token = fake.state.issueComponentToken();
    await fetch(`${fake.url}/cgi-bin/component/fastregisterweapp?action=create&component_access_token=${token}`, {
      method: 'POST',
      body: JSON.stringify({ name: 'Shop Ltd', code: '1', code_type: 1, legal_persona_wechat: 'legal_person1', legal_persona_name: 'Li' }),
    });
    const { appId, authCode, push } = await fake.completeRegistration('Shop Ltd');
    expect(push.outcome).toBe('delivered');
    expect(received[0]?.path).toBe('/wechat/auth');
    expect(received[0]?.record).toMatchObject({ AppId: secrets.appId, InfoType: 'notify_third_fasteregister', appid: appId, status: '0', auth_code: authCode });
  });
});

describe('fake WeChat: counters and faults per appid', () => {
  it('counts requests per appid, and injects a fault for one appid only', async () => {
    const a = await submittedAudit('wxminiprogram000001');
    const b = await submittedAudit('wxminiprogram000002');
    fake.failNextFor('wxminiprogram000002', 'get_auditstatus', 45009);
    const status = (token: string, auditid: number) =>
      fetch(`${fake.url}/wxa/get_auditstatus?access_token=${token}`, { method: 'POST', body: JSON.stringify({ auditid }) }).then((r) => r.json() as Promise<Record<string, unknown>>);
    expect((await status(a.token, a.auditid))['errcode']).toBe(0);
    expect((await status(b.token, b.auditid))['errcode']).toBe(45009);
    expect((await status(b.token, b.auditid))['errcode']).toBe(0);
    expect(fake.countFor('get_auditstatus', 'wxminiprogram000001')).toBe(1);
    expect(fake.countFor('get_auditstatus', 'wxminiprogram000002')).toBe(2);
    expect(fake.countFor('commit', 'wxminiprogram000002')).toBe(1);
  });

  it('reads the token only from the parameter an endpoint takes', async () => {
    const token = fake.state.issueComponentToken();
    const asComponent = await fetch(`${fake.url}/wxa/gettemplatelist?component_access_token=${token}`).then((r) => r.json() as Promise<Record<string, unknown>>);
    const asAccess = await fetch(`${fake.url}/wxa/gettemplatelist?access_token=${token}`).then((r) => r.json() as Promise<Record<string, unknown>>);
    expect(asComponent['errcode']).toBe(41001);
    expect(asAccess['errcode']).toBe(0);
  });

  it('answers an authorizer API called with the component token with 40001', async () => {
    const token = fake.state.issueComponentToken();
    const body = await fetch(`${fake.url}/wxa/get_page?access_token=${token}`).then((r) => r.json() as Promise<Record<string, unknown>>);
    expect(body['errcode']).toBe(40001);
  });
});
