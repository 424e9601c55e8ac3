import { bindOpenAccount, createOpenAccount, getOpenAccount, hasOpenAccount, unbindOpenAccount } from '../../src/api/open-account';
import { errcodeOf, onBehalf } from './on-behalf';
import type { OnBehalf } from './on-behalf';

const A = 'wxminiprogram000001';
const B = 'wxminiprogram000002';
let env: OnBehalf;
beforeEach(async () => {
  env = await onBehalf();
});
afterEach(() => env.close());

describe('open-platform account binding', () => {
  it('creates an open account for one authorizer, binds another of the same principal, reads and unbinds', async () => {
    const a = await env.miniProgram(A);
    const b = await env.miniProgram(B);
    const { open_appid } = await createOpenAccount(a, A);
    expect((await hasOpenAccount(a)).have_open).toBe(true);
    expect((await hasOpenAccount(b)).have_open).toBe(false);
    await bindOpenAccount(b, B, open_appid);
    expect((await getOpenAccount(b, B)).open_appid).toBe(open_appid);
    await unbindOpenAccount(b, B, open_appid);
    expect(await errcodeOf(getOpenAccount(b, B))).toBe(89002);
  });

  it('answers 89000 when already bound, 89001 across principals, 89003 for an account not created by the API', async () => {
    const a = await env.miniProgram(A);
    const other = await env.miniProgram(B, { principal: 'another company' });
    const { open_appid } = await createOpenAccount(a, A);
    expect(await errcodeOf(createOpenAccount(a, A))).toBe(89000);
    expect(await errcodeOf(bindOpenAccount(other, B, open_appid))).toBe(89001);
    env.fake.state.wxa.openAccounts.set('wxmanual', { openAppId: 'wxmanual', principal: 'another company', createdByApi: false, apps: new Set() });
    expect(await errcodeOf(bindOpenAccount(other, B, 'wxmanual'))).toBe(89003);
  });

  it('answers 89002 to unbinding an account not bound, and 40013 for an appid other than the token’s', async () => {
    const a = await env.miniProgram(A);
    expect(await errcodeOf(unbindOpenAccount(a, A, 'wxnothing'))).toBe(89002);
    expect(await errcodeOf(createOpenAccount(a, B))).toBe(40013);
  });

  it('answers 89004 once 100 accounts are bound', async () => {
    const a = await env.miniProgram(A);
    const { open_appid } = await createOpenAccount(a, A);
    const open = env.fake.state.wxa.openAccounts.get(open_appid);
    for (let i = 0; open && open.apps.size < 100; i++) open.apps.add(`wxfill${i}`);
    expect(await errcodeOf(bindOpenAccount(await env.miniProgram(B), B, open_appid))).toBe(89004);
  });
});
