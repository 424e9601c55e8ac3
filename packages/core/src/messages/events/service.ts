/** Official-account customer service, user authorisation, verification and debugging events. */
import type { EventHeader } from './header';
import { HEADER } from './header';
import { O, S, type SpecOf } from '../schema';

/** A customer-service session was created or closed (多客服会话接入 / 关闭). */
export interface KfSessionEvent<E extends 'kf_create_session' | 'kf_close_session'> extends EventHeader<E> {
  /** The agent account (完整客服账号). */
  KfAccount: string;
}

/** A customer-service session moved to another agent (多客服转接会话). */
export interface KfSwitchSessionEvent extends EventHeader<'kf_switch_session'> {
  /** The agent it came from (来自的客服账号). */
  FromKfAccount: string;
  /** The agent it went to (转移给的客服账号). */
  ToKfAccount: string;
}

/** A user withdrew an authorisation (授权用户资料撤回). */
export interface UserAuthorizationRevokeEvent extends EventHeader<'user_authorization_revoke'> {
  /** The user's openid (授权用户 OpenID). */
  OpenID: string;
  /** The account's appid (AppID). */
  AppID: string;
  /** What was withdrawn (用户撤回的授权信息). */
  RevokeInfo: string;
  /** The plugin appid, when withdrawn inside a plugin (插件的 AppID). */
  PluginID?: string;
  /** The user's OpenPID inside the plugin (撤回用户的 OpenPID). */
  OpenPID?: string;
}

/** The platform cleaned a user's risky profile data (授权用户资料变更). Some pushes omit the openid. */
export interface UserInfoModifiedEvent extends EventHeader<'user_info_modified'> {
  /** The user's openid (授权用户 OpenID). */
  OpenID?: string;
  /** The user's unionid (授权用户 UnionID). */
  UnionID?: string;
  /** The account's appid (AppID). */
  AppID?: string;
}

/** A user closed their WeChat account (授权用户完成注销). */
export interface UserAuthorizationCancellationEvent extends EventHeader<'user_authorization_cancellation'> {
  /** The user's openid (授权用户 OpenID). */
  OpenID: string;
  /** The account's appid (AppID). */
  AppID: string;
}

/** Verification succeeded, or its deadline is near (资质认证成功 / 名称认证成功 / 年审通知 / 认证过期失效通知). */
export interface VerifySuccessEvent<
  E extends 'qualification_verify_success' | 'naming_verify_success' | 'annual_renew' | 'verify_expired',
> extends EventHeader<E> {
  /** Expiry time, seconds since the epoch (有效期). */
  ExpiredTime: string;
}

/** Verification failed (资质认证失败 / 名称认证失败). */
export interface VerifyFailEvent<E extends 'qualification_verify_fail' | 'naming_verify_fail'> extends EventHeader<E> {
  /** When it failed, seconds since the epoch (失败发生时间). */
  FailTime: string;
  /** Why (认证失败的原因). */
  FailReason: string;
}

/** Sent by the doc's debugging tool (调试工具推送). */
export interface DebugDemoEvent extends EventHeader<'debug_demo'> {
  /** The debug text. */
  debug_str: string;
}

/** Official-account customer service, user authorisation, verification and debugging events */
export type ServiceEvent =
  | KfSessionEvent<'kf_create_session'>
  | KfSessionEvent<'kf_close_session'>
  | KfSwitchSessionEvent
  | UserAuthorizationRevokeEvent
  | UserInfoModifiedEvent
  | UserAuthorizationCancellationEvent
  | VerifySuccessEvent<'qualification_verify_success'>
  | VerifyFailEvent<'qualification_verify_fail'>
  | VerifySuccessEvent<'naming_verify_success'>
  | VerifyFailEvent<'naming_verify_fail'>
  | VerifySuccessEvent<'annual_renew'>
  | VerifySuccessEvent<'verify_expired'>
  | DebugDemoEvent;

const KF_SESSION = { ...HEADER, KfAccount: S };
const VERIFY_SUCCESS = { ...HEADER, ExpiredTime: S };
const VERIFY_FAIL = { ...HEADER, FailTime: S, FailReason: S };

/** The shape of each of these events. */
export const SERVICE_SPECS = {
  kf_create_session: KF_SESSION,
  kf_close_session: KF_SESSION,
  kf_switch_session: { ...HEADER, FromKfAccount: S, ToKfAccount: S },
  user_authorization_revoke: { ...HEADER, OpenID: S, AppID: S, RevokeInfo: S, PluginID: O, OpenPID: O },
  user_info_modified: { ...HEADER, OpenID: O, UnionID: O, AppID: O },
  user_authorization_cancellation: { ...HEADER, OpenID: S, AppID: S },
  qualification_verify_success: VERIFY_SUCCESS,
  qualification_verify_fail: VERIFY_FAIL,
  naming_verify_success: VERIFY_SUCCESS,
  naming_verify_fail: VERIFY_FAIL,
  annual_renew: VERIFY_SUCCESS,
  verify_expired: VERIFY_SUCCESS,
  debug_demo: { ...HEADER, debug_str: S },
} as const satisfies { readonly [E in ServiceEvent['Event']]: SpecOf<Extract<ServiceEvent, { Event: E }>> };
