/**
 * Events (事件推送, `MsgType=event`, PROTOCOL.md §3.4): official-account events and the mini-program events a
 * third-party platform receives for its authorizers. Every field is a string except `CreateTime`; elements
 * that can repeat are always arrays.
 */
import { MESSAGE_HEADER, type MessageHeader } from './ordinary';
import { list, O, optionalList, optionalRecord, record, S, type SpecOf } from './schema';

/** The header of every event. */
export interface EventHeader<E extends string> extends MessageHeader {
  MsgType: 'event';
  /** The event type (事件类型). */
  Event: E;
}

// ---------------------------------------------------------------------------------------------------
// Official account: followers, menus, location

/** Follow (关注), also sent when a non-follower scans a parameterised QR code (then with `EventKey` and `Ticket`). */
export interface SubscribeEvent extends EventHeader<'subscribe'> {
  /** `qrscene_<scene>` when the user followed by scanning a parameterised QR code (事件 KEY 值). */
  EventKey?: string;
  /** The QR code ticket (二维码的 ticket), to fetch the QR image. */
  Ticket?: string;
}

/** Unfollow (取消关注). */
export interface UnsubscribeEvent extends EventHeader<'unsubscribe'> {
  /** Usually empty. */
  EventKey?: string;
}

/** A follower scanned a parameterised QR code (已关注用户扫描带参数二维码). */
export interface ScanEvent extends EventHeader<'SCAN'> {
  /** The scene value, without prefix (二维码 scene_id / scene_str). */
  EventKey: string;
  /** The QR code ticket (二维码的 ticket). */
  Ticket: string;
}

/** Location report (上报地理位置). */
export interface LocationEvent extends EventHeader<'LOCATION'> {
  /** Latitude (纬度). */
  Latitude: string;
  /** Longitude (经度). */
  Longitude: string;
  /** Precision (精度). */
  Precision: string;
}

/** Menu click (点击菜单拉取消息). */
export interface ClickEvent extends EventHeader<'CLICK'> {
  /** The menu key (自定义菜单接口中 KEY 值). */
  EventKey: string;
}

/** Menu link opened (点击菜单跳转链接). */
export interface ViewEvent extends EventHeader<'VIEW'> {
  /** The URL opened (跳转 URL). */
  EventKey: string;
  /** The menu id (菜单 ID), for personalised menus. */
  MenuId?: string;
}

/** Scan-code menu (扫码推事件 `scancode_push`, 扫码推事件且弹出"消息接收中" `scancode_waitmsg`). */
export interface ScanCodeEvent<E extends 'scancode_push' | 'scancode_waitmsg'> extends EventHeader<E> {
  /** The menu key (事件 KEY 值). */
  EventKey: string;
  /** What was scanned (扫描信息). */
  ScanCodeInfo: {
    /** The code type (扫描类型), usually `qrcode`. */
    ScanType: string;
    /** The decoded text (扫描结果). */
    ScanResult: string;
  };
}

/** One picture sent through a picture menu. */
export interface SentPicture {
  /** MD5 of the picture (图片的 MD5 值). */
  PicMd5Sum: string;
}

/** Picture menus (弹出系统拍照发图 / 拍照或者相册发图 / 微信相册发图器). */
export interface PicEvent<E extends 'pic_sysphoto' | 'pic_photo_or_album' | 'pic_weixin'> extends EventHeader<E> {
  /** The menu key (事件 KEY 值). */
  EventKey: string;
  /** The pictures sent (发送的图片信息). */
  SendPicsInfo: {
    /** Number of pictures (发送的图片数量). */
    Count: string;
    /** The pictures (图片列表); `item` is always an array. */
    PicList: { item: SentPicture[] };
  };
}

/** Location picker menu (弹出地理位置选择器). */
export interface LocationSelectEvent extends EventHeader<'location_select'> {
  /** The menu key (事件 KEY 值). */
  EventKey: string;
  /** The chosen place (发送的位置信息). */
  SendLocationInfo: {
    /** Latitude (X 坐标信息). */
    Location_X: string;
    /** Longitude (Y 坐标信息). */
    Location_Y: string;
    /** Precision / zoom (精度). */
    Scale: string;
    /** Address (地理位置的字符串信息). */
    Label: string;
    /** Point-of-interest name (朋友圈 POI 的名字), may be empty. */
    Poiname: string;
  };
}

/** Menu opened a mini program (点击菜单跳转小程序). */
export interface ViewMiniProgramEvent extends EventHeader<'view_miniprogram'> {
  /** The page path opened (跳转的小程序路径). */
  EventKey: string;
  /** The menu id (菜单 ID). */
  MenuId?: string;
}

// ---------------------------------------------------------------------------------------------------
// Official account: jobs (template, mass send, publish)

/** A template message was delivered or failed (模板消息发送任务完成). */
export interface TemplateSendJobFinishEvent extends EventHeader<'TEMPLATESENDJOBFINISH'> {
  /** The template message id (消息 id), capital D. */
  MsgID: string;
  /** `success`, `failed:user block` or `failed: system failed` (发送状态). */
  Status: string;
}

