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
import { createRedisStore, parseRedisNodes } from '@wxopen/redis';

const env = process.env;
const delayMs = Number(env.WXOPEN_TEST_HANDLER_DELAY_MS ?? 0);
// A Cluster when REDIS_CLUSTER_NODES lists one, else the standalone Redis of REDIS_URL.
const target = env.REDIS_CLUSTER_NODES ? { cluster: parseRedisNodes(env.REDIS_CLUSTER_NODES) } : (env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const store = createRedisStore(target, { keyPrefix: env.WXOPEN_TEST_KEY_PREFIX });
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

process.on('message', (message) => {
  if (message.op === 'runs') process.send({ type: 'answer', id: message.id, answer: { ok: true, value: ran } });
});

process.on('disconnect', () => {
  server.close();
  void store.close().finally(() => process.exit(0));
  setTimeout(() => process.exit(0), 1000).unref();
});

// Wait for the connection (on a Cluster, for the slot map) before saying ready.
await store.get('ready-probe');
server.listen(0, '127.0.0.1', () => process.send({ type: 'ready', port: server.address().port }));
