/**
 * A child process of the several-process tests: `ComponentCredentials` of the BUILT `@wxopen/core` on a
 * `RedisStore` of the BUILT `@wxopen/redis`, driven over IPC. Sends `{ type: 'ready' }` once built, then answers
 * each `{ id, op, … }` with `{ type: 'answer', id, answer: { ok, value } | { ok: false, code, message } }`.
 *
 * Environment: REDIS_URL or REDIS_CLUSTER_NODES, WXOPEN_TEST_KEY_PREFIX, WXOPEN_TEST_API_BASE, WXOPEN_TEST_APP_ID,
 * WXOPEN_TEST_APP_SECRET, WXOPEN_TEST_LOCK_TTL_MS (optional).
 */
import { ComponentCredentials } from '@wxopen/core';
import { childStore, codeOf, serveParent } from './child-kit.mjs';

const env = process.env;
const store = childStore(env);
const credentials = new ComponentCredentials({
  appId: env.WXOPEN_TEST_APP_ID,
  appSecret: env.WXOPEN_TEST_APP_SECRET,
  store,
  apiBase: env.WXOPEN_TEST_API_BASE,
  lockTtlMs: env.WXOPEN_TEST_LOCK_TTL_MS ? Number(env.WXOPEN_TEST_LOCK_TTL_MS) : undefined,
  lockWaitMs: 20_000,
  busyRetries: 0,
});

/** Runs `n` calls at once; reports how many succeeded, the tokens seen and the distinct failure codes. */
async function burst(n, call) {
  const results = await Promise.allSettled(Array.from({ length: n }, () => call()));
  const failures = results.filter((result) => result.status === 'rejected').map((result) => codeOf(result.reason));
  return { succeeded: n - failures.length, failures: [...new Set(failures)] };
}

const ops = {
  componentBurst: ({ n }) => burst(n, () => credentials.getAuthorizerList({ count: 10 })),
  authorizerBurst: ({ n, appId }) => burst(n, () => credentials.authorizerClient(appId).getJSON('/cgi-bin/get_api_domain_ip')),
  componentToken: () => credentials.componentToken(),
  authorizerToken: ({ appId }) => credentials.authorizer(appId).token(),
  refreshAuthorizerToken: ({ appId }) => credentials.refreshAuthorizerToken(appId),
};

serveParent(ops, () => store.close());

// Wait for the connection (on a Cluster, for the slot map) before saying ready.
await store.get('ready-probe');
process.send({ type: 'ready' });
