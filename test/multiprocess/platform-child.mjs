/* global URL */
/**
 * A child process of the acknowledgement tests: a whole platform — an `AuthServer` of the BUILT `@wxopen/core`
 * with its credential chain, on a `RedisStore` of the BUILT `@wxopen/redis` — served by `node:http` at
 * `/wechat/auth` and `/wechat/callback/:appid`. Its text handler counts each run (`{ type: 'ran', content }`) and
 * answers `echo: <Content>`; a text `hang` never finishes (the process is killed meanwhile).
 * Sends `{ type: 'ready', port }`; answers `{ id, op: 'runs' }` with the contents its handler ran for, and
 * `{ id, op: 'pending' }` with the waiting authorization codes.
 *
 * Environment: REDIS_URL or REDIS_CLUSTER_NODES, WXOPEN_TEST_KEY_PREFIX, WXOPEN_TEST_API_BASE, WXOPEN_TEST_APP_ID, WXOPEN_TEST_APP_SECRET,
 * WXOPEN_TEST_TOKEN, WXOPEN_TEST_AES_KEY, WXOPEN_TEST_LEASE_MS, WXOPEN_TEST_STORE_TIMEOUT_MS.
 */
import http from 'node:http';
import { AuthServer } from '@wxopen/core';
import { childStore, serveParent } from './child-kit.mjs';

const env = process.env;
const store = childStore(env, { log: false });
const platform = new AuthServer({
  appId: env.WXOPEN_TEST_APP_ID,
  token: env.WXOPEN_TEST_TOKEN,
  encodingAESKey: env.WXOPEN_TEST_AES_KEY,
  store,
  leaseMs: Number(env.WXOPEN_TEST_LEASE_MS ?? 3000),
  storeTimeoutMs: Number(env.WXOPEN_TEST_STORE_TIMEOUT_MS ?? 1500),
  credentials: {
    appSecret: env.WXOPEN_TEST_APP_SECRET,
    api: { apiBase: env.WXOPEN_TEST_API_BASE },
    outboxScanMs: 50,
    outboxRetry: { firstMs: 50, maxMs: 200 },
    onLockWait: () => undefined,
    // A process killed while it holds a refresh lock blocks the others until the lock's TTL runs out.
    lockTtlMs: Number(env.WXOPEN_TEST_LOCK_TTL_MS ?? 30_000),
  },
  onError: (error) => process.send?.({ type: 'error', code: error.code, detail: error.detail ?? '' }),
});

const ran = [];
platform.messages.on('text', async (message) => {
  process.send?.({ type: 'started', content: message.Content });
  if (message.Content === 'hang') await new Promise(() => undefined);
  ran.push(message.Content);
  return `echo: ${message.Content}`;
});
platform.onInfo('authorized', (info) => process.send?.({ type: 'authorized', appId: info.AuthorizerAppid }));

const server = http.createServer((request, response) => {
  const url = new URL(request.url ?? '/', 'http://localhost');
  const match = /^\/wechat\/callback\/([^/]+)$/.exec(url.pathname);
  const endpoint = url.pathname === '/wechat/auth' ? 'auth' : match ? 'message' : undefined;
  if (endpoint === undefined) {
    response.writeHead(404).end();
    return;
  }
  const callbackRequest = {
    method: request.method ?? 'GET',
    query: Object.fromEntries(url.searchParams),
    headers: request.headers,
    body: request,
    authorizerAppId: match ? decodeURIComponent(match[1]) : undefined,
  };
  const handled = endpoint === 'auth' ? platform.handleAuthEvent(callbackRequest) : platform.handleMessage(callbackRequest);
  handled.then(
    (answer) => {
      response.writeHead(answer.status, answer.headers).end(answer.body);
      process.send?.({ type: 'answered', endpoint, status: answer.status });
    },
    () => response.writeHead(500).end('error'),
  );
});

const ops = {
  runs: () => ran,
  pending: () => platform.pendingAuthorizations(),
};

serveParent(ops, () => {
  server.close();
  return platform.close().then(() => store.close());
});

server.listen(0, '127.0.0.1', () => process.send?.({ type: 'ready', port: server.address().port }));
