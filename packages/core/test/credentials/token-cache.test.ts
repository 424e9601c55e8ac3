/**
 * The refresh rule when the upstream fails: one retry of a transient failure per flight, one outcome for every
 * concurrent caller, the holder's failure shared with the callers waiting for its lock (two `TokenCache`s on one
 * store stand for two processes here; real processes are in `hung-upstream.int.test.ts`), and the lock-wait hook.
 */
import { TokenCache, isTransientFailure } from '../../src/credentials/token-cache';
import type { RefreshRequest } from '../../src/credentials/token-cache';
import { WechatApiError, WxOpenError } from '../../src/errors';
import { MemoryStore } from '../../src/store/memory';
import { StoreLock } from '../../src/store/lock';

type Fetch = RefreshRequest['fetch'];

const KEY = '{wx1}:component_token';
const LOCK = '{wx1}:lock:component_token';

let store: MemoryStore;
beforeEach(() => {
  store = new MemoryStore();
});
afterEach(() => store.close());

/** A cache on the shared store: each one is a process of its own (its own single-flight map). */
function process_(extra: Partial<ConstructorParameters<typeof TokenCache>[0]> = {}): TokenCache {
  return new TokenCache({ store, lock: new StoreLock(store, { prefix: '' }), lockTtlMs: 10_000, lockWaitMs: 10_000, now: Date.now, retryDelayMs: 1, ...extra });
}

/** A process whose `waiting` resolves once it has started waiting for another holder's lock. */
function waiter(): { cache: TokenCache; waiting: Promise<void> } {
  let resolve!: () => void;
  const waiting = new Promise<void>((done) => (resolve = done));
  return { cache: process_({ onLockWait: () => resolve() }), waiting };
}

function request(fetch: Fetch, flight = 'obtain'): RefreshRequest {
  return { key: KEY, lockName: LOCK, flightKey: flight, accept: () => true, fetch };
}

/** A fetch that answers from a script of outcomes, counting its calls. */
function scripted(...outcomes: Array<Error | string>): Fetch & { calls: number } {
  const fetch = Object.assign(
    async () => {
      const outcome = outcomes[Math.min(fetch.calls, outcomes.length - 1)];
      fetch.calls++;
      if (outcome instanceof Error) throw outcome;
      return { token: outcome as string, expiresIn: 7200 };
    },
    { calls: 0 },
  );
  return fetch;
}

/** A fetch that waits until `settle` is called. */
function held(): { fetch: Fetch & { calls: number }; settle: (outcome: Error | string) => void; started: Promise<void> } {
  let settle!: (outcome: Error | string) => void;
  let begin!: () => void;
  const started = new Promise<void>((resolve) => (begin = resolve));
  const outcome = new Promise<Error | string>((resolve) => (settle = resolve));
  const fetch = Object.assign(
    async () => {
      fetch.calls++;
      begin();
      const value = await outcome;
      if (value instanceof Error) throw value;
      return { token: value, expiresIn: 7200 };
    },
    { calls: 0 },
  );
  return { fetch, settle, started };
}

const http = (status: number) => new WxOpenError('ERR_API_HTTP', { detail: `/cgi-bin/component/api_component_token HTTP ${status}` });
const network = () => new WxOpenError('ERR_API_NETWORK', { detail: '/cgi-bin/component/api_component_token TypeError ECONNRESET' });
const timeout = () => new WxOpenError('ERR_API_TIMEOUT', { detail: '/cgi-bin/component/api_component_token after 5000 ms' });
const busy = () => new WechatApiError(-1, 'system error', '/cgi-bin/component/api_component_token');

async function outcomes(promises: Array<Promise<string>>): Promise<string[]> {
  const settled = await Promise.allSettled(promises);
  return settled.map((result) => (result.status === 'fulfilled' ? result.value : `${(result.reason as WxOpenError).code}`));
}

