import {
  AuditStatus,
  changeVisitStatus,
  commit,
  getAuditStatus,
  getCategory,
  getGrayReleasePlan,
  getHistoryVersions,
  getLatestAuditStatus,
  getPage,
  getVersionInfo,
  grayRelease,
  queryAuditQuota,
  release,
  revertCodeRelease,
  revertGrayRelease,
  speedupAudit,
  submitAudit,
  undoCodeAudit,
} from '../../src/api/miniprogram/code';
import { getTrialQrcode } from '../../src/api/miniprogram/qrcode';
import { ApiTransport } from '../../src/api/transport';
import { Client } from '../../src/api/client';
import { errcodeOf, onBehalf } from './on-behalf';
import type { OnBehalf } from './on-behalf';

const APP = 'wxminiprogram000001';
let env: OnBehalf;
let client: Client;
let templateId: number;

const ext = (fields: Record<string, unknown> = {}) => JSON.stringify({ extAppid: APP, ext: { shop: 1 }, ...fields });
const commitV = (version: string, desc = `release ${version}`) =>
  commit(client, { template_id: templateId, ext_json: ext(), user_version: version, user_desc: desc });

/** Commits, submits and approves `version`; resolves with the audit id. */
async function approved(version: string): Promise<number> {
  await commitV(version);
  const { auditid } = await submitAudit(client);
  await env.fake.resolveAudit(APP, 'success', { push: false });
  return auditid;
}

beforeEach(async () => {
  env = await onBehalf();
  client = await env.miniProgram(APP);
  templateId = env.fake.addTemplate({ user_version: '1.0.0', pages: ['pages/index/index', 'pages/shop/shop'] }).template_id;
});
afterEach(() => env.close());

