/**
 * Server and web-view domains of an authorized mini program (域名管理), with the authorizer `Client`.
 * `modify_domain` / `setwebviewdomain` accept only domains configured on the third-party platform; the
 * `_directly` variants take any domain; `get_effective_*` shows what applies after the next release.
 * https://developers.weixin.qq.com/doc/oplatform/openApi/OpenApiDoc/miniprogram-management/domain-management/getEffectiveServerDomain.html
 */
import type { Client } from '../client';

export const DOMAIN_API = Object.freeze({
  modifyDomain: '/wxa/modify_domain',
  modifyDomainDirectly: '/wxa/modify_domain_directly',
  getEffectiveDomain: '/wxa/get_effective_domain',
  setWebviewDomain: '/wxa/setwebviewdomain',
  setWebviewDomainDirectly: '/wxa/setwebviewdomain_directly',
  getEffectiveWebviewDomain: '/wxa/get_effective_webviewdomain',
});

/** What a domain call does: `get` reads; `add`, `delete` and `set` change the lists. */
export type DomainAction = 'add' | 'delete' | 'set' | 'get';

/** The server domain lists (URLs with their scheme, e.g. `https://api.example.com`). */
export interface ServerDomains {
  readonly requestdomain?: readonly string[];
  readonly wsrequestdomain?: readonly string[];
  readonly uploaddomain?: readonly string[];
  readonly downloaddomain?: readonly string[];
  readonly udpdomain?: readonly string[];
  readonly tcpdomain?: readonly string[];
}

export interface ModifyDomainRequest extends ServerDomains {
  readonly action: DomainAction;
}

/** The lists after the call; WeChat adds `invalid_*` and `no_icp_domain` lists for refused domains. */
export interface ModifyDomainResponse extends ServerDomains {
  readonly invalid_requestdomain?: readonly string[];
  readonly invalid_wsrequestdomain?: readonly string[];
  readonly invalid_uploaddomain?: readonly string[];
  readonly invalid_downloaddomain?: readonly string[];
  readonly invalid_udpdomain?: readonly string[];
  readonly invalid_tcpdomain?: readonly string[];
  readonly no_icp_domain?: readonly string[];
}

/** Server domains by where they were configured, and the union that takes effect. */
export interface EffectiveDomainResponse {
  readonly mp_domain: ServerDomains;
  readonly third_domain: ServerDomains;
  readonly direct_domain: ServerDomains;
  readonly effective_domain: ServerDomains;
}

export interface WebviewDomainResponse {
  readonly webviewdomain?: readonly string[];
}

export interface EffectiveWebviewDomainResponse {
  readonly mp_webviewdomain: readonly string[];
  readonly third_webviewdomain: readonly string[];
  readonly direct_webviewdomain: readonly string[];
  readonly effective_webviewdomain: readonly string[];
}

/**
 * `wxa/modify_domain`: domains configured on the platform only (85017 nothing new, 85018 not on the platform).
 */
export function modifyDomain(client: Client, request: ModifyDomainRequest): Promise<ModifyDomainResponse> {
  return client.postJSON(DOMAIN_API.modifyDomain, request);
}

/**
 * `wxa/modify_domain_directly`: any domain (it must still pass ICP filing checks).
 * https://developers.weixin.qq.com/doc/oplatform/Third-party_Platforms/2.0/api/Mini_Program_Basic_Info/modify_domain_directly.html
 */
export function modifyDomainDirectly(client: Client, request: ModifyDomainRequest): Promise<ModifyDomainResponse> {
  return client.postJSON(DOMAIN_API.modifyDomainDirectly, request);
}

/**
 * `wxa/get_effective_domain`.
 * https://developers.weixin.qq.com/doc/oplatform/openApi/OpenApiDoc/miniprogram-management/domain-management/getEffectiveServerDomain.html
 */
export function getEffectiveDomain(client: Client): Promise<EffectiveDomainResponse> {
  return client.postJSON(DOMAIN_API.getEffectiveDomain, {});
}

/**
 * `wxa/setwebviewdomain`: web-view (业务) domains configured on the platform only (89019 unchanged, 89020 none on
 * the platform, 89021 not on the platform, 89029 more than 100, 89231 personal mini program).
 */
export function setWebviewDomain(
  client: Client,
  request: { readonly action: DomainAction; readonly webviewdomain?: readonly string[] },
): Promise<WebviewDomainResponse> {
  return client.postJSON(DOMAIN_API.setWebviewDomain, request);
}

/**
 * `wxa/setwebviewdomain_directly`: any web-view domain whose verification file is in place.
 */
export function setWebviewDomainDirectly(
  client: Client,
  request: { readonly action: DomainAction; readonly webviewdomain?: readonly string[] },
): Promise<WebviewDomainResponse> {
  return client.postJSON(DOMAIN_API.setWebviewDomainDirectly, request);
}

/**
 * `wxa/get_effective_webviewdomain`.
 */
export function getEffectiveWebviewDomain(client: Client): Promise<EffectiveWebviewDomainResponse> {
  return client.postJSON(DOMAIN_API.getEffectiveWebviewDomain, {});
}
