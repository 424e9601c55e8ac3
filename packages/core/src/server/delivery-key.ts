import { createHash } from 'node:crypto';
/** Any parsed message or push (typed interfaces have no index signature, so read fields structurally). */
type Fields = object;

function field(record: Fields, name: string): string {
  const value = (record as Record<string, unknown>)[name];
  return typeof value === 'string' || typeof value === 'number' ? String(value) : '';
}

function key(componentAppId: string, kind: string, parts: readonly string[]): string {
  // One hash tag per component keeps every key of a component on one Redis Cluster slot.
  const digest = createHash('sha1').update(parts.join('\n')).digest('base64url');
  return `{${componentAppId}}:dedup:${kind}:${digest}`;
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
