/**
 * A child process of the several-process JS-SDK ticket test: `JsTicketCache` of the BUILT `@wxopen/core` on a
 * `RedisStore` of the BUILT `@wxopen/redis`, with the credentials of the component, driven over IPC (see
 * `credentials-child.mjs` for the message shapes). Its clock can be moved forward (`advance`) to end a ticket's
 * lifetime without waiting.
 *
 * Environment: REDIS_URL or REDIS_CLUSTER_NODES, WXOPEN_TEST_KEY_PREFIX, WXOPEN_TEST_API_BASE, WXOPEN_TEST_APP_ID, WXOPEN_TEST_APP_SECRET.
 */
import { ComponentCredentials } from '@wxopen/core';
import { childStore, codeOf, serveParent } from './child-kit.mjs';

const env = process.env;
let offsetMs = 0;
const now = () => Date.now() + offsetMs;
const store = childStore(env, { log: false });
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

serveParent(ops, () => store.close());

await store.client.ping();
process.send({ type: 'ready' });
