/**
 * The URL is tied to the message: once the platform knows each authorizer's original id (learnt from the
 * exchange and from `api_get_authorizer_info`, lazily for accounts authorized before), a message whose `ToUserName`
 * belongs to another authorizer than the URL's appid is refused (403 `ERR_AUTHORIZER`) and runs nothing.
 */
import type { WxOpenError } from '@wxopen/core';
import { AuthServer } from '@wxopen/core';
import { WechatSimulator, textMessage } from '@wxopen/testing';
import type { Harness } from '../credentials/setup';
import { harness, waitFor } from '../credentials/setup';

const A = 'wx00000000000000aa';
const B = 'wx00000000000000bb';
/** The fake WeChat names an authorizer `gh_` + the last 12 characters of its appid. */
const ghOf = (appId: string) => `gh_${appId.slice(-12)}`;

let h: Harness;
let platform: AuthServer;
let wechat: WechatSimulator;
const errors: WxOpenError[] = [];
const ran: string[] = [];

beforeEach(async () => {
  errors.length = 0;
  ran.length = 0;
  h = await harness({ outboxScanMs: 20 });
  const secrets = { appId: h.fake.componentAppId, token: 'addressee-token', encodingAESKey: 'b'.repeat(43) };
  wechat = new WechatSimulator(secrets);
  platform = new AuthServer({ ...secrets, credentials: h.credentials, onError: (e) => errors.push(e) });
  platform.messages.on('text', (m, ctx) => {
    ran.push(`${ctx.authorizerAppId} ${m.ToUserName}`);
    return 'ok';
  });
  await h.credentials.keepVerifyTicket(h.fake.pushTicket());
});
afterEach(async () => {
  await platform.close();
  await h.close();
});

const send = (route: string, to: string) => {
  const push = wechat.encrypted(textMessage('hi', { to }));
  return platform.handleMessage({ method: 'POST', query: push.query, body: push.body, authorizerAppId: route });
};

it('learns original ids from the authorization exchange and refuses a message for A replayed to /callback/B', async () => {
  for (const appId of [A, B]) {
    await h.credentials.queueAuthorization({ authorizerAppId: appId, code: h.fake.registerAuthorizationCode({ appId }), expiresAt: h.fake.clock.now() + 3_600_000, source: 'authorized' });
  }
  await waitFor(async () => (await h.credentials.authorizerUserName(A)) === ghOf(A) && (await h.credentials.authorizerUserName(B)) === ghOf(B));
  expect((await send(A, ghOf(A))).status).toBe(200);
  const replayed = await send(B, ghOf(A));
  expect(replayed.status).toBe(403);
  expect(errors.map((e) => e.code)).toEqual(['ERR_AUTHORIZER']);
  expect(ran).toEqual([`${A} ${ghOf(A)}`]);
});

it('learns the original id of an account authorized before, on its first message, then enforces it', async () => {
  h.fake.addAuthorizer(A); // authorized before this version: no original id stored
  const first = await send(A, ghOf(A));
  expect(first.status).toBe(200);
  await waitFor(async () => (await h.credentials.authorizerUserName(A)) === ghOf(A));
  expect(h.fake.count('api_get_authorizer_info')).toBe(1);
  expect((await send(A, 'gh_somebodyelse')).status).toBe(403);
  expect((await send(A, ghOf(A))).status).toBe(200);
  expect(ran).toEqual([`${A} ${ghOf(A)}`, `${A} ${ghOf(A)}`]);
});

it('lets messages through while an original id is unknown, and asks WeChat at most once per authorizer meanwhile', async () => {
  h.fake.httpError('api_get_authorizer_info', 502, 5);
  for (let i = 0; i < 3; i++) expect((await send(A, ghOf(A))).status).toBe(200);
  await platform.idle();
  expect(h.fake.count('api_get_authorizer_info')).toBe(1);
});

it('judges an addressee from memory once both ids are known, and asks the store only before', async () => {
  for (const appId of [A, B]) {
    await h.credentials.queueAuthorization({ authorizerAppId: appId, code: h.fake.registerAuthorizationCode({ appId }), expiresAt: h.fake.clock.now() + 3_600_000, source: 'authorized' });
  }
  await waitFor(async () => (await h.credentials.authorizerUserName(A)) === ghOf(A) && (await h.credentials.authorizerUserName(B)) === ghOf(B));
  // Learnt in this process: answered synchronously, no promise and no turn of the queue.
  expect(h.credentials.addressee(A, ghOf(A))).toBe('same');
  expect(h.credentials.addressee(B, ghOf(A))).toBe('other'); // A's id sent to B's URL
  expect(h.credentials.addressee(A, ghOf(B))).toBe('other');
  // An id never seen: the store is asked (a promise), and its answer is remembered for the next message.
  const C = 'wx00000000000000cc';
  const first = h.credentials.addressee(C, 'gh_unseen00000');
  expect(first).toBeInstanceOf(Promise);
  await expect(first).resolves.toBe('unknown');
  expect(h.credentials.addressee(C, 'gh_unseen00000')).toBe('unknown');
  // A's original id sent to an unknown authorizer's URL: its owner is known, so it is refused.
  await expect(Promise.resolve(h.credentials.addressee(C, ghOf(A)))).resolves.toBe('other');
});
