/** Mini-program events a third-party platform receives for its authorizers: audits, reviews, media checks, trial apps. */
import type { EventHeader } from './header';
import { HEADER } from './header';
import { list, O, optionalList, optionalRecord, record, S, type SpecOf } from '../schema';

/** A user entered a customer-service session (进入会话事件). */
export interface UserEnterTempSessionEvent extends EventHeader<'user_enter_tempsession'> {
  /** The `session-from` of the contact button (开发者在客服会话按钮设置的 session-from 属性). */
  SessionFrom: string;
}

/** A code release passed review (代码审核通过). */
export interface WeappAuditSuccessEvent extends EventHeader<'weapp_audit_success'> {
  /** When it passed, seconds since the epoch (审核成功时的时间戳). */
  SuccTime: string;
}

/** A code release failed review (代码审核不通过). */
export interface WeappAuditFailEvent extends EventHeader<'weapp_audit_fail'> {
  /** Why, as HTML with `<br>` (审核不通过的原因). */
  Reason: string;
  /** When it failed, seconds since the epoch (审核不通过时的时间戳). */
  FailTime: string;
  /** Screenshot media ids joined by `|` (审核不通过的截图示例). */
  ScreenShot?: string;
}

/** A code review was delayed (代码审核延后). */
export interface WeappAuditDelayEvent extends EventHeader<'weapp_audit_delay'> {
  /** Why (审核延后的原因). */
  Reason: string;
  /** When, seconds since the epoch (审核延后时的时间戳). */
  DelayTime: string;
}

/** Name review result (名称审核结果). WeChat also sends it as an `InfoType` to the authorization URL. */
export interface WxaNicknameAuditEvent extends EventHeader<'wxa_nickname_audit'> {
  /** 2 rejected, 3 approved (审核结果). */
  ret: string;
  /** The name reviewed (需要更改的昵称). */
  nickname: string;
  /** Why it was rejected (驳回原因). */
  reason: string;
}

/** Category review result (类目审核结果). */
export interface WxaCategoryAuditEvent extends EventHeader<'wxa_category_audit'> {
  /** 2 rejected, 3 approved (审核结果). */
  ret: string;
  /** First-level category (一级类目). */
  first: string;
  /** Second-level category (二级类目). */
  second: string;
  /** Why it was rejected (驳回原因). */
  reason: string;
}

/** Privacy-API application result (隐私接口申请结果). */
export interface WxaPrivacyApplyEvent extends EventHeader<'wxa_privacy_apply'> {
  result_info: {
    /** The API applied for (申请的接口英文名). */
    api_name: string;
    /** When it was applied for (申请时间). */
    apply_time: string;
    /** The audit id (审核单 id). */
    audit_id: string;
    /** When it was audited (审核时间). */
    audit_time?: string;
    /** Why it was rejected (驳回原因). */
    reason?: string;
    /** The audit status (审核状态). */
    status: string;
  };
}

/** One violation and the appeal against it (违规材料和申诉材料). */
export interface AppealMaterial {
  /** The violation (违规材料). */
  illegal_material: {
    /** What violated (违规内容). */
    content: string;
    /** Where (违规链接). */
    content_url: string;
  };
  /** The appeal (申诉材料). */
  appeal_material: {
    /** The appeal reason (申诉理由). */
    reason: string;
    /** Media ids of the proofs (申诉材料 id), always an array. */
    proof_material_id: string[];
  };
}

/** An appeal was filed or its state changed (小程序申诉记录推送). */
export interface WxaAppealRecordEvent extends EventHeader<'wxa_appeal_record'> {
  /** The appeal id (申诉单 id). */
  appeal_record_id: string;
  /** The mini program's appid (小程序 id). */
  appid: string;
  /** When it was filed (申诉时间). */
  appeal_time: string;
  /** How many times it was filed (申诉次数). */
  appeal_count: string;
  /** 0 user, 1 service provider (申诉来源). */
  appeal_from: string;
  /** 1 processing, 2 passed, 3 rejected, 4 withdrawn (申诉状态). */
  appeal_status: string;
  /** When it was audited; absent while processing or withdrawn (审核时间). */
  audit_time?: string;
  /** The audit reason; absent while processing or withdrawn (审核结果理由). */
  audit_reason?: string;
  /** The penalty (处罚原因描述). */
  punish_description: string;
  /** Violations and appeals, always an array (违规材料和申诉材料). */
  material: AppealMaterial[];
}

