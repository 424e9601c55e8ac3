/**
 * A fake WeChat API server for tests: a node:http server on 127.0.0.1 that implements the component endpoints,
 * the customer-service send API, OAuth and login on behalf, JS-SDK tickets, mini-program management (code,
 * audits, releases, templates, domains, testers, basic info, privacy, open accounts, quotas, fast registration),
 * with WeChat's error shapes and codes, real token checks and expiry on a clock the test can advance, counters
 * per endpoint and per appid, fault injection, and the audit pushes WeChat sends back to the platform.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { AuditDesk } from './fake-wechat/audits';
import type { AuditOutcome, AutoAuditOptions } from './fake-wechat/audits';
import { Faults } from './fake-wechat/faults';
import { PushSender } from './fake-wechat/pushes';
import type { FakeCallbackTarget, FakePush } from './fake-wechat/pushes';
import { FakeBinary, FakePage, FakeRedirect } from './fake-wechat/route-kit';
import type { Body, FakeUpload, Route } from './fake-wechat/route-kit';
import { ROUTES } from './fake-wechat/routes';
import { checkOAuthToken, issueOAuthCode } from './fake-wechat/routes-oauth';
import { FAKE_ERRMSG, FakeState, FakeWechatError, randomId, rid } from './fake-wechat/state';
import type { FakeAuthorizer, FuncInfoEntry, SentMessage } from './fake-wechat/state';
import { DEFAULT_OAUTH_USER, fakeOpenId } from './fake-wechat/wxa-state';
import type { FakeDraft, FakeMiniProgram, FakeOAuthGrant, FakeOAuthUser, FakeTemplate } from './fake-wechat/wxa-state';

export { FAKE_ERRMSG, FakeState } from './fake-wechat/state';
export type { FakeAuthorizer, FakeStateOptions, FuncInfoEntry, IssuedToken, PendingAuthorization, SentMessage } from './fake-wechat/state';
export type { Body as FakeRequestBody } from './fake-wechat/routes';
export type { FakeUpload } from './fake-wechat/route-kit';
export type { AuditDecision, AuditOutcome, AutoAuditOptions } from './fake-wechat/audits';
export type { FakeCallbackTarget, FakePush } from './fake-wechat/pushes';
export type { DomainLists, FakeAudit, FakeAuditStatus, FakeCode, FakeDraft, FakeGrayPlan, FakeJsCode, FakeMedia, FakeOAuthCode, FakeOAuthGrant, FakeOAuthUser, FakeOpenAccount, FakeRegistration, FakeRelease, FakeTemplate } from './fake-wechat/wxa-state';
export { FakeMiniProgram, FakeWxaState } from './fake-wechat/wxa-state';
export { OAUTH_AUTHORIZE_ORDER } from './fake-wechat/routes-oauth';
export { PRIVACY_KEYS } from './fake-wechat/routes-account';

export interface FakeWechatOptions {
  /** Component appid the fake accepts (default `wxfakecomponent00001`). */
  readonly componentAppId?: string;
  /** Component AppSecret the fake accepts (default `fake-component-secret`). */
  readonly componentAppSecret?: string;
  /** Verify tickets accepted from the start (default none; add with `pushTicket`). */
  readonly tickets?: readonly string[];
  /** `expires_in` of component and authorizer tokens, in seconds (default 7200). */
  readonly expiresIn?: number;
  /** How long a superseded token keeps working after a new one is issued, in ms (default 0). */
  readonly graceMs?: number;
  /** `api_authorizer_token` answers with a new refresh token each time (default false, like WeChat). */
  readonly rotateRefreshTokens?: boolean;
  /** `expires_in` of pre-auth codes, in seconds (default 1800). */
  readonly preAuthCodeExpiresIn?: number;
  /** Called with a new valid ticket whenever `api_start_push_ticket` succeeds (as WeChat would push it). */
  readonly onPushTicket?: (ticket: string) => void;
  /** `expires_in` of JS-SDK tickets, in seconds (default 7200). */
  readonly ticketExpiresIn?: number;
  /** Where audit and registration pushes go (default none; set later with `configureCallback`). */
  readonly callback?: FakeCallbackTarget;
}

