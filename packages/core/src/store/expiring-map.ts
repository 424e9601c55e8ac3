/**
 * The in-memory half of `MemoryStore` and `FileStore`: a map whose entries expire, checked lazily on read and
 * dropped by `sweep()`. Internal to the core (not exported from the package).
 */

/** What every entry carries: its expiry as epoch ms, or `Infinity` for none. */
export interface Expiring {
  readonly value: string;
  readonly expiresAt: number;
}

/**
 * The epoch-ms expiry for `ttlMs` (`Infinity` without a TTL). Throws the `TypeError` the `Store` contract asks
 * for when `ttlMs` is not a finite number greater than 0.
 */
export function expiryOf(ttlMs: number | undefined, now: number): number {
  if (ttlMs === undefined) return Infinity;
  if (typeof ttlMs !== 'number' || !Number.isFinite(ttlMs) || ttlMs <= 0) {
    throw new TypeError(`wxopen: a store TTL must be a finite number of milliseconds greater than 0 (got ${String(ttlMs)}); omit it to keep the entry`);
  }
  return now + Math.ceil(ttlMs);
}

/** Width of the expiry buckets `sweep` works through, in ms. */
const BUCKET_MS = 1_000;

function bucketOf(expiresAt: number): number {
  return Math.floor(expiresAt / BUCKET_MS);
}

/**
 * A map whose entries expire. Besides the map, every key set with an expiry is listed in the bucket of the
 * second its entry expires in, so that `sweep()` visits only the buckets whose time has come (and the keys in
 * them), not every entry: it can run often, and memory follows the live entries closely.
 *
 * Invariants: no bucket before `#cursor` exists, and every entry with an expiry is listed in a bucket from
 * `#cursor` up to the bucket of its expiry (or up to the cursor of the time it was set, if the clock went back).
 * So the expired entries are all listed in the buckets from `#cursor` to now. A key may be listed more than once
 * (it was set again); a listing whose entry is gone or expires in a later bucket is dropped when it is met.
 */
export class ExpiringMap<E extends Expiring> {
  readonly #entries = new Map<string, E>();
  readonly #now: () => number;
  readonly #buckets = new Map<number, string[]>();
  #cursor: number;

  constructor(now: () => number) {
    this.#now = now;
    this.#cursor = bucketOf(now());
  }

  /** The live entry of `key`; an expired one is dropped on the way. */
  get(key: string): E | undefined {
    const entry = this.#entries.get(key);
    if (entry !== undefined && entry.expiresAt <= this.#now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry;
  }

  /** Stores `entry` and returns the entry it replaced, live or not (a caller may care what it displaced). */
  set(key: string, entry: E): E | undefined {
    const previous = this.#entries.get(key);
    this.#entries.set(key, entry);
    if (entry.expiresAt !== Infinity) {
      const bucket = Math.max(bucketOf(entry.expiresAt), this.#cursor);
      // Already listed there when the replaced entry expired in the same bucket (see the invariants).
      if (previous === undefined || bucketOf(previous.expiresAt) !== bucket) {
        const keys = this.#buckets.get(bucket);
        if (keys === undefined) this.#buckets.set(bucket, [key]);
        else keys.push(key);
      }
    }
    return previous;
  }

  /** Removes `key` and returns the removed entry, live or not. */
  delete(key: string): E | undefined {
    const previous = this.#entries.get(key);
    if (previous !== undefined) this.#entries.delete(key);
    return previous;
  }

  /** Live entries, in insertion order. */
  *live(): IterableIterator<[string, E]> {
    const now = this.#now();
    for (const pair of this.#entries) if (pair[1].expiresAt > now) yield pair;
  }

  /**
   * Drops every expired entry; returns how many were dropped. Visits only the buckets from the cursor up to
   * the current second, so its cost follows the number of entries that expired since the last sweep.
   */
  sweep(): number {
    const now = this.#now();
    const last = Math.max(bucketOf(now), this.#cursor);
    let dropped = 0;
    if (last - this.#cursor <= this.#buckets.size) {
      for (let bucket = this.#cursor; bucket <= last; bucket++) dropped += this.#sweepBucket(bucket, now);
    } else {
      // A long idle time (or a clock that jumped): visit the buckets that exist rather than every second.
      const due = [...this.#buckets.keys()].filter((bucket) => bucket <= last).sort((a, b) => a - b);
      for (const bucket of due) dropped += this.#sweepBucket(bucket, now);
    }
    this.#cursor = last;
    return dropped;
  }

  /** Drops the expired entries listed in `bucket`; keeps listing those that expire later in it. */
  #sweepBucket(bucket: number, now: number): number {
    const keys = this.#buckets.get(bucket);
    if (keys === undefined) return 0;
    const end = (bucket + 1) * BUCKET_MS;
    const kept: string[] = [];
    let dropped = 0;
    for (const key of keys) {
      const entry = this.#entries.get(key);
      if (entry === undefined) continue;
      if (entry.expiresAt <= now) {
        this.#entries.delete(key);
        dropped++;
      } else if (entry.expiresAt < end) {
        kept.push(key); // expires later in this bucket (or its bucket was passed when it was set)
      }
    }
    if (kept.length === 0) this.#buckets.delete(bucket);
    else this.#buckets.set(bucket, kept);
    return dropped;
  }

  /** Entries held, expired or not (call `sweep()` first for a live count). */
  get size(): number {
    return this.#entries.size;
  }
}

/** How often the stores sweep expired entries by default, in ms. A sweep visits only what expired since the last. */
export const DEFAULT_SWEEP_INTERVAL_MS = 1_000;

/**
 * Calls a store's `sweep` every `intervalMs` (validated; default `DEFAULT_SWEEP_INTERVAL_MS`) on a timer that
 * never keeps the process alive. Returns the timer, for `clearInterval` on close.
 */
export function startSweeping(sweep: () => unknown, intervalMs = DEFAULT_SWEEP_INTERVAL_MS): NodeJS.Timeout {
  if (!(intervalMs > 0)) throw new TypeError('wxopen: option `sweepIntervalMs` must be a number of milliseconds greater than 0');
  const timer = setInterval(sweep, intervalMs);
  timer.unref();
  return timer;
}
