/**
 * The authorization outbox: an authorization code pushed by WeChat (`authorized`, `updateauthorized`, a quick
 * registration) is written to the store before the push is acknowledged, then exchanged (`api_query_auth`) in the
 * background, with retries, until it succeeds or the code expires — across restarts and across processes.
 *
 * - Durable first: the push is answered `success` only once its code is in the outbox (a small JSON list under
 *   one key, updated with compare-and-set so that processes never overwrite each other).
 * - Once: a code is exchanged under a lease of its own (renewed while it works, so a killed process holds it up
 *   for seconds); the entry leaves the outbox when the exchange succeeded. An
 *   entry whose exchange was attempted before (by a process that may have died with WeChat's answer in flight) is
 *   first settled with `api_get_authorizer_info`, which carries the refresh token the exchange would have given,
 *   so a code is not spent twice.
 * - Patient: a missing ticket, an unreachable WeChat or store is retried with a growing delay (up to a minute), and
 *   at once when a ticket arrives. Every process looks at the outbox every `scanMs`, so the entries of a process
 *   that died are taken over.
 * - Visible: `pending()` lists the waiting codes (without the codes themselves); a code that finally fails (expired,
 *   or refused by WeChat) is reported as `ERR_AUTH_CODE` with the authorizer's appid.
 */
import { createHash } from 'node:crypto';
import { WechatApiError, WxOpenError } from '../errors';
import { ErrCodeAuthCodeExpired, ErrCodeAuthCodeInvalid } from '../api/errcode';
import type { QueuedAuthorization } from '../messages/info';
import { publish } from '../observe/channels';
import { takeLease } from '../store/lease';
import type { Store } from '../store/types';
import type { CredentialKeys } from './keys';

/** A waiting authorization code, as `pending()` shows it (the code itself is a credential and is left out). */
export interface PendingAuthorization {
  readonly authorizerAppId: string;
  /** The push it came from (`authorized`, `updateauthorized`, `notify_third_fasteregister`). */
  readonly source: string;
  /** When the code expires, epoch ms. */
  readonly expiresAt: number;
  /** When it was queued, epoch ms. */
  readonly queuedAt: number;
  /** Exchanges attempted so far (by any process). */
  readonly attempts: number;
}

interface Entry {
  /** authorizer appid */
  readonly a: string;
  /** the code */
  readonly c: string;
  /** expires at, epoch ms */
  readonly e: number;
  /** source push */
  readonly s: string;
  /** queued at, epoch ms */
  readonly q: number;
  /** attempts */
  readonly n: number;
}

export interface OutboxOptions {
  readonly store: Store;
  readonly keys: CredentialKeys;
  /** Exchanges a code (`api_query_auth`, storing the tokens). */
  readonly exchange: (code: string) => Promise<unknown>;
  /** Settles an authorizer without its code: `true` when WeChat gave its refresh token (`api_get_authorizer_info`). */
  readonly settle: (authorizerAppId: string) => Promise<boolean>;
  /** Called when an exchange succeeded (e.g. to learn the authorizer's original id). */
  readonly onExchanged: (authorizerAppId: string) => void;
  /** A code that will not be exchanged (`ERR_AUTH_CODE`), or a failure worth a log line while retrying. */
  readonly onError: (error: WxOpenError, authorizerAppId: string | undefined) => void;
  /** How often every process looks for work, in ms. */
  readonly scanMs: number;
  /** Delay before the first retry of a code, doubled each time up to `retryMaxMs`. */
  readonly retryFirstMs: number;
  readonly retryMaxMs: number;
  readonly now: () => number;
}

/** The lease on one code while it is worked on: a process killed mid-exchange holds it up at most this long. */
const LEASE_MS = 3_000;
/** Compare-and-set rounds before an update gives up (only under heavy contention on one key). */
const MAX_CAS_ROUNDS = 50;

function idOf(code: string): string {
  return createHash('sha256').update(code).digest('base64url').slice(0, 16);
}

