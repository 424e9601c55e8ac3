/**
 * Uploads (`multipart/form-data`): temporary media, a code review's screenshots and recordings, the privacy guide's
 * supplementary file. Each keeps the file under a new media id in `state.wxa.media`, with WeChat's size and format
 * refusals.
 */
import { FakeWechatError } from './state';
import type { FakeState } from './state';
import { seconds } from './route-kit';
import type { FakeUpload, RouteContext, RouteEntry } from './route-kit';
import { randomId } from './wxa-state';
import type { FakeMedia } from './wxa-state';

const MB = 1024 * 1024;

/** Temporary media: the largest size of each type and the errcode WeChat answers above it. */
const TEMP_LIMITS: Readonly<Record<string, { readonly bytes: number; readonly errcode: number }>> = {
  image: { bytes: 10 * MB, errcode: 40009 },
  voice: { bytes: 2 * MB, errcode: 40010 },
  video: { bytes: 10 * MB, errcode: 40011 },
  thumb: { bytes: 64 * 1024, errcode: 40012 },
};

/** The uploaded file of `field`, or 41005 (media data missing). */
function upload(context: RouteContext, field: string): FakeUpload {
  const file = context.files.get(field);
  if (file === undefined || file.bytes.length === 0) throw new FakeWechatError(41005, `media data missing: form field ${field}`);
  return file;
}

function keep(state: FakeState, context: RouteContext, kind: FakeMedia['kind'], type: string, file: FakeUpload): string {
  const id = randomId(`${kind}_media_`);
  state.wxa.media.set(id, { appId: context.authorizerAppId ?? '', kind, type, filename: file.filename, contentType: file.contentType, bytes: file.bytes });
  return id;
}

export const MEDIA_ROUTES: readonly RouteEntry[] = [
  [
    '/cgi-bin/media/upload',
    {
      method: 'POST',
      auth: 'authorizer',
      handle: (state, context) => {
        const type = context.query.get('type') ?? '';
        const limit = TEMP_LIMITS[type];
        if (limit === undefined) throw new FakeWechatError(40004, 'invalid media type');
        const file = upload(context, 'media');
        if (file.bytes.length > limit.bytes) throw new FakeWechatError(limit.errcode, `invalid ${type} size`);
        const mediaId = keep(state, context, 'temp', type, file);
        return type === 'thumb'
          ? { type, thumb_media_id: mediaId, media_id: mediaId, created_at: seconds(state) }
          : { type, media_id: mediaId, created_at: seconds(state) };
      },
    },
  ],
  [
    '/wxa/uploadmedia',
    {
      method: 'POST',
      auth: 'authorizer',
      handle: (state, context) => {
        const file = upload(context, 'media');
        const type = file.contentType.startsWith('image/') ? 'image' : file.contentType === 'video/mp4' ? 'video' : undefined;
        if (type === undefined) throw new FakeWechatError(40005, 'invalid file type');
        if (file.bytes.length > (type === 'image' ? 2 : 10) * MB) throw new FakeWechatError(40006, 'invalid meida size');
        return { errcode: 0, errmsg: 'ok', type, mediaid: keep(state, context, 'audit', type, file) };
      },
    },
  ],
  [
    '/cgi-bin/component/uploadprivacyextfile',
    {
      method: 'POST',
      auth: 'authorizer',
      handle: (state, context) => {
        const file = upload(context, 'file');
        if (!file.filename.toLowerCase().endsWith('.txt')) throw new FakeWechatError(40005, 'invalid file type');
        if (file.bytes.length > 100 * 1024) throw new FakeWechatError(40006, 'invalid meida size');
        return { errcode: 0, errmsg: 'ok', ext_file_media_id: keep(state, context, 'privacy', 'file', file) };
      },
    },
  ],
];
