import { buildXml, parseXml, renderReply, reply, type Reply, type ReplyTarget } from '@wxopen/core';
import fc from 'fast-check';

const fromUser: ReplyTarget = { ToUserName: 'gh_account', FromUserName: 'o_user', MsgType: 'text' };
const fromEvent: ReplyTarget = { ToUserName: 'gh_account', FromUserName: 'o_user', MsgType: 'event' };
const NOW = 1399197672;

function render(result: Parameters<typeof renderReply>[0], inbound: ReplyTarget = fromUser): string {
  const xml = renderReply(result, inbound, NOW);
  if (xml === undefined) throw new Error('expected a reply');
  return xml;
}

/** The element names of the reply root, in order (to check the official element order). */
function order(xml: string): string[] {
  return [...xml.replace(/<!\[CDATA\[[\s\S]*?\]\]>/g, '').matchAll(/<([A-Za-z]+)>/g)].map((m) => m[1] as string);
}

const articles = (n: number) => Array.from({ length: n }, (_, i) => ({ title: `title${i + 1}` }));

describe('renderReply', () => {
  it('renders a text reply exactly as the official format, header swapped', () => {
    expect(render(reply.text('你好'))).toBe(
      '<xml><ToUserName><![CDATA[o_user]]></ToUserName><FromUserName><![CDATA[gh_account]]></FromUserName><CreateTime>1399197672</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[你好]]></Content></xml>',
    );
  });

  it('treats a plain string as a text reply', () => {
    expect(render('hello')).toBe(render(reply.text('hello')));
  });

  it('answers success (undefined) for nothing, null and empty text', () => {
    expect(renderReply(undefined, fromUser, NOW)).toBeUndefined();
    expect(renderReply(null, fromUser, NOW)).toBeUndefined();
    expect(renderReply('', fromUser, NOW)).toBeUndefined();
    expect(renderReply(reply.text(''), fromUser, NOW)).toBeUndefined();
  });

  it('writes CreateTime as the given seconds and rejects milliseconds', () => {
    expect(parseXml(render('x'))['CreateTime']).toBe('1399197672');
    expect(() => renderReply('x', fromUser, 1399197672000)).toThrow(/seconds/);
    expect(() => renderReply('x', fromUser, 1.5)).toThrow(TypeError);
  });

  it('keeps `]]>` and markup inside content intact', () => {
    const content = 'a]]>b<xml>&amp;</xml>]]]]>';
    expect(parseXml(render(reply.text(content)))['Content']).toBe(content);
  });

  it('renders image and voice replies', () => {
    const image = render(reply.image('media_id'));
    expect(image).toContain('<MsgType><![CDATA[image]]></MsgType><Image><MediaId><![CDATA[media_id]]></MediaId></Image></xml>');
    expect(parseXml(image)).toMatchObject({ MsgType: 'image', Image: { MediaId: 'media_id' } });
    const voice = render(reply.voice('media_id'));
    expect(voice).toContain('<MsgType><![CDATA[voice]]></MsgType><Voice><MediaId><![CDATA[media_id]]></MediaId></Voice></xml>');
  });

  it('renders a video reply in the official order, leaving out absent title and description', () => {
    const full = render(reply.video({ mediaId: 'm', title: 'title', description: 'description' }));
    expect(order(full)).toEqual(['xml', 'ToUserName', 'FromUserName', 'CreateTime', 'MsgType', 'Video', 'MediaId', 'Title', 'Description']);
    expect(parseXml(full)['Video']).toEqual({ MediaId: 'm', Title: 'title', Description: 'description' });
    expect(parseXml(render(reply.video({ mediaId: 'm' })))['Video']).toEqual({ MediaId: 'm' });
  });

  it('renders a music reply in the official order, leaving out absent fields', () => {
    const full = render(
      reply.music({ title: 'TITLE', description: 'DESCRIPTION', musicUrl: 'MUSIC_Url', hqMusicUrl: 'HQ_MUSIC_Url', thumbMediaId: 'media_id' }),
    );
    expect(full).toContain(
      '<Music><Title><![CDATA[TITLE]]></Title><Description><![CDATA[DESCRIPTION]]></Description><MusicUrl><![CDATA[MUSIC_Url]]></MusicUrl><HQMusicUrl><![CDATA[HQ_MUSIC_Url]]></HQMusicUrl><ThumbMediaId><![CDATA[media_id]]></ThumbMediaId></Music>',
    );
    expect(parseXml(render(reply.music({ musicUrl: 'u' })))['Music']).toEqual({ MusicUrl: 'u' });
  });

  it('renders a one-article news reply exactly as the official format', () => {
    const xml = render(reply.news([{ title: 'title1', description: 'description1', picUrl: 'picurl', url: 'url' }]));
    expect(xml).toContain(
      '<MsgType><![CDATA[news]]></MsgType><ArticleCount>1</ArticleCount><Articles><item><Title><![CDATA[title1]]></Title><Description><![CDATA[description1]]></Description><PicUrl><![CDATA[picurl]]></PicUrl><Url><![CDATA[url]]></Url></item></Articles></xml>',
    );
  });

  it('lets ArticleCount equal the number of items of an event reply with 8 articles', () => {
    const parsed = parseXml(render(reply.news(articles(8)), fromEvent));
    expect(parsed['ArticleCount']).toBe('8');
    expect((parsed['Articles'] as { item: unknown[] }).item).toHaveLength(8);
  });

  it.each(['text', 'image', 'voice', 'video', 'shortvideo', 'location', 'link'])('allows only 1 article when replying to a user %s message', (MsgType) => {
    expect(() => renderReply(reply.news(articles(2)), { ...fromUser, MsgType }, NOW)).toThrow(/only 1 article, got 2/);
    expect(renderReply(reply.news(articles(1)), { ...fromUser, MsgType }, NOW)).toContain('<ArticleCount>1</ArticleCount>');
  });

  it('rejects more than 8 articles in a hand-made news reply', () => {
    const handMade: Reply = { type: 'news', articles: articles(9) };
    expect(() => renderReply(handMade, fromEvent, NOW)).toThrow(/at most 8 articles, got 9/);
  });

  it('renders transfer_customer_service with TransInfo only when an agent is given', () => {
    expect(render(reply.transferCustomerService('test1@test'))).toBe(
      '<xml><ToUserName><![CDATA[o_user]]></ToUserName><FromUserName><![CDATA[gh_account]]></FromUserName><CreateTime>1399197672</CreateTime><MsgType><![CDATA[transfer_customer_service]]></MsgType><TransInfo><KfAccount><![CDATA[test1@test]]></KfAccount></TransInfo></xml>',
    );
    expect(render(reply.transferCustomerService())).toBe(
      '<xml><ToUserName><![CDATA[o_user]]></ToUserName><FromUserName><![CDATA[gh_account]]></FromUserName><CreateTime>1399197672</CreateTime><MsgType><![CDATA[transfer_customer_service]]></MsgType></xml>',
    );
  });

  it('rejects a hand-made reply of an unknown type with a TypeError naming it', () => {
    expect(() => renderReply({ type: 'sticker' } as unknown as Reply, fromUser, NOW)).toThrow(/unexpected reply type: sticker/);
  });

  it('rejects a hand-made image reply without a media id', () => {
    expect(() => renderReply({ type: 'image', mediaId: '' }, fromUser, NOW)).toThrow(TypeError);
  });
});

