import Koa from 'koa';
import type { Context } from 'koa';
import Router from '@koa/router';
import type { RouterMiddleware } from '@koa/router';
import type { AuthServer } from '@wxopen/core';
import { koaAuthCallback, koaMessageCallback } from '@wxopen/koa';
import type { ProbeResponse, RouteHandler, WxOpenMetrics } from '@wxopen/example-shared';
import { healthResponse, metricsResponse, onBehalfRouteTable, onBehalfRoutes } from '@wxopen/example-shared';

export interface AppOptions {
  /** Served at `GET /metrics` when given. */
  readonly metrics?: WxOpenMetrics;
}

function send(ctx: Context, probe: ProbeResponse): void {
  ctx.status = probe.status;
  ctx.set(probe.headers);
  ctx.body = probe.body;
}

function mount(handler: RouteHandler): RouterMiddleware {
  return async (ctx) => send(ctx, await handler({ params: ctx.params, query: ctx.query }));
}

/**
 * The Koa app of a third-party platform: both WeChat callback URLs, mounted before any body parser, and
 * the on-behalf routes (OAuth redirect and callback, JS-SDK config, mini-program login), and `GET /healthz`
 * (`platform.health()`) and `GET /metrics` for an orchestrator and Prometheus.
 */
export function buildApp(platform: AuthServer, options: AppOptions = {}): Koa {
  const app = new Koa();
  const router = new Router();
  router.all('/wechat/auth', koaAuthCallback(platform));
  router.all('/wechat/callback/:appid', koaMessageCallback(platform));
  for (const [routePath, handler] of onBehalfRouteTable(onBehalfRoutes(platform))) router.get(routePath, mount(handler));
  router.get('/healthz', async (ctx) => send(ctx, await healthResponse(platform)));
  const { metrics } = options;
  if (metrics) router.get('/metrics', async (ctx) => send(ctx, await metricsResponse(metrics.registry)));
  app.use(router.routes());
  // Routes of your own (and their body parser, e.g. @koa/bodyparser) go after wxopen's.
  return app;
}
