/**
 * The fast path (scanner) against the xml2js path: for every generated document the scanner answers, both
 * give the same record; the scanner answers for every common WeChat shape; where it throws, xml2js throws too.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { MessageCipher, WxOpenError, buildXml, parseXml } from '@wxopen/core';
import { parseXmlFast, parseXmlSlow } from '../../src/xml';
import type { XmlRecord } from '@wxopen/core';
import { oddConstruct, splice, wechatDocument } from './shapes';

/** Lone surrogates are out of scope: no UTF-8 body can carry them. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

type Outcome = { readonly record: XmlRecord } | { readonly code: string } | { readonly fallback: true };

function outcome(parse: (xml: string) => XmlRecord | undefined, xml: string): Outcome {
  try {
    const record = parse(xml);
    return record === undefined ? { fallback: true } : { record };
  } catch (error) {
    if (!(error instanceof WxOpenError)) throw error;
    return { code: error.code };
  }
}

/** Fast and slow agree wherever the fast path answers (a record or an error). Returns whether it answered. */
function expectAgreement(xml: string): boolean {
  const fast = outcome(parseXmlFast, xml);
  const slow = outcome(parseXmlSlow, xml);
  const combined = outcome(parseXml, xml);
  if ('fallback' in fast) {
    expect(combined).toEqual(slow);
    return false;
  }
  if ('code' in fast) expect(slow).toEqual({ code: 'ERR_XML' });
  else expect(slow).toEqual(fast);
  expect(combined).toEqual(fast);
  return true;
}

describe('scanner and xml2js agree', () => {
  test('every generated WeChat-shaped document is answered by the scanner with the record xml2js gives', () => {
    fc.assert(
      fc.property(wechatDocument, ({ xml, record }) => {
        const fast = parseXmlFast(xml);
        expect(fast).toBeDefined();
        expect(fast).toEqual(record);
        expect(parseXmlSlow(xml)).toEqual(record);
      }),
      { numRuns: 1500 },
    );
  });

  test('where a document holds a construct the scanner leaves to xml2js, parseXml still gives xml2js’s answer', () => {
    let fallbacks = 0;
    fc.assert(
      fc.property(wechatDocument, oddConstruct, fc.nat(), ({ xml }, construct, where) => {
        if (!expectAgreement(splice(xml, construct, where))) fallbacks++;
      }),
      { numRuns: 800 },
    );
    expect(fallbacks).toBeGreaterThan(0);
  });

  test('on damaged documents the scanner either agrees with xml2js or hands over, and never accepts what xml2js rejects', () => {
    const damage = fc.tuple(fc.nat(), fc.nat({ max: 6 }), fc.constantFrom('', '<', '>', '/', '&', ';', '!', '[', ']', '<![CDATA[', ']]>', '</', '<a>', '</a>', '"', ' ', '&#', 'x'));
    fc.assert(
      fc.property(wechatDocument, damage, ({ xml }, [at, cut, insert]) => {
        const i = at % (xml.length + 1);
        expectAgreement(xml.slice(0, i) + insert + xml.slice(i + cut));
      }),
      { numRuns: 1500 },
    );
  });

  test('buildXml output parses back to the same strings on the fast path, for any string', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,8}$/), fc.oneof(fc.string({ unit: 'grapheme', maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 40 }).filter((s) => !LONE_SURROGATE.test(s))), { minKeys: 1, maxKeys: 6 }),
        (fields) => {
          fc.pre(Object.keys(fields).every((k) => !['__proto__', 'constructor', 'prototype'].includes(k)));
          const xml = buildXml(fields);
          const fast = parseXmlFast(xml);
          expect(fast).toBeDefined();
          expect({ ...fast }).toEqual(fields);
          expect({ ...parseXmlSlow(xml) }).toEqual(fields);
        },
      ),
      { numRuns: 1000 },
    );
  });
});

