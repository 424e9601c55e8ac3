/**
 * JS-SDK on behalf of an authorized official account: the `jsapi_ticket` and `wx_card` ticket
 * (`cgi-bin/ticket/getticket`, authorizer `Client`) and the `wx.config` and card signatures.
 * Cache tickets with `JsTicketCache`: WeChat limits `getticket` calls, and each ticket lives 7200 s.
 * https://developers.weixin.qq.com/doc/offiaccount/OA_Web_Apps/JS-SDK.html
 */
import { createHash, randomBytes } from 'node:crypto';
import { optionError } from '../errors';
import { sign } from '../crypto/signature';
import type { Client } from './client';

export const JSSDK_API = Object.freeze({ getTicket: '/cgi-bin/ticket/getticket' });

/** `jsapi` signs `wx.config`; `wx_card` signs card APIs (`chooseCard`, `addCard`). */
export type JsTicketType = 'jsapi' | 'wx_card';

export interface JsTicketResponse {
  readonly ticket: string;
  readonly expires_in: number;
}

/** What `wx.config` needs besides `jsApiList`. */
export interface JsApiSignature {
  readonly appId: string;
  /** Epoch seconds. */
  readonly timestamp: number;
  readonly nonceStr: string;
  readonly signature: string;
}

/** `cgi-bin/ticket/getticket` (GET, authorizer client). Prefer `JsTicketCache.ticket()`, which caches it. */
export function getJsTicket(client: Client, type: JsTicketType): Promise<JsTicketResponse> {
  return client.getJSON(JSSDK_API.getTicket, { type });
}

/** A random `nonceStr` of 16 characters from `A-Z a-z 0-9`. */
export function randomNonceStr(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return Array.from(randomBytes(16), (byte) => alphabet[byte % alphabet.length]).join('');
}

/**
 * The `wx.config` signature: SHA-1 of `jsapi_ticket=…&noncestr=…&timestamp=…&url=…`, where `url` is the page's
 * full URL without its `#` fragment (WeChat signs it that way).
 */
export function jsApiSignature(input: {
  readonly appId: string;
  readonly ticket: string;
  readonly url: string;
  readonly nonceStr?: string;
  /** Epoch seconds (default now). */
  readonly timestamp?: number;
}): JsApiSignature {
  if (typeof input.url !== 'string' || !/^https?:\/\//i.test(input.url)) {
    throw optionError('url', 'must be the absolute http(s) URL of the page that calls wx.config');
  }
  const nonceStr = input.nonceStr ?? randomNonceStr();
  const timestamp = input.timestamp ?? Math.floor(Date.now() / 1000);
  const url = input.url.split('#', 1)[0] ?? input.url;
  const plain = `jsapi_ticket=${input.ticket}&noncestr=${nonceStr}&timestamp=${timestamp}&url=${url}`;
  return { appId: input.appId, timestamp, nonceStr, signature: createHash('sha1').update(plain).digest('hex') };
}

/**
 * A card signature (`cardSign` / `signature` of card APIs): SHA-1 over the given values sorted as strings and
 * joined, with the `wx_card` ticket among them. Pass only the fields the card API uses (WeChat leaves the others out).
 */
export function cardSignature(values: {
  readonly api_ticket: string;
  readonly timestamp: number | string;
  readonly nonce_str: string;
  readonly card_id?: string;
  readonly code?: string;
  readonly openid?: string;
  readonly card_type?: string;
  readonly shop_id?: string;
  readonly location_id?: string;
}): string {
  const parts = Object.values(values)
    .filter((value) => value !== undefined)
    .map(String);
  return sign(parts);
}
