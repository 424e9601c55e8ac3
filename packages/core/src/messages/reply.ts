/**
 * Passive replies (被动回复用户消息):
 * - `Reply`: discriminated union on `type` (text, image, voice, video, music, news, transfer_customer_service).
 * - `reply`: typed builders (`reply.text('hi')`, `reply.news([...])`, …) that validate their input and throw
 *   a `TypeError` naming the problem.
 * - `HandlerResult = Reply | string | undefined | void`: a string means a text reply; nothing means `success`.
 * - `renderReply(result, inbound, createTime, format)`: the plain reply (XML, or JSON for mini programs in JSON
 *   mode) with the header swapped (ToUserName = inbound.FromUserName, FromUserName = inbound.ToUserName), or
 *   `undefined` for `success`. Enforces the article-count rule (1 article when replying to a user message, ≤ 8
 *   otherwise).
 * https://developers.weixin.qq.com/doc/offiaccount/Message_Management/Passive_user_reply_message.html
 */
import { assertNever } from '../errors';
import { buildXml, cdata, type XmlInput } from '../xml';
import { isUserMessage } from './types';

/** A text reply (回复文本消息). */
export interface TextReply {
  readonly type: 'text';
  /** The text (回复的消息内容); WeChat turns newlines into line breaks. */
  readonly content: string;
}

/** An image reply (回复图片消息). */
export interface ImageReply {
  readonly type: 'image';
  /** Media id of an uploaded image (通过素材管理上传多媒体文件得到的 id). */
  readonly mediaId: string;
}

/** A voice reply (回复语音消息). */
export interface VoiceReply {
  readonly type: 'voice';
  /** Media id of an uploaded voice file. */
  readonly mediaId: string;
}

/** A video reply (回复视频消息). */
export interface VideoReply {
  readonly type: 'video';
  /** Media id of an uploaded video. */
  readonly mediaId: string;
  /** Title (视频消息的标题); left out when absent. */
  readonly title?: string;
  /** Description (视频消息的描述); left out when absent. */
  readonly description?: string;
}

/** A music reply (回复音乐消息). Every field is optional; absent ones are left out. */
export interface MusicReply {
  readonly type: 'music';
  /** Title (音乐标题). */
  readonly title?: string;
  /** Description (音乐描述). */
  readonly description?: string;
  /** Music URL (音乐链接). */
  readonly musicUrl?: string;
  /** High-quality music URL, preferred on Wi-Fi (高质量音乐链接). */
  readonly hqMusicUrl?: string;
  /** Media id of the thumbnail (缩略图的媒体 id). */
  readonly thumbMediaId?: string;
}

/** One article of a news reply (图文消息). */
export interface NewsArticle {
  /** Title (图文消息标题). */
  readonly title: string;
  /** Description (图文消息描述). */
  readonly description?: string;
  /** Picture URL; large 360×200, small 200×200 (图片链接). */
  readonly picUrl?: string;
  /** Where a tap leads (点击图文消息跳转链接). */
  readonly url?: string;
}

/** A news reply (回复图文消息): 1 article when replying to a user message, at most 8 otherwise. */
export interface NewsReply {
  readonly type: 'news';
  /** The articles; the first one is shown large. */
  readonly articles: readonly NewsArticle[];
}

/** Hands the conversation to customer service (转发到客服). The only passive reply a mini program accepts. */
export interface TransferCustomerServiceReply {
  readonly type: 'transfer_customer_service';
  /** A specific agent (指定的客服账号, `account@…`); any agent when absent. */
  readonly kfAccount?: string;
}

export type Reply =
  | TextReply
  | ImageReply
  | VoiceReply
  | VideoReply
  | MusicReply
  | NewsReply
  | TransferCustomerServiceReply;

/** What a handler returns: a reply, a string (a text reply), or nothing (`success`). */
export type HandlerResult = Reply | string | undefined | void | null;

/** Most articles a news reply may hold when it does not answer a user message. */
export const MAX_NEWS_ARTICLES = 8;

function fail(where: string, problem: string): never {
  throw new TypeError(`wxopen: ${where} ${problem}`);
}

function requireText(value: unknown, where: string, what: string): void {
  if (typeof value !== 'string' || value === '') fail(where, `needs ${what} as a non-empty string`);
}

function optionalText(value: unknown, where: string, name: string): void {
  if (value !== undefined && typeof value !== 'string') fail(where, `needs \`${name}\` to be a string when given`);
}

