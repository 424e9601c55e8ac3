/**
 * The `state` of a web OAuth redirect, signed and expiring, so a callback can tell its own redirects from forged
 * or replayed ones (CSRF on the OAuth callback). WeChat echoes `state` unchanged, and accepts only `A-Z a-z 0-9`
 * up to 128 bytes there, so the state is plain hex plus the caller's alphanumeric data:
 *
 *   "w1" | expiry (8 hex, epoch s) | nonce (12 hex) | HMAC-SHA256 truncated to 128 bits (32 hex) | data
 *
 * The MAC covers the authorizer appid, the expiry, the nonce and the data, under a key derived from the secret.
 * With a `store`, `consume` also makes each state single use.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { WxOpenError, optionError } from '../errors';
import type { Store } from '../store/types';

export interface OAuthStateOptions {
  /** The secret the MAC key is derived from: the component AppSecret, or a dedicated random secret. */
  readonly secret: string | Uint8Array;
  /** How long a state is accepted, ms (default 600 000: 10 min). */
  readonly ttlMs?: number;
  /** Clock, ms (default `Date.now`). */
  readonly now?: () => number;
  /** Makes `consume` single use: each nonce is marked in the store until its state expires. */
  readonly store?: Store;
  /** The component appid: the single-use marks carry its hash tag. Required with `store`. */
  readonly componentAppId?: string;
}

/** What a verified state carried. */
export interface VerifiedOAuthState {
  /** The caller's data given to `sign`. */
  readonly data: string;
  /** When the state stops being accepted, epoch ms. */
  readonly expiresAt: number;
  readonly nonce: string;
}

const VERSION = 'w1';
const PREFIX_LENGTH = VERSION.length + 8 + 12;
const MAC_LENGTH = 32;
/** Room left for data within WeChat's 128 bytes. */
export const OAUTH_STATE_MAX_DATA = 128 - PREFIX_LENGTH - MAC_LENGTH;
const DATA_PATTERN = /^[A-Za-z0-9]*$/;
const STATE_PATTERN = /^w1[0-9a-f]{52}[A-Za-z0-9]*$/;

function invalid(detail: string): WxOpenError {
  return new WxOpenError('ERR_QUERY', { detail: `oauth state ${detail}` });
}

export class OAuthStateSigner {
  readonly #key: Buffer;
  readonly #ttlMs: number;
  readonly #now: () => number;
  readonly #store: Store | undefined;
  readonly #tag: string | undefined;

  constructor(options: OAuthStateOptions) {
    const secret = options?.secret;
    if (!(typeof secret === 'string' ? secret.length >= 16 : secret instanceof Uint8Array && secret.byteLength >= 16)) {
      throw optionError('secret', 'must be a string or bytes of at least 16 characters (the component AppSecret or a random secret)');
    }
    const ttlMs = options.ttlMs ?? 600_000;
    if (!Number.isInteger(ttlMs) || ttlMs < 1000) throw optionError('ttlMs', 'must be an integer number of ms, at least 1000');
    if (options.store && (typeof options.componentAppId !== 'string' || options.componentAppId === '')) {
      throw optionError('componentAppId', 'is required with `store`: single-use marks are kept under the component’s hash tag');
    }
    // A key of its own, so the secret is never used directly as the MAC key of another purpose.
    this.#key = createHmac('sha256', secret).update('wxopen oauth state v1').digest();
    this.#ttlMs = ttlMs;
    this.#now = options.now ?? Date.now;
    this.#store = options.store;
    this.#tag = options.componentAppId === undefined ? undefined : `{${options.componentAppId}}`;
  }

  /** A fresh state for a redirect to the authorizer `appId`, carrying `data` (`A-Z a-z 0-9`, up to 74 characters). */
  sign(appId: string, data = ''): string {
    if (typeof appId !== 'string' || appId === '') throw optionError('appId', 'must be the authorizer appid');
    if (typeof data !== 'string' || !DATA_PATTERN.test(data) || data.length > OAUTH_STATE_MAX_DATA) {
      throw optionError('data', `must be at most ${OAUTH_STATE_MAX_DATA} characters from A-Z, a-z and 0-9`);
    }
    const expiry = Math.ceil((this.#now() + this.#ttlMs) / 1000).toString(16).padStart(8, '0');
    const nonce = randomBytes(6).toString('hex');
    const body = `${VERSION}${expiry}${nonce}`;
    return `${body}${this.#mac(appId, body, data)}${data}`;
  }

  /** Checks a state from the redirect; throws `WxOpenError` `ERR_QUERY` naming what failed (format, signature, expiry). */
  verify(appId: string, state: unknown): VerifiedOAuthState {
    if (typeof state !== 'string' || state.length > 128 || !STATE_PATTERN.test(state)) throw invalid('is malformed');
    const body = state.slice(0, PREFIX_LENGTH);
    const mac = Buffer.from(state.slice(PREFIX_LENGTH, PREFIX_LENGTH + MAC_LENGTH), 'utf8');
    const data = state.slice(PREFIX_LENGTH + MAC_LENGTH);
    const expected = Buffer.from(this.#mac(appId, body, data), 'utf8');
    if (!timingSafeEqual(mac, expected)) throw invalid('signature does not verify');
    const expiresAt = parseInt(body.slice(VERSION.length, VERSION.length + 8), 16) * 1000;
    if (expiresAt <= this.#now()) throw invalid('has expired');
    return { data, expiresAt, nonce: body.slice(VERSION.length + 8) };
  }

  /** `verify`, then (with a store) marks the state used: a second `consume` of it throws `ERR_QUERY`. */
  async consume(appId: string, state: unknown): Promise<VerifiedOAuthState> {
    const verified = this.verify(appId, state);
    if (this.#store && this.#tag !== undefined) {
      const ttlMs = Math.max(1, verified.expiresAt - this.#now());
      const first = await this.#store.setIfAbsent(`${this.#tag}:oauth_state:${verified.nonce}`, '1', ttlMs);
      if (!first) throw invalid('was already used');
    }
    return verified;
  }

  #mac(appId: string, body: string, data: string): string {
    return createHmac('sha256', this.#key).update(`${appId}\n${body}\n${data}`).digest('hex').slice(0, MAC_LENGTH);
  }
}