/** Copyright check of one article of a mass send (原创校验结果). */
export interface CopyrightCheckItem {
  /** Article index, from 1 (群发文章的序号). */
  ArticleIdx: string;
  /** Whether the user declared it original (用户声明原创状态). */
  UserDeclareState: string;
  /** Audit state (系统校验的状态). */
  AuditState: string;
  /** URL of the similar original article (相似原创文的 url). */
  OriginalArticleUrl: string;
  /** Type of the similar original article (相似原创文的类型). */
  OriginalArticleType: string;
  /** Whether reprinting is allowed (是否能转载). */
  CanReprint: string;
  /** Whether the content must be replaced (是否需要替换成原创文内容). */
  NeedReplaceContent: string;
  /** Whether the reprint source must be shown (是否需要注明转载来源). */
  NeedShowReprintSource: string;
}

/** A mass send finished (群发结果). */
export interface MassSendJobFinishEvent extends EventHeader<'MASSSENDJOBFINISH'> {
  /** The mass-send message id (群发的消息 ID), capital D. */
  MsgID: string;
  /** `send success`, `send fail` or `err(<code>)` (群发的结果). */
  Status: string;
  /** Number of fans targeted (分组或 openid 列表中的粉丝数). */
  TotalCount: string;
  /** Number of fans to send to after filtering (过滤后准备发送的粉丝数). */
  FilterCount: string;
  /** Number sent successfully (发送成功的粉丝数). */
  SentCount: string;
  /** Number that failed (发送失败的粉丝数). */
  ErrorCount: string;
  /** Originality check (原创校验结果), for article sends. */
  CopyrightCheckResult?: {
    /** Number of articles (群发文章的数量). */
    Count: string;
    /** Per-article results; `item` is always an array. */
    ResultList: { item: CopyrightCheckItem[] };
    /** Overall state (整体校验结果): 1 not reprinted, 2 reprinted (continue), 3 reprinted (stop). */
    CheckState: string;
  };
  /** Article URLs of the send (群发文章的 url). */
  ArticleUrlResult?: {
    /** Number of articles. */
    Count: string;
    /** Per-article URLs; `item` is always an array. */
    ResultList: { item: { ArticleIdx: string; ArticleUrl: string }[] };
  };
}

/**
 * Publishing finished (发布结果). The doc calls it `FREEPUBLISHJOBFINISH`, real pushes say `PUBLISHJOBFINISH`;
 * both are accepted.
 */
export interface PublishJobFinishEvent<E extends 'PUBLISHJOBFINISH' | 'FREEPUBLISHJOBFINISH'> extends EventHeader<E> {
  /** The publish result (发布信息). */
  PublishEventInfo: {
    /** The publish task id (发布任务 id). */
    publish_id: string;
    /** 0 success, 1 publishing, 2 original-check failed, 3 common failure, 4 rejected, … (发布状态). */
    publish_status: string;
    /** The article id when published (图文的 article_id). */
    article_id?: string;
    /** The published articles (文章详情). */
    article_detail?: {
      /** Number of articles (文章数量). */
      count: string;
      /** The articles; always an array. */
      item: { idx: string; article_url: string }[];
    };
    /** Indexes of the articles that failed (不通过的文章编号), always an array. */
    fail_idx?: string[];
  };
}

// ---------------------------------------------------------------------------------------------------
// Official account: subscribe messages (订阅通知)

/** One template of a subscribe pop-up (弹窗中的模板). */
export interface SubscribePopupItem {
  /** The template id (模板 id). */
  TemplateId: string;
  /** `accept` or `reject` (用户点击行为). */
  SubscribeStatusString: string;
  /** 1 in-profile, 2 in-article, … (场景). */
  PopupScene: string;
}

/** The user answered a subscribe pop-up (用户操作订阅通知弹窗). */
export interface SubscribeMsgPopupEvent extends EventHeader<'subscribe_msg_popup_event'> {
  SubscribeMsgPopupEvent: {
    /** One entry per template; always an array. */
    List: SubscribePopupItem[];
  };
}

/** The user changed a subscription in the settings (用户管理订阅通知). */
export interface SubscribeMsgChangeEvent extends EventHeader<'subscribe_msg_change_event'> {
  SubscribeMsgChangeEvent: {
    /** One entry per template; always an array. */
    List: {
      /** The template id (模板 id). */
      TemplateId: string;
      /** `reject` when the user turned it off (用户点击行为). */
      SubscribeStatusString: string;
    }[];
  };
}

/** A subscribe message was sent (发送订阅通知结果). */
export interface SubscribeMsgSentEvent extends EventHeader<'subscribe_msg_sent_event'> {
  SubscribeMsgSentEvent: {
    /** One entry per message; always an array. */
    List: {
      /** The template id (模板 id). */
      TemplateId: string;
      /** The message id (消息 id). */
      MsgID: string;
      /** 0 on success (推送结果状态码). */
      ErrorCode: string;
      /** Status text (推送结果状态码对应的含义). */
      ErrorStatus: string;
    }[];
  };
}

// ---------------------------------------------------------------------------------------------------
// Official account: customer service, users, verification, debugging

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

