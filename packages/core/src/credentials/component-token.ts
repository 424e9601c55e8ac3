/**
 * The first links of the credential chain: the verify ticket WeChat pushes every 10 minutes, and the
 * component_access_token made from it (single-flight, locked across processes, optionally refreshed before it
 * expires).
 * https://developers.weixin.qq.com/doc/oplatform/Third-party_Platforms/2.0/api/ThirdParty/token/component_access_token.html
 */
import { WechatApiError, WxOpenError } from '../errors';
import { COMPONENT_API } from '../api/component';
import { TICKET_ERRCODES } from '../api/errcode';
import { callHook } from '../api/hooks';
import type { ApiHooks } from '../api/hooks';
import type { ApiResponse, ApiTransport } from '../api/transport';
import { publish } from '../observe/channels';
import type { Store } from '../store/types';
import type { CredentialKeys } from './keys';
import type { CachedToken, TokenCache } from './token-cache';

/** Delay between proactive checks when nothing is cached or a check failed. */
const PROACTIVE_RETRY_MS = 60_000;
/** Delay before re-reading after another process held the refresh lock. */
const PROACTIVE_LOCK_BUSY_MS = 5_000;
/** Shortest delay between proactive checks. */
const PROACTIVE_MIN_MS = 1_000;

/** A token and its lifetime from a WeChat response, or `ERR_API_RESPONSE` naming the missing field. */
export function tokenFrom(body: ApiResponse, tokenField: string, api: string): { token: string; expiresIn: number } {
  const token = body[tokenField];
  const expiresIn = Number(body['expires_in']);
  if (typeof token !== 'string' || token === '') {
    throw new WxOpenError('ERR_API_RESPONSE', { detail: `${api} lacks ${tokenField}` });
  }
  if (!Number.isFinite(expiresIn) || expiresIn <= 0) {
    throw new WxOpenError('ERR_API_RESPONSE', { detail: `${api} lacks a valid expires_in` });
  }
  return { token, expiresIn };
}

export interface ComponentTokenOptions {
  readonly appId: string;
  readonly appSecret: string;
  readonly store: Store;
  readonly transport: ApiTransport;
  readonly cache: TokenCache;
  readonly keys: CredentialKeys;
  readonly hooks: ApiHooks;
  /** Refresh this many ms before expiry, from one process (the lock decides); `undefined` turns it off. */
  readonly refreshBeforeMs: number | undefined;
  readonly now: () => number;
  /** Called after a new ticket was kept (waiting work, such as queued authorization codes, can go on). */
  readonly onTicket: () => void;
}

/** The verify ticket and the component access token of one component. */
export class ComponentToken {
  readonly #o: ComponentTokenOptions;
  #timer: NodeJS.Timeout | undefined;
  /** A proactive check is running; another was asked for meanwhile. */
  #checking = false;
  #recheck = false;
  #closed = false;

  constructor(options: ComponentTokenOptions) {
    this.#o = options;
    if (options.refreshBeforeMs !== undefined) this.#schedule(0);
  }

  /** Keeps a pushed ticket as the latest, and the former latest as previous (both durable). */
  async saveVerifyTicket(ticket: string): Promise<void> {
    const { store, keys } = this.#o;
    const current = await store.get(keys.ticket);
    if (current === ticket) return;
    if (current !== undefined) await store.set(keys.previousTicket, current);
    await store.set(keys.ticket, ticket);
    const receivedAt = this.#o.now();
    await store.set(keys.ticketReceivedAt, String(receivedAt));
    publish('wxopen:ticket', () => ({ receivedAt }));
    this.#o.onTicket();
    if (this.#o.refreshBeforeMs !== undefined && !this.#closed) this.#schedule(0);
  }

  verifyTicket(): Promise<string | undefined> {
    return this.#o.store.get(this.#o.keys.ticket);
  }

  /** `api_start_push_ticket`: asks WeChat to (re)start pushing the verify ticket every 10 minutes. */
  async startPushTicket(): Promise<void> {
    await this.#o.transport.request({
      method: 'POST',
      path: COMPONENT_API.startPushTicket,
      body: { component_appid: this.#o.appId, component_secret: this.#o.appSecret },
    });
  }

  /** The stored token, else one fetched once (whatever the number of callers). */
  async token(): Promise<string> {
    const cached = await this.#o.cache.read(this.#o.keys.componentToken);
    if (cached) return cached.token;
    return this.#refresh('obtain', () => true);
  }

  /** A token other than `failedToken` (the stored one when it already differs), or a forced fetch without it. */
  refresh(failedToken?: string): Promise<string> {
    if (failedToken === undefined) return this.#refresh('force', () => false);
    return this.#refresh(`replace:${failedToken}`, (cached) => cached.token !== failedToken);
  }

