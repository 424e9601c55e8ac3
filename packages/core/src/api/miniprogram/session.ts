/**
 * Mini-program login on behalf of an authorized mini program (代小程序登录): exchanges the `code` from
 * `wx.login()` for the user's `openid` and `session_key`, with the **component** `Client`.
 */
import type { Client } from '../client';

export const SESSION_API = Object.freeze({ jscode2session: '/sns/component/jscode2session' });

/**
 * `jscode2session`. `session_key` is a secret: it decrypts the user's data and signs `wx.getUserInfo` results;
 * keep it on the server and never log it.
 */
export interface Code2SessionResponse {
  readonly openid: string;
  readonly session_key: string;
  /** Present when the mini program is bound to an open-platform account the user has used. */
  readonly unionid?: string;
}

/**
 * `sns/component/jscode2session` (GET, `?component_access_token=`). A code is single use and valid for 5 min:
 * 40029 invalid code, 40163 code already used, 45011 too frequent.
 */
export function jscode2session(
  client: Client,
  componentAppId: string,
  authorizerAppId: string,
  jsCode: string,
): Promise<Code2SessionResponse> {
  return client.getJSON(SESSION_API.jscode2session, {
    appid: authorizerAppId,
    js_code: jsCode,
    grant_type: 'authorization_code',
    component_appid: componentAppId,
  });
}
