import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import type { AuthServer } from '@wxopen/core';
import { wxopen } from '@wxopen/fastify';
import type { ServerLimits } from '@wxopen/example-shared';
import { DEFAULT_SERVER_LIMITS, connectionsCheckingIntervalMs } from '@wxopen/example-shared';

/**
 * The Fastify app of a third-party platform: `/wechat/auth` and `/wechat/callback/:appid`. The plugin
 * keeps its raw-body parsing in its own scope, so routes of your own still get Fastify's JSON parser.
 *
 * Fastify sets no request timeout and no idle timeout of its own (a trickling body would be read forever), so
 * the server's time limits are passed to it here.
 */
export async function buildApp(platform: AuthServer, limits: ServerLimits = DEFAULT_SERVER_LIMITS): Promise<FastifyInstance> {
  const app = Fastify({
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    connectionTimeout: limits.idleTimeoutMs,
    http: { headersTimeout: limits.headersTimeoutMs, connectionsCheckingInterval: connectionsCheckingIntervalMs(limits) },
  });
  await app.register(wxopen, { platform, prefix: '/wechat' });
  return app;
}
