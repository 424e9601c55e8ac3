/**
 * Events (事件推送, `MsgType=event`): official-account events and the mini-program events a third-party platform
 * receives for its authorizers, one file per family, each holding its interfaces and their specs.
 */
import type { SpecOf } from '../schema';
import { ACCOUNT_SPECS, type AccountEvent } from './account';
import { JOB_SPECS, type JobEvent } from './jobs';
import { MINI_PROGRAM_SPECS, type MiniProgramEvent } from './mini-program';
import { SERVICE_SPECS, type ServiceEvent } from './service';
import { SUBSCRIBE_MESSAGE_SPECS, type SubscribeMessageEvent } from './subscribe-messages';

export type * from './header';
export type * from './account';
export type * from './jobs';
export type * from './subscribe-messages';
export type * from './service';
export type * from './mini-program';

/** Every event wxopen knows. */
export type WechatEvent = AccountEvent | JobEvent | SubscribeMessageEvent | ServiceEvent | MiniProgramEvent;

/** The `Event` values wxopen knows. */
export type EventType = WechatEvent['Event'];
/** The event whose `Event` is `E`. */
export type EventOf<E extends EventType> = Extract<WechatEvent, { Event: E }>;

/** The shape of every event wxopen knows. */
export const EVENT_SPECS: { readonly [E in EventType]: SpecOf<EventOf<E>> } = {
  ...ACCOUNT_SPECS,
  ...JOB_SPECS,
  ...SUBSCRIBE_MESSAGE_SPECS,
  ...SERVICE_SPECS,
  ...MINI_PROGRAM_SPECS,
};