describe('code management: commit → audit → release', () => {
  it('commits a template, lists its pages, submits it, sees the approval and releases it', async () => {
    await commit(client, { template_id: templateId, ext_json: ext({ pages: ['pages/shop/shop'] }), user_version: '2.1.0', user_desc: 'spring' });
    expect(env.fake.miniProgram(APP).commits).toHaveLength(1);
    expect((await getPage(client)).page_list).toEqual(['pages/index/index', 'pages/shop/shop']);
    expect((await getVersionInfo(client)).exp_info).toMatchObject({ exp_version: '2.1.0', exp_desc: 'spring' });

    const { auditid } = await submitAudit(client, { item_list: [{ address: 'pages/shop/shop', title: 'Shop' }], version_desc: 'spring' });
    expect(typeof auditid).toBe('number');
    expect(await getAuditStatus(client, auditid)).toMatchObject({ status: AuditStatus.Auditing });

    await env.fake.resolveAudit(APP, 'success', { push: false });
    expect(await getLatestAuditStatus(client)).toMatchObject({ auditid, status: AuditStatus.Approved, user_version: '2.1.0', user_desc: 'spring' });

    await release(client);
    expect((await getVersionInfo(client)).release_info).toMatchObject({ release_version: '2.1.0', release_desc: 'spring' });
  });

  it('reports a rejection with its reason and screenshots', async () => {
    await commitV('1.0.1');
    const { auditid } = await submitAudit(client);
    await env.fake.resolveAudit(APP, 'fail', { reason: 'missing privacy guide', screenshot: 'm1|m2', push: false });
    expect(await getAuditStatus(client, auditid)).toMatchObject({ status: AuditStatus.Rejected, reason: 'missing privacy guide', screenshot: 'm1|m2' });
    expect(await getLatestAuditStatus(client)).toMatchObject({ status: AuditStatus.Rejected, ScreenShot: 'm1|m2' });
  });

  it('answers the documented commit errors: 85014 unknown template, 85048 unparsable and 85013 non-object ext_json, 85045 unknown page', async () => {
    expect(await errcodeOf(commit(client, { template_id: 999, ext_json: ext(), user_version: '1', user_desc: '' }))).toBe(85014);
    expect(await errcodeOf(commit(client, { template_id: templateId, ext_json: '{nope', user_version: '1', user_desc: '' }))).toBe(85048);
    expect(await errcodeOf(commit(client, { template_id: templateId, ext_json: '[1]', user_version: '1', user_desc: '' }))).toBe(85013);
    expect(await errcodeOf(commit(client, { template_id: templateId, ext_json: ext({ pages: ['pages/missing'] }), user_version: '1', user_desc: '' }))).toBe(85045);
    expect(env.fake.miniProgram(APP).commits).toHaveLength(0);
  });

  it('refuses pages and audits before any commit: 86001 and 85086', async () => {
    expect(await errcodeOf(getPage(client))).toBe(86001);
    expect(await errcodeOf(submitAudit(client))).toBe(85086);
  });

  it('answers 85009 to a second submission while one is under review, and 85085 when the audit quota is used up', async () => {
    await commitV('1.0.0');
    await submitAudit(client);
    expect(await errcodeOf(submitAudit(client))).toBe(85009);
    await env.fake.resolveAudit(APP, 'fail', { push: false });
    env.fake.state.wxa.auditQuota.rest = 0;
    expect(await errcodeOf(submitAudit(client))).toBe(85085);
    expect((await queryAuditQuota(client)).rest).toBe(0);
  });

  it('checks item_list: 1 to 5 items (85023) on pages of the code (85007)', async () => {
    await commitV('1.0.0');
    expect(await errcodeOf(submitAudit(client, { item_list: [] }))).toBe(85023);
    expect(await errcodeOf(submitAudit(client, { item_list: [{ address: 'pages/other' }] }))).toBe(85007);
  });

  it('answers 85012 for an audit id of nothing, and 85058 before any audit', async () => {
    expect(await errcodeOf(getLatestAuditStatus(client))).toBe(85058);
    expect(await errcodeOf(getAuditStatus(client, 12345))).toBe(85012);
  });

  it('withdraws an audit in review (status 3) and refuses the sixth withdrawal with 87013', async () => {
    await commitV('1.0.0');
    for (let i = 0; i < 5; i++) {
      const { auditid } = await submitAudit(client);
      await undoCodeAudit(client);
      expect((await getAuditStatus(client, auditid)).status).toBe(AuditStatus.Withdrawn);
    }
    await submitAudit(client);
    expect(await errcodeOf(undoCodeAudit(client))).toBe(87013);
  });

  it('speeds an audit up once (89404 after), only while pending (89402), within the quota (89405)', async () => {
    await commitV('1.0.0');
    const { auditid } = await submitAudit(client);
    await speedupAudit(client, auditid);
    expect(await errcodeOf(speedupAudit(client, auditid))).toBe(89404);
    await env.fake.resolveAudit(APP, 'success', { push: false });
    expect(await errcodeOf(speedupAudit(client, auditid))).toBe(89402);
    expect(await errcodeOf(speedupAudit(client, 1))).toBe(85012);
    await release(client);
    await commitV('1.0.1');
    const second = await submitAudit(client);
    env.fake.state.wxa.auditQuota.speedup_rest = 0;
    expect(await errcodeOf(speedupAudit(client, second.auditid))).toBe(89405);
  });

  it('releases only an approved, unreleased audit: 85019, 85020, 85052', async () => {
    expect(await errcodeOf(release(client))).toBe(85019);
    await commitV('1.0.0');
    await submitAudit(client);
    expect(await errcodeOf(release(client))).toBe(85020);
    await env.fake.resolveAudit(APP, 'success', { push: false });
    await release(client);
    expect(await errcodeOf(release(client))).toBe(85052);
  });

  it('reverts to the previous release and lists the versions it can go back to (87012 with nothing to go back to)', async () => {
    await approved('1.0.0');
    await release(client);
    expect(await errcodeOf(revertCodeRelease(client))).toBe(87012);
    await approved('1.1.0');
    await release(client);
    const { version_list } = await getHistoryVersions(client);
    expect(version_list.map((v) => v.user_version)).toEqual(['1.0.0']);
    await revertCodeRelease(client);
    expect((await getVersionInfo(client)).release_info?.release_version).toBe('1.0.0');
  });

  it('gray-releases an approved version over a released one, in rising steps, and cancels it', async () => {
    await approved('1.0.0');
    expect(await errcodeOf(grayRelease(client, { gray_percentage: 10 }))).toBe(85079);
    await release(client);
    expect(await errcodeOf(grayRelease(client, { gray_percentage: 10 }))).toBe(85080);
    await approved('1.1.0');
    expect(await errcodeOf(grayRelease(client, { gray_percentage: 0 }))).toBe(85081);
    await grayRelease(client, { gray_percentage: 10, support_experiencer_first: true });
    expect(await errcodeOf(grayRelease(client, { gray_percentage: 5 }))).toBe(85082);
    await grayRelease(client, { gray_percentage: 30 });
    expect((await getGrayReleasePlan(client)).gray_release_plan).toMatchObject({ status: 1, gray_percentage: 30, support_experiencer_first: false });
    expect(await errcodeOf(revertCodeRelease(client))).toBe(87011);
    await revertGrayRelease(client);
    expect((await getGrayReleasePlan(client)).gray_release_plan.status).toBe(4);
  });

  it('changes the visit status of a released version (85022 bad action, 85021 unchanged)', async () => {
    await approved('1.0.0');
    await release(client);
    await changeVisitStatus(client, 'close');
    expect(env.fake.miniProgram(APP).visitStatus).toBe('close');
    expect(await errcodeOf(changeVisitStatus(client, 'close'))).toBe(85021);
    expect(await errcodeOf(changeVisitStatus(client, 'hide' as 'open'))).toBe(85022);
  });

  it('lists the audit categories', async () => {
    expect((await getCategory(client)).category_list[0]).toMatchObject({ first_class: '工具', first_id: 287 });
  });
});

