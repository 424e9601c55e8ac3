import { sendCustomMessage } from '../api/component';
import type { Client } from '../api/client';
import { MessageCipher } from '../crypto/cipher';
import type { AccessTokenServer } from '../credentials/component';
import { ComponentCredentials } from '../credentials/component';
import { safeEqual, sign } from '../crypto/signature';
import { WxOpenError, isWxOpenError } from '../errors';
import type { HandlerResult } from '../messages/reply';
import { renderReply } from '../messages/reply';
import type { ComponentInfo, InfoOf, InfoType, UnknownInfo } from '../messages/types';
import { isKnownInfo, toInfo, toMessage } from '../messages/types';
import { MemoryStore } from '../store/memory';
import type { Store } from '../store/types';
import type { XmlRecord } from '../xml';
import { cdata, parseXml } from '../xml';
import type { CallbackRequest, CallbackResponse } from './http';
import { BodyConsumedError, errorResponse, queryParam, readBody, textResponse, xmlResponse } from './http';
import type { AuthServerOptions, ErrorContext, ResolvedOptions } from './options';
import { resolveOptions } from './options';
import { Deliveries } from './delivery';
import { infoDeliveryKey, messageDeliveryKey } from './delivery-key';
import type { MessageContext } from './router';
import { MessageRouter } from './router';
import { isReleaseTest, releaseTestAnswer } from './release-test';

export type InfoHandler<I> = (info: I) => void | Promise<void>;

/** A value that can be rotated: the previous one is still accepted until the new one is seen in use. */
interface Rotating<T> {
  current: T;
  previous: T | undefined;
}

/** A verified, decrypted push. */
interface Opened {
  readonly record: XmlRecord;
  /** The cipher that opened the request (it also seals the reply); `undefined` for plain pushes. */
  readonly cipher: MessageCipher | undefined;
  readonly token: string;
  readonly nonce: string;
}

const SUCCESS = textResponse('success');
const utf8 = new TextDecoder('utf-8', { fatal: true });

function decodeUtf8(bytes: Uint8Array, what: string): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw new WxOpenError('ERR_XML', { detail: `${what} is not valid UTF-8` });
  }
}

/** `String.prototype.isWellFormed` (Node 20+; not in the ES2023 lib typings). */
const isWellFormed = (text: string): boolean => (text as string & { isWellFormed(): boolean }).isWellFormed();

/**
 * The body as text. A well-formed string body (no lone surrogate) is used as it is: it is what decoding its
 * UTF-8 bytes would give back. Anything else is read and decoded as UTF-8.
 */
async function readText(request: CallbackRequest, limit: number): Promise<string> {
  const body = request.body;
  if (typeof body === 'string' && isWellFormed(body)) {
    if (Buffer.byteLength(body, 'utf8') > limit) throw new WxOpenError('ERR_BODY_LIMIT');
    return body;
  }
  return decodeUtf8(await readBody(request, limit), 'body');
}

/**
 * The callback server of one third-party platform (component), after the Go SDK's `AuthServer`.
 *
 * - `handleAuthEvent` serves the component URL (授权事件接收 URL): verify, decrypt, check the appid, keep the
 *   verify ticket, run the `onInfo` handlers, answer `success`.
 * - `handleMessage` serves the authorizer URL (消息与事件接收 URL, `/callback/$APPID$`) for every authorizer:
 *   verify, decrypt, dispatch through `messages`, answer the handler's reply (encrypted when the request was).
 *
 * Both take a framework-free `CallbackRequest` and return a `CallbackResponse`; adapters only translate.
 */
export class AuthServer {
  /** The component appid. */
  readonly appId: string;
  /** Handlers and middleware for authorizers' messages and events. */
  readonly messages = new MessageRouter();
  /** Where tickets, tokens and dedup marks are kept. */
  readonly store: Store;

  readonly #options: ResolvedOptions;
  readonly #token: Rotating<string>;
  readonly #cipher: Rotating<MessageCipher>;
  readonly #infoHandlers = new Map<string, InfoHandler<never>[]>();
  readonly #unknownInfoHandlers: InfoHandler<UnknownInfo>[] = [];
  readonly #deliveries = new Deliveries();
  readonly #credentials: ComponentCredentials | undefined;
  readonly #ownsStore: boolean;
  readonly #background = new Set<Promise<unknown>>();

