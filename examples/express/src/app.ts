import express from 'express';
import type { Express, Response } from 'express';
import type { AuthServer } from '@wxopen/core';
import { authCallback, messageCallback } from '@wxopen/express';
import type { ProbeResponse, WxOpenMetrics } from '@wxopen/example-shared';
import { healthResponse, metricsResponse } from '@wxopen/example-shared';

export interface AppOptions {
  /** Served at `GET /metrics` when given. */
  readonly metrics?: WxOpenMetrics;
}

function send(res: Response, probe: ProbeResponse): void {
  res.status(probe.status).set(probe.headers).send(probe.body);
}

/**
 * The Express app of a third-party platform: both WeChat callback URLs, mounted before any body parser, and
 * `GET /healthz` (`platform.health()`) and `GET /metrics` for an orchestrator and Prometheus.
 */
export function buildApp(platform: AuthServer, options: AppOptions = {}): Express {
  const app = express();
  app.all('/wechat/auth', authCallback(platform));
  app.all('/wechat/callback/:appid', messageCallback(platform));
  app.get('/healthz', async (_req, res) => send(res, await healthResponse(platform)));
  const { metrics } = options;
  if (metrics) app.get('/metrics', async (_req, res) => send(res, await metricsResponse(metrics.registry)));
  // Routes of your own (and their body parsers, e.g. app.use(express.json())) go after wxopen's.
  return app;
}
