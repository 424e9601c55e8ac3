// Nest's decorators read and write metadata through this polyfill: load it before any decorated class.
import 'reflect-metadata';
import { Module } from '@nestjs/common';
import type { DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { AuthServer } from '@wxopen/core';
import type { WxOpenMetrics } from '@wxopen/example-shared';
import { ObservabilityModule } from './observability.module';
import { OnBehalfModule } from './on-behalf.module';
import { WxopenModule } from './wxopen.module';

export interface AppOptions {
  /** Served at `GET /metrics` when given. */
  readonly metrics?: WxOpenMetrics;
}

/**
 * The application's root module: wxopen, the on-behalf routes, its probes (`/healthz`, `/metrics`), and the
 * modules and controllers of your own.
 */
@Module({})
export class AppModule {
  static forRoot(platform: AuthServer, options: AppOptions = {}): DynamicModule {
    return { module: AppModule, imports: [WxopenModule.forRoot(platform), OnBehalfModule.forRoot(), ObservabilityModule.forRoot(options.metrics)] };
  }
}

/**
 * The NestJS app of a third-party platform, initialised (routes and middleware in place) but not listening.
 *
 * It is created with `bodyParser: false`. By default Nest mounts `express.json()` and `express.urlencoded()` for
 * the whole app, ahead of every module's middleware, and Nest has no way to exclude a route from them: a push
 * sent with a JSON or form content type would reach wxopen already parsed, and be refused, its signature
 * covering the raw bytes. Give your own controllers their parsers in their module instead, where they run for
 * those routes only: `consumer.apply(json()).forRoutes(YourController)` (`json` from `express`).
 */
export async function buildApp(platform: AuthServer, options: AppOptions = {}): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(platform, options), { bodyParser: false, logger: ['error', 'warn'] });
  return app.init();
}
