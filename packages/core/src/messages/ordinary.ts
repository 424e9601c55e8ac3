/**
 * Ordinary messages (普通消息) and the header every message and event shares.
 * https://developers.weixin.qq.com/doc/offiaccount/Message_Management/Receiving_standard_messages.html
 * Every field is a string except `CreateTime`; ids stay strings (they are 64-bit).
 */
import { N, O, S, type SpecOf } from './schema';

/** The header of every message and event pushed to the message URL. */
export interface MessageHeader {
  /** The authorizer's original id (原始 ID, `gh_…`). */
  ToUserName: string;
  /** The sender: the user's openid, or a system account for system events. */
  FromUserName: string;
  /** When WeChat created the message (消息创建时间), in seconds since the epoch. */
  CreateTime: number;
  /** The message type (消息类型). */
  MsgType: string;
}

/** Text message (文本消息). */
export interface TextMessage extends MessageHeader {
  MsgType: 'text';
  /** The text (文本消息内容). */
  Content: string;
  /** Message id (消息 ID), 64-bit, kept as a string. */
  MsgId: string;
  /** Id of the article the message was sent from (消息的数据 ID), when sent from an article. */
  MsgDataId?: string;
  /** Index of the article in a multi-article post (多图文时第几篇文章, from 1). */
  Idx?: string;
  /** Business id, seen in some pushes. */
  BusinessId?: string;
}

/** Image message (图片消息). */
export interface ImageMessage extends MessageHeader {
  MsgType: 'image';
  /** The image URL (图片链接). */
  PicUrl: string;
  /** Media id of the image (图片消息媒体 ID), for the media download API. */
  MediaId: string;
  /** Message id (消息 ID), 64-bit, kept as a string. */
  MsgId: string;
}

/** Voice message (语音消息). */
export interface VoiceMessage extends MessageHeader {
  MsgType: 'voice';
  /** Media id of the voice (语音消息媒体 ID). */
  MediaId: string;
  /** Audio format (语音格式), e.g. `amr`, `speex`. */
  Format: string;
  /** Speech recognition result (语音识别结果), when voice recognition is enabled. */
  Recognition?: string;
  /** Media id of the 16 kHz version (16K 采样率语音消息媒体 ID), in newer pushes. */
  MediaId16K?: string;
  /** Message id (消息 ID), 64-bit, kept as a string. */
  MsgId: string;
}

/** Video message (视频消息). */
export interface VideoMessage extends MessageHeader {
  MsgType: 'video';
  /** Media id of the video (视频消息媒体 ID). */
  MediaId: string;
  /** Media id of the thumbnail (视频消息缩略图的媒体 ID). */
  ThumbMediaId: string;
  /** Message id (消息 ID), 64-bit, kept as a string. */
  MsgId: string;
}

/** Short video message (小视频消息). */
export interface ShortVideoMessage extends MessageHeader {
  MsgType: 'shortvideo';
  /** Media id of the video (视频消息媒体 ID). */
  MediaId: string;
  /** Media id of the thumbnail (视频消息缩略图的媒体 ID). */
  ThumbMediaId: string;
  /** Message id (消息 ID), 64-bit, kept as a string. */
  MsgId: string;
}

/** Location message (地理位置消息). */
export interface LocationMessage extends MessageHeader {
  MsgType: 'location';
  /** Latitude (纬度). */
  Location_X: string;
  /** Longitude (经度). */
  Location_Y: string;
  /** Map zoom level (地图缩放大小). */
  Scale: string;
  /** Place description (地理位置信息). */
  Label: string;
  /** Message id (消息 ID), 64-bit, kept as a string. */
  MsgId: string;
}

/** Link message (链接消息). */
export interface LinkMessage extends MessageHeader {
  MsgType: 'link';
  /** Title (消息标题). */
  Title: string;
  /** Description (消息描述). */
  Description: string;
  /** The link (消息链接). */
  Url: string;
  /** Message id (消息 ID), 64-bit, kept as a string. */
  MsgId: string;
}

/** Mini-program card sent to customer service (小程序卡片消息). */
export interface MiniProgramPageMessage extends MessageHeader {
  MsgType: 'miniprogrampage';
  /** Card title (标题). */
  Title: string;
  /** The mini program's appid (小程序 appid). */
  AppId: string;
  /** Page path of the card (小程序页面路径). */
  PagePath: string;
  /** Thumbnail URL (封面图片的临时 cdn 链接). */
  ThumbUrl: string;
  /** Media id of the thumbnail (封面图片的临时素材 id). */
  ThumbMediaId: string;
  /** Message id (消息 ID), 64-bit, kept as a string. */
  MsgId: string;
}

/** Every ordinary (non-event) message. */
export type OrdinaryMessage =
  | TextMessage
  | ImageMessage
  | VoiceMessage
  | VideoMessage
  | ShortVideoMessage
  | LocationMessage
  | LinkMessage
  | MiniProgramPageMessage;

/** The `MsgType`s of ordinary messages: those a user sends (a reply to them may hold only 1 article). */
export type OrdinaryMessageType = OrdinaryMessage['MsgType'];

export const MESSAGE_HEADER = { ToUserName: S, FromUserName: S, CreateTime: N, MsgType: S } as const satisfies SpecOf<MessageHeader>;

export const ORDINARY_SPECS: { readonly [T in OrdinaryMessageType]: SpecOf<Extract<OrdinaryMessage, { MsgType: T }>> } = {
  text: { ...MESSAGE_HEADER, Content: S, MsgId: S, MsgDataId: O, Idx: O, BusinessId: O },
  image: { ...MESSAGE_HEADER, PicUrl: S, MediaId: S, MsgId: S },
  voice: { ...MESSAGE_HEADER, MediaId: S, Format: S, Recognition: O, MediaId16K: O, MsgId: S },
  video: { ...MESSAGE_HEADER, MediaId: S, ThumbMediaId: S, MsgId: S },
  shortvideo: { ...MESSAGE_HEADER, MediaId: S, ThumbMediaId: S, MsgId: S },
  location: { ...MESSAGE_HEADER, Location_X: S, Location_Y: S, Scale: S, Label: S, MsgId: S },
  link: { ...MESSAGE_HEADER, Title: S, Description: S, Url: S, MsgId: S },
  miniprogrampage: { ...MESSAGE_HEADER, Title: S, AppId: S, PagePath: S, ThumbUrl: S, ThumbMediaId: S, MsgId: S },
};
