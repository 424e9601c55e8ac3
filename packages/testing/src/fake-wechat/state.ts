/**
 * What the fake WeChat server knows: tickets, issued tokens with their expiry, authorizers, pending
 * authorization codes, sent customer-service messages, and a clock the test can advance.
 */
import { randomId } from './ids';
import { DEFAULT_OAUTH_USER, FakeWxaState } from './wxa-state';
import type { FakeOAuthUser } from './wxa-state';

export { randomId, rid } from './ids';

/** WeChat's error messages for the codes the fake answers with. */
export const FAKE_ERRMSG: Readonly<Record<number, string>> = Object.freeze({
  [-1]: 'system error',
  40001: 'invalid credential, access_token is invalid or not latest',
  40013: 'invalid appid',
  40014: 'invalid access_token',
  40097: 'invalid args',
  40125: 'invalid appsecret',
  41001: 'access_token missing',
  42001: 'access_token expired',
  45009: 'reach max api daily quota limit',
  47001: 'data format error',
  61003: 'component is not authorized by this account',
  61005: 'component ticket is expired',
  61006: 'component ticket is invalid',
  61009: 'code is invalid',
  61010: 'code is expired',
  61023: 'refresh_token is invalid',
  40002: 'invalid grant_type',
  40003: 'invalid openid',
  40029: 'invalid code',
  40030: 'invalid refresh_token',
  40163: 'code been used',
  42002: 'refresh_token expired',
  42003: 'code expired',
  45011: 'api minute-quota reach limit, must slower, retry next minute',
  48001: 'api unauthorized',
  48006: 'forbid to clear quota because of reaching the limit',
  53200: 'modify signature quota limit',
  53201: 'signature contains forbidden words',
  53202: 'modify head image quota limit',
  61039: 'code check task not finished',
  76021: 'cgi_path not found',
  85001: 'wechat id not exist or can not be searched',
  85002: 'tester number reach limit',
  85004: 'wechat id already bound',
  85007: 'invalid page path',
  85009: 'already submit a version under auditing',
  85012: 'invalid audit id',
  85013: 'invalid ext_json',
  85014: 'invalid template id',
  85017: 'no domain to modify after filtered',
  85018: 'domain not set in component',
  85019: 'no version is auditing',
  85020: 'status not allowed',
  85021: 'status not allowed',
  85022: 'invalid action',
  85023: 'item size is not in range',
  85029: 'nickname has used',
  85045: 'some path in ext_json not exist',
  85048: 'ext_json parse fail',
  85052: 'app is already released',
  85058: 'no valid audit_id exist',
  85060: 'invalid taskid',
  85064: 'template not found',
  85065: 'template list is full',
  85079: 'miniprogram has no online release',
  85080: 'miniprogram commit not approved',
  85081: 'invalid gray percentage',
  85082: 'gray percentage must be greater than the current one',
  85085: 'submit audit reach limit, please try later',
  85086: 'must commit before submit audit',
  86001: 'no code submitted by the component',
  86004: 'invalid wechat',
  86076: 'invalid privacy_key',
  87011: 'current version is under gray release, can not revert',
  87012: 'this version can not revert',
  87013: 'undo audit reach limit',
  89000: 'account has bound open',
  89001: 'not same contractor',
  89002: 'open not exists',
  89003: 'open not created by api',
  89004: 'open bind limit reached',
  89019: 'webview domain not change',
  89020: 'component webview domain not set',
  89021: 'webview domain not in component webview domain',
  89029: 'webview domain reach limit',
  89231: 'personal miniprogram can not set webview domain',
  89248: 'invalid code type',
  89249: 'task running',
  89250: 'task not found',
  89251: 'waiting for the legal representative to verify',
  89402: 'audit is not pending',
  89404: 'audit already sped up',
  89405: 'speedup quota reach limit',
});

