import {
  fastRegisterBeta,
  fastRegisterEnterprise,
  fastRegisterPersonal,
  queryFastRegisterPersonal,
  searchFastRegisterEnterprise,
} from '../../src/api/register';
import { errcodeOf, onBehalf } from './on-behalf';
import type { OnBehalf } from './on-behalf';

const ENTERPRISE = {
  name: 'Corner Shop Ltd',
  code: '91440300MA5F00000X',
  code_type: 1 as const,
  legal_persona_wechat: 'legal_person1',
  legal_persona_name: 'Li Lei',
  component_phone: '13800000000',
};

let env: OnBehalf;
beforeEach(async () => {
  env = await onBehalf();
});
afterEach(() => env.close());

describe('fast registration', () => {
  it('starts an enterprise registration, sees it wait for face recognition, and completes it with an authorization code', async () => {
    await fastRegisterEnterprise(env.component, ENTERPRISE);
    const search = { name: ENTERPRISE.name, legal_persona_wechat: ENTERPRISE.legal_persona_wechat, legal_persona_name: ENTERPRISE.legal_persona_name };
    expect(await errcodeOf(searchFastRegisterEnterprise(env.component, search))).toBe(89251);
    const { appId, authCode } = await env.fake.completeRegistration(ENTERPRISE.name);
    await searchFastRegisterEnterprise(env.component, search);
    const info = await env.credentials.queryAuth(authCode);
    expect(info.authorizer_appid).toBe(appId);
    const sent = env.fake.requests.find((r) => r.path === '/cgi-bin/component/fastregisterweapp');
    expect(sent?.query['action']).toBe('create');
  });

  it('answers 89249 to a second task of the same principal within 24 h, 89248 for a bad code_type, 86004 for a bad WeChat id, 89250 for no task', async () => {
    await fastRegisterEnterprise(env.component, ENTERPRISE);
    expect(await errcodeOf(fastRegisterEnterprise(env.component, ENTERPRISE))).toBe(89249);
    expect(await errcodeOf(fastRegisterEnterprise(env.component, { ...ENTERPRISE, name: 'B', code_type: 7 as 1 }))).toBe(89248);
    expect(await errcodeOf(fastRegisterEnterprise(env.component, { ...ENTERPRISE, name: 'C', legal_persona_wechat: 'x' }))).toBe(86004);
    expect(await errcodeOf(searchFastRegisterEnterprise(env.component, { name: 'none', legal_persona_wechat: 'legal_person1', legal_persona_name: 'x' }))).toBe(89250);
  });

  it('registers a personal mini program and queries the task (85060 for an unknown task)', async () => {
    const task = await fastRegisterPersonal(env.component, { idname: 'Han Meimei', wxuser: 'person_user1' });
    expect(task.authorize_url).toMatch(/^https:\/\//);
    expect((await queryFastRegisterPersonal(env.component, task.taskid)).taskid).toBe(task.taskid);
    expect(await errcodeOf(queryFastRegisterPersonal(env.component, 'nope'))).toBe(85060);
  });

  it('creates a trial mini program with the component token in access_token', async () => {
    const beta = await fastRegisterBeta(env.componentAsAccessToken, { name: 'Trial Shop', openid: 'o_admin' });
    expect(beta.unique_id).toHaveLength(32);
    const sent = env.fake.requests.find((r) => r.path === '/wxa/component/fastregisterbetaweapp');
    expect(sent?.query['access_token']).toBe(env.fake.state.componentToken);
  });
});
