/**
 * Component-level pushes to the authorization-event URL (授权事件, `InfoType`). They carry no `MsgType`; the
 * reply is always `success`. Every field is a string except `CreateTime`. Each kind is declared once, in
 * `INFO_KINDS`: its shape and what the platform does with it.
 * https://developers.weixin.qq.com/doc/oplatform/Third-party_Platforms/2.0/api/Before_Develop/authorize_event.html
 */
import { N, O, optionalRecord, record, S, type SpecOf } from './schema';

/** The header of every `InfoType` push. */
export interface InfoHeader {
  /** The component (third-party platform) appid (第三方平台 appid). */
  AppId: string;
  /** When WeChat created the push, in seconds since the epoch. */
  CreateTime: number;
  /** The push type (通知类型). */
  InfoType: string;
}

/** The verify ticket, pushed every 10 minutes and valid 12 hours (验证票据). */
export interface ComponentVerifyTicketInfo extends InfoHeader {
  InfoType: 'component_verify_ticket';
  /** The ticket (`ticket@@@…`, Ticket 内容). */
  ComponentVerifyTicket: string;
}

/** An account authorised the platform (授权成功) or changed its authorisation (授权更新). */
export interface AuthorizationInfo<T extends 'authorized' | 'updateauthorized'> extends InfoHeader {
  InfoType: T;
  /** The authorizer's appid (公众号或小程序的 appid). */
  AuthorizerAppid: string;
  /** The authorization code for api_query_auth (`queryauthcode@@@…`, 授权码). */
  AuthorizationCode: string;
  /** When the code expires, seconds since the epoch (授权码过期时间). */
  AuthorizationCodeExpiredTime: string;
  /** The pre-auth code used (预授权码); absent in some real pushes. */
  PreAuthCode?: string;
}
/** An account authorised the platform (授权成功). */
export type AuthorizedInfo = AuthorizationInfo<'authorized'>;
/** An account changed its authorisation (授权更新). */
export type UpdateAuthorizedInfo = AuthorizationInfo<'updateauthorized'>;

/** An account withdrew its authorisation (取消授权). */
export interface UnauthorizedInfo extends InfoHeader {
  InfoType: 'unauthorized';
  /** The authorizer's appid (公众号或小程序的 appid). */
  AuthorizerAppid: string;
}

/** Company (or personal) data of a quick registration (注册信息). */
export interface FastRegisterData {
  /** Company name (企业名). */
  name?: string;
  /** Company code (企业代码). */
  code?: string;
  /** Code type: 1 unified social credit code, 2 organisation code, 3 business licence number (企业代码类型). */
  code_type?: string;
  /** Legal representative's WeChat id (法人微信号). */
  legal_persona_wechat?: string;
  /** Legal representative's name (法人姓名). */
  legal_persona_name?: string;
  /** The platform's contact phone (第三方联系电话). */
  component_phone?: string;
  /** The individual's WeChat id, personal registration (个人用户微信号). */
  wxuser?: string;
  /** The individual's name, personal registration (个人用户姓名). */
  idname?: string;
}

/** Result of a quick mini-program registration (快速注册小程序结果), company or personal. */
export interface FastRegisterInfo extends InfoHeader {
  InfoType: 'notify_third_fasteregister';
  /** The new mini program's appid (创建小程序 appid). */
  appid: string;
  /** 0 on success (状态). */
  status: string;
  /** Authorization code for api_query_auth (第三方授权码). */
  auth_code: string;
  /** A message (信息). */
  msg: string;
  /** The registration data (注册信息). */
  info: FastRegisterData;
}

/** A trial mini program was created (创建试用小程序结果). */
export interface FastRegisterBetaAppInfo extends InfoHeader {
  InfoType: 'notify_third_fastregisterbetaapp';
  /** The trial mini program's appid (试用小程序 appid). */
  appid: string;
  /** 0 on success (状态). */
  status: string;
  /** A message (信息). */
  msg: string;
  info: {
    /** Matches the `unique_id` of the register call (创建时传入的 unique_id). */
    unique_id: string;
    /** The mini program's name (小程序名称). */
    name: string;
  };
}

/** A trial mini program's quick verification finished (试用小程序快速认证结果). */
export interface FastVerifyBetaAppInfo extends InfoHeader {
  InfoType: 'notify_third_fastverifybetaapp';
  /** The mini program's appid (小程序 appid). */
  appid: string;
  /** 0 on success (状态). */
  status: string;
  /** A message (信息). */
  msg: string;
  /** The verification data (认证信息). */
  info: FastRegisterData;
}

