import type { EventOf, EventType, MessageOf, MessageType, UnknownMessage, WechatMessage } from '../messages/types';
import type { HandlerResult } from '../messages/reply';

/** What every message handler and middleware receives besides the message. */
export interface MessageContext<M = WechatMessage | UnknownMessage> {
  /**
   * The authorizer's appid, from the callback route (`$APPID$`): checked to be an appid, and (once its original id
   * is known) to be the authorizer the message is addressed to.
   */
  readonly authorizerAppId: string | undefined;
  /** The user's openid: the signed `message.FromUserName` (never the unsigned `openid` of the query string). */
  readonly openid: string;
  /** The decrypted, typed message. */
  readonly message: M;
  /** Whether the request was encrypted (the reply then is too). */
  readonly encrypted: boolean;
  /** The push's format: XML, or JSON for mini programs in JSON mode (the reply uses the same). */
  readonly format: 'xml' | 'json';
  /** Free space for middleware to pass data to handlers. */
  readonly state: Record<string, unknown>;
}

export type MessageHandler<M> = (message: M, ctx: MessageContext<M>) => HandlerResult | Promise<HandlerResult>;
export type Next = () => Promise<HandlerResult>;
export type Middleware = (ctx: MessageContext, next: Next) => HandlerResult | Promise<HandlerResult>;

type AnyHandler = MessageHandler<WechatMessage | UnknownMessage>;

/**
 * Dispatches an authorizer's messages and events: middleware first (`use`, each calling `next`), then the
 * handler for the event (`onEvent`), the message type (`on`; `on('event')` catches every event without its
 * own handler), or the default (`onDefault`). No handler, or a handler that returns nothing, means `success`.
 */
export class MessageRouter {
  readonly #middleware: Middleware[] = [];
  readonly #byType = new Map<string, AnyHandler>();
  readonly #byEvent = new Map<string, AnyHandler>();
  #default: AnyHandler | undefined;

  use(middleware: Middleware): this {
    if (typeof middleware !== 'function') throw new TypeError('wxopen: use(middleware) needs a function');
    this.#middleware.push(middleware);
    return this;
  }

  on<T extends MessageType>(type: T, handler: MessageHandler<MessageOf<T>>): this {
    register(this.#byType, type, handler as unknown as AnyHandler, 'message type');
    return this;
  }

  onEvent<E extends EventType>(event: E, handler: MessageHandler<EventOf<E>>): this {
    register(this.#byEvent, event, handler as unknown as AnyHandler, 'event');
    return this;
  }

  /** Handles whatever has no handler of its own, unknown kinds included (WeChat adds kinds often). */
  onDefault(handler: MessageHandler<WechatMessage | UnknownMessage>): this {
    if (this.#default) throw new TypeError('wxopen: onDefault() already has a handler');
    this.#default = handler;
    return this;
  }

  #handlerFor(message: WechatMessage | UnknownMessage): AnyHandler | undefined {
    const event = message.MsgType === 'event' ? message.Event : undefined;
    return (
      (typeof event === 'string' ? this.#byEvent.get(event) : undefined) ?? this.#byType.get(message.MsgType) ?? this.#default
    );
  }

  /** Runs middleware and the matching handler for `ctx.message`. */
  dispatch(ctx: MessageContext): Promise<HandlerResult> {
    const middleware = this.#middleware;
    const run = (i: number): Promise<HandlerResult> => {
      const mw = middleware[i];
      if (mw) {
        let called = false;
        return Promise.resolve(
          mw(ctx, () => {
            if (called) return Promise.reject(new Error('wxopen: next() called twice'));
            called = true;
            return run(i + 1);
          }),
        );
      }
      const handler = this.#handlerFor(ctx.message);
      return handler ? Promise.resolve(handler(ctx.message, ctx)) : Promise.resolve(undefined);
    };
    return run(0);
  }
}

function register(map: Map<string, AnyHandler>, key: string, handler: AnyHandler, what: string): void {
  if (typeof handler !== 'function') throw new TypeError(`wxopen: the handler for ${what} '${key}' must be a function`);
  if (map.has(key)) throw new TypeError(`wxopen: ${what} '${key}' already has a handler`);
  map.set(key, handler);
}
