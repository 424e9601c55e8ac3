/**
 * What an operator watches: the events wxopen publishes on `node:diagnostics_channel` (counted per scenario, with
 * nothing secret in them), and `health()` going from `ok` to `degraded` to `down`.
 */
import type { ApiEvent, CallbackEvent, OutboxEvent, StoreEvent, TicketEvent, TokenEvent } from '@wxopen/core';
import { AuthServer, MemoryStore, subscribe } from '@wxopen/core';
import { WechatSimulator, textMessage } from '@wxopen/testing';
import type { Harness } from '../credentials/setup';
import { harness, waitFor } from '../credentials/setup';

const ROUTE = 'wx00000000000000d0';

function record() {
  const seen = {
    callback: [] as CallbackEvent[],
    token: [] as TokenEvent[],
    api: [] as ApiEvent[],
    store: [] as StoreEvent[],
    ticket: [] as TicketEvent[],
    outbox: [] as OutboxEvent[],
  };
  const stops = [
    subscribe('wxopen:callback', (e) => void seen.callback.push(e)),
    subscribe('wxopen:token', (e) => void seen.token.push(e)),
    subscribe('wxopen:api', (e) => void seen.api.push(e)),
    subscribe('wxopen:store', (e) => void seen.store.push(e)),
    subscribe('wxopen:ticket', (e) => void seen.ticket.push(e)),
    subscribe('wxopen:outbox', (e) => void seen.outbox.push(e)),
  ];
  return { seen, stop: () => stops.forEach((stop) => stop()) };
}

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('callback events', () => {
  it('counts every request by outcome, kind and error code', async () => {
    const secrets = WechatSimulator.generateSecrets();
    const { appId, token, encodingAESKey } = secrets;
    const wechat = new WechatSimulator(secrets);
    const platform = new AuthServer({ appId, token, encodingAESKey, onError: () => undefined });
    platform.messages.on('text', (m) => `echo: ${m.Content}`);
    const { seen, stop } = record();
    const send = (push: { query: Readonly<Record<string, string>>; body: string }, method = 'POST') =>
      platform.handleMessage({ method, query: push.query, body: push.body, authorizerAppId: ROUTE });
    const message = textMessage('hi');
    await send(wechat.encrypted(message));
    await send(wechat.encrypted(message));
    await send({ query: { ...wechat.encrypted(message).query, msg_signature: 'f'.repeat(40) }, body: wechat.encrypted(message).body });
    await send(wechat.echo('e'), 'GET');
    stop();
    expect(seen.callback.map(({ outcome, status, kind, code }) => ({ outcome, status, kind, code }))).toEqual([
      { outcome: 'handled', status: 200, kind: 'text', code: undefined },
      { outcome: 'duplicate', status: 200, kind: 'text', code: undefined },
      { outcome: 'rejected', status: 401, kind: undefined, code: 'ERR_MSG_SIGNATURE' },
      { outcome: 'verified', status: 200, kind: undefined, code: undefined },
    ]);
    expect(seen.callback.every((e) => e.endpoint === 'message' && e.authorizerAppId === ROUTE && e.durationMs >= 0)).toBe(true);
  });
});

describe('store events', () => {
  it('publishes one down and one up per outage of the store', async () => {
    class Flaky extends MemoryStore {
      override readonly shared = true;
      failing = false;
      override setIfAbsent(key: string, value: string, ttlMs?: number) {
        return this.failing ? Promise.reject(new Error('connect ECONNREFUSED')) : super.setIfAbsent(key, value, ttlMs);
      }
      override get(key: string) {
        return this.failing ? Promise.reject(new Error('connect ECONNREFUSED')) : super.get(key);
      }
    }
    const store = new Flaky();
    const secrets = WechatSimulator.generateSecrets();
    const wechat = new WechatSimulator(secrets);
    const platform = new AuthServer({ appId: secrets.appId, token: secrets.token, encodingAESKey: secrets.encodingAESKey, store, onError: () => undefined });
    const { seen, stop } = record();
    const send = () => {
      const push = wechat.encrypted(textMessage(String(Math.random())));
      return platform.handleMessage({ method: 'POST', query: push.query, body: push.body, authorizerAppId: ROUTE });
    };
    store.failing = true;
    for (let i = 0; i < 3; i++) expect((await send()).status).toBe(503);
    expect((await platform.health()).status).toBe('down');
    store.failing = false;
    expect((await send()).status).toBe(200);
    stop();
    expect(seen.store).toEqual([{ state: 'down', reason: 'connect ECONNREFUSED' }, { state: 'up' }]);
    expect((await platform.health()).status).toBe('ok');
  });
});

describe('credential events and health', () => {
  it('reports a ticket, one token fetch, the API calls, the outbox, and health going from degraded to ok', async () => {
    h = await harness({ outboxScanMs: 20 });
    const platform = new AuthServer({ appId: h.fake.componentAppId, token: 'observe', encodingAESKey: 'c'.repeat(43), credentials: h.credentials });
    const { seen, stop } = record();
    const before = await platform.health();
    expect(before.status).toBe('degraded');
    expect(before.problems).toEqual([expect.stringMatching(/no component_verify_ticket yet/)]);

    const ticket = h.fake.pushTicket();
    await h.credentials.keepVerifyTicket(ticket);
    const appId = 'wx00000000000000d1';
    const code = h.fake.registerAuthorizationCode({ appId });
    await h.credentials.queueAuthorization({ authorizerAppId: appId, code, expiresAt: h.fake.clock.now() + 3_600_000, source: 'authorized' });
    await waitFor(() => seen.outbox.some((e) => e.outcome === 'exchanged'));
    await h.credentials.idle();
    h.fake.quota('api_get_authorizer_list');
    await expect(h.credentials.getAuthorizerList()).rejects.toMatchObject({ errcode: 45009 });
    stop();

    expect(seen.ticket).toHaveLength(1);
    expect(seen.token.filter((e) => e.credential === 'component')).toEqual([expect.objectContaining({ outcome: 'fetched' })]);
    expect(seen.outbox.map((e) => e.outcome)).toEqual(['queued', 'exchanged']);
    expect(seen.api.find((e) => e.api.endsWith('api_query_auth'))).toMatchObject({ outcome: 'ok' });
    expect(seen.api.find((e) => e.api.endsWith('api_get_authorizer_list'))).toMatchObject({ outcome: 'error', code: 'ERR_API', errcode: 45009 });
    const everything = JSON.stringify(seen);
    for (const secret of [ticket, code, await h.credentials.componentToken(), h.fake.componentAppSecret]) expect(everything).not.toContain(secret);

    const after = await platform.health();
    expect(after).toMatchObject({ status: 'ok', problems: [], credentials: { ticket: { present: true, stale: false }, componentToken: { present: true } } });
    await platform.close();
  });
});
