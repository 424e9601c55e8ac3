import path from 'node:path';
import { readFileSync } from 'node:fs';
import { AuthServer } from '@wxopen/core';
import type { FakeWechat } from '@wxopen/testing';
import { WechatSimulator, startFakeWechat, textMessage } from '@wxopen/testing';

const TEST_ACCOUNT = { appId: 'wx570bc396a51b8ff8', userName: 'gh_3c884a361561' };

describe('the real 全网发布 push captured in 2017 (vector 22)', () => {
  interface Vector {
    name: string;
    inputs: Record<string, string>;
    expected: Record<string, string>;
  }
  const vectors = JSON.parse(readFileSync(path.join(__dirname, '../fixtures/vectors.json'), 'utf8')) as Vector[];
  const vector = vectors.find((v) => v.name === 'captured-2017-release-test-TESTCOMPONENT_MSG_TYPE_TEXT') as Vector;
  const { token, encoding_aes_key, appid, timestamp, nonce, post_body } = vector.inputs as Record<string, string>;
  const secrets = { appId: appid as string, token: token as string, encodingAESKey: encoding_aes_key as string };

  test('is answered TESTCOMPONENT_MSG_TYPE_TEXT_callback, encrypted, without reaching the user’s handler', async () => {
    const errors: unknown[] = [];
    const platform = new AuthServer({ ...secrets, maxClockSkewSeconds: 0, onError: (e) => errors.push(e) });
    const seen: string[] = [];
    platform.messages.on('text', (m) => void seen.push(m.Content));
    const query = { timestamp, nonce, encrypt_type: 'aes', msg_signature: vector.expected['msg_signature'] as string };
    const res = await platform.handleMessage({ method: 'POST', query, body: post_body, authorizerAppId: TEST_ACCOUNT.appId });
    const reply = new WechatSimulator(secrets).openReply(res.body);
    expect(reply.encrypted).toBe(true);
    expect(reply.record).toMatchObject({
      ToUserName: 'ozy4qt5QUADNXORxCVipKMV9dss0',
      FromUserName: TEST_ACCOUNT.userName,
      MsgType: 'text',
      Content: 'TESTCOMPONENT_MSG_TYPE_TEXT_callback',
    });
    expect(seen).toEqual([]);
    expect(errors).toEqual([]);
  });
});

describe('the release test on generated pushes', () => {
  const secrets = WechatSimulator.generateSecrets();
  const wechat = new WechatSimulator(secrets);
  let fake: FakeWechat;

  beforeEach(async () => {
    fake = await startFakeWechat({ componentAppId: secrets.appId, componentAppSecret: secrets.appSecret });
  });
  afterEach(() => fake.close());

  const errors: unknown[] = [];
  afterEach(() => {
    expect(errors).toEqual([]); // no rejection, no failed background task
    errors.length = 0;
  });

  function platform(extra: Partial<ConstructorParameters<typeof AuthServer>[0]> = {}) {
    const p = new AuthServer({ ...secrets, apiBase: fake.url, onError: (e) => errors.push(e), ...extra });
    const seen: string[] = [];
    p.messages.on('text', (m) => {
      seen.push(m.Content);
      return `user: ${m.Content}`;
    });
    p.messages.on('event', (m) => {
      seen.push(m.Event);
      return `user: ${m.Event}`;
    });
    return { p, seen };
  }

  const send = (p: AuthServer, message: Parameters<WechatSimulator['encrypted']>[0], authorizerAppId = TEST_ACCOUNT.appId) => {
    const push = wechat.encrypted(message);
    return p.handleMessage({ method: 'POST', query: push.query, body: push.body, authorizerAppId });
  };

  test('any event from a test account is answered <Event>from_callback (the legacy case)', async () => {
    const { p, seen } = platform();
    const event = { ToUserName: TEST_ACCOUNT.userName, FromUserName: 'o_test', CreateTime: 1, MsgType: 'event', Event: 'LOCATION', Latitude: '1', Longitude: '2', Precision: '3' };
    const res = await send(p, event);
    expect(wechat.openReply(res.body).record['Content']).toBe('LOCATIONfrom_callback');
    expect(seen).toEqual([]);
  });

  test('QUERY_AUTH_CODE answers success at once, then exchanges the code and sends <code>_from_api by customer service', async () => {
    const { p, seen } = platform();
    await p.credentials.saveVerifyTicket(fake.pushTicket());
    // A code that starts with letters of the prefix: only the exact prefix may be stripped.
    const code = fake.registerAuthorizationCode({ appId: TEST_ACCOUNT.appId, code: 'QUERYqueryauthcode@@@abc' });
    const res = await send(p, textMessage(`QUERY_AUTH_CODE:${code}`, { to: TEST_ACCOUNT.userName, from: 'o_tester' }));
    expect(res.body).toBe('success');
    await p.idle();
    expect(fake.count('api_query_auth')).toBe(1);
    expect(fake.sentMessages).toHaveLength(1);
    expect(fake.sentMessages[0]).toMatchObject({
      authorizerAppId: TEST_ACCOUNT.appId,
      message: { touser: 'o_tester', msgtype: 'text', text: { content: `${code}_from_api` } },
    });
    expect(seen).toEqual([]);
  });

  test('is recognised by the test account’s original id even when the route carries no appid', async () => {
    const { p } = platform();
    const res = await send(p, textMessage('TESTCOMPONENT_MSG_TYPE_TEXT', { to: 'gh_2b3713f184a6' }), 'wx0000000000000b01');
    expect(wechat.openReply(res.body).record['Content']).toBe('TESTCOMPONENT_MSG_TYPE_TEXT_callback');
  });

  test('leaves every other account to the user’s handlers', async () => {
    const { p, seen } = platform();
    const res = await send(p, textMessage('TESTCOMPONENT_MSG_TYPE_TEXT', { to: 'gh_ordinary' }), 'wx0000000000000b02');
    expect(wechat.openReply(res.body).record['Content']).toBe('user: TESTCOMPONENT_MSG_TYPE_TEXT');
    expect(seen).toEqual(['TESTCOMPONENT_MSG_TYPE_TEXT']);
  });

  test('releaseTest: false hands test accounts to the user’s handlers too', async () => {
    const { p, seen } = platform({ releaseTest: false });
    const res = await send(p, textMessage('TESTCOMPONENT_MSG_TYPE_TEXT', { to: TEST_ACCOUNT.userName }));
    expect(wechat.openReply(res.body).record['Content']).toBe('user: TESTCOMPONENT_MSG_TYPE_TEXT');
    expect(seen).toEqual(['TESTCOMPONENT_MSG_TYPE_TEXT']);
  });
});
