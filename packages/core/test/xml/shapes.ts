/**
 * fast-check generators of WeChat-shaped XML documents, each paired with the record it must parse to.
 * Shared by the differential and round-trip tests (this file has no tests of its own).
 */
import fc from 'fast-check';
import type { XmlRecord } from '@wxopen/core';

/** A generated document and the record `parseXml` must return for it. */
export interface Shaped {
  readonly xml: string;
  readonly record: XmlRecord;
}

/** Names WeChat uses, a few odd but valid ones, and a small set so that repetitions are frequent. */
export const elementName = fc.oneof(
  fc.constantFrom(
    'ToUserName',
    'FromUserName',
    'CreateTime',
    'MsgType',
    'Content',
    'MsgId',
    'Event',
    'EventKey',
    'Ticket',
    'Encrypt',
    'ScanCodeInfo',
    'ScanType',
    'ScanResult',
    'SendPicsInfo',
    'Count',
    'PicList',
    'item',
    'PicMd5Sum',
    'List',
    'TemplateId',
    'Location_X',
    'debug_str',
    'publish_id',
    '_private',
    'a.b-c',
  ),
  fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_.-]{0,12}$/).filter((n) => !['__proto__', 'constructor', 'prototype'].includes(n)),
);

/** Characters that stress both parsers: markup, `]]>`, CR, controls, BOM, NBSP, CJK, astral. */
const tricky = fc.constantFrom('<', '>', '&', ']', ']]>', ']]', '"', "'", '\r', '\n', '\r\n', '\t', ' ', '\u0000', '\u0001', '\u001f', '\u007f', '\ufeff', '\u00a0', '中', '文', '😀', ';', '#', 'x');

/** Text values: ordinary WeChat content, numbers, and strings full of tricky characters. */
export const textValue = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.stringMatching(/^[0-9]{1,19}$/),
  fc.string({ unit: tricky, maxLength: 12 }),
  fc.constantFrom('', ' ', '\n', '  \n  ', 'text', 'qrcode', 'gh_e136c6e50636', '<br>', 'a&b', '1:账号信息不符合规范:<br>(1):包含色情因素<br>'),
);

const space = fc.constantFrom('', '', '\n', '\r\n', '  ', '\n    ', '\t');

function isXmlChar(code: number): boolean {
  return code === 0x9 || code === 0xa || code === 0xd || (code >= 0x20 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0xfffd) || code >= 0x10000;
}

/** Plain text that decodes to `value`: `&` and `<` escaped, other characters sometimes as references. */
function escapedText(value: string): fc.Arbitrary<string> {
  const chars = [...value];
  if (chars.length === 0) return fc.constant('');
  return fc.tuple(...chars.map((char) => escapedChar(char))).map((parts) => parts.join(''));
}

function escapedChar(char: string): fc.Arbitrary<string> {
  const code = char.codePointAt(0) as number;
  const options: string[] = [];
  if (char === '&') options.push('&amp;');
  else if (char === '<') options.push('&lt;');
  else options.push(char);
  if (char === '>') options.push('&gt;');
  if (char === '"') options.push('&quot;');
  if (char === "'") options.push('&apos;');
  if (isXmlChar(code)) options.push(`&#${code};`, `&#x${code.toString(16)};`, `&#x${code.toString(16).toUpperCase()};`, `&#0${code};`);
  return fc.constantFrom(...options);
}

/** CDATA sections that hold `value`, split wherever it contains `]]>` (as `cdata()` does). */
function cdataOf(value: string): string {
  return `<![CDATA[${value.replace(/]]>/g, ']]]]><![CDATA[>')}]]>`;
}

/** Every way the generator writes a leaf holding `value`. */
function leafContent(value: string): fc.Arbitrary<string> {
  const ways: fc.Arbitrary<string>[] = [fc.constant(cdataOf(value)), escapedText(value)];
  if (value.length > 1) {
    // part text, part CDATA, as some senders mix them
    ways.push(
      fc.integer({ min: 1, max: value.length - 1 }).chain((cut) => {
        const head = value.slice(0, cut);
        const tail = value.slice(cut);
        // do not cut a surrogate pair
        if (/[\ud800-\udbff]$/.test(head)) return fc.constant(cdataOf(value));
        return escapedText(head).map((text) => text + cdataOf(tail));
      }),
    );
  }
  return fc.oneof(...ways);
}

/** A leaf element; an empty one may be written `<a/>`, `<a />` or with an empty CDATA section. */
function leaf(name: string, value: string): fc.Arbitrary<string> {
  const forms: fc.Arbitrary<string>[] = [leafContent(value).map((content) => `<${name}>${content}</${name}>`)];
  if (value === '') forms.push(fc.constantFrom(`<${name}/>`, `<${name} />`, `<${name}><![CDATA[]]></${name}>`, `<${name} ></${name} >`));
  return fc.oneof(...forms);
}

