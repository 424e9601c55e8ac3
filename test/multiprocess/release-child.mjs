/* global URL, Buffer */
/**
 * A child process of the several-process release test: a `ReleaseRunner` of the BUILT `@wxopen/core` on a
 * `RedisStore`, with a small platform callback server that verifies and decrypts the fake WeChat's audit pushes and
 * feeds them to `handleAuditEvent` — as the platform's message URL would. Sends `{ type: 'ready', port }`, then
 * answers `{ op: 'run' }` with the summary (see `credentials-child.mjs` for the message shapes) and reports
 * `{ type: 'progress', counts }` as it goes.
 *
 * Environment: REDIS_URL, WXOPEN_TEST_KEY_PREFIX, WXOPEN_TEST_API_BASE, WXOPEN_TEST_APP_ID, WXOPEN_TEST_APP_SECRET,
 * WXOPEN_TEST_TOKEN, WXOPEN_TEST_AES_KEY, WXOPEN_TEST_TEMPLATE_ID, WXOPEN_TEST_TARGETS (comma-separated appids),
 * WXOPEN_TEST_LEASE_MS.
 */
import { createServer } from 'node:http';
import { ComponentCredentials, MessageCipher, ReleaseRunner, parseXml, sign } from '@wxopen/core';
import { childStore, serveParent } from './child-kit.mjs';

const env = process.env;
const store = childStore(env, { log: false });
const credentials = new ComponentCredentials({
  appId: env.WXOPEN_TEST_APP_ID,
  appSecret: env.WXOPEN_TEST_APP_SECRET,
  store,
  apiBase: env.WXOPEN_TEST_API_BASE,
  busyRetries: 0,
  lockTtlMs: 2_000,
  lockWaitMs: 20_000,
});
const runner = new ReleaseRunner({
  componentAppId: env.WXOPEN_TEST_APP_ID,
  store,
  clientFor: (appId) => credentials.authorizerClient(appId),
  componentClient: credentials.client(),
  concurrency: 20,
  backoffMs: 20,
  maxBackoffMs: 200,
  maxAttempts: 20,
  pollIntervalMs: 300,
  recheckMs: 50,
  leaseMs: Number(env.WXOPEN_TEST_LEASE_MS ?? 2_000),
  onEvent: (event) => {
    if (event.type === 'progress') process.send({ type: 'progress', counts: event.counts });
  },
});

const job = {
  id: 'mp-release-7.0.0',
  templateId: Number(env.WXOPEN_TEST_TEMPLATE_ID),
  userVersion: '7.0.0',
  userDesc: 'several-process release',
  extJson: (appId) => JSON.stringify({ extAppid: appId }),
  targets: (env.WXOPEN_TEST_TARGETS ?? '').split(','),
};

// The platform's message URL: /wechat/callback/<appid>, encrypted pushes only.
const cipher = new MessageCipher(env.WXOPEN_TEST_AES_KEY, env.WXOPEN_TEST_APP_ID);
const server = createServer((request, response) => {
  const chunks = [];
  request.on('data', (chunk) => chunks.push(chunk));
  request.on('end', () => {
    const url = new URL(request.url ?? '/', 'http://platform');
    const query = Object.fromEntries(url.searchParams);
    const encrypt = String(parseXml(Buffer.concat(chunks).toString('utf8')).Encrypt);
    if (sign([env.WXOPEN_TEST_TOKEN, query.timestamp ?? '', query.nonce ?? '', encrypt]) !== query.msg_signature) {
      response.statusCode = 401;
      response.end();
      return;
    }
    const event = parseXml(cipher.decrypt(encrypt).message.toString('utf8'));
    runner.handleAuditEvent(url.pathname.split('/').pop() ?? '', event).then(
      () => response.end('success'),
      () => {
        response.statusCode = 500;
        response.end();
      },
    );
  });
});

const ops = {
  run: async () => {
    const summary = await runner.run(job);
    return { ...summary, accounts: summary.accounts.map(({ appId, state, errcode }) => ({ appId, state, errcode })) };
  },
};

serveParent(ops, () => {
  server.close();
  return store.close();
});

await store.client.ping();
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
process.send({ type: 'ready', port: server.address().port });
