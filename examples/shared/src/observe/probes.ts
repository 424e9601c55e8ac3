/**
 * `GET /healthz` and `GET /metrics`, framework-free: each example's app writes these responses its own way.
 */
import type { AuthServer } from '@wxopen/core';
import type { Registry } from 'prom-client';

/** A response for a framework to write as it is. */
export interface ProbeResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/**
 * `platform.health()` as JSON: 200 for `ok` and `degraded`, 503 for `down`.
 *
 * `degraded` is 200 on purpose. It means callbacks work but the credential chain needs a person (no verify
 * ticket for 20 minutes, a failed token fetch, an authorization code stuck): restarting or unrouting the
 * process cures none of these, and since every process shares the credentials they are all degraded at once,
 * so a probe failing on `degraded` would take the whole platform off the load balancer, and with it the URL
 * WeChat pushes the next verify ticket to. `down` (the store does not answer) is 503: such a process answers
 * every push 503 anyway, and another one may still reach the store.
 */
export async function healthResponse(platform: AuthServer): Promise<ProbeResponse> {
  const report = await platform.health();
  return {
    status: report.status === 'down' ? 503 : 200,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
    body: JSON.stringify(report),
  };
}

/** The registry's metrics in the Prometheus text format, with the registry's content type. */
export async function metricsResponse(registry: Registry): Promise<ProbeResponse> {
  return {
    status: 200,
    headers: { 'content-type': registry.contentType, 'cache-control': 'no-store' },
    body: await registry.metrics(),
  };
}
