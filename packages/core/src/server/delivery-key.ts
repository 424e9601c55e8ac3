import { createHash } from 'node:crypto';
/** Any parsed message or push (typed interfaces have no index signature, so read fields structurally). */
type Fields = object;

function field(record: Fields, name: string): string {
  const value = (record as Record<string, unknown>)[name];
  return typeof value === 'string' || typeof value === 'number' ? String(value) : '';
}

/** Parts that can be written into a key as they are: short, and free of the `:` that separates them. */
const PLAIN_PART = /^[A-Za-z0-9_.-]{0,64}$/;

function allPlain(parts: readonly string[]): boolean {
  for (const part of parts) if (!PLAIN_PART.test(part)) return false;
  return true;
}

/**
 * `{componentAppId}:dedup:<kind>:<part>:<part>…` when every part is plain (appids, openids, MsgIds, numbers:
 * the common case, no hashing), else `{componentAppId}:dedup:<kind>#<sha1 of the parts>`. The two forms never
 * meet (`#` is not a plain character), and each kind has a fixed number of parts, none of which can hold a
 * `:`, so two different lists of plain parts never give the same key.
 */
function key(componentAppId: string, kind: string, parts: readonly string[]): string {
  // One hash tag per component keeps every key of a component on one Redis Cluster slot. The key is made by
  // one join, so it is a flat string: a MemoryStore holds it for the TTL, and a rope of pieces costs more.
  const prefix = `{${componentAppId}}:dedup:${kind}`;
  if (allPlain(parts)) return [prefix, ...parts].join(':');
  return [prefix, createHash('sha1').update(parts.join('\n')).digest('base64url')].join('#');
}

/**
 * The identity of an authorizer message or event across WeChat's retries (PROTOCOL.md §4): `MsgId` for
 * messages; `FromUserName + CreateTime + Event + EventKey` for events.
 */
export function messageDeliveryKey(componentAppId: string, authorizerAppId: string | undefined, message: Fields): string {
  const authorizer = authorizerAppId ?? field(message, 'ToUserName');
  const msgId = field(message, 'MsgId');
  if (msgId !== '') return key(componentAppId, 'm', [authorizer, msgId]);
  return key(componentAppId, 'e', [
    authorizer,
    field(message, 'FromUserName'),
    field(message, 'CreateTime'),
    field(message, 'MsgType'),
    field(message, 'Event'),
    field(message, 'EventKey'),
  ]);
}

/** The identity of a component push across retries: `InfoType + AppId + CreateTime` plus what names its subject. */
export function infoDeliveryKey(componentAppId: string, info: Fields): string {
  return key(componentAppId, 'i', [
    field(info, 'InfoType'),
    field(info, 'AppId'),
    field(info, 'CreateTime'),
    field(info, 'AuthorizerAppid') || field(info, 'appid') || field(info, 'ComponentVerifyTicket'),
  ]);
}
