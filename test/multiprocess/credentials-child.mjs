/* global setTimeout */
/**
 * A child process of the several-process tests: `ComponentCredentials` of the BUILT `@wxopen/core` on a
 * `RedisStore` of the BUILT `@wxopen/redis`, driven over IPC. Sends `{ type: 'ready' }` once built, then answers
 * each `{ id, op, … }` with `{ type: 'answer', id, answer: { ok, value } | { ok: false, code, message } }`.
 *
 * Environment: REDIS_URL or REDIS_CLUSTER_NODES, WXOPEN_TEST_KEY_PREFIX, WXOPEN_TEST_API_BASE, WXOPEN_TEST_APP_ID,
 * WXOPEN_TEST_APP_SECRET, WXOPEN_TEST_LOCK_TTL_MS (optional).
 */
import { ComponentCredentials } from '@wxopen/core';
import { createRedisStore, parseRedisNodes } from '@wxopen/redis';

const env = process.env;
// A Cluster when REDIS_CLUSTER_NODES lists one, else the standalone Redis of REDIS_URL.
const target = env.REDIS_CLUSTER_NODES ? { cluster: parseRedisNodes(env.REDIS_CLUSTER_NODES) } : (env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const store = createRedisStore(target, { keyPrefix: env.WXOPEN_TEST_KEY_PREFIX });
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

function codeOf(error) {
  if (error && typeof error === 'object') return String(error.code ?? error.errcode ?? error.name);
  return String(error);
}

const ops = {
  componentBurst: ({ n }) => burst(n, () => credentials.getAuthorizerList({ count: 10 })),
  authorizerBurst: ({ n, appId }) => burst(n, () => credentials.authorizerClient(appId).getJSON('/cgi-bin/get_api_domain_ip')),
  componentToken: () => credentials.componentToken(),
  authorizerToken: ({ appId }) => credentials.authorizer(appId).token(),
  refreshAuthorizerToken: ({ appId }) => credentials.refreshAuthorizerToken(appId),
};

process.on('message', (message) => {
  const { id, op } = message;
  const run = ops[op];
  Promise.resolve()
    .then(() => (run ? run(message) : Promise.reject(new Error(`unknown op ${op}`))))
    .then(
      (value) => ({ ok: true, value }),
      (error) => ({ ok: false, code: codeOf(error), message: error instanceof Error ? error.message : String(error) }),
    )
    .then((answer) => process.send({ type: 'answer', id, answer }));
});

// The parent closing the channel (or dying) ends the child.
process.on('disconnect', () => {
  void store.close().finally(() => process.exit(0));
  setTimeout(() => process.exit(0), 1000).unref();
});

// Wait for the connection (on a Cluster, for the slot map) before saying ready.
await store.get('ready-probe');
process.send({ type: 'ready' });