function checkArticles(articles: unknown, where: string): void {
  if (!Array.isArray(articles) || articles.length === 0) fail(where, 'needs a non-empty array of articles');
  if (articles.length > MAX_NEWS_ARTICLES) {
    fail(where, `accepts at most ${MAX_NEWS_ARTICLES} articles, got ${articles.length}`);
  }
  for (let i = 0; i < articles.length; i++) {
    const article: unknown = articles[i];
    const at = `${where} article ${i}`;
    if (typeof article !== 'object' || article === null) fail(at, 'must be an object');
    const { title, description, picUrl, url } = article as Record<string, unknown>;
    requireText(title, at, 'a `title`');
    optionalText(description, at, 'description');
    optionalText(picUrl, at, 'picUrl');
    optionalText(url, at, 'url');
  }
}

/** Throws a `TypeError` naming what is wrong with `r`. Used by the builders and by `renderReply`. */
function checkReply(r: Reply): void {
  switch (r.type) {
    case 'text':
      if (typeof r.content !== 'string') fail('reply.text(content)', 'needs a string');
      return;
    case 'image':
      requireText(r.mediaId, 'reply.image(mediaId)', 'the media id');
      return;
    case 'voice':
      requireText(r.mediaId, 'reply.voice(mediaId)', 'the media id');
      return;
    case 'video':
      requireText(r.mediaId, 'reply.video({ mediaId })', 'the media id');
      optionalText(r.title, 'reply.video()', 'title');
      optionalText(r.description, 'reply.video()', 'description');
      return;
    case 'music':
      optionalText(r.title, 'reply.music()', 'title');
      optionalText(r.description, 'reply.music()', 'description');
      optionalText(r.musicUrl, 'reply.music()', 'musicUrl');
      optionalText(r.hqMusicUrl, 'reply.music()', 'hqMusicUrl');
      optionalText(r.thumbMediaId, 'reply.music()', 'thumbMediaId');
      return;
    case 'news':
      checkArticles(r.articles, 'reply.news(articles)');
      return;
    case 'transfer_customer_service':
      if (r.kfAccount !== undefined) requireText(r.kfAccount, 'reply.transferCustomerService(kfAccount)', 'the agent account');
      return;
    default:
      return assertNever((r as { readonly type: never }).type, 'reply type');
  }
}

function checked<R extends Reply>(r: R): R {
  checkReply(r);
  return r;
}

/** Copies only the known, given fields of an options object (so stray keys never reach the XML). */
function pick<K extends string>(source: object, keys: readonly K[]): { [P in K]?: string } {
  const out: { [P in K]?: string } = {};
  for (const key of keys) {
    const value = (source as Record<string, unknown>)[key];
    if (value !== undefined) out[key] = value as string;
  }
  return out;
}

function options(value: unknown, where: string): object {
  if (typeof value !== 'object' || value === null) fail(where, 'needs an options object');
  return value;
}

/** Typed reply builders. Each validates its input and throws a `TypeError` that names the problem. */
export const reply = Object.freeze({
  /** A text reply. Empty content is answered as `success` (WeChat shows an error for an empty text reply). */
  text(content: string): TextReply {
    return checked({ type: 'text', content });
  },
  /** An image reply; `mediaId` must be non-empty. */
  image(mediaId: string): ImageReply {
    return checked({ type: 'image', mediaId });
  },
  /** A voice reply; `mediaId` must be non-empty. */
  voice(mediaId: string): VoiceReply {
    return checked({ type: 'voice', mediaId });
  },
  /** A video reply; `mediaId` must be non-empty, `title` and `description` are left out when absent. */
  video(video: { readonly mediaId: string; readonly title?: string; readonly description?: string }): VideoReply {
    const o = options(video, 'reply.video(video)');
    return checked({ type: 'video', ...pick(o, ['title', 'description']), mediaId: (o as { mediaId: string }).mediaId });
  },
  /** A music reply; every field is optional and left out when absent. */
  music(music: Omit<MusicReply, 'type'>): MusicReply {
    const o = options(music, 'reply.music(music)');
    return checked({ type: 'music', ...pick(o, ['title', 'description', 'musicUrl', 'hqMusicUrl', 'thumbMediaId']) });
  },
  /** A news reply of 1 to 8 articles, each with a non-empty `title` (1 only when answering a user message). */
  news(articles: readonly NewsArticle[]): NewsReply {
    checkArticles(articles, 'reply.news(articles)');
    return { type: 'news', articles: articles.map((a) => pick(a, ['title', 'description', 'picUrl', 'url']) as NewsArticle) };
  },
  /** Hands the conversation to customer service, to `kfAccount` when given (non-empty). */
  transferCustomerService(kfAccount?: string): TransferCustomerServiceReply {
    return checked(kfAccount === undefined ? { type: 'transfer_customer_service' } : { type: 'transfer_customer_service', kfAccount });
  },
});

