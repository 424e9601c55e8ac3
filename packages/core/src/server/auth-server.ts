import { sendCustomMessage } from '../api/component';
import type { Client } from '../api/client';
import type { AccessTokenServer, CredentialStatus } from '../credentials/component';
import { ComponentCredentials } from '../credentials/component';
import type { Addressee } from '../credentials/authorizer-tokens';
import type { ReleaseRunner } from '../release/runner';
import type { AuditPush } from '../release/types';
import type { PendingAuthorization } from '../credentials/outbox';
import { Deliveries } from '../delivery/deliveries';
import type { DeliveryMemory } from '../delivery/deliveries';
import type { OpenedPush } from '../envelope/envelope';
import { MessageEnvelope, parseMessage } from '../envelope/envelope';
import { WxOpenError, isWxOpenError } from '../errors';
import { infoEffect } from '../messages/info';
import type { HandlerResult } from '../messages/reply';
import { renderReply } from '../messages/reply';
import type { ComponentInfo, InfoOf, InfoType, UnknownInfo, UnknownMessage, WechatMessage } from '../messages/types';
import { isKnownInfo, toInfo, toMessage } from '../messages/types';
import { GuardedStore } from '../store/guarded';
import { MemoryStore } from '../store/memory';
import type { Store } from '../store/types';
import type { CallbackEvent } from '../observe/channels';
import { publish } from '../observe/channels';
import { quote } from '../util/log';
import type { BodyLimits, CallbackRequest, CallbackResponse } from './http';
import { BodyConsumedError, errorResponse, isBodyStream, readBody, replyResponse, textResponse } from './http';
import type { AuthServerOptions, ErrorContext, ResolvedOptions } from './options';
import { credentialOptions, resolveOptions } from './options';
import type { MessageContext } from './router';
import { MessageRouter } from './router';
import { RELEASE_TEST_USER_NAMES, isReleaseTest, releaseTestAnswer } from './release-test';

/** What `AuthServer.health()` reports. */
export interface HealthReport {
  readonly status: 'ok' | 'degraded' | 'down';
  readonly store: { readonly reachable: boolean; readonly latencyMs?: number; readonly error?: string };
  /** The credential chain, when there is one (an AppSecret was given). */
  readonly credentials?: CredentialStatus;
  /** What this process holds for the acknowledgement contract. */
  readonly deliveries: DeliveryMemory;
  /** What needs attention, one sentence each. */
  readonly problems: readonly string[];
}

/** Handles one kind of component push; what it returns is ignored. */
export type InfoHandler<I> = (info: I) => unknown;

const SUCCESS = textResponse('success');
/** The audit results a release runner follows. */
const AUDIT_EVENTS: ReadonlySet<string> = new Set(['weapp_audit_success', 'weapp_audit_fail', 'weapp_audit_delay']);

/** What one request did, filled in as it goes, published on `wxopen:callback` when it is answered. */
interface Trace {
  outcome: CallbackEvent['outcome'];
  kind?: string;
  code?: string;
  authorizerAppId?: string;
}

function kindOf(record: { readonly [field: string]: unknown }): string | undefined {
  const info = record['InfoType'];
  if (typeof info === 'string') return info;
  const msgType = record['MsgType'];
  const event = record['Event'];
  if (typeof msgType !== 'string') return undefined;
  return msgType === 'event' && typeof event === 'string' ? `event/${event}` : msgType;
}
/** A WeChat appid: `wx` and 16 hexadecimal digits. */
const APPID = /^wx[0-9a-f]{16}$/i;
/** How long an authorizer whose original id could not be learnt is left alone before the next attempt, in ms. */
const LEARN_RETRY_MS = 600_000;

/**
 * The callback server of one third-party platform (component), after the Go SDK's `AuthServer`. It orchestrates
 * its two endpoints; the envelope (`MessageEnvelope`), the acknowledgement contract (`Deliveries`), the payload
 * kinds (`messages/`) and the credential chain (`ComponentCredentials`) each live in their own module.
 *
 * - `handleAuthEvent` serves the component URL (授权事件接收 URL): open the push, do what the platform does with its
 *   kind (keep the ticket, queue the authorization code) durably, run the `onInfo` handlers, answer `success`.
 * - `handleMessage` serves the authorizer URL (消息与事件接收 URL, `/callback/$APPID$`) for every authorizer: open the
 *   push, check it is addressed to the URL's authorizer, dispatch through `messages`, answer the handler's reply
 *   (sealed when the push was encrypted, in the push's format, XML or JSON).
 *
 * Both take a framework-free `CallbackRequest` and return a `CallbackResponse`; adapters only translate.
 */
