/**
 * JSON for mini programs in JSON push mode. WeChat writes `MsgId` as a JSON number that can exceed 2^53, so
 * `JSON.parse` would round it. `parseJsonRecord` keeps every number as its source text and returns the same
 * record shape as `parseXml` (null-prototype objects, string leaves, arrays for repeated values), so one set of
 * message specs serves both formats.
 */
import { WxOpenError } from '../errors';
import { MAX_DEPTH, MAX_ELEMENTS, type XmlRecord, type XmlValue } from '../xml';
import { isForbiddenName, newRecord } from '../xml/record';

function jsonError(detail: string, cause?: unknown): WxOpenError {
  return new WxOpenError('ERR_JSON', { detail, cause });
}

const isDigit = (code: number): boolean => code >= 0x30 && code <= 0x39;
/** Characters that may follow `-` or a digit inside a JSON number token. */
const isNumberChar = (code: number): boolean => isDigit(code) || code === 0x2e || code === 0x65 || code === 0x45 || code === 0x2b || code === 0x2d;

/**
 * The text with every number token outside strings wrapped in quotes, so `JSON.parse` hands back its exact source
 * text. One pass, linear in the length; a malformed document stays malformed (JSON.parse then rejects it).
 */
function quoteNumbers(text: string): string {
  let out = '';
  let from = 0;
  let i = 0;
  while (i < text.length) {
    const code = text.charCodeAt(i);
    if (code === 0x22 /* " */) {
      i++;
      while (i < text.length) {
        const c = text.charCodeAt(i);
        if (c === 0x5c /* \ */) i += 2;
        else if (c === 0x22) break;
        else i++;
      }
      i++;
    } else if (isDigit(code) || code === 0x2d /* - */) {
      const start = i;
      i++;
      while (i < text.length && isNumberChar(text.charCodeAt(i))) i++;
      out += `${text.slice(from, start)}"${text.slice(start, i)}"`;
      from = i;
    } else {
      i++;
    }
  }
  return from === 0 ? text : out + text.slice(from);
}

interface Budget {
  count: number;
}

function toValue(value: unknown, depth: number, budget: Budget): XmlValue {
  if (typeof value === 'string') return value;
  if (value === null) return '';
  if (typeof value === 'boolean' || typeof value === 'number') return String(value);
  if (Array.isArray(value)) {
    const items: XmlValue[] = [];
    for (const item of value) {
      if (Array.isArray(item)) throw jsonError('nested arrays are not a WeChat payload');
      items.push(toValue(item, depth, budget));
    }
    return items;
  }
  if (typeof value === 'object') return toRecord(value as Record<string, unknown>, depth, budget);
  throw jsonError('unexpected value');
}

function toRecord(object: Record<string, unknown>, depth: number, budget: Budget): XmlRecord {
  if (depth > MAX_DEPTH) throw jsonError('nesting too deep');
  const record = newRecord();
  for (const key of Object.keys(object)) {
    if (isForbiddenName(key)) throw jsonError('forbidden member name');
    if (++budget.count > MAX_ELEMENTS) throw jsonError('too many members');
    record[key] = toValue(object[key], depth + 1, budget);
  }
  return record;
}

/**
 * Parses a WeChat JSON document into a record: objects become null-prototype records, arrays stay arrays,
 * numbers come back as their exact source text, booleans as `"true"`/`"false"`, `null` as `''`. The top level must
 * be an object. Limits as for XML (`MAX_DEPTH`, `MAX_ELEMENTS`). Throws `WxOpenError('ERR_JSON')`.
 */
export function parseJsonRecord(input: string): XmlRecord {
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  let parsed: unknown;
  try {
    parsed = JSON.parse(quoteNumbers(text));
  } catch (cause) {
    throw jsonError('malformed', cause);
  }
  return fromParsedJson(parsed);
}

/** The record of an object a JSON body parser already produced (numbers there may have been rounded). */
export function fromParsedJson(parsed: unknown): XmlRecord {
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw jsonError('top level is not an object');
  return toRecord(parsed as Record<string, unknown>, 1, { count: 0 });
}
