/**
 * XML for WeChat payloads. CONTRACT (owned by the XML work; signatures are stable):
 * - `parseXml(text)` returns the children of the root element as an `XmlRecord` (null-prototype object):
 *   leaf elements become strings (CDATA unwrapped, entities decoded, text NOT trimmed), elements with
 *   children become records, repeated elements become arrays. Attributes are ignored.
 *   A leading BOM and whitespace are tolerated. DOCTYPE/ENTITY declarations, `__proto__`/`constructor`/
 *   `prototype` element names, more than `MAX_ELEMENTS` elements or nesting deeper than `MAX_DEPTH` throw
 *   `WxOpenError('ERR_XML')`.
 * - `buildXml(record, root = 'xml')` writes strings as CDATA (splitting `]]>`), numbers as text, records as
 *   nested elements and arrays as repeated elements.
 */
import { Parser } from 'xml2js';
import { WxOpenError } from '../errors';

export type XmlValue = string | XmlRecord | XmlValue[];
export interface XmlRecord {
  [name: string]: XmlValue;
}
/** What `buildXml` accepts: numbers are written as plain text. */
export type XmlInputValue = string | number | XmlInput | readonly XmlInputValue[];
export interface XmlInput {
  readonly [name: string]: XmlInputValue | undefined;
}

export const MAX_ELEMENTS = 10_000;
export const MAX_DEPTH = 32;

const FORBIDDEN_NAMES = new Set(['__proto__', 'constructor', 'prototype']);

function toRecord(value: unknown, depth: number, counter: { n: number }): XmlValue {
  if (depth > MAX_DEPTH) throw new WxOpenError('ERR_XML', { detail: 'nesting too deep' });
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map((v) => toRecord(v, depth, counter));
  if (value && typeof value === 'object') {
    const out: XmlRecord = Object.create(null) as XmlRecord;
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (k === '$') continue;
      if (FORBIDDEN_NAMES.has(k)) throw new WxOpenError('ERR_XML', { detail: 'forbidden element name' });
      counter.n += Array.isArray(v) ? v.length : 1;
      if (counter.n > MAX_ELEMENTS) throw new WxOpenError('ERR_XML', { detail: 'too many elements' });
      out[k] = k === '_' ? String(v) : toRecord(v, depth + 1, counter);
    }
    return out;
  }
  return '';
}

export function parseXml(input: string): XmlRecord {
  let text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  text = text.trimStart();
  if (!text.startsWith('<')) throw new WxOpenError('ERR_XML', { detail: 'not XML' });
  if (/<!(DOCTYPE|ENTITY)/i.test(text)) throw new WxOpenError('ERR_XML', { detail: 'DOCTYPE is not allowed' });
  let parsed: unknown;
  let error: unknown;
  new Parser({ explicitArray: false, explicitRoot: false, ignoreAttrs: true, emptyTag: '', async: false }).parseString(
    text,
    (err: unknown, result: unknown) => {
      error = err;
      parsed = result;
    },
  );
  if (error) throw new WxOpenError('ERR_XML', { detail: 'malformed', cause: error });
  const record = toRecord(parsed, 0, { n: 0 });
  if (typeof record !== 'object' || Array.isArray(record)) {
    throw new WxOpenError('ERR_XML', { detail: 'root has no elements' });
  }
  return record;
}

/** Wraps text in CDATA, splitting any `]]>` so it cannot close the section early. */
export function cdata(text: string): string {
  return `<![CDATA[${text.replace(/]]>/g, ']]]]><![CDATA[>')}]]>`;
}

function write(name: string, value: XmlInputValue | undefined): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return `<${name}>${cdata(value)}</${name}>`;
  if (typeof value === 'number') return `<${name}>${value}</${name}>`;
  if (Array.isArray(value)) return (value as readonly XmlInputValue[]).map((v) => write(name, v)).join('');
  return `<${name}>${writeChildren(value as XmlInput)}</${name}>`;
}

function writeChildren(record: XmlInput): string {
  let out = '';
  for (const key of Object.keys(record)) out += write(key, record[key]);
  return out;
}

export function buildXml(record: XmlInput, root = 'xml'): string {
  return `<${root}>${writeChildren(record)}</${root}>`;
}
