/**
 * Basic information of an authorized mini program (基础信息设置), with the authorizer `Client`.
 * https://developers.weixin.qq.com/doc/oplatform/openApi/OpenApiDoc/miniprogram-management/basic-info-management/getAccountBasicInfo.html
 */
import type { Client } from '../client';

export const BASIC_INFO_API = Object.freeze({
  getAccountBasicInfo: '/cgi-bin/account/getaccountbasicinfo',
  modifySignature: '/cgi-bin/account/modifysignature',
  modifyHeadImage: '/cgi-bin/account/modifyheadimage',
  setNickname: '/wxa/setnickname',
  queryNickname: '/wxa/api_wxa_querynickname',
  checkNickname: '/cgi-bin/wxverify/checkwxverifynickname',
});

/** A field that can be changed a limited number of times a month. */
export interface ModifiableField {
  readonly modify_used_count: number;
  readonly modify_quota: number;
}

/** `getaccountbasicinfo`. */
export interface AccountBasicInfo {
  readonly appid: string;
  /** 1 subscription account, 2 service account, 3 mini program. */
  readonly account_type: number;
  /** 0 personal, 1 enterprise, 2 media, 3 government, 4 other organisation. */
  readonly principal_type: number;
  readonly principal_name: string;
  readonly credential?: string;
  /** 1 verified, 2 not verified. */
  readonly realname_status: number;
  readonly wx_verify_info?: {
    readonly qualification_verify: boolean;
    readonly naming_verify: boolean;
    readonly annual_review?: boolean;
    readonly annual_review_begin_time?: number;
    readonly annual_review_end_time?: number;
  };
  readonly signature_info?: ModifiableField & { readonly signature: string };
  readonly head_image_info?: ModifiableField & { readonly head_image_url: string };
  readonly nickname_info?: ModifiableField & { readonly nickname: string };
  readonly registered_country?: number;
  readonly nickname?: string;
}

/** `setnickname` request. Proof material is given as media ids. */
export interface SetNicknameRequest {
  readonly nick_name: string;
  /** Personal accounts: ID card photo. */
  readonly id_card?: string;
  /** Organisations: business licence. */
  readonly license?: string;
  readonly naming_other_stuff_1?: string;
  readonly naming_other_stuff_2?: string;
  readonly naming_other_stuff_3?: string;
  readonly naming_other_stuff_4?: string;
  readonly naming_other_stuff_5?: string;
}

/** `setnickname`: `audit_id` is present when the name needs a review (then query it with `queryNickname`). */
export interface SetNicknameResponse {
  readonly wording?: string;
  readonly audit_id?: number;
}

/** `api_wxa_querynickname`. `audit_stat`: 1 under review, 2 rejected, 3 approved, 12 submitted, … */
export interface NicknameAuditResponse {
  readonly nickname: string;
  readonly audit_stat: number;
  readonly fail_reason?: string;
  readonly create_time?: number;
  readonly audit_time?: number;
}

/** `getaccountbasicinfo`. */
export function getAccountBasicInfo(client: Client): Promise<AccountBasicInfo> {
  return client.getJSON(BASIC_INFO_API.getAccountBasicInfo);
}

/**
 * `modifysignature`: the description (功能介绍). 53200 monthly quota used up, 53201 forbidden words.
 * https://developers.weixin.qq.com/doc/oplatform/openApi/OpenApiDoc/miniprogram-management/basic-info-management/setSignature.html
 */
export async function modifySignature(client: Client, signature: string): Promise<void> {
  await client.postJSON(BASIC_INFO_API.modifySignature, { signature });
}

/**
 * `modifyheadimage`: the avatar from a permanent image media id, cropped to (x1, y1)–(x2, y2) as fractions
 * (0–1). 53202 monthly quota used up.
 * https://developers.weixin.qq.com/doc/oplatform/openApi/OpenApiDoc/miniprogram-management/basic-info-management/setHeadImage.html
 */
export async function modifyHeadImage(
  client: Client,
  request: { readonly head_img_media_id: string; readonly x1: number; readonly y1: number; readonly x2: number; readonly y2: number },
): Promise<void> {
  await client.postJSON(BASIC_INFO_API.modifyHeadImage, request);
}

/**
 * `setnickname`.
 * https://developers.weixin.qq.com/doc/oplatform/openApi/OpenApiDoc/miniprogram-management/basic-info-management/setNickName.html
 */
export function setNickname(client: Client, request: SetNicknameRequest): Promise<SetNicknameResponse> {
  return client.postJSON(BASIC_INFO_API.setNickname, request);
}

/** `api_wxa_querynickname`: the review of a name change. */
export function queryNickname(client: Client, auditId: number): Promise<NicknameAuditResponse> {
  return client.postJSON(BASIC_INFO_API.queryNickname, { audit_id: auditId });
}

/**
 * `checkwxverifynickname`: whether a name hits a rule that needs extra proof.
 * https://developers.weixin.qq.com/doc/oplatform/openApi/OpenApiDoc/miniprogram-management/basic-info-management/checkNickName.html
 */
export function checkNickname(client: Client, nickname: string): Promise<{ readonly hit_condition: boolean; readonly wording?: string }> {
  return client.postJSON(BASIC_INFO_API.checkNickname, { nick_name: nickname });
}
