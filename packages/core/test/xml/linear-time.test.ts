/**
 * Linear time before authentication: `parseXmlStrict` (what reads an envelope or any body whose signature has
 * not been checked) does work proportional to its input on every shape known to hurt XML parsers, at sizes up
 * to the default body limit (256 KiB), and never hands a byte to xml2js.
 *
 * Work is counted, not timed: the scanner adds the characters each search, loop and copy examines to an
 * internal counter (`meter.steps`). The same file shows that xml2js (sax) does quadratic work on an
 * unterminated `<!aaaa…`, measured by the characters sax hands to `RegExp.prototype.test`, so a regression
 * that sent such bytes to xml2js again would be caught by the assertions on xml2js never being called.
 */
import { Parser } from 'xml2js';
import { WxOpenError, parseXml } from '@wxopen/core';
import { parseXmlStrict } from '../../src/xml';
import { countSteps } from '../../src/xml/meter';

const KIB = 1024;
const SIZES = [16 * KIB, 64 * KIB, 256 * KIB];
/** Most characters examined per input character. A valid document takes about 4; a quadratic spot, thousands. */
const MAX_STEPS_PER_CHAR = 8;

/**
 * `head`, then as many whole `unit`s as fit, then `tail`, brought to exactly `size` characters by leading
 * spaces (which every reader skips), so that each size has the same structure.
 */
function shape(head: string, unit: string, tail = ''): (size: number) => string {
  return (size) => {
    const room = size - head.length - tail.length;
    const body = unit.repeat(Math.floor(room / unit.length));
    return ' '.repeat(room - body.length) + head + body + tail;
  };
}

/** Shapes known to make XML readers slow (sax's quadratic spots among them), and a few large valid documents. */
const PATHOLOGICAL: ReadonlyArray<readonly [string, (size: number) => string]> = [
  ['an unterminated declaration <!aaaa…', shape('<xml><Encrypt>x</Encrypt><!', 'a')],
  ['an unterminated DOCTYPE', shape('<!DOCTYPE ', 'a')],
  ['a run of <!', shape('<xml>', '<!')],
  ['a run of declarations <!a>', shape('<xml>', '<!a>')],
  ['an unterminated comment', shape('<xml><!--', 'a')],
  ['a run of comments', shape('<xml>', '<!---->')],
  ['an unterminated CDATA section', shape('<xml><Encrypt><![CDATA[', 'a')],
  ['an unterminated CDATA section full of ]]', shape('<xml><Encrypt><![CDATA[', ']]')],
  ['CDATA sections that mention <!DOCTYPE', shape('<xml><a>', '<![CDATA[<!DOCTYPE x>]]>', '</a></xml>')],
  ['an unterminated CDATA section that mentions <!DOCTYPE', shape('<xml><a><![CDATA[', '<!DOCTYPE ')],
  ['an unterminated <?xml declaration', shape('<?xml ', 'a')],
  ['an unterminated processing instruction', shape('<xml><?pi ', 'a')],
  ['deep nesting', shape('<xml>', '<a>')],
  ['deep nesting with whitespace', shape('<xml>', '<a >\n')],
  ['many siblings', shape('<xml>', '<a>1</a>', '</xml>')],
  ['many empty siblings, unterminated', shape('<xml>', '<a/>')],
  ['a long attribute list', shape('<xml', ' a="1"')],
  ['a long attribute value', shape('<xml a="', 'a')],
  ['a long element name', shape('<xml><', 'a')],
  ['a long end tag', shape('<xml><a>1</', 'a')],
  ['a long unterminated text', shape('<xml><a>', 'a')],
  ['a run of &', shape('<xml><a>', '&')],
  ['a run of & far from a ;', shape('<xml><a>', '&', ';</a></xml>')],
  ['a run of unterminated character references', shape('<xml><a>', '&#1')],
  ['many references', shape('<xml><a>', '&amp;&#x4E2D;', '</a></xml>')],
  ['a run of <', shape('<xml>', '<')],
  ['a run of </', shape('<xml>', '</')],
  ['leading whitespace', shape('', ' \r\n\t', '<xml><a>1</a></xml>')],
  ['a large valid envelope', shape('<xml><ToUserName><![CDATA[gh_1]]></ToUserName><Encrypt><![CDATA[', 'QUJD', ']]></Encrypt></xml>')],
];

function parsedOrRefused(parse: (text: string) => unknown, text: string): 'parsed' | 'refused' {
  try {
    parse(text);
    return 'parsed';
  } catch (error) {
    expect(error).toBeInstanceOf(WxOpenError);
    expect((error as WxOpenError).code).toBe('ERR_XML');
    return 'refused';
  }
}