export class AuthServer {
  /** The component appid. */
  readonly appId: string;
  /** Handlers and middleware for authorizers' messages and events. */
  readonly messages = new MessageRouter();
  /** Where tickets, tokens and delivery marks live (every call bounded by `storeTimeoutMs`). */
  readonly store: Store;

  readonly #options: ResolvedOptions;
  /** The body limits of `#options`, in the form `readBody` takes (made once, read per request). */
  readonly #bodyLimits: BodyLimits;
  readonly #envelope: MessageEnvelope;
  readonly #deliveries: Deliveries;
  readonly #infoHandlers = new Map<string, InfoHandler<never>[]>();
  readonly #unknownInfoHandlers: InfoHandler<UnknownInfo>[] = [];
  readonly #credentials: ComponentCredentials | undefined;
  readonly #ownsStore: boolean;
  readonly #ownsCredentials: boolean;
  readonly #background = new Set<Promise<unknown>>();
  /** Misconfigurations already reported (one log line each). */
  readonly #warned = new Set<string>();
  /** Authorizers whose original id is being learnt, or could not be, with when to try again. */
  readonly #learning = new Map<string, number>();

  constructor(options: AuthServerOptions) {
    this.#options = resolveOptions(options);
    this.#bodyLimits = { limit: this.#options.bodyLimit, timeoutMs: this.#options.bodyTimeoutMs, idleTimeoutMs: this.#options.bodyIdleTimeoutMs };
    this.appId = this.#options.appId;
    this.#envelope = new MessageEnvelope(options, { maxClockSkewSeconds: this.#options.maxClockSkewSeconds, now: this.#options.now });
    const given = options.credentials;
    if (given instanceof ComponentCredentials) {
      if (given.appId !== this.appId) throw new TypeError('wxopen: option `credentials` belongs to another appid than `appId`');
      if (options.store !== undefined && options.store !== given.store) {
        throw new TypeError('wxopen: options `store` and `credentials` disagree: give the credentials the same store, or leave `store` out');
      }
    }
    const store = given instanceof ComponentCredentials ? given.store : options.store;
    this.#ownsStore = store === undefined;
    this.store = new GuardedStore(store ?? new MemoryStore(), this.#options.storeTimeoutMs);
    this.#ownsCredentials = !(given instanceof ComponentCredentials);
    const credentials = given instanceof ComponentCredentials ? undefined : credentialOptions(options);
    this.#credentials =
      given instanceof ComponentCredentials
        ? given
        : credentials === undefined
          ? undefined
          : new ComponentCredentials({
              ...credentials,
              appId: this.appId,
              store: this.store,
              onOutboxError: credentials.onOutboxError ?? ((error, authorizerAppId) => this.#report(error, { endpoint: 'auth', authorizerAppId })),
            });
    this.#deliveries = new Deliveries({
      store: this.store,
      keyPrefix: `{${this.appId}}:`,
      ttlMs: this.#options.dedupTtlMs,
      deadlineMs: this.#options.replyDeadlineMs,
      leaseMs: this.#options.leaseMs,
      windowSeconds: this.#options.maxClockSkewSeconds,
      now: this.#options.now,
      onError: (error) => this.#report(isWxOpenError(error) ? error : new WxOpenError('ERR_STORE', { cause: error }), { endpoint: 'message' }),
    });
  }

  /**
   * The credential chain (verify ticket → component token → authorizer tokens) and the API clients.
   * Needs the `appSecret` option (or `credentials`).
   */
  get credentials(): ComponentCredentials {
    if (!this.#credentials) {
      throw new TypeError('wxopen: option `appSecret` is required for tokens and API calls (the platform AppSecret)');
    }
    return this.#credentials;
  }

  /** The component_access_token, cached and refreshed once at a time across processes (Go: `ComponentToken`). */
  async componentToken(): Promise<string> {
    return this.credentials.componentToken();
  }

