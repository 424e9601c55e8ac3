import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import type { AuthServer } from '@wxopen/core';
import { wxopen } from '@wxopen/fastify';

/**
 * The Fastify app of a third-party platform: `/wechat/auth` and `/wechat/callback/:appid`. The plugin
 * keeps its raw-body parsing in its own scope, so routes of your own still get Fastify's JSON parser.
 */
export async function buildApp(platform: AuthServer): Promise<FastifyInstance> {
  const app = Fastify();
  await app.register(wxopen, { platform, prefix: '/wechat' });
  return app;
}
