/**
 * The fast path of `parseXml`: a scanner for the small, flat documents WeChat sends.
 *
 * It understands exactly this much, and answers `undefined` ("ask xml2js") for anything else:
 * - an optional leading `<?xml …?>` declaration, then one root element, then only whitespace;
 * - elements named `[A-Za-z_][A-Za-z0-9_.-]*`, without attributes (`<a>`, `<a >`, `<a/>`, `<a />`, `</a >`);
 * - character data made of plain text (any character but `<` and `&`), CDATA sections (any character) and the
 *   references `&amp; &lt; &gt; &quot; &apos; &#N; &#xH;` (to an XML character);
 * - nested and repeated elements; between child elements only the whitespace characters space, tab, CR, LF.
 *
 * So comments, processing instructions, attributes, mixed content, other entities, `<!…>` declarations and
 * malformed input all go to xml2js, which decides. Where the scanner answers, its record is the one xml2js
 * would give (proven by the differential tests): leaf text is the untrimmed concatenation of the element's
 * text and CDATA, an empty element is `''`. The element checks (forbidden names, `MAX_DEPTH`,
 * `MAX_ELEMENTS`) are the shared ones and throw at once.
 *
 * Input must already be prepared by `parseXml` (BOM and leading whitespace removed, declarations rejected).
 *
 * It runs in linear time on every input, which is why it may read bytes whose signature has not been checked
 * yet: the position only moves forward, every search starts where the last one stopped (a failed search ends
 * the scan), a reference is looked for within 10 characters of its `&`, and nesting is bounded by
 * `MAX_DEPTH`. Each search, loop and copy adds what it examines to `meter.steps`; the linearity tests hold
 * the total under a small constant per input character for the known pathological shapes.
 */
import { find, meter } from './meter';
import type { ElementBudget, XmlRecord } from './record';
import { addChild, checkElement, newRecord } from './record';

/** Returned by the helpers when the scanner is not sure; `scanXml` turns it into `undefined`. */
const UNSURE = Symbol('unsure');
type Unsure = typeof UNSURE;

const CDATA_OPEN = '<![CDATA[';
const CDATA_CLOSE = ']]>';

/** XML whitespace: space, tab, LF, CR. */
function isSpace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;
}

function isNameStart(code: number): boolean {
  return (code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a) || code === 0x5f;
}

function isNameChar(code: number): boolean {
  return isNameStart(code) || (code >= 0x30 && code <= 0x39) || code === 0x2d || code === 0x2e;
}

/** The XML `Char` production (what a character reference may name). */
function isXmlChar(code: number): boolean {
  return (
    code === 0x09 ||
    code === 0x0a ||
    code === 0x0d ||
    (code >= 0x20 && code <= 0xd7ff) ||
    (code >= 0xe000 && code <= 0xfffd) ||
    (code >= 0x10000 && code <= 0x10ffff)
  );
}

