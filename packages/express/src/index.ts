/**
 * Express middleware for wxopen (Express 5, and Express 4). It only translates: the core verifies,
 * decrypts, dispatches and chooses every status code; errors the core throws (a body already parsed by
 * another middleware) go to Express through `next`. A response that can no longer be written (another
 * middleware answered first, the client left) is dropped and reported to the error hook, never thrown.
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { AuthServer } from '@wxopen/core';
import type { CallbackRequest, CallbackResponse, ErrorContext } from '@wxopen/core/adapter';
import { deliver, matchRoute, normalizePrefix, pickBody, queryOf, requirePlatform, writeNodeResponse } from '@wxopen/core/adapter';

export interface WxOpenRouterOptions {
  /** The path both URLs are served under, relative to where the router is mounted, e.g. `/wechat`. Default: none. */
  readonly prefix?: string;
}

function handle(platform: AuthServer, endpoint: ErrorContext['endpoint'], request: CallbackRequest): Promise<CallbackResponse> {
  return endpoint === 'auth' ? platform.handleAuthEvent(request) : platform.handleMessage(request);
}

function serve(platform: AuthServer, context: ErrorContext, req: Request, res: Response, next: NextFunction): void {
  // Express 4 does not catch rejected promises, so every failure is settled here: the core's through `next`,
  // the response's by `deliver`, and anything left (a throwing `next`) by the error hook.
  Promise.resolve()
    .then(() =>
      handle(platform, context.endpoint, {
        method: req.method,
        query: queryOf(req.url), // not req.query: its parser is a setting (Express 4's default qs mangles a bracket name)
        headers: req.headers,
        body: pickBody(req, (req as { body?: unknown }).body),
        authorizerAppId: context.authorizerAppId,
      }),
    )
    .then((response) => void deliver(platform, context, req, res, () => writeNodeResponse(res, response)), next)
    .catch((error: unknown) => platform.reportError(error, context));
}

function routeAppId(req: Request): string | undefined {
  const appid: unknown = (req.params as Record<string, unknown> | undefined)?.['appid'];
  return typeof appid === 'string' ? appid : undefined;
}

/**
 * Serves the authorization-event URL (授权事件接收 URL): `app.all('/wechat/auth', authCallback(platform))` (`all`, so other methods get the core's 405).
 * Mount it before any body parser, or exclude its route from them: signatures are checked on the raw bytes.
 */
export function authCallback(platform: AuthServer): RequestHandler {
  requirePlatform(platform, 'authCallback');
  return (req, res, next) => serve(platform, { endpoint: 'auth' }, req, res, next);
}

/**
 * Serves the message-and-event URL of every authorizer (消息与事件接收 URL, configured as `…/$APPID$`):
 * `app.all('/wechat/callback/:appid', messageCallback(platform))`. The authorizer appid is the `:appid` param.
 */
export function messageCallback(platform: AuthServer): RequestHandler {
  requirePlatform(platform, 'messageCallback');
  return (req, res, next) => serve(platform, { endpoint: 'message', authorizerAppId: routeAppId(req) }, req, res, next);
}

/**
 * Both callback URLs in one middleware: `app.use('/wechat', wxopenRouter(platform))`, or
 * `app.use(wxopenRouter(platform, { prefix: '/wechat' }))`, serves `/wechat/auth` and `/wechat/callback/:appid`
 * for every method (the core answers 405 to methods other than GET and POST). Anything else is passed on with `next()`.
 */
export function wxopenRouter(platform: AuthServer, options: WxOpenRouterOptions = {}): RequestHandler {
  requirePlatform(platform, 'wxopenRouter');
  const prefix = normalizePrefix(options.prefix);
  return (req, res, next) => {
    const route = matchRoute(req.path, prefix);
    if (route === undefined) return next();
    serve(platform, route, req, res, next);
  };
}
