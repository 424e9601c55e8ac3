import { Controller, Get, Inject, Module, Res } from '@nestjs/common';
import type { DynamicModule } from '@nestjs/common';
import type { Response } from 'express';
import { AuthServer } from '@wxopen/core';
import type { ProbeResponse, WxOpenMetrics } from '@wxopen/example-shared';
import { healthResponse, metricsResponse } from '@wxopen/example-shared';

const METRICS = Symbol('wxopen metrics');

function send(res: Response, probe: ProbeResponse): void {
  res.status(probe.status).set(probe.headers).send(probe.body);
}

/** `GET /healthz`: `platform.health()` as JSON, 503 when the store does not answer. */
@Controller()
class HealthController {
  constructor(@Inject(AuthServer) private readonly platform: AuthServer) {}

  @Get('healthz')
  async health(@Res() res: Response): Promise<void> {
    send(res, await healthResponse(this.platform));
  }
}

/** `GET /metrics`: the Prometheus metrics fed by wxopen's diagnostics channels. */
@Controller()
class MetricsController {
  constructor(@Inject(METRICS) private readonly wxopenMetrics: WxOpenMetrics) {}

  @Get('metrics')
  async metrics(@Res() res: Response): Promise<void> {
    send(res, await metricsResponse(this.wxopenMetrics.registry));
  }
}

/**
 * The probes of a NestJS app serving wxopen: `GET /healthz` always (it needs the `AuthServer` that
 * `WxopenModule` provides), `GET /metrics` when given the metrics.
 */
@Module({})
export class ObservabilityModule {
  static forRoot(metrics?: WxOpenMetrics): DynamicModule {
    if (metrics === undefined) return { module: ObservabilityModule, controllers: [HealthController] };
    return { module: ObservabilityModule, controllers: [HealthController, MetricsController], providers: [{ provide: METRICS, useValue: metrics }] };
  }
}
