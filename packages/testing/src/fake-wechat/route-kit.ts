/** What every route file of the fake WeChat shares: the route shape, answers other than JSON, body readers. */
import { FakeWechatError } from './state';
import type { FakeState } from './state';
import type { FakeAudit, FakeOAuthGrant } from './wxa-state';

export type Body = Record<string, unknown>;

/** An answer that is not JSON: an image (`wxa/get_qrcode`). */
export class FakeBinary {
  constructor(
    readonly contentType: string,
    readonly bytes: Buffer,
  ) {}
}

/** A browser redirect (the OAuth authorize page). */
export class FakeRedirect {
  constructor(readonly location: string) {}
}

/** A plain page with a status (the OAuth authorize page refusing a link). */
export class FakePage {
  constructor(
    readonly status: number,
    readonly text: string,
  ) {}
}

export type RouteAnswer = Body | FakeBinary | FakeRedirect | FakePage;

/** Things a route can set off beyond its answer. */
export interface FakeEvents {
  /** A `submit_audit` succeeded: the audit scheduler may resolve it and push the result. */
  auditSubmitted(audit: FakeAudit): void;
}

/** A file received in a `multipart/form-data` upload. */
export interface FakeUpload {
  readonly filename: string;
  readonly contentType: string;
  readonly bytes: Buffer;
}

export interface RouteContext {
  /** The JSON body, or the text fields of a multipart upload. */
  readonly body: Body;
  /** The files of a multipart upload, by field name (empty otherwise). */
  readonly files: ReadonlyMap<string, FakeUpload>;
  readonly query: URLSearchParams;
  /** The raw query string (with `?`), for routes that check parameter order. */
  readonly search: string;
  /** Set for routes with `auth: 'authorizer'`: the appid the access token belongs to. */
  readonly authorizerAppId: string | undefined;
  /** Set for routes with `auth: 'oauth'`: the user grant the OAuth access token stands for. */
  readonly grant: FakeOAuthGrant | undefined;
  /** Resets exhausted quotas (what `clear_quota` does). */
  readonly clearQuota: () => void;
  readonly events: FakeEvents;
  /** Requests answered so far to `path` for `appId` (for `openapi/quota/get`). */
  readonly usedQuota: (path: string, appId: string) => number;
  /** Whether the fake serves `path` (for `openapi/quota/get`). */
  readonly knownPath: (path: string) => boolean;
}

export interface Route {
  readonly method: 'GET' | 'POST' | 'ANY';
  /**
   * Which token the query must carry: none, the component token, an authorizer token, or a user's OAuth token
   * (`sns/userinfo`).
   */
  readonly auth: 'none' | 'component' | 'authorizer' | 'oauth';
  /**
   * The one query parameter the token is read from. Without it a component route accepts `component_access_token`
   * or `access_token` (both are documented), and the others `access_token`.
   */
  readonly tokenParam?: 'access_token' | 'component_access_token';
  readonly handle: (state: FakeState, context: RouteContext) => RouteAnswer;
}

export type RouteEntry = readonly [string, Route];

export const OK: Body = Object.freeze({ errcode: 0, errmsg: 'ok' });

/** A required non-empty string field, else 40097. */
export function str(body: Body, field: string): string {
  const value = body[field];
  if (typeof value !== 'string' || value === '') throw new FakeWechatError(40097, `invalid args: ${field}`);
  return value;
}

/** An optional string field (40097 when present but not a string). */
export function optionalStr(body: Body, field: string): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new FakeWechatError(40097, `invalid args: ${field}`);
  return value;
}

/** A required integer field given as a number or a numeric string, else 40097. */
export function int(body: Body, field: string): number {
  const value = body[field];
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isInteger(number)) throw new FakeWechatError(40097, `invalid args: ${field}`);
  return number;
}

/** A list of strings, or `undefined` when absent (40097 when malformed). */
export function strings(body: Body, field: string): string[] | undefined {
  const value = body[field];
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) throw new FakeWechatError(40097, `invalid args: ${field}`);
  return value as string[];
}

/** The appid of an authorizer route (always set once the token was checked). */
export function appIdOf(context: RouteContext): string {
  if (context.authorizerAppId === undefined) throw new FakeWechatError(41001);
  return context.authorizerAppId;
}

export function seconds(state: FakeState): number {
  return Math.floor(state.now() / 1000);
}
