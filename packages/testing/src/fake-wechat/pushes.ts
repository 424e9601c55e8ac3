/**
 * Pushes the fake WeChat sends to the platform, encrypted with the platform's Token and EncodingAESKey like
 * WeChat's: authorizer events (`weapp_audit_*`) to the message URL with `$APPID$` replaced, and component
 * notices (`notify_third_fasteregister`) to the authorization-event URL. A delivery that fails (network error,
 * non-2xx) is tried again, three attempts in all, as WeChat does.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { XmlInput } from '@wxopen/core';
import { WechatSimulator } from '../callback';

/** Where the platform listens, and the secrets shared with it. */
export interface FakeCallbackTarget {
  /** The 消息与事件接收 URL, e.g. `http://127.0.0.1:3000/wechat/callback/$APPID$`. */
  readonly messageUrl?: string;
  /** The 授权事件接收 URL, e.g. `http://127.0.0.1:3000/wechat/auth`. */
  readonly authUrl?: string;
  readonly token: string;
  readonly encodingAESKey: string;
}

/** One push and what became of it. */
export interface FakePush {
  readonly kind: 'message' | 'auth';
  /** The authorizer (message pushes). */
  readonly appId: string | undefined;
  /** `Event` or `InfoType`. */
  readonly event: string;
  /** The URL posted to, `undefined` when no callback was configured or the push was dropped. */
  readonly url: string | undefined;
  /** `delivered` (2xx), `failed` (every attempt failed), `dropped` (the test asked for none), `unconfigured`. */
  outcome: 'pending' | 'delivered' | 'failed' | 'dropped' | 'unconfigured';
  attempts: number;
  /** Last HTTP status, if any answer came. */
  status: number | undefined;
}

const ATTEMPTS = 3;

export class PushSender {
  readonly pushes: FakePush[] = [];
  readonly #componentAppId: string;
  readonly #inFlight = new Set<Promise<void>>();
  #target: FakeCallbackTarget | undefined;
  #simulator: WechatSimulator | undefined;
  #retryDelayMs = 50;
  #closed = false;

  constructor(componentAppId: string) {
    this.#componentAppId = componentAppId;
  }

  configure(target: FakeCallbackTarget | undefined, retryDelayMs = 50): void {
    this.#target = target;
    this.#retryDelayMs = retryDelayMs;
    this.#simulator = target
      ? new WechatSimulator({ appId: this.#componentAppId, token: target.token, encodingAESKey: target.encodingAESKey })
      : undefined;
  }

  /** Sends an authorizer event to the message URL. Resolves once delivered, failed for good, or not sent. */
  event(appId: string, message: XmlInput & { readonly Event: string; readonly FromUserName: string }, drop = false): Promise<FakePush> {
    const url = this.#target?.messageUrl?.replaceAll('$APPID$', appId);
    const simulator = this.#simulator;
    return this.#send(
      { kind: 'message', appId, event: message.Event },
      drop ? undefined : url,
      () => simulator?.encrypted(message, { openid: message.FromUserName }),
    );
  }

  /** Sends a component notice (`InfoType`) to the authorization-event URL. */
  info(message: XmlInput & { readonly InfoType: string }, drop = false): Promise<FakePush> {
    const simulator = this.#simulator;
    return this.#send({ kind: 'auth', appId: undefined, event: message.InfoType }, drop ? undefined : this.#target?.authUrl, () =>
      simulator?.component(message),
    );
  }

  /** Resolves when no delivery is under way. */
  async idle(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight]);
  }

  close(): void {
    this.#closed = true;
  }

  #send(
    head: Pick<FakePush, 'kind' | 'appId' | 'event'>,
    url: string | undefined,
    build: () => { url(path: string): string; readonly body: string } | undefined,
  ): Promise<FakePush> {
    const push: FakePush = { ...head, url, outcome: 'pending', attempts: 0, status: undefined };
    this.pushes.push(push);
    const built = url === undefined ? undefined : build();
    if (url === undefined || built === undefined) {
      push.outcome = this.#target === undefined ? 'unconfigured' : 'dropped';
      return Promise.resolve(push);
    }
    const target = built.url(url);
    const delivery = (async () => {
      for (let attempt = 1; attempt <= ATTEMPTS && !this.#closed; attempt++) {
        push.attempts = attempt;
        try {
          const response = await fetch(target, {
            method: 'POST',
            headers: { 'content-type': 'text/xml; charset=utf-8' },
            body: built.body,
            signal: AbortSignal.timeout(5000),
          });
          push.status = response.status;
          await response.arrayBuffer();
          if (response.status >= 200 && response.status < 300) {
            push.outcome = 'delivered';
            return;
          }
        } catch {
          // Connection refused or timed out: WeChat tries again.
        }
        if (attempt < ATTEMPTS) await sleep(this.#retryDelayMs);
      }
      push.outcome = 'failed';
    })();
    this.#inFlight.add(delivery);
    return delivery.then(() => push).finally(() => this.#inFlight.delete(delivery));
  }
}
