import http from 'node:http';
import Koa from 'koa';
import Router from '@koa/router';
import { bodyParser } from '@koa/bodyparser';
import { authCallback, messageCallback } from '@wxopen/koa';
import { describeConformance } from '@wxopen/testing/conformance';

describeConformance('koa', (platform, { setup, onFrameworkError }) => {
  const app = new Koa();
  app.silent = true; // aborted clients are expected in the hostile cases; Koa would log them to stderr
  const router = new Router();
  app.use(async (ctx, next) => {
    try {
      await next();
    } catch (error) {
      onFrameworkError(error);
      ctx.status = 500;
      ctx.body = 'framework error';
    }
  });
  if (setup === 'global-parsers') {
    app.use(bodyParser({ enableTypes: ['json', 'form', 'text'] }));
    router.post('/json', (ctx) => {
      ctx.body = ctx.request.body;
    });
  }
  if (setup === 'object-parser') app.use(bodyParser());
  router.all('/wechat/auth', authCallback(platform));
  router.all('/wechat/callback/:appid', messageCallback(platform));
  app.use(router.routes());
  return http.createServer(app.callback());
});
