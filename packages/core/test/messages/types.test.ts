/**
 * Type-level tests: checked by `npx tsc -p tsconfig.test.json` (every `@ts-expect-error` must meet an error),
 * and run by jest for the runtime half.
 */
import { assertNever } from '../../src/errors';
import {
  isKnownMessage,
  parseXml,
  reply,
  toInfo,
  toMessage,
  type AuthorizedInfo,
  type ComponentInfo,
  type EventOf,
  type EventType,
  type HandlerResult,
  type InfoOf,
  type InfoType,
  type MessageOf,
  type MessageType,
  type SubscribeEvent,
  type TextMessage,
  type UnknownMessage,
  type WechatEvent,
  type WechatMessage,
} from '@wxopen/core';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function expectType<T extends true>(): T | undefined {
  return undefined;
}

// MessageOf / EventOf / InfoOf pick exactly one member.
expectType<Equal<MessageOf<'text'>, TextMessage>>();
expectType<Equal<EventOf<'subscribe'>, SubscribeEvent>>();
expectType<Equal<InfoOf<'authorized'>, AuthorizedInfo>>();
expectType<Equal<MessageOf<'event'>, WechatEvent>>();
expectType<Equal<EventOf<'scancode_push'>['ScanCodeInfo']['ScanType'], string>>();
expectType<Equal<EventOf<'scancode_waitmsg'>['Event'], 'scancode_waitmsg'>>();
expectType<Equal<EventOf<'pic_weixin'>['SendPicsInfo']['PicList']['item'], { PicMd5Sum: string }[]>>();
expectType<Equal<EventOf<'subscribe_msg_popup_event'>['SubscribeMsgPopupEvent']['List'][number]['PopupScene'], string>>();
expectType<Equal<NonNullable<EventOf<'PUBLISHJOBFINISH'>['PublishEventInfo']['fail_idx']>, string[]>>();
expectType<Equal<EventOf<'wxa_appeal_record'>['material'][number]['appeal_material']['proof_material_id'], string[]>>();
expectType<Equal<MessageOf<'text'>['CreateTime'], number>>();
expectType<Equal<MessageOf<'text'>['MsgId'], string>>();
expectType<Equal<EventOf<'TEMPLATESENDJOBFINISH'>['MsgID'], string>>();
expectType<Equal<InfoOf<'notify_third_fasteregister'>['info']['name'], string | undefined>>();
// Optional fields are optional.
expectType<Equal<EventOf<'subscribe'>['EventKey'], string | undefined>>();
expectType<Equal<InfoOf<'authorized'>['PreAuthCode'], string | undefined>>();

// Every kind of PROTOCOL.md is in the unions (a missing one fails to compile here).
const allMessageTypes: Record<MessageType, true> = {
  text: true,
  image: true,
  voice: true,
  video: true,
  shortvideo: true,
  location: true,
  link: true,
  miniprogrampage: true,
  event: true,
};
const allInfoTypes: Record<InfoType, true> = {
  component_verify_ticket: true,
  authorized: true,
  updateauthorized: true,
  unauthorized: true,
  notify_third_fasteregister: true,
  notify_third_fastregisterbetaapp: true,
  notify_third_fastverifybetaapp: true,
  notify_3rd_wxa_auth: true,
  notify_3rd_wxa_wxverify: true,
  notify_icpfiling_verify_result: true,
  notify_apply_icpfiling_result: true,
  wxa_nickname_audit: true,
};
const someEvents: EventType[] = [
  'subscribe', 'unsubscribe', 'SCAN', 'LOCATION', 'CLICK', 'VIEW', 'scancode_push', 'scancode_waitmsg', 'pic_sysphoto',
  'pic_photo_or_album', 'pic_weixin', 'location_select', 'view_miniprogram', 'TEMPLATESENDJOBFINISH', 'MASSSENDJOBFINISH',
  'PUBLISHJOBFINISH', 'FREEPUBLISHJOBFINISH', 'subscribe_msg_popup_event', 'subscribe_msg_change_event',
  'subscribe_msg_sent_event', 'kf_create_session', 'kf_close_session', 'kf_switch_session', 'user_authorization_revoke',
  'user_info_modified', 'qualification_verify_success', 'qualification_verify_fail', 'naming_verify_success',
  'naming_verify_fail', 'annual_renew', 'verify_expired', 'debug_demo', 'user_enter_tempsession', 'weapp_audit_success',
  'weapp_audit_fail', 'weapp_audit_delay', 'wxa_nickname_audit', 'wxa_category_audit', 'wxa_privacy_apply',
  'wxa_appeal_record', 'wxa_media_check', 'betaapp_verify_event', 'betaapp_verify_apply_event',
];