/** One strategy's verdict in an asynchronous media check (详细检测结果). */
export interface MediaCheckDetail {
  /** The strategy (策略类型). */
  strategy: string;
  /** Its error code (错误码), 0 on success. */
  errcode: string;
  /** `risky`, `pass` or `review` (建议). */
  suggest?: string;
  /** The label (命中标签枚举值). */
  label?: string;
  /** Confidence 0–100 (置信度). */
  prob?: string;
}

/** Asynchronous media check result (异步校验图片/音频是否含有违法违规内容). Version 1 and 2 fields are both optional. */
export interface WxaMediaCheckEvent extends EventHeader<'wxa_media_check'> {
  /** The mini program's appid (小程序的 appid). */
  appid: string;
  /** Matches the `trace_id` returned by media_check_async (任务 id). */
  trace_id: string;
  /** API version (可选值 2). */
  version?: string;
  /** Overall verdict, version 2 (综合结果). */
  result?: {
    /** `risky`, `pass` or `review` (建议). */
    suggest: string;
    /** The label (命中标签枚举值). */
    label: string;
  };
  /** Per-strategy verdicts, version 2; always an array (详细检测结果). */
  detail?: MediaCheckDetail[];
  /** 1 risky, 0 not, version 1 (是否违规). */
  isrisky?: string;
  /** Extra information, version 1 (附加信息). */
  extra_info_json?: string;
  /** Non-zero when the check failed, version 1 (默认为 0). */
  status_code?: string;
}

/** A trial mini program's authorisation or verification application changed (试用小程序授权/认证事件). */
export interface BetaAppVerifyEvent<E extends 'betaapp_verify_event' | 'betaapp_verify_apply_event'> extends EventHeader<E> {
  /** The application (spelled `Noitfy` by WeChat). */
  ApplyAuthorizationInfoNoitfy: {
    /** The mini program's appid (小程序 appid). */
    appid: string;
    /** The official account's appid (公众号 appid). */
    mp_appid: string;
    /** The status (状态). */
    status: string;
    /** A message (信息). */
    msg?: string;
    /** When it happened (操作的时间). */
    operation_time: string;
  };
}

/** Mini-program events a third-party platform receives for its authorizers: audits, reviews, media checks, trial apps */
export type MiniProgramEvent =
  | UserEnterTempSessionEvent
  | WeappAuditSuccessEvent
  | WeappAuditFailEvent
  | WeappAuditDelayEvent
  | WxaNicknameAuditEvent
  | WxaCategoryAuditEvent
  | WxaPrivacyApplyEvent
  | WxaAppealRecordEvent
  | WxaMediaCheckEvent
  | BetaAppVerifyEvent<'betaapp_verify_event'>
  | BetaAppVerifyEvent<'betaapp_verify_apply_event'>;

const BETA_APP = {
  ...HEADER,
  ApplyAuthorizationInfoNoitfy: record({ appid: S, mp_appid: S, status: S, msg: O, operation_time: S }),
};

/** The shape of each of these events. */
export const MINI_PROGRAM_SPECS = {
  user_enter_tempsession: { ...HEADER, SessionFrom: S },
  weapp_audit_success: { ...HEADER, SuccTime: S },
  weapp_audit_fail: { ...HEADER, Reason: S, FailTime: S, ScreenShot: O },
  weapp_audit_delay: { ...HEADER, Reason: S, DelayTime: S },
  wxa_nickname_audit: { ...HEADER, ret: S, nickname: S, reason: S },
  wxa_category_audit: { ...HEADER, ret: S, first: S, second: S, reason: S },
  wxa_privacy_apply: {
    ...HEADER,
    result_info: record({ api_name: S, apply_time: S, audit_id: S, audit_time: O, reason: O, status: S }),
  },
  wxa_appeal_record: {
    ...HEADER,
    appeal_record_id: S,
    appid: S,
    appeal_time: S,
    appeal_count: S,
    appeal_from: S,
    appeal_status: S,
    audit_time: O,
    audit_reason: O,
    punish_description: S,
    material: list({
      illegal_material: record({ content: S, content_url: S }),
      appeal_material: record({ reason: S, proof_material_id: list(S) }),
    }),
  },
  wxa_media_check: {
    ...HEADER,
    appid: S,
    trace_id: S,
    version: O,
    result: optionalRecord({ suggest: S, label: S }),
    detail: optionalList({ strategy: S, errcode: S, suggest: O, label: O, prob: O }),
    isrisky: O,
    extra_info_json: O,
    status_code: O,
  },
  betaapp_verify_event: BETA_APP,
  betaapp_verify_apply_event: BETA_APP,
} as const satisfies { readonly [E in MiniProgramEvent['Event']]: SpecOf<Extract<MiniProgramEvent, { Event: E }>> };
