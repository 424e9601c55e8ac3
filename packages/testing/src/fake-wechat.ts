/**
 * A fake WeChat API server for tests: a node:http server on 127.0.0.1 that implements the component
 * endpoints of PROTOCOL.md §6 and the customer-service send API, with WeChat's error shapes, real token
 * expiry on a clock the test can advance, per-endpoint call counters and fault injection.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Faults } from './fake-wechat/faults';
import { ROUTES } from './fake-wechat/routes';
import type { Body, Route } from './fake-wechat/routes';
import { FAKE_ERRMSG, FakeState, FakeWechatError, randomId, rid } from './fake-wechat/state';
import type { FakeAuthorizer, FuncInfoEntry, SentMessage } from './fake-wechat/state';

export { FAKE_ERRMSG, FakeState } from './fake-wechat/state';
export type { FakeAuthorizer, FakeStateOptions, FuncInfoEntry, IssuedToken, PendingAuthorization, SentMessage } from './fake-wechat/state';
export type { Body as FakeRequestBody } from './fake-wechat/routes';

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
}

/** One request received, for assertions. */
export interface FakeRequest {
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly body: Readonly<Body>;
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

  /** The next `times` requests to `endpoint` answer `errcode` (default once). */
  failNext(endpoint: string, errcode: number, times?: number, errmsg?: string): void;
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

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function send(response: ServerResponse, status: number, body: string, type = 'application/json; charset=utf-8'): void {
  if (response.destroyed) return;
  response.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
  response.end(body);
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
  const faults = new Faults();
  const calls: Record<string, number> = {};
  const requests: FakeRequest[] = [];

  const tokenOf = (route: Route, query: URLSearchParams): string | undefined =>
    route.auth === 'component'
      ? (query.get('component_access_token') ?? query.get('access_token') ?? undefined)
      : (query.get('access_token') ?? undefined);

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://fake.wechat');
    const path = url.pathname;
    const text = await readBody(request);
    const route = ROUTES.get(path);
    if (!route) return send(response, 404, 'not found', 'text/plain');
    calls[path] = (calls[path] ?? 0) + 1;

    let body: Body = {};
    let malformed = false;
    if (request.method === 'POST' && text.trim() !== '') {
      try {
        const parsed: unknown = JSON.parse(text);
        if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) body = parsed as Body;
        else malformed = true;
      } catch {
        malformed = true;
      }
    }
    requests.push({ method: request.method ?? '', path, query: Object.fromEntries(url.searchParams), body });

    const delay = faults.latency(path);
    if (delay > 0) await sleep(delay);
    if (request.method !== route.method) return send(response, 405, 'method not allowed', 'text/plain');
    const fault = faults.take(path);
    if (fault?.kind === 'hang') return; // closed by the client's timeout or by close()
    if (fault?.kind === 'http') return send(response, fault.status, 'Internal Server Error', 'text/html');
    try {
      if (fault?.kind === 'errcode') throw new FakeWechatError(fault.errcode, fault.errmsg);
      if (faults.quotaExhausted(path)) throw new FakeWechatError(45009);
      if (malformed) throw new FakeWechatError(47001);
      let authorizerAppId: string | undefined;
      if (route.auth === 'component') state.checkToken(tokenOf(route, url.searchParams), 'component');
      if (route.auth === 'authorizer') authorizerAppId = state.checkToken(tokenOf(route, url.searchParams), 'authorizer');
      const result = route.handle(state, { body, query: url.searchParams, authorizerAppId, clearQuota: () => faults.clearQuota() });
      if (path === '/cgi-bin/component/api_start_push_ticket' && options.onPushTicket) {
        const ticket = randomId('ticket@@@');
        state.validTickets.add(ticket);
        options.onPushTicket(ticket);
      }
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

    failNext: (endpoint, errcode, times = 1, errmsg) =>
      faults.queue(fakeEndpointPath(endpoint), { kind: 'errcode', errcode, errmsg: errmsg ?? FAKE_ERRMSG[errcode] }, positive(times)),
    busy: (endpoint, times = 1) =>
      faults.queue(fakeEndpointPath(endpoint), { kind: 'errcode', errcode: -1, errmsg: FAKE_ERRMSG[-1] }, positive(times)),
    quota: (endpoint, exhausted = true) => faults.setQuota(fakeEndpointPath(endpoint), exhausted),
    latency: (endpoint, ms) => faults.setLatency(fakeEndpointPath(endpoint), ms),
    httpError: (endpoint, status = 500, times = 1) =>
      faults.queue(fakeEndpointPath(endpoint), { kind: 'http', status }, positive(times)),
    hang: (endpoint, times = 1) => faults.queue(fakeEndpointPath(endpoint), { kind: 'hang' }, positive(times)),

    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
