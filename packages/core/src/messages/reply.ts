/**
 * Passive replies. CONTRACT (owned by the replies work; exported names are stable):
 * - `Reply`: discriminated union on `type` (text, image, voice, video, music, news,
 *   transfer_customer_service).
 * - `reply`: typed builders (`reply.text('hi')`, `reply.news([...])`, …) that validate their input and throw
 *   a `TypeError` naming the problem.
 * - `HandlerResult = Reply | string | undefined | void`: a string means a text reply; nothing means `success`.
 * - `renderReply(result, inbound, createTime)`: the plain reply XML with the header swapped
 *   (ToUserName = inbound.FromUserName, FromUserName = inbound.ToUserName), or `undefined` for `success`.
 *   Enforces the article-count rule (1 article when replying to a user message, ≤ 8 otherwise).
 */
import { buildXml } from '../xml';

export interface TextReply {
  readonly type: 'text';
  readonly content: string;
}

export type Reply = TextReply;
export type HandlerResult = Reply | string | undefined | void;

export const reply = Object.freeze({
  text(content: string): TextReply {
    if (typeof content !== 'string') throw new TypeError('wxopen: reply.text(content) needs a string');
    return { type: 'text', content };
  },
});

export interface ReplyTarget {
  readonly ToUserName: string;
  readonly FromUserName: string;
  readonly MsgType: string;
}

export function renderReply(result: HandlerResult, inbound: ReplyTarget, createTime: number): string | undefined {
  if (result === undefined || result === null) return undefined;
  const r: Reply = typeof result === 'string' ? { type: 'text', content: result } : result;
  return buildXml({
    ToUserName: inbound.FromUserName,
    FromUserName: inbound.ToUserName,
    CreateTime: createTime,
    MsgType: r.type,
    Content: r.content,
  });
}
