/** The XML contract of `xml/index.ts`, case by case, on both parsing paths. */
import { buildXml, parseXml } from '@wxopen/core';
import { cdata, parseXmlFast, parseXmlSlow } from '../../src/xml';
import type { XmlRecord } from '@wxopen/core';

const PATHS: ReadonlyArray<readonly [string, (xml: string) => XmlRecord | undefined]> = [
  ['fast path', parseXmlFast],
  ['xml2js path', parseXmlSlow],
];

describe.each(PATHS)('parsing (%s)', (_path, parse) => {
  const field = (xml: string, name = 'a'): unknown => (parse(xml) as XmlRecord)[name];

  test('keeps text untrimmed, in plain text and in CDATA', () => {
    expect(field('<xml><a>  x \n</a></xml>')).toBe('  x \n');
    expect(field('<xml><a><![CDATA[ x ]]></a></xml>')).toBe(' x ');
    expect(field('<xml><a>\n<![CDATA[x]]>\n</a></xml>')).toBe('\nx\n');
  });

  test('keeps a whitespace-only leaf as its whitespace', () => {
    expect(field('<xml><a> \t </a></xml>')).toBe(' \t ');
  });

  test('keeps CR and control characters as they are', () => {
    expect(field('<xml><a>x\r\ny</a></xml>')).toBe('x\r\ny');
    expect(field('<xml><a><![CDATA[\u0000\u0001\u001f\r]]></a></xml>')).toBe('\u0000\u0001\u001f\r');
  });

  test('decodes the five predefined entities and character references', () => {
    expect(field('<xml><a>&amp;&lt;&gt;&quot;&apos;&#65;&#x42;&#x1F600;</a></xml>')).toBe('&<>"\'AB😀');
  });

  test('joins adjacent CDATA sections, which is how `]]>` is carried', () => {
    expect(field(`<xml><a>${cdata('a]]>b]]>')}</a></xml>`)).toBe('a]]>b]]>');
    expect(field('<xml><a>x<![CDATA[y]]>z</a></xml>')).toBe('xyz');
  });

  test('reads empty elements as the empty string', () => {
    expect({ ...parse('<xml><a/><b></b><c><![CDATA[]]></c><d /></xml>') }).toEqual({ a: '', b: '', c: '', d: '' });
  });

  test('turns repeated elements into arrays in document order, even when they are apart', () => {
    expect({ ...parse('<xml><a>1</a><b>2</b><a>3</a></xml>') }).toEqual({ a: ['1', '3'], b: '2' });
  });

  test('nests records, and mixes strings and records in one array when the repeats differ', () => {
    const record = parse('<xml>\n  <a><b>1</b></a>\n  <a>2</a>\n</xml>') as XmlRecord;
    expect(record['a']).toEqual([{ b: '1' }, '2']);
  });

  test('ignores whitespace between elements and around the root', () => {
    expect({ ...parse('\r\n<xml>\r\n\t<a>1</a>\r\n\t<b>2</b>\r\n</xml>\r\n') }).toEqual({ a: '1', b: '2' });
  });

  test('accepts a leading XML declaration and any root name', () => {
    expect({ ...parse('<?xml version="1.0" encoding="UTF-8"?><root><a>1</a></root>') }).toEqual({ a: '1' });
  });

  test('accepts spaces before the end of tags', () => {
    expect({ ...parse('<xml ><a >1</a ><b\n/></xml >') }).toEqual({ a: '1', b: '' });
  });
});

describe('parseXml', () => {
  test('ignores attributes (through the xml2js path)', () => {
    expect(parseXmlFast('<xml><a id="1">x</a></xml>')).toBeUndefined();
    expect({ ...parseXml('<xml><a id="1">x</a></xml>') }).toEqual({ a: 'x' });
  });

  test('decodes HTML entity names as xml2js does (through the xml2js path)', () => {
    expect(parseXmlFast('<xml><a>&nbsp;</a></xml>')).toBeUndefined();
    expect(parseXml('<xml><a>&nbsp;</a></xml>')['a']).toBe('\u00a0');
  });
});

describe('buildXml', () => {
  test('writes compact XML: strings as CDATA, numbers as text, records nested, arrays repeated', () => {
    const xml = buildXml({ ToUserName: 'o_1', CreateTime: 123, Articles: { item: [{ Title: 'a' }, { Title: 'b' }] }, Skipped: undefined });
    expect(xml).toBe(
      '<xml><ToUserName><![CDATA[o_1]]></ToUserName><CreateTime>123</CreateTime><Articles><item><Title><![CDATA[a]]></Title></item><item><Title><![CDATA[b]]></Title></item></Articles></xml>',
    );
  });

  test('is deterministic: the same input gives the same bytes', () => {
    const input = { b: '1', a: ['x', 'y'], c: { d: 2 } };
    expect(buildXml(input)).toBe(buildXml({ ...input }));
  });

  test('uses the root name given', () => {
    expect(buildXml({ a: '1' }, 'root')).toBe('<root><a><![CDATA[1]]></a></root>');
  });

  test('splits `]]>` across CDATA sections so the text cannot close the section', () => {
    expect(cdata('a]]>b')).toBe('<![CDATA[a]]]]><![CDATA[>b]]>');
    expect(parseXml(buildXml({ a: ']]>]]>' }))['a']).toBe(']]>]]>');
  });

  test('round-trips control characters, CR, a BOM and markup in strings', () => {
    const text = '\u0000\u0001\u001f\r\n\ufeff<!DOCTYPE x>&amp;]]>😀';
    expect(parseXml(buildXml({ a: text }))['a']).toBe(text);
    expect(parseXmlFast(buildXml({ a: text }))?.['a']).toBe(text);
  });

  test.each([['a b'], ['1abc'], [''], ['中文'], ['a:b'], ['__proto__'], ['constructor'], ['prototype']])(
    'throws a TypeError for the element name %j',
    (name) => {
      expect(() => buildXml({ [name]: 'x' })).toThrow(TypeError);
      expect(() => buildXml({ a: 'x' }, name)).toThrow(TypeError);
    },
  );
});