/** The received message a reply answers. */
export interface ReplyTarget {
  /** The authorizer's original id; becomes the reply's `FromUserName`. */
  readonly ToUserName: string;
  /** The user's openid; becomes the reply's `ToUserName`. */
  readonly FromUserName: string;
  /** Decides the article-count rule of news replies. */
  readonly MsgType: string;
}

function body(r: Reply): XmlInput {
  switch (r.type) {
    case 'text':
      return { Content: r.content };
    case 'image':
      return { Image: { MediaId: r.mediaId } };
    case 'voice':
      return { Voice: { MediaId: r.mediaId } };
    case 'video':
      return { Video: { MediaId: r.mediaId, Title: r.title, Description: r.description } };
    case 'music':
      return {
        Music: {
          Title: r.title,
          Description: r.description,
          MusicUrl: r.musicUrl,
          HQMusicUrl: r.hqMusicUrl,
          ThumbMediaId: r.thumbMediaId,
        },
      };
    case 'news':
      return {
        ArticleCount: r.articles.length,
        Articles: {
          item: r.articles.map((a) => ({ Title: a.title, Description: a.description, PicUrl: a.picUrl, Url: a.url })),
        },
      };
    case 'transfer_customer_service':
      return r.kfAccount === undefined ? {} : { TransInfo: { KfAccount: r.kfAccount } };
    default:
      return assertNever((r as { readonly type: never }).type, 'reply type');
  }
}

/**
 * Renders a handler's result as the plain (unencrypted) reply XML, or `undefined` when the answer is
 * `success` (nothing, `null`, or an empty text: WeChat shows users an error for an empty text reply). A
 * string is a text reply. The header is swapped
 * (`ToUserName` = the user, `FromUserName` = the account) and `createTime` must be in seconds.
 * A news reply to a user message (an ordinary message, not an event) may hold only 1 article; otherwise up
 * to 8. Throws a `TypeError` naming the problem for an invalid reply.
 */
export function renderReply(
  result: HandlerResult | null,
  inbound: ReplyTarget,
  createTime: number,
  format: 'xml' | 'json' = 'xml',
): string | undefined {
  if (result === undefined || result === null || result === '') return undefined;
  if (typeof result === 'object' && result.type === 'text' && result.content === '') return undefined;
  if (!Number.isSafeInteger(createTime) || createTime < 0 || createTime >= 1e11) {
    fail('renderReply(createTime)', 'needs whole seconds since the epoch (not milliseconds)');
  }
  const r: Reply = typeof result === 'string' ? { type: 'text', content: result } : result;
  if (typeof r !== 'object' || r === null) fail('renderReply(result)', 'needs a reply built with `reply.*`, a string or nothing');
  checkReply(r);
  if (r.type === 'news' && r.articles.length > 1 && isUserMessage(inbound)) {
    fail(
      'renderReply()',
      `a news reply to a user message (${inbound.MsgType}) may hold only 1 article, got ${r.articles.length}; ` +
        'send the others with the customer-service message API',
    );
  }
  if (r.type === 'text' && format === 'xml' && typeof inbound.FromUserName === 'string' && typeof inbound.ToUserName === 'string') {
    // The most common reply, written directly: the document `buildXml` writes for the record below (a property
    // test holds the two equal), without building and walking the record (0.98 → 0.3 µs in bench/stages.mjs).
    return (
      `<xml><ToUserName>${cdata(inbound.FromUserName)}</ToUserName><FromUserName>${cdata(inbound.ToUserName)}</FromUserName>` +
      `<CreateTime>${createTime}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content>${cdata(r.content)}</Content></xml>`
    );
  }
  const record: XmlInput = {
    ToUserName: inbound.FromUserName,
    FromUserName: inbound.ToUserName,
    CreateTime: createTime,
    MsgType: r.type,
    ...body(r),
  };
  // In JSON, numbers (CreateTime, ArticleCount) stay numbers and absent fields are left out, as in XML.
  return format === 'json' ? JSON.stringify(record) : buildXml(record);
}