describe('a transient failure inside one flight', () => {
  test.each([
    ['an HTTP 502', http(502)],
    ['a network error', network()],
    ['errcode -1 (system busy)', busy()],
  ])('%s is retried once, and 50 concurrent callers all get the token of that retry', async (_what, failure) => {
    const fetch = scripted(failure, 'TOKEN_2');
    const cache = process_();
    const results = await outcomes(Array.from({ length: 50 }, () => cache.refresh(request(fetch))));
    expect(results).toEqual(Array(50).fill('TOKEN_2'));
    expect(fetch.calls).toBe(2);
  });

  test('two transient failures in a row give every concurrent caller the one failure, after exactly two attempts', async () => {
    const fetch = scripted(http(503), http(502));
    const cache = process_();
    const results = await outcomes(Array.from({ length: 50 }, () => cache.refresh(request(fetch))));
    expect(results).toEqual(Array(50).fill('ERR_API_HTTP'));
    expect(fetch.calls).toBe(2);
  });

  test.each([
    ['a timeout (a hung upstream would cost a second full timeout)', timeout()],
    ['an HTTP 404', http(404)],
    ['a redirect', new WxOpenError('ERR_API_HTTP', { detail: '/x HTTP 302 (redirects are not followed)' })],
    ['an invalid ticket (61006)', new WechatApiError(61006, 'invalid ticket', '/x')],
    ['an oversized answer', new WxOpenError('ERR_API_RESPONSE', { detail: '/x body exceeds 1048576 bytes' })],
  ])('%s is not retried', async (_what, failure) => {
    const fetch = scripted(failure, 'never');
    await expect(process_().refresh(request(fetch))).rejects.toBe(failure);
    expect(fetch.calls).toBe(1);
    expect(isTransientFailure(failure)).toBe(false);
  });
});

