/**
 * Koa middleware for wxopen (Koa 3, and Koa 2). It only translates: the core verifies, decrypts,
 * dispatches and chooses every status code; errors the core throws (a body already parsed by a body
 * parser) are thrown on to Koa.
 */
import type { DefaultContext, DefaultState, Middleware, ParameterizedContext } from 'koa';
import type { AuthServer } from '@wxopen/core';
import type { CallbackRequest, CallbackResponse } from '@wxopen/core/adapter';
import { pickBody } from '@wxopen/core/adapter';

type Endpoint = (request: CallbackRequest) => Promise<CallbackResponse>;

/** What body parsers (`@koa/bodyparser`, `koa-body`) and `@koa/router` leave on the context, read structurally. */
interface ParsedParts {
  readonly request: { readonly body?: unknown };
  readonly params?: Readonly<Record<string, string | undefined>>;
}

function middleware<StateT, ContextT>(endpoint: Endpoint, withAppId: boolean): Middleware<StateT, ContextT> {
  return async (ctx: ParameterizedContext<StateT, ContextT>) => {
    const parts = ctx as unknown as ParsedParts;
    const response = await endpoint({
      method: ctx.method,
      query: ctx.query,
      headers: ctx.headers,
      body: pickBody(ctx.req, parts.request.body),
      authorizerAppId: withAppId ? parts.params?.['appid'] : undefined,
    });
    ctx.status = response.status;
    ctx.set(response.headers);
    ctx.body = response.body;
  };
}

/**
 * Serves the authorization-event URL (授权事件接收 URL), e.g. `router.all('/wechat/auth', koaAuthCallback(platform))`.
 * Mount it before any body parser, or exclude its route from them: signatures are checked on the raw bytes.
 */
export function koaAuthCallback<StateT = DefaultState, ContextT = DefaultContext>(platform: AuthServer): Middleware<StateT, ContextT> {
  return middleware((request) => platform.handleAuthEvent(request), false);
}

/**
 * Serves the message-and-event URL of every authorizer (消息与事件接收 URL, configured as `…/$APPID$`), e.g.
 * `router.all('/wechat/callback/:appid', koaMessageCallback(platform))`. The authorizer appid is the
 * `:appid` route param (`ctx.params.appid`, as set by `@koa/router`).
 */
export function koaMessageCallback<StateT = DefaultState, ContextT = DefaultContext>(platform: AuthServer): Middleware<StateT, ContextT> {
  return middleware((request) => platform.handleMessage(request), true);
}
