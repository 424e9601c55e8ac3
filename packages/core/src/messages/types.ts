/**
 * Typed WeChat payloads.
 * - `WechatMessage`: discriminated union of every MsgType of PROTOCOL.md §3.3 and every Event of §3.4
 *   (`MsgType: 'event'` narrowed further by `Event`), nested shapes included.
 * - `UnknownMessage`: the open default for kinds not in the union (raw fields kept).
 * - `ComponentInfo`: discriminated union on `InfoType` (§3.1); `UnknownInfo` is its open default.
 * - `MessageType`, `EventType`, `InfoType`: the literal unions; `MessageOf<T>`, `EventOf<E>`, `InfoOf<T>`
 *   pick a member.
 * - `toMessage(record)` / `toInfo(record)`: turn a parsed `XmlRecord` into the typed shape (CreateTime as a
 *   number, MsgId kept as a string, repeated elements always arrays), made of null-prototype records. A
 *   declared single-valued element that repeats (two `MsgType`, two `Content`) is refused with `ERR_XML`.
 *
 * The interfaces live in `ordinary.ts`, `events.ts` and `info.ts`, each beside the spec that normalises it
 * (`schema.ts` holds the rules).
 */
import { WxOpenError } from '../errors';
import type { XmlRecord, XmlValue } from '../xml';
import { EVENT_SPECS, type EventType, type WechatEvent } from './events';
import { INFO_SPECS, type ComponentInfo, type InfoHeader, type InfoType } from './info';
import { MESSAGE_HEADER, ORDINARY_SPECS, type MessageHeader, type OrdinaryMessage, type OrdinaryMessageType } from './ordinary';
import { normalize, type Spec } from './schema';

export type * from './ordinary';
export type * from './events';
export type * from './info';

/** Every message and event wxopen knows. */
export type WechatMessage = OrdinaryMessage | WechatEvent;
/** The `MsgType` values wxopen knows (`'event'` included). */
export type MessageType = WechatMessage['MsgType'];
/** The message whose `MsgType` is `T`; `MessageOf<'event'>` is every event. */
export type MessageOf<T extends MessageType> = Extract<WechatMessage, { MsgType: T }>;

/** A message or event kind wxopen does not know yet; all raw fields are kept. */
export interface UnknownMessage extends MessageHeader {
  MsgType: string;
  Event?: string;
  readonly [field: string]: XmlValue | number | undefined;
}

/** An `InfoType` push wxopen does not know yet; all raw fields are kept. */
export interface UnknownInfo extends InfoHeader {
  InfoType: string;
  readonly [field: string]: XmlValue | number | undefined;
}

const hasOwn = Object.prototype.hasOwnProperty;
const UNKNOWN_MESSAGE: Spec = MESSAGE_HEADER;
const UNKNOWN_EVENT: Spec = { ...MESSAGE_HEADER, Event: 'string' };
const UNKNOWN_INFO: Spec = { AppId: 'string', CreateTime: 'number', InfoType: 'string' };

/**
 * The value of a discriminating element (`MsgType`, `Event`, `InfoType`). One that repeats is refused: reading
 * either occurrence would pick the spec of one kind for the fields of another.
 */
function kind(value: XmlValue | undefined, name: string): string | undefined {
  if (Array.isArray(value)) throw new WxOpenError('ERR_XML', { detail: `element ${name} repeats but may occur once` });
  return typeof value === 'string' ? value : undefined;
}

function messageSpec(msgType: string | undefined, event: string | undefined): Spec | undefined {
  if (msgType === undefined) return undefined;
  if (msgType === 'event') return event !== undefined && hasOwn.call(EVENT_SPECS, event) ? (EVENT_SPECS[event as EventType] as Spec) : undefined;
  return hasOwn.call(ORDINARY_SPECS, msgType) ? (ORDINARY_SPECS[msgType as OrdinaryMessageType] as Spec) : undefined;
}

/**
 * Turns a parsed message or event into its typed shape: `CreateTime` becomes a number, ids stay strings,
 * elements that can repeat become arrays (even with one element), nested elements become records,
 * a missing optional field stays absent and a missing required string becomes `''`. Kinds wxopen does not
 * know come back as `UnknownMessage` with every raw field. Every record is a null-prototype record, so element
 * names such as `toString` are plain fields. Throws `WxOpenError('ERR_XML')` when a declared single-valued
 * element repeats.
 */
export function toMessage(record: XmlRecord): WechatMessage | UnknownMessage {
  const msgType = kind(record['MsgType'], 'MsgType');
  const event = msgType === 'event' ? kind(record['Event'], 'Event') : undefined;
  const spec = messageSpec(msgType, event) ?? (msgType === 'event' ? UNKNOWN_EVENT : UNKNOWN_MESSAGE);
  return normalize(record, spec) as unknown as WechatMessage | UnknownMessage;
}

/** Turns a parsed component (`InfoType`) push into its typed shape, with the rules of `toMessage`. */
export function toInfo(record: XmlRecord): ComponentInfo | UnknownInfo {
  const infoType = kind(record['InfoType'], 'InfoType');
  const spec = infoType !== undefined && hasOwn.call(INFO_SPECS, infoType) ? (INFO_SPECS[infoType as InfoType] as Spec) : UNKNOWN_INFO;
  return normalize(record, spec) as unknown as ComponentInfo | UnknownInfo;
}

/** Whether `message` is of a kind wxopen knows (then `MsgType`, and `Event` for events, narrow it). */
export function isKnownMessage(message: WechatMessage | UnknownMessage): message is WechatMessage {
  const event = (message as { readonly Event?: unknown }).Event;
  return messageSpec(message.MsgType, typeof event === 'string' ? event : undefined) !== undefined;
}

/** Whether `info` is of an `InfoType` wxopen knows (then `InfoType` narrows it). */
export function isKnownInfo(info: ComponentInfo | UnknownInfo): info is ComponentInfo {
  return hasOwn.call(INFO_SPECS, info.InfoType);
}

/**
 * Whether `message` was sent by a user (an ordinary message, not an event). A news reply to a user message
 * may hold only one article.
 */
export function isUserMessage(message: { readonly MsgType: string }): boolean {
  return message.MsgType !== 'event' && hasOwn.call(ORDINARY_SPECS, message.MsgType);
}
