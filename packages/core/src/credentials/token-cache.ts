/**
 * Expiring tokens kept in a `Store`, and the one refresh rule shared by the component token and every
 * authorizer token: single-flight in the process, a lock across processes, re-read after taking the lock.
 * The store is the truth; the in-process map only coalesces concurrent callers.
 *
 * Failures are shared the same way as successes:
 * - in a process, every concurrent caller gets the one outcome of the one flight; a transient failure
 *   (HTTP 5xx, network error, errcode -1) is retried once inside the flight, not once per caller;
 * - across processes, the lock holder whose fetch failed records the failure under `<key>:failed` for a few
 *   seconds (its code and secret-free detail only), and the processes that were waiting for its lock fail at
 *   once with the same coded error instead of each taking the lock in turn and paying another timeout.
 * A timeout is not retried: a hung upstream would cost every caller a second full timeout.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { randomBytes } from 'node:crypto';
import { ErrCodeSystemBusy } from '../api/errcode';
import { WechatApiError, WxOpenError, isWxOpenError } from '../errors';
import type { WxOpenErrorCode } from '../errors';
import type { Lock, LockHandle, Store } from '../store/types';

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
  /** How long a failed fetch stays recorded for the processes that waited on it, ms (default 10 000). */
  readonly failureTtlMs?: number;
  /** Pause before the one retry of a transient failure, ms (default 200). */
  readonly retryDelayMs?: number;
  /**
   * Called once each time a caller starts waiting for a lock another holder has, with the lock name (for a log
   * line: a holder that died blocks its waiters until the lock's TTL runs out). A hook that throws is ignored.
   */
  readonly onLockWait?: (lockName: string) => void;
}

/** How long one call to `Lock.acquire` may wait before the waiter looks at the store again, ms. */
const WAIT_SLICE_MS = 250;

/** What `<key>:failed` holds: enough to rebuild the coded error, nothing secret. */
interface FailureRecord {
  /** Tells one failure from the next (waiters compare records). */
  readonly id: string;
  readonly code: WxOpenErrorCode;
  readonly detail?: string;
  readonly errcode?: number;
  readonly errmsg?: string;
  readonly api?: string;
}

/** The codes a token fetch fails with, which a recorded failure may carry. */
const RECORDED_CODES: ReadonlySet<string> = new Set<WxOpenErrorCode>([
  'ERR_NO_TICKET',
  'ERR_NO_REFRESH_TOKEN',
  'ERR_API',
  'ERR_API_HTTP',
  'ERR_API_TIMEOUT',
  'ERR_API_NETWORK',
  'ERR_API_RESPONSE',
  'ERR_LOCK_TIMEOUT',
  'ERR_STORE',
]);

/** A failure worth one more attempt: WeChat busy, a 5xx, or the network. Not a timeout (see above). */
export function isTransientFailure(error: unknown): boolean {
  if (error instanceof WechatApiError) return error.errcode === ErrCodeSystemBusy;
  if (!(error instanceof WxOpenError)) return false;
  if (error.code === 'ERR_API_NETWORK') return true;
  return error.code === 'ERR_API_HTTP' && / HTTP 5\d\d$/.test(error.detail ?? '');
}

function failureRecordOf(error: unknown): FailureRecord | undefined {
  if (!isWxOpenError(error) || !RECORDED_CODES.has(error.code)) return undefined;
  const id = randomBytes(8).toString('hex');
  if (error instanceof WechatApiError) return { id, code: error.code, errcode: error.errcode, errmsg: error.errmsg, api: error.api };
  return { id, code: error.code, detail: error.detail };
}

/** The coded error a recorded failure stands for. */
function errorOf(raw: string): WxOpenError {
  let record: Partial<FailureRecord> = {};
  try {
    record = JSON.parse(raw) as Partial<FailureRecord>;
  } catch {
    // unreadable: reported as a generic API failure below
  }
  if (typeof record.errcode === 'number') return new WechatApiError(record.errcode, String(record.errmsg ?? ''), String(record.api ?? ''));
  const code = typeof record.code === 'string' && RECORDED_CODES.has(record.code) ? record.code : 'ERR_API';
  return new WxOpenError(code, { detail: typeof record.detail === 'string' ? record.detail : undefined });
}

