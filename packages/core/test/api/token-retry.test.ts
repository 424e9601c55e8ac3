/**
 * Every typed API refreshes a refused token once and retries once: the authorizer token for authorizer APIs,
 * the component token for component APIs (in whichever query parameter the API takes). Each case first makes
 * the API's call work (a cached token), then invalidates the token at the fake and calls again.
 */
import * as api from '@wxopen/core';
import type { Client } from '../../src/api/client';
import { TOKEN_ERRCODES } from '../../src/api/errcode';
import { WechatApiError } from '../../src/errors';
import { onBehalf } from './on-behalf';
import type { OnBehalf } from './on-behalf';

const MP = 'wxminiprogram000001';
const OA = 'wxofficialacct00001';

interface Clients {
  readonly mp: Client;
  readonly oa: Client;
  readonly component: Client;
  readonly template: Client;
  readonly env: OnBehalf;
  readonly componentAppId: string;
}

type Case = readonly [name: string, token: 'authorizer' | 'component', endpoint: string, call: (c: Clients) => Promise<unknown>];

const CASES: readonly Case[] = [
  ['commit', 'authorizer', 'commit', (c) => api.commit(c.mp, { template_id: 1, ext_json: '{}', user_version: '1', user_desc: '' })],
  ['getPage', 'authorizer', 'get_page', (c) => api.getPage(c.mp)],
  ['submitAudit', 'authorizer', 'submit_audit', (c) => api.submitAudit(c.mp)],
  ['getAuditStatus', 'authorizer', 'get_auditstatus', (c) => api.getAuditStatus(c.mp, 1)],
  ['getLatestAuditStatus', 'authorizer', 'get_latest_auditstatus', (c) => api.getLatestAuditStatus(c.mp)],
  ['undoCodeAudit', 'authorizer', 'undocodeaudit', (c) => api.undoCodeAudit(c.mp)],
  ['speedupAudit', 'authorizer', 'speedupaudit', (c) => api.speedupAudit(c.mp, 1)],
  ['release', 'authorizer', 'release', (c) => api.release(c.mp)],
  ['revertCodeRelease', 'authorizer', 'revertcoderelease', (c) => api.revertCodeRelease(c.mp)],
  ['getHistoryVersions', 'authorizer', 'revertcoderelease', (c) => api.getHistoryVersions(c.mp)],
  ['grayRelease', 'authorizer', 'grayrelease', (c) => api.grayRelease(c.mp, { gray_percentage: 10 })],
  ['getGrayReleasePlan', 'authorizer', 'getgrayreleaseplan', (c) => api.getGrayReleasePlan(c.mp)],
  ['revertGrayRelease', 'authorizer', 'revertgrayrelease', (c) => api.revertGrayRelease(c.mp)],
  ['changeVisitStatus', 'authorizer', 'change_visitstatus', (c) => api.changeVisitStatus(c.mp, 'close')],
  ['getCategory', 'authorizer', 'get_category', (c) => api.getCategory(c.mp)],
  ['getVersionInfo', 'authorizer', 'getversioninfo', (c) => api.getVersionInfo(c.mp)],
  ['queryAuditQuota', 'authorizer', 'queryquota', (c) => api.queryAuditQuota(c.mp)],
  ['modifyDomain', 'authorizer', 'modify_domain', (c) => api.modifyDomain(c.mp, { action: 'get' })],
  ['modifyDomainDirectly', 'authorizer', 'modify_domain_directly', (c) => api.modifyDomainDirectly(c.mp, { action: 'get' })],
  ['getEffectiveDomain', 'authorizer', 'get_effective_domain', (c) => api.getEffectiveDomain(c.mp)],
  ['setWebviewDomain', 'authorizer', 'setwebviewdomain', (c) => api.setWebviewDomain(c.mp, { action: 'get' })],
  ['setWebviewDomainDirectly', 'authorizer', 'setwebviewdomain_directly', (c) => api.setWebviewDomainDirectly(c.mp, { action: 'get' })],
  ['getEffectiveWebviewDomain', 'authorizer', 'get_effective_webviewdomain', (c) => api.getEffectiveWebviewDomain(c.mp)],
  ['bindTester', 'authorizer', 'bind_tester', (c) => api.bindTester(c.mp, 'tester_account1')],
  ['unbindTester', 'authorizer', 'unbind_tester', (c) => api.unbindTester(c.mp, { wechatid: 'tester_account1' })],
  ['listTesters', 'authorizer', 'memberauth', (c) => api.listTesters(c.mp)],
  ['getAccountBasicInfo', 'authorizer', 'getaccountbasicinfo', (c) => api.getAccountBasicInfo(c.mp)],
  ['modifySignature', 'authorizer', 'modifysignature', (c) => api.modifySignature(c.mp, 'a shop')],
  ['modifyHeadImage', 'authorizer', 'modifyheadimage', (c) => api.modifyHeadImage(c.mp, { head_img_media_id: 'm', x1: 0, y1: 0, x2: 1, y2: 1 })],
  ['setNickname', 'authorizer', 'setnickname', (c) => api.setNickname(c.mp, { nick_name: 'shop' })],
  ['queryNickname', 'authorizer', 'api_wxa_querynickname', (c) => api.queryNickname(c.mp, 1)],
  ['checkNickname', 'authorizer', 'checkwxverifynickname', (c) => api.checkNickname(c.mp, 'shop')],
  ['setPrivacySetting', 'authorizer', 'setprivacysetting', (c) => api.setPrivacySetting(c.mp, { owner_setting: { notice_method: 'mail' }, setting_list: [] })],
  ['getPrivacySetting', 'authorizer', 'getprivacysetting', (c) => api.getPrivacySetting(c.mp)],
  ['createOpenAccount', 'authorizer', 'create', (c) => api.createOpenAccount(c.mp, MP)],
  ['bindOpenAccount', 'authorizer', 'bind', (c) => api.bindOpenAccount(c.mp, MP, 'wxopen')],
  ['unbindOpenAccount', 'authorizer', 'unbind', (c) => api.unbindOpenAccount(c.mp, MP, 'wxopen')],
  ['getOpenAccount', 'authorizer', '/cgi-bin/open/get', (c) => api.getOpenAccount(c.mp, MP)],
  ['hasOpenAccount', 'authorizer', 'have', (c) => api.hasOpenAccount(c.mp)],
  ['clearAuthorizerQuota', 'authorizer', '/cgi-bin/clear_quota', (c) => api.clearAuthorizerQuota(c.mp, MP)],
  ['getApiQuota', 'authorizer', '/cgi-bin/openapi/quota/get', (c) => api.getApiQuota(c.mp, '/wxa/commit')],
  ['getOwnAuthorizerOption', 'authorizer', 'get_authorizer_option', (c) => api.getOwnAuthorizerOption(c.mp, 'voice_recognize')],
  ['setOwnAuthorizerOption', 'authorizer', 'set_authorizer_option', (c) => api.setOwnAuthorizerOption(c.mp, 'voice_recognize', 1)],
  ['getJsTicket', 'authorizer', 'getticket', (c) => api.getJsTicket(c.oa, 'jsapi')],
  ['jscode2session', 'component', 'jscode2session', (c) => api.jscode2session(c.component, c.componentAppId, MP, c.env.fake.issueJsCode({ appId: MP }).code)],
  ['exchangeOAuthCode', 'component', '/sns/oauth2/component/access_token', (c) => api.exchangeOAuthCode(c.component, c.componentAppId, OA, c.env.fake.issueOAuthCode({ appId: OA }))],
  ['refreshOAuthToken', 'component', '/sns/oauth2/component/refresh_token', (c) => api.refreshOAuthToken(c.component, c.componentAppId, OA, 'OAUTH_REFRESH_unknown')],
  ['getTemplateDraftList', 'component', 'gettemplatedraftlist', (c) => api.getTemplateDraftList(c.template)],
  ['addToTemplate', 'component', 'addtotemplate', (c) => api.addToTemplate(c.template, 1)],
  ['getTemplateList', 'component', 'gettemplatelist', (c) => api.getTemplateList(c.template)],
  ['deleteTemplate', 'component', 'deletetemplate', (c) => api.deleteTemplate(c.template, 99)],
  ['fastRegisterEnterprise', 'component', 'fastregisterweapp', (c) =>
    api.fastRegisterEnterprise(c.component, { name: 'Shop Ltd', code: '91440300MA5XXXXXXX', code_type: 1, legal_persona_wechat: 'legal_person1', legal_persona_name: 'Li' })],
  ['fastRegisterPersonal', 'component', 'fastregisterpersonalweapp', (c) => api.fastRegisterPersonal(c.component, { idname: 'Li', wxuser: 'person_user1' })],
  ['fastRegisterBeta', 'component', 'fastregisterbetaweapp', (c) => api.fastRegisterBeta(c.template, { name: 'trial', openid: 'o_user' })],
  ['getAuthorizerList (page)', 'component', 'api_get_authorizer_list', (c) => api.getAuthorizerList(c.component, c.componentAppId, { count: 10 })],
];

