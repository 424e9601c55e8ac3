import { WechatApiError, WxOpenError } from '../../src/errors';
import type { ComponentCredentialsOptions } from '../../src/credentials/component';
import type { Lock } from '../../src/store/types';
import type { FakeWechatOptions } from '@wxopen/testing';
import { expectNoSecrets, harness, rejection, waitFor } from './setup';
import type { Harness, TestStore } from './setup';

const TOKEN_API = 'api_component_token';

/**
 * The rules of the verify ticket and the component token, on the given store: `component-token.test.ts` runs
 * them on memory and file, `component-token.int.test.ts` on Redis.
 */
export function describeComponentTokenRules(testStore: TestStore): void {
  describe(`on ${testStore.name}`, () => {
    let h: Harness;
    const opened: Harness[] = [];
    async function open(options: Partial<ComponentCredentialsOptions> = {}, fakeOptions: FakeWechatOptions = {}): Promise<Harness> {
      const created = await harness(options, fakeOptions, testStore);
      opened.push(created);
      return created;
    }
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((o) => o.close()));
    });

    describe('verify ticket', () => {
      beforeEach(async () => {
        h = await open();
      });

      it('keeps the latest ticket and the one before it, without expiry', async () => {
        await h.credentials.saveVerifyTicket('ticket@@@one');
        await h.credentials.saveVerifyTicket('ticket@@@two');
        h.fake.clock.advance(400 * 24 * 3600 * 1000);
        expect(await h.credentials.verifyTicket()).toBe('ticket@@@two');
        expect(await h.store.get(h.credentials.keys.previousTicket)).toBe('ticket@@@one');
      });

      it('does not overwrite the previous ticket when the same ticket is pushed again', async () => {
        await h.credentials.saveVerifyTicket('ticket@@@one');
        await h.credentials.saveVerifyTicket('ticket@@@two');
        await h.credentials.saveVerifyTicket('ticket@@@two');
        expect(await h.store.get(h.credentials.keys.previousTicket)).toBe('ticket@@@one');
      });

      it('is visible to another instance on the same store', async () => {
        await h.credentials.saveVerifyTicket('ticket@@@one');
        expect(await h.make().verifyTicket()).toBe('ticket@@@one');
      });

      it('rejects an empty ticket with a TypeError', async () => {
        await expect(h.credentials.saveVerifyTicket('')).rejects.toThrow(TypeError);
      });

      it('asks WeChat to restart the ticket push with the component secret', async () => {
        await h.credentials.startPushTicket();
        expect(h.fake.requests[0]).toMatchObject({
          path: '/cgi-bin/component/api_start_push_ticket',
          body: { component_appid: h.fake.componentAppId, component_secret: h.fake.componentAppSecret },
        });
      });

      it('keeps the secret out of a failed start-push error', async () => {
        const credentials = h.make({ appSecret: 'WRONG_SECRET_VALUE' });
        const error = await rejection(credentials.startPushTicket());
        expect(error).toMatchObject({ errcode: 40125 });
        expectNoSecrets(error, ['WRONG_SECRET_VALUE']);
      });
    });

    describe('componentToken', () => {
      beforeEach(async () => {
        h = await open();
      });

      it('fails with ERR_NO_TICKET before any ticket was received', async () => {
        const error = await rejection(h.credentials.componentToken());
        expect(error).toBeInstanceOf(WxOpenError);
        expect(error).toMatchObject({ code: 'ERR_NO_TICKET' });
        expect(h.fake.count(TOKEN_API)).toBe(0);
      });

      it('fetches with the latest ticket and serves the stored token afterwards', async () => {
        await h.credentials.saveVerifyTicket(h.fake.pushTicket());
        const token = await h.credentials.componentToken();
        expect(token).toBe(h.fake.state.componentToken);
        expect(await h.credentials.componentToken()).toBe(token);
        expect(await h.make().componentToken()).toBe(token);
        expect(h.fake.count(TOKEN_API)).toBe(1);
      });

      it('caches the token for expires_in minus the safety margin', async () => {
        await h.credentials.saveVerifyTicket(h.fake.pushTicket());
        await h.credentials.componentToken();
        h.fake.clock.advance((7200 - 600) * 1000 - 1000);
        await h.credentials.componentToken();
        expect(h.fake.count(TOKEN_API)).toBe(1);
        h.fake.clock.advance(2000);
        await h.credentials.componentToken();
        expect(h.fake.count(TOKEN_API)).toBe(2);
      });

      it('makes exactly one upstream request for 200 concurrent calls with an expired token', async () => {
        await h.credentials.saveVerifyTicket(h.fake.pushTicket());
        await h.credentials.componentToken();
        h.fake.clock.advance(7200 * 1000);
        const tokens = await Promise.all(Array.from({ length: 200 }, () => h.credentials.componentToken()));
        expect(h.fake.count(TOKEN_API)).toBe(2);
        expect(new Set(tokens)).toEqual(new Set([h.fake.state.componentToken]));
      });

      it('makes exactly one upstream request for concurrent calls from two instances sharing a store', async () => {
        await h.credentials.saveVerifyTicket(h.fake.pushTicket());
        const other = h.make();
        h.fake.latency(TOKEN_API, 50);
        const tokens = await Promise.all(
          Array.from({ length: 100 }, (_, i) => (i % 2 === 0 ? h.credentials : other).componentToken()),
        );
        expect(h.fake.count(TOKEN_API)).toBe(1);
        expect(new Set(tokens).size).toBe(1);
      });

      it('re-reads the store after taking the lock and uses a token stored meanwhile', async () => {
        await h.credentials.saveVerifyTicket(h.fake.pushTicket());
        const writer = h.make();
        const lock: Lock = {
          async acquire() {
            // Another process finished its refresh while this one waited for the lock.
            await writer.componentToken();
            return { release: async () => true };
          },
        };
        const credentials = h.make({ lock });
        expect(await credentials.componentToken()).toBe(h.fake.state.componentToken);
        expect(h.fake.count(TOKEN_API)).toBe(1);
      });

      it('fails with ERR_LOCK_TIMEOUT when the lock is never granted and nothing is stored', async () => {
        await h.credentials.saveVerifyTicket(h.fake.pushTicket());
        const lock: Lock = { acquire: async () => undefined };
        const error = await rejection(h.make({ lock }).componentToken());
        expect(error).toMatchObject({ code: 'ERR_LOCK_TIMEOUT' });
        expect(h.fake.count(TOKEN_API)).toBe(0);
      });
    });

    describe('refreshComponentToken', () => {
      beforeEach(async () => {
        h = await open();
        await h.credentials.saveVerifyTicket(h.fake.pushTicket());
      });

      it('fetches a new token when the failed token is still the stored one', async () => {
        const failed = await h.credentials.componentToken();
        const fresh = await h.credentials.refreshComponentToken(failed);
        expect(fresh).not.toBe(failed);
        expect(fresh).toBe(h.fake.state.componentToken);
        expect(await h.credentials.componentToken()).toBe(fresh);
      });

      it('returns the current token without fetching when the failed token is no longer current', async () => {
        const stale = await h.credentials.componentToken();
        const current = await h.credentials.refreshComponentToken(stale);
        const before = h.fake.count(TOKEN_API);
        expect(await h.credentials.refreshComponentToken(stale)).toBe(current);
        expect(await h.make().refreshComponentToken(stale)).toBe(current);
        expect(h.fake.count(TOKEN_API) - before).toBe(0);
      });

      it('coalesces concurrent refreshes of the same failed token into one fetch', async () => {
        const failed = await h.credentials.componentToken();
        const tokens = await Promise.all(Array.from({ length: 50 }, () => h.credentials.refreshComponentToken(failed)));
        expect(h.fake.count(TOKEN_API)).toBe(2);
        expect(new Set(tokens)).toEqual(new Set([h.fake.state.componentToken]));
      });

      it('forces a fetch when no failed token is given', async () => {
        const first = await h.credentials.componentToken();
        expect(await h.credentials.refreshComponentToken()).not.toBe(first);
        expect(h.fake.count(TOKEN_API)).toBe(2);
      });
    });

    describe('invalid ticket', () => {
      beforeEach(async () => {
        h = await open();
      });

      it('falls back to the previous ticket once when WeChat refuses the latest (61006)', async () => {
        const good = h.fake.pushTicket();
        await h.credentials.saveVerifyTicket(good);
        await h.credentials.saveVerifyTicket('ticket@@@unknown-to-wechat');
        expect(await h.credentials.componentToken()).toBe(h.fake.state.componentToken);
        const tickets = h.fake.requests.map((r) => r.body['component_verify_ticket']);
        expect(tickets).toEqual(['ticket@@@unknown-to-wechat', good]);
      });

      it('falls back to the previous ticket when the latest has expired (61005)', async () => {
        const previous = h.fake.pushTicket();
        const latest = h.fake.pushTicket();
        h.fake.expireTicket(latest);
        await h.credentials.saveVerifyTicket(previous);
        await h.credentials.saveVerifyTicket(latest);
        const token = await h.credentials.componentToken();
        expect(token).toBe(h.fake.state.componentToken);
        expect(h.fake.requests.map((r) => r.body['component_verify_ticket'])).toEqual([latest, previous]);
      });

      it('fires onInvalidTicket and rejects when both tickets are refused, without the tickets in the error', async () => {
        const seen: number[] = [];
        h = await open({ hooks: { onInvalidTicket: (e) => void seen.push(e.errcode) } });
        await h.credentials.saveVerifyTicket('ticket@@@SECRET_ONE');
        await h.credentials.saveVerifyTicket('ticket@@@SECRET_TWO');
        const error = await rejection(h.credentials.componentToken());
        expect(error).toBeInstanceOf(WechatApiError);
        expect(error).toMatchObject({ errcode: 61006 });
        expect(seen).toEqual([61006]);
        expect(h.fake.count(TOKEN_API)).toBe(2);
        expectNoSecrets(error, ['SECRET_ONE', 'SECRET_TWO', h.fake.componentAppSecret]);
      });

      it('fires onInvalidTicket when the only ticket is refused', async () => {
        const seen: number[] = [];
        h = await open({ hooks: { onInvalidTicket: (e) => void seen.push(e.errcode) } });
        await h.credentials.saveVerifyTicket('ticket@@@unknown');
        await rejection(h.credentials.componentToken());
        expect(seen).toEqual([61006]);
        expect(h.fake.count(TOKEN_API)).toBe(1);
      });

      it('does not fall back on errors other than ticket errors', async () => {
        await h.credentials.saveVerifyTicket(h.fake.pushTicket());
        await h.credentials.saveVerifyTicket(h.fake.pushTicket());
        h.fake.failNext(TOKEN_API, 40013);
        await expect(h.credentials.componentToken()).rejects.toMatchObject({ errcode: 40013 });
        expect(h.fake.count(TOKEN_API)).toBe(1);
      });
    });

    describe('component client', () => {
      const PREAUTH = '/cgi-bin/component/api_create_preauthcode';

      beforeEach(async () => {
        h = await open();
        await h.credentials.saveVerifyTicket(h.fake.pushTicket());
      });

      it('sends the component token as component_access_token', async () => {
        const token = await h.credentials.componentToken();
        await h.credentials.client().postJSON(PREAUTH, { component_appid: h.fake.componentAppId });
        expect(h.fake.requests.at(-1)?.query).toEqual({ component_access_token: token });
      });

      it('on 40001 refreshes once and retries once, storing the new token', async () => {
        await h.credentials.componentToken();
        h.fake.invalidateComponentToken();
        const body = await h.credentials.client().postJSON<{ pre_auth_code: string }>(PREAUTH, { component_appid: h.fake.componentAppId });
        expect(body.pre_auth_code).toMatch(/^preauthcode@@@/);
        expect(h.fake.count(TOKEN_API)).toBe(2);
        expect(h.fake.count(PREAUTH)).toBe(2);
        expect(await h.credentials.componentToken()).toBe(h.fake.state.componentToken);
      });

      it('surfaces a second 40001 as WechatApiError with no token in it', async () => {
        const first = await h.credentials.componentToken();
        h.fake.failNext(PREAUTH, 40001, 2);
        const error = await rejection(h.credentials.client().postJSON(PREAUTH, { component_appid: h.fake.componentAppId }));
        expect(error).toBeInstanceOf(WechatApiError);
        expect(error).toMatchObject({ errcode: 40001, api: PREAUTH });
        expect(h.fake.count(TOKEN_API)).toBe(2);
        expectNoSecrets(error, [first, h.fake.state.componentToken]);
      });

      it('on 42001 after expiry on WeChat side refreshes and retries', async () => {
        await h.credentials.componentToken();
        h.fake.failNext(PREAUTH, 42001);
        await h.credentials.client().postJSON(PREAUTH, { component_appid: h.fake.componentAppId });
        expect(h.fake.count(TOKEN_API)).toBe(2);
      });

      it('fires onQuotaExceeded on 45009', async () => {
        const seen: string[] = [];
        h = await open({ hooks: { onQuotaExceeded: (e) => void seen.push(e.api) } });
        await h.credentials.saveVerifyTicket(h.fake.pushTicket());
        h.fake.quota(PREAUTH);
        await expect(h.credentials.preAuthCode()).rejects.toMatchObject({ errcode: 45009 });
        expect(seen).toEqual([PREAUTH]);
        await h.credentials.clearQuota();
        await expect(h.credentials.preAuthCode()).resolves.toMatch(/^preauthcode@@@/);
      });
    });

    describe('proactive refresh', () => {
      it('refreshes a stored token that expires within refreshBeforeMs', async () => {
        h = await open();
        await h.credentials.saveVerifyTicket(h.fake.pushTicket());
        await h.store.set(h.credentials.keys.componentToken, JSON.stringify({ token: 'old', expiresAt: h.fake.clock.now() + 10_000 }), 10_000);
        const proactive = h.make({ refreshBeforeMs: 60_000 });
        await waitFor(async () => (await proactive.componentToken()) !== 'old');
        expect(await proactive.componentToken()).toBe(h.fake.state.componentToken);
        expect(h.fake.count(TOKEN_API)).toBe(1);
      });

      it('lets only the instance that wins the lock fetch', async () => {
        h = await open();
        await h.credentials.saveVerifyTicket(h.fake.pushTicket());
        await h.store.set(h.credentials.keys.componentToken, JSON.stringify({ token: 'old', expiresAt: h.fake.clock.now() + 10_000 }), 10_000);
        h.fake.latency(TOKEN_API, 100);
        h.make({ refreshBeforeMs: 60_000 });
        h.make({ refreshBeforeMs: 60_000 });
        h.make({ refreshBeforeMs: 60_000 });
        await waitFor(async () => (await h.credentials.componentToken()) !== 'old');
        await new Promise((resolve) => setTimeout(resolve, 150));
        expect(h.fake.count(TOKEN_API)).toBe(1);
      });

      it('fetches nothing while no ticket was received, and starts once one arrives', async () => {
        h = await open();
        const proactive = h.make({ refreshBeforeMs: 60_000 });
        await new Promise((resolve) => setTimeout(resolve, 50));
        expect(h.fake.count(TOKEN_API)).toBe(0);
        await proactive.saveVerifyTicket(h.fake.pushTicket());
        await waitFor(() => h.fake.count(TOKEN_API) === 1);
      });

      it('stops after close()', async () => {
        h = await open();
        const proactive = h.make({ refreshBeforeMs: 60_000 });
        await proactive.close();
        await proactive.saveVerifyTicket(h.fake.pushTicket());
        await new Promise((resolve) => setTimeout(resolve, 50));
        expect(h.fake.count(TOKEN_API)).toBe(0);
      });

      it('reports a failed background refresh to onBackgroundError', async () => {
        const seen: unknown[] = [];
        h = await open({ hooks: { onBackgroundError: (e) => void seen.push(e) } });
        const proactive = h.make({ refreshBeforeMs: 60_000 });
        // Let the first check (no ticket yet) finish, so the one failure below is the ticket's own check.
        await new Promise((resolve) => setTimeout(resolve, 50));
        await proactive.saveVerifyTicket('ticket@@@unknown');
        await waitFor(() => seen.length > 0);
        expect(seen).toEqual([expect.objectContaining({ errcode: 61006 })]);
      });

      // A ticket arriving while a proactive check runs: the checks must not overlap (overlapping checks shared
      // one flight and reported its failure twice), and the check the ticket asked for must still run after.
      it('reports each failed background refresh once and still checks again for a ticket that arrived during a check', async () => {
        const seen: unknown[] = [];
        h = await open({ hooks: { onBackgroundError: (e) => void seen.push(e) } });
        h.fake.latency(TOKEN_API, 100);
        await h.credentials.saveVerifyTicket('ticket@@@unknown-1');
        const proactive = h.make({ refreshBeforeMs: 60_000 });
        await waitFor(() => h.fake.count(TOKEN_API) === 1);
        await proactive.saveVerifyTicket('ticket@@@unknown-2');
        // The second ticket gets its own check, which also falls back to the previous ticket: 1 + 2 requests.
        await waitFor(() => h.fake.count(TOKEN_API) === 3);
        await new Promise((resolve) => setTimeout(resolve, 200));
        expect(seen).toHaveLength(2); // one report per failed check
        expect(h.fake.count(TOKEN_API)).toBe(3);
      });
    });
  });
}
