/** Domains, testers, basic info and the privacy guide of an authorized mini program. */
import {
  getEffectiveDomain,
  getEffectiveWebviewDomain,
  modifyDomain,
  modifyDomainDirectly,
  setWebviewDomain,
  setWebviewDomainDirectly,
} from '../../src/api/miniprogram/domain';
import { bindTester, listTesters, unbindTester } from '../../src/api/miniprogram/tester';
import {
  checkNickname,
  getAccountBasicInfo,
  modifyHeadImage,
  modifySignature,
  queryNickname,
  setNickname,
} from '../../src/api/miniprogram/basic-info';
import { getPrivacySetting, setPrivacySetting } from '../../src/api/miniprogram/privacy';
import type { Client } from '../../src/api/client';
import { errcodeOf, onBehalf } from './on-behalf';
import type { OnBehalf } from './on-behalf';

const APP = 'wxminiprogram000001';
let env: OnBehalf;
let client: Client;
beforeEach(async () => {
  env = await onBehalf();
  client = await env.miniProgram(APP, { nickname: 'Corner Shop' });
});
afterEach(() => env.close());

describe('server domains', () => {
  it('adds, reads and deletes platform domains, and shows what takes effect with the direct ones', async () => {
    const added = await modifyDomain(client, { action: 'add', requestdomain: ['https://api.example.com'], uploaddomain: ['https://upload.example.com'] });
    expect(added.requestdomain).toEqual(['https://api.example.com']);
    expect((await modifyDomain(client, { action: 'get' })).uploaddomain).toEqual(['https://upload.example.com']);
    await modifyDomainDirectly(client, { action: 'set', requestdomain: ['https://own.example.org'] });
    const effective = await getEffectiveDomain(client);
    expect(effective.third_domain.requestdomain).toEqual(['https://api.example.com']);
    expect(effective.direct_domain.requestdomain).toEqual(['https://own.example.org']);
    expect(effective.effective_domain.requestdomain).toEqual(['https://api.example.com', 'https://own.example.org']);
    await modifyDomain(client, { action: 'delete', requestdomain: ['https://api.example.com'] });
    expect((await modifyDomain(client, { action: 'get' })).requestdomain).toEqual([]);
  });

  it('refuses a domain the platform has not configured (85018) and an add that adds nothing (85017)', async () => {
    expect(await errcodeOf(modifyDomain(client, { action: 'add', requestdomain: ['https://other.example.org'] }))).toBe(85018);
    await modifyDomain(client, { action: 'add', requestdomain: ['https://api.example.com'] });
    expect(await errcodeOf(modifyDomain(client, { action: 'add', requestdomain: ['https://api.example.com'] }))).toBe(85017);
  });

  it('refuses an unknown action (40097)', async () => {
    expect(await errcodeOf(modifyDomain(client, { action: 'replace' as 'set' }))).toBe(40097);
  });
});

describe('web-view domains', () => {
  it('sets platform web-view domains and subdomains of them, and direct ones, and shows the effective list', async () => {
    expect((await setWebviewDomain(client, { action: 'add', webviewdomain: ['https://m.www.example.com'] })).webviewdomain).toEqual(['https://m.www.example.com']);
    await setWebviewDomainDirectly(client, { action: 'add', webviewdomain: ['https://h5.shop.example.org'] });
    expect((await getEffectiveWebviewDomain(client)).effective_webviewdomain).toEqual(['https://m.www.example.com', 'https://h5.shop.example.org']);
  });

  it('answers 89021 off the platform, 89019 unchanged, 89029 over 100, 89020 with none on the platform, 89231 for personal', async () => {
    expect(await errcodeOf(setWebviewDomain(client, { action: 'add', webviewdomain: ['https://evil.example.net'] }))).toBe(89021);
    await setWebviewDomain(client, { action: 'set', webviewdomain: ['https://www.example.com'] });
    expect(await errcodeOf(setWebviewDomain(client, { action: 'set', webviewdomain: ['https://www.example.com'] }))).toBe(89019);
    const many = Array.from({ length: 101 }, (_, i) => `https://h${i}.shop.example.org`);
    expect(await errcodeOf(setWebviewDomainDirectly(client, { action: 'set', webviewdomain: many }))).toBe(89029);
    env.fake.state.wxa.platformWebviewDomains = [];
    expect(await errcodeOf(setWebviewDomain(client, { action: 'get' }))).toBe(89020);
    const personal = await env.miniProgram('wxpersonalmp000001', { personal: true });
    expect(await errcodeOf(setWebviewDomainDirectly(personal, { action: 'get' }))).toBe(89231);
  });
});

