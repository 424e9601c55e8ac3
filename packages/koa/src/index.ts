/**
 * Koa middleware for wxopen (Koa 3, and Koa 2). It only translates: the core verifies, decrypts,
 * dispatches and chooses every status code; errors the core throws (a body already parsed by a body
 * parser) are thrown on to Koa. A response that can no longer be written (another middleware answered
 * first, the client left) is dropped and reported to the error hook.
 */
import type { DefaultContext, DefaultState, Middleware, Next, ParameterizedContext } from 'koa';
import type { AuthServer } from '@wxopen/core';
import type { ErrorContext } from '@wxopen/core/adapter';
import { deliver, matchRoute, normalizePrefix, pickBody, queryOf, requirePlatform } from '@wxopen/core/adapter';

export interface WxOpenRouterOptions {
  /** The path both URLs are served under, e.g. `/wechat`. Default: none. */
  readonly prefix?: string;
}

/** What body parsers (`@koa/bodyparser`, `koa-body`) and `@koa/router` leave on the context, read structurally. */
interface ParsedParts {
  readonly request: { readonly body?: unknown };
  readonly params?: Readonly<Record<string, string | undefined>>;
}

async function serve<StateT, ContextT>(platform: AuthServer, context: ErrorContext, ctx: ParameterizedContext<StateT, ContextT>): Promise<void> {
  const request = {
    method: ctx.method,
    query: queryOf(ctx.req.url), // not ctx.query: koa-qs would merge a bracket name (timestamp[b]) into the signed one
    headers: ctx.headers,
    body: pickBody(ctx.req, (ctx as unknown as ParsedParts).request.body),
    authorizerAppId: context.authorizerAppId,
  };
  const response = await (context.endpoint === 'auth' ? platform.handleAuthEvent(request) : platform.handleMessage(request));
  deliver(platform, context, ctx.req, ctx.res, () => {
    ctx.status = response.status;
    // Straight onto Node's response, where Koa keeps its headers too: `ctx.set(object)` builds two arrays per call.
    const headers = response.headers;
    for (const name in headers) ctx.res.setHeader(name, headers[name] as string);
    ctx.body = response.body;
  });
}

/**
 * Serves the authorization-event URL (授权事件接收 URL), e.g. `router.all('/wechat/auth', authCallback(platform))`.
 * Mount it before any body parser, or exclude its route from them: signatures are checked on the raw bytes.
 */
export function authCallback<StateT = DefaultState, ContextT = DefaultContext>(platform: AuthServer): Middleware<StateT, ContextT> {
  requirePlatform(platform, 'authCallback');
  return (ctx) => serve(platform, { endpoint: 'auth' }, ctx);
}

/**
 * Serves the message-and-event URL of every authorizer (消息与事件接收 URL, configured as `…/$APPID$`), e.g.
 * `router.all('/wechat/callback/:appid', messageCallback(platform))`. The authorizer appid is the
 * `:appid` route param (`ctx.params.appid`, as set by `@koa/router`).
 */
export function messageCallback<StateT = DefaultState, ContextT = DefaultContext>(platform: AuthServer): Middleware<StateT, ContextT> {
  requirePlatform(platform, 'messageCallback');
  return (ctx) => serve(platform, { endpoint: 'message', authorizerAppId: (ctx as unknown as ParsedParts).params?.['appid'] }, ctx);
}

/**
 * Both callback URLs in one middleware, with or without `@koa/router`: `app.use(wxopenRouter(platform, { prefix: '/wechat' }))`
 * serves `/wechat/auth` and `/wechat/callback/:appid` for every method (the core answers 405 to methods other
 * than GET and POST). Anything else goes on to the next middleware.
 */
export function wxopenRouter<StateT = DefaultState, ContextT = DefaultContext>(platform: AuthServer, options: WxOpenRouterOptions = {}): Middleware<StateT, ContextT> {
  requirePlatform(platform, 'wxopenRouter');
  const prefix = normalizePrefix(options.prefix);
  return (ctx, next: Next) => {
    const route = matchRoute(ctx.path, prefix);
    return route === undefined ? next() : serve(platform, route, ctx);
  };
}

/** @deprecated Renamed `authCallback`, the name every wxopen adapter uses. */
export const koaAuthCallback = authCallback;

/** @deprecated Renamed `messageCallback`, the name every wxopen adapter uses. */
export const koaMessageCallback = messageCallback;
