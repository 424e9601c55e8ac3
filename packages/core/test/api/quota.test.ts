import { commit } from '../../src/api/miniprogram/code';
import { clearAuthorizerQuota, clearQuotaByAppSecret, getApiQuota } from '../../src/api/quota';
import { errcodeOf, onBehalf } from './on-behalf';
import type { OnBehalf } from './on-behalf';

const APP = 'wxminiprogram000001';
let env: OnBehalf;
beforeEach(async () => {
  env = await onBehalf();
});
afterEach(() => env.close());

describe('quotas', () => {
  it('reads an API’s daily quota as counted for the authorizer (76021 for an unknown path)', async () => {
    const client = await env.miniProgram(APP);
    const templateId = env.fake.addTemplate().template_id;
    for (let i = 0; i < 3; i++) await commit(client, { template_id: templateId, ext_json: '{}', user_version: `1.0.${i}`, user_desc: '' });
    expect((await getApiQuota(client, '/wxa/commit')).quota).toEqual({ daily_limit: 100000, used: 3, remain: 99997 });
    expect(await errcodeOf(getApiQuota(client, '/wxa/nothing'))).toBe(76021);
  });

  it('clears the authorizer’s exhausted quota, ten times a month (48006 after)', async () => {
    const client = await env.miniProgram(APP);
    env.fake.quota('commit');
    const templateId = env.fake.addTemplate().template_id;
    const call = () => commit(client, { template_id: templateId, ext_json: '{}', user_version: '1', user_desc: '' });
    expect(await errcodeOf(call())).toBe(45009);
    await clearAuthorizerQuota(client, APP);
    await call();
    for (let i = 1; i < 10; i++) await clearAuthorizerQuota(client, APP);
    expect(await errcodeOf(clearAuthorizerQuota(client, APP))).toBe(48006);
  });

  it('clears a quota with the component AppSecret and no token (40125 for a wrong secret)', async () => {
    await env.miniProgram(APP);
    env.fake.quota('commit');
    const request = { appid: APP, component_appid: env.fake.componentAppId, appsecret: env.fake.componentAppSecret };
    expect(await errcodeOf(clearQuotaByAppSecret(env.transport, { ...request, appsecret: 'wrong' }))).toBe(40125);
    await clearQuotaByAppSecret(env.transport, request);
    const sent = env.fake.requests.filter((r) => r.path === '/cgi-bin/component/clear_quota/v2');
    expect(sent.every((r) => r.query['access_token'] === undefined && r.query['component_access_token'] === undefined)).toBe(true);
    expect(env.fake.count('api_component_token')).toBe(0);
  });
});
