/**
 * The shape of each payload kind, as data: which fields are strings, which are nested records and which
 * repeat. `normalize` turns a parsed `XmlRecord` into a plain object of that shape. `SpecOf<T>` derives the
 * spec type from a payload interface, so a spec that drifts from its interface does not compile.
 *
 * Normalisation rules (one place for all of them):
 * - a declared string field holds the element's text; a declared string or number element that repeats is
 *   refused with `WxOpenError('ERR_XML')` naming it (two `MsgType` or two `Content` have no honest reading);
 * - a missing required string becomes `''`, a missing optional field stays absent;
 * - a declared list is always an array (one element → one item; a missing required list → `[]`);
 * - a declared record is always a record (an empty element → its required fields defaulted); a record that
 *   repeats by mistake is merged: its lists are concatenated (WeChat sometimes splits `PicList`), its other
 *   fields come from the first occurrence;
 * - a number field (only `CreateTime`) is a finite number, `0` when missing or not numeric;
 * - fields not declared are kept, deep-copied into records and arrays.
 * The output is made of null-prototype records that hold only their own data: an element named `toString`,
 * `hasOwnProperty` or `valueOf` is a field like any other and shadows no method. `JSON.stringify`, spreading
 * and `Object.keys` work as on plain objects; `String(message)` does not (there is no `toString` to call).
 */
import { WxOpenError } from '../errors';
import type { XmlRecord, XmlValue } from '../xml';
import { newRecord as newXmlRecord } from '../xml/record';

/** A string element: required, or optional (absent when missing). */
export type StringSpec = 'string' | 'string?';
/** A nested element holding children. */
export interface RecordSpec {
  readonly record: Spec;
  readonly optional: boolean;
}
/** An element that can repeat: always an array of strings or of records. */
export interface ListSpec {
  readonly list: 'string' | Spec;
  readonly optional: boolean;
}
export type FieldSpec = StringSpec | 'number' | RecordSpec | ListSpec;
export interface Spec {
  readonly [field: string]: FieldSpec;
}

type OptionalKeys<T> = { [K in keyof T]-?: object extends Pick<T, K> ? K : never }[keyof T];
type FieldSpecOf<V, Optional extends boolean> = [V] extends [string]
  ? Optional extends true
    ? 'string?'
    : 'string'
  : [V] extends [number]
    ? 'number'
    : [V] extends [readonly (infer U)[]]
      ? { readonly list: [U] extends [string] ? 'string' : SpecOf<U>; readonly optional: Optional }
      : { readonly record: SpecOf<V>; readonly optional: Optional };

/** The spec that exactly matches the interface `T` (every key, with its kind and optionality). */
export type SpecOf<T> = {
  readonly [K in keyof T]-?: FieldSpecOf<NonNullable<T[K]>, K extends OptionalKeys<T> ? true : false>;
};

/** Spec shorthands, to keep the spec tables readable. */
export const S = 'string' as const;
export const O = 'string?' as const;
export const N = 'number' as const;
export function record<T extends Spec>(spec: T): { readonly record: T; readonly optional: false } {
  return { record: spec, optional: false };
}
export function optionalRecord<T extends Spec>(spec: T): { readonly record: T; readonly optional: true } {
  return { record: spec, optional: true };
}
export function list<T extends Spec | 'string'>(item: T): { readonly list: T; readonly optional: false } {
  return { list: item, optional: false };
}
export function optionalList<T extends Spec | 'string'>(item: T): { readonly list: T; readonly optional: true } {
  return { list: item, optional: true };
}

type Plain = string | number | PlainRecord | Plain[];
interface PlainRecord {
  [field: string]: Plain;
}

const hasOwn = Object.prototype.hasOwnProperty;

/** A record with no prototype, in V8's fast mode (`newRecord` of ../xml/record, typed for normalised values). */
const newRecord = newXmlRecord as unknown as () => PlainRecord;

/** The text of an element that must occur once; `path` names it in the error when it repeats. */
function text(value: XmlValue | undefined, path: string): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) throw new WxOpenError('ERR_XML', { detail: `element ${path} repeats but may occur once` });
  return '';
}

function toNumber(value: XmlValue | undefined, path: string): number {
  const n = Number(text(value, path));
  return Number.isFinite(n) ? n : 0;
}

/** Deep copy of an undeclared value into null-prototype records and arrays. */
function plain(value: XmlValue): Plain {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(plain);
  const out = newRecord();
  for (const key in value) {
    if (key !== '__proto__') out[key] = plain(value[key] as XmlValue);
  }
  return out;
}

function listItems(value: XmlValue | undefined): readonly XmlValue[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

function toList(value: XmlValue | undefined, item: 'string' | Spec, path: string): Plain[] {
  const items = listItems(value);
  const out: Plain[] = new Array<Plain>(items.length);
  for (let i = 0; i < items.length; i++) {
    const v = items[i];
    out[i] = item === 'string' ? text(v, path) : normalizeAt(v, item, path);
  }
  return out;
}

function field(value: XmlValue | undefined, spec: FieldSpec, path: string): Plain | undefined {
  if (spec === 'string') return text(value, path);
  if (spec === 'string?') return value === undefined ? undefined : text(value, path);
  if (spec === 'number') return toNumber(value, path);
  if (value === undefined && spec.optional) return undefined;
  if ('list' in spec) return toList(value, spec.list, path);
  if (!Array.isArray(value)) return normalizeAt(value, spec.record, path);
  // A record that should occur once but repeats: merge its occurrences (WeChat sometimes splits `PicList`).
  const first = normalizeAt(value[0], spec.record, path);
  for (let i = 1; i < value.length; i++) {
    const next = normalizeAt(value[i], spec.record, path);
    for (const key in spec.record) {
      const fieldSpec = spec.record[key];
      if (fieldSpec !== undefined && typeof fieldSpec === 'object' && 'list' in fieldSpec && Array.isArray(next[key])) {
        first[key] = [...((first[key] as Plain[] | undefined) ?? []), ...(next[key] as Plain[])];
      }
    }
  }
  return first;
}

/**
 * Normalises `value` (a parsed element: a record, or a string for an element without children) to the
 * shape described by `spec`. Throws `WxOpenError('ERR_XML')` when a declared single-valued element repeats.
 */
export function normalize(value: XmlValue | undefined, spec: Spec): PlainRecord {
  return normalizeAt(value, spec, '');
}

/** `normalize` for the element at `path` (`''` for the root, `ScanCodeInfo` for a child…), named in errors. */
function normalizeAt(value: XmlValue | undefined, spec: Spec, path: string): PlainRecord {
  const out = newRecord();
  const source = value !== undefined && typeof value === 'object' && !Array.isArray(value) ? (value as XmlRecord) : undefined;
  const at = (key: string) => (path === '' ? key : `${path}.${key}`);
  if (source) {
    for (const key in source) {
      if (key === '__proto__') continue;
      const v = source[key] as XmlValue;
      const fieldSpec = hasOwn.call(spec, key) ? spec[key] : undefined;
      if (fieldSpec === undefined) {
        out[key] = plain(v);
      } else {
        const normalized = field(v, fieldSpec, at(key));
        if (normalized !== undefined) out[key] = normalized;
      }
    }
  }
  for (const key in spec) {
    if (source && hasOwn.call(source, key)) continue;
    const normalized = field(undefined, spec[key] as FieldSpec, at(key));
    if (normalized !== undefined) out[key] = normalized;
  }
  return out;
}