describe('parseXmlStrict reads every input in linear time', () => {
  let xml2js: jest.SpyInstance;
  beforeEach(() => {
    xml2js = jest.spyOn(Parser.prototype, 'parseString');
  });
  afterEach(() => {
    expect(xml2js).not.toHaveBeenCalled();
    xml2js.mockRestore();
  });

  test.each(PATHOLOGICAL)('%s: at 16, 64 and 256 KiB the work per input character stays under a small constant', (_what, make) => {
    const perChar: number[] = [];
    for (const size of SIZES) {
      const text = make(size);
      expect(text).toHaveLength(size);
      parsedOrRefused(parseXmlStrict, text);
      perChar.push(countSteps(() => parseXmlStrict(text)) / size);
    }
    for (const ratio of perChar) expect(ratio).toBeLessThan(MAX_STEPS_PER_CHAR);
    // Linear, not merely small at these sizes: 16 times the input costs at most about 16 times the work.
    expect(perChar[2] as number).toBeLessThan((perChar[0] as number) * 1.25 + 0.05);
  });

  test('refuses the shapes WeChat never sends and reads the large valid ones', () => {
    const outcomes = Object.fromEntries(PATHOLOGICAL.map(([what, make]) => [what, parsedOrRefused(parseXmlStrict, make(16 * KIB))]));
    expect(Object.entries(outcomes).filter(([, outcome]) => outcome === 'parsed').map(([what]) => what).sort()).toEqual([
      'CDATA sections that mention <!DOCTYPE',
      'a large valid envelope',
      'leading whitespace',
      'many references',
      'many siblings',
    ]);
  });

  test('refuses what only xml2js would read (a comment, an attribute) instead of falling back', () => {
    for (const text of ['<xml><!-- c --><a>1</a></xml>', '<xml><a b="1">1</a></xml>', '<xml><?pi x?><a>1</a></xml>', '<xml><a>&nbsp;</a></xml>']) {
      expect(parsedOrRefused(parseXmlStrict, text)).toBe('refused');
      expect(parsedOrRefused(parseXml, text)).toBe('parsed');
    }
    xml2js.mockClear(); // parseXml used xml2js above, on purpose
  });

  test('names why it refuses a declaration, and keeps CDATA and comments that mention one', () => {
    expect(() => parseXmlStrict('<xml><!ELEMENT a ANY><a>1</a></xml>')).toThrow('only comments and CDATA sections may start with <!');
    expect(() => parseXml('<xml><!ELEMENT a ANY><a>1</a></xml>')).toThrow('only comments and CDATA sections may start with <!');
    expect(() => parseXmlStrict('<!DOCTYPE x><xml><a>1</a></xml>')).toThrow('DOCTYPE and ENTITY declarations are not allowed');
    expect(parseXml('<xml><!-- <!ELEMENT --><a><![CDATA[<!ELEMENT]]></a></xml>')['a']).toBe('<!ELEMENT');
    xml2js.mockClear(); // parseXml used xml2js for the comment, on purpose
  });

  test('gives the record parseXml gives for the documents WeChat sends', () => {
    const envelope = '\ufeff<xml>\n  <ToUserName><![CDATA[gh_1]]></ToUserName>\n  <Encrypt><![CDATA[QUJD]]></Encrypt>\n</xml>\n';
    expect({ ...parseXmlStrict(envelope) }).toEqual({ ToUserName: 'gh_1', Encrypt: 'QUJD' });
    const message = '<?xml version="1.0"?><xml><Content>a &amp; b</Content><Info><Id>1</Id></Info></xml>';
    expect(parseXmlStrict(message)).toEqual(parseXml(message));
  });
});

describe('parseXml refuses a <! that is neither a comment nor CDATA before xml2js sees it', () => {
  const DECLARATIONS = ['an unterminated declaration <!aaaa…', 'an unterminated DOCTYPE', 'a run of <!', 'a run of declarations <!a>'];
  test.each(PATHOLOGICAL.filter(([what]) => DECLARATIONS.includes(what)))('%s, at 256 KiB', (_what, make) => {
    const xml2js = jest.spyOn(Parser.prototype, 'parseString');
    try {
      const text = make(256 * KIB);
      expect(parsedOrRefused(parseXml, text)).toBe('refused');
      expect(countSteps(() => parseXml(text)) / text.length).toBeLessThan(MAX_STEPS_PER_CHAR);
      expect(xml2js).not.toHaveBeenCalled();
    } finally {
      xml2js.mockRestore();
    }
  });
});

describe('the measure would catch a regression to xml2js', () => {
  /** Characters sax hands to `RegExp.prototype.test` while xml2js parses `text`: a lower bound of its work. */
  function saxRegexChars(text: string): number {
    const test = RegExp.prototype.test;
    let chars = 0;
    const spy = jest.spyOn(RegExp.prototype, 'test').mockImplementation(function (this: RegExp, input: string) {
      chars += String(input).length;
      return test.call(this, input);
    });
    try {
      new Parser({ explicitArray: false, async: false }).parseString(text, () => undefined);
    } catch {
      // sax may throw instead of calling back: the work is done either way
    } finally {
      spy.mockRestore();
    }
    return chars;
  }

  test('xml2js does quadratic work on an unterminated <!aaaa… (4× the work for 2× the input)', () => {
    const make = shape('<xml><!', 'a');
    const [small, medium, large] = [2 * KIB, 4 * KIB, 8 * KIB].map((size) => saxRegexChars(make(size))) as [number, number, number];
    expect(medium / small).toBeGreaterThan(3.5);
    expect(large / medium).toBeGreaterThan(3.5);
    expect(large / (8 * KIB)).toBeGreaterThan(MAX_STEPS_PER_CHAR * 100); // far beyond the scanner's bound
  });
});
