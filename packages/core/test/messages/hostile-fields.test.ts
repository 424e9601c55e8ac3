/**
 * Messages built from hostile or confused XML: element names that are `Object.prototype` members stay data,
 * and a single-valued element that repeats is refused instead of handing a handler a value of the wrong type.
 */
import { WxOpenError, parseXml, toInfo, toMessage } from '@wxopen/core';

const HEAD = '<ToUserName>gh_1</ToUserName><FromUserName>o_1</FromUserName><CreateTime>1</CreateTime>';
const message = (body: string) => toMessage(parseXml(`<xml>${HEAD}${body}</xml>`));

function refusal(fn: () => unknown): WxOpenError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(WxOpenError);
    return error as WxOpenError;
  }
  throw new Error('expected ERR_XML');
}

describe('element names that are Object.prototype members', () => {
  const xml = '<MsgType>text</MsgType><Content>hi</Content><MsgId>1</MsgId><toString>a</toString><hasOwnProperty>b</hasOwnProperty><valueOf>c</valueOf><constructorX>d</constructorX>';

  test('are plain fields of a null-prototype message, shadowing no method', () => {
    const msg = message(xml) as unknown as Record<string, unknown>;
    expect(Object.getPrototypeOf(msg)).toBeNull();
    expect(msg['toString']).toBe('a');
    expect(msg['hasOwnProperty']).toBe('b');
    expect(msg['valueOf']).toBe('c');
    // Nothing else answers to those names: no inherited method, and no own method either.
    expect(Object.keys(msg).filter((key) => typeof msg[key] === 'function')).toEqual([]);
    expect(Object.prototype.hasOwnProperty.call(msg, 'Content')).toBe(true);
  });

  test('inside nested and unknown records too', () => {
    const unknown = message('<MsgType>file</MsgType><Nested><toString>x</toString><a><valueOf>y</valueOf></a></Nested>') as unknown as { Nested: { toString: string; a: { valueOf: string } } };
    expect(Object.getPrototypeOf(unknown.Nested)).toBeNull();
    expect(unknown.Nested.toString).toBe('x');
    expect(unknown.Nested.a.valueOf).toBe('y');
    const scan = message('<MsgType>event</MsgType><Event>scancode_push</Event><ScanCodeInfo><ScanType>q</ScanType><ScanResult>1</ScanResult><toString>z</toString></ScanCodeInfo>') as unknown as { ScanCodeInfo: Record<string, unknown> };
    expect(Object.getPrototypeOf(scan.ScanCodeInfo)).toBeNull();
    expect(scan.ScanCodeInfo['toString']).toBe('z');
  });

  test('leave JSON.stringify, spreading and jest’s toEqual working as on plain objects', () => {
    const msg = message('<MsgType>text</MsgType><Content>hi</Content><MsgId>1</MsgId><toString>a</toString>');
    const expected = { ToUserName: 'gh_1', FromUserName: 'o_1', CreateTime: 1, MsgType: 'text', Content: 'hi', MsgId: '1', toString: 'a' };
    expect(JSON.parse(JSON.stringify(msg))).toEqual(expected);
    expect({ ...msg }).toEqual(expected);
    expect(msg).toEqual(expected);
  });

  test('in a component push too', () => {
    const info = toInfo(parseXml('<xml><AppId>wx1</AppId><CreateTime>1</CreateTime><InfoType>unauthorized</InfoType><AuthorizerAppid>wxa</AuthorizerAppid><hasOwnProperty>1</hasOwnProperty></xml>')) as unknown as Record<string, unknown>;
    expect(Object.getPrototypeOf(info)).toBeNull();
    expect(info['hasOwnProperty']).toBe('1');
  });
});

describe('a single-valued element that repeats', () => {
  test('two MsgType are refused: no text handler receives an array Content', () => {
    const error = refusal(() => message('<MsgType>text</MsgType><MsgType>image</MsgType><Content>a</Content><Content>b</Content>'));
    expect(error).toMatchObject({ code: 'ERR_XML', detail: 'element MsgType repeats but may occur once' });
  });

  test.each([
    ['Content', '<MsgType>text</MsgType><Content>a</Content><Content>b</Content><MsgId>1</MsgId>'],
    ['MsgId', '<MsgType>text</MsgType><Content>a</Content><MsgId>1</MsgId><MsgId>2</MsgId>'],
    ['Event', '<MsgType>event</MsgType><Event>subscribe</Event><Event>CLICK</Event>'],
    ['ToUserName', '<ToUserName>gh_2</ToUserName><MsgType>text</MsgType><Content>a</Content>'],
    ['CreateTime', '<CreateTime>2</CreateTime><MsgType>text</MsgType><Content>a</Content>'],
    ['ScanCodeInfo.ScanResult', '<MsgType>event</MsgType><Event>scancode_push</Event><ScanCodeInfo><ScanType>q</ScanType><ScanResult>1</ScanResult><ScanResult>2</ScanResult></ScanCodeInfo>'],
    ['FromUserName', '<MsgType>file</MsgType><FromUserName>o_2</FromUserName>'],
  ])('%s is refused with ERR_XML naming it', (name, body) => {
    expect(refusal(() => message(body))).toMatchObject({ code: 'ERR_XML', detail: `element ${name} repeats but may occur once` });
  });

  test('InfoType and the fields of a component push are refused the same way', () => {
    const push = (body: string) => toInfo(parseXml(`<xml><AppId>wx1</AppId><CreateTime>1</CreateTime>${body}</xml>`));
    expect(refusal(() => push('<InfoType>authorized</InfoType><InfoType>unauthorized</InfoType>')).detail).toBe('element InfoType repeats but may occur once');
    expect(refusal(() => push('<InfoType>unauthorized</InfoType><AuthorizerAppid>a</AuthorizerAppid><AuthorizerAppid>b</AuthorizerAppid>')).detail).toBe(
      'element AuthorizerAppid repeats but may occur once',
    );
  });

  test('except the documented quirk: a record WeChat splits (PicList) is still merged', () => {
    const msg = message(
      '<MsgType>event</MsgType><Event>pic_weixin</Event><EventKey>6</EventKey><SendPicsInfo><Count>2</Count><PicList><item><PicMd5Sum>a</PicMd5Sum></item></PicList><PicList><item><PicMd5Sum>b</PicMd5Sum></item></PicList></SendPicsInfo>',
    );
    expect(msg).toMatchObject({ SendPicsInfo: { Count: '2', PicList: { item: [{ PicMd5Sum: 'a' }, { PicMd5Sum: 'b' }] } } });
  });

  test('undeclared elements may repeat: they come back as arrays', () => {
    expect(message('<MsgType>text</MsgType><Content>a</Content><Extra>1</Extra><Extra>2</Extra>')).toMatchObject({ Extra: ['1', '2'] });
  });
});
