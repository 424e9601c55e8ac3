/* global setTimeout, URL */
/**
 * A child process of the dedup test: an `AuthServer` of the BUILT `@wxopen/core` on a `RedisStore` of the BUILT
 * `@wxopen/redis`, served by plain `node:http` at `/wechat/callback/:appid`. Its text handler waits
 * WXOPEN_TEST_HANDLER_DELAY_MS, counts the run and answers `handled by <pid>: <Content>`.
 * Sends `{ type: 'ready', port }`; answers `{ id, op: 'runs' }` with the MsgIds its handler ran for.
 *
 * Environment: REDIS_URL or REDIS_CLUSTER_NODES, WXOPEN_TEST_KEY_PREFIX, WXOPEN_TEST_APP_ID, WXOPEN_TEST_TOKEN,
 * WXOPEN_TEST_AES_KEY, WXOPEN_TEST_HANDLER_DELAY_MS (default 0).
 */
import http from 'node:http';
import { AuthServer } from '@wxopen/core';
import { childStore, serveParent } from './child-kit.mjs';

const env = process.env;
const delayMs = Number(env.WXOPEN_TEST_HANDLER_DELAY_MS ?? 0);
const store = childStore(env);
const platform = new AuthServer({
  appId: env.WXOPEN_TEST_APP_ID,
  token: env.WXOPEN_TEST_TOKEN,
  encodingAESKey: env.WXOPEN_TEST_AES_KEY,
  store,
  onError: (error) => console.error(`[dedup-child ${process.pid}] ${error.code}`),
});

const ran = [];
platform.messages.on('text', async (message) => {
  ran.push(message.MsgId);
  if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
  return `handled by ${process.pid}: ${message.Content}`;
});

const server = http.createServer((request, response) => {
  const url = new URL(request.url ?? '/', 'http://localhost');
  const match = /^\/wechat\/callback\/([^/]+)$/.exec(url.pathname);
  if (!match) {
    response.writeHead(404).end();
    return;
  }
  platform
    .handleMessage({
      method: request.method ?? 'GET',
      query: Object.fromEntries(url.searchParams),
      headers: request.headers,
      body: request,
      authorizerAppId: decodeURIComponent(match[1]),
    })
    .then(
      (answer) => response.writeHead(answer.status, answer.headers).end(answer.body),
      () => response.writeHead(500).end('error'),
    );
});

serveParent({ runs: () => ran }, () => {
  server.close();
  return store.close();
});

// Wait for the connection (on a Cluster, for the slot map) before saying ready.
await store.get('ready-probe');
server.listen(0, '127.0.0.1', () => process.send({ type: 'ready', port: server.address().port }));