describe('a failure shared across processes', () => {
  test('the holder records its failure under <key>:failed, briefly and without any secret', async () => {
    const failure = new WechatApiError(61006, 'invalid component ticket rid: 1234', '/cgi-bin/component/api_component_token');
    const ttls: Array<number | undefined> = [];
    const set = store.set.bind(store);
    jest.spyOn(store, 'set').mockImplementation((key, value, ttlMs) => {
      if (key === `${KEY}:failed`) ttls.push(ttlMs);
      return set(key, value, ttlMs);
    });
    await expect(process_({ failureTtlMs: 7_000 }).refresh(request(scripted(failure)))).rejects.toBe(failure);
    const recorded = JSON.parse((await store.get(`${KEY}:failed`)) ?? '{}') as Record<string, unknown>;
    expect(recorded).toEqual({ id: expect.stringMatching(/^[0-9a-f]{16}$/), code: 'ERR_API', errcode: 61006, errmsg: 'invalid component ticket rid: 1234', api: '/cgi-bin/component/api_component_token' });
    expect(ttls).toEqual([7_000]);
  });

  test('a process waiting for the lock fails at once with the holder’s coded error, without fetching', async () => {
    const holder = held();
    const a = process_();
    const b = waiter();
    const aResult = a.refresh(request(holder.fetch));
    await holder.started; // A holds the lock and is fetching
    const bFetch = scripted('B_TOKEN');
    const bResult = b.cache.refresh(request(bFetch));
    await b.waiting; // B is waiting for A's lock
    holder.settle(timeout());
    await expect(aResult).rejects.toMatchObject({ code: 'ERR_API_TIMEOUT' });
    const error = await bResult.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(WxOpenError);
    expect(error).toMatchObject({ code: 'ERR_API_TIMEOUT', detail: '/cgi-bin/component/api_component_token after 5000 ms' });
    expect(bFetch.calls).toBe(0);
    expect(holder.fetch.calls).toBe(1);
  });

  test('a WeChat error reaches the waiting process as a WechatApiError with the same errcode', async () => {
    const holder = held();
    const aResult = process_().refresh(request(holder.fetch));
    await holder.started;
    const b = waiter();
    const bResult = b.cache.refresh(request(scripted('B_TOKEN')));
    await b.waiting;
    holder.settle(new WechatApiError(61006, 'invalid ticket', '/cgi-bin/component/api_component_token'));
    await aResult.catch(() => undefined);
    const error = await bResult.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(WechatApiError);
    expect(error).toMatchObject({ errcode: 61006, api: '/cgi-bin/component/api_component_token' });
  });

  test('three processes, one hung fetch: one upstream attempt in all, and every waiter fails with its error', async () => {
    const holder = held();
    const fetches = [holder.fetch, scripted('B'), scripted('C')];
    const waiters = [waiter(), waiter()];
    const first = process_().refresh(request(fetches[0]!));
    await holder.started;
    const rest = waiters.map((w, i) => w.cache.refresh(request(fetches[i + 1]!)));
    await Promise.all(waiters.map((w) => w.waiting));
    holder.settle(timeout());
    expect(await outcomes([first, ...rest])).toEqual(['ERR_API_TIMEOUT', 'ERR_API_TIMEOUT', 'ERR_API_TIMEOUT']);
    expect(fetches.map((fetch) => fetch.calls)).toEqual([1, 0, 0]);
  });

  test('a failure recorded before a refresh began does not fail it: that refresh fetches', async () => {
    await expect(process_().refresh(request(scripted(timeout())))).rejects.toMatchObject({ code: 'ERR_API_TIMEOUT' });
    expect(await store.get(`${KEY}:failed`)).toBeDefined();
    const fetch = scripted('LATER_TOKEN');
    await expect(process_().refresh(request(fetch))).resolves.toBe('LATER_TOKEN');
    expect(fetch.calls).toBe(1);
  });

  test('the waiting process takes the token the holder stored instead', async () => {
    const holder = held();
    const aResult = process_().refresh(request(holder.fetch));
    await holder.started;
    const bFetch = scripted('B_TOKEN');
    const b = waiter();
    const bResult = b.cache.refresh(request(bFetch));
    await b.waiting;
    holder.settle('A_TOKEN');
    expect(await Promise.all([aResult, bResult])).toEqual(['A_TOKEN', 'A_TOKEN']);
    expect(bFetch.calls).toBe(0);
  });
});

describe('onLockWait', () => {
  test('is called once per wait with the lock name when another holder has the lock, and not when the lock is free', async () => {
    const waits: string[] = [];
    const holder = held();
    const a = process_({ onLockWait: (name) => waits.push(`a ${name}`) });
    const b = process_({ onLockWait: (name) => waits.push(`b ${name}`) });
    const aResult = a.refresh(request(holder.fetch));
    await holder.started;
    const bResult = b.refresh(request(scripted('B')));
    await new Promise((resolve) => setTimeout(resolve, 600)); // several wait slices
    holder.settle('A_TOKEN');
    await Promise.all([aResult, bResult]);
    expect(waits).toEqual([`b ${LOCK}`]);
  });

  test('a hook that throws does not break the refresh', async () => {
    await store.setIfAbsent(LOCK, 'someone-else', 50);
    const cache = process_({
      onLockWait: () => {
        throw new Error('hook bug');
      },
    });
    await expect(cache.refresh(request(scripted('TOKEN')))).resolves.toBe('TOKEN');
  });

  test('a caller that may not wait (lockWaitMs 0) fails with ERR_LOCK_TIMEOUT without calling it', async () => {
    await store.setIfAbsent(LOCK, 'someone-else', 10_000);
    const waits: string[] = [];
    const cache = process_({ onLockWait: (name) => waits.push(name) });
    await expect(cache.refresh({ ...request(scripted('TOKEN')), lockWaitMs: 0 })).rejects.toMatchObject({ code: 'ERR_LOCK_TIMEOUT' });
    expect(waits).toEqual([]);
  });
});