/** Progress of a mini program's WeChat verification (小程序微信认证进度). */
export interface WxaAuthInfo extends InfoHeader {
  InfoType: 'notify_3rd_wxa_auth';
  /** The mini program's appid (小程序 appid). */
  appid: string;
  /** The verification task id (任务 id). */
  taskid: string;
  /** The task status (任务状态). */
  task_status: string;
  /** The review status (审核单状态). */
  apply_status: string;
  /** Review message or failure reason (审核消息或失败原因). */
  message: string;
  /** The reviewing provider, once assigned (审核提供商分配信息). */
  dispatch_info?: {
    /** The provider (提供商). */
    provider: string;
    /** How to reach it (联系方式). */
    contact: string;
    /** When it was assigned, seconds since the epoch (派遣时间戳). */
    dispatch_time: string;
  };
}

/** A mini program's verification (annual review) expires soon (认证年审 / 过期提醒). */
export interface WxaWxVerifyInfo extends InfoHeader {
  InfoType: 'notify_3rd_wxa_wxverify';
  /** The mini program's appid (小程序 appid). */
  appid: string;
  /** Expiry time, seconds since the epoch (过期时间戳). */
  expired: string;
  /** A message (提醒信息). */
  message: string;
}

/** The administrator's face verification for ICP filing finished (备案人脸核身结果). */
export interface IcpFilingVerifyResultInfo extends InfoHeader {
  InfoType: 'notify_icpfiling_verify_result';
  /** The verification task id (人脸核验任务 id). */
  task_id: string;
  /** The mini program's appid (小程序唯一 id). */
  verify_appid: string;
  /** 2 failed, 3 passed (人脸核验结果). */
  result: string;
}

/** An ICP filing was rejected or approved (备案审核结果). */
export interface ApplyIcpFilingResultInfo extends InfoHeader {
  InfoType: 'notify_apply_icpfiling_result';
  /** The mini program's appid (小程序 appid). */
  authorizer_appid: string;
  /** The filing status (备案状态). */
  beian_status: string;
}

/** Name review result (名称审核结果), when sent to the authorization URL. */
export interface WxaNicknameAuditInfo extends InfoHeader {
  InfoType: 'wxa_nickname_audit';
  /** 2 rejected, 3 approved (审核结果). */
  ret: string;
  /** The name reviewed (需要更改的昵称). */
  nickname: string;
  /** Why it was rejected (驳回原因). */
  reason: string;
}

/** Every `InfoType` push wxopen knows. */
export type ComponentInfo =
  | ComponentVerifyTicketInfo
  | AuthorizedInfo
  | UpdateAuthorizedInfo
  | UnauthorizedInfo
  | FastRegisterInfo
  | FastRegisterBetaAppInfo
  | FastVerifyBetaAppInfo
  | WxaAuthInfo
  | WxaWxVerifyInfo
  | IcpFilingVerifyResultInfo
  | ApplyIcpFilingResultInfo
  | WxaNicknameAuditInfo;

/** The `InfoType` values wxopen knows. */
export type InfoType = ComponentInfo['InfoType'];
/** The push whose `InfoType` is `T`. */
export type InfoOf<T extends InfoType> = Extract<ComponentInfo, { InfoType: T }>;

/**
 * What the platform itself does with a component push before it is acknowledged: durable work on the credential
 * chain. Implemented by the credentials; each kind below says which of it applies.
 */
export interface PushEffects {
  /** Keeps a pushed verify ticket (durably, before `success`). */
  keepVerifyTicket(ticket: string): Promise<void>;
  /** Queues an authorization code for its exchange (`api_query_auth`), durably, before `success`. */
  queueAuthorization(authorization: QueuedAuthorization): Promise<void>;
  /** Forgets an authorizer that withdrew its authorization (its tokens, refresh token and original id). */
  forgetAuthorizer(authorizerAppId: string): Promise<void>;
}

/** An authorization code to exchange, from an `authorized`, `updateauthorized` or quick-registration push. */
export interface QueuedAuthorization {
  readonly authorizerAppId: string;
  readonly code: string;
  /** When the code stops being accepted, in epoch ms. */
  readonly expiresAt: number;
  /** The push it came from. */
  readonly source: InfoType;
}

/** A kind of component push: its shape, and what the platform does with it (nothing when absent). */
export interface InfoKind<I extends ComponentInfo> {
  readonly spec: SpecOf<I>;
  readonly effect?: (info: I, platform: PushEffects) => Promise<void>;
}

