/**
 * Uploads on behalf of an authorizer, with its `Client` (`multipart/form-data`, see `Client.postForm`): the media
 * ids other APIs take (a customer-service image, a mini program's avatar, screenshots for a code review, the
 * privacy guide's supplementary file). A media id from these lasts three days.
 */
import type { Client } from './client';
import type { CallOptions, UploadFile } from './transport';

export const MEDIA_API = Object.freeze({
  uploadTemp: '/cgi-bin/media/upload',
  uploadAuditMedia: '/wxa/uploadmedia',
  uploadPrivacyExtFile: '/cgi-bin/component/uploadprivacyextfile',
});

/** Kinds of temporary media: image (10 MB; PNG, JPEG, GIF), voice (2 MB, ≤ 60 s; AMR, MP3), video (10 MB; MP4), thumb (64 KB; JPG). */
export type TempMediaType = 'image' | 'voice' | 'video' | 'thumb';

export interface TempMediaResponse {
  readonly type: TempMediaType;
  /** The id to send it with (a thumbnail's is also in `thumb_media_id`). */
  readonly media_id: string;
  readonly thumb_media_id?: string;
  /** Epoch seconds. */
  readonly created_at: number;
}

const TEMP_MEDIA_TYPES: ReadonlySet<string> = new Set<TempMediaType>(['image', 'voice', 'video', 'thumb']);

/**
 * `media/upload` (新增临时素材), for an official account or a mini program: 40004 unknown type, 40005 a format WeChat
 * does not take, 40009–40012 too large for its type, 41005 no file.
 * https://developers.weixin.qq.com/doc/offiaccount/Asset_Management/New_temporary_materials.html
 */
export async function uploadTempMedia(client: Client, type: TempMediaType, file: UploadFile, options?: CallOptions): Promise<TempMediaResponse> {
  if (!TEMP_MEDIA_TYPES.has(type)) throw new TypeError(`wxopen: uploadTempMedia type must be one of ${[...TEMP_MEDIA_TYPES].join(', ')}`);
  return client.postForm(MEDIA_API.uploadTemp, { files: { media: file } }, { type }, options);
}

export interface AuditMediaResponse {
  readonly type: 'image' | 'video';
  /** For `submitAudit`'s `preview_info` (`pic_id_list`, `video_id_list`). */
  readonly mediaid: string;
}

/**
 * `wxa/uploadmedia` (上传提审素材): a screenshot (image, 2 MB) or a screen recording (MP4, 10 MB) shown to the
 * reviewers with `submitAudit`'s `preview_info`.
 * https://developers.weixin.qq.com/doc/oplatform/openApi/OpenApiDoc/miniprogram-management/code-management/uploadMediaToCodeAudit.html
 */
export function uploadAuditMedia(client: Client, file: UploadFile, options?: CallOptions): Promise<AuditMediaResponse> {
  return client.postForm(MEDIA_API.uploadAuditMedia, { files: { media: file } }, undefined, options);
}

/**
 * `uploadprivacyextfile` (上传隐私接口附件): the privacy guide's supplementary file (a `.txt`, 100 KB), whose id goes
 * in `setPrivacySetting`'s `owner_setting.ext_file_media_id`.
 * https://developers.weixin.qq.com/doc/oplatform/openApi/OpenApiDoc/miniprogram-management/privacy-management/uploadPrivacySetting.html
 */
export function uploadPrivacyExtFile(client: Client, file: UploadFile, options?: CallOptions): Promise<{ readonly ext_file_media_id: string }> {
  return client.postForm(MEDIA_API.uploadPrivacyExtFile, { files: { file } }, undefined, options);
}