describe('reply builders', () => {
  it('reject an empty media id, naming the builder', () => {
    expect(() => reply.image('')).toThrow(/reply\.image\(mediaId\) needs the media id/);
    expect(() => reply.voice('')).toThrow(/reply\.voice\(mediaId\)/);
    expect(() => reply.video({ mediaId: '' })).toThrow(/reply\.video/);
  });

  it('reject a non-string text', () => {
    expect(() => reply.text(42 as unknown as string)).toThrow(TypeError);
  });

  it('reject a non-string optional field', () => {
    expect(() => reply.video({ mediaId: 'm', title: 1 as unknown as string })).toThrow(/`title`/);
    expect(() => reply.music({ musicUrl: {} as unknown as string })).toThrow(/`musicUrl`/);
  });

  it('reject a missing options object', () => {
    expect(() => reply.video(undefined as unknown as { mediaId: string })).toThrow(/options object/);
  });

  it('reject no articles, more than 8, and an article without a title', () => {
    expect(() => reply.news([])).toThrow(/non-empty array of articles/);
    expect(() => reply.news(articles(9))).toThrow(/at most 8 articles, got 9/);
    expect(() => reply.news([{ title: 'a' }, { title: '' }])).toThrow(/article 1 needs a `title`/);
  });

  it('reject an empty agent account', () => {
    expect(() => reply.transferCustomerService('')).toThrow(/agent account/);
  });

  it('copy only the known fields, so stray keys never reach the XML', () => {
    const video = reply.video({ mediaId: 'm', extra: 'x' } as { mediaId: string });
    expect(video).toEqual({ type: 'video', mediaId: 'm' });
    const news = reply.news([{ title: 't', secret: 's' } as { title: string }]);
    expect(news.articles[0]).toEqual({ title: 't' });
  });

  it('do not keep a reference to the caller’s article array', () => {
    const list = [{ title: 'a' }];
    const news = reply.news(list);
    list.push({ title: 'b' });
    expect(news.articles).toHaveLength(1);
  });

  it('are frozen', () => {
    expect(Object.isFrozen(reply)).toBe(true);
  });
});

describe('renderReply of a text reply (written directly, not through buildXml)', () => {
  it('writes exactly what buildXml writes for the same record, whatever the text', () => {
    const piece = fc.string({ unit: 'grapheme', maxLength: 30 });
    const text = fc.oneof(piece, fc.tuple(piece, piece).map(([a, b]) => `${a}]]>${b}`));
    fc.assert(
      fc.property(text.filter((s) => s !== ''), fc.string({ minLength: 1, maxLength: 30 }), fc.string({ minLength: 1, maxLength: 30 }), fc.nat(99_999_999_999), (content, openid, account, createTime) => {
        const inbound: ReplyTarget = { ToUserName: account, FromUserName: openid, MsgType: 'text' };
        const expected = buildXml({ ToUserName: openid, FromUserName: account, CreateTime: createTime, MsgType: 'text', Content: content });
        expect(renderReply(content, inbound, createTime)).toBe(expected);
        expect(renderReply(reply.text(content), inbound, createTime)).toBe(expected);
      }),
      { numRuns: 500 },
    );
  });

  it('splits a "]]>" in the text so that the reply still parses to the same text', () => {
    const xml = render('a]]>b<![CDATA[c');
    expect(parseXml(xml)['Content']).toBe('a]]>b<![CDATA[c');
  });
});
