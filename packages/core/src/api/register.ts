/**
 * Fast registration of mini programs by the platform (快速注册): for an enterprise (its legal representative
 * confirms by face recognition), for a person, and trial (beta) mini programs. The outcome arrives as an
 * `InfoType` push (`notify_third_fasteregister`, `notify_third_fastregisterbetaapp`) with an authorization code.
 * https://developers.weixin.qq.com/doc/oplatform/Third-party_Platforms/Mini_Programs/Fast_Registration_Interface_document.html
 */
import type { Client } from './client';

export const REGISTER_API = Object.freeze({
  enterprise: '/cgi-bin/component/fastregisterweapp',
  personal: '/wxa/component/fastregisterpersonalweapp',
  beta: '/wxa/component/fastregisterbetaweapp',
});

/** 1 unified social credit code (18 characters), 2 organisation code (9), 3 business licence number (15). */
export type PrincipalCodeType = 1 | 2 | 3;

export interface FastRegisterEnterpriseRequest {
  /** Enterprise name. */
  readonly name: string;
  readonly code: string;
  readonly code_type: PrincipalCodeType;
  /** The legal representative's WeChat id. */
  readonly legal_persona_wechat: string;
  readonly legal_persona_name: string;
  /** The platform's contact phone, shown to the legal representative. */
  readonly component_phone?: string;
}

export interface FastRegisterPersonalResponse {
  readonly taskid: string;
  /** Where the user confirms the registration. */
  readonly authorize_url: string;
  readonly status: number;
}

/**
 * `fastregisterweapp?action=create` (component client): starts an enterprise registration. 89249 a task of this
 * principal is running, 89248 bad `code_type`, 86004 invalid WeChat id, 61070 name and WeChat id do not match.
 */
export async function fastRegisterEnterprise(client: Client, request: FastRegisterEnterpriseRequest): Promise<void> {
  await client.postJSON(REGISTER_API.enterprise, request, { action: 'create' });
}

/**
 * `fastregisterweapp?action=search` (component client): resolves when the task exists and succeeded; otherwise
 * WeChat answers the task's state as an errcode (89250 not found, 89251 awaiting face recognition, 89253 checking).
 */
export async function searchFastRegisterEnterprise(
  client: Client,
  request: Pick<FastRegisterEnterpriseRequest, 'name' | 'legal_persona_wechat' | 'legal_persona_name'>,
): Promise<void> {
  await client.postJSON(REGISTER_API.enterprise, request, { action: 'search' });
}

/** `fastregisterpersonalweapp?action=create` (component client): a personal mini program for `wxuser`. */
export function fastRegisterPersonal(
  client: Client,
  request: { readonly idname: string; readonly wxuser: string; readonly component_phone?: string },
): Promise<FastRegisterPersonalResponse> {
  return client.postJSON(REGISTER_API.personal, request, { action: 'create' });
}

/** `fastregisterpersonalweapp?action=query` (component client): the task's status (85060 invalid task id). */
export function queryFastRegisterPersonal(client: Client, taskId: string): Promise<FastRegisterPersonalResponse> {
  return client.postJSON(REGISTER_API.personal, { taskid: taskId }, { action: 'query' });
}

/**
 * `fastregisterbetaweapp`: a trial mini program for the user `openid` (of the platform's official account).
 * The component token goes in `?access_token=`: use a client built on `asAccessTokenParam(componentTokens)`.
 */
export function fastRegisterBeta(
  client: Client,
  request: { readonly name: string; readonly openid: string },
): Promise<{ readonly unique_id: string; readonly authorize_url: string }> {
  return client.postJSON(REGISTER_API.beta, request);
}