function parse(raw: string | undefined): Entry[] {
  if (raw === undefined) return [];
  try {
    const value: unknown = JSON.parse(raw);
    return Array.isArray(value) ? (value as Entry[]).filter((e) => typeof e?.c === 'string' && typeof e.a === 'string') : [];
  } catch {
    return [];
  }
}

function isCodeRefused(error: unknown): boolean {
  return error instanceof WechatApiError && (error.errcode === ErrCodeAuthCodeInvalid || error.errcode === ErrCodeAuthCodeExpired);
}

export class AuthorizationOutbox {
  readonly #o: OutboxOptions;
  /** Codes being worked on in this process, and when each may be tried again. */
  readonly #busy = new Set<string>();
  readonly #retryAt = new Map<string, { at: number; delay: number }>();
  readonly #running = new Set<Promise<void>>();
  #timer: NodeJS.Timeout | undefined;
  #closed = false;
  /** The last look at the outbox failed (the store is down): its failure was reported once. */
  #unreadable = false;

  constructor(options: OutboxOptions) {
    this.#o = options;
  }

  /** Starts looking for work now and every `scanMs` (the timer never keeps the process alive). */
  start(): void {
    if (this.#timer !== undefined || this.#closed) return;
    this.#timer = setInterval(() => this.kick(), this.#o.scanMs);
    this.#timer.unref();
    this.kick();
  }

  /** Adds a code durably (once: a code already queued is not added again). */
  async add(authorization: QueuedAuthorization): Promise<void> {
    const entry: Entry = {
      a: authorization.authorizerAppId,
      c: authorization.code,
      e: authorization.expiresAt,
      s: authorization.source,
      q: this.#o.now(),
      n: 0,
    };
    await this.#update((entries) => (entries.some((e) => e.c === entry.c) ? undefined : [...entries, entry]));
    publish('wxopen:outbox', () => ({ authorizerAppId: entry.a, outcome: 'queued' }));
    this.kick();
  }

  /** The codes waiting for their exchange. */
  async pending(): Promise<PendingAuthorization[]> {
    return parse(await this.#o.store.get(this.#o.keys.outbox)).map((e) => ({
      authorizerAppId: e.a,
      source: e.s,
      expiresAt: e.e,
      queuedAt: e.q,
      attempts: e.n,
    }));
  }

  /** Looks for work now: every entry not being worked on here and not waiting for its retry delay. */
  kick(): void {
    if (this.#closed) return;
    const run = this.#drain().then(
      () => {
        this.#unreadable = false;
      },
      (error: unknown) => {
        // One report per outage of the store, not one per scan.
        if (!this.#unreadable) this.#report(error, undefined);
        this.#unreadable = true;
      },
    );
    this.#running.add(run);
    void run.finally(() => this.#running.delete(run));
  }

  /** Something the codes may have been waiting for arrived (a verify ticket): retry them all now. */
  wake(): void {
    this.#retryAt.clear();
    this.kick();
  }

  /** Waits until the work started so far is over (for tests and shutdown). */
  async idle(): Promise<void> {
    while (this.#running.size > 0) await Promise.allSettled([...this.#running]);
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer !== undefined) clearInterval(this.#timer);
    await this.idle();
  }

  async #drain(): Promise<void> {
    const entries = parse(await this.#o.store.get(this.#o.keys.outbox));
    const now = this.#o.now();
    await Promise.all(
      entries
        .filter((e) => !this.#busy.has(e.c) && (this.#retryAt.get(e.c)?.at ?? 0) <= now)
        .map((e) => this.#work(e)),
    );
  }

  async #work(seen: Entry): Promise<void> {
    this.#busy.add(seen.c);
    try {
      const handle = await takeLease(this.#o.store, this.#o.keys.outboxLock(idOf(seen.c)), LEASE_MS);
      if (handle === undefined) return; // another process is on it
      try {
        // Read again under the lock: another process may have finished it meanwhile.
        const entry = parse(await this.#o.store.get(this.#o.keys.outbox)).find((e) => e.c === seen.c);
        if (entry !== undefined) await this.#exchange(entry);
      } finally {
        await handle.release();
      }
    } catch (error) {
      this.#retryLater(seen, error);
    } finally {
      this.#busy.delete(seen.c);
    }
  }

  async #exchange(entry: Entry): Promise<void> {
    if (this.#o.now() >= entry.e) {
      await this.#remove(entry);
      this.#fail(entry, 'expired before it could be exchanged');
      return;
    }
    // An earlier attempt may have reached WeChat (the code is then spent): settle without spending it again.
    if (entry.n > 0 && (await this.#o.settle(entry.a))) {
      await this.#done(entry);
      return;
    }
    await this.#update((entries) => entries.map((e) => (e.c === entry.c ? { ...e, n: e.n + 1 } : e)));
    try {
      await this.#o.exchange(entry.c);
    } catch (error) {
      if (!isCodeRefused(error)) throw error;
      // Refused (61009/61010): spent by an attempt whose answer was lost, or really invalid.
      if (await this.#o.settle(entry.a)) {
        await this.#done(entry);
        return;
      }
      await this.#remove(entry);
      this.#fail(entry, 'refused by WeChat', error);
      return;
    }
    await this.#done(entry);
  }

  async #done(entry: Entry): Promise<void> {
    await this.#remove(entry);
    this.#retryAt.delete(entry.c);
    publish('wxopen:outbox', () => ({ authorizerAppId: entry.a, outcome: 'exchanged' }));
    this.#o.onExchanged(entry.a);
  }

  #remove(entry: Entry): Promise<void> {
    return this.#update((entries) => (entries.some((e) => e.c === entry.c) ? entries.filter((e) => e.c !== entry.c) : undefined));
  }

  /** Applies `change` to the list with compare-and-set; `change` returns `undefined` for "nothing to do". */
  async #update(change: (entries: Entry[]) => Entry[] | undefined): Promise<void> {
    const { store, keys } = this.#o;
    for (let round = 0; round < MAX_CAS_ROUNDS; round++) {
      const raw = await store.get(keys.outbox);
      const next = change(parse(raw));
      if (next === undefined) return;
      const text = JSON.stringify(next);
      const written = raw === undefined ? await store.setIfAbsent(keys.outbox, text) : await store.compareAndSet(keys.outbox, raw, text);
      if (written) return;
    }
    throw new WxOpenError('ERR_STORE', { detail: 'the authorization outbox changed too often to update' });
  }

  #retryLater(entry: Entry, error: unknown): void {
    const previous = this.#retryAt.get(entry.c);
    const delay = previous === undefined ? this.#o.retryFirstMs : Math.min(previous.delay * 2, this.#o.retryMaxMs);
    this.#retryAt.set(entry.c, { at: this.#o.now() + delay, delay });
    publish('wxopen:outbox', () => ({ authorizerAppId: entry.a, outcome: 'retrying', code: error instanceof WxOpenError ? error.code : undefined }));
    // One line when a code starts failing (not one per retry); its final failure is reported too.
    if (previous === undefined) this.#report(error, entry.a);
    if (!this.#closed) setTimeout(() => this.kick(), delay).unref();
  }

  #fail(entry: Entry, why: string, cause?: unknown): void {
    this.#retryAt.delete(entry.c);
    publish('wxopen:outbox', () => ({ authorizerAppId: entry.a, outcome: 'failed', code: 'ERR_AUTH_CODE' }));
    this.#o.onError(new WxOpenError('ERR_AUTH_CODE', { detail: `${entry.s} of ${entry.a} ${why}`, cause }), entry.a);
  }

  #report(error: unknown, authorizerAppId: string | undefined): void {
    const coded = error instanceof WxOpenError ? error : new WxOpenError('ERR_AUTH_CODE', { detail: 'exchange failed, retrying', cause: error });
    this.#o.onError(coded, authorizerAppId);
  }
}
