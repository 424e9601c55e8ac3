// The Koa child of the crash-safety suite (describeCrashSafety of @wxopen/testing/conformance): wxopen behind a middleware that answers first.
import http from 'node:http';
import Koa from 'koa';
import { wxopenRouter } from '@wxopen/koa';
import { ANSWER_FIRST, serveForCrashTest } from '@wxopen/testing/conformance/crash-child';

await serveForCrashTest((platform) => {
  const app = new Koa();
  app.silent = true; // the client that leaves makes Koa emit a socket error; it is expected here
  app.use((ctx, next) => {
    if (ctx.get(ANSWER_FIRST)) ctx.req.once('end', () => ctx.res.writeHead(503).end('busy'));
    return next();
  });
  app.use(wxopenRouter(platform, { prefix: '/wechat' }));
  return http.createServer(app.callback());
});