  #refresh(flight: string, accept: (cached: CachedToken) => boolean, lockWaitMs?: number): Promise<string> {
    return this.#o.cache.refresh({
      key: this.#o.keys.componentToken,
      lockName: this.#o.keys.componentTokenLock,
      flightKey: `component:${flight}`,
      accept,
      fetch: () => this.#fetch(),
      lockWaitMs,
    });
  }

  /** The outcome of this process's last fetch: for the health report. */
  lastFetch: { readonly at: number; readonly code?: string } | undefined;

  async #fetch(): Promise<{ token: string; expiresIn: number }> {
    const started = performance.now();
    try {
      const fetched = await this.#fetchOnce();
      this.lastFetch = { at: this.#o.now() };
      publish('wxopen:token', () => ({ credential: 'component', outcome: 'fetched', durationMs: performance.now() - started }));
      return fetched;
    } catch (error) {
      const code = error instanceof WxOpenError ? error.code : 'ERR_API';
      this.lastFetch = { at: this.#o.now(), code };
      publish('wxopen:token', () => ({
        credential: 'component',
        outcome: 'failed',
        code,
        errcode: error instanceof WechatApiError ? error.errcode : undefined,
        durationMs: performance.now() - started,
      }));
      throw error;
    }
  }

  async #fetchOnce(): Promise<{ token: string; expiresIn: number }> {
    const { store, keys, hooks } = this.#o;
    const [ticket, previous] = await Promise.all([store.get(keys.ticket), store.get(keys.previousTicket)]);
    if (ticket === undefined) throw new WxOpenError('ERR_NO_TICKET');
    try {
      return await this.#request(ticket);
    } catch (error) {
      if (!(error instanceof WechatApiError) || !TICKET_ERRCODES.has(error.errcode)) throw error;
      if (previous === undefined || previous === ticket) {
        callHook(hooks.onInvalidTicket, error);
        throw error;
      }
      try {
        return await this.#request(previous);
      } catch (fallbackError) {
        if (fallbackError instanceof WechatApiError && TICKET_ERRCODES.has(fallbackError.errcode)) {
          callHook(hooks.onInvalidTicket, fallbackError);
        }
        throw fallbackError;
      }
    }
  }

  async #request(ticket: string): Promise<{ token: string; expiresIn: number }> {
    const body = await this.#o.transport.request({
      method: 'POST',
      path: COMPONENT_API.componentToken,
      body: { component_appid: this.#o.appId, component_appsecret: this.#o.appSecret, component_verify_ticket: ticket },
    });
    return tokenFrom(body, 'component_access_token', COMPONENT_API.componentToken);
  }

  // ── proactive refresh ────────────────────────────────────────────────────────────────────────────────

  #schedule(delayMs: number): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.#proactiveCheck(), delayMs);
    this.#timer.unref();
  }

  /**
   * One proactive check at a time: a check asked for while one runs (e.g. a ticket arriving) is run right after
   * it, never beside it, so one failure is reported once and the request is not lost. A token whose whole cached
   * lifetime is shorter than `refreshBeforeMs` is refreshed at half its lifetime instead (never in a loop).
   */
  async #proactiveCheck(): Promise<void> {
    const before = this.#o.refreshBeforeMs;
    if (before === undefined || this.#closed) return;
    if (this.#checking) {
      this.#recheck = true;
      return;
    }
    this.#checking = true;
    const { cache, keys, hooks, now } = this.#o;
    // A token is refreshed `before` ms ahead of its expiry, or at half its life if that is shorter: a
    // `refreshBeforeMs` longer than the `expires_in` WeChat gives must not fetch a token every second.
    const margin = (cached: CachedToken): number => Math.min(before, (cached.lifetimeMs ?? Infinity) / 2);
    const freshEnough = (cached: CachedToken) => cached.expiresAt - now() > margin(cached);
    let next = PROACTIVE_RETRY_MS;
    try {
      const cached = await cache.read(keys.componentToken);
      if ((!cached || !freshEnough(cached)) && (await this.verifyTicket()) !== undefined) {
        await this.#refresh('proactive', freshEnough, 0);
      }
      const current = await cache.read(keys.componentToken);
      if (current) next = Math.max(current.expiresAt - margin(current) - now(), PROACTIVE_MIN_MS);
    } catch (error) {
      if (error instanceof WxOpenError && error.code === 'ERR_LOCK_TIMEOUT') next = PROACTIVE_LOCK_BUSY_MS;
      else callHook(hooks.onBackgroundError, error);
    }
    this.#checking = false;
    if (this.#recheck) {
      this.#recheck = false;
      next = 0;
    }
    if (!this.#closed) this.#schedule(next);
  }

  close(): void {
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