// Narrowing: each case sees only its own fields, and the switch is exhaustive.
function describeMessage(msg: WechatMessage): string {
  switch (msg.MsgType) {
    case 'text':
      return msg.Content;
    case 'image':
      // @ts-expect-error an image message has no Content
      void msg.Content;
      return msg.PicUrl;
    case 'voice':
      return msg.Recognition ?? msg.Format;
    case 'video':
    case 'shortvideo':
      return msg.ThumbMediaId;
    case 'location':
      return msg.Label;
    case 'link':
      return msg.Url;
    case 'miniprogrampage':
      return msg.PagePath;
    case 'event':
      return describeEvent(msg);
    default:
      return assertNever(msg);
  }
}

function describeEvent(msg: WechatEvent): string {
  switch (msg.Event) {
    case 'subscribe':
      // @ts-expect-error EventKey is optional on subscribe
      return msg.EventKey.toUpperCase();
    case 'scancode_push':
    case 'scancode_waitmsg':
      return msg.ScanCodeInfo.ScanResult;
    case 'pic_sysphoto':
      return msg.SendPicsInfo.PicList.item.map((p) => p.PicMd5Sum).join();
    case 'TEMPLATESENDJOBFINISH':
      // @ts-expect-error the template job carries MsgID (capital D), not MsgId
      return msg.MsgId;
    default:
      return msg.Event;
  }
}

function describeInfo(info: ComponentInfo): string {
  switch (info.InfoType) {
    case 'component_verify_ticket':
      // @ts-expect-error a ticket push has no AuthorizerAppid
      void info.AuthorizerAppid;
      return info.ComponentVerifyTicket;
    case 'authorized':
    case 'updateauthorized':
    case 'unauthorized':
      return info.AuthorizerAppid;
    default:
      return info.InfoType;
  }
}

// @ts-expect-error not a known event
type _NoSuchEvent = EventOf<'no_such_event'>;
// @ts-expect-error not a known message type
type _NoSuchMessage = MessageOf<'file'>;
// @ts-expect-error not a known InfoType
type _NoSuchInfo = InfoOf<'verify_ticket'>;

// Reply builders are typed (and reject the same mistakes at run time, see below).
const videoWithoutMediaId = () =>
  // @ts-expect-error video needs a mediaId
  reply.video({ title: 't' });
const articleWithoutTitle = () =>
  // @ts-expect-error news needs articles with a title
  reply.news([{ url: 'u' }]);
const results: HandlerResult[] = ['text', reply.text('x'), undefined, reply.transferCustomerService()];

describe('message types', () => {
  it('narrow a parsed text message to its fields', () => {
    const msg = toMessage(parseXml('<xml><ToUserName>gh</ToUserName><FromUserName>o</FromUserName><CreateTime>1</CreateTime><MsgType>text</MsgType><Content>hi</Content><MsgId>1</MsgId></xml>'));
    expect(isKnownMessage(msg) ? describeMessage(msg) : 'unknown').toBe('hi');
  });

  it('narrow a parsed event by Event', () => {
    const msg = toMessage(parseXml('<xml><MsgType>event</MsgType><Event>scancode_waitmsg</Event><EventKey>k</EventKey><ScanCodeInfo><ScanType>qrcode</ScanType><ScanResult>r</ScanResult></ScanCodeInfo></xml>'));
    expect(isKnownMessage(msg) ? describeMessage(msg) : 'unknown').toBe('r');
  });

  it('narrow a parsed InfoType push', () => {
    const info = toInfo(parseXml('<xml><AppId>a</AppId><CreateTime>1</CreateTime><InfoType>component_verify_ticket</InfoType><ComponentVerifyTicket>t</ComponentVerifyTicket></xml>'));
    expect(describeInfo(info as ComponentInfo)).toBe('t');
  });

  it('keep raw fields of unknown messages reachable by name', () => {
    const msg: WechatMessage | UnknownMessage = toMessage(parseXml('<xml><MsgType>file</MsgType><FileKey>k</FileKey></xml>'));
    expect(isKnownMessage(msg) ? undefined : msg['FileKey']).toBe('k');
  });

  it('reject at run time what the reply types reject', () => {
    expect(videoWithoutMediaId).toThrow(TypeError);
    expect(articleWithoutTitle).toThrow(TypeError);
  });

  it('cover every kind listed in PROTOCOL.md', () => {
    expect(Object.keys(allMessageTypes)).toHaveLength(9);
    expect(Object.keys(allInfoTypes)).toHaveLength(12);
    expect(new Set(someEvents).size).toBe(someEvents.length);
    expect(results).toHaveLength(4);
  });
});
