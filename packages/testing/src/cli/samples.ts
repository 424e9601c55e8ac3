/**
 * A sample push of every kind the core knows, built from its spec (`@wxopen/core/specs`): each required field
 * gets a sample value, nested records and lists are filled, optional fields are left out, and `--field
 * Name=value` sets any field (a dotted path reaches into records and the first item of lists). A kind added
 * to the core needs no change here.
 */
import { randomBytes } from 'node:crypto';
import { EVENT_SPECS, INFO_SPECS, ORDINARY_SPECS } from '@wxopen/core/specs';
import type { FieldSpec, Spec } from '@wxopen/core/specs';
import type { XmlInput } from '@wxopen/core';
import { uniqueMsgId } from '../callback';
import { UsageError } from './errors';

/** Where a kind is pushed: the message URL (messages and events) or the authorization-event URL (info). */
export type Family = 'message' | 'event' | 'info';

export interface Kind {
  readonly family: Family;
  /** The `MsgType`, `Event` or `InfoType`. */
  readonly name: string;
  readonly spec: Spec;
}

const FAMILIES: readonly (readonly [Family, Readonly<Record<string, Spec>>])[] = [
  ['message', ORDINARY_SPECS],
  ['event', EVENT_SPECS],
  ['info', INFO_SPECS],
];

/** Every kind, messages first, then events, then component pushes. */
export function allKinds(): Kind[] {
  return FAMILIES.flatMap(([family, table]) => Object.entries(table).map(([name, spec]) => ({ family, name, spec })));
}

/** The field a kind's optional value argument sets: `push text hello`, `push event CLICK menu_1`. */
export function valueField(kind: Kind): string | undefined {
  if (kind.family === 'event') return 'EventKey';
  if (kind.family === 'message' && 'Content' in kind.spec) return 'Content';
  return undefined;
}

/**
 * Finds the kind the words name: `<name>`, `message <MsgType>`, `event <Event>`, `info <InfoType>`, or `ticket`.
 * Returns the kind and the words after its name.
 */
export function resolveKind(words: readonly string[]): { kind: Kind; rest: string[] } {
  const [first, second, ...more] = words;
  if (first === undefined) throw new UsageError('push: say what to push, e.g. `wxopen push text hello` (wxopen push --list shows every kind)');
  const kinds = allKinds();
  if (first === 'message' || first === 'event' || first === 'info') {
    if (second === undefined) throw new UsageError(`push: ${first} needs a name, e.g. \`wxopen push ${first} ${kinds.find((k) => k.family === first)?.name ?? ''}\``);
    const kind = kinds.find((k) => k.family === first && k.name === second);
    if (kind === undefined) throw unknownKind(second, kinds.filter((k) => k.family === first));
    return { kind, rest: more };
  }
  const name = first === 'ticket' ? 'component_verify_ticket' : first;
  const matches = kinds.filter((k) => k.name === name);
  const rest = second === undefined ? more : [second, ...more];
  if (matches.length === 1) return { kind: matches[0] as Kind, rest };
  if (matches.length > 1) {
    const forms = matches.map((k) => `\`wxopen push ${k.family} ${k.name}\``).join(' or ');
    throw new UsageError(`push: "${name}" is the name of ${matches.length} kinds; say ${forms}`);
  }
  throw unknownKind(name, kinds);
}

function unknownKind(name: string, among: readonly Kind[]): UsageError {
  const alike = among.filter((k) => k.name.toLowerCase() === name.toLowerCase()).map((k) => `${k.family} ${k.name}`);
  const hint = alike.length > 0 ? ` (did you mean ${alike.join(' or ')}? names are case-sensitive)` : ' (wxopen push --list shows every kind)';
  return new UsageError(`push: unknown kind "${name}"${hint}`);
}

/** Who a sample is from and to, and when. */
export interface SampleContext {
  /** The component appid (`AppId` of component pushes). */
  readonly componentAppId: string;
  /** The authorizer the push is about or addressed through. */
  readonly authorizerAppId: string;
  /** `ToUserName`: the authorizer's original id. */
  readonly to: string;
  /** `FromUserName`: the user's openid. */
  readonly from: string;
  /** Seconds since the epoch. */
  readonly now: number;
}

const random = (prefix: string) => `${prefix}${randomBytes(18).toString('base64url')}`;

/** Sample values of fields whose meaning matters to a platform; any other string field gets `sample-<Name>`. */
const SAMPLES: Readonly<Record<string, (ctx: SampleContext) => string>> = {
  MsgId: () => uniqueMsgId(),
  MsgID: () => uniqueMsgId(),
  Content: () => 'hello',
  AppId: (ctx) => ctx.authorizerAppId,
  AuthorizerAppid: (ctx) => ctx.authorizerAppId,
  appid: (ctx) => ctx.authorizerAppId,
  authorizer_appid: (ctx) => ctx.authorizerAppId,
  verify_appid: (ctx) => ctx.authorizerAppId,
  ComponentVerifyTicket: () => random('ticket@@@'),
  AuthorizationCode: () => random('queryauthcode@@@'),
  auth_code: () => random(''),
  AuthorizationCodeExpiredTime: (ctx) => String(ctx.now + 3600),
  status: () => '0',
  Count: () => '1',
  Location_X: () => '23.134521',
  Location_Y: () => '113.358803',
  Latitude: () => '23.137466',
  Longitude: () => '113.352425',
  Precision: () => '119.385040',
  Scale: () => '20',
  Label: () => 'Tianhe, Guangzhou',
  Format: () => 'amr',
};