function addTo(record: XmlRecord, name: string, value: string | XmlRecord): void {
  const previous = record[name];
  if (previous === undefined) record[name] = value;
  else if (Array.isArray(previous)) previous.push(value);
  else record[name] = [previous, value];
}

interface Element {
  readonly xml: string;
  readonly name: string;
  readonly value: string | XmlRecord;
}

/** An element with 1..n children written with whitespace between them. */
function parent(name: string, children: fc.Arbitrary<Element>, maxChildren: number): fc.Arbitrary<Element> {
  return fc
    .tuple(fc.array(fc.tuple(space, children), { minLength: 1, maxLength: maxChildren }), space)
    .map(([items, tail]) => {
      const record = Object.create(null) as XmlRecord;
      let xml = `<${name}>`;
      for (const [ws, child] of items) {
        xml += ws + child.xml;
        addTo(record, child.name, child.value);
      }
      return { xml: `${xml}${tail}</${name}>`, name, value: record };
    });
}

const leafElement: fc.Arbitrary<Element> = fc
  .tuple(elementName, textValue)
  .chain(([name, value]) => leaf(name, value).map((xml) => ({ xml, name, value })));

/** Elements up to `depth` levels deep. */
function element(depth: number): fc.Arbitrary<Element> {
  if (depth <= 1) return leafElement;
  return fc.oneof({ weight: 3, arbitrary: leafElement }, { weight: 1, arbitrary: elementName.chain((name) => parent(name, element(depth - 1), 4)) });
}

/** The shapes WeChat sends, written as real messages are. */
const header = fc.tuple(fc.stringMatching(/^gh_[0-9a-f]{12}$/), fc.stringMatching(/^o[A-Za-z0-9_-]{27}$/), fc.integer({ min: 1e9, max: 2e9 }));

const scanCodeInfo = fc.tuple(fc.constantFrom('qrcode', 'barcode'), textValue).map(
  ([type, result]): Element => {
    const record = Object.create(null) as XmlRecord;
    record['ScanType'] = type;
    record['ScanResult'] = result;
    return { xml: `<ScanCodeInfo><ScanType>${cdataOf(type)}</ScanType><ScanResult>${cdataOf(result)}</ScanResult></ScanCodeInfo>`, name: 'ScanCodeInfo', value: record };
  },
);

const sendPicsInfo = fc.array(fc.stringMatching(/^[0-9a-f]{32}$/), { minLength: 1, maxLength: 5 }).map((sums): Element => {
  const items = sums.map((sum) => {
    const item = Object.create(null) as XmlRecord;
    item['PicMd5Sum'] = sum;
    return item;
  });
  const picList = Object.create(null) as XmlRecord;
  picList['item'] = items.length === 1 ? (items[0] as XmlRecord) : items;
  const info = Object.create(null) as XmlRecord;
  info['Count'] = String(sums.length);
  info['PicList'] = picList;
  const xml = `<SendPicsInfo><Count>${sums.length}</Count><PicList>${sums.map((s) => `<item><PicMd5Sum>${cdataOf(s)}</PicMd5Sum></item>`).join('')}</PicList></SendPicsInfo>`;
  return { xml, name: 'SendPicsInfo', value: info };
});

const popupEvent = fc
  .array(fc.tuple(fc.stringMatching(/^[A-Za-z0-9_-]{43}$/), fc.constantFrom('accept', 'reject'), fc.integer({ min: 1, max: 3 })), { minLength: 1, maxLength: 4 })
  .map((lists): Element => {
    const values = lists.map(([id, status, scene]) => {
      const r = Object.create(null) as XmlRecord;
      r['TemplateId'] = id;
      r['SubscribeStatusString'] = status;
      r['PopupScene'] = String(scene);
      return r;
    });
    const event = Object.create(null) as XmlRecord;
    event['List'] = values.length === 1 ? (values[0] as XmlRecord) : values;
    const xml = `<SubscribeMsgPopupEvent>${lists
      .map(([id, status, scene]) => `<List><TemplateId>${cdataOf(id)}</TemplateId><SubscribeStatusString>${cdataOf(status)}</SubscribeStatusString><PopupScene>${scene}</PopupScene></List>`)
      .join('')}</SubscribeMsgPopupEvent>`;
    return { xml, name: 'SubscribeMsgPopupEvent', value: event };
  });

function plainLeaf(name: string, value: string, asCdata: boolean): Element {
  return { xml: `<${name}>${asCdata ? cdataOf(value) : value}</${name}>`, name, value };
}

