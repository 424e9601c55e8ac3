/* global setTimeout */
// Child process of hung-upstream.int.test.ts: `ComponentCredentials` of the BUILT `@wxopen/core` on a `RedisStore`
// of the BUILT `@wxopen/redis`. Sends { type: 'ready' }, then answers each { id, op: 'componentToken' } with
// { type: 'answer', id, answer: { ok: true, value } | { ok: false, code } }.
// Environment: REDIS_URL, WXOPEN_TEST_KEY_PREFIX, WXOPEN_TEST_API_BASE, WXOPEN_TEST_APP_ID, WXOPEN_TEST_APP_SECRET,
// WXOPEN_TEST_TIMEOUT_MS.
import { ComponentCredentials } from '@wxopen/core';
import { createRedisStore } from '@wxopen/redis';

const env = process.env;
const store = createRedisStore(env.REDIS_URL ?? 'redis://127.0.0.1:6379', { keyPrefix: env.WXOPEN_TEST_KEY_PREFIX });
const credentials = new ComponentCredentials({
  appId: env.WXOPEN_TEST_APP_ID,
  appSecret: env.WXOPEN_TEST_APP_SECRET,
  store,
  apiBase: env.WXOPEN_TEST_API_BASE,
  timeoutMs: Number(env.WXOPEN_TEST_TIMEOUT_MS),
  lockWaitMs: 20_000,
  busyRetries: 0,
});

process.on('message', ({ id, op }) => {
  const run = op === 'componentToken' ? credentials.componentToken() : Promise.reject(new Error(`unknown op ${op}`));
  run.then(
    (value) => process.send({ type: 'answer', id, answer: { ok: true, value } }),
    (error) => process.send({ type: 'answer', id, answer: { ok: false, code: String(error?.code ?? error) } }),
  );
});

process.on('disconnect', () => {
  void store.close().finally(() => process.exit(0));
  setTimeout(() => process.exit(0), 1000).unref();
});

await store.client.ping();
process.send({ type: 'ready' });
