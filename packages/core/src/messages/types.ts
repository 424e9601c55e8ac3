/**
 * Typed WeChat payloads. CONTRACT (owned by the types work; exported names are stable):
 * - `WechatMessage`: discriminated union of every MsgType of PROTOCOL.md §3.3 and every Event of §3.4
 *   (`MsgType: 'event'` narrowed further by `Event`), nested shapes included.
 * - `UnknownMessage`: the open default for kinds not in the union (raw fields kept).
 * - `ComponentInfo`: discriminated union on `InfoType` (§3.1); `UnknownInfo` is its open default.
 * - `MessageType`, `EventType`, `InfoType`: the literal unions; `MessageOf<T>`, `EventOf<E>`, `InfoOf<T>`
 *   pick a member.
 * - `toMessage(record)` / `toInfo(record)`: turn a parsed `XmlRecord` into the typed shape (CreateTime as a
 *   number, MsgId kept as a string, repeated elements always arrays).
 */
import type { XmlRecord, XmlValue } from '../xml';

interface Header {
  /** The authorizer's original id (`gh_…`). */
  ToUserName: string;
  /** The user's openid. */
  FromUserName: string;
  /** Seconds since the epoch. */
  CreateTime: number;
}

export interface TextMessage extends Header {
  MsgType: 'text';
  Content: string;
  /** 64-bit id, kept as a string. */
  MsgId: string;
  MsgDataId?: string;
  Idx?: string;
  BusinessId?: string;
}

export interface SubscribeEvent extends Header {
  MsgType: 'event';
  Event: 'subscribe';
  EventKey?: string;
  Ticket?: string;
}

export type WechatEvent = SubscribeEvent;
export type WechatMessage = TextMessage | WechatEvent;

export type MessageType = WechatMessage['MsgType'];
export type EventType = WechatEvent['Event'];
export type MessageOf<T extends MessageType> = Extract<WechatMessage, { MsgType: T }>;
export type EventOf<E extends EventType> = Extract<WechatEvent, { Event: E }>;

/** A message or event kind wxopen does not know yet; all raw fields are kept. */
export interface UnknownMessage extends Header {
  MsgType: string;
  Event?: string;
  readonly [field: string]: XmlValue | number | undefined;
}

interface InfoHeader {
  /** The component appid. */
  AppId: string;
  CreateTime: number;
}

export interface ComponentVerifyTicketInfo extends InfoHeader {
  InfoType: 'component_verify_ticket';
  ComponentVerifyTicket: string;
}

export interface AuthorizedInfo extends InfoHeader {
  InfoType: 'authorized';
  AuthorizerAppid: string;
  AuthorizationCode: string;
  AuthorizationCodeExpiredTime: string;
  PreAuthCode?: string;
}

export interface UpdateAuthorizedInfo extends InfoHeader {
  InfoType: 'updateauthorized';
  AuthorizerAppid: string;
  AuthorizationCode: string;
  AuthorizationCodeExpiredTime: string;
  PreAuthCode?: string;
}

export interface UnauthorizedInfo extends InfoHeader {
  InfoType: 'unauthorized';
  AuthorizerAppid: string;
}

export type ComponentInfo = ComponentVerifyTicketInfo | AuthorizedInfo | UpdateAuthorizedInfo | UnauthorizedInfo;
export type InfoType = ComponentInfo['InfoType'];
export type InfoOf<T extends InfoType> = Extract<ComponentInfo, { InfoType: T }>;

export interface UnknownInfo extends InfoHeader {
  InfoType: string;
  readonly [field: string]: XmlValue | number | undefined;
}

function str(v: XmlValue | undefined): string {
  return typeof v === 'string' ? v : '';
}

/** Turns a parsed message into its typed shape. */
export function toMessage(record: XmlRecord): WechatMessage | UnknownMessage {
  const out = { ...record, CreateTime: Number(str(record['CreateTime'])) } as unknown as UnknownMessage;
  return out as WechatMessage | UnknownMessage;
}

/** Turns a parsed component (InfoType) push into its typed shape. */
export function toInfo(record: XmlRecord): ComponentInfo | UnknownInfo {
  return { ...record, CreateTime: Number(str(record['CreateTime'])) } as unknown as ComponentInfo | UnknownInfo;
}
