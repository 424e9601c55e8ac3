/**
 * The JS-SDK tickets of authorizers (`jsapi_ticket`, `wx_card` ticket), cached in the store like the tokens: one
 * `getticket` call per authorizer and ticket lifetime however many callers and processes ask — single flight in
 * the process, a lock across processes, a re-read after taking the lock.
 *
 * A refused authorizer token during `getticket` (40001 / 40014 / 42001) is refreshed and the call retried by the
 * authorizer `Client`. A ticket WeChat no longer honours shows up in the browser (`invalid signature` from
 * `wx.config`), so `refreshTicket(appId, type, failed)` replaces it — only if it is still the stored one.
 */
import { WxOpenError, optionError } from '../errors';
import type { Client } from '../api/client';
import { JSSDK_API, getJsTicket, jsApiSignature } from '../api/jssdk';
import type { JsApiSignature, JsTicketType } from '../api/jssdk';
import type { CachedToken, TokenCache } from './token-cache';

export interface JsTicketKeys {
  /** Cached ticket of an authorizer (expires with the safety margin of tokens). */
  ticket(authorizerAppId: string, type: JsTicketType): string;
  /** Lock held while that ticket is fetched. */
  lock(authorizerAppId: string, type: JsTicketType): string;
}

/** Store keys of the tickets of component `componentAppId`, under its hash tag like every credential key. */
export function jsTicketKeys(componentAppId: string): JsTicketKeys {
  const tag = `{${componentAppId}}`;
  return Object.freeze({
    ticket: (appId: string, type: JsTicketType) => `${tag}:authorizer:${appId}:ticket:${type}`,
    lock: (appId: string, type: JsTicketType) => `${tag}:lock:authorizer:${appId}:ticket:${type}`,
  });
}

export interface JsTicketCacheOptions {
  /** The credentials' token cache (same store, lock and clock as the tokens). */
  readonly cache: TokenCache;
  /** The component appid: keys carry its hash tag. */
  readonly componentAppId: string;
  /** The authorizer `Client` of an appid (`credentials.authorizerClient(appId)`). */
  readonly clientFor: (authorizerAppId: string) => Client;
  /** Clock for `wx.config` timestamps, ms (default `Date.now`). */
  readonly now?: () => number;
}

const TYPES: ReadonlySet<string> = new Set(['jsapi', 'wx_card']);

function checkArgs(authorizerAppId: unknown, type: unknown): void {
  if (typeof authorizerAppId !== 'string' || authorizerAppId === '') throw optionError('authorizerAppId', 'must be a non-empty appid');
  if (typeof type !== 'string' || !TYPES.has(type)) throw optionError('type', 'must be "jsapi" or "wx_card"');
}

export class JsTicketCache {
  readonly keys: JsTicketKeys;
  readonly #cache: TokenCache;
  readonly #clientFor: (authorizerAppId: string) => Client;
  readonly #now: () => number;

  /** @internal made by `ComponentCredentials` (`credentials.jsTickets`) */
  constructor(options: JsTicketCacheOptions) {
    if (!options || typeof options.cache?.refresh !== 'function') throw optionError('cache', 'must be the TokenCache of the credentials');
    if (typeof options.componentAppId !== 'string' || options.componentAppId === '') throw optionError('componentAppId', 'must be the component appid');
    if (typeof options.clientFor !== 'function') throw optionError('clientFor', 'must be a function returning the authorizer Client of an appid');
    this.#cache = options.cache;
    this.#clientFor = options.clientFor;
    this.#now = options.now ?? Date.now;
    this.keys = jsTicketKeys(options.componentAppId);
  }

  /** The authorizer's ticket: the stored one, else fetched once. */
  async ticket(authorizerAppId: string, type: JsTicketType = 'jsapi'): Promise<string> {
    checkArgs(authorizerAppId, type);
    const cached = await this.#cache.read(this.keys.ticket(authorizerAppId, type));
    if (cached) return cached.token;
    return this.#refresh(authorizerAppId, type, 'obtain', () => true);
  }

  /**
   * A new ticket. With `failedTicket`, the stored one is returned without fetching when it already differs (another
   * caller replaced it); without it, a fetch is forced.
   */
  refreshTicket(authorizerAppId: string, type: JsTicketType = 'jsapi', failedTicket?: string): Promise<string> {
    checkArgs(authorizerAppId, type);
    if (failedTicket === undefined) return this.#refresh(authorizerAppId, type, 'force', () => false);
    return this.#refresh(authorizerAppId, type, `replace:${failedTicket}`, (cached) => cached.token !== failedTicket);
  }

  /** The `wx.config` fields (`appId`, `timestamp`, `nonceStr`, `signature`) for the page at `url`. */
  async configSignature(authorizerAppId: string, url: string, options: { readonly nonceStr?: string } = {}): Promise<JsApiSignature> {
    const ticket = await this.ticket(authorizerAppId, 'jsapi');
    return jsApiSignature({
      appId: authorizerAppId,
      ticket,
      url,
      nonceStr: options.nonceStr,
      timestamp: Math.floor(this.#now() / 1000),
    });
  }

  #refresh(appId: string, type: JsTicketType, flight: string, accept: (cached: CachedToken) => boolean): Promise<string> {
    return this.#cache.refresh({
      key: this.keys.ticket(appId, type),
      lockName: this.keys.lock(appId, type),
      flightKey: `ticket:${type}:${appId}:${flight}`,
      accept,
      fetch: async () => {
        const body = await getJsTicket(this.#clientFor(appId), type);
        const expiresIn = Number(body.expires_in);
        if (typeof body.ticket !== 'string' || body.ticket === '' || !Number.isFinite(expiresIn) || expiresIn <= 0) {
          throw new WxOpenError('ERR_API_RESPONSE', { detail: `${JSSDK_API.getTicket} lacks ticket or expires_in` });
        }
        return { token: body.ticket, expiresIn };
      },
    });
  }
}
