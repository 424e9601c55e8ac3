import { harness } from './setup';
import type { Harness, TestStore } from './setup';

/**
 * The authorization URL rules, on the given store (they read the ticket and the component token from it):
 * `auth-url.test.ts` runs them on memory and file, `auth-url.int.test.ts` on Redis.
 */
export function describeAuthUrlRules(testStore: TestStore): void {
  describe(`on ${testStore.name}`, () => {
    let h: Harness;
    beforeEach(async () => {
      h = await harness({}, {}, testStore);
      await h.credentials.saveVerifyTicket(h.fake.pushTicket());
    });
    afterEach(() => h.close());

    const REDIRECT = 'https://platform.example.com/wechat/authorized?from=admin&x=1';

    describe('authorization URLs', () => {
      it('builds the PC componentloginpage URL with a fresh pre-auth code and an encoded redirect', async () => {
        const url = new URL(await h.credentials.authorizationUrl({ redirectUri: REDIRECT, authType: 2, categoryIdList: [99, '31'] }));
        expect(url.origin + url.pathname).toBe('https://mp.weixin.qq.com/cgi-bin/componentloginpage');
        expect(Object.fromEntries(url.searchParams)).toEqual({
          component_appid: h.fake.componentAppId,
          pre_auth_code: [...h.fake.state.preAuthCodes.keys()][0],
          redirect_uri: REDIRECT,
          auth_type: '2',
          category_id_list: '99|31',
        });
        expect(url.href).toContain(`redirect_uri=${encodeURIComponent(REDIRECT)}`);
        expect(url.hash).toBe('');
      });

      it('builds the mobile bindcomponent URL ending in #wechat_redirect', async () => {
        const href = await h.credentials.mobileAuthorizationUrl({ redirectUri: REDIRECT, bizAppId: 'wxbiz' });
        const url = new URL(href);
        expect(url.origin + url.pathname).toBe('https://open.weixin.qq.com/wxaopen/safe/bindcomponent');
        expect(Object.fromEntries(url.searchParams)).toEqual({
          action: 'bindcomponent',
          no_scan: '1',
          component_appid: h.fake.componentAppId,
          pre_auth_code: expect.stringMatching(/^preauthcode@@@/),
          redirect_uri: REDIRECT,
          biz_appid: 'wxbiz',
        });
        expect(href.endsWith('#wechat_redirect')).toBe(true);
      });

      it('spends a new pre-auth code for every URL', async () => {
        const a = new URL(await h.credentials.authorizationUrl({ redirectUri: REDIRECT }));
        const b = new URL(await h.credentials.authorizationUrl({ redirectUri: REDIRECT }));
        expect(a.searchParams.get('pre_auth_code')).not.toBe(b.searchParams.get('pre_auth_code'));
      });

      it('rejects authType together with bizAppId with a TypeError, before spending a pre-auth code', async () => {
        await expect(h.credentials.authorizationUrl({ redirectUri: REDIRECT, authType: 1, bizAppId: 'wxbiz' })).rejects.toThrow(
          /`authType` and `bizAppId` are mutually exclusive/,
        );
        await expect(h.credentials.mobileAuthorizationUrl({ redirectUri: REDIRECT, authType: 1, bizAppId: 'wxbiz' })).rejects.toThrow(
          TypeError,
        );
        expect(h.fake.count('api_create_preauthcode')).toBe(0);
      });

      it('rejects a relative redirectUri and a non-integer authType', async () => {
        await expect(h.credentials.authorizationUrl({ redirectUri: '/back' })).rejects.toThrow(/`redirectUri`/);
        await expect(h.credentials.authorizationUrl({ redirectUri: REDIRECT, authType: 1.5 })).rejects.toThrow(/`authType`/);
      });
    });
  });
}