  constructor(options: AuthServerOptions) {
    this.#options = resolveOptions(options);
    this.appId = this.#options.appId;
    this.#token = { current: options.token, previous: undefined };
    this.#cipher = { current: new MessageCipher(options.encodingAESKey, this.appId), previous: undefined };
    this.#ownsStore = options.store === undefined;
    this.store = options.store ?? new MemoryStore();
    this.#credentials =
      options.appSecret === undefined
        ? undefined
        : new ComponentCredentials({
            appId: this.appId,
            appSecret: options.appSecret,
            store: this.store,
            lock: options.lock,
            apiBase: options.apiBase,
            fetch: options.fetch,
            timeoutMs: options.apiTimeoutMs,
            hooks: options.apiHooks,
            refreshBeforeMs: options.refreshBeforeMs,
            now: options.now,
          });
  }

  /**
   * The credential chain (verify ticket → component token → authorizer tokens) and the API clients.
   * Needs the `appSecret` option.
   */
  get credentials(): ComponentCredentials {
    if (!this.#credentials) {
      throw new TypeError('wxopen: option `appSecret` is required for tokens and API calls (the platform AppSecret)');
    }
    return this.#credentials;
  }

  /** The component_access_token, cached and refreshed once at a time across processes (Go: `ComponentToken`). */
  componentToken(): Promise<string> {
    return this.credentials.componentToken();
  }

  /**
   * Refreshes the component token because `failedToken` was refused (Go: `ComponentRefreshToken`). When the stored
   * token is already another one, that one is returned without a fetch.
   */
  refreshComponentToken(failedToken?: string): Promise<string> {
    return this.credentials.refreshComponentToken(failedToken);
  }

  /** The access-token server of one authorizer (`token()`, `refreshToken(failed)`). */
  authorizer(authorizerAppId: string): AccessTokenServer {
    return this.credentials.authorizer(authorizerAppId);
  }

  /** A JSON API client authenticated as the component (`component_access_token`). */
  client(): Client {
    return this.credentials.client();
  }

  /** A JSON API client authenticated as an authorizer (`access_token`), for the authorizer's own APIs. */
  authorizerClient(authorizerAppId: string): Client {
    return this.credentials.authorizerClient(authorizerAppId);
  }

