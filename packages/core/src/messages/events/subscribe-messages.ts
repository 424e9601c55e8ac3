/** Official-account subscribe messages (订阅通知): popups, changes, sends. */
import type { EventHeader } from './header';
import { HEADER } from './header';
import { list, record, S, type SpecOf } from '../schema';

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

/** Official-account subscribe messages (订阅通知): popups, changes, sends */
export type SubscribeMessageEvent =
  | SubscribeMsgPopupEvent
  | SubscribeMsgChangeEvent
  | SubscribeMsgSentEvent;

/** The shape of each of these events. */
export const SUBSCRIBE_MESSAGE_SPECS = {
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
} as const satisfies { readonly [E in SubscribeMessageEvent['Event']]: SpecOf<Extract<SubscribeMessageEvent, { Event: E }>> };