/** A WeChat message: header, kind, then kind-specific fields, with one separator style throughout. */
const wechatMessage: fc.Arbitrary<Element[]> = fc
  .tuple(header, fc.constantFrom('text', 'scancode_push', 'pic_sysphoto', 'subscribe_msg_popup_event', 'subscribe'), textValue, scanCodeInfo, sendPicsInfo, popupEvent)
  .map(([[gh, openid, time], kind, content, scan, pics, popup]) => {
    const head = [plainLeaf('ToUserName', gh, true), plainLeaf('FromUserName', openid, true), plainLeaf('CreateTime', String(time), false)];
    if (kind === 'text') return [...head, plainLeaf('MsgType', 'text', true), plainLeaf('Content', content, true), plainLeaf('MsgId', '6054768590064713728', false)];
    const event = [plainLeaf('MsgType', 'event', true), plainLeaf('Event', kind, true)];
    if (kind === 'scancode_push') return [...head, ...event, plainLeaf('EventKey', '6', true), scan];
    if (kind === 'pic_sysphoto') return [...head, ...event, plainLeaf('EventKey', '6', true), pics];
    if (kind === 'subscribe_msg_popup_event') return [...head, ...event, popup];
    return [...head, ...event, plainLeaf('EventKey', 'qrscene_123123', true), plainLeaf('Ticket', 'TICKET', true)];
  });

/** The encrypted envelope. */
const envelope: fc.Arbitrary<Element[]> = fc
  .tuple(fc.constantFrom('ToUserName', 'AppId'), fc.stringMatching(/^wx[0-9a-f]{16}$/), fc.base64String({ minLength: 44, maxLength: 400 }))
  .map(([first, id, encrypt]) => [plainLeaf(first, id, true), plainLeaf('Encrypt', encrypt, true)]);

/** Root children of a generated document. */
const rootChildren: fc.Arbitrary<Element[]> = fc.oneof(
  wechatMessage,
  envelope,
  fc.array(element(4), { minLength: 1, maxLength: 8 }),
);

/** Prolog: BOM, leading whitespace, an XML declaration. */
const prolog = fc.tuple(
  fc.constantFrom('', '\ufeff'),
  fc.constantFrom('', ' ', '\n', '\r\n  '),
  fc.constantFrom('', '<?xml version="1.0" encoding="UTF-8"?>', '<?xml version="1.0"?>\n'),
);

/** WeChat-shaped documents, all within what the scanner must answer. */
export const wechatDocument: fc.Arbitrary<Shaped> = fc
  .tuple(prolog, fc.constantFrom('xml', 'xml', 'root'), rootChildren, space, space, fc.constantFrom('', '\n', '  \r\n'))
  .map(([[bom, lead, decl], rootName, children, between, tail, trailing]) => {
    const record = Object.create(null) as XmlRecord;
    for (const child of children) addTo(record, child.name, child.value);
    const body = children.map((child) => child.xml).join(between);
    return { xml: `${bom}${lead}${decl}<${rootName}>${between}${body}${tail}</${rootName}>${trailing}`, record };
  });

/** Constructs the scanner hands to xml2js, to splice into generated documents. */
export const oddConstruct = fc.constantFrom(
  '<!-- a comment -->',
  '<?pi data?>',
  '<Odd attr="1">v</Odd>',
  "<Odd a='x' b=\"y\"/>",
  '<Odd>&nbsp;&copy;</Odd>',
  '<Odd>&#X41;&AMP;</Odd>',
  '<Odd>&#00000065;</Odd>',
  '<Odd>&#xFFFE;</Odd>',
  '<Odd>&#xD800;</Odd>',
  '<Odd>&#0;</Odd>',
  '<Odd>&#1114112;</Odd>',
  '<Odd>&unknown;</Odd>',
  '<Odd><![cdata[lower]]></Odd>',
  '<中文>值</中文>',
  '<ns:Odd>v</ns:Odd>',
  'mixed text',
  '<![CDATA[cdata beside elements]]>',
  '&amp;',
  '<![CDATA[]]>',
  '<Odd>x</Odd >',
);

/** Inserts `construct` before one of the element starts inside the root (chosen by `where`), or before its end tag. */
export function splice(xml: string, construct: string, where: number): string {
  const end = xml.lastIndexOf('</');
  const starts: number[] = [];
  for (let i = xml.indexOf('<'); i >= 0 && i < end; i = xml.indexOf('<', i + 1)) {
    if (xml[i + 1] !== '!' && xml[i + 1] !== '?' && i > xml.indexOf('>')) starts.push(i);
  }
  const at = starts.length > 0 ? (starts[where % starts.length] as number) : end;
  return xml.slice(0, at) + construct + xml.slice(at);
}
