/**
 * The authorization outbox against the fake WeChat: a code pushed by WeChat is kept durably before the push is
 * acknowledged, then exchanged once — through WeChat outages longer than any retry budget, a missing ticket,
 * restarts and several instances — or reported when it can no longer be.
 */
import type { WxOpenError } from '@wxopen/core';
import { AuthServer } from '@wxopen/core';
import { WechatSimulator } from '@wxopen/testing';
import type { Harness } from './setup';
import { harness, waitFor } from './setup';

const QUERY_AUTH = 'api_query_auth';
const INFO = 'api_get_authorizer_info';
const APPID = 'wx00000000000000f1';

let h: Harness;
const failures: Array<[string, WxOpenError]> = [];
const options = {
  outboxScanMs: 20,
  outboxRetry: { firstMs: 20, maxMs: 100 },
  onOutboxError: (error: WxOpenError, appId: string | undefined) => void failures.push([appId ?? '', error]),
};

beforeEach(() => {
  failures.length = 0;
});
afterEach(() => h?.close());

function queue(code: string, expiresAt = h.fake.clock.now() + 3_600_000) {
  return h.credentials.queueAuthorization({ authorizerAppId: APPID, code, expiresAt, source: 'authorized' });
}

/** What the lost attempt did: `api_query_auth` reached WeChat, which took the code (its answer never came back). */
async function spendCode(code: string): Promise<void> {
  const token = await h.credentials.componentToken();
  const response = await fetch(`${h.fake.url}/cgi-bin/component/api_query_auth?component_access_token=${encodeURIComponent(token)}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ component_appid: h.fake.componentAppId, authorization_code: code }),
  });
  expect(response.status).toBe(200);
}

const exchanged = async () => (await h.credentials.authorizerRefreshToken(APPID)) !== undefined && (await h.credentials.pendingAuthorizations()).length === 0;

describe('the authorization outbox', () => {
  it('keeps a queued code in the store, without the code in what it lists, and exchanges it once', async () => {
    h = await harness(options);
    await h.credentials.keepVerifyTicket(h.fake.pushTicket());
    const code = h.fake.registerAuthorizationCode({ appId: APPID });
    h.fake.latency(QUERY_AUTH, 100);
    await queue(code);
    const pending = await h.credentials.pendingAuthorizations();
    expect(pending).toEqual([expect.objectContaining({ authorizerAppId: APPID, source: 'authorized' })]);
    expect(JSON.stringify(pending)).not.toContain(code);
    await waitFor(exchanged);
    expect(h.fake.count(QUERY_AUTH)).toBe(1);
    expect(failures).toEqual([]);
  });

  it('outlasts a WeChat outage of 30 failed attempts (longer than any retry budget) and exchanges the code once', async () => {
    h = await harness(options);
    await h.credentials.keepVerifyTicket(h.fake.pushTicket());
    const code = h.fake.registerAuthorizationCode({ appId: APPID });
    h.fake.httpError(QUERY_AUTH, 502, 30);
    await queue(code);
    await waitFor(exchanged, 10_000);
    expect(h.fake.count(QUERY_AUTH)).toBe(31);
    expect(await h.credentials.authorizerRefreshToken(APPID)).toBeDefined();
    // One line when the code started failing, none per retry, and no final failure.
    expect(failures.map(([appId, e]) => [appId, e.code])).toEqual([[APPID, 'ERR_API_HTTP']]);
  });

  it('waits for a ticket when none is in the store, then exchanges the code at once', async () => {
    h = await harness({ ...options, outboxRetry: { firstMs: 10_000, maxMs: 10_000 } });
    const code = h.fake.registerAuthorizationCode({ appId: APPID });
    await queue(code);
    await waitFor(() => failures.length > 0);
    expect(failures[0]?.[1].code).toBe('ERR_NO_TICKET');
    expect(h.fake.count(QUERY_AUTH)).toBe(0);
    await h.credentials.keepVerifyTicket(h.fake.pushTicket()); // the retry delay is 10 s: the ticket wakes it
    await waitFor(exchanged, 2_000);
    expect(h.fake.count(QUERY_AUTH)).toBe(1);
  });

  it('survives a restart: another instance on the same store finishes the exchange', async () => {
    h = await harness({ ...options, outboxScanMs: 60_000 });
    await h.credentials.keepVerifyTicket(h.fake.pushTicket());
    const code = h.fake.registerAuthorizationCode({ appId: APPID });
    h.fake.httpError(QUERY_AUTH, 503, 1);
    await queue(code);
    await waitFor(() => h.fake.count(QUERY_AUTH) === 1);
    await h.credentials.close(); // the process stops before its retry
    h.make({ ...options });
    await waitFor(exchanged);
    expect(h.fake.count(QUERY_AUTH)).toBe(2);
  });

  it('has several instances exchange each code once', async () => {
    h = await harness({ ...options, outboxScanMs: 10 });
    const others = [h.make(), h.make(), h.make()];
    await h.credentials.keepVerifyTicket(h.fake.pushTicket());
    h.fake.latency(QUERY_AUTH, 50);
    const codes = Array.from({ length: 5 }, (_, i) => h.fake.registerAuthorizationCode({ appId: `wx00000000000000e${i}` }));
    await Promise.all(
      codes.map((code, i) =>
        others[i % others.length]?.queueAuthorization({ authorizerAppId: `wx00000000000000e${i}`, code, expiresAt: h.fake.clock.now() + 3_600_000, source: 'authorized' }),
      ),
    );
    await waitFor(async () => (await h.credentials.pendingAuthorizations()).length === 0, 5_000);
    expect(h.fake.count(QUERY_AUTH)).toBe(5);
  });

  it('settles an attempt whose answer was lost with api_get_authorizer_info, without spending the code again', async () => {
    h = await harness({ ...options, outboxScanMs: 60_000 });
    await h.credentials.keepVerifyTicket(h.fake.pushTicket());
    const code = h.fake.registerAuthorizationCode({ appId: APPID });
    // A process attempted the exchange (WeChat took the code) and died before it heard the answer.
    await h.store.set(
      h.credentials.keys.outbox,
      JSON.stringify([{ a: APPID, c: code, e: h.fake.clock.now() + 3_600_000, s: 'authorized', q: h.fake.clock.now(), n: 1 }]),
    );
    await spendCode(code);
    h.make({ ...options });
    await waitFor(exchanged);
    expect(h.fake.count(QUERY_AUTH)).toBe(1); // the lost attempt only
    expect(h.fake.count(INFO)).toBeGreaterThanOrEqual(1);
  });

  it('reports a code that expired before it could be exchanged as ERR_AUTH_CODE, and drops it', async () => {
    h = await harness(options);
    const code = h.fake.registerAuthorizationCode({ appId: APPID });
    await queue(code, h.fake.clock.now() + 60_000); // no ticket: it cannot be exchanged in time
    h.fake.clock.advance(61_000);
    await waitFor(() => failures.some(([, e]) => e.code === 'ERR_AUTH_CODE'), 3_000);
    expect(await h.credentials.pendingAuthorizations()).toEqual([]);
    const final = failures.find(([, e]) => e.code === 'ERR_AUTH_CODE');
    expect(final?.[0]).toBe(APPID);
    expect(final?.[1].message).not.toContain(code);
  });

  it('reports a code WeChat refuses (61009) for an account it does not know, and drops it', async () => {
    h = await harness(options);
    await h.credentials.keepVerifyTicket(h.fake.pushTicket());
    await queue('queryauthcode@@@never-issued');
    await waitFor(() => failures.some(([, e]) => e.code === 'ERR_AUTH_CODE'));
    expect(await h.credentials.pendingAuthorizations()).toEqual([]);
    expect(h.fake.count(QUERY_AUTH)).toBe(1);
  });
});

describe('an authorized push', () => {
  it('is acknowledged only once its code is in the outbox, then exchanged in the background', async () => {
    h = await harness(options);
    const secrets = { appId: h.fake.componentAppId, token: 'outbox-token', encodingAESKey: 'a'.repeat(43) };
    const wechat = new WechatSimulator(secrets);
    const platform = new AuthServer({ ...secrets, credentials: h.credentials, onError: () => undefined });
    await h.credentials.keepVerifyTicket(h.fake.pushTicket());
    const code = h.fake.registerAuthorizationCode({ appId: APPID });
    h.fake.latency(QUERY_AUTH, 200);
    const push = wechat.component({
      AppId: secrets.appId,
      CreateTime: Math.floor(Date.now() / 1000),
      InfoType: 'authorized',
      AuthorizerAppid: APPID,
      AuthorizationCode: code,
      AuthorizationCodeExpiredTime: String(Math.floor(h.fake.clock.now() / 1000) + 3600),
    });
    const res = await platform.handleAuthEvent({ method: 'POST', query: push.query, body: push.body });
    expect(res.body).toBe('success');
    expect(await h.credentials.pendingAuthorizations()).toHaveLength(1); // durable before the answer
    await platform.idle();
    await waitFor(exchanged);
    expect(h.fake.count(QUERY_AUTH)).toBe(1);
    // The exchange also taught the platform the authorizer's original id (for the URL check).
    await waitFor(async () => (await h.credentials.authorizerUserName(APPID)) !== undefined);
    await platform.close();
  });
});
