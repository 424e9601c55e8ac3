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
 */
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

/** Decodes the references of a run of plain text. */
function decodeText(text: string): string | Unsure {
  let amp = text.indexOf('&');
  if (amp < 0) return text;
  let out = '';
  let from = 0;
  while (amp >= 0) {
    const semicolon = text.indexOf(';', amp + 1);
    if (semicolon < 0 || semicolon - amp > 10) return UNSURE;
    const char = resolveReference(text.slice(amp + 1, semicolon));
    if (char === UNSURE) return UNSURE;
    out += text.slice(from, amp) + char;
    from = semicolon + 1;
    amp = text.indexOf('&', from);
  }
  return out + text.slice(from);
}

function isAllSpace(text: string): boolean {
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
    if (text.startsWith('<?xml') && (text[5] === '?' || isSpace(text.charCodeAt(5)))) {
      const end = text.indexOf('?>', 5);
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
    while (this.#pos < this.#text.length && isSpace(this.#text.charCodeAt(this.#pos))) this.#pos++;
  }

  #name(): string | Unsure {
    const text = this.#text;
    const start = this.#pos;
    if (!isNameStart(text.charCodeAt(start))) return UNSURE;
    let end = start + 1;
    while (end < text.length && isNameChar(text.charCodeAt(end))) end++;
    this.#pos = end;
    return text.slice(start, end);
  }

  /** The rest of an element whose `<name` has been consumed; `depth` is its own depth (the root is 0). */
  #element(name: string, depth: number): string | XmlRecord | Unsure {
    const text = this.#text;
    this.#skipSpace();
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
      const lt = text.indexOf('<', this.#pos);
      if (lt < 0) return UNSURE;
      if (lt > this.#pos) {
        const run = text.slice(this.#pos, lt);
        const decoded = decodeText(run);
        if (decoded === UNSURE) return UNSURE;
        data += decoded;
        if (onlySpace && (run.includes('&') || !isAllSpace(run))) onlySpace = false;
      }
      this.#pos = lt + 1;
      const next = text.charCodeAt(this.#pos);
      if (next === 0x2f /* / */) {
        // The end tag must name this element: compared in place, without slicing the name out.
        const end = this.#pos + 1 + name.length;
        if (!text.startsWith(name, this.#pos + 1) || isNameChar(text.charCodeAt(end))) return UNSURE;
        this.#pos = end;
        this.#skipSpace();
        if (text.charCodeAt(this.#pos) !== 0x3e /* > */) return UNSURE;
        this.#pos++;
        if (record === undefined) return data;
        return onlySpace ? record : UNSURE; // mixed content
      }
      if (next === 0x21 /* ! */) {
        if (!text.startsWith(CDATA_OPEN, lt)) return UNSURE; // comment or declaration
        const start = lt + CDATA_OPEN.length;
        const end = text.indexOf(CDATA_CLOSE, start);
        if (end < 0) return UNSURE;
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
