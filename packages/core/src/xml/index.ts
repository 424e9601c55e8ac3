/**
 * XML for WeChat payloads.
 * - `parseXml(text)` returns the children of the root element as an `XmlRecord` (null-prototype object):
 *   leaf elements become strings (CDATA unwrapped, entities decoded, text NOT trimmed), elements with
 *   children become records, repeated elements become arrays. Attributes are ignored.
 *   A leading BOM and whitespace are tolerated. DOCTYPE/ENTITY declarations, `__proto__`/`constructor`/
 *   `prototype` element names, more than `MAX_ELEMENTS` elements or nesting deeper than `MAX_DEPTH` throw
 *   `WxOpenError('ERR_XML')`.
 * - `parseXmlStrict(text)` is the scanner alone: linear time on every input, for unauthenticated bytes.
 * - `buildXml(record, root = 'xml')` writes strings as CDATA (splitting `]]>`), numbers as text, records as
 *   nested elements and arrays as repeated elements.
 *
 * How it works: `parseXml` first runs a scanner made for WeChat's small flat documents (`./scan`), and gives
 * xml2js (`./fallback`) whatever the scanner is not sure of. Both produce the same record for every document
 * the scanner answers (differential tests); the limits and name checks are shared (`./record`).
 * Details of the contract that both paths keep:
 * - A DOCTYPE or ENTITY declaration, and any other `<!` that opens neither a comment nor a CDATA section, is
 *   rejected before any parsing, wherever it stands outside a CDATA section or a comment (inside CDATA it is
 *   ordinary text, such as a user's message).
 * - Character data is kept as is: CR, control characters and `]]>` split over CDATA sections all come back,
 *   so `parseXml(buildXml({ a: s })).a === s` for every string `s` without lone surrogates.
 * - `MAX_ELEMENTS` counts every element but the root; `MAX_DEPTH` is the depth of the deepest element, the
 *   root's children being at depth 1.
 * - Content after the root element is ignored (as xml2js does). Mixed content (text beside child elements,
 *   which WeChat does not send) keeps its text under the key `_`.
 */
import { parseWithXml2js } from './fallback';
import { find, meter } from './meter';
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

const DECLARATIONS = 'DOCTYPE and ENTITY declarations are not allowed';
/** A `<!` that opens neither a comment nor a CDATA section (sax reads `CDATA` in any case, so the test does). */
const SUSPECT_DECLARATION = /<!(?!--|\[CDATA\[)/i;

/**
 * Refuses every `<!` that opens neither a comment nor a CDATA section: a DOCTYPE or ENTITY declaration (no
 * entity expansion, no external entity), and any other markup declaration, which can only stand inside a DTD
 * (refused) and which sax reads in time quadratic in its length. `<!` sequences inside CDATA sections and
 * comments are skipped, so a message whose text mentions `<!DOCTYPE` still parses. An unterminated section
 * ends the search: every reader rejects the document anyway, in linear time.
 *
 * Linear: the prefilter is a literal `<!` with a bounded look-ahead, and each search starts where the last
 * one ended.
 */
function rejectDeclarations(text: string): void {
  meter.steps += text.length;
  if (!SUSPECT_DECLARATION.test(text)) return; // the usual case: only comments and CDATA, or no `<!` at all
  let at = find(text, '<!', 0);
  while (at >= 0) {
    const head = text.slice(at + 2, at + 9);
    meter.steps += head.length;
    let end: number;
    if (head.startsWith('--')) {
      end = find(text, '-->', at + 4);
    } else if (head.toUpperCase() === '[CDATA[') {
      end = find(text, ']]>', at + 9);
    } else {
      throw xmlError(/^(DOCTYPE|ENTITY)/i.test(head) ? DECLARATIONS : 'only comments and CDATA sections may start with <!');
    }
    if (end < 0) return;
    at = find(text, '<!', end + 3);
  }
}

/** What every path starts from: no BOM, no leading whitespace, no declarations. */
function prepare(input: string): string {
  if (typeof input !== 'string') throw new TypeError('wxopen: parseXml(text) needs a string (decode the body as UTF-8 first)');
  meter.steps += input.length;
  const text = (input.charCodeAt(0) === 0xfeff ? input.slice(1) : input).trimStart();
  if (!text.startsWith('<')) throw xmlError('not XML');
  rejectDeclarations(text);
  return text;
}

/**
 * Parses a WeChat XML document (see the contract above). Throws `WxOpenError('ERR_XML')` on any failure.
 * What the scanner declines goes to xml2js, whose time is not linear in every input: use it on authenticated
 * text only (a decrypted message), and `parseXmlStrict` on bytes whose signature has not been checked.
 */
export function parseXml(input: string): XmlRecord {
  const text = prepare(input);
  return scanXml(text) ?? parseWithXml2js(text);
}

/**
 * The scanner alone, for bytes nobody has authenticated yet (an encrypted envelope before its `msg_signature`
 * is checked, a plain-mode body): linear time on every input, never a fallback parser. Reads the documents
 * WeChat sends — elements without attributes, text, CDATA, the predefined entities and character references,
 * an optional `<?xml …?>` declaration — with the same record as `parseXml`, and refuses everything else
 * (comments, attributes, processing instructions, other entities, malformed markup) with
 * `WxOpenError('ERR_XML')`.
 */
export function parseXmlStrict(input: string): XmlRecord {
  const record = scanXml(prepare(input));
  if (record === undefined) throw xmlError('markup outside what WeChat sends (attribute, comment, instruction, entity) or malformed');
  return record;
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