/** An error answered as `{ errcode, errmsg: "… rid: …" }`. */
export class FakeWechatError extends Error {
  readonly errcode: number;
  constructor(errcode: number, errmsg?: string) {
    super(errmsg ?? FAKE_ERRMSG[errcode] ?? 'error');
    this.errcode = errcode;
  }
}

export interface FuncInfoEntry {
  readonly funcscope_category: { readonly id: number };
}

/** An account that authorized the component, as the fake sees it. */
export interface FakeAuthorizer {
  readonly appId: string;
  /** The one refresh token WeChat accepts for this authorizer now. */
  refreshToken: string;
  /** The latest access token issued (older ones may live on for the grace period). */
  accessToken: string | undefined;
  /** `authorizer_info` returned by `api_get_authorizer_info`. */
  info: Record<string, unknown>;
  funcInfo: FuncInfoEntry[];
  /** Authorizer options (`location_report`, `voice_recognize`, `customer_service`), as strings. */
  readonly options: Record<string, string>;
  /** Epoch seconds of the authorization. */
  authTime: number;
}

export interface PendingAuthorization {
  readonly appId: string;
  readonly expiresAt: number;
  readonly info: Record<string, unknown> | undefined;
  readonly funcInfo: FuncInfoEntry[] | undefined;
  /** Answer without token fields (an account that granted no API permissions). */
  readonly omitTokens: boolean;
}

/** A customer-service message received on `/cgi-bin/message/custom/send`. */
export interface SentMessage {
  readonly authorizerAppId: string;
  readonly message: Readonly<Record<string, unknown>>;
  /** Fake-clock epoch ms. */
  readonly at: number;
}

/** A token the fake issued, and until when it is valid. */
export interface IssuedToken {
  readonly kind: 'component' | 'authorizer';
  readonly appId: string;
  readonly expiresAt: number;
  /** Set once a newer token was issued: the end of its grace period (fake-clock ms). */
  validUntil?: number;
}

export interface FakeStateOptions {
  readonly componentAppId: string;
  readonly componentAppSecret: string;
  readonly tickets: readonly string[];
  readonly expiresIn: number;
  readonly graceMs: number;
  readonly rotateRefreshTokens: boolean;
  readonly preAuthCodeExpiresIn: number;
}

export class FakeState {
  readonly componentAppId: string;
  readonly componentAppSecret: string;
  /** Tickets `api_component_token` accepts. */
  readonly validTickets: Set<string>;
  /** Tickets answered with 61005 (expired). Anything else unknown gets 61006. */
  readonly expiredTickets = new Set<string>();
  /** The component token issued last. */
  componentToken: string | undefined;
  readonly authorizers = new Map<string, FakeAuthorizer>();
  readonly authorizationCodes = new Map<string, PendingAuthorization>();
  /** Pre-auth codes issued, with their fake-clock expiry. */
  readonly preAuthCodes = new Map<string, number>();
  readonly sentMessages: SentMessage[] = [];
  /** Mini programs, templates, OAuth, tickets, open accounts, registrations. */
  readonly wxa = new FakeWxaState();
  /** Who signs in on the OAuth authorize page next. */
  oauthUser: FakeOAuthUser = DEFAULT_OAUTH_USER;
  /** Token lifetime in seconds (`expires_in`); may be changed between requests. */
  expiresIn: number;
  /** How long a superseded token stays valid, ms; may be changed between requests. */
  graceMs: number;
  /** Whether `api_authorizer_token` answers with a new refresh token each time. */
  rotateRefreshTokens: boolean;
  readonly preAuthCodeExpiresIn: number;
  readonly #tokens = new Map<string, IssuedToken>();
  /** Who every token ever issued belongs to, revoked or not (for per-appid counters). */
  readonly #owners = new Map<string, string>();
  #offsetMs = 0;

  constructor(options: FakeStateOptions) {
    this.componentAppId = options.componentAppId;
    this.componentAppSecret = options.componentAppSecret;
    this.validTickets = new Set(options.tickets);
    this.expiresIn = options.expiresIn;
    this.graceMs = options.graceMs;
    this.rotateRefreshTokens = options.rotateRefreshTokens;
    this.preAuthCodeExpiresIn = options.preAuthCodeExpiresIn;
  }