/** A mini program to register with `addMiniProgram`. */
export interface FakeMiniProgramDetails {
  readonly refreshToken?: string;
  /** Default `fake <appid>`. */
  readonly nickname?: string;
  /** Original id, default `gh_` and the end of the appid. */
  readonly userName?: string;
  /** Principal name (open-account binding compares it), default `fake principal`. */
  readonly principal?: string;
  /** A personal mini program (web-view domains refused). */
  readonly personal?: boolean;
}

/** One request received, for assertions. */
export interface FakeRequest {
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly body: Readonly<Body>;
  /** The files of a multipart upload: name, type and size of each, by field (absent for other requests). */
  readonly files?: Readonly<Record<string, { readonly filename: string; readonly contentType: string; readonly size: number }>>;
}

export interface RegisterAuthorizationOptions {
  /** The authorizer appid the code authorizes. */
  readonly appId: string;
  /** The code (default a random `queryauthcode@@@…`). */
  readonly code?: string;
  /** Validity in ms on the fake clock (default 3 600 000). */
  readonly expiresInMs?: number;
  /** `authorizer_info` to answer later. */
  readonly info?: Record<string, unknown>;
  readonly funcInfo?: FuncInfoEntry[];
  /** Answer without token fields, like an account that granted no API permissions (default false). */
  readonly omitTokens?: boolean;
}

export interface FakeWechat {
  /** Base URL to give the client as `apiBase`. */
  readonly url: string;
  readonly componentAppId: string;
  readonly componentAppSecret: string;
  /** Requests received per endpoint path (faulted ones included). */
  readonly calls: Readonly<Record<string, number>>;
  /** Requests received to `endpoint`: a path (`/cgi-bin/…`) or its last segment (`api_component_token`). */
  count(endpoint: string): number;
  /**
   * Requests received to `endpoint` for `appId`: the appid of the authorizer or OAuth token, or the `appid`
   * parameter of component calls made for an authorizer (faulted requests included).
   */
  countFor(endpoint: string, appId: string): number;
  /** Every request received, in order. */
  readonly requests: readonly FakeRequest[];
  /** Customer-service messages received (the 全网发布 test asserts these). */
  readonly sentMessages: readonly SentMessage[];
  /** The fake's state, for assertions and direct setup. */
  readonly state: FakeState;
  /** The fake's clock: real time plus what `advance` added. Give the store the same `now` in tests. */
  readonly clock: { now(): number; advance(ms: number): void };

  /** Adds a valid verify ticket (random when omitted) and returns it. */
  pushTicket(ticket?: string): string;
  /** From now on `ticket` is answered with 61005 (expired). */
  expireTicket(ticket: string): void;
  /** Registers an authorizer that has already authorized the component; returns it (with its refresh token). */
  addAuthorizer(appId: string, details?: { refreshToken?: string; info?: Record<string, unknown>; funcInfo?: FuncInfoEntry[] }): FakeAuthorizer;
  /** Registers a single-use authorization code for `api_query_auth`; returns the code. */
  registerAuthorizationCode(options: RegisterAuthorizationOptions): string;
  /** The authorizer withdraws its authorization (61023 on refresh, 61003 on info). */
  unauthorize(appId: string): void;
  /** Gives an authorizer a new refresh token, as a re-authorization elsewhere would; returns it. */
  rotateRefreshToken(appId: string): string;
  /** The current component token stops working at once (as if refreshed elsewhere). */
  invalidateComponentToken(): void;
  /** The current access token of an authorizer stops working at once. */
  invalidateAuthorizerToken(appId: string): void;

