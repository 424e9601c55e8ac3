// Rough throughput of the three adapters: N encrypted text pushes (each a distinct MsgId, answered with an
// encrypted reply) over keep-alive HTTP with C requests in flight, client and server in this one process.
// Usage: npx tsc -b && node bench/adapters.mjs [N=5000] [C=32]
import http from 'node:http';
import { AuthServer } from '@wxopen/core';
import { WechatSimulator, textMessage } from '@wxopen/testing';
import express from 'express';
import Koa from 'koa';
import Router from '@koa/router';
import Fastify from 'fastify';
import { authCallback, messageCallback } from '@wxopen/express';
import { koaAuthCallback, koaMessageCallback } from '@wxopen/koa';
import { wxopen } from '@wxopen/fastify';

const N = Number(process.argv[2] ?? 5000);
const C = Number(process.argv[3] ?? 32);
const secrets = WechatSimulator.generateSecrets();
const wechat = new WechatSimulator(secrets);

function platform() {
  const server = new AuthServer({ ...secrets, onError: () => undefined });
  server.messages.on('text', (m) => `echo: ${m.Content}`);
  return server;
}

const targets = {
  'core (no HTTP)': null,
  express: async (p) => {
    const app = express();
    app.post('/wechat/auth', authCallback(p));
    app.all('/wechat/callback/:appid', messageCallback(p));
    return http.createServer(app);
  },
  koa: async (p) => {
    const app = new Koa();
    const router = new Router();
    router.post('/wechat/auth', koaAuthCallback(p));
    router.all('/wechat/callback/:appid', koaMessageCallback(p));
    app.use(router.routes());
    return http.createServer(app.callback());
  },
  fastify: async (p) => {
    const app = Fastify();
    await app.register(wxopen, { platform: p, prefix: '/wechat' });
    await app.ready();
    return app.server;
  },
};

function post(agent, port, push) {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, agent, method: 'POST', path: push.url('/wechat/callback/wx_bench'), headers: { 'content-type': 'text/xml' } },
      (res) => {
        res.resume();
        res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`status ${res.statusCode}`))));
      },
    );
    req.on('error', reject);
    req.end(push.body);
  });
}

async function run(name, makeServer) {
  const pushes = Array.from({ length: N }, (_, i) => wechat.encrypted(textMessage(`bench ${i}`)));
  const p = platform();
  let send;
  let close = async () => undefined;
  if (makeServer === null) {
    send = (push) => p.handleMessage({ method: 'POST', query: push.query, body: push.body, authorizerAppId: 'wx_bench' });
  } else {
    const server = await makeServer(p);
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    const agent = new http.Agent({ keepAlive: true, maxSockets: C });
    const { port } = server.address();
    send = (push) => post(agent, port, push);
    close = () => new Promise((resolve) => { agent.destroy(); server.closeAllConnections(); server.close(resolve); });
  }
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(Array.from({ length: C }, async () => {
    while (next < pushes.length) await send(pushes[next++]);
  }));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await close();
  console.log(`${name.padEnd(16)} ${String(Math.round(N / seconds)).padStart(7)} requests/s  (${N} pushes, ${C} in flight, ${seconds.toFixed(2)} s)`);
}

console.log(`node ${process.version}, encrypted text push -> encrypted reply`);
for (const [name, makeServer] of Object.entries(targets)) await run(name, makeServer);
