/**
 * The user privacy guide (用户隐私保护指引) of an authorized mini program, with the authorizer `Client`.
 * https://developers.weixin.qq.com/doc/oplatform/Third-party_Platforms/2.0/api/privacy_config/set_privacy_setting.html
 */
import type { Client } from '../client';

export const PRIVACY_API = Object.freeze({
  set: '/cgi-bin/component/setprivacysetting',
  get: '/cgi-bin/component/getprivacysetting',
});

/** Who the developer is and how users are told about changes. */
export interface PrivacyOwnerSetting {
  readonly contact_email?: string;
  readonly contact_phone?: string;
  readonly contact_qq?: string;
  readonly contact_weixin?: string;
  /** Supplementary document (media id from `uploadprivacyextfile`). */
  readonly ext_file_media_id?: string;
  /** How users are notified of changes (required). */
  readonly notice_method: string;
  /** Epoch seconds; absent means until the user deletes the data. */
  readonly store_expire_timestamp?: string;
  /** 1 mainland China, 2 outside (required for foreign principals). */
  readonly store_region_type?: number;
}

/** One kind of user information and what it is used for (`privacy_key` such as `UserInfo`, `Location`, `PhoneNumber`). */
export interface PrivacySettingItem {
  readonly privacy_key: string;
  readonly privacy_text: string;
}

/** `setprivacysetting` request. `privacy_ver`: 1 the released guide, 2 the one under development (default 2). */
export interface SetPrivacySettingRequest {
  readonly privacy_ver?: 1 | 2;
  readonly owner_setting: PrivacyOwnerSetting;
  readonly setting_list: readonly PrivacySettingItem[];
  readonly sdk_privacy_info_list?: readonly {
    readonly sdk_name: string;
    readonly sdk_biz_name: string;
    readonly sdk_list: readonly PrivacySettingItem[];
  }[];
}

/** `getprivacysetting`. */
export interface PrivacySettingResponse {
  /** Whether code was committed (the keys found in it are in `privacy_list`). */
  readonly code_exist: number;
  readonly privacy_list: readonly string[];
  readonly setting_list: readonly (PrivacySettingItem & { readonly privacy_label?: string })[];
  /** Epoch seconds. */
  readonly update_time: number;
  readonly owner_setting: PrivacyOwnerSetting;
  readonly privacy_desc?: { readonly privacy_desc_list: readonly { readonly privacy_key: string; readonly privacy_desc: string }[] };
}

/** `setprivacysetting` (86076 unknown `privacy_key`). */
export async function setPrivacySetting(client: Client, request: SetPrivacySettingRequest): Promise<void> {
  await client.postJSON(PRIVACY_API.set, request);
}

/** `getprivacysetting`. */
export function getPrivacySetting(client: Client, privacyVer: 1 | 2 = 2): Promise<PrivacySettingResponse> {
  return client.postJSON(PRIVACY_API.get, { privacy_ver: privacyVer });
}