describe('trial QR code (bytes)', () => {
  it('returns the image bytes and content type for the committed code, with the path encoded once', async () => {
    await commitV('1.0.0');
    const bytes = env.credentials.authorizerClient(APP);
    const image = await getTrialQrcode(bytes, 'pages/shop/shop?id=1');
    expect(image.contentType).toBe('image/jpeg');
    expect([...image.bytes.subarray(0, 3)]).toEqual([0xff, 0xd8, 0xff]);
    expect(Buffer.from(image.bytes).toString('latin1')).toContain('pages/shop/shop?id=1');
    const sent = env.fake.requests.filter((r) => r.path === '/wxa/get_qrcode').at(-1);
    expect(sent?.query['path']).toBe('pages/shop/shop?id=1');
  });

  it('turns a JSON error body into WechatApiError (86001 before any commit)', async () => {
    const bytes = env.credentials.authorizerClient(APP);
    expect(await errcodeOf(getTrialQrcode(bytes))).toBe(86001);
  });

  it('refreshes a refused authorizer token once and retries', async () => {
    await commitV('1.0.0');
    const bytes = env.credentials.authorizerClient(APP);
    env.fake.invalidateAuthorizerToken(APP);
    const refreshes = env.fake.count('api_authorizer_token');
    const image = await getTrialQrcode(bytes);
    expect(image.bytes.byteLength).toBeGreaterThan(4);
    expect(env.fake.count('api_authorizer_token')).toBe(refreshes + 1);
    expect(env.fake.count('get_qrcode')).toBe(2);
  });

  it('refuses a body over maxBytes with ERR_API_RESPONSE', async () => {
    await commitV('1.0.0');
    const transport = new ApiTransport({ apiBase: env.fake.url, maxBinaryResponseBytes: 8 });
    const bytes = new Client(transport, env.credentials.authorizer(APP));
    await expect(getTrialQrcode(bytes)).rejects.toMatchObject({ code: 'ERR_API_RESPONSE' });
  });
});