  /** Registers an authorized mini program (an authorizer with `MiniProgramInfo`); returns the authorizer. */
  addMiniProgram(appId: string, details?: FakeMiniProgramDetails): FakeAuthorizer;
  /** The management state of a mini program (code, audits, releases, domains, testers, …). */
  miniProgram(appId: string): FakeMiniProgram;
  /** Adds a draft to the platform's drafts (as uploading from the developer tools does). */
  addDraft(fields?: { user_version?: string; user_desc?: string }): FakeDraft;
  /** Adds a template to the platform's template library directly. */
  addTemplate(fields?: { user_version?: string; user_desc?: string; template_type?: 0 | 1; pages?: readonly string[] }): FakeTemplate;
  /** Issues an OAuth code for a user of the official account `appId` (what the authorize page does). */
  issueOAuthCode(options: { appId: string; scope?: string; user?: Partial<FakeOAuthUser> }): string;
  /** Who signs in on the authorize page from now on (`consent: false` refuses). */
  setOAuthUser(user: Partial<FakeOAuthUser>): void;
  /** The user behind an OAuth access token, for assertions. */
  oauthGrant(accessToken: string): FakeOAuthGrant | undefined;
  /** Issues a `js_code` as `wx.login()` in the mini program `appId` would; returns it with the user's openid. */
  issueJsCode(options: { appId: string; user?: string; unionid?: string }): { code: string; openid: string };

  /** Where pushes go from now on (`undefined`: nowhere). `retryDelayMs` between delivery attempts (default 50). */
  configureCallback(target: FakeCallbackTarget | undefined, retryDelayMs?: number): void;
  /** Decides every audit submitted from now on (`false` stops it). */
  autoAudit(options: AutoAuditOptions | false): void;
  /** Decides the latest audit of `appId` and pushes the result (unless `push: false`). */
  resolveAudit(
    appId: string,
    outcome: AuditOutcome,
    details?: { reason?: string; screenshot?: string; push?: boolean },
  ): Promise<FakePush | undefined>;
  /**
   * Completes a fast registration (an enterprise task by name, a personal task id or a beta unique id): creates the
   * mini program, registers an authorization code for it, and pushes `notify_third_fasteregister` (or
   * `notify_third_fastregisterbetaapp`) to the authorization-event URL.
   */
  completeRegistration(match: string, appId?: string): Promise<{ appId: string; authCode: string; push: FakePush }>;
  /** Every push sent, in order, with its outcome. */
  readonly pushes: readonly FakePush[];
  /** Resolves when no push delivery is under way. */
  idle(): Promise<void>;

  /** The next `times` requests to `endpoint` answer `errcode` (default once). */
  failNext(endpoint: string, errcode: number, times?: number, errmsg?: string): void;
  /** The next `times` requests to `endpoint` for `appId` answer `errcode` (default once). */
  failNextFor(appId: string, endpoint: string, errcode: number, times?: number, errmsg?: string): void;
  /** The next `times` requests to `endpoint` answer -1 system busy (default once). */
  busy(endpoint: string, times?: number): void;
  /** Requests to `endpoint` answer 45009 until `clear_quota` or `quota(endpoint, false)`. */
  quota(endpoint: string, exhausted?: boolean): void;
  /** Requests to `endpoint` are answered after `ms` (0 removes the delay). */
  latency(endpoint: string, ms: number): void;
  /** The next `times` requests to `endpoint` answer HTTP `status` (default 500, once). */
  httpError(endpoint: string, status?: number, times?: number): void;
  /** The next `times` requests to `endpoint` (default once) are never answered, as a hung upstream (counted in `calls`). */
  hang(endpoint: string, times?: number): void;

  close(): Promise<void>;
}

