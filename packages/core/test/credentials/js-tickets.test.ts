import { JsTicketCache } from '../../src/credentials/js-tickets';
import { TokenCache } from '../../src/credentials/token-cache';
import { StoreLock } from '../../src/store/lock';
import { jsApiSignature } from '../../src/api/jssdk';
import { onBehalf } from '../api/on-behalf';
import type { OnBehalf } from '../api/on-behalf';

const OA = 'wxofficialacct00001';
let env: OnBehalf;

beforeEach(async () => {
  env = await onBehalf();
  await env.officialAccount(OA);
});
afterEach(() => env.close());

/** A ticket cache on the shared store, as the credentials of one process would have. */
function cacheInProcess(): JsTicketCache {
  const cache = new TokenCache({ store: env.store, lock: new StoreLock(env.store, { prefix: '' }), lockTtlMs: 10_000, lockWaitMs: 10_000, now: env.fake.clock.now });
  return new JsTicketCache({ cache, componentAppId: env.fake.componentAppId, clientFor: (id) => env.credentials.authorizerClient(id), now: env.fake.clock.now });
}

describe('JsTicketCache', () => {
  it('fetches one ticket for 100 concurrent callers and keeps it under the component hash tag', async () => {
    const tickets = cacheInProcess();
    const all = await Promise.all(Array.from({ length: 100 }, () => tickets.ticket(OA)));
    expect(new Set(all).size).toBe(1);
    expect(env.fake.countFor('getticket', OA)).toBe(1);
    expect(tickets.keys.ticket(OA, 'jsapi')).toBe(`{${env.fake.componentAppId}}:authorizer:${OA}:ticket:jsapi`);
    expect(await env.store.get(tickets.keys.ticket(OA, 'jsapi'))).toContain(all[0]);
  });

  it('lets another process on the same store use the stored ticket without fetching', async () => {
    const first = await cacheInProcess().ticket(OA);
    expect(await cacheInProcess().ticket(OA)).toBe(first);
    expect(env.fake.count('getticket')).toBe(1);
  });

  it('keeps jsapi and wx_card tickets apart', async () => {
    const tickets = cacheInProcess();
    const [jsapi, card] = await Promise.all([tickets.ticket(OA, 'jsapi'), tickets.ticket(OA, 'wx_card')]);
    expect(jsapi).not.toBe(card);
    expect(env.fake.count('getticket')).toBe(2);
  });

  it('fetches again once the ticket’s lifetime (minus the safety margin) is over', async () => {
    const tickets = cacheInProcess();
    const first = await tickets.ticket(OA);
    // The fake clock is real time plus what the test adds: a second of slack for the real time this test takes.
    env.fake.clock.advance((7200 - 600) * 1000 - 1_000);
    expect(await tickets.ticket(OA)).toBe(first);
    env.fake.clock.advance(1_001);
    expect(await tickets.ticket(OA)).not.toBe(first);
    expect(env.fake.count('getticket')).toBe(2);
  });

  it('replaces a failed ticket once, however many callers report it, and not a ticket already replaced', async () => {
    const tickets = cacheInProcess();
    const failed = await tickets.ticket(OA);
    const replaced = await Promise.all(Array.from({ length: 20 }, () => tickets.refreshTicket(OA, 'jsapi', failed)));
    expect(new Set(replaced).size).toBe(1);
    expect(replaced[0]).not.toBe(failed);
    expect(await cacheInProcess().refreshTicket(OA, 'jsapi', failed)).toBe(replaced[0]);
    expect(env.fake.count('getticket')).toBe(2);
  });

  it('refreshes the authorizer token when getticket refuses it, and still fetches one ticket', async () => {
    const tickets = cacheInProcess();
    await env.credentials.authorizerToken(OA);
    env.fake.invalidateAuthorizerToken(OA);
    expect(await tickets.ticket(OA)).toMatch(/^JSAPI_TICKET_/);
    expect(env.fake.count('api_authorizer_token')).toBe(2);
    expect(env.fake.count('getticket')).toBe(2);
    expect(env.fake.countFor('getticket', OA)).toBe(2);
  });

  it('signs wx.config with the cached ticket and the clock', async () => {
    const tickets = cacheInProcess();
    const config = await tickets.configSignature(OA, 'https://shop.example.com/page#top', { nonceStr: 'n0nce' });
    const ticket = await tickets.ticket(OA);
    expect(config).toEqual(
      jsApiSignature({ appId: OA, ticket, url: 'https://shop.example.com/page', nonceStr: 'n0nce', timestamp: Math.floor(env.fake.clock.now() / 1000) }),
    );
  });

  it('refuses a bad appid or ticket type with a TypeError', async () => {
    const tickets = cacheInProcess();
    await expect(tickets.ticket('')).rejects.toThrow(/authorizerAppId/);
    await expect(tickets.ticket(OA, 'card' as 'jsapi')).rejects.toThrow(/type/);
  });
});
