/**
 * What every event shares (`MsgType=event`, 事件推送). Every field of an event is a string except `CreateTime`;
 * elements that can repeat are always arrays.
 * https://developers.weixin.qq.com/doc/offiaccount/Message_Management/Receiving_event_pushes.html
 */
import { MESSAGE_HEADER, type MessageHeader } from '../ordinary';
import { S } from '../schema';

/** The header of every event. */
export interface EventHeader<E extends string> extends MessageHeader {
  MsgType: 'event';
  /** The event type (事件类型). */
  Event: E;
}

/** The spec of the header of every event. */
export const HEADER = { ...MESSAGE_HEADER, Event: S } as const;
