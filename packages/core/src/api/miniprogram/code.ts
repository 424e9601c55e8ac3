/**
 * Code management of an authorized mini program (代码管理): commit a template, submit it for audit, release it.
 * Every function takes the mini program's authorizer `Client` (`?access_token=<authorizer token>`); field names
 * are WeChat's own. Section: https://developers.weixin.qq.com/doc/oplatform/Third-party_Platforms/2.0/api/code/commit.html
 */
import type { Client } from '../client';

/** Paths of the code-management endpoints. */
export const CODE_API = Object.freeze({
  commit: '/wxa/commit',
  getPage: '/wxa/get_page',
  getQrcode: '/wxa/get_qrcode',
  submitAudit: '/wxa/submit_audit',
  getAuditStatus: '/wxa/get_auditstatus',
  getLatestAuditStatus: '/wxa/get_latest_auditstatus',
  undoCodeAudit: '/wxa/undocodeaudit',
  speedupAudit: '/wxa/speedupaudit',
  release: '/wxa/release',
  revertCodeRelease: '/wxa/revertcoderelease',
  grayRelease: '/wxa/grayrelease',
  getGrayReleasePlan: '/wxa/getgrayreleaseplan',
  revertGrayRelease: '/wxa/revertgrayrelease',
  changeVisitStatus: '/wxa/change_visitstatus',
  getCategory: '/wxa/get_category',
  getVersionInfo: '/wxa/getversioninfo',
  queryQuota: '/wxa/queryquota',
});

/** `wxa/commit` request. */
export interface CommitRequest {
  /** Template id from the platform's template library (`gettemplatelist`). */
  readonly template_id: number | string;
  /**
   * The `ext.json` of this mini program as a JSON **string** (`extAppid`, `ext`, `extPages`, `pages`, `window`,
   * `networkTimeout`, `tabBar`, `plugins`, `requiredPrivateInfos`, …).
   */
  readonly ext_json: string;
  /** Version shown in the admin console, at most 64 characters. */
  readonly user_version: string;
  readonly user_desc: string;
}

/** Audit status (审核状态) of `get_auditstatus` / `get_latest_auditstatus`. */
export const AuditStatus = Object.freeze({
  Approved: 0,
  Rejected: 1,
  Auditing: 2,
  Withdrawn: 3,
  Delayed: 4,
} as const);
export type AuditStatusCode = (typeof AuditStatus)[keyof typeof AuditStatus];

/** One audit item of `submit_audit` (optional since 2021; at most 5). Category fields come from `get_category`. */
export interface AuditItem {
  readonly address?: string;
  /** Space-separated tags, at most 10 of at most 20 characters. */
  readonly tag?: string;
  readonly first_class?: string;
  readonly second_class?: string;
  readonly third_class?: string;
  readonly first_id?: number;
  readonly second_id?: number;
  readonly third_id?: number;
  /** Page title, at most 32 characters. */
  readonly title?: string;
}

/** UGC declaration (用户生成内容场景信息安全声明) of `submit_audit`. */
export interface UgcDeclare {
  readonly scene?: readonly number[];
  readonly other_scene_desc?: string;
  readonly method?: readonly number[];
  readonly has_audit_team?: number;
  readonly audit_desc?: string;
}

/** `wxa/submit_audit` request: every field is optional. */
export interface SubmitAuditRequest {
  readonly item_list?: readonly AuditItem[];
  /** Screenshots and screen recordings (media ids from `wxa/uploadmedia`). */
  readonly preview_info?: { readonly video_id_list?: readonly string[]; readonly pic_id_list?: readonly string[] };
  readonly version_desc?: string;
  /** Feedback to the reviewers, at most 200 characters (only after a rejection). */
  readonly feedback_info?: string;
  /** Up to 5 media ids joined by `|`. */
  readonly feedback_stuff?: string;
  readonly ugc_declare?: UgcDeclare;
  /** Declares that privacy APIs found in the code are not used. */
  readonly privacy_api_not_use?: boolean;
  /** Order-centre page path. */
  readonly order_path?: string;
}

export interface SubmitAuditResponse {
  readonly auditid: number;
}

/** `wxa/get_auditstatus`. `reason` and `screenshot` (media ids joined by `|`) come with a rejection or a delay. */
export interface AuditStatusResponse {
  readonly status: AuditStatusCode;
  readonly reason?: string;
  readonly screenshot?: string;
  readonly ScreenShot?: string;
}

