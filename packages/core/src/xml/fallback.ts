/**
 * The general path of `parseXml`: xml2js (sax, strict mode), for every document the scanner is not sure of.
 *
 * Every element name is given a `>` prefix while xml2js builds its tree. No XML name can start with `>`, so
 * element names never meet xml2js's own keys (`_` for text, `$`, `#name`, `cdata`) nor `Object.prototype`
 * (xml2js tests `key in obj`: unprefixed, a `<toString>` element would be merged with the inherited method).
 * The tree is then copied into null-prototype records with the shared element checks.
 *
 * Mixed content (an element with child elements and text, which WeChat does not send) keeps its text
 * under the key `_`, as xml2js does.
 */
import type { ParserOptions } from 'xml2js';
import { Parser } from 'xml2js';
import type { ElementBudget, XmlRecord, XmlValue } from './record';
import { checkElement, newRecord, xmlError } from './record';

const PREFIX = '>';
const TEXT_KEY = '_';

const OPTIONS: ParserOptions = {
  explicitArray: false,
  explicitRoot: false,
  ignoreAttrs: true,
  emptyTag: '',
  async: false,
  tagNameProcessors: [(name: string): string => PREFIX + name],
};

function toValue(node: unknown, depth: number, budget: ElementBudget): string | XmlRecord {
  if (typeof node === 'string') return node;
  const record = newRecord();
  if (node === null || typeof node !== 'object') return record;
  for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
    if (key === TEXT_KEY && typeof value === 'string') {
      record[TEXT_KEY] = value;
    } else if (key.startsWith(PREFIX)) {
      const name = key.slice(PREFIX.length);
      const nodes: unknown[] = Array.isArray(value) ? value : [value];
      const values: XmlValue[] = [];
      for (const child of nodes) {
        checkElement(name, depth + 1, budget);
        values.push(toValue(child, depth + 1, budget));
      }
      record[name] = values.length === 1 ? (values[0] as XmlValue) : values;
    }
  }
  return record;
}

/** Parses a prepared document with xml2js. Every failure is `WxOpenError('ERR_XML')`. */
export function parseWithXml2js(text: string): XmlRecord {
  let outcome: { error: unknown; result: unknown } | undefined;
  try {
    new Parser(OPTIONS).parseString(text, (error: unknown, result: unknown) => {
      outcome ??= { error, result };
    });
  } catch (error) {
    outcome ??= { error, result: undefined };
  }
  if (outcome === undefined || outcome.error) throw xmlError('malformed', outcome?.error);
  const root = outcome.result;
  if (root === null || typeof root !== 'object') throw xmlError('root has no elements');
  return toValue(root, 0, { count: 0 }) as XmlRecord;
}
