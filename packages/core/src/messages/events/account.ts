/** Official-account events: followers, menus and location. */
import type { EventHeader } from './header';
import { HEADER } from './header';
import { list, O, record, S, type SpecOf } from '../schema';

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

/** Official-account events: followers, menus and location */
export type AccountEvent =
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
  | ViewMiniProgramEvent;

const SCAN_CODE = { ...HEADER, EventKey: S, ScanCodeInfo: record({ ScanType: S, ScanResult: S }) };
const PICS = {
  ...HEADER,
  EventKey: S,
  SendPicsInfo: record({ Count: S, PicList: record({ item: list({ PicMd5Sum: S }) }) }),
};

/** The shape of each of these events. */
export const ACCOUNT_SPECS = {
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
} as const satisfies { readonly [E in AccountEvent['Event']]: SpecOf<Extract<AccountEvent, { Event: E }>> };
