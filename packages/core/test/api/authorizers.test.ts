import { listAllAuthorizers } from '../../src/api/authorizers';
import { getOwnAuthorizerOption, setOwnAuthorizerOption } from '../../src/api/authorizer-options';
import { MiniProgramApi } from '../../src/api/miniprogram/api';
import { errcodeOf, onBehalf } from './on-behalf';
import type { OnBehalf } from './on-behalf';

let env: OnBehalf;
beforeEach(async () => {
  env = await onBehalf();
});
afterEach(() => env.close());

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

describe('listAllAuthorizers', () => {
  it('walks every page of api_get_authorizer_list: 1 203 authorizers in 3 calls of 500', async () => {
    for (let i = 0; i < 1203; i++) env.fake.addAuthorizer(`wxauthorizer${String(i).padStart(8, '0')}`);
    const all = await collect(listAllAuthorizers(env.component, env.fake.componentAppId));
    expect(all).toHaveLength(1203);
    expect(new Set(all.map((a) => a.authorizer_appid)).size).toBe(1203);
    expect(env.fake.count('api_get_authorizer_list')).toBe(3);
  });

  it('stops after one call when the first page is short, and yields nothing for no authorizer', async () => {
    expect(await collect(listAllAuthorizers(env.component, env.fake.componentAppId, { pageSize: 10 }))).toEqual([]);
    expect(env.fake.count('api_get_authorizer_list')).toBe(1);
  });

  it('fetches a page only when the caller asks for more', async () => {
    for (let i = 0; i < 30; i++) env.fake.addAuthorizer(`wxauthorizer${String(i).padStart(8, '0')}`);
    for await (const authorizer of listAllAuthorizers(env.component, env.fake.componentAppId, { pageSize: 10 })) {
      expect(authorizer.refresh_token).toMatch(/^refreshtoken@@@/);
      break;
    }
    expect(env.fake.count('api_get_authorizer_list')).toBe(1);
  });

  it('refuses a page size outside 1–500', async () => {
    await expect(collect(listAllAuthorizers(env.component, env.fake.componentAppId, { pageSize: 501 }))).rejects.toThrow(/pageSize/);
  });
});

describe('authorizer options with the authorizer token', () => {
  it('reads and sets an option (40097 for an unknown option)', async () => {
    const client = await env.officialAccount('wxofficialacct00001');
    await setOwnAuthorizerOption(client, 'voice_recognize', 1);
    expect(await getOwnAuthorizerOption(client, 'voice_recognize')).toMatchObject({ option_name: 'voice_recognize', option_value: '1' });
    expect(await errcodeOf(getOwnAuthorizerOption(client, 'colour' as 'voice_recognize'))).toBe(40097);
  });
});

describe('MiniProgramApi', () => {
  it('binds every management call to one mini program’s client and appid', async () => {
    const mp = new MiniProgramApi(await env.miniProgram('wxminiprogram000001'), 'wxminiprogram000001');
    const templateId = env.fake.addTemplate().template_id;
    await mp.commit({ template_id: templateId, ext_json: '{}', user_version: '1.0.0', user_desc: 'first' });
    const { auditid } = await mp.submitAudit();
    await env.fake.resolveAudit('wxminiprogram000001', 'success', { push: false });
    expect((await mp.getAuditStatus(auditid)).status).toBe(0);
    await mp.release();
    const { open_appid } = await mp.createOpenAccount();
    expect((await mp.getOpenAccount()).open_appid).toBe(open_appid);
    await mp.clearQuota();
    expect((await mp.getVersionInfo()).release_info?.release_version).toBe('1.0.0');
  });

  it('refuses a missing client or appid with a TypeError', () => {
    expect(() => new MiniProgramApi(undefined as never, 'wx1')).toThrow(/client/);
    expect(() => new MiniProgramApi(env.component, '')).toThrow(/appId/);
  });
});
