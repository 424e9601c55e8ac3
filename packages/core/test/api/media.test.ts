/** Uploads on behalf of an authorizer (`multipart/form-data`), against the fake WeChat on loopback. */
import { randomBytes } from 'node:crypto';
import { uploadAuditMedia, uploadPrivacyExtFile, uploadTempMedia } from '../../src/api/media';
import { MiniProgramApi } from '../../src/api/miniprogram/api';
import { setPrivacySetting } from '../../src/api/miniprogram/privacy';
import type { Client } from '../../src/api/client';
import { errcodeOf, onBehalf } from './on-behalf';
import type { OnBehalf } from './on-behalf';

const APP = 'wxminiprogram000001';
let env: OnBehalf;
let client: Client;
beforeEach(async () => {
  env = await onBehalf();
  client = await env.miniProgram(APP);
});
afterEach(() => env.close());

/** Bytes that are not valid UTF-8, so a transport that sent them as text would change them. */
const binary = (size: number) => Buffer.concat([Buffer.from([0xff, 0xfe, 0x00, 0x80]), randomBytes(size - 4)]);

describe('temporary media (media/upload)', () => {
  it('uploads the exact bytes under the filename and type given, and returns the media id WeChat keeps them under', async () => {
    const png = binary(70_000);
    const answer = await uploadTempMedia(client, 'image', { content: png, filename: 'avatar.png', contentType: 'image/png' });
    expect(answer.type).toBe('image');
    expect(answer.created_at).toBeGreaterThan(0);
    const kept = env.fake.state.wxa.media.get(answer.media_id);
    expect(kept?.appId).toBe(APP);
    expect(kept?.filename).toBe('avatar.png');
    expect(kept?.contentType).toBe('image/png');
    expect(kept?.bytes.equals(png)).toBe(true);
    const [request] = env.fake.requests.filter((r) => r.path === '/cgi-bin/media/upload');
    expect(request?.query['type']).toBe('image');
    expect(request?.files?.['media']).toEqual({ filename: 'avatar.png', contentType: 'image/png', size: png.length });
  });

  it('takes a Blob, with its own type', async () => {
    const bytes = binary(2_000);
    const answer = await uploadTempMedia(client, 'voice', { content: new Blob([bytes], { type: 'audio/mpeg' }), filename: 'hello.mp3' });
    const kept = env.fake.state.wxa.media.get(answer.media_id);
    expect(kept?.contentType).toBe('audio/mpeg');
    expect(kept?.bytes.equals(bytes)).toBe(true);
  });

  it("answers WeChat's refusals as WechatApiError: too large for its type (40012), no file (41005)", async () => {
    expect(await errcodeOf(uploadTempMedia(client, 'thumb', { content: binary(65 * 1024), filename: 'thumb.jpg', contentType: 'image/jpeg' }))).toBe(40012);
    expect(await errcodeOf(uploadTempMedia(client, 'image', { content: new Uint8Array(0), filename: 'empty.png' }))).toBe(41005);
  });

  it('refuses, before anything is sent, an unknown type, content that is not bytes and a missing filename', async () => {
    const before = env.fake.requests.length;
    await expect(uploadTempMedia(client, 'gif' as 'image', { content: binary(10), filename: 'a.gif' })).rejects.toThrow(/type must be one of image, voice, video, thumb/);
    await expect(uploadTempMedia(client, 'image', { content: 'not bytes' as unknown as Uint8Array, filename: 'a.png' })).rejects.toThrow(/Buffer, Uint8Array or Blob/);
    await expect(uploadTempMedia(client, 'image', { content: binary(10), filename: ' ' })).rejects.toThrow(/needs a filename/);
    expect(env.fake.requests.length).toBe(before);
  });

  it('sends the whole form again after a token error (40001): one refresh, one retry, the same bytes', async () => {
    const png = binary(5_000);
    env.fake.failNext('/cgi-bin/media/upload', 40001);
    const answer = await uploadTempMedia(client, 'image', { content: png, filename: 'retry.png', contentType: 'image/png' });
    expect(env.fake.state.wxa.media.get(answer.media_id)?.bytes.equals(png)).toBe(true);
    const uploads = env.fake.requests.filter((r) => r.path === '/cgi-bin/media/upload');
    expect(uploads.map((r) => r.files?.['media']?.size)).toEqual([png.length, png.length]);
    expect(uploads[0]?.query['access_token']).not.toBe(uploads[1]?.query['access_token']);
  });
});

describe('code review media (wxa/uploadmedia)', () => {
  it('uploads a screenshot and gives the mediaid for submitAudit, through MiniProgramApi too', async () => {
    const api = new MiniProgramApi(client, APP);
    const shot = binary(1_000);
    const answer = await api.uploadAuditMedia({ content: shot, filename: 'page.png', contentType: 'image/png' });
    expect(answer.type).toBe('image');
    expect(env.fake.state.wxa.media.get(answer.mediaid)?.bytes.equals(shot)).toBe(true);
  });

  it('refuses a screenshot over 2 MB (40006) and a format it does not take (40005)', async () => {
    expect(await errcodeOf(uploadAuditMedia(client, { content: binary(2 * 1024 * 1024 + 1), filename: 'big.png', contentType: 'image/png' }))).toBe(40006);
    expect(await errcodeOf(uploadAuditMedia(client, { content: binary(100), filename: 'clip.avi', contentType: 'video/x-msvideo' }))).toBe(40005);
  });
});

describe("the privacy guide's supplementary file (uploadprivacyextfile)", () => {
  it('uploads a .txt file whose id setPrivacySetting takes', async () => {
    const text = Buffer.from('补充说明：我们只在您下单时使用手机号。\n', 'utf8');
    const { ext_file_media_id: id } = await uploadPrivacyExtFile(client, { content: text, filename: 'privacy.txt', contentType: 'text/plain' });
    expect(env.fake.state.wxa.media.get(id)?.bytes.toString('utf8')).toBe(text.toString('utf8'));
    await setPrivacySetting(client, { owner_setting: { notice_method: '弹窗', ext_file_media_id: id }, setting_list: [] });
  });

  it('refuses another format (40005)', async () => {
    expect(await errcodeOf(uploadPrivacyExtFile(client, { content: binary(10), filename: 'privacy.pdf' }))).toBe(40005);
  });
});
