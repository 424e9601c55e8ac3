/**
 * What both XML parsing paths (the scanner and xml2js) share: the record types, the limits and the checks
 * made on every element, so that the two paths cannot disagree on them.
 */
import { WxOpenError } from '../errors';

export type XmlValue = string | XmlRecord | XmlValue[];
export interface XmlRecord {
  [name: string]: XmlValue;
}

/** Most elements (the root excluded) a document may hold. */
export const MAX_ELEMENTS = 10_000;
/** Deepest element nesting under the root: the root's children are at depth 1. */
export const MAX_DEPTH = 32;

/** Element names that would reach `Object.prototype` in a careless consumer. */
const FORBIDDEN_NAMES: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

export function isForbiddenName(name: string): boolean {
  const first = name.charCodeAt(0);
  // Every forbidden name starts with `_`, `c` or `p`: the set is asked only for those.
  return (first === 0x5f || first === 0x63 || first === 0x70) && FORBIDDEN_NAMES.has(name);
}

export function xmlError(detail: string, cause?: unknown): WxOpenError {
  return new WxOpenError('ERR_XML', { detail, cause });
}

/**
 * A record with no prototype: no element name can reach `Object.prototype`. Made by dropping the prototype of an
 * empty literal, which keeps V8's fast properties; `Object.create(null)` makes a dictionary-mode object, whose
 * every write and read is a hash lookup (measured: 6 fields written and read, 150 against 250 ns).
 */
export function newRecord(): XmlRecord {
  return Object.setPrototypeOf({}, null) as XmlRecord;
}

/** Counts the elements of one document against `MAX_ELEMENTS`. */
export interface ElementBudget {
  count: number;
}

/**
 * The checks made on every element below the root, on both paths: forbidden name, depth, element count.
 * `depth` is the element's own depth (the root's children are at 1).
 */
export function checkElement(name: string, depth: number, budget: ElementBudget): void {
  if (isForbiddenName(name)) throw xmlError('forbidden element name');
  if (depth > MAX_DEPTH) throw xmlError('nesting too deep');
  if (++budget.count > MAX_ELEMENTS) throw xmlError('too many elements');
}

/** Adds a child: the first of a name is a value, the second turns it into an array (document order). */
export function addChild(record: XmlRecord, name: string, value: string | XmlRecord): void {
  const previous = record[name];
  if (previous === undefined) record[name] = value;
  else if (Array.isArray(previous)) previous.push(value);
  else record[name] = [previous, value];
}
