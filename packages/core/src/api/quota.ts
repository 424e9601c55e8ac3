/**
 * API call quotas (接口调用次数): read an API's daily quota and reset counters. `clearComponentQuota` (the
 * component's own counters) lives with the component APIs.
 * https://developers.weixin.qq.com/doc/oplatform/openApi/OpenApiDoc/openapi/clearComponentQuotaByAppSecret.html
 */
import type { Client } from './client';
import type { ApiTransport } from './transport';

export const QUOTA_API = Object.freeze({
  clearQuota: '/cgi-bin/clear_quota',
  clearQuotaByAppSecret: '/cgi-bin/component/clear_quota/v2',
  getQuota: '/cgi-bin/openapi/quota/get',
});

/** `openapi/quota/get`. Rate limits appear only for APIs that have them. */
export interface ApiQuotaResponse {
  readonly quota: { readonly daily_limit: number; readonly used: number; readonly remain: number };
  readonly rate_limit?: { readonly call_count: number; readonly refresh_second: number };
  readonly component_rate_limit?: { readonly call_count: number; readonly refresh_second: number };
}

/**
 * `cgi-bin/clear_quota` (authorizer client): resets the authorizer's API counters, 10 times a month
 * (48006 after that).
 */
export async function clearAuthorizerQuota(client: Client, authorizerAppId: string): Promise<void> {
  await client.postJSON(QUOTA_API.clearQuota, { appid: authorizerAppId });
}

/**
 * `cgi-bin/component/clear_quota/v2`: resets the counters of `appid` (the component or an authorizer) with the
 * component AppSecret instead of a token — usable when the token API itself is over quota. Sent without a token.
 */
export async function clearQuotaByAppSecret(
  transport: ApiTransport,
  request: { readonly appid: string; readonly component_appid: string; readonly appsecret: string },
): Promise<void> {
  await transport.request({ method: 'POST', path: QUOTA_API.clearQuotaByAppSecret, body: request });
}

/**
 * `openapi/quota/get`: the daily quota of the API at `cgiPath` (such as `/wxa/commit`), for the account whose
 * token the client carries (76021 unknown path).
 */
export function getApiQuota(client: Client, cgiPath: string): Promise<ApiQuotaResponse> {
  return client.postJSON(QUOTA_API.getQuota, { cgi_path: cgiPath });
}