  /** Waits for background work (authorization-code exchanges, release-test replies) to settle. */
  async idle(): Promise<void> {
    while (this.#background.size > 0) await Promise.allSettled([...this.#background]);
  }

  /** Stops timers, waits for background work and closes the store if this server created it. */
  async close(): Promise<void> {
    await this.idle();
    await this.#credentials?.close();
    if (this.#ownsStore) await this.store.close?.();
  }

  /** Runs `task` after the response, reporting its failure to the error hook. */
  #inBackground(context: ErrorContext, task: () => Promise<unknown>): void {
    const run = task().catch((error: unknown) =>
      this.#report(isWxOpenError(error) ? error : new WxOpenError('ERR_HANDLER', { detail: 'background task failed', cause: error }), context),
    );
    this.#background.add(run);
    void run.finally(() => this.#background.delete(run));
  }

  /** The largest body accepted, in bytes (adapters that must configure their framework read it). */
  get bodyLimit(): number {
    return this.#options.bodyLimit;
  }

  /** Rotates the message-check Token. Pushes signed with the previous Token are accepted until one signed with the new Token arrives. */
  setToken(token: string): void {
    if (typeof token !== 'string' || token === '') throw new TypeError('wxopen: setToken(token) needs a non-empty token');
    if (token !== this.#token.current) {
      this.#token.previous = this.#token.current;
      this.#token.current = token;
    }
  }

  /** Rotates the EncodingAESKey. Pushes encrypted with the previous key are accepted until one with the new key arrives. */
  setAESKey(encodingAESKey: string): void {
    const cipher = new MessageCipher(encodingAESKey, this.appId);
    this.#cipher.previous = this.#cipher.current;
    this.#cipher.current = cipher;
  }

  /** Runs `handler` for every component push of `type` (several handlers run in registration order). */
  onInfo<T extends InfoType>(type: T, handler: InfoHandler<InfoOf<T>>): this {
    if (typeof handler !== 'function') throw new TypeError(`wxopen: the handler for InfoType '${type}' must be a function`);
    const list = this.#infoHandlers.get(type) ?? [];
    list.push(handler as InfoHandler<never>);
    this.#infoHandlers.set(type, list);
    return this;
  }

  /** Runs `handler` for component pushes whose InfoType wxopen does not know. */
  onUnknownInfo(handler: InfoHandler<UnknownInfo>): this {
    this.#unknownInfoHandlers.push(handler);
    return this;
  }

  /** Serves the component URL (授权事件接收 URL). Always answers `success` once the push is handled. */
  async handleAuthEvent(request: CallbackRequest): Promise<CallbackResponse> {
    const context: ErrorContext = { endpoint: 'auth' };
    try {
      const opened = await this.#open(request);
      if (opened === undefined) return this.#echo(request);
      const info = toInfo(opened.record);
      await this.#deliveries.deliver(
        infoDeliveryKey(this.appId, info),
        async () => {
          await this.#runInfo(info);
          return { value: undefined, xml: undefined };
        },
        this.#deliveryOptions<undefined>(context, () => undefined),
      );
      return SUCCESS;
    } catch (error) {
      return this.#fail(error, context);
    }
  }

  /** Serves the authorizer URL (消息与事件接收 URL) of every authorizer of this component. */
  async handleMessage(request: CallbackRequest): Promise<CallbackResponse> {
    const context: ErrorContext = { endpoint: 'message', authorizerAppId: request.authorizerAppId };
    try {
      const opened = await this.#open(request);
      if (opened === undefined) return this.#echo(request);
      const message = toMessage(opened.record);
      const ctx: MessageContext = {
        authorizerAppId: request.authorizerAppId,
        openid: queryParam(request.query, 'openid'),
        message,
        encrypted: opened.cipher !== undefined,
        state: {},
      };
      const { xml } = await this.#deliveries.deliver(
        messageDeliveryKey(this.appId, request.authorizerAppId, message),
        () => this.#reply(ctx),
        this.#deliveryOptions<HandlerResult>(context, (reply) =>
          this.#options.onLateReply({ authorizerAppId: ctx.authorizerAppId, message, reply }),
        ),
      );
      if (xml === undefined) return SUCCESS;
      return xmlResponse(opened.cipher ? this.#seal(xml, opened) : xml);
    } catch (error) {
      return this.#fail(error, context);
    }
  }

