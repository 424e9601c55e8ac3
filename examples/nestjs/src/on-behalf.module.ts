import { Controller, Get, Inject, Module, Param, Query, Res } from '@nestjs/common';
import type { DynamicModule } from '@nestjs/common';
import type { Response } from 'express';
import { AuthServer } from '@wxopen/core';
import type { OnBehalfRoutes, RouteHandler, RouteRequest } from '@wxopen/example-shared';
import { onBehalfRoutes } from '@wxopen/example-shared';

const ON_BEHALF = Symbol('wxopen on-behalf routes');

async function send(res: Response, handler: RouteHandler, request: RouteRequest): Promise<void> {
  const response = await handler(request);
  res.status(response.status).set(response.headers).send(response.body);
}

/** The on-behalf routes, each answering what the framework-free handler of `@wxopen/example-shared` returns. */
@Controller('wechat')
class OnBehalfController {
  constructor(@Inject(ON_BEHALF) private readonly routes: OnBehalfRoutes) {}

  @Get('oauth/:appid')
  oauthRedirect(@Param() params: RouteRequest['params'], @Query() query: RouteRequest['query'], @Res() res: Response): Promise<void> {
    return send(res, this.routes.oauthRedirect, { params, query });
  }

  @Get('oauth/:appid/callback')
  oauthCallback(@Param() params: RouteRequest['params'], @Query() query: RouteRequest['query'], @Res() res: Response): Promise<void> {
    return send(res, this.routes.oauthCallback, { params, query });
  }

  @Get('jssdk/:appid')
  jssdkConfig(@Param() params: RouteRequest['params'], @Query() query: RouteRequest['query'], @Res() res: Response): Promise<void> {
    return send(res, this.routes.jssdkConfig, { params, query });
  }

  @Get('miniprogram/:appid/login')
  miniProgramLogin(@Param() params: RouteRequest['params'], @Query() query: RouteRequest['query'], @Res() res: Response): Promise<void> {
    return send(res, this.routes.miniProgramLogin, { params, query });
  }
}

/**
 * The on-behalf routes of a NestJS app serving wxopen (OAuth redirect and callback, JS-SDK config, mini-program
 * login): the handlers are built once from the `AuthServer` that `WxopenModule` provides.
 */
@Module({})
export class OnBehalfModule {
  static forRoot(): DynamicModule {
    return {
      module: OnBehalfModule,
      controllers: [OnBehalfController],
      providers: [{ provide: ON_BEHALF, useFactory: (platform: AuthServer) => onBehalfRoutes(platform), inject: [AuthServer] }],
    };
  }
}
