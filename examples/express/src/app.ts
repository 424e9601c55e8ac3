import express from 'express';
import type { Express, RequestHandler, Response } from 'express';
import type { AuthServer } from '@wxopen/core';
import { authCallback, messageCallback } from '@wxopen/express';
import type { ProbeResponse, RouteHandler, WxOpenMetrics } from '@wxopen/example-shared';
import { healthResponse, metricsResponse, onBehalfRouteTable, onBehalfRoutes } from '@wxopen/example-shared';

export interface AppOptions {
  /** Served at `GET /metrics` when given. */
  readonly metrics?: WxOpenMetrics;
}

function send(res: Response, probe: ProbeResponse): void {
  res.status(probe.status).set(probe.headers).send(probe.body);
}

function mount(handler: RouteHandler): RequestHandler {
  return async (req, res) => send(res, await handler({ params: req.params, query: req.query }));
}

/**
 * The Express app of a third-party platform: both WeChat callback URLs, mounted before any body parser, and
 * the on-behalf routes (OAuth redirect and callback, JS-SDK config, mini-program login), and `GET /healthz`
 * (`platform.health()`) and `GET /metrics` for an orchestrator and Prometheus.
 */
export function buildApp(platform: AuthServer, options: AppOptions = {}): Express {
  const app = express();
  app.all('/wechat/auth', authCallback(platform));
  app.all('/wechat/callback/:appid', messageCallback(platform));
  for (const [routePath, handler] of onBehalfRouteTable(onBehalfRoutes(platform))) app.get(routePath, mount(handler));
  app.get('/healthz', async (_req, res) => send(res, await healthResponse(platform)));
  const { metrics } = options;
  if (metrics) app.get('/metrics', async (_req, res) => send(res, await metricsResponse(metrics.registry)));
  // Routes of your own (and their body parsers, e.g. app.use(express.json())) go after wxopen's.
  return app;
}
