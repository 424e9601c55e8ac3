import Fastify from 'fastify';
import type { FastifyInstance, FastifyReply, RouteHandlerMethod } from 'fastify';
import type { AuthServer } from '@wxopen/core';
import { wxopen } from '@wxopen/fastify';
import type { ProbeResponse, RouteHandler, ServerLimits, WxOpenMetrics } from '@wxopen/example-shared';
import { DEFAULT_SERVER_LIMITS, connectionsCheckingIntervalMs, healthResponse, metricsResponse, onBehalfRouteTable, onBehalfRoutes } from '@wxopen/example-shared';

export interface AppOptions {
  /** Served at `GET /metrics` when given. */
  readonly metrics?: WxOpenMetrics;
}

function send(reply: FastifyReply, probe: ProbeResponse): FastifyReply {
  return reply.code(probe.status).headers(probe.headers).send(probe.body);
}

function mount(handler: RouteHandler): RouteHandlerMethod {
  return async (request, reply) =>
    send(reply, await handler({ params: request.params as Record<string, unknown>, query: request.query as Record<string, unknown> }));
}

/**
 * The Fastify app of a third-party platform: `/wechat/auth` and `/wechat/callback/:appid`, the on-behalf routes
 * (OAuth redirect and callback, JS-SDK config, mini-program login), and `GET /healthz` (`platform.health()`) and
 * `GET /metrics` for an orchestrator and Prometheus. The plugin keeps its raw body parsing in its own scope, so
 * routes of your own still get Fastify's JSON parser.
 *
 * Fastify sets no request timeout and no idle timeout of its own (a trickling body would be read forever), so
 * the server's time limits are passed to it here.
 */
export async function buildApp(platform: AuthServer, limits: ServerLimits = DEFAULT_SERVER_LIMITS, options: AppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    connectionTimeout: limits.idleTimeoutMs,
    http: { headersTimeout: limits.headersTimeoutMs, connectionsCheckingInterval: connectionsCheckingIntervalMs(limits) },
  });
  await app.register(wxopen, { platform, prefix: '/wechat' });
  for (const [routePath, handler] of onBehalfRouteTable(onBehalfRoutes(platform))) app.get(routePath, mount(handler));
  app.get('/healthz', async (_request, reply) => send(reply, await healthResponse(platform)));
  const { metrics } = options;
  if (metrics) app.get('/metrics', async (_request, reply) => send(reply, await metricsResponse(metrics.registry)));
  return app;
}
