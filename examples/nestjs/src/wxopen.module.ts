import { Inject, Module, RequestMethod } from '@nestjs/common';
import type { DynamicModule, MiddlewareConsumer, NestModule } from '@nestjs/common';
import { AuthServer } from '@wxopen/core';
import { authCallback, messageCallback } from '@wxopen/express';

/**
 * wxopen in a NestJS application on `@nestjs/platform-express`. It provides the platform (the `AuthServer`,
 * injectable everywhere by its class, e.g. to call WeChat's API from your own services) and serves WeChat's two
 * callback URLs with wxopen's Express handlers, mounted as middleware for every method:
 *
 * - `/wechat/auth`: the authorization-event URL (授权事件接收 URL);
 * - `/wechat/callback/:appid`: the message-and-event URL of every authorizer (消息与事件接收 URL, `…/$APPID$`).
 *
 * Middleware rather than a controller: the handlers read the raw body themselves (the signature covers the exact
 * bytes) and answer every method (a method other than GET and POST gets the core's 405). The app must not parse
 * these routes' bodies first: see `buildApp`.
 */
@Module({})
export class WxopenModule implements NestModule {
  /** The module for `platform`, which it provides as `AuthServer` to the whole application. */
  static forRoot(platform: AuthServer): DynamicModule {
    return { module: WxopenModule, global: true, providers: [{ provide: AuthServer, useValue: platform }], exports: [AuthServer] };
  }

  constructor(@Inject(AuthServer) private readonly platform: AuthServer) {}

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(authCallback(this.platform)).forRoutes({ path: 'wechat/auth', method: RequestMethod.ALL });
    consumer.apply(messageCallback(this.platform)).forRoutes({ path: 'wechat/callback/:appid', method: RequestMethod.ALL });
  }
}
