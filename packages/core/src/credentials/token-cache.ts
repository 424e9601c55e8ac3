/**
 * Expiring tokens kept in a `Store`, and the one refresh rule shared by the component token and every
 * authorizer token: single-flight in the process, a lock across processes, re-read after taking the lock.
 * The store is the truth; the in-process map only coalesces concurrent callers.
 */
import { WxOpenError } from '../errors';
import type { Lock, Store } from '../store/types';

/** A token as stored: the value and when the cached copy stops being used (epoch ms, margin applied). */
export interface CachedToken {
  readonly token: string;
  readonly expiresAt: number;
  /** How long the cached copy was to be used when it was stored, in ms (absent in tokens stored by older versions). */
  readonly lifetimeMs?: number;
}

/**
 * How long a token from WeChat is cached, in ms: `expires_in` minus a safety margin, as in the Go SDK
 * (over 1 h: −10 min; over 30 min: −5 min; over 5 min: −1 min; over 1 min: −10 s; shorter: half of it).
 */
export function cacheTtlMs(expiresInSeconds: number): number {
  const s = expiresInSeconds;
  if (s > 3600) return (s - 600) * 1000;
  if (s > 1800) return (s - 300) * 1000;
  if (s > 300) return (s - 60) * 1000;
  if (s > 60) return (s - 10) * 1000;
  return Math.max(1, Math.floor((s * 1000) / 2));
}

export interface RefreshRequest {
  /** Store key of the token. */
  readonly key: string;
  /** Lock name for this credential. */
  readonly lockName: string;
  /** Callers with the same flight key share one promise. */
  readonly flightKey: string;
  /** Whether a stored token is good enough to return without fetching. */
  readonly accept: (cached: CachedToken) => boolean;
  /** Fetches a new token from WeChat and returns it with its `expires_in` (seconds). */
  readonly fetch: () => Promise<{ readonly token: string; readonly expiresIn: number }>;
  /** How long to wait for the lock (default: the cache's `lockWaitMs`). */
  readonly lockWaitMs?: number;
}

export interface TokenCacheOptions {
  readonly store: Store;
  readonly lock: Lock;
  /** Lock lifetime, ms: longer than the slowest fetch. */
  readonly lockTtlMs: number;
  /** How long a caller waits for another holder's fetch, ms. */
  readonly lockWaitMs: number;
  readonly now: () => number;
}

export class TokenCache {
  readonly #options: TokenCacheOptions;
  readonly #flights = new Map<string, Promise<string>>();

  constructor(options: TokenCacheOptions) {
    this.#options = options;
  }

  /** The stored token, or `undefined` when absent, expired or unreadable. */
  async read(key: string): Promise<CachedToken | undefined> {
    const raw = await this.#options.store.get(key);
    if (raw === undefined) return undefined;
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      return undefined;
    }
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    const { token, expiresAt, lifetimeMs } = parsed as { token?: unknown; expiresAt?: unknown; lifetimeMs?: unknown };
    if (typeof token !== 'string' || token === '' || typeof expiresAt !== 'number') return undefined;
    if (expiresAt <= this.#options.now()) return undefined;
    return typeof lifetimeMs === 'number' ? { token, expiresAt, lifetimeMs } : { token, expiresAt };
  }

  /** Stores `token` for `expires_in` seconds minus the safety margin. */
  async write(key: string, token: string, expiresInSeconds: number): Promise<CachedToken> {
    const ttlMs = cacheTtlMs(expiresInSeconds);
    const cached = { token, expiresAt: this.#options.now() + ttlMs, lifetimeMs: ttlMs };
    await this.#options.store.set(key, JSON.stringify(cached), ttlMs);
    return cached;
  }

  /** Runs the refresh rule for one credential and resolves to the token to use. */
  refresh(request: RefreshRequest): Promise<string> {
    const running = this.#flights.get(request.flightKey);
    if (running) return running;
    const flight = this.#refresh(request).finally(() => this.#flights.delete(request.flightKey));
    this.#flights.set(request.flightKey, flight);
    return flight;
  }

  async #refresh(request: RefreshRequest): Promise<string> {
    const usable = async () => {
      const cached = await this.read(request.key);
      return cached && request.accept(cached) ? cached.token : undefined;
    };
    const before = await usable();
    if (before !== undefined) return before;

    const handle = await this.#options.lock.acquire(request.lockName, {
      ttlMs: this.#options.lockTtlMs,
      waitMs: request.lockWaitMs ?? this.#options.lockWaitMs,
    });
    if (!handle) {
      const meanwhile = await usable();
      if (meanwhile !== undefined) return meanwhile;
      throw new WxOpenError('ERR_LOCK_TIMEOUT', { detail: request.lockName });
    }
    try {
      // Another process may have refreshed while this one waited for the lock.
      const after = await usable();
      if (after !== undefined) return after;
      const fresh = await request.fetch();
      return (await this.write(request.key, fresh.token, fresh.expiresIn)).token;
    } finally {
      await handle.release().catch(() => false);
    }
  }
}
