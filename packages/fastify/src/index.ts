/**
 * Fastify plugin and route handlers for wxopen (Fastify 5). They only translate: the core reads the raw
 * body with its own limit, verifies, decrypts, dispatches and chooses every status code; errors the core
 * throws (a body already parsed into an object) go to Fastify's error handler.
 */
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { AuthServer } from '@wxopen/core';
import type { CallbackRequest, CallbackResponse } from '@wxopen/core/adapter';
import { isBodyStream, pickBody } from '@wxopen/core/adapter';

/** A route handler for Fastify's `route`, `post`, `all`, … */
export type WxOpenRouteHandler = (request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply>;

type Endpoint = (request: CallbackRequest) => Promise<CallbackResponse>;

function handler(endpoint: Endpoint, withAppId: boolean): WxOpenRouteHandler {
  return async (request, reply) => {
    const parsed: unknown = request.body;
    // The plugin's parser hands over the payload stream itself (after any preParsing hook); else the raw request.
    const stream = isBodyStream(parsed) ? parsed : request.raw;
    const appid: unknown = withAppId ? (request.params as Record<string, unknown> | undefined)?.['appid'] : undefined;
    const response = await endpoint({
      method: request.method,
      query: request.query as Record<string, unknown>,
      headers: request.headers,
      body: pickBody(stream, parsed),
      authorizerAppId: typeof appid === 'string' ? appid : undefined,
    });
    return reply.code(response.status).headers(response.headers).send(response.body);
  };
}

/**
 * A bare handler for the authorization-event URL (授权事件接收 URL), for routes you add yourself:
 * `app.all('/wechat/auth', fastifyAuthHandler(platform))`. It needs the raw body: a content-type parser
 * that keeps the payload stream (`done(null, payload)`) or gives a string/Buffer (`parseAs: 'buffer'`).
 * Fastify's JSON parser would turn the body into an object, which is refused with a `TypeError`.
 */
export function fastifyAuthHandler(platform: AuthServer): WxOpenRouteHandler {
  return handler((request) => platform.handleAuthEvent(request), false);
}

/**
 * A bare handler for the message-and-event URL of every authorizer (消息与事件接收 URL, `…/$APPID$`):
 * `app.all('/wechat/callback/:appid', fastifyMessageHandler(platform))`. The authorizer appid is the
 * `:appid` param. Needs the raw body, as `fastifyAuthHandler` does.
 */
export function fastifyMessageHandler(platform: AuthServer): WxOpenRouteHandler {
  return handler((request) => platform.handleMessage(request), true);
}

export interface WxOpenPluginOptions {
  /** The platform whose callbacks are served. Other options (body limit, clock skew, …) are `AuthServer` options. */
  readonly platform: AuthServer;
}

/**
 * The wxopen plugin: `await app.register(wxopen, { platform, prefix: '/wechat' })` serves
 * `{prefix}/auth` and `{prefix}/callback/:appid` (GET and POST; any other method gets the core's 405).
 *
 * The plugin is encapsulated on purpose: inside its own scope it replaces every content-type parser with
 * one that passes the raw payload stream through untouched, so the core reads it with its own body limit.
 * Routes outside the plugin keep Fastify's parsers (JSON stays JSON).
 */
export const wxopen: FastifyPluginAsync<WxOpenPluginOptions> = async (app: FastifyInstance, options) => {
  const platform = options?.platform;
  if (typeof platform?.handleMessage !== 'function') {
    throw new TypeError('wxopen: register the plugin with { platform }, an AuthServer: app.register(wxopen, { platform, prefix: "/wechat" })');
  }
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, payload, done) => done(null, payload));
  app.all('/auth', fastifyAuthHandler(platform));
  app.all('/callback/:appid', fastifyMessageHandler(platform));
};
