/**
 * The acknowledgement contract across real processes on one Redis, with processes SIGKILLed at the worst moments.
 * Children run the BUILT packages (`platform-child.mjs`): whole platforms behind `node:http`. Each test counts:
 * every push answered 200 ran exactly once, and every authorization code was exchanged exactly once.
 */
import { randomBytes } from 'node:crypto';
import { credentialKeys } from '@wxopen/core';
import { WechatSimulator, startFakeWechat, textMessage } from '@wxopen/testing';
import type { FakeWechat, Push } from '@wxopen/testing';
import type { Child, RedisScope } from './harness';
import { describeEachRedisShape, redisScope, startChild, valueOf, waitUntil } from './harness';

jest.setTimeout(60_000);

const AUTHORIZER = 'wx00000000000000a9';

describeEachRedisShape('the acknowledgement contract across processes', (shape) => {
  let fake: FakeWechat;
  let redis: RedisScope;
  let children: Child[] = [];
  let wechat: WechatSimulator;
  let secrets: { appId: string; token: string; encodingAESKey: string };

  beforeEach(async () => {
    fake = await startFakeWechat();
    redis = redisScope('acknowledgement', shape);
    secrets = { appId: fake.componentAppId, token: randomBytes(8).toString('hex'), encodingAESKey: randomBytes(32).toString('base64').slice(0, 43) };
    wechat = new WechatSimulator(secrets);
  });

  afterEach(async () => {
    await Promise.all(children.map((child) => child.kill()));
    children = [];
    await redis.dispose();
    await fake.close();
  });

  async function spawn(extra: Record<string, string> = {}): Promise<Child & { url: string }> {
    const child = await startChild('platform-child.mjs', {
      ...redis.env,
      WXOPEN_TEST_API_BASE: fake.url,
      WXOPEN_TEST_APP_ID: fake.componentAppId,
      WXOPEN_TEST_APP_SECRET: fake.componentAppSecret,
      WXOPEN_TEST_TOKEN: secrets.token,
      WXOPEN_TEST_AES_KEY: secrets.encodingAESKey,
      WXOPEN_TEST_LOCK_TTL_MS: '1500',
      ...extra,
    });
    children.push(child);
    const port = (child.events('ready')[0]?.['port'] as number | undefined) ?? 0;
    return Object.assign(child, { url: `http://127.0.0.1:${port}` });
  }

  async function post(server: { url: string }, path: string, push: Push): Promise<{ status: number; text: string }> {
    const response = await fetch(server.url + push.url(path), { method: 'POST', headers: { 'content-type': 'text/xml' }, body: push.body });
    return { status: response.status, text: await response.text() };
  }

  test('an authorized push acknowledged by a process SIGKILLed mid-exchange is exchanged once, by another process', async () => {
    const [doomed, survivor] = [await spawn(), await spawn()];
    const ticket = fake.pushTicket();
    await redis.store.set(credentialKeys(fake.componentAppId).ticket, ticket);
    const code = fake.registerAuthorizationCode({ appId: AUTHORIZER });
    fake.latency('api_query_auth', 400); // the exchange is in flight when the process dies
    const push = wechat.component({
      AppId: fake.componentAppId,
      CreateTime: Math.floor(Date.now() / 1000),
      InfoType: 'authorized',
      AuthorizerAppid: AUTHORIZER,
      AuthorizationCode: code,
      AuthorizationCodeExpiredTime: String(Math.floor(Date.now() / 1000) + 3600),
    });
    const answer = await post(doomed, '/wechat/auth', push);
    expect(answer).toEqual({ status: 200, text: 'success' });
    await waitUntil('the exchange reached WeChat', () => fake.count('api_query_auth') === 1);
    await doomed.kill('SIGKILL');
    fake.latency('api_query_auth', 0);
    const keys = credentialKeys(fake.componentAppId);
    await waitUntil('the survivor settled the code', async () => (await redis.store.get(keys.authorizerRefreshToken(AUTHORIZER))) !== undefined, 20_000);
    await waitUntil('the outbox is empty', async () => valueOf(await survivor.request<unknown[]>('pending')).length === 0);
    expect(fake.count('api_query_auth')).toBe(1);
  });

  test('a kill loop over 20 authorizations: every acknowledged code is exchanged exactly once', async () => {
    const survivors = [await spawn(), await spawn()];
    await redis.store.set(credentialKeys(fake.componentAppId).ticket, fake.pushTicket());
    fake.latency('api_query_auth', 30);
    const acked: string[] = [];
    for (let i = 0; i < 20; i++) {
      const appId = `wx0000000000000${String(100 + i)}`;
      const code = fake.registerAuthorizationCode({ appId });
      const victim = await spawn();
      const push = wechat.component({
        AppId: fake.componentAppId,
        CreateTime: Math.floor(Date.now() / 1000),
        InfoType: 'authorized',
        AuthorizerAppid: appId,
        AuthorizationCode: code,
        AuthorizationCodeExpiredTime: String(Math.floor(Date.now() / 1000) + 3600),
      });
      const answered = post(victim, '/wechat/auth', push).catch(() => ({ status: 0, text: '' }));
      await new Promise((resolve) => setTimeout(resolve, Math.floor(Math.random() * 60)));
      await victim.kill('SIGKILL'); // at a random moment: before, during or after the answer and the exchange
      if ((await answered).status === 200) acked.push(appId);
    }
    const keys = credentialKeys(fake.componentAppId);
    for (const appId of acked) {
      await waitUntil(`${appId} exchanged`, async () => (await redis.store.get(keys.authorizerRefreshToken(appId))) !== undefined, 20_000);
    }
    await waitUntil('the outbox is empty', async () => valueOf(await survivors[0]!.request<unknown[]>('pending')).length === 0, 20_000);
    expect(acked.length).toBeGreaterThan(0);
    // Every acknowledged code was exchanged, and no code was sent to WeChat twice: each call to api_query_auth
    // authorized one account (a second call with a spent code would be a call that authorized nothing).
    for (const appId of acked) expect(fake.state.authorizers.has(appId)).toBe(true);
    expect(fake.count('api_query_auth')).toBe(fake.state.authorizers.size);
  });

  test('a message whose process died mid-handler is run by the next attempt on another process, once', async () => {
    const [doomed, survivor] = [await spawn({ WXOPEN_TEST_LEASE_MS: '600' }), await spawn({ WXOPEN_TEST_LEASE_MS: '600' })];
    const hang = wechat.encrypted(textMessage('hang'));
    void post(doomed, `/wechat/callback/${AUTHORIZER}`, hang).catch(() => undefined);
    await doomed.event('started');
    await doomed.kill('SIGKILL');
    // WeChat's next attempt (re-encrypted) reaches the survivor, which waits for the dead claim's lease to end.
    const retry = await post(survivor, `/wechat/callback/${AUTHORIZER}`, wechat.encrypted(textMessage('hang')));
    expect(retry.status).toBe(200);
    // The survivor's handler hangs too ('hang'), so its deadline answers success: it ran it (started), once.
    expect(survivor.events('started').map((e) => e['content'])).toEqual(['hang']);
  });
});