  /**
   * Refreshes the component token because `failedToken` was refused (Go: `ComponentRefreshToken`). When the stored
   * token is already another one, that one is returned without a fetch.
   */
  async refreshComponentToken(failedToken?: string): Promise<string> {
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

  /**
   * A bulk release runner whose accounts follow this server's `weapp_audit_success` / `weapp_audit_fail` /
   * `weapp_audit_delay` pushes (a middleware hands them over before your handlers run; a failure to record one
   * answers 5xx, so WeChat retries it). Polling `get_auditstatus` remains the fallback.
   */
  releaseRunner(options: Parameters<ComponentCredentials['releaseRunner']>[0] = {}): ReleaseRunner {
    const runner = this.credentials.releaseRunner(options);
    this.messages.use(async (ctx, next) => {
      const message = ctx.message;
      if (message.MsgType === 'event' && AUDIT_EVENTS.has(String(message.Event)) && ctx.authorizerAppId !== undefined) {
        await runner.handleAuditEvent(ctx.authorizerAppId, message as unknown as AuditPush);
      }
      return next();
    });
    return runner;
  }

  /** Authorization codes pushed by WeChat and not exchanged yet (the codes themselves are not shown). */
  async pendingAuthorizations(): Promise<PendingAuthorization[]> {
    return this.credentials.pendingAuthorizations();
  }

  /**
   * A health report for an orchestrator or an operator: `down` when the store does not answer (callbacks then get
   * 503), `degraded` when callbacks work but the credential chain needs attention (no verify ticket for 20 minutes,
   * the last component-token fetch failed, an authorization code waiting for over 10 minutes), else `ok`.
   * `problems` says what, in words; nothing secret is in the report.
   */
  async health(): Promise<HealthReport> {
    const problems: string[] = [];
    const deliveries = this.#deliveries.memory;
    const started = performance.now();
    let store: HealthReport['store'];
    try {
      await this.store.get(`{${this.appId}}:health`);
      store = { reachable: true, latencyMs: performance.now() - started };
    } catch (error) {
      store = { reachable: false, error: isWxOpenError(error) ? error.message : 'store failed' };
      problems.push(`the store does not answer: ${store.error}`);
      return { status: 'down', store, deliveries, problems };
    }
    if (this.#credentials === undefined) return { status: 'ok', store, deliveries, problems };
    const credentials = await this.#credentials.status();
    if (credentials.ticket.stale) {
      problems.push(
        credentials.ticket.present
          ? 'no component_verify_ticket for over 20 minutes: call startPushTicket() to restart the push'
          : 'no component_verify_ticket yet: WeChat pushes one every 10 minutes (startPushTicket() asks for it)',
      );
    }
    if (credentials.componentToken.lastFetchFailed !== undefined) {
      problems.push(`the last component_access_token fetch failed (${credentials.componentToken.lastFetchFailed})`);
    }
    if ((credentials.authorizations.oldestAgeMs ?? 0) > 600_000) {
      problems.push(`${credentials.authorizations.pending} authorization code(s) waiting for their exchange for over 10 minutes`);
    }
    return { status: problems.length > 0 ? 'degraded' : 'ok', store, credentials, deliveries, problems };
  }

  /** Waits for background work (authorization-code exchanges, release-test replies) to settle. */
  async idle(): Promise<void> {
    do {
      await Promise.allSettled([...this.#background]);
      await this.#credentials?.idle();
    } while (this.#background.size > 0);
  }

  /**
   * Stops timers, waits for background work, keeps the replay marks of a store only this process sees in that store
   * for the next process on it (a failure is reported as `ERR_STORE`, not thrown), and closes what this server
   * created (its store, its credentials). Close it before the store you gave it.
   */
  async close(): Promise<void> {
    await this.idle();
    // A store this server made itself (a MemoryStore) dies with it: nobody would read the marks.
    if (!this.#ownsStore) {
      await this.#deliveries
        .save()
        .catch((cause: unknown) => this.#report(new WxOpenError('ERR_STORE', { detail: 'the replay marks could not be kept for the next start', cause }), { endpoint: 'message' }));
    }
    this.#deliveries.close();
    if (this.#ownsCredentials) await this.#credentials?.close();
    if (this.#ownsStore) await this.store.close?.();
  }

  /** Rotates the message-check Token. Pushes signed with the previous Token are accepted until one signed with the new Token arrives. */
  setToken(token: string): void {
    this.#envelope.setToken(token);
  }

  /** Rotates the EncodingAESKey. Pushes encrypted with the previous key are accepted until one with the new key arrives. */
  setAESKey(encodingAESKey: string): void {
    this.#envelope.setAESKey(encodingAESKey);
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
    if (typeof handler !== 'function') throw new TypeError('wxopen: onUnknownInfo(handler) needs a function');
    this.#unknownInfoHandlers.push(handler);
    return this;
  }

  /**
   * Reports a failure that happened outside the core, to the error hook: adapters call it when a response could
   * not be written (headers already sent by another middleware, socket gone). A non-wxopen error is wrapped
   * as `ERR_RESPONSE` with it as the cause. Never throws.
   */
  reportError(error: unknown, context: ErrorContext): void {
    this.#report(isWxOpenError(error) ? error : new WxOpenError('ERR_RESPONSE', { cause: error }), context);
  }

  // ── the component URL ────────────────────────────────────────────────────────────────────────────────

  /** Serves the component URL (授权事件接收 URL). Answers `success` once the push is durably handled. */
  handleAuthEvent(request: CallbackRequest): Promise<CallbackResponse> {
    return this.#traced('auth', (trace) => this.#authEvent(request, trace));
  }

  async #authEvent(request: CallbackRequest, trace: Trace): Promise<CallbackResponse> {
    const context: ErrorContext = { endpoint: 'auth' };
    try {
      const push = await this.#open(request);
      if (push === undefined) {
        trace.outcome = 'verified';
        return textResponse(this.#envelope.verifyUrl(request.query));
      }
      const record = parseMessage(push);
      trace.kind = kindOf(record);
      if (record['InfoType'] === undefined && record['MsgType'] !== undefined) {
        this.#warnOnce('swapped-auth', "a message (MsgType) reached the authorization-event URL: are the two callback URLs swapped in WeChat's console?");
      }
      const info = toInfo(record);
      const outcome = await this.#deliveries.deliver<undefined>({
        identity: push.plaintext,
        timestamp: push.timestamp,
        effect: this.#effectOf(info),
        run: async () => {
          await this.#runInfo(info);
          return { value: undefined, reply: undefined };
        },
        onLate: (_value, error) => {
          if (error !== undefined) this.#report(asHandlerError(error), context);
        },
        onError: (error) => this.#report(asHandlerError(error), context),
      });
      trace.outcome = outcome.duplicate ? 'duplicate' : outcome.late ? 'late' : 'handled';
      return SUCCESS;
    } catch (error) {
      return this.#fail(error, context, trace);
    }
  }

  /** The durable work the platform does with a push before it is acknowledged (none without an AppSecret). */
  #effectOf(info: ComponentInfo | UnknownInfo): (() => Promise<void>) | undefined {
    const effect = isKnownInfo(info) ? infoEffect(info) : undefined;
    if (effect === undefined) return undefined;
    const credentials = this.#credentials;
    if (credentials === undefined) {
      this.#warnOnce(
        `no-secret-${info.InfoType}`,
        `a ${quote(info.InfoType)} push arrived but no appSecret is configured: tickets are not kept and authorization codes are not exchanged`,
      );
      return undefined;
    }
    return () => effect(credentials);
  }

  async #runInfo(info: ComponentInfo | UnknownInfo): Promise<void> {
    const handlers = (this.#infoHandlers.get(info.InfoType) ??
      (isKnownInfo(info) ? [] : this.#unknownInfoHandlers)) as InfoHandler<ComponentInfo | UnknownInfo>[];
    try {
      for (const handler of handlers) await handler(info);
    } catch (cause) {
      throw new WxOpenError('ERR_HANDLER', { cause });
    }
  }

  // ── the message URL ──────────────────────────────────────────────────────────────────────────────────

  /** Serves the authorizer URL (消息与事件接收 URL) of every authorizer of this component. */
  handleMessage(request: CallbackRequest): Promise<CallbackResponse> {
    return this.#traced('message', (trace) => this.#message(request, trace));
  }

  async #message(request: CallbackRequest, trace: Trace): Promise<CallbackResponse> {
    const routeAppId = request.authorizerAppId;
    const context: ErrorContext = { endpoint: 'message', authorizerAppId: routeAppId };
    try {
      if (routeAppId === undefined) {
        this.#warnOnce('no-route-appid', 'the message URL has no authorizer appid: mount it as /callback/:appid (WeChat: .../$APPID$)');
      } else if (!APPID.test(routeAppId)) {
        throw new WxOpenError('ERR_ROUTE', { detail: quote(routeAppId, 40) });
      } else {
        trace.authorizerAppId = routeAppId;
      }
      const push = await this.#open(request);
      if (push === undefined) {
        trace.outcome = 'verified';
        return textResponse(this.#envelope.verifyUrl(request.query));
      }
      const record = parseMessage(push);
      trace.kind = kindOf(record);
      if (record['InfoType'] !== undefined && record['MsgType'] === undefined) {
        this.#warnOnce('swapped-message', "a component push (InfoType) reached the message URL: are the two callback URLs swapped in WeChat's console?");
      }
      const message = toMessage(record);
      const checking = this.#checkAddressee(routeAppId, message);
      if (checking !== undefined) await checking;
      const ctx: MessageContext = {
        authorizerAppId: routeAppId,
        openid: message.FromUserName,
        message,
        encrypted: push.encrypted,
        format: push.format,
        state: {},
      };
      const outcome = await this.#deliveries.deliver<HandlerResult>({
        identity: push.plaintext,
        timestamp: push.timestamp,
        run: () => this.#reply(ctx),
        onLate: (value, error) => {
          if (error !== undefined) this.#report(asHandlerError(error), context);
          else this.#lateReply(ctx, value);
        },
        onError: (error) => this.#report(asHandlerError(error), context),
      });
      trace.outcome = outcome.duplicate ? 'duplicate' : outcome.late ? 'late' : 'handled';
      if (outcome.reply === undefined) return SUCCESS;
      return replyResponse(this.#envelope.sealReply(outcome.reply, push), push.format);
    } catch (error) {
      return this.#fail(error, context, trace);
    }
  }

  /**
   * Refuses a message addressed (`ToUserName`) to another authorizer than the URL's, once the original ids are known;
   * an authorizer whose id is not known yet is looked up in the background (`api_get_authorizer_info`).
   */
  #checkAddressee(routeAppId: string | undefined, message: WechatMessage | UnknownMessage): Promise<void> | undefined {
    const credentials = this.#credentials;
    if (!this.#options.checkAddressee || credentials === undefined || routeAppId === undefined) return undefined;
    const addressee = message.ToUserName;
    if (RELEASE_TEST_USER_NAMES.has(addressee)) return undefined;
    // Synchronous once this process knows the ids (see `addressee`): no turn of the queue for most messages.
    const verdict = credentials.addressee(routeAppId, addressee);
    if (typeof verdict !== 'string') return verdict.then((known) => this.#judgeAddressee(known, routeAppId, addressee));
    this.#judgeAddressee(verdict, routeAppId, addressee);
    return undefined;
  }

  #judgeAddressee(verdict: Addressee, routeAppId: string, addressee: string): void {
    if (verdict === 'other') throw new WxOpenError('ERR_AUTHORIZER', { detail: `ToUserName ${quote(addressee, 40)} is not ${routeAppId}` });
    if (verdict === 'unknown') this.#learn(routeAppId);
  }

  /** Learns an authorizer's original id in the background, at most once per `LEARN_RETRY_MS` per process. */
  #learn(appId: string): void {
    const now = this.#options.now();
    if ((this.#learning.get(appId) ?? 0) > now) return;
    this.#learning.set(appId, now + LEARN_RETRY_MS);
    this.#inBackground(async () => {
      await this.credentials.getAuthorizerInfo(appId);
      this.#learning.delete(appId);
    }, undefined);
  }

  /** Runs middleware and handlers, then renders the plain reply (`undefined` = `success`). */
  async #reply(ctx: MessageContext): Promise<{ value: HandlerResult; reply: string | undefined }> {
    let value: HandlerResult;
    try {
      value = this.#options.releaseTest && isReleaseTest(ctx.message, ctx.authorizerAppId)
        ? this.#answerReleaseTest(ctx)
        : await this.messages.dispatch(ctx);
    } catch (cause) {
      throw new WxOpenError('ERR_HANDLER', { cause });
    }
    try {
      return { value, reply: renderReply(value, ctx.message, Math.floor(this.#options.now() / 1000), ctx.format) };
    } catch (cause) {
      throw new WxOpenError('ERR_REPLY', { cause });
    }
  }

  #lateReply(ctx: MessageContext, reply: HandlerResult | undefined): void {
    Promise.resolve()
      .then(() => this.#options.onLateReply({ authorizerAppId: ctx.authorizerAppId, message: ctx.message, reply }))
      .catch((cause: unknown) =>
        this.#report(new WxOpenError('ERR_HANDLER', { detail: 'onLateReply failed', cause }), { endpoint: 'message', authorizerAppId: ctx.authorizerAppId }),
      );
  }

  /** Answers the 全网发布 test; its API case runs in the background after `success` is answered. */
  #answerReleaseTest(ctx: MessageContext): HandlerResult {
    const { reply, queryAuth } = releaseTestAnswer(ctx.message);
    if (queryAuth) {
      this.#inBackground(async () => {
        const credentials = this.credentials;
        const authorization = await credentials.queryAuth(queryAuth.code);
        await sendCustomMessage(credentials.authorizerClient(authorization.authorizer_appid), {
          touser: queryAuth.openid,
          msgtype: 'text',
          text: { content: `${queryAuth.code}_from_api` },
        });
      }, { endpoint: 'message', authorizerAppId: ctx.authorizerAppId });
    }
    return reply;
  }

  // ── shared steps ─────────────────────────────────────────────────────────────────────────────────────

  /**
   * Checks method, query and timestamp, reads the body within its limits and opens the push. Resolves to
   * `undefined` for a GET (URL verification).
   */
  async #open(request: CallbackRequest): Promise<OpenedPush | undefined> {
    const method = request.method.toUpperCase();
    if (method === 'GET') return undefined;
    if (method !== 'POST') throw new WxOpenError('ERR_METHOD');
    const head = this.#envelope.readHead(request.query, this.#options.requireEncryption);
    const body = request.body;
    if (typeof body === 'object' && body !== null && !(body instanceof Uint8Array) && !isBodyStream(body)) {
      return this.#envelope.open(head, body); // a JSON envelope a body parser already read
    }
    if (typeof body === 'string' && isWellFormed(body)) {
      // Text a parser already read: readBody (which counts the bytes it reads) is not involved.
      if (Buffer.byteLength(body, 'utf8') > this.#options.bodyLimit) throw new WxOpenError('ERR_BODY_LIMIT');
      return this.#envelope.open(head, body);
    }
    return this.#envelope.open(head, decodeBody(await readBody(request, this.#bodyLimits)));
  }

  /** Runs `task` after the response, reporting its failure to the error hook (`context` undefined: silently). */
  #inBackground(task: () => Promise<unknown>, context: ErrorContext | undefined): void {
    const run = task().catch((error: unknown) => {
      if (context !== undefined) this.#report(asHandlerError(error, 'background task failed'), context);
    });
    this.#background.add(run);
    void run.finally(() => this.#background.delete(run));
  }

  #warnOnce(key: string, message: string): void {
    if (this.#warned.has(key)) return;
    this.#warned.add(key);
    console.warn(`[wxopen] ${message}`);
  }

  #fail(error: unknown, context: ErrorContext, trace: Trace): CallbackResponse {
    if (!isWxOpenError(error)) {
      if (error instanceof BodyConsumedError) throw error; // a mounting mistake: let the framework show it
      error = new WxOpenError('ERR_HANDLER', { cause: error });
    }
    const err = error as WxOpenError;
    trace.outcome = 'rejected';
    trace.code = err.code;
    this.#report(err, context);
    return errorResponse(err);
  }

  /** Serves one request of `endpoint` and publishes its outcome on `wxopen:callback`. */
  async #traced(endpoint: 'auth' | 'message', serve: (trace: Trace) => Promise<CallbackResponse>): Promise<CallbackResponse> {
    const started = performance.now();
    const trace: Trace = { outcome: 'handled' };
    const response = await serve(trace);
    publish('wxopen:callback', () => ({
      endpoint,
      outcome: trace.outcome,
      status: response.status,
      code: trace.code,
      kind: trace.kind,
      authorizerAppId: trace.authorizerAppId,
      durationMs: performance.now() - started,
    }));
    return response;
  }

  #report(error: WxOpenError, context: ErrorContext): void {
    try {
      this.#options.onError(error, context);
    } catch {
      // an error hook must never turn a clean rejection into a crash
    }
  }
}

function asHandlerError(error: unknown, detail?: string): WxOpenError {
  return isWxOpenError(error) ? error : new WxOpenError('ERR_HANDLER', { detail, cause: error });
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function decodeBody(bytes: Uint8Array): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw new WxOpenError('ERR_XML', { detail: 'body is not valid UTF-8' });
  }
}

/** `String.prototype.isWellFormed` (Node 20+; not in the ES2023 lib typings). */
const isWellFormed = (text: string): boolean => (text as string & { isWellFormed(): boolean }).isWellFormed();
