/**
 * Hostile and broken XML. Each case runs on both paths (`parseXmlFast`, `parseXmlSlow`) and through
 * `parseXml`; every rejection is `WxOpenError('ERR_XML')`.
 */
import fc from 'fast-check';
import { WxOpenError, parseXml } from '@wxopen/core';
import { MAX_DEPTH, MAX_ELEMENTS, parseXmlFast, parseXmlSlow } from '../../src/xml';
import type { XmlRecord } from '@wxopen/core';

const PARSERS: ReadonlyArray<readonly [string, (xml: string) => XmlRecord | undefined]> = [
  ['parseXml', parseXml],
  ['the fast path', parseXmlFast],
  ['the xml2js path', parseXmlSlow],
];

function xmlErrorOf(fn: () => unknown): WxOpenError {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(WxOpenError);
  expect((caught as WxOpenError).code).toBe('ERR_XML');
  return caught as WxOpenError;
}

/** Rejected by every path, with `detail` when given. */
function expectRejected(xml: string, detail?: string): void {
  for (const [, parse] of PARSERS) {
    const error = xmlErrorOf(() => parse(xml));
    if (detail !== undefined) expect(error.detail).toBe(detail);
  }
}

function repeat(count: number, element = '<a>1</a>'): string {
  return `<xml>${element.repeat(count)}</xml>`;
}

function nested(depth: number): string {
  let xml = 'leaf';
  for (let i = depth; i >= 1; i--) xml = `<e${i}>${xml}</e${i}>`;
  return `<xml>${xml}</xml>`;
}

describe('declarations', () => {
  const DECLARATIONS = 'DOCTYPE and ENTITY declarations are not allowed';

  test('rejects a DOCTYPE with an external entity (XXE) before parsing', () => {
    expectRejected('<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><xml><a>&xxe;</a></xml>', DECLARATIONS);
  });

  test('rejects a billion-laughs entity bomb', () => {
    const lol = ['<!ENTITY lol "lol">', ...Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i === 0 ? '' : i};`.repeat(10)}">`)].join('');
    expectRejected(`<?xml version="1.0"?><!DOCTYPE lolz [${lol}]><xml><a>&lol9;</a></xml>`, DECLARATIONS);
  });

  test.each([
    ['a lowercase doctype', '<!doctype xml><xml><a>1</a></xml>'],
    ['an ENTITY declaration without DOCTYPE', '<xml><!ENTITY e "x"><a>1</a></xml>'],
    ['a DOCTYPE after the root start', '<xml><a>1</a><!DOCTYPE x></xml>'],
    ['a DOCTYPE after a comment', '<!-- note --><!DOCTYPE x><xml><a>1</a></xml>'],
  ])('rejects %s', (_what, xml) => {
    expectRejected(xml, DECLARATIONS);
  });

  test('rejects a DOCTYPE hidden behind a CDATA look-alike in an attribute (sax refuses a DOCTYPE inside the root)', () => {
    const xml = '<xml a="<![CDATA["><!DOCTYPE x [<!ENTITY e "x">]>]]>"><b>&e;</b></xml>';
    expect(parseXmlFast(xml)).toBeUndefined();
    xmlErrorOf(() => parseXml(xml));
    xmlErrorOf(() => parseXmlSlow(xml));
  });

  test('accepts a message whose CDATA text mentions <!DOCTYPE and <!ENTITY, such as a user’s chat line', () => {
    const xml = '<xml><Content><![CDATA[<!DOCTYPE html><!ENTITY x "y">]]></Content></xml>';
    for (const [, parse] of PARSERS) expect(parse(xml)?.['Content']).toBe('<!DOCTYPE html><!ENTITY x "y">');
  });

  test('accepts a comment that mentions <!DOCTYPE (the xml2js path reads it)', () => {
    expect(parseXml('<xml><!-- <!DOCTYPE x> --><a>1</a></xml>')['a']).toBe('1');
  });
});

describe('prototype pollution', () => {
  afterEach(() => {
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(Object.keys(Object.prototype)).toEqual([]);
  });

  test.each([
    ['__proto__ at the top', '<xml><__proto__><polluted>yes</polluted></__proto__></xml>'],
    ['__proto__ nested', '<xml><a><__proto__><polluted>yes</polluted></__proto__></a></xml>'],
    ['constructor.prototype', '<xml><constructor><prototype><polluted>yes</polluted></prototype></constructor></xml>'],
    ['prototype', '<xml><prototype><polluted>yes</polluted></prototype></xml>'],
    ['__proto__ as an empty element', '<xml><__proto__/></xml>'],
  ])('rejects %s as an element name and leaves Object.prototype untouched', (_what, xml) => {
    expectRejected(xml, 'forbidden element name');
    const viaXml2js = xml.replace('<xml>', '<xml><!-- the scanner leaves comments to xml2js -->');
    expect(parseXmlFast(viaXml2js)).toBeUndefined();
    expect(xmlErrorOf(() => parseXml(viaXml2js)).detail).toBe('forbidden element name');
  });

  test('reads Object.prototype member names such as toString as ordinary elements, on both paths', () => {
    const xml = '<xml><toString>1</toString><hasOwnProperty>2</hasOwnProperty><valueOf>3</valueOf><valueOf>4</valueOf></xml>';
    const expected = { toString: '1', hasOwnProperty: '2', valueOf: ['3', '4'] };
    for (const [, parse] of PARSERS) expect({ ...parse(xml) }).toEqual(expected);
    expect({ ...parseXml(xml.replace('<xml>', '<xml><!-- slow -->')) }).toEqual(expected);
  });

  test('gives null-prototype records at every level, on both paths', () => {
    const xml = '<xml><a><b>1</b></a><c><d>2</d></c><c><d>3</d></c></xml>';
    for (const [, parse] of PARSERS) {
      const record = parse(xml) as XmlRecord;
      expect(Object.getPrototypeOf(record)).toBeNull();
      expect(Object.getPrototypeOf(record['a'])).toBeNull();
      for (const c of record['c'] as XmlRecord[]) expect(Object.getPrototypeOf(c)).toBeNull();
    }
  });

  test('reads an element named _ (xml2js’s text key) as an ordinary element', () => {
    for (const [, parse] of PARSERS) expect({ ...parse('<xml><_>x</_><b>y</b></xml>') }).toEqual({ _: 'x', b: 'y' });
  });
});