  /** Fake-clock epoch ms (real time plus what the test advanced). */
  now(): number {
    return Date.now() + this.#offsetMs;
  }

  advance(ms: number): void {
    this.#offsetMs += ms;
  }

  issueComponentToken(): string {
    const token = randomId('COMPONENT_TOKEN_');
    this.#supersede(this.componentToken);
    this.#tokens.set(token, { kind: 'component', appId: this.componentAppId, expiresAt: this.now() + this.expiresIn * 1000 });
    this.componentToken = token;
    return token;
  }

  issueAuthorizerToken(authorizer: FakeAuthorizer): string {
    const token = randomId(`AUTHORIZER_TOKEN_${authorizer.appId}_`);
    this.#supersede(authorizer.accessToken);
    this.#tokens.set(token, { kind: 'authorizer', appId: authorizer.appId, expiresAt: this.now() + this.expiresIn * 1000 });
    this.#owners.set(token, authorizer.appId);
    authorizer.accessToken = token;
    return token;
  }

  /** Makes a token invalid at once (as if refreshed elsewhere with no grace). */
  revoke(token: string | undefined): void {
    if (token !== undefined) this.#tokens.delete(token);
  }

  /**
   * Checks a token from the query: 41001 when missing, 40001 when unknown, superseded or of the wrong kind,
   * 42001 when expired. Returns the appid it belongs to.
   */
  checkToken(token: string | undefined, kind: IssuedToken['kind']): string {
    if (token === undefined || token === '') throw new FakeWechatError(41001);
    const issued = this.#tokens.get(token);
    if (!issued || issued.kind !== kind) throw new FakeWechatError(40001);
    if (issued.validUntil !== undefined && issued.validUntil <= this.now()) throw new FakeWechatError(40001);
    if (issued.expiresAt <= this.now()) throw new FakeWechatError(42001);
    return issued.appId;
  }

  /** The appid a token was issued to (valid or not), without checking it. */
  tokenOwner(token: string | undefined): string | undefined {
    return token === undefined ? undefined : this.#owners.get(token);
  }

  #supersede(token: string | undefined): void {
    if (token === undefined) return;
    const issued = this.#tokens.get(token);
    if (!issued) return;
    if (this.graceMs <= 0) this.#tokens.delete(token);
    else issued.validUntil = Math.min(issued.validUntil ?? Infinity, this.now() + this.graceMs);
  }

  /** Creates (or re-authorizes) an authorizer with a new refresh token. */
  authorize(
    appId: string,
    details: { readonly refreshToken?: string; readonly info?: Record<string, unknown>; readonly funcInfo?: FuncInfoEntry[] } = {},
  ): FakeAuthorizer {
    const existing = this.authorizers.get(appId);
    const authorizer: FakeAuthorizer = existing ?? {
      appId,
      refreshToken: '',
      accessToken: undefined,
      info: { nick_name: `fake ${appId}`, user_name: `gh_${appId.slice(-12)}`, service_type_info: { id: 2 }, verify_type_info: { id: 0 } },
      funcInfo: [{ funcscope_category: { id: 1 } }],
      options: { location_report: '0', voice_recognize: '0', customer_service: '0' },
      authTime: 0,
    };
    authorizer.refreshToken = details.refreshToken ?? randomId('refreshtoken@@@');
    if (details.info) authorizer.info = details.info;
    if (details.funcInfo) authorizer.funcInfo = details.funcInfo;
    authorizer.authTime = Math.floor(this.now() / 1000);
    this.authorizers.set(appId, authorizer);
    return authorizer;
  }

  /** The authorizer withdraws its authorization: its tokens stop working. */
  unauthorize(appId: string): void {
    const authorizer = this.authorizers.get(appId);
    if (!authorizer) return;
    this.revoke(authorizer.accessToken);
    this.authorizers.delete(appId);
  }
}
