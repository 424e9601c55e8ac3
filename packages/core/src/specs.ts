/**
 * `@wxopen/core/specs`: the shape of every payload kind the core knows, as data — which fields each ordinary
 * message (`MsgType`), event (`Event`) and component push (`InfoType`) has, and which are optional, nested or
 * repeated. For tools that generate or check pushes (the `wxopen` CLI builds a sample push of every kind from
 * them); applications do not need it. A kind added to the core appears here by itself, without a change of type.
 *
 * The tables are deep-frozen copies: the core normalises every push with its own, which nothing outside can change.
 */
import { EVENT_SPECS as EVENTS } from './messages/events';
import { INFO_SPECS as INFOS } from './messages/info';
import { MESSAGE_HEADER, ORDINARY_SPECS as ORDINARY } from './messages/ordinary';
import type { Spec } from './messages/schema';

export type { FieldSpec, ListSpec, RecordSpec, Spec, StringSpec } from './messages/schema';

/** Payload shapes by kind name (`MsgType`, `Event` or `InfoType`). */
export type SpecTable = Readonly<Record<string, Spec>>;

function frozenCopy<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return value;
  const copy: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) copy[key] = frozenCopy(inner);
  return Object.freeze(copy) as T;
}

/** The fields every message and event pushed to the message URL starts with. */
export const MESSAGE_HEADER_SPEC: Spec = frozenCopy(MESSAGE_HEADER);
/** The shape of each ordinary message, by `MsgType`. */
export const ORDINARY_SPECS: SpecTable = frozenCopy(ORDINARY);
/** The shape of each event (`MsgType` `event`), by `Event`. */
export const EVENT_SPECS: SpecTable = frozenCopy(EVENTS);
/** The shape of each component push to the authorization-event URL, by `InfoType`. */
export const INFO_SPECS: SpecTable = frozenCopy(INFOS);
