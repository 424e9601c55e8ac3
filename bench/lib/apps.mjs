// The servers under test: for each framework, the wxopen adapter or the naive handler of ./naive.mjs, both
// on the route WeChat is configured with, `/wechat/callback/:appid`.
import http from 'node:http';
import { Buffer } from 'node:buffer';
import express from 'express';
import Koa from 'koa';
import Router from '@koa/router';
import Fastify from 'fastify';
import { AuthServer, MemoryStore } from '@wxopen/core';
import { messageCallback } from '@wxopen/express';
import { koaMessageCallback } from '@wxopen/koa';
import { wxopen } from '@wxopen/fastify';
import { naiveHandler } from './naive.mjs';

export const FRAMEWORKS = ['express', 'koa', 'fastify'];
export const PATH = '/wechat/callback/wx000000000000be0c';
const XML = 'application/xml; charset=utf-8';

/** Reads a request stream into a string, as a hand-written handler would. */
function readRaw(stream) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    stream.on('data', (chunk) => chunks.push(chunk));
    stream.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    stream.on('error', reject);
  });
}

/**
 * The wxopen platform used by every benchmark: one text handler answering `echo: <Content>`, with the
 * library's defaults unless `dedupTtlMs`, `replyDeadlineMs` or `sweepIntervalMs` (a `MemoryStore` option)
 * are given. `stats.errors` counts what reached the error hook (it should stay 0).
 */
export function benchPlatform(secrets, { dedupTtlMs, replyDeadlineMs, sweepIntervalMs } = {}) {
  const stats = { errors: 0, lastError: undefined };
  const platform = new AuthServer({
    ...secrets,
    ...(dedupTtlMs === undefined ? {} : { dedupTtlMs }),
    ...(replyDeadlineMs === undefined ? {} : { replyDeadlineMs }),
    ...(sweepIntervalMs === undefined ? {} : { store: new MemoryStore({ sweepIntervalMs }) }),
    onError: (error) => {
      stats.errors++;
      stats.lastError = `${error.code}: ${error.detail ?? ''}`;
    },
  });
  platform.messages.on('text', (message) => `echo: ${message.Content}`);
  return { platform, stats };
}

const builders = {
  express: {
    wxopen(platform) {
      const app = express();
      app.all('/wechat/callback/:appid', messageCallback(platform));
      return http.createServer(app);
    },
    naive(handle) {
      const app = express();
      app.post('/wechat/callback/:appid', async (req, res) => {
        const { status, body } = handle(req.query, await readRaw(req));
        res.status(status).set('content-type', XML).send(body);
      });
      return http.createServer(app);
    },
  },
  koa: {
    wxopen(platform) {
      const app = new Koa();
      const router = new Router();
      router.all('/wechat/callback/:appid', koaMessageCallback(platform));
      app.use(router.routes());
      return http.createServer(app.callback());
    },
    naive(handle) {
      const app = new Koa();
      const router = new Router();
      router.post('/wechat/callback/:appid', async (ctx) => {
        const { status, body } = handle(ctx.query, await readRaw(ctx.req));
        ctx.status = status;
        ctx.type = XML;
        ctx.body = body;
      });
      app.use(router.routes());
      return http.createServer(app.callback());
    },
  },
  fastify: {
    async wxopen(platform) {
      const app = Fastify();
      await app.register(wxopen, { platform, prefix: '/wechat' });
      await app.ready();
      return app.server;
    },
    async naive(handle) {
      const app = Fastify();
      await app.register(
        async (scope) => {
          scope.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body));
          scope.post('/callback/:appid', async (request, reply) => {
            const { status, body } = handle(request.query, request.body);
            return reply.code(status).header('content-type', XML).send(body);
          });
        },
        { prefix: '/wechat' },
      );
      await app.ready();
      return app.server;
    },
  },
};

/**
 * Builds an unstarted `http.Server` for `framework` ('express' | 'koa' | 'fastify') and `variant`
 * ('wxopen' | 'naive'). Returns `{ server, stats }`; `stats.errors` counts wxopen error-hook calls.
 */
export async function buildServer(framework, variant, secrets, options = {}) {
  const builder = builders[framework];
  if (builder === undefined) throw new TypeError(`unknown framework '${framework}' (use ${FRAMEWORKS.join(', ')})`);
  if (variant === 'naive') return { server: await builder.naive(naiveHandler(secrets)), stats: { errors: 0 } };
  if (variant !== 'wxopen') throw new TypeError(`unknown variant '${variant}' (use wxopen or naive)`);
  const { platform, stats } = benchPlatform(secrets, options);
  return { server: await builder.wxopen(platform), stats };
}