/** The character an entity or character reference stands for (`name` is what is between `&` and `;`). */
function resolveReference(name: string): string | Unsure {
  switch (name) {
    case 'amp':
      return '&';
    case 'lt':
      return '<';
    case 'gt':
      return '>';
    case 'quot':
      return '"';
    case 'apos':
      return "'";
  }
  let code: number;
  if (/^#[0-9]{1,7}$/.test(name)) code = Number.parseInt(name.slice(1), 10);
  else if (/^#x[0-9A-Fa-f]{1,6}$/.test(name)) code = Number.parseInt(name.slice(2), 16);
  else return UNSURE;
  return isXmlChar(code) ? String.fromCodePoint(code) : UNSURE;
}

/** The longest reference the scanner reads, `&` and `;` excluded (`&#1114111;` has 8). */
const MAX_REFERENCE = 9;

/** The `;` closing the reference that starts at `amp`, looked for in a bounded window; -1 when absent. */
function semicolonAfter(text: string, amp: number): number {
  const limit = Math.min(text.length, amp + MAX_REFERENCE + 2);
  meter.steps += limit - amp;
  for (let i = amp + 1; i < limit; i++) if (text.charCodeAt(i) === 0x3b /* ; */) return i;
  return -1;
}

/** Decodes the references of a run of plain text; the run itself when it holds none. */
function decodeText(text: string): string | Unsure {
  let amp = find(text, '&', 0);
  if (amp < 0) return text;
  let out = '';
  let from = 0;
  while (amp >= 0) {
    const semicolon = semicolonAfter(text, amp);
    if (semicolon < 0) return UNSURE;
    const char = resolveReference(text.slice(amp + 1, semicolon));
    if (char === UNSURE) return UNSURE;
    meter.steps += amp - from;
    out += text.slice(from, amp) + char;
    from = semicolon + 1;
    amp = find(text, '&', from);
  }
  meter.steps += text.length - from;
  return out + text.slice(from);
}

function isAllSpace(text: string): boolean {
  meter.steps += text.length;
  for (let i = 0; i < text.length; i++) if (!isSpace(text.charCodeAt(i))) return false;
  return true;
}

class Scanner {
  #pos = 0;
  readonly #text: string;
  readonly #budget: ElementBudget = { count: 0 };

  constructor(text: string) {
    this.#text = text;
  }

  /** The whole document: optional declaration, the root element, trailing whitespace. */
  document(): XmlRecord | Unsure {
    const text = this.#text;
    meter.steps += 6;
    if (text.startsWith('<?xml') && (text[5] === '?' || isSpace(text.charCodeAt(5)))) {
      const end = find(text, '?>', 5);
      if (end < 0) return UNSURE;
      this.#pos = end + 2;
      this.#skipSpace();
    }
    if (text.charCodeAt(this.#pos) !== 0x3c /* < */) return UNSURE;
    this.#pos++;
    const rootName = this.#name();
    if (rootName === UNSURE) return UNSURE;
    const root = this.#element(rootName, 0);
    if (root === UNSURE || typeof root === 'string') return UNSURE; // a root without elements is xml2js's error
    this.#skipSpace();
    return this.#pos === text.length ? root : UNSURE;
  }

  #skipSpace(): void {
    const from = this.#pos;
    while (this.#pos < this.#text.length && isSpace(this.#text.charCodeAt(this.#pos))) this.#pos++;
    meter.steps += this.#pos - from + 1;
  }

  #name(): string | Unsure {
    const text = this.#text;
    const start = this.#pos;
    if (!isNameStart(text.charCodeAt(start))) return UNSURE;
    let end = start + 1;
    while (end < text.length && isNameChar(text.charCodeAt(end))) end++;
    meter.steps += end - start + 1;
    this.#pos = end;
    return text.slice(start, end);
  }

  /** The rest of an element whose `<name` has been consumed; `depth` is its own depth (the root is 0). */
  #element(name: string, depth: number): string | XmlRecord | Unsure {
    const text = this.#text;
    this.#skipSpace();
    meter.steps += 2;
    if (text.startsWith('/>', this.#pos)) {
      this.#pos += 2;
      return '';
    }
    if (text.charCodeAt(this.#pos) !== 0x3e /* > */) return UNSURE; // attributes or garbage
    this.#pos++;

    let data = ''; // character data, decoded and concatenated
    let onlySpace = true; // the character data is plain whitespace only (no CDATA, no reference)
    let record: XmlRecord | undefined;
    for (;;) {
      const lt = find(text, '<', this.#pos);
      if (lt < 0) return UNSURE;
      if (lt > this.#pos) {
        const run = text.slice(this.#pos, lt);
        const decoded = decodeText(run);
        if (decoded === UNSURE) return UNSURE;
        data += decoded;
        // A run that held a reference decodes to a shorter, other string: it is not plain whitespace.
        if (onlySpace && (decoded !== run || !isAllSpace(run))) onlySpace = false;
      }
      this.#pos = lt + 1;
      const next = text.charCodeAt(this.#pos);
      if (next === 0x2f /* / */) {
        // The end tag must name this element: compared in place, without slicing the name out.
        const end = this.#pos + 1 + name.length;
        meter.steps += name.length + 1;
        if (!text.startsWith(name, this.#pos + 1) || isNameChar(text.charCodeAt(end))) return UNSURE;
        this.#pos = end;
        this.#skipSpace();
        if (text.charCodeAt(this.#pos) !== 0x3e /* > */) return UNSURE;
        this.#pos++;
        if (record === undefined) return data;
        return onlySpace ? record : UNSURE; // mixed content
      }
      if (next === 0x21 /* ! */) {
        meter.steps += CDATA_OPEN.length;
        if (!text.startsWith(CDATA_OPEN, lt)) return UNSURE; // comment or declaration
        const start = lt + CDATA_OPEN.length;
        const end = find(text, CDATA_CLOSE, start);
        if (end < 0) return UNSURE;
        meter.steps += end - start;
        data += text.slice(start, end);
        onlySpace = false;
        this.#pos = end + CDATA_CLOSE.length;
        continue;
      }
      const child = this.#name();
      if (child === UNSURE) return UNSURE; // `<?`, or a name the scanner does not handle
      checkElement(child, depth + 1, this.#budget);
      const value = this.#element(child, depth + 1);
      if (value === UNSURE) return UNSURE;
      record ??= newRecord();
      addChild(record, child, value);
    }
  }
}

/**
 * Scans a prepared document. Returns its record, or `undefined` when the document is not of the simple
 * kind described above (the caller then asks xml2js). Throws `WxOpenError('ERR_XML')` for a forbidden element
 * name or a limit exceeded.
 */
export function scanXml(text: string): XmlRecord | undefined {
  const result = new Scanner(text).document();
  return result === UNSURE ? undefined : result;
}