// ---------------------------------------------------------------------------------------------------
// Mini program (authorizer level)

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

/** Every event wxopen knows. */
export type WechatEvent =
  | SubscribeEvent
  | UnsubscribeEvent
  | ScanEvent
  | LocationEvent
  | ClickEvent
  | ViewEvent
  | ScanCodeEvent<'scancode_push'>
  | ScanCodeEvent<'scancode_waitmsg'>
  | PicEvent<'pic_sysphoto'>
  | PicEvent<'pic_photo_or_album'>
  | PicEvent<'pic_weixin'>
  | LocationSelectEvent
  | ViewMiniProgramEvent
  | TemplateSendJobFinishEvent
  | MassSendJobFinishEvent
  | PublishJobFinishEvent<'PUBLISHJOBFINISH'>
  | PublishJobFinishEvent<'FREEPUBLISHJOBFINISH'>
  | SubscribeMsgPopupEvent
  | SubscribeMsgChangeEvent
  | SubscribeMsgSentEvent
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
  | DebugDemoEvent
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

/** The `Event` values wxopen knows. */
export type EventType = WechatEvent['Event'];
/** The event whose `Event` is `E`. */
export type EventOf<E extends EventType> = Extract<WechatEvent, { Event: E }>;

// ---------------------------------------------------------------------------------------------------
// Specs (the runtime shape of each event; checked against the interfaces above)

const HEADER = { ...MESSAGE_HEADER, Event: S } as const;
const SCAN_CODE = { ...HEADER, EventKey: S, ScanCodeInfo: record({ ScanType: S, ScanResult: S }) };
const PICS = {
  ...HEADER,
  EventKey: S,
  SendPicsInfo: record({ Count: S, PicList: record({ item: list({ PicMd5Sum: S }) }) }),
};
const PUBLISH = {
  ...HEADER,
  PublishEventInfo: record({
    publish_id: S,
    publish_status: S,
    article_id: O,
    article_detail: optionalRecord({ count: S, item: list({ idx: S, article_url: S }) }),
    fail_idx: optionalList(S),
  }),
};
const KF_SESSION = { ...HEADER, KfAccount: S };
const VERIFY_SUCCESS = { ...HEADER, ExpiredTime: S };
const VERIFY_FAIL = { ...HEADER, FailTime: S, FailReason: S };
const BETA_APP = {
  ...HEADER,
  ApplyAuthorizationInfoNoitfy: record({ appid: S, mp_appid: S, status: S, msg: O, operation_time: S }),
};

export const EVENT_SPECS: { readonly [E in EventType]: SpecOf<EventOf<E>> } = {
  subscribe: { ...HEADER, EventKey: O, Ticket: O },
  unsubscribe: { ...HEADER, EventKey: O },
  SCAN: { ...HEADER, EventKey: S, Ticket: S },
  LOCATION: { ...HEADER, Latitude: S, Longitude: S, Precision: S },
  CLICK: { ...HEADER, EventKey: S },
  VIEW: { ...HEADER, EventKey: S, MenuId: O },
  scancode_push: SCAN_CODE,
  scancode_waitmsg: SCAN_CODE,
  pic_sysphoto: PICS,
  pic_photo_or_album: PICS,
  pic_weixin: PICS,
  location_select: {
    ...HEADER,
    EventKey: S,
    SendLocationInfo: record({ Location_X: S, Location_Y: S, Scale: S, Label: S, Poiname: S }),
  },
  view_miniprogram: { ...HEADER, EventKey: S, MenuId: O },
  TEMPLATESENDJOBFINISH: { ...HEADER, MsgID: S, Status: S },
  MASSSENDJOBFINISH: {
    ...HEADER,
    MsgID: S,
    Status: S,
    TotalCount: S,
    FilterCount: S,
    SentCount: S,
    ErrorCount: S,
    CopyrightCheckResult: optionalRecord({
      Count: S,
      ResultList: record({
        item: list({
          ArticleIdx: S,
          UserDeclareState: S,
          AuditState: S,
          OriginalArticleUrl: S,
          OriginalArticleType: S,
          CanReprint: S,
          NeedReplaceContent: S,
          NeedShowReprintSource: S,
        }),
      }),
      CheckState: S,
    }),
    ArticleUrlResult: optionalRecord({ Count: S, ResultList: record({ item: list({ ArticleIdx: S, ArticleUrl: S }) }) }),
  },
  PUBLISHJOBFINISH: PUBLISH,
  FREEPUBLISHJOBFINISH: PUBLISH,
  subscribe_msg_popup_event: {
    ...HEADER,
    SubscribeMsgPopupEvent: record({ List: list({ TemplateId: S, SubscribeStatusString: S, PopupScene: S }) }),
  },
  subscribe_msg_change_event: {
    ...HEADER,
    SubscribeMsgChangeEvent: record({ List: list({ TemplateId: S, SubscribeStatusString: S }) }),
  },
  subscribe_msg_sent_event: {
    ...HEADER,
    SubscribeMsgSentEvent: record({ List: list({ TemplateId: S, MsgID: S, ErrorCode: S, ErrorStatus: S }) }),
  },
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
};
