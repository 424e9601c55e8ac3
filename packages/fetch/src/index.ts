/**
 * Fetch-standard handlers for wxopen: each is `(request: Request) => Promise<Response>`, for every server that
 * speaks Web `Request` → `Response` (Hono, Next.js route handlers, Bun.serve, Deno.serve, workers). They only
 * translate: the core reads the body stream with its own limit, verifies, decrypts, dispatches and chooses every
 * status code. The runtime writes the `Response`; a handler rejects only for a mounting mistake (a body that
 * was already read), which goes to the framework's error handler.
 */
import type { AuthServer } from '@wxopen/core';
import type { CallbackResponse, ErrorContext } from '@wxopen/core/adapter';
import { toCallbackRequest } from './request';
import { matchRoute, normalizePrefix, requirePlatform } from '@wxopen/core/adapter';

/** A Fetch-standard handler. */
export type FetchHandler = (request: Request) => Promise<Response>;

export interface MessageCallbackOptions {
  /**
   * Where the authorizer appid comes from. Default: the last segment of the URL path, decoded (the URL is
   * configured in WeChat as `…/callback/$APPID$`).
   */
  readonly authorizerAppId?: (request: Request) => string | undefined;
}

export interface WxOpenRouterOptions {
  /** The path both URLs are served under, e.g. `/wechat`. Default: none. */
  readonly prefix?: string;
  /** Answers every other path. Default: an empty 404, as a router answers a path it does not know. */
  readonly fallback?: (request: Request) => Response | Promise<Response>;
}

function toResponse(response: CallbackResponse): Response {
  return new Response(response.body, { status: response.status, headers: response.headers });
}

async function serve(platform: AuthServer, context: ErrorContext, request: Request): Promise<Response> {
  const callback = toCallbackRequest(request, context.authorizerAppId);
  return toResponse(await (context.endpoint === 'auth' ? platform.handleAuthEvent(callback) : platform.handleMessage(callback)));
}

/** The last segment of the URL path, decoded; `undefined` when there is none or it is malformed. */
function lastPathSegment(request: Request): string | undefined {
  const segment = new URL(request.url).pathname.split('/').filter((part) => part !== '').at(-1);
  if (segment === undefined) return undefined;
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

/**
 * Serves the authorization-event URL (授权事件接收 URL), for GET and POST (other methods get the core's 405):
 * Next.js `app/wechat/auth/route.ts`: `export const GET = authCallback(platform); export const POST = GET;`,
 * Hono: `app.all('/wechat/auth', (c) => auth(c.req.raw))`.
 */
export function authCallback(platform: AuthServer): FetchHandler {
  requirePlatform(platform, 'authCallback');
  return (request) => serve(platform, { endpoint: 'auth' }, request);
}

/**
 * Serves the message-and-event URL of every authorizer (消息与事件接收 URL, configured as `…/$APPID$`), e.g.
 * Next.js `app/wechat/callback/[appid]/route.ts`. The authorizer appid is the URL's last path segment, or what
 * `options.authorizerAppId` returns.
 */
export function messageCallback(platform: AuthServer, options: MessageCallbackOptions = {}): FetchHandler {
  requirePlatform(platform, 'messageCallback');
  const appIdOf = options.authorizerAppId ?? lastPathSegment;
  if (typeof appIdOf !== 'function') throw new TypeError('messageCallback: options.authorizerAppId must be a function (request: Request) => string | undefined');
  return (request) => serve(platform, { endpoint: 'message', authorizerAppId: appIdOf(request) }, request);
}

/**
 * Both callback URLs in one handler: `{prefix}/auth` and `{prefix}/callback/:appid`, for every method (the core
 * answers 405 to methods other than GET and POST); every other path goes to `options.fallback`. E.g.
 * `Bun.serve({ fetch: wxopenRouter(platform, { prefix: '/wechat' }) })`, or Hono's `app.mount('/wechat', wxopenRouter(platform))`.
 */
export function wxopenRouter(platform: AuthServer, options: WxOpenRouterOptions = {}): FetchHandler {
  requirePlatform(platform, 'wxopenRouter');
  const prefix = normalizePrefix(options.prefix);
  const fallback = options.fallback ?? (() => new Response(null, { status: 404 }));
  if (typeof fallback !== 'function') throw new TypeError('wxopenRouter: options.fallback must be a function (request: Request) => Response');
  return async (request) => {
    const route = matchRoute(new URL(request.url).pathname, prefix);
    return route === undefined ? fallback(request) : serve(platform, route, request);
  };
}
