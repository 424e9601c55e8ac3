/** Authorization page URLs (授权页) for the PC QR-code flow and the mobile flow inside WeChat. */
import { optionError } from '../errors';

export interface AuthorizationUrlOptions {
  /** Where WeChat sends the admin back, with `auth_code` and `expires_in`. Its domain must be the 授权发起页域名. */
  readonly redirectUri: string;
  /**
   * Accounts offered: 1 official accounts only, 2 mini programs only, 3 both (WeChat's default when omitted).
   * Newer docs add further values. Mutually exclusive with `bizAppId`.
   */
  readonly authType?: number;
  /** Pins one specific account to authorize. Mutually exclusive with `authType`. */
  readonly bizAppId?: string;
  /** Permission-set ids offered (`category_id_list`, joined with `|`). Default: all granted to the platform. */
  readonly categoryIdList?: readonly (string | number)[];
}

const PC_PAGE = 'https://mp.weixin.qq.com/cgi-bin/componentloginpage';
const MOBILE_PAGE = 'https://open.weixin.qq.com/wxaopen/safe/bindcomponent';

/** Checks the options before any pre-auth code is spent; throws `TypeError` naming the option. */
export function checkAuthorizationUrlOptions(options: AuthorizationUrlOptions): void {
  if (typeof options?.redirectUri !== 'string' || !/^https?:\/\//i.test(options.redirectUri)) {
    throw optionError('redirectUri', 'must be an absolute http(s) URL on the domain configured as 授权发起页域名');
  }
  if (options.authType !== undefined && options.bizAppId !== undefined) {
    throw optionError('authType', 'and `bizAppId` are mutually exclusive: pass one of them');
  }
  if (options.authType !== undefined && (!Number.isInteger(options.authType) || options.authType < 1)) {
    throw optionError('authType', 'must be a positive integer (1 official accounts, 2 mini programs, 3 both)');
  }
  if (options.bizAppId !== undefined && (typeof options.bizAppId !== 'string' || options.bizAppId === '')) {
    throw optionError('bizAppId', 'must be a non-empty appid');
  }
  if (options.categoryIdList !== undefined && !Array.isArray(options.categoryIdList)) {
    throw optionError('categoryIdList', 'must be an array of permission-set ids');
  }
}

/**
 * The authorization page URL. `pc` is the QR-code page (componentloginpage); `mobile` opens inside WeChat
 * (bindcomponent, ending in `#wechat_redirect`).
 */
export function authorizationPageUrl(
  kind: 'pc' | 'mobile',
  componentAppId: string,
  preAuthCode: string,
  options: AuthorizationUrlOptions,
): string {
  checkAuthorizationUrlOptions(options);
  const url = new URL(kind === 'pc' ? PC_PAGE : MOBILE_PAGE);
  const params = url.searchParams;
  if (kind === 'mobile') {
    params.set('action', 'bindcomponent');
    params.set('no_scan', '1');
  }
  params.set('component_appid', componentAppId);
  params.set('pre_auth_code', preAuthCode);
  params.set('redirect_uri', options.redirectUri);
  if (options.authType !== undefined) params.set('auth_type', String(options.authType));
  if (options.bizAppId !== undefined) params.set('biz_appid', options.bizAppId);
  if (options.categoryIdList !== undefined) params.set('category_id_list', options.categoryIdList.join('|'));
  if (kind === 'mobile') url.hash = 'wechat_redirect';
  return url.href;
}
