/**
 * What wxopen does, published on `node:diagnostics_channel` for metrics, logs and traces: every callback by
 * outcome and error code, every token fetch, every WeChat API call (quota and outages included), the store going
 * down and coming back, verify tickets and authorization codes. Subscribe by name (`wxopen:callback`, …) or with
 * `subscribe()`, which is typed. Nothing is published when nobody listens (one `hasSubscribers` check), and no
 * message ever carries a secret: no token, ticket, code or key, only kinds, codes, ids and durations.
 * https://nodejs.org/api/diagnostics_channel.html
 */
import diagnosticsChannel from 'node:diagnostics_channel';

/** One callback request, once answered. */
export interface CallbackEvent {
  /** `auth`: the authorization-event URL; `message`: the message URL. */
  readonly endpoint: 'auth' | 'message';
  /**
   * `handled`: the handlers ran and their reply (or `success`) was answered; `duplicate`: a retry or replay answered
   * without running them; `late`: `success` at the deadline, handlers still running; `verified`: a GET URL
   * verification; `rejected`: refused with an error (`code`).
   */
  readonly outcome: 'handled' | 'duplicate' | 'late' | 'verified' | 'rejected';
  readonly status: number;
  /** The error code of a rejection. */
  readonly code?: string;
  /** `MsgType`, `MsgType/Event` or `InfoType` of the push, when it was opened. */
  readonly kind?: string;
  /** The route's authorizer appid, when it is one. */
  readonly authorizerAppId?: string;
  readonly durationMs: number;
}

/** One fetch of a token from WeChat (a cached token read is not an event). */
export interface TokenEvent {
  readonly credential: 'component' | 'authorizer';
  readonly authorizerAppId?: string;
  readonly outcome: 'fetched' | 'failed';
  readonly code?: string;
  readonly errcode?: number;
  readonly durationMs: number;
}

/** One HTTP exchange with the WeChat API. */
export interface ApiEvent {
  /** The API path, without its query string. */
  readonly api: string;
  readonly outcome: 'ok' | 'error';
  /** `ERR_API` (with `errcode`), `ERR_API_HTTP`, `ERR_API_TIMEOUT`, `ERR_API_NETWORK`, `ERR_API_RESPONSE`. */
  readonly code?: string;
  readonly errcode?: number;
  readonly durationMs: number;
}

/** The store stopped answering on the callback path, or answered again. */
export interface StoreEvent {
  readonly state: 'down' | 'up';
  /** For `down`: the failure's message (it never holds a value). */
  readonly reason?: string;
}

/** A verify ticket arrived and was kept. */
export interface TicketEvent {
  readonly receivedAt: number;
}

/** An authorization code in the outbox changed state. */
export interface OutboxEvent {
  readonly authorizerAppId: string;
  readonly outcome: 'queued' | 'exchanged' | 'retrying' | 'failed';
  readonly code?: string;
}

/** Every channel and the shape of its messages. */
export interface WxOpenChannels {
  'wxopen:callback': CallbackEvent;
  'wxopen:token': TokenEvent;
  'wxopen:api': ApiEvent;
  'wxopen:store': StoreEvent;
  'wxopen:ticket': TicketEvent;
  'wxopen:outbox': OutboxEvent;
}

export type ChannelName = keyof WxOpenChannels;

/** The channel names, for `diagnostics_channel.subscribe(name, …)` without the helper. */
export const CHANNELS: readonly ChannelName[] = Object.freeze([
  'wxopen:callback',
  'wxopen:token',
  'wxopen:api',
  'wxopen:store',
  'wxopen:ticket',
  'wxopen:outbox',
]);

const channels = new Map(CHANNELS.map((name) => [name, diagnosticsChannel.channel(name)]));

/** Publishes `message` on `name` when somebody listens; `message` is built only then. */
export function publish<N extends ChannelName>(name: N, message: () => WxOpenChannels[N]): void {
  const channel = channels.get(name);
  if (channel?.hasSubscribers) channel.publish(message());
}

/** Subscribes to one channel with a typed listener; returns the function that unsubscribes. */
export function subscribe<N extends ChannelName>(name: N, listener: (message: WxOpenChannels[N]) => void): () => void {
  const handler = (message: unknown) => listener(message as WxOpenChannels[N]);
  diagnosticsChannel.subscribe(name, handler);
  return () => void diagnosticsChannel.unsubscribe(name, handler);
}