describe('limits', () => {
  test(`accepts exactly MAX_ELEMENTS (${MAX_ELEMENTS}) elements on both paths`, () => {
    for (const [, parse] of PARSERS) expect(parse(repeat(MAX_ELEMENTS))?.['a']).toHaveLength(MAX_ELEMENTS);
  });

  test('rejects one element more than MAX_ELEMENTS on both paths', () => {
    expectRejected(repeat(MAX_ELEMENTS + 1), 'too many elements');
  });

  test('rejects 20 000 elements on both paths', () => {
    expectRejected(repeat(20_000), 'too many elements');
    expectRejected(repeat(10_000, '<a><b/></a>'), 'too many elements');
  });

  test(`accepts elements nested MAX_DEPTH (${MAX_DEPTH}) deep under the root on both paths`, () => {
    for (const [, parse] of PARSERS) expect(parse(nested(MAX_DEPTH))).toBeDefined();
  });

  test('rejects nesting one level deeper than MAX_DEPTH on both paths', () => {
    expectRejected(nested(MAX_DEPTH + 1), 'nesting too deep');
  });

  test('rejects nesting 100 deep on both paths', () => {
    expectRejected(nested(100), 'nesting too deep');
  });
});

describe('broken input', () => {
  test.each([
    ['the empty string', ''],
    ['whitespace only', ' \n\t '],
    ['a BOM only', '\ufeff'],
    ['plain text', 'hello'],
    ['JSON', '{"ToUserName":"gh_1","Encrypt":"x"}'],
    ['garbage markup', '<<<>>>'],
    ['an unclosed root', '<xml><a>1</a>'],
    ['an unclosed child', '<xml><a>1</xml>'],
    ['mismatched tags', '<xml><a>1</b></xml>'],
    ['an unterminated CDATA section', '<xml><a><![CDATA[1</a></xml>'],
    ['an unknown entity', '<xml><a>&bogus;</a></xml>'],
    ['a bare ampersand', '<xml><a>a & b</a></xml>'],
    ['a reference to a non-XML character', '<xml><a>&#0;</a></xml>'],
    ['an empty root', '<xml></xml>'],
    ['a self-closed root', '<xml/>'],
    ['a root holding only text', '<xml>text</xml>'],
  ])('rejects %s with ERR_XML', (_what, xml) => {
    expect(() => parseXml(xml)).toThrow(WxOpenError);
    xmlErrorOf(() => parseXml(xml));
    xmlErrorOf(() => parseXmlSlow(xml));
    // the fast path either hands it over or rejects it too
    try {
      expect(parseXmlFast(xml)).toBeUndefined();
    } catch (error) {
      expect(error).toMatchObject({ code: 'ERR_XML' });
    }
  });

  test('error messages do not echo the document', () => {
    const error = xmlErrorOf(() => parseXml('<xml><secret>token-123</secret><a>1</b></xml>'));
    expect(error.message).not.toContain('token-123');
    expect(error.detail).not.toContain('token-123');
  });

  test('accepts a leading BOM and whitespace', () => {
    for (const [, parse] of PARSERS) expect({ ...parse('\ufeff \r\n\t<xml><a>1</a></xml>') }).toEqual({ a: '1' });
  });

  test('ignores content after the root element, as xml2js does', () => {
    expect({ ...parseXml('<xml><a>1</a></xml><b>2</b>trailing') }).toEqual({ a: '1' });
  });

  test('keeps the text of mixed content under _', () => {
    expect({ ...parseXml('<xml>t<a>1</a></xml>') }).toEqual({ _: 't', a: '1' });
  });

  test('throws a TypeError for a body that is not a string', () => {
    expect(() => parseXml(Buffer.from('<xml><a>1</a></xml>') as unknown as string)).toThrow(TypeError);
  });

  test('every string is either parsed or rejected with ERR_XML, never with another error', () => {
    const markup = fc.string({ unit: fc.constantFrom('<', '>', '/', 'a', 'xml', '!', '[CDATA[', ']]>', '&', ';', '#', '?', '"', ' ', '=', '\ufeff', '__proto__', '-'), maxLength: 30 });
    fc.assert(
      fc.property(fc.oneof(markup, fc.string()), (text) => {
        for (const [, parse] of PARSERS) {
          try {
            parse(text);
          } catch (error) {
            expect(error).toBeInstanceOf(WxOpenError);
            expect((error as WxOpenError).code).toBe('ERR_XML');
          }
        }
      }),
      { numRuns: 2000 },
    );
  });
});