describe('testers', () => {
  it('binds a tester, lists it by userstr and unbinds it by userstr', async () => {
    const { userstr } = await bindTester(client, 'tester_alice');
    expect((await listTesters(client)).members).toEqual([{ userstr }]);
    await unbindTester(client, { userstr });
    expect((await listTesters(client)).members).toEqual([]);
  });

  it('answers 85001 for an unusable WeChat id, 85004 for a tester bound twice, 85002 past the limit', async () => {
    expect(await errcodeOf(bindTester(client, 'x'))).toBe(85001);
    await bindTester(client, 'tester_alice');
    expect(await errcodeOf(bindTester(client, 'tester_alice'))).toBe(85004);
    for (let i = 1; i < 90; i++) await bindTester(client, `tester_${String(i).padStart(3, '0')}`);
    expect(await errcodeOf(bindTester(client, 'tester_overflow'))).toBe(85002);
  });
});

describe('basic info', () => {
  it('reads the account’s basic info', async () => {
    expect(await getAccountBasicInfo(client)).toMatchObject({ appid: APP, account_type: 3, nickname: 'Corner Shop', principal_name: 'fake principal' });
  });

  it('changes the description five times a month (53200 after), refusing forbidden words (53201)', async () => {
    expect(await errcodeOf(modifySignature(client, 'forbidden goods'))).toBe(53201);
    for (let i = 0; i < 5; i++) await modifySignature(client, `fresh bread ${i}`);
    expect((await getAccountBasicInfo(client)).signature_info).toMatchObject({ signature: 'fresh bread 4', modify_used_count: 5 });
    expect(await errcodeOf(modifySignature(client, 'one more'))).toBe(53200);
  });

  it('changes the avatar five times a month (53202 after), with a crop inside the image (40097 otherwise)', async () => {
    expect(await errcodeOf(modifyHeadImage(client, { head_img_media_id: 'm', x1: 0, y1: 0, x2: 2, y2: 1 }))).toBe(40097);
    for (let i = 0; i < 5; i++) await modifyHeadImage(client, { head_img_media_id: 'm', x1: 0, y1: 0, x2: 1, y2: 1 });
    expect(await errcodeOf(modifyHeadImage(client, { head_img_media_id: 'm', x1: 0, y1: 0, x2: 1, y2: 1 }))).toBe(53202);
  });

  it('asks for a name change, queries its review, checks a name, and refuses a name in use (85029)', async () => {
    const { audit_id } = await setNickname(client, { nick_name: 'Corner Bakery', license: 'media' });
    expect(await queryNickname(client, audit_id ?? -1)).toMatchObject({ nickname: 'Corner Bakery', audit_stat: 1 });
    expect((await checkNickname(client, '微信小店')).hit_condition).toBe(true);
    expect((await checkNickname(client, 'Bakery')).hit_condition).toBe(false);
    await env.miniProgram('wxminiprogram000002', { nickname: 'Taken' });
    expect(await errcodeOf(setNickname(client, { nick_name: 'Taken' }))).toBe(85029);
  });
});

describe('privacy guide', () => {
  it('sets and reads the privacy guide', async () => {
    await setPrivacySetting(client, {
      owner_setting: { contact_email: 'dpo@example.com', notice_method: 'pop-up' },
      setting_list: [{ privacy_key: 'Location', privacy_text: 'find the nearest shop' }],
    });
    const saved = await getPrivacySetting(client);
    expect(saved.owner_setting).toMatchObject({ contact_email: 'dpo@example.com', notice_method: 'pop-up' });
    expect(saved.setting_list).toEqual([{ privacy_key: 'Location', privacy_text: 'find the nearest shop', privacy_label: 'Location' }]);
    expect(saved.privacy_desc?.privacy_desc_list.length).toBeGreaterThan(10);
  });

  it('answers 86076 for an unknown privacy_key', async () => {
    const request = { owner_setting: { notice_method: 'mail' }, setting_list: [{ privacy_key: 'Telepathy', privacy_text: 'x' }] };
    expect(await errcodeOf(setPrivacySetting(client, request))).toBe(86076);
  });
});