  /** Runs middleware and handlers, then renders the plain reply XML (`undefined` = `success`). */
  async #reply(ctx: MessageContext): Promise<{ value: HandlerResult; xml: string | undefined }> {
    let value: HandlerResult;
    try {
      value = this.#options.releaseTest && isReleaseTest(ctx.message, ctx.authorizerAppId)
        ? this.#answerReleaseTest(ctx)
        : await this.messages.dispatch(ctx);
    } catch (cause) {
      throw new WxOpenError('ERR_HANDLER', { cause });
    }
    try {
      return { value, xml: renderReply(value, ctx.message, Math.floor(this.#options.now() / 1000)) };
    } catch (cause) {
      throw new WxOpenError('ERR_REPLY', { cause });
    }
  }

  /** Answers the 全网发布 test; its API case runs in the background after `success` is answered. */
  #answerReleaseTest(ctx: MessageContext): HandlerResult {
    const { reply, queryAuth } = releaseTestAnswer(ctx.message);
    if (queryAuth) {
      this.#inBackground({ endpoint: 'message', authorizerAppId: ctx.authorizerAppId }, async () => {
        const credentials = this.credentials;
        const authorization = await credentials.queryAuth(queryAuth.code);
        await sendCustomMessage(credentials.authorizerClient(authorization.authorizer_appid), {
          touser: queryAuth.openid,
          msgtype: 'text',
          text: { content: `${queryAuth.code}_from_api` },
        });
      });
    }
    return reply;
  }

  #deliveryOptions<R>(context: ErrorContext, onLateValue: (value: R | undefined) => unknown) {
    return {
      store: this.store,
      ttlMs: this.#options.dedupTtlMs,
      deadlineMs: this.#options.replyDeadlineMs,
      onLate: (value: R | undefined, error: unknown) => {
        if (error !== undefined) {
          this.#report(isWxOpenError(error) ? error : new WxOpenError('ERR_HANDLER', { cause: error }), context);
          return;
        }
        Promise.resolve()
          .then(() => onLateValue(value))
          .catch((cause: unknown) => this.#report(new WxOpenError('ERR_HANDLER', { detail: 'onLateReply failed', cause }), context));
      },
    };
  }

  /** What the platform itself does with a component push, before the user's handlers run. */
  async #keepCredentials(info: ComponentInfo | UnknownInfo): Promise<void> {
    const credentials = this.#credentials;
    if (!credentials || !isKnownInfo(info)) return;
    const context: ErrorContext = { endpoint: 'auth' };
    switch (info.InfoType) {
      case 'component_verify_ticket':
        // Awaited: the ticket is durable before WeChat hears `success`.
        if (info.ComponentVerifyTicket !== '') await credentials.saveVerifyTicket(info.ComponentVerifyTicket);
        return;
      case 'authorized':
      case 'updateauthorized':
        if (info.AuthorizationCode !== '') {
          const code = info.AuthorizationCode;
          this.#inBackground({ ...context, authorizerAppId: info.AuthorizerAppid }, () => credentials.exchangeAuthorizationCode(code));
        }
        return;
      case 'unauthorized':
        await credentials.forgetAuthorizer(info.AuthorizerAppid);
        return;
      case 'notify_third_fasteregister':
        if (info.status === '0' && info.auth_code !== '') {
          const code = info.auth_code;
          this.#inBackground({ ...context, authorizerAppId: info.appid }, () => credentials.exchangeAuthorizationCode(code));
        }
        return;
      default:
        return;
    }
  }

  async #runInfo(info: ComponentInfo | UnknownInfo): Promise<void> {
    const handlers = (this.#infoHandlers.get(info.InfoType) ??
      (isKnownInfo(info) ? [] : this.#unknownInfoHandlers)) as InfoHandler<ComponentInfo | UnknownInfo>[];
    try {
      await this.#keepCredentials(info);
      for (const handler of handlers) await handler(info);
    } catch (cause) {
      throw new WxOpenError('ERR_HANDLER', { cause });
    }
  }

  /**
   * Checks method, query, timestamp and signatures, reads and decrypts the body. Resolves to `undefined` for
   * a GET (URL verification), which the caller answers with `#echo`.
   */
  async #open(request: CallbackRequest): Promise<Opened | undefined> {
    const method = request.method.toUpperCase();
    if (method === 'GET') return undefined;
    if (method !== 'POST') throw new WxOpenError('ERR_METHOD');

    const query = request.query;
    const timestamp = this.#checkTimestamp(queryParam(query, 'timestamp'));
    const nonce = queryParam(query, 'nonce') ?? '';
    const msgSignature = queryParam(query, 'msg_signature');
    const encrypted = msgSignature !== undefined || queryParam(query, 'encrypt_type') === 'aes';

    if (!encrypted) {
      if (this.#options.requireEncryption) throw new WxOpenError('ERR_ENCRYPTION_REQUIRED');
      const token = this.#verify('ERR_SIGNATURE', queryParam(query, 'signature'), [timestamp, nonce]);
      const record = parseXml(await readText(request, this.#options.bodyLimit));
      return { record, cipher: undefined, token, nonce };
    }
    if (msgSignature === undefined) throw new WxOpenError('ERR_MSG_SIGNATURE', { detail: 'missing msg_signature' });

    const envelope = parseXml(await readText(request, this.#options.bodyLimit));
    const encrypt = envelope['Encrypt'];
    if (typeof encrypt !== 'string' || encrypt === '') throw new WxOpenError('ERR_XML', { detail: 'missing Encrypt' });
    const token = this.#verify('ERR_MSG_SIGNATURE', msgSignature, [timestamp, nonce, encrypt]);
    const { message, cipher } = this.#decrypt(encrypt);
    const record = parseXml(decodeUtf8(message, 'decrypted message'));
    return { record, cipher, token, nonce };
  }

  /** GET URL verification: a valid `signature` gets `echostr` back unchanged. */
  #echo(request: CallbackRequest): CallbackResponse {
    const query = request.query;
    const timestamp = this.#checkTimestamp(queryParam(query, 'timestamp'));
    this.#verify('ERR_SIGNATURE', queryParam(query, 'signature'), [timestamp, queryParam(query, 'nonce') ?? '']);
    const echostr = queryParam(query, 'echostr');
    if (echostr === undefined) throw new WxOpenError('ERR_QUERY', { detail: 'missing echostr' });
    return textResponse(echostr);
  }

  #checkTimestamp(timestamp: string | undefined): string {
    if (timestamp === undefined || !/^\d{1,12}$/.test(timestamp)) {
      throw new WxOpenError('ERR_TIMESTAMP', { detail: 'missing or not a number' });
    }
    const skew = this.#options.maxClockSkewSeconds;
    if (skew > 0 && Math.abs(this.#options.now() / 1000 - Number(timestamp)) > skew) throw new WxOpenError('ERR_TIMESTAMP');
    return timestamp;
  }

  /** Verifies a signature with the current Token, then the previous one; forgets the previous once the current is seen. */
  #verify(code: 'ERR_SIGNATURE' | 'ERR_MSG_SIGNATURE', actual: string | undefined, parts: string[]): string {
    if (actual === undefined) throw new WxOpenError(code, { detail: 'missing' });
    const { current, previous } = this.#token;
    if (safeEqual(actual, sign([current, ...parts]))) {
      if (previous !== undefined && this.#token.current === current) this.#token.previous = undefined;
      return current;
    }
    if (previous !== undefined && safeEqual(actual, sign([previous, ...parts]))) return previous;
    throw new WxOpenError(code);
  }

  /** Decrypts with the current key, then the previous one; forgets the previous key once the current one works. */
  #decrypt(encrypt: string): { message: Buffer; cipher: MessageCipher } {
    const { current, previous } = this.#cipher;
    try {
      const { message } = current.decrypt(encrypt);
      if (previous !== undefined && this.#cipher.current === current) this.#cipher.previous = undefined;
      return { message, cipher: current };
    } catch (error) {
      if (previous === undefined) throw error;
      try {
        return { message: previous.decrypt(encrypt).message, cipher: previous };
      } catch {
        throw error;
      }
    }
  }

  /** Encrypts a reply into WeChat's envelope, signed with the Token that verified the request. */
  #seal(xml: string, opened: Opened): string {
    const encrypt = (opened.cipher as MessageCipher).encrypt(xml);
    const timestamp = String(Math.floor(this.#options.now() / 1000));
    // What buildXml writes for { Encrypt, MsgSignature, TimeStamp, Nonce }; base64 and hex need no escaping.
    return (
      `<xml><Encrypt><![CDATA[${encrypt}]]></Encrypt>` +
      `<MsgSignature><![CDATA[${sign([opened.token, timestamp, opened.nonce, encrypt])}]]></MsgSignature>` +
      `<TimeStamp>${timestamp}</TimeStamp><Nonce>${cdata(opened.nonce)}</Nonce></xml>`
    );
  }

  #fail(error: unknown, context: ErrorContext): CallbackResponse {
    if (!isWxOpenError(error)) {
      if (error instanceof BodyConsumedError) throw error; // a mounting mistake: let the framework show it
      error = new WxOpenError('ERR_HANDLER', { cause: error });
    }
    const err = error as WxOpenError;
    this.#report(err, context);
    return errorResponse(err);
  }

  /**
   * Reports a failure that happened outside the core, to the error hook: adapters call it when a response could
   * not be written (headers already sent by another middleware, socket gone). A non-wxopen error is wrapped
   * as `ERR_RESPONSE` with it as the cause. Never throws.
   */
  reportError(error: unknown, context: ErrorContext): void {
    this.#report(isWxOpenError(error) ? error : new WxOpenError('ERR_RESPONSE', { cause: error }), context);
  }

  #report(error: WxOpenError, context: ErrorContext): void {
    try {
      this.#options.onError(error, context);
    } catch {
      // an error hook must never turn a clean rejection into a crash
    }
  }
}
