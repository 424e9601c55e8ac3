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
 *
 * How it works: `parseXml` first runs a scanner made for WeChat's small flat documents (`./scan`), and gives
 * xml2js (`./fallback`) whatever the scanner is not sure of. Both produce the same record for every document
 * the scanner answers (differential tests); the limits and name checks are shared (`./record`).
 * Details of the contract that both paths keep:
 * - A DOCTYPE or ENTITY declaration is rejected before any parsing, wherever it stands outside a CDATA
 *   section or a comment (inside CDATA it is ordinary text, such as a user's message).
 * - Character data is kept as is: CR, control characters and `]]>` split over CDATA sections all come back,
 *   so `parseXml(buildXml({ a: s })).a === s` for every string `s` without lone surrogates.
 * - `MAX_ELEMENTS` counts every element but the root; `MAX_DEPTH` is the depth of the deepest element, the
 *   root's children being at depth 1.
 * - Content after the root element is ignored (as xml2js does). Mixed content (text beside child elements,
 *   which WeChat does not send) keeps its text under the key `_`.
 */
import { parseWithXml2js } from './fallback';
import type { XmlRecord } from './record';
import { isForbiddenName, xmlError } from './record';
import { scanXml } from './scan';

export type { XmlRecord, XmlValue } from './record';
export { MAX_DEPTH, MAX_ELEMENTS } from './record';

/** What `buildXml` accepts: numbers are written as plain text. */
export type XmlInputValue = string | number | XmlInput | readonly XmlInputValue[];
export interface XmlInput {
  readonly [name: string]: XmlInputValue | undefined;
}

const MAYBE_DECLARATION = /<!(?:DOCTYPE|ENTITY)/i;

/**
 * Rejects DOCTYPE and ENTITY declarations. `<!` sequences inside CDATA sections and comments are skipped, so
 * a message whose text mentions `<!DOCTYPE` still parses. An unterminated section ends the search: the parser
 * will reject the document anyway.
 */
function rejectDeclarations(text: string): void {
  if (!MAYBE_DECLARATION.test(text)) return; // the usual case: nothing that could be one, anywhere
  let at = text.indexOf('<!');
  while (at >= 0) {
    let next = at + 2;
    if (text.startsWith('<![CDATA[', at)) {
      const end = text.indexOf(']]>', at + 9);
      if (end < 0) return;
      next = end + 3;
    } else if (text.startsWith('<!--', at)) {
      const end = text.indexOf('-->', at + 4);
      if (end < 0) return;
      next = end + 3;
    } else if (/^(DOCTYPE|ENTITY)/i.test(text.slice(at + 2, at + 9))) {
      throw xmlError('DOCTYPE and ENTITY declarations are not allowed');
    }
    at = text.indexOf('<!', next);
  }
}

/** What both paths start from: no BOM, no leading whitespace, no declarations. */
function prepare(input: string): string {
  if (typeof input !== 'string') throw new TypeError('wxopen: parseXml(text) needs a string (decode the body as UTF-8 first)');
  const text = (input.charCodeAt(0) === 0xfeff ? input.slice(1) : input).trimStart();
  if (!text.startsWith('<')) throw xmlError('not XML');
  rejectDeclarations(text);
  return text;
}

/** Parses a WeChat XML document (see the contract above). Throws `WxOpenError('ERR_XML')` on any failure. */
export function parseXml(input: string): XmlRecord {
  const text = prepare(input);
  return scanXml(text) ?? parseWithXml2js(text);
}

/**
 * The fast path alone: the record, or `undefined` when the scanner would hand the document to xml2js.
 * Exported for differential tests and benchmarks; use `parseXml`.
 */
export function parseXmlFast(input: string): XmlRecord | undefined {
  return scanXml(prepare(input));
}

/** The xml2js path alone. Exported for differential tests and benchmarks; use `parseXml`. */
export function parseXmlSlow(input: string): XmlRecord {
  return parseWithXml2js(prepare(input));
}

/** Wraps text in CDATA, splitting any `]]>` so it cannot close the section early. */
export function cdata(text: string): string {
  return `<![CDATA[${text.includes(']]>') ? text.replace(/]]>/g, ']]]]><![CDATA[>') : text}]]>`;
}

/** Names `buildXml` writes: the plain ASCII names of WeChat payloads (what the scanner reads). */
const ELEMENT_NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

function checkName(name: string): void {
  if (!ELEMENT_NAME.test(name) || isForbiddenName(name)) {
    throw new TypeError(`wxopen: buildXml cannot write an element named ${JSON.stringify(name)}: use an ASCII name such as "Content"`);
  }
}

function write(name: string, value: XmlInputValue | undefined): string {
  if (value === undefined) return '';
  if (Array.isArray(value)) return (value as readonly XmlInputValue[]).map((v) => write(name, v)).join('');
  checkName(name);
  if (typeof value === 'string') return `<${name}>${cdata(value)}</${name}>`;
  if (typeof value === 'number') return `<${name}>${value}</${name}>`;
  return `<${name}>${writeChildren(value as XmlInput)}</${name}>`;
}

function writeChildren(record: XmlInput): string {
  let out = '';
  for (const key of Object.keys(record)) out += write(key, record[key]);
  return out;
}

/**
 * Writes a compact, deterministic document (no whitespace, keys in `Object.keys` order): strings as CDATA,
 * numbers as text, records as nested elements, arrays as repeated elements, `undefined` fields skipped.
 * `root` defaults to `'xml'`. Throws a `TypeError` for an element name that is not a plain ASCII XML name
 * or is `__proto__`, `constructor` or `prototype` (`parseXml` would reject the document).
 */
export function buildXml(record: XmlInput, root = 'xml'): string {
  checkName(root);
  return `<${root}>${writeChildren(record)}</${root}>`;
}
