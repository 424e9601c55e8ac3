/* global setTimeout */
/**
 * A child process of the several-process JS-SDK ticket test: `JsTicketCache` of the BUILT `@wxopen/core` on a
 * `RedisStore` of the BUILT `@wxopen/redis`, with the credentials of the component, driven over IPC (see
 * `credentials-child.mjs` for the message shapes). Its clock can be moved forward (`advance`) to end a ticket's
 * lifetime without waiting.
 *
 * Environment: REDIS_URL or REDIS_CLUSTER_NODES, WXOPEN_TEST_KEY_PREFIX, WXOPEN_TEST_API_BASE, WXOPEN_TEST_APP_ID, WXOPEN_TEST_APP_SECRET.
 */
import { ComponentCredentials } from '@wxopen/core';
import { createRedisStore, parseRedisNodes } from '@wxopen/redis';

const env = process.env;
let offsetMs = 0;
const now = () => Date.now() + offsetMs;
const target = env.REDIS_CLUSTER_NODES ? { cluster: parseRedisNodes(env.REDIS_CLUSTER_NODES) } : (env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const store = createRedisStore(target, { keyPrefix: env.WXOPEN_TEST_KEY_PREFIX, log: false });
const credentials = new ComponentCredentials({
  appId: env.WXOPEN_TEST_APP_ID,
  appSecret: env.WXOPEN_TEST_APP_SECRET,
  store,
  apiBase: env.WXOPEN_TEST_API_BASE,
  lockWaitMs: 20_000,
  busyRetries: 0,
  now,
});
const tickets = credentials.jsTickets;

function codeOf(error) {
  if (error && typeof error === 'object') return String(error.code ?? error.errcode ?? error.name);
  return String(error);
}

/** `n` concurrent `ticket()` calls per appid; the distinct tickets seen per appid and the failure codes. */
async function burst({ n, appIds }) {
  const seen = Object.fromEntries(appIds.map((appId) => [appId, new Set()]));
  const failures = new Set();
  await Promise.all(
    appIds.flatMap((appId) =>
      Array.from({ length: n }, () =>
        tickets.ticket(appId).then(
          (ticket) => seen[appId].add(ticket),
          (error) => failures.add(codeOf(error)),
        ),
      ),
    ),
  );
  return { tickets: Object.fromEntries(Object.entries(seen).map(([appId, set]) => [appId, [...set]])), failures: [...failures] };
}

const ops = {
  burst,
  advance: ({ ms }) => {
    offsetMs += ms;
    return offsetMs;
  },
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

process.on('disconnect', () => {
  void store.close().finally(() => process.exit(0));
  setTimeout(() => process.exit(0), 1000).unref();
});

await store.client.ping();
process.send({ type: 'ready' });
