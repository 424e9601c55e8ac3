/**
 * Typed component APIs (第三方平台接口). Each takes a `Client` holding the right token (the component
 * client for the `api_*` endpoints, an authorizer client for the rest). Field names are WeChat's own.
 */
import type { Client } from './client';

/** Paths of the component endpoints. */
export const COMPONENT_API = Object.freeze({
  startPushTicket: '/cgi-bin/component/api_start_push_ticket',
  componentToken: '/cgi-bin/component/api_component_token',
  createPreAuthCode: '/cgi-bin/component/api_create_preauthcode',
  queryAuth: '/cgi-bin/component/api_query_auth',
  authorizerToken: '/cgi-bin/component/api_authorizer_token',
  getAuthorizerInfo: '/cgi-bin/component/api_get_authorizer_info',
  getAuthorizerList: '/cgi-bin/component/api_get_authorizer_list',
  getAuthorizerOption: '/cgi-bin/component/api_get_authorizer_option',
  setAuthorizerOption: '/cgi-bin/component/api_set_authorizer_option',
  clearQuota: '/cgi-bin/component/clear_quota',
  sendCustomMessage: '/cgi-bin/message/custom/send',
});

/** One permission set granted by the authorizer. */
export interface FuncInfo {
  readonly funcscope_category: { readonly id: number };
  readonly confirm_info?: { readonly need_confirm: number; readonly already_confirm: number; readonly can_confirm: number };
}

/** `authorization_info` of `api_query_auth` and `api_get_authorizer_info`. */
export interface AuthorizerAuthorizationInfo {
  readonly authorizer_appid: string;
  /** Present only when the account granted API permissions (and only from `api_query_auth`). */
  readonly authorizer_access_token?: string;
  readonly expires_in?: number;
  readonly authorizer_refresh_token?: string;
  readonly func_info?: readonly FuncInfo[];
}

/** `authorizer_info` of `api_get_authorizer_info`. `MiniProgramInfo` present ⇒ a mini program. */
export interface AuthorizerInfo {
  readonly nick_name?: string;
  readonly head_img?: string;
  /** Official accounts: 0 订阅号, 1 upgraded old 订阅号, 2 服务号. */
  readonly service_type_info?: { readonly id: number };
  /** −1 unverified, 0 WeChat-verified, 1 Sina Weibo, 3/4 qualification-verified without name verification. */
  readonly verify_type_info?: { readonly id: number };
  /** Original ID (`gh_…`). */
  readonly user_name?: string;
  readonly alias?: string;
  readonly qrcode_url?: string;
  readonly business_info?: Readonly<Record<string, number>>;
  readonly principal_name?: string;
  readonly signature?: string;
  readonly MiniProgramInfo?: Readonly<Record<string, unknown>>;
  readonly register_type?: number;
  /** 1 normal, 14 cancelled, 16 banned, 18 warned, 19 frozen. */
  readonly account_status?: number;
  readonly basic_config?: Readonly<Record<string, unknown>>;
  readonly [field: string]: unknown;
}

export interface AuthorizerInfoResponse {
  readonly authorizer_info: AuthorizerInfo;
  readonly authorization_info: AuthorizerAuthorizationInfo;
}

export interface AuthorizerListItem {
  readonly authorizer_appid: string;
  readonly refresh_token: string;
  readonly auth_time: number;
}

export interface AuthorizerListResponse {
  readonly total_count: number;
  readonly list: readonly AuthorizerListItem[];
}

/** `location_report` 0 off / 1 on entering a session / 2 every 5 s; `voice_recognize` and `customer_service` 0/1. */
export type AuthorizerOptionName = 'location_report' | 'voice_recognize' | 'customer_service';

export interface AuthorizerOption {
  readonly authorizer_appid: string;
  readonly option_name: AuthorizerOptionName;
  readonly option_value: string;
}

export interface PreAuthCode {
  readonly pre_auth_code: string;
  readonly expires_in: number;
}

/** A customer-service message (客服消息). Only the text form is typed; other forms pass through. */
export type CustomMessage =
  | { readonly touser: string; readonly msgtype: 'text'; readonly text: { readonly content: string } }
  | { readonly touser: string; readonly msgtype: string; readonly [field: string]: unknown };

/** `api_create_preauthcode` (component client). A pre-auth code is single use. */
export function createPreAuthCode(client: Client, componentAppId: string): Promise<PreAuthCode> {
  return client.postJSON<PreAuthCode>(COMPONENT_API.createPreAuthCode, { component_appid: componentAppId });
}

/** `api_query_auth` (component client): exchanges an authorization code (single use). */
export function queryAuth(
  client: Client,
  componentAppId: string,
  authorizationCode: string,
): Promise<{ readonly authorization_info: AuthorizerAuthorizationInfo }> {
  return client.postJSON(COMPONENT_API.queryAuth, { component_appid: componentAppId, authorization_code: authorizationCode });
}

/** `api_get_authorizer_info` (component client). */
export function getAuthorizerInfo(client: Client, componentAppId: string, authorizerAppId: string): Promise<AuthorizerInfoResponse> {
  return client.postJSON(COMPONENT_API.getAuthorizerInfo, { component_appid: componentAppId, authorizer_appid: authorizerAppId });
}

/** `api_get_authorizer_list` (component client); `count` at most 500 (default 500), `offset` default 0. */
export function getAuthorizerList(
  client: Client,
  componentAppId: string,
  page: { readonly offset?: number; readonly count?: number } = {},
): Promise<AuthorizerListResponse> {
  return client.postJSON(COMPONENT_API.getAuthorizerList, {
    component_appid: componentAppId,
    offset: page.offset ?? 0,
    count: page.count ?? 500,
  });
}

/** `api_get_authorizer_option` (component client). */
export function getAuthorizerOption(
  client: Client,
  componentAppId: string,
  authorizerAppId: string,
  optionName: AuthorizerOptionName,
): Promise<AuthorizerOption> {
  return client.postJSON(COMPONENT_API.getAuthorizerOption, {
    component_appid: componentAppId,
    authorizer_appid: authorizerAppId,
    option_name: optionName,
  });
}

/** `api_set_authorizer_option` (component client). */
export async function setAuthorizerOption(
  client: Client,
  componentAppId: string,
  authorizerAppId: string,
  optionName: AuthorizerOptionName,
  optionValue: string | number,
): Promise<void> {
  await client.postJSON(COMPONENT_API.setAuthorizerOption, {
    component_appid: componentAppId,
    authorizer_appid: authorizerAppId,
    option_name: optionName,
    option_value: String(optionValue),
  });
}

/** `clear_quota` (component client): resets the component's own API call counters. */
export async function clearComponentQuota(client: Client, componentAppId: string): Promise<void> {
  await client.postJSON(COMPONENT_API.clearQuota, { component_appid: componentAppId });
}

/** `message/custom/send` (authorizer client): sends a customer-service message, as the 全网发布 test requires. */
export async function sendCustomMessage(client: Client, message: CustomMessage): Promise<void> {
  await client.postJSON(COMPONENT_API.sendCustomMessage, message);
}
