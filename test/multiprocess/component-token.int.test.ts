/**
 * The component token across several real processes on one Redis, counted at the fake WeChat.
 * Children run the BUILT packages (`credentials-child.mjs`); `npm test` builds them first (`tsc -b`).
 */
import { ComponentCredentials, credentialKeys } from '@wxopen/core';
import { startFakeWechat } from '@wxopen/testing';
import type { FakeWechat } from '@wxopen/testing';
import type { Child, RedisScope } from './harness';
import { describeEachRedisShape, redisScope, startChild, valueOf, waitUntil } from './harness';

jest.setTimeout(30_000);

describeEachRedisShape('component token across processes', (shape) => {
  let fake: FakeWechat;
  let redis: RedisScope;
  let children: Child[] = [];
  const keys = () => credentialKeys(fake.componentAppId);
  /** Saves verify tickets in order, as the push handler does (the last one is the latest). */
  const saveTickets = async (...tickets: string[]) => {
    const credentials = new ComponentCredentials({ appId: fake.componentAppId, appSecret: fake.componentAppSecret, store: redis.store, apiBase: fake.url });
    for (const ticket of tickets) await credentials.saveVerifyTicket(ticket);
    await credentials.close(); // it only seeds the store: its outbox scan must not outlive the test
  };

  const spawn = (extra: Record<string, string> = {}) =>
    startChild('credentials-child.mjs', {
      ...redis.env,
      WXOPEN_TEST_API_BASE: fake.url,
      WXOPEN_TEST_APP_ID: fake.componentAppId,
      WXOPEN_TEST_APP_SECRET: fake.componentAppSecret,
      ...extra,
    }).then((child) => {
      children.push(child);
      return child;
    });

  beforeEach(async () => {
    fake = await startFakeWechat();
    redis = redisScope('component-token', shape);
  });

  afterEach(async () => {
    await Promise.all(children.map((child) => child.kill()));
    children = [];
    await redis.dispose();
    await fake.close();
  });

  // Breaks without the cross-process lock and the re-read after taking it (each process would fetch its own
  // token, and with no grace period each fetch invalidates the others': 40001s and up to 4+ token requests), and
  // without the in-process single flight (up to 200 requests per process).
  test('4 processes × 200 concurrent calls on an expired token fetch exactly one new component token, and every call succeeds', async () => {
    await saveTickets(fake.pushTicket());
    // An expired token record, as a process that cached one two hours ago would have left it.
    await redis.store.set(keys().componentToken, JSON.stringify({ token: 'COMPONENT_TOKEN_stale', expiresAt: Date.now() - 1000 }));
    // A slow token endpoint keeps the refresh open while every process piles in.
    fake.latency('api_component_token', 300);

    const workers = await Promise.all([spawn(), spawn(), spawn(), spawn()]);
    // Released together: all are ready, then each gets its start message in the same tick.
    const answers = await Promise.all(workers.map((child) => child.request<{ succeeded: number; failures: string[] }>('componentBurst', { n: 200 })));

    expect(answers.map(valueOf)).toEqual(Array(4).fill({ succeeded: 200, failures: [] }));
    expect(fake.count('api_component_token')).toBe(1);
    expect(fake.count('api_get_authorizer_list')).toBe(800);
    const used = new Set(fake.requests.filter((r) => r.path.endsWith('/api_get_authorizer_list')).map((r) => r.query['component_access_token']));
    expect([...used]).toEqual([fake.state.componentToken]);
  });

  // Breaks when the lock has no TTL (B waits until ERR_LOCK_TIMEOUT), when a waiter gives up instead of taking
  // an expired lock over, or when a refresh deletes or rewrites the tickets before its fetch completes.
  test('when the lock holder is SIGKILLed mid-refresh, a waiting process refreshes after the lock expires and no ticket is lost', async () => {
    const previousTicket = fake.pushTicket();
    const ticket = fake.pushTicket();
    await saveTickets(previousTicket, ticket);
    fake.latency('api_component_token', 1000);

    const [a, b] = await Promise.all([spawn({ WXOPEN_TEST_LOCK_TTL_MS: '1500' }), spawn({ WXOPEN_TEST_LOCK_TTL_MS: '1500' })]);
    if (!a || !b) throw new Error('children did not start');
    const aToken = a.request<string>('componentToken');
    await waitUntil('the fake received A’s token request', () => fake.count('api_component_token') === 1);
    // B asks while A holds the lock: it waits.
    const bToken = b.request<string>('componentToken');
    await a.kill('SIGKILL');
    expect((await aToken).ok).toBe(false);

    const token = valueOf(await bToken);
    expect(fake.count('api_component_token')).toBe(2);
    expect(token).toBe(fake.state.componentToken);
    // The token B got works (a call with it succeeds at the fake).
    expect(valueOf(await b.request('componentBurst', { n: 1 }))).toEqual({ succeeded: 1, failures: [] });
    expect(fake.count('api_component_token')).toBe(2);
    expect(await redis.store.get(keys().ticket)).toBe(ticket);
    expect(await redis.store.get(keys().previousTicket)).toBe(previousTicket);
    expect(JSON.parse((await redis.store.get(keys().componentToken)) ?? '{}')).toMatchObject({ token });
  });
});
