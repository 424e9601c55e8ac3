/**
 * Fastify plugin and route handlers for wxopen (Fastify 5). They only translate: the core reads the raw
 * body with its own limit, verifies, decrypts, dispatches and chooses every status code; errors the core
 * throws (a body already parsed into an object) go to Fastify's error handler. A response that can no longer
 * be written (another hook answered first, the client left) is dropped and reported to the error hook.
 */
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import fastifyPlugin from 'fastify-plugin';
import type { AuthServer } from '@wxopen/core';
import type { ErrorContext } from '@wxopen/core/adapter';
import { deliver, isBodyStream, pickBody, requirePlatform } from '@wxopen/core/adapter';

/** A route handler for Fastify's `route`, `post`, `all`, … */
export type WxOpenRouteHandler = (request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply>;

function handler(platform: AuthServer, endpoint: ErrorContext['endpoint'], name: string): WxOpenRouteHandler {
  requirePlatform(platform, name);
  return async (request, reply) => {
    const parsed: unknown = request.body;
    // The plugin's parser hands over the payload stream itself (after any preParsing hook); else the raw request.
    const stream = isBodyStream(parsed) ? parsed : request.raw;
    const appid: unknown = endpoint === 'message' ? (request.params as Record<string, unknown> | undefined)?.['appid'] : undefined;
    const context: ErrorContext = { endpoint, authorizerAppId: typeof appid === 'string' ? appid : undefined };
    const callback = {
      method: request.method,
      // Fastify has parsed it already (its default parser reads names as `queryOf` does; parsing again costs ~1.5 µs).
      // A custom `querystringParser` such as qs would merge `timestamp[b]=1` into `timestamp`: keep the default here.
      query: request.query as Record<string, unknown>,
      headers: request.headers,
      body: pickBody(stream, parsed),
      authorizerAppId: context.authorizerAppId,
    };
    const response = await (endpoint === 'auth' ? platform.handleAuthEvent(callback) : platform.handleMessage(callback));
    const written = deliver(platform, context, request.raw, reply.raw, () => reply.code(response.status).headers(response.headers).send(response.body));
    // A dropped response: tell Fastify the reply is taken care of, so it neither writes nor warns.
    if (!written) reply.hijack();
    return reply;
  };
}

/**
 * A bare handler for the authorization-event URL (授权事件接收 URL), for routes you add yourself:
 * `app.all('/wechat/auth', authCallback(platform))`. It needs the raw body: a content-type parser
 * that keeps the payload stream (`done(null, payload)`) or gives a string/Buffer (`parseAs: 'buffer'`).
 * Fastify's JSON parser would turn the body into an object, which is refused with a `TypeError`.
 */
export function authCallback(platform: AuthServer): WxOpenRouteHandler {
  return handler(platform, 'auth', 'authCallback');
}

/**
 * A bare handler for the message-and-event URL of every authorizer (消息与事件接收 URL, `…/$APPID$`):
 * `app.all('/wechat/callback/:appid', messageCallback(platform))`. The authorizer appid is the
 * `:appid` param. Needs the raw body, as `authCallback` does.
 */
export function messageCallback(platform: AuthServer): WxOpenRouteHandler {
  return handler(platform, 'message', 'messageCallback');
}

export interface WxOpenPluginOptions {
  /** The platform whose callbacks are served. Other options (body limit, clock skew, …) are `AuthServer` options. */
  readonly platform: AuthServer;
}

const routes: FastifyPluginAsync<WxOpenPluginOptions> = async (app: FastifyInstance, options) => {
  const platform = options?.platform;
  if (typeof platform?.handleMessage !== 'function') {
    throw new TypeError('wxopen: register the plugin with { platform }, an AuthServer: app.register(wxopen, { platform, prefix: "/wechat" })');
  }
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, payload, done) => done(null, payload));
  app.all('/auth', authCallback(platform));
  app.all('/callback/:appid', messageCallback(platform));
};

/**
 * The wxopen plugin: `await app.register(wxopen, { platform, prefix: '/wechat' })` serves
 * `{prefix}/auth` and `{prefix}/callback/:appid` (GET and POST; any other method gets the core's 405).
 *
 * It carries `fastify-plugin` metadata (name `@wxopen/fastify`, Fastify 5.x), so `app.hasPlugin` and other
 * plugins' `dependencies` see it, yet stays encapsulated on purpose: inside its own scope it replaces every
 * content-type parser with one that passes the raw payload stream through untouched, so the core reads it
 * with its own body limit. Routes outside the plugin keep Fastify's parsers (JSON stays JSON).
 */
export const wxopen = fastifyPlugin(routes, { name: '@wxopen/fastify', fastify: '5.x', encapsulate: true });

/** The plugin under the name every wxopen adapter uses for "both callback URLs": `app.register(wxopenRouter, { platform, prefix })`. */
export const wxopenRouter = wxopen;

/** @deprecated Renamed `authCallback`, the name every wxopen adapter uses. */
export const fastifyAuthHandler = authCallback;

/** @deprecated Renamed `messageCallback`, the name every wxopen adapter uses. */
export const fastifyMessageHandler = messageCallback;
