/**
 * Express middleware for wxopen (Express 5, and Express 4). It only translates: the core verifies,
 * decrypts, dispatches and chooses every status code; errors the core throws (a body already parsed by
 * another middleware) go to Express through `next`.
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { AuthServer } from '@wxopen/core';
import type { CallbackRequest, CallbackResponse } from '@wxopen/core/adapter';
import { pickBody } from '@wxopen/core/adapter';

type Endpoint = (request: CallbackRequest) => Promise<CallbackResponse>;

function toCallbackRequest(req: Request, authorizerAppId: string | undefined): CallbackRequest {
  return {
    method: req.method,
    query: req.query,
    headers: req.headers,
    body: pickBody(req, (req as { body?: unknown }).body),
    authorizerAppId,
  };
}

function send(res: Response, response: CallbackResponse): void {
  res.status(response.status).set(response.headers).send(response.body);
}

function serve(endpoint: Endpoint, req: Request, res: Response, next: NextFunction, appId: string | undefined): void {
  // Express 4 does not catch rejected promises, so every failure is forwarded through `next` explicitly.
  Promise.resolve()
    .then(() => endpoint(toCallbackRequest(req, appId)))
    .then((response) => send(res, response), next);
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
  const endpoint: Endpoint = (request) => platform.handleAuthEvent(request);
  return (req, res, next) => serve(endpoint, req, res, next, undefined);
}

/**
 * Serves the message-and-event URL of every authorizer (消息与事件接收 URL, configured as `…/$APPID$`):
 * `app.all('/wechat/callback/:appid', messageCallback(platform))`. The authorizer appid is the `:appid` param.
 */
export function messageCallback(platform: AuthServer): RequestHandler {
  const endpoint: Endpoint = (request) => platform.handleMessage(request);
  return (req, res, next) => serve(endpoint, req, res, next, routeAppId(req));
}

const CALLBACK_PATH = /^\/callback\/([^/]+)\/?$/;

function decodeSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

/**
 * Both callback URLs in one middleware, for `app.use('/wechat', wxopenRouter(platform))`: `/auth` and
 * `GET|POST /callback/:appid` under the mount path (other methods there get the core's 405). Anything else
 * is passed on with `next()`.
 */
export function wxopenRouter(platform: AuthServer): RequestHandler {
  const auth: Endpoint = (request) => platform.handleAuthEvent(request);
  const message: Endpoint = (request) => platform.handleMessage(request);
  return (req, res, next) => {
    if (req.path === '/auth') return serve(auth, req, res, next, undefined);
    const segment = CALLBACK_PATH.exec(req.path)?.[1];
    const appId = segment === undefined ? undefined : decodeSegment(segment);
    if (appId === undefined) return next();
    serve(message, req, res, next, appId);
  };
}