/** `wxa/get_latest_auditstatus`. */
export interface LatestAuditStatusResponse {
  readonly auditid: number;
  readonly status: AuditStatusCode;
  readonly reason?: string;
  readonly ScreenShot?: string;
  readonly user_version?: string;
  readonly user_desc?: string;
  /** Epoch seconds. */
  readonly submit_audit_time?: number;
}

export interface PageListResponse {
  readonly page_list: readonly string[];
}

/** A category the mini program may be audited under (`get_category`). */
export interface AuditCategory {
  readonly first_class: string;
  readonly second_class: string;
  readonly third_class?: string;
  readonly first_id: number;
  readonly second_id: number;
  readonly third_id?: number;
}

/** `wxa/getversioninfo`: the trial (体验版) and released versions. Times are epoch seconds. */
export interface VersionInfoResponse {
  readonly exp_info?: { readonly exp_time: number; readonly exp_version: string; readonly exp_desc: string };
  readonly release_info?: { readonly release_time: number; readonly release_version: string; readonly release_desc: string };
}

/** A version that `revertcoderelease` can go back to. */
export interface HistoryVersion {
  readonly app_version: number;
  readonly user_version: string;
  readonly user_desc: string;
  /** Epoch seconds. */
  readonly commit_time: number;
}

/** `grayrelease` request. */
export interface GrayReleaseRequest {
  /** 1 to 100. */
  readonly gray_percentage: number;
  /** Developers of the mini program get the new version first. */
  readonly support_debuger_first?: boolean;
  /** Testers (体验成员) get the new version first. */
  readonly support_experiencer_first?: boolean;
}

/** `getgrayreleaseplan`. `status`: 0 initial, 1 running, 2 paused, 3 finished, 4 cancelled. */
export interface GrayReleasePlanResponse {
  readonly gray_release_plan: {
    readonly status: number;
    /** Epoch seconds. */
    readonly create_timestamp: number;
    readonly gray_percentage: number;
    readonly support_debuger_first?: boolean;
    readonly support_experiencer_first?: boolean;
  };
}

/** `queryquota`: the platform's monthly audit and speed-up quotas. */
export interface AuditQuotaResponse {
  readonly rest: number;
  readonly limit: number;
  readonly speedup_rest: number;
  readonly speedup_limit: number;
}

/**
 * `wxa/commit`: uploads a template as this mini program's code and makes it the trial version.
 * Errors: 85013 / 85048 bad `ext_json`, 85014 unknown template, 85043–85047 template problems.
 * https://developers.weixin.qq.com/doc/oplatform/Third-party_Platforms/2.0/api/code/commit.html
 */
export async function commit(client: Client, request: CommitRequest): Promise<void> {
  await client.postJSON(CODE_API.commit, request);
}

/**
 * `wxa/get_page`: the pages of the committed code (for `item_list`).
 * https://developers.weixin.qq.com/doc/oplatform/Third-party_Platforms/2.0/api/code/get_page.html
 */
export function getPage(client: Client): Promise<PageListResponse> {
  return client.getJSON(CODE_API.getPage);
}

/**
 * `wxa/submit_audit`: submits the committed code for review. Errors: 85009 an audit is in progress, 85085 the
 * platform's audit quota is used up, 85086 nothing committed, 61039 the code check has not finished yet.
 * https://developers.weixin.qq.com/doc/oplatform/Third-party_Platforms/2.0/api/code/submit_audit.html
 */
export function submitAudit(client: Client, request: SubmitAuditRequest = {}): Promise<SubmitAuditResponse> {
  return client.postJSON(CODE_API.submitAudit, request);
}

/**
 * `wxa/get_auditstatus`: the status of one audit (85012 for an unknown audit id).
 * https://developers.weixin.qq.com/doc/oplatform/Third-party_Platforms/2.0/api/code/get_auditstatus.html
 */
export function getAuditStatus(client: Client, auditId: number): Promise<AuditStatusResponse> {
  return client.postJSON(CODE_API.getAuditStatus, { auditid: auditId });
}

/**
 * `wxa/get_latest_auditstatus`: the latest audit of this mini program (85058 when there is none).
 * https://developers.weixin.qq.com/doc/oplatform/Third-party_Platforms/2.0/api/code/get_latest_auditstatus.html
 */
export function getLatestAuditStatus(client: Client): Promise<LatestAuditStatusResponse> {
  return client.getJSON(CODE_API.getLatestAuditStatus);
}

/**
 * `wxa/undocodeaudit`: withdraws the audit in progress (87013 after 5 a day or 10 a month).
 * https://developers.weixin.qq.com/doc/oplatform/Third-party_Platforms/2.0/api/code/undocodeaudit.html
 */