export class TokenCache {
  readonly #options: TokenCacheOptions;
  readonly #failureTtlMs: number;
  readonly #retryDelayMs: number;
  readonly #flights = new Map<string, Promise<string>>();

  constructor(options: TokenCacheOptions) {
    this.#options = options;
    this.#failureTtlMs = options.failureTtlMs ?? 10_000;
    this.#retryDelayMs = options.retryDelayMs ?? 200;
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
    const store = this.#options.store;
    const failedKey = `${request.key}:failed`;
    const usable = async () => {
      const cached = await this.read(request.key);
      return cached && request.accept(cached) ? cached.token : undefined;
    };
    const before = await usable();
    if (before !== undefined) return before;

    // A failure recorded before this refresh began is not this refresh's outcome: only a newer one is shared.
    const earlierFailure = await store.get(failedKey);
    const newFailure = async () => {
      const failure = await store.get(failedKey);
      return failure !== undefined && failure !== earlierFailure ? failure : undefined;
    };

    const acquired = await this.#acquire(request, usable, newFailure);
    if (typeof acquired === 'string') return acquired;
    try {
      // Another process may have refreshed, or failed, while this one waited for the lock.
      const after = await usable();
      if (after !== undefined) return after;
      const failed = await newFailure();
      if (failed !== undefined) throw errorOf(failed);
      let fresh: { readonly token: string; readonly expiresIn: number };
      try {
        fresh = await this.#fetchWithRetry(request);
      } catch (error) {
        await this.#recordFailure(failedKey, error);
        throw error;
      }
      return (await this.write(request.key, fresh.token, fresh.expiresIn)).token;
    } finally {
      await acquired.release().catch(() => false);
    }
  }

  /**
   * Takes the lock, or ends the wait early with the token another holder stored (resolved as a string) or the
   * failure it recorded (thrown). Waits in slices so that the store is looked at while waiting.
   */
  async #acquire(
    request: RefreshRequest,
    usable: () => Promise<string | undefined>,
    newFailure: () => Promise<string | undefined>,
  ): Promise<LockHandle | string> {
    const { lock, lockTtlMs } = this.#options;
    const waitMs = request.lockWaitMs ?? this.#options.lockWaitMs;
    const first = await lock.acquire(request.lockName, { ttlMs: lockTtlMs, waitMs: 0 });
    if (first) return first;
    if (waitMs > 0) {
      this.#notifyLockWait(request.lockName);
      const deadline = Date.now() + waitMs;
      for (;;) {
        const meanwhile = await usable();
        if (meanwhile !== undefined) return meanwhile;
        const failed = await newFailure();
        if (failed !== undefined) throw errorOf(failed);
        const slice = Math.min(deadline - Date.now(), WAIT_SLICE_MS);
        if (slice <= 0) break;
        const started = Date.now();
        const handle = await lock.acquire(request.lockName, { ttlMs: lockTtlMs, waitMs: slice });
        if (handle) return handle;
        // A lock that answers at once instead of waiting has decided: do not spin on it.
        if (Date.now() - started < slice / 2) break;
      }
    }
    const meanwhile = await usable();
    if (meanwhile !== undefined) return meanwhile;
    throw new WxOpenError('ERR_LOCK_TIMEOUT', { detail: request.lockName });
  }

  #notifyLockWait(lockName: string): void {
    try {
      this.#options.onLockWait?.(lockName);
    } catch {
      // A hook must never break the refresh it observes.
    }
  }

  async #fetchWithRetry(request: RefreshRequest): Promise<{ readonly token: string; readonly expiresIn: number }> {
    try {
      return await request.fetch();
    } catch (error) {
      if (!isTransientFailure(error)) throw error;
      await delay(this.#retryDelayMs);
      return request.fetch();
    }
  }

  /** Records a coded failure for the waiting processes (best effort: the caller's own error matters more). */
  async #recordFailure(failedKey: string, error: unknown): Promise<void> {
    const record = failureRecordOf(error);
    if (record === undefined) return;
    await this.#options.store.set(failedKey, JSON.stringify(record), this.#failureTtlMs).catch(() => undefined);
  }
}