let env: OnBehalf;
let clients: Clients;

beforeEach(async () => {
  env = await onBehalf();
  const [mp, oa] = [await env.miniProgram(MP), await env.officialAccount(OA)];
  clients = { mp, oa, component: env.component, template: env.componentAsAccessToken, env, componentAppId: env.fake.componentAppId };
  env.fake.addTemplate();
});
afterEach(() => env.close());

/** Settles a call: its value, or the WeChat error it was refused with (never a token error). */
async function settle(call: Promise<unknown>): Promise<void> {
  try {
    await call;
  } catch (error) {
    if (!(error instanceof WechatApiError)) throw error;
    expect(TOKEN_ERRCODES.has(error.errcode)).toBe(false);
  }
}

describe.each(CASES)('%s', (_name, token, endpoint, call) => {
  it(`refreshes a refused ${token} token once and retries the call once`, async () => {
    await settle(call(clients));
    const before = env.fake.count(endpoint);
    const tokenEndpoint = token === 'authorizer' ? 'api_authorizer_token' : 'api_component_token';
    const refreshes = env.fake.count(tokenEndpoint);
    if (token === 'authorizer') env.fake.invalidateAuthorizerToken(endpoint === 'getticket' ? OA : MP);
    else env.fake.invalidateComponentToken();

    await settle(call(clients));

    expect(env.fake.count(tokenEndpoint)).toBe(refreshes + 1);
    expect(env.fake.count(endpoint)).toBe(before + 2);
  });
});
