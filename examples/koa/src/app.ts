import Koa from 'koa';
import Router from '@koa/router';
import type { AuthServer } from '@wxopen/core';
import { koaAuthCallback, koaMessageCallback } from '@wxopen/koa';

/** The Koa app of a third-party platform: both WeChat callback URLs, mounted before any body parser. */
export function buildApp(platform: AuthServer): Koa {
  const app = new Koa();
  const router = new Router();
  router.all('/wechat/auth', koaAuthCallback(platform));
  router.all('/wechat/callback/:appid', koaMessageCallback(platform));
  app.use(router.routes());
  // Routes of your own (and their body parser, e.g. @koa/bodyparser) go after wxopen's.
  return app;
}