export async function undoCodeAudit(client: Client): Promise<void> {
  await client.getJSON(CODE_API.undoCodeAudit);
}

/**
 * `wxa/speedupaudit`: asks for a faster review (89402 not pending, 89404 already sped up, 89405 quota used up).
 * https://developers.weixin.qq.com/doc/oplatform/Third-party_Platforms/2.0/api/code/speedup_audit.html
 */
export async function speedupAudit(client: Client, auditId: number): Promise<void> {
  await client.postJSON(CODE_API.speedupAudit, { auditid: auditId });
}

/**
 * `wxa/release`: releases the approved version. Errors: 85019 no audited version, 85020 the latest audit is not
 * approved, 85052 already released.
 * https://developers.weixin.qq.com/doc/oplatform/Third-party_Platforms/2.0/api/code/release.html
 */
export async function release(client: Client): Promise<void> {
  await client.postJSON(CODE_API.release, {});
}

/**
 * `wxa/revertcoderelease`: goes back to the previous released version, or to `appVersion` (87011 during a gray
 * release, 87012 nothing to go back to).
 * https://developers.weixin.qq.com/doc/oplatform/Third-party_Platforms/2.0/api/code/revertcoderelease.html
 */
export async function revertCodeRelease(client: Client, appVersion?: number): Promise<void> {
  await client.getJSON(CODE_API.revertCodeRelease, { app_version: appVersion });
}

/**
 * `wxa/revertcoderelease?action=get_history_version`: the versions `revertCodeRelease` can go back to.
 * https://developers.weixin.qq.com/doc/oplatform/Third-party_Platforms/2.0/api/code/get_history_version.html
 */
export function getHistoryVersions(client: Client): Promise<{ readonly version_list: readonly HistoryVersion[] }> {
  return client.getJSON(CODE_API.revertCodeRelease, { action: 'get_history_version' });
}

/**
 * `wxa/grayrelease`: releases the approved version to a share of users (85079 no released version yet,
 * 85080 not approved, 85081 invalid percentage, 85082 lower than the current percentage).
 * https://developers.weixin.qq.com/doc/oplatform/Third-party_Platforms/2.0/api/code/grayrelease.html
 */
export async function grayRelease(client: Client, request: GrayReleaseRequest): Promise<void> {
  await client.postJSON(CODE_API.grayRelease, request);
}

/**
 * `wxa/getgrayreleaseplan`.
 * https://developers.weixin.qq.com/doc/oplatform/Third-party_Platforms/2.0/api/code/getgrayreleaseplan.html
 */
export function getGrayReleasePlan(client: Client): Promise<GrayReleasePlanResponse> {
  return client.getJSON(CODE_API.getGrayReleasePlan);
}

/**
 * `wxa/revertgrayrelease`: cancels the gray release.
 * https://developers.weixin.qq.com/doc/oplatform/Third-party_Platforms/2.0/api/code/revertgrayrelease.html
 */
export async function revertGrayRelease(client: Client): Promise<void> {
  await client.getJSON(CODE_API.revertGrayRelease);
}

/**
 * `wxa/change_visitstatus`: hides (`close`) or shows (`open`) the released version (85021 unchanged, 85022 bad action).
 * https://developers.weixin.qq.com/doc/oplatform/Third-party_Platforms/2.0/api/code/change_visitstatus.html
 */
export async function changeVisitStatus(client: Client, action: 'open' | 'close'): Promise<void> {
  await client.postJSON(CODE_API.changeVisitStatus, { action });
}

/**
 * `wxa/get_category`: the categories the mini program can be audited under.
 * https://developers.weixin.qq.com/doc/oplatform/Third-party_Platforms/2.0/api/category/get_category.html
 */
export function getCategory(client: Client): Promise<{ readonly category_list: readonly AuditCategory[] }> {
  return client.getJSON(CODE_API.getCategory);
}

/**
 * `wxa/getversioninfo`: the trial and the released version.
 * https://developers.weixin.qq.com/doc/oplatform/openApi/OpenApiDoc/miniprogram-management/code-management/getVersionInfo.html
 */
export function getVersionInfo(client: Client): Promise<VersionInfoResponse> {
  return client.postJSON(CODE_API.getVersionInfo, {});
}

/**
 * `wxa/queryquota`: the platform's audit and speed-up quotas of the month.
 * https://developers.weixin.qq.com/doc/oplatform/Third-party_Platforms/2.0/api/code/query_quota.html
 */
export function queryAuditQuota(client: Client): Promise<AuditQuotaResponse> {
  return client.getJSON(CODE_API.queryQuota);
}
