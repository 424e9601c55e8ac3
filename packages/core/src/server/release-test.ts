/**
 * The 全网发布 (full-network release) automated test, answered out of the box.
 * https://developers.weixin.qq.com/doc/oplatform/Third-party_Platforms/2.0/operation/thirdparty/releases_instructions.html
 *
 * WeChat drives five fixed test accounts through a few scripted cases before a platform may go live. wxopen
 * recognises those accounts and answers for the user's handlers, which never see this traffic:
 * - text `TESTCOMPONENT_MSG_TYPE_TEXT` → text reply `TESTCOMPONENT_MSG_TYPE_TEXT_callback`;
 * - text `QUERY_AUTH_CODE:<code>` → `success` at once, then in the background `api_query_auth` with the code
 *   and a customer-service text `<code>_from_api` to the sender, with the authorizer token it returned;
 * - any event → text reply `<Event>from_callback` (the legacy case, still sent by some runs).
 */
import type { HandlerResult } from '../messages/reply';
import type { UnknownMessage, WechatMessage } from '../messages/types';

/** The official accounts and mini programs of the five test groups: appids and original ids. */
export const RELEASE_TEST_APP_IDS: ReadonlySet<string> = new Set([
  'wx570bc396a51b8ff8', 'wxd101a85aa106f53e', 'wx9252c5e0bb1836fc', 'wxc39235c15087f6f3', 'wx8e1097c5bc82cde9',
  'wx7720d01d4b2a4500', 'wx14550af28c71a144', 'wx05d483572dcd5d8b', 'wxa35b9c23cfe664eb', 'wx5910277cae6fd970',
]);
export const RELEASE_TEST_USER_NAMES: ReadonlySet<string> = new Set([
  'gh_3c884a361561', 'gh_8dad206e9538', 'gh_c0f28a78b318', 'gh_905ae9d01059', 'gh_3f222ed8d140',
  'gh_393666f1fdf4', 'gh_26128078e9ab', 'gh_39abb5d4e1b7', 'gh_2b3713f184a6', 'gh_7818dcb60240',
]);

const TEXT_CASE = 'TESTCOMPONENT_MSG_TYPE_TEXT';
const QUERY_AUTH_CODE = 'QUERY_AUTH_CODE:';

/** Whether a message comes from one of WeChat's release-test accounts. */
export function isReleaseTest(message: WechatMessage | UnknownMessage, authorizerAppId: string | undefined): boolean {
  return RELEASE_TEST_USER_NAMES.has(message.ToUserName) || (authorizerAppId !== undefined && RELEASE_TEST_APP_IDS.has(authorizerAppId));
}

/** What the release test expects, and the background API case to run, if any. */
export interface ReleaseTestAnswer {
  readonly reply: HandlerResult;
  /** For `QUERY_AUTH_CODE:` — exchange `code`, then send `<code>_from_api` to `openid` by customer service. */
  readonly queryAuth?: { readonly code: string; readonly openid: string };
}

export function releaseTestAnswer(message: WechatMessage | UnknownMessage): ReleaseTestAnswer {
  if (message.MsgType === 'event') {
    return { reply: typeof message.Event === 'string' && message.Event !== '' ? `${message.Event}from_callback` : undefined };
  }
  const content = message.MsgType === 'text' && typeof message.Content === 'string' ? message.Content : '';
  if (content === TEXT_CASE) return { reply: `${TEXT_CASE}_callback` };
  if (content.startsWith(QUERY_AUTH_CODE)) {
    // Strip exactly the prefix (never a character set: codes may start with those letters).
    return { reply: undefined, queryAuth: { code: content.slice(QUERY_AUTH_CODE.length), openid: message.FromUserName } };
  }
  return { reply: undefined };
}