/** The path of an endpoint given as a path or as its last segment. */
export function fakeEndpointPath(endpoint: string): string {
  if (endpoint.startsWith('/')) return endpoint;
  for (const path of ROUTES.keys()) if (path.endsWith(`/${endpoint}`)) return path;
  throw new TypeError(`fake WeChat: unknown endpoint \`${endpoint}\`; use a path such as /cgi-bin/component/api_component_token`);
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

/** The text fields and files of a `multipart/form-data` body, parsed by undici (Node's fetch) as a server would. */
async function readForm(raw: Buffer, contentType: string): Promise<{ fields: Body; files: Map<string, FakeUpload> }> {
  const form = await new Response(raw, { headers: { 'content-type': contentType } }).formData();
  const fields: Body = {};
  const files = new Map<string, FakeUpload>();
  for (const [name, value] of form.entries()) {
    if (typeof value === 'string') fields[name] = value;
    else files.set(name, { filename: value.name, contentType: value.type, bytes: Buffer.from(await value.arrayBuffer()) });
  }
  return { fields, files };
}

function send(response: ServerResponse, status: number, body: string, type = 'application/json; charset=utf-8'): void {
  if (response.destroyed) return;
  response.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
  response.end(body);
}

function sendBytes(response: ServerResponse, type: string, bytes: Buffer): void {
  if (response.destroyed) return;
  response.writeHead(200, { 'content-type': type, 'content-length': bytes.byteLength });
  response.end(bytes);
}

function redirect(response: ServerResponse, location: string): void {
  if (response.destroyed) return;
  response.writeHead(302, { location, 'content-length': 0 });
  response.end();
}

function errorBody(errcode: number, errmsg: string): string {
  return JSON.stringify({ errcode, errmsg: `${errmsg} rid: ${rid()}` });
}

/** Starts the fake WeChat API server on 127.0.0.1 with an ephemeral port. */
export async function startFakeWechat(options: FakeWechatOptions = {}): Promise<FakeWechat> {
  const state = new FakeState({
    componentAppId: options.componentAppId ?? 'wxfakecomponent00001',
    componentAppSecret: options.componentAppSecret ?? 'fake-component-secret',
    tickets: options.tickets ?? [],
    expiresIn: options.expiresIn ?? 7200,
    graceMs: options.graceMs ?? 0,
    rotateRefreshTokens: options.rotateRefreshTokens ?? false,
    preAuthCodeExpiresIn: options.preAuthCodeExpiresIn ?? 1800,
  });
  if (options.ticketExpiresIn !== undefined) state.wxa.ticketExpiresIn = options.ticketExpiresIn;
  const faults = new Faults();
  const calls: Record<string, number> = {};
  const callsByApp = new Map<string, number>();
  const requests: FakeRequest[] = [];
  const pushes = new PushSender(state.componentAppId);
  pushes.configure(options.callback);
  const audits = new AuditDesk(state, pushes);
  const events = { auditSubmitted: (audit: Parameters<AuditDesk['submitted']>[0]) => audits.submitted(audit) };

  const tokenOf = (route: Route, query: URLSearchParams): string | undefined => {
    if (route.tokenParam) return query.get(route.tokenParam) ?? undefined;
    return route.auth === 'component'
      ? (query.get('component_access_token') ?? query.get('access_token') ?? undefined)
      : (query.get('access_token') ?? undefined);
  };

  /** The appid a request is made for, before any check (for per-appid counters and faults). */
  const appIdFor = (route: Route, query: URLSearchParams, body: Body): string | undefined => {
    const token = tokenOf(route, query);
    if (route.auth === 'authorizer') return state.tokenOwner(token);
    if (route.auth === 'oauth') return token === undefined ? undefined : state.wxa.oauthTokens.get(token)?.appId;
    const named = query.get('appid') ?? body['authorizer_appid'] ?? body['appid'];
    return typeof named === 'string' ? named : undefined;
  };

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://fake.wechat');
    const path = url.pathname;
    const raw = await readBody(request);
    const route = ROUTES.get(path);
    if (!route) return send(response, 404, 'not found', 'text/plain');
    calls[path] = (calls[path] ?? 0) + 1;

    let body: Body = {};
    let files = new Map<string, FakeUpload>();
    let malformed = false;
    const contentType = request.headers['content-type'] ?? '';
    if (request.method === 'POST' && /^multipart\/form-data\b/i.test(contentType)) {
      try {
        ({ fields: body, files } = await readForm(raw, contentType));
      } catch {
        malformed = true;
      }
    } else if (request.method === 'POST' && raw.toString('utf8').trim() !== '') {
      try {
        const parsed: unknown = JSON.parse(raw.toString('utf8'));
        if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) body = parsed as Body;
        else malformed = true;
      } catch {
        malformed = true;
      }
    }
    const received: FakeRequest = { method: request.method ?? '', path, query: Object.fromEntries(url.searchParams), body };
    requests.push(files.size === 0 ? received : { ...received, files: Object.fromEntries([...files].map(([name, f]) => [name, { filename: f.filename, contentType: f.contentType, size: f.bytes.length }])) });
    const appId = appIdFor(route, url.searchParams, body);
    if (appId !== undefined) callsByApp.set(`${path}#${appId}`, (callsByApp.get(`${path}#${appId}`) ?? 0) + 1);

    const delay = faults.latency(path);
    if (delay > 0) await sleep(delay);
    if (route.method !== 'ANY' && request.method !== route.method) return send(response, 405, 'method not allowed', 'text/plain');
    const fault = faults.take(path, appId);
    if (fault?.kind === 'hang') return; // closed by the client's timeout or by close()
    if (fault?.kind === 'http') return send(response, fault.status, 'Internal Server Error', 'text/html');
    try {
      if (fault?.kind === 'errcode') throw new FakeWechatError(fault.errcode, fault.errmsg);
      if (faults.quotaExhausted(path)) throw new FakeWechatError(45009);
      if (malformed) throw new FakeWechatError(47001);
      let authorizerAppId: string | undefined;
      let grant: FakeOAuthGrant | undefined;
      const token = tokenOf(route, url.searchParams);
      if (route.auth === 'component') state.checkToken(token, 'component');
      if (route.auth === 'authorizer') authorizerAppId = state.checkToken(token, 'authorizer');
      if (route.auth === 'oauth') grant = checkOAuthToken(state, token);
      const result = route.handle(state, {
        body,
        files,
        query: url.searchParams,
        search: url.search,
        authorizerAppId,
        grant,
        clearQuota: () => faults.clearQuota(),
        events,
        usedQuota: (usedPath, usedAppId) => callsByApp.get(`${usedPath}#${usedAppId}`) ?? 0,
        knownPath: (knownPath) => ROUTES.has(knownPath),
      });
      if (path === '/cgi-bin/component/api_start_push_ticket' && options.onPushTicket) {
        const ticket = randomId('ticket@@@');
        state.validTickets.add(ticket);
        options.onPushTicket(ticket);
      }
      if (result instanceof FakeBinary) return sendBytes(response, result.contentType, result.bytes);
      if (result instanceof FakeRedirect) return redirect(response, result.location);
      if (result instanceof FakePage) return send(response, result.status, result.text, 'text/html; charset=utf-8');
      send(response, 200, JSON.stringify(result));
    } catch (error) {
      if (error instanceof FakeWechatError) send(response, 200, errorBody(error.errcode, error.message));
      else send(response, 500, 'Internal Server Error', 'text/html');
    }
  }

  const server = createServer((request, response) => {
    handle(request, response).catch(() => send(response, 500, 'Internal Server Error', 'text/plain'));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  const authorizer = (appId: string): FakeAuthorizer => {
    const found = state.authorizers.get(appId);
    if (!found) throw new TypeError(`fake WeChat: no authorizer \`${appId}\`; add it with addAuthorizer()`);
    return found;
  };
  /** A mini program created by a registration: authorized, with the platform's usual permission sets. */
  const ownMiniProgram = (appId: string, name: string) => {
    state.authorize(appId, {
      info: { nick_name: name, user_name: `gh_${appId.slice(-12)}`, principal_name: name, MiniProgramInfo: { network: {}, categories: [], visit_status: 0 } },
    });
    state.wxa.miniProgram(appId, name);
  };
  const positive = (times: number) => {
    if (!Number.isInteger(times) || times < 1) throw new TypeError('fake WeChat: `times` must be a positive integer');
    return times;
  };

  return {
    url: `http://127.0.0.1:${port}`,
    componentAppId: state.componentAppId,
    componentAppSecret: state.componentAppSecret,
    calls,
    count: (endpoint) => calls[fakeEndpointPath(endpoint)] ?? 0,
    countFor: (endpoint, appId) => callsByApp.get(`${fakeEndpointPath(endpoint)}#${appId}`) ?? 0,
    requests,
    sentMessages: state.sentMessages,
    state,
    clock: { now: () => state.now(), advance: (ms) => state.advance(ms) },

    pushTicket(ticket = randomId('ticket@@@')) {
      state.expiredTickets.delete(ticket);
      state.validTickets.add(ticket);
      return ticket;
    },
    expireTicket(ticket) {
      state.validTickets.delete(ticket);
      state.expiredTickets.add(ticket);
    },
    addAuthorizer: (appId, details) => state.authorize(appId, details),
    registerAuthorizationCode(registration) {
      const code = registration.code ?? randomId('queryauthcode@@@');
      state.authorizationCodes.set(code, {
        appId: registration.appId,
        expiresAt: state.now() + (registration.expiresInMs ?? 3_600_000),
        info: registration.info,
        funcInfo: registration.funcInfo,
        omitTokens: registration.omitTokens ?? false,
      });
      return code;
    },
    unauthorize: (appId) => state.unauthorize(appId),
    rotateRefreshToken(appId) {
      const found = authorizer(appId);
      found.refreshToken = randomId('refreshtoken@@@');
      return found.refreshToken;
    },
    invalidateComponentToken: () => state.revoke(state.componentToken),
    invalidateAuthorizerToken: (appId) => state.revoke(authorizer(appId).accessToken),

    addMiniProgram(appId, details = {}) {
      const nickname = details.nickname ?? `fake ${appId}`;
      const found = state.authorize(appId, {
        refreshToken: details.refreshToken,
        info: {
          nick_name: nickname,
          user_name: details.userName ?? `gh_${appId.slice(-12)}`,
          principal_name: details.principal ?? 'fake principal',
          service_type_info: { id: 0 },
          verify_type_info: { id: 0 },
          MiniProgramInfo: { network: {}, categories: [{ first: '工具', second: '效率' }], visit_status: 0 },
        },
        funcInfo: [{ funcscope_category: { id: 17 } }, { funcscope_category: { id: 18 } }, { funcscope_category: { id: 19 } }],
      });
      const mp = state.wxa.miniProgram(appId, nickname);
      mp.personal = details.personal ?? false;
      return found;
    },
    miniProgram: (appId) => state.wxa.miniProgram(appId),
    addDraft: (fields = {}) =>
      state.wxa.addDraft({ user_version: fields.user_version ?? '1.0.0', user_desc: fields.user_desc ?? 'draft' }, Math.floor(state.now() / 1000)),
    addTemplate: (fields = {}) =>
      state.wxa.addTemplate(
        { ...fields, user_version: fields.user_version ?? '1.0.0', user_desc: fields.user_desc ?? 'template' },
        Math.floor(state.now() / 1000),
      ),
    issueOAuthCode: ({ appId, scope = 'snsapi_userinfo', user = {} }) =>
      issueOAuthCode(state, appId, scope, { ...DEFAULT_OAUTH_USER, ...user }),
    setOAuthUser(user) {
      state.oauthUser = { ...DEFAULT_OAUTH_USER, ...user };
    },
    oauthGrant: (accessToken) => state.wxa.oauthTokens.get(accessToken),
    issueJsCode({ appId, user = 'user', unionid }) {
      const code = randomId('jscode');
      const openid = fakeOpenId(appId, user);
      state.wxa.jsCodes.set(code, { appId, openid, unionid, expiresAt: state.now() + 5 * 60_000, used: false });
      return { code, openid };
    },

    configureCallback: (target, retryDelayMs) => pushes.configure(target, retryDelayMs),
    autoAudit: (auto) => audits.configure(auto === false ? undefined : auto),
    async resolveAudit(appId, outcome, details) {
      const audit = state.wxa.miniPrograms.get(appId)?.latestAudit;
      if (!audit) throw new TypeError(`fake WeChat: \`${appId}\` has no audit to resolve; submit one first`);
      return audits.resolve(audit, outcome, details);
    },
    async completeRegistration(match, appId = randomId('wx', 8)) {
      const task = [...state.wxa.registrations.values()].find((t) => t.id === match || t.request['name'] === match);
      if (!task) throw new TypeError(`fake WeChat: no fast registration \`${match}\``);
      task.status = 0;
      task.appId = appId;
      const name = String(task.request['name'] ?? task.request['idname'] ?? appId);
      ownMiniProgram(appId, name);
      const authCode = randomId('queryauthcode@@@');
      state.authorizationCodes.set(authCode, { appId, expiresAt: state.now() + 3_600_000, info: undefined, funcInfo: undefined, omitTokens: false });
      const now = Math.floor(state.now() / 1000);
      const head = { AppId: state.componentAppId, CreateTime: now, appid: appId, status: 0, msg: 'OK' };
      const push =
        task.kind === 'beta'
          ? await pushes.info({ ...head, InfoType: 'notify_third_fastregisterbetaapp', info: { unique_id: task.id, name } })
          : await pushes.info({
              ...head,
              InfoType: 'notify_third_fasteregister',
              auth_code: authCode,
              info:
                task.kind === 'personal'
                  ? { wxuser: String(task.request['wxuser'] ?? ''), idname: name, component_phone: String(task.request['component_phone'] ?? '') }
                  : {
                      name,
                      code: String(task.request['code'] ?? ''),
                      code_type: Number(task.request['code_type'] ?? 1),
                      legal_persona_wechat: String(task.request['legal_persona_wechat'] ?? ''),
                      legal_persona_name: String(task.request['legal_persona_name'] ?? ''),
                      component_phone: String(task.request['component_phone'] ?? ''),
                    },
            });
      return { appId, authCode, push };
    },
    pushes: pushes.pushes,
    idle: () => pushes.idle(),

    failNext: (endpoint, errcode, times = 1, errmsg) =>
      faults.queue(fakeEndpointPath(endpoint), { kind: 'errcode', errcode, errmsg: errmsg ?? FAKE_ERRMSG[errcode] }, positive(times)),
    failNextFor: (appId, endpoint, errcode, times = 1, errmsg) =>
      faults.queue(fakeEndpointPath(endpoint), { kind: 'errcode', errcode, errmsg: errmsg ?? FAKE_ERRMSG[errcode] }, positive(times), appId),
    busy: (endpoint, times = 1) =>
      faults.queue(fakeEndpointPath(endpoint), { kind: 'errcode', errcode: -1, errmsg: FAKE_ERRMSG[-1] }, positive(times)),
    quota: (endpoint, exhausted = true) => faults.setQuota(fakeEndpointPath(endpoint), exhausted),
    latency: (endpoint, ms) => faults.setLatency(fakeEndpointPath(endpoint), ms),
    httpError: (endpoint, status = 500, times = 1) =>
      faults.queue(fakeEndpointPath(endpoint), { kind: 'http', status }, positive(times)),
    hang: (endpoint, times = 1) => faults.queue(fakeEndpointPath(endpoint), { kind: 'hang' }, positive(times)),

    async close() {
      audits.close();
      pushes.close();
      await pushes.idle();
      await new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
    },
  };
}