/** Authorization codes are valid for an hour after the push (the `authorized` push also carries the exact time). */
const CODE_LIFETIME_SECONDS = 3600;

function expiresAtMs(expiredTime: string, createTime: number): number {
  const seconds = Number(expiredTime);
  return (Number.isFinite(seconds) && seconds > 0 ? seconds : createTime + CODE_LIFETIME_SECONDS) * 1000;
}

async function queueCode(info: AuthorizedInfo | UpdateAuthorizedInfo, platform: PushEffects): Promise<void> {
  if (info.AuthorizationCode === '') return;
  await platform.queueAuthorization({
    authorizerAppId: info.AuthorizerAppid,
    code: info.AuthorizationCode,
    expiresAt: expiresAtMs(info.AuthorizationCodeExpiredTime, info.CreateTime),
    source: info.InfoType,
  });
}

const HEADER = { AppId: S, CreateTime: N, InfoType: S } as const satisfies SpecOf<InfoHeader>;
const AUTHORIZATION = { ...HEADER, AuthorizerAppid: S, AuthorizationCode: S, AuthorizationCodeExpiredTime: S, PreAuthCode: O };
const REGISTER_DATA = record({
  name: O,
  code: O,
  code_type: O,
  legal_persona_wechat: O,
  legal_persona_name: O,
  component_phone: O,
  wxuser: O,
  idname: O,
});

/** Every component push wxopen knows, one declaration each. */
export const INFO_KINDS: { readonly [T in InfoType]: InfoKind<InfoOf<T>> } = {
  component_verify_ticket: {
    spec: { ...HEADER, ComponentVerifyTicket: S },
    effect: async (info, platform) => {
      if (info.ComponentVerifyTicket !== '') await platform.keepVerifyTicket(info.ComponentVerifyTicket);
    },
  },
  authorized: { spec: AUTHORIZATION, effect: queueCode },
  updateauthorized: { spec: AUTHORIZATION, effect: queueCode },
  unauthorized: {
    spec: { ...HEADER, AuthorizerAppid: S },
    effect: (info, platform) => platform.forgetAuthorizer(info.AuthorizerAppid),
  },
  notify_third_fasteregister: {
    spec: { ...HEADER, appid: S, status: S, auth_code: S, msg: S, info: REGISTER_DATA },
    // A successful quick registration hands over an authorization code for the new mini program.
    effect: async (info, platform) => {
      if (info.status !== '0' || info.auth_code === '' || info.appid === '') return;
      await platform.queueAuthorization({
        authorizerAppId: info.appid,
        code: info.auth_code,
        expiresAt: expiresAtMs('', info.CreateTime),
        source: info.InfoType,
      });
    },
  },
  notify_third_fastregisterbetaapp: { spec: { ...HEADER, appid: S, status: S, msg: S, info: record({ unique_id: S, name: S }) } },
  notify_third_fastverifybetaapp: { spec: { ...HEADER, appid: S, status: S, msg: S, info: REGISTER_DATA } },
  notify_3rd_wxa_auth: {
    spec: {
      ...HEADER,
      appid: S,
      taskid: S,
      task_status: S,
      apply_status: S,
      message: S,
      dispatch_info: optionalRecord({ provider: S, contact: S, dispatch_time: S }),
    },
  },
  notify_3rd_wxa_wxverify: { spec: { ...HEADER, appid: S, expired: S, message: S } },
  notify_icpfiling_verify_result: { spec: { ...HEADER, task_id: S, verify_appid: S, result: S } },
  notify_apply_icpfiling_result: { spec: { ...HEADER, authorizer_appid: S, beian_status: S } },
  wxa_nickname_audit: { spec: { ...HEADER, ret: S, nickname: S, reason: S } },
};

/** The shape of every component push (from `INFO_KINDS`). */
export const INFO_SPECS = Object.fromEntries(Object.entries(INFO_KINDS).map(([type, kind]) => [type, kind.spec])) as {
  readonly [T in InfoType]: SpecOf<InfoOf<T>>;
};

/** The platform's effect of a push, if its kind has one. */
export function infoEffect(info: ComponentInfo): ((platform: PushEffects) => Promise<void>) | undefined {
  const kind = INFO_KINDS[info.InfoType] as InfoKind<ComponentInfo> | undefined;
  const effect = kind?.effect;
  return effect === undefined ? undefined : (platform) => effect(info, platform);
}