describe('the scanner answers the documents WeChat sends', () => {
  const samples: Record<string, string> = {
    'a text message': '<xml><ToUserName><![CDATA[toUser]]></ToUserName><FromUserName><![CDATA[fromUser]]></FromUserName><CreateTime>1348831860</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[this is a test]]></Content><MsgId>1234567890123456</MsgId></xml>',
    'a scancode_push event with ScanCodeInfo':
      '<xml><ToUserName><![CDATA[gh_e136c6e50636]]></ToUserName><FromUserName><![CDATA[oMgHVjngRipVsoxg6TuX3vz6glDg]]></FromUserName><CreateTime>1408090502</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[scancode_push]]></Event><EventKey><![CDATA[6]]></EventKey><ScanCodeInfo><ScanType><![CDATA[qrcode]]></ScanType><ScanResult><![CDATA[1]]></ScanResult></ScanCodeInfo></xml>',
    'a pic_sysphoto event with SendPicsInfo':
      '<xml><ToUserName><![CDATA[gh_e136c6e50636]]></ToUserName><FromUserName><![CDATA[oMgHVjngRipVsoxg6TuX3vz6glDg]]></FromUserName><CreateTime>1408090651</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[pic_sysphoto]]></Event><EventKey><![CDATA[6]]></EventKey><SendPicsInfo><Count>1</Count><PicList><item><PicMd5Sum><![CDATA[1b5f7c23b5bf75682a53e7b6d163e185]]></PicMd5Sum></item></PicList></SendPicsInfo></xml>',
    'a location_select event with an empty CDATA':
      '<xml><ToUserName><![CDATA[gh_e136c6e50636]]></ToUserName><FromUserName><![CDATA[oMgHVjngRipVsoxg6TuX3vz6glDg]]></FromUserName><CreateTime>1408091189</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[location_select]]></Event><EventKey><![CDATA[6]]></EventKey><SendLocationInfo><Location_X><![CDATA[23]]></Location_X><Location_Y><![CDATA[113]]></Location_Y><Scale><![CDATA[15]]></Scale><Label><![CDATA[广州市海珠区客村艺苑路 106号]]></Label><Poiname><![CDATA[]]></Poiname></SendLocationInfo></xml>',
    'a subscribe_msg_popup_event with repeated List':
      '<xml><ToUserName><![CDATA[gh_123456789abc]]></ToUserName><FromUserName><![CDATA[otFpruAK8D-E6EfStSYonYSBZ8_4]]></FromUserName><CreateTime>1610969440</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[subscribe_msg_popup_event]]></Event><SubscribeMsgPopupEvent><List><TemplateId><![CDATA[VRR0UEO9VJOLs0MHlU0OilqX6MVFDwH3_3gz3Oc0NIc]]></TemplateId><SubscribeStatusString><![CDATA[accept]]></SubscribeStatusString><PopupScene>2</PopupScene></List><List><TemplateId><![CDATA[9nLIlbOQZC5Y89AZteFEux3WCXRRRG5Wfzkpssu4bLI]]></TemplateId><SubscribeStatusString><![CDATA[reject]]></SubscribeStatusString><PopupScene>2</PopupScene></List></SubscribeMsgPopupEvent></xml>',
    'a weapp_audit_fail event with markup inside CDATA':
      '<xml><ToUserName><![CDATA[gh_fb9688c2a4b2]]></ToUserName><FromUserName><![CDATA[od1P50M-fNQI5Gcq-trm4a7apsU8]]></FromUserName><CreateTime>1488856591</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[weapp_audit_fail]]></Event><Reason><![CDATA[1:账号信息不符合规范:<br>(1):包含色情因素<br>…]]></Reason><FailTime>1488856591</FailTime><ScreenShot>xxx|yyy|zzz</ScreenShot></xml>',
    'an indented envelope': '<xml>\n    <ToUserName><![CDATA[gh_97417a04a28d]]></ToUserName>\n    <Encrypt><![CDATA[D7yzvUNAL930rd28wf21s4hvXhz0L6Uit/p2Di6C5DHy==]]></Encrypt>\n</xml>',
    'an envelope with a BOM and an XML declaration': '\ufeff<?xml version="1.0" encoding="UTF-8"?>\r\n<xml><AppId><![CDATA[wx77ea274ef9f3e504]]></AppId><Encrypt><![CDATA[bwudS/KOO3X5]]></Encrypt></xml>\r\n',
  };

  test.each(Object.entries(samples))('%s', (_what, xml) => {
    expect(parseXmlFast(xml)).toBeDefined();
    expect(expectAgreement(xml)).toBe(true);
  });

  test('every well-formed XML body and plaintext of the known-answer vectors (one, with `<Descript  ion>`, is not)', () => {
    interface Vector {
      kind: string;
      inputs: Record<string, unknown>;
      expected: Record<string, unknown>;
    }
    const vectors = JSON.parse(readFileSync(join(__dirname, '../fixtures/vectors.json'), 'utf8')) as Vector[];
    const documents = vectors.flatMap((v) => [v.inputs['post_body'], v.expected['plaintext'], v.expected['reply_xml'], v.inputs['plaintext']]).filter((d): d is string => typeof d === 'string' && d.trimStart().startsWith('<xml>'));
    expect(documents.length).toBeGreaterThan(15);
    const wellFormed = documents.filter((xml) => !('code' in outcome(parseXmlSlow, xml)));
    expect(documents.length - wellFormed.length).toBe(1);
    for (const xml of documents) expect(expectAgreement(xml)).toBe(wellFormed.includes(xml));
  });

  test('a message sealed and opened again parses the same on both paths', () => {
    const cipher = new MessageCipher('abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG', 'wx0123456789abcdef');
    const xml = buildXml({ ToUserName: 'gh_1', FromUserName: 'o_1', CreateTime: 1, MsgType: 'text', Content: '中文 ]]> \u0000' });
    const opened = cipher.decrypt(cipher.encrypt(xml)).message.toString('utf8');
    expect(parseXmlFast(opened)?.['Content']).toBe('中文 ]]> \u0000');
    expect(expectAgreement(opened)).toBe(true);
  });
});