/** Fields that hold a credential: masked wherever a push is shown. */
export const SECRET_FIELDS: ReadonlySet<string> = new Set(['ComponentVerifyTicket', 'AuthorizationCode', 'auth_code', 'PreAuthCode']);

type Value = string | number | Sample | Value[];
interface Sample {
  [field: string]: Value;
}

function sampleString(name: string, ctx: SampleContext): string {
  const known = SAMPLES[name];
  if (known !== undefined) return known(ctx);
  if (/url$/i.test(name)) return `https://example.com/${name}`;
  if (/time$/i.test(name)) return String(ctx.now);
  return `sample-${name}`;
}

function sampleField(name: string, spec: FieldSpec, ctx: SampleContext): Value | undefined {
  if (spec === 'string') return sampleString(name, ctx);
  if (spec === 'string?') return undefined;
  if (spec === 'number') return ctx.now;
  if (spec.optional) return undefined;
  if ('list' in spec) return [spec.list === 'string' ? sampleString(name, ctx) : sampleRecord(spec.list, ctx)];
  return sampleRecord(spec.record, ctx);
}

function sampleRecord(spec: Spec, ctx: SampleContext): Sample {
  const out: Sample = {};
  for (const [name, fieldSpec] of Object.entries(spec)) {
    const value = sampleField(name, fieldSpec, ctx);
    if (value !== undefined) out[name] = value;
  }
  return out;
}

/** Parses `Name=value` (the value may be empty or hold `=`). */
export function parseFieldOption(raw: string): readonly [string[], string] {
  const at = raw.indexOf('=');
  const path = at < 0 ? '' : raw.slice(0, at);
  if (at <= 0 || path.split('.').some((part) => !/^[A-Za-z_][\w-]*$/.test(part))) {
    throw new UsageError(`push: --field needs Name=value (a dotted path for nested fields), got "${raw.slice(0, 40)}"`);
  }
  return [path.split('.'), raw.slice(at + 1)];
}

/** Sets `path` in `target`, creating records on the way; a list is entered at its first item. */
function setPath(target: Sample, path: readonly string[], value: string, spec: Spec | undefined): void {
  const [name, ...rest] = path as [string, ...string[]];
  const fieldSpec = spec !== undefined && Object.prototype.hasOwnProperty.call(spec, name) ? spec[name] : undefined;
  if (rest.length === 0) {
    if (fieldSpec === 'number') {
      if (!/^\d+$/.test(value)) throw new UsageError(`push: --field ${name} must be a whole number, got "${value}"`);
      target[name] = Number(value);
    } else {
      target[name] = value;
    }
    return;
  }
  const inner = typeof fieldSpec === 'object' ? ('list' in fieldSpec ? fieldSpec.list : fieldSpec.record) : undefined;
  let child = target[name];
  if (Array.isArray(child)) {
    if (child.length === 0) child.push({});
    const first = child[0];
    if (typeof first !== 'object' || Array.isArray(first)) throw new UsageError(`push: --field ${path.join('.')}: ${name} holds no fields`);
    child = first;
  } else if (typeof child !== 'object') {
    child = {};
    target[name] = typeof fieldSpec === 'object' && 'list' in fieldSpec ? [child] : child;
  }
  setPath(child, rest, value, typeof inner === 'object' ? inner : undefined);
}

/** The header a kind's push starts with. */
function header(kind: Kind, ctx: SampleContext): Sample {
  if (kind.family === 'info') return { AppId: ctx.componentAppId, CreateTime: ctx.now, InfoType: kind.name };
  const head: Sample = { ToUserName: ctx.to, FromUserName: ctx.from, CreateTime: ctx.now, MsgType: kind.family === 'event' ? 'event' : kind.name };
  if (kind.family === 'event') head['Event'] = kind.name;
  return head;
}

/** A sample push of `kind`, then every `fields` override applied in order. */
export function samplePush(kind: Kind, ctx: SampleContext, fields: readonly (readonly [string[], string])[] = []): XmlInput {
  const sample: Sample = { ...sampleRecord(kind.spec, ctx), ...header(kind, ctx) };
  for (const [path, value] of fields) setPath(sample, path, value, kind.spec);
  return sample;
}

/** A copy of a push with every credential field replaced by `***`, for showing it. */
export function masked(value: XmlInput): XmlInput {
  const mask = (v: unknown, name: string): unknown => {
    if (SECRET_FIELDS.has(name) && (typeof v === 'string' || typeof v === 'number')) return '***';
    if (Array.isArray(v)) return v.map((item) => mask(item, name));
    if (typeof v === 'object' && v !== null) return Object.fromEntries(Object.entries(v).map(([k, inner]) => [k, mask(inner, k)]));
    return v;
  };
  return mask(value, '') as XmlInput;
}
