/**
 * The acknowledgement contract: a push answered 200 has been done, or is durably on its way to being done.
 *
 * A push's identity is its exact plaintext, which WeChat repeats byte for byte when it retries (re-encrypted,
 * with a new timestamp and nonce), and which differs in some byte between any two distinct pushes. So no kind
 * can lack an identity or share one with another push, and kinds wxopen does not know yet are covered too.
 *
 * Each delivery goes through:
 * 1. **claim** — in this process (a store only this process sees) or with a leased mark in the shared store
 *    (`set-if-absent` with a short lease, renewed while the work runs). A retry that finds a live mark of another
 *    process waits for its outcome up to the deadline; a mark whose holder died expires with its lease and is
 *    retaken, so WeChat's next attempt runs the push.
 * 2. **effect** — durable work that must be done before `success` may be answered (keeping a verify ticket,
 *    queueing an authorization code). A failure releases the claim and is answered 5xx.
 * 3. **run** — the handlers. If they are still running at the reply deadline, `success` is answered (the push is
 *    claimed by this live process) and their reply goes to `onLate`: a late reply goes out once, never also to a
 *    retry. A failure releases the claim so WeChat's retry runs the push again.
 * 4. **done** — the reply is kept in this process for `ttlMs` for WeChat's retries (`KeptReplies`, outside the JS
 *    heap), and the push is remembered until its timestamp leaves the accepted window, so a replay of the same
 *    signed request is not run again: in the shared store as a bare mark (no plaintext, no reply), or in this
 *    process's `ReplayGuard`. That guard is written to the store when the server closes (`save`) and read back
 *    by the next `Deliveries` on the same store, which answers no push before it has: a file store keeps replay
 *    refusal across a graceful restart (a crash loses the marks made since the last graceful close, not those).
 *
 * Store calls are bounded by the store they are given (see `GuardedStore`): an unreachable store fails the claim
 * with `ERR_STORE`, answered 503, never `success`.
 */
import * as crypto from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { WxOpenError } from '../errors';
import type { Store } from '../store/types';
import { TimeoutQueue, TimeoutQueues } from '../util/timeout-queue';
import type { Timeout } from '../util/timeout-queue';
import { KeptReplies } from './kept-replies';
import { ReplayGuard, fingerprintOfKey } from './replay-guard';
import type { Fingerprint } from './replay-guard';

/** What the handlers of a delivery produced: their value and the rendered reply message (`undefined` = `success`). */
export interface Produced<R> {
  readonly value: R | undefined;
  readonly reply: string | undefined;
}

/** How one request of a delivery is answered. */
export interface Outcome<R> extends Produced<R> {
  /** This request did not run the handlers: it was a retry or a replay, answered from the first delivery. */
  readonly duplicate: boolean;
  /** The deadline came first: answer `success` now; the reply goes to `onLate`. */
  readonly late: boolean;
}

export interface Delivery<R> {
  /** The push's identity: its exact plaintext. */
  readonly identity: string;
  /** The push's signed `timestamp`, in seconds. */
  readonly timestamp: number;
  /** Durable work to finish before the push may be acknowledged. */
  readonly effect?: () => Promise<void>;
  /** The handlers; they may finish after the deadline. */
  readonly run: () => Promise<Produced<R>>;
  /** What the handlers produced, or their failure, when the deadline answered first. */
  readonly onLate: (value: R | undefined, error: unknown) => void;
  /** A failure of bookkeeping after the answer (a done mark that could not be written). */
  readonly onError: (error: unknown) => void;
}

export interface DeliveriesOptions {
  /** Where claims are kept when it is shared (`store.shared !== false`); a bounded store (`GuardedStore`). */
  readonly store: Store;
  /** Prefix of the marks in the store, with the component's hash tag: `{wx…}:`. */
  readonly keyPrefix: string;
  /** How long a finished delivery's reply is kept for WeChat's retries, in ms. 0 turns deduplication off. */
  readonly ttlMs: number;
  /** Answer `success` once this many ms have passed and the delivery is claimed (0 turns it off). */
  readonly deadlineMs: number;
  /** Lifetime of a claim in the shared store, renewed while the work runs, in ms. */
  readonly leaseMs: number;
  /** How long a push's timestamp stays accepted, in seconds (0: no limit, replays are only caught for `ttlMs`). */
  readonly windowSeconds: number;
  /** How often a retry polls the shared store for another process's outcome, in ms (default 50). */
  readonly pollMs?: number;
  readonly now: () => number;
  /** A failure of bookkeeping that belongs to no delivery: the replay marks kept at the last shutdown could not be read. */
  readonly onError?: (error: unknown) => void;
}

/** The deliveries this process runs and remembers, and the memory that takes (all of it outside the JS heap). */
export interface DeliveryMemory {
  /** Deliveries whose handlers are running. */
  readonly running: number;
  /** Finished deliveries whose retries are answered from memory (for `dedupTtlMs`), and their bytes. */
  readonly kept: number;
  readonly keptBytes: number;
  /** Pushes remembered against replays while their timestamp is accepted, and their bytes (0 on a shared store: its marks do it). */
  readonly replayMarks: number;
  readonly replayBytes: number;
}

interface Finished<R> {
  readonly produced: Produced<R> | undefined;
}

/**
 * One delivery running in this process (once finished, what its retries get moves to `KeptReplies`). Most
 * deliveries never see a retry, so the flight holds no promise of its own: a retry that joins it registers a waiter.
 */
class Flight<R> {
  /** The deadline answered `success`: the reply belongs to `onLate`, retries get `success`. */
  acknowledged = false;
  #waiters: Array<(outcome: { finished?: Finished<R>; error?: unknown }) => void> | undefined;

  constructor(
    readonly key: string,
    readonly fingerprint: Fingerprint,
  ) {}

  /** What the first request's work produced, once it is over (rejects with its failure). */
  finished(): Promise<Finished<R>> {
    return new Promise<Finished<R>>((resolve, reject) => {
      (this.#waiters ??= []).push(({ finished, error }) => (finished === undefined ? reject(error) : resolve(finished)));
    });
  }

  finish(finished: Finished<R>): void {
    this.#settle({ finished });
  }

  fail(error: unknown): void {
    this.#settle({ error });
  }

  #settle(outcome: { finished?: Finished<R>; error?: unknown }): void {
    const waiters = this.#waiters;
    this.#waiters = undefined;
    if (waiters !== undefined) for (const wake of waiters) wake(outcome);
  }
}

const DONE = 'd';
const PENDING = 'p:';

function duplicate<R>(reply: string | undefined = undefined): Outcome<R> {
  return { value: undefined, reply, duplicate: true, late: false };
}

function late<R>(): Outcome<R> {
  return { value: undefined, reply: undefined, duplicate: false, late: true };
}

/** SHA-256 of `text` as base64url, in one call where Node has `crypto.hash` (20.12+), else through a `Hash`. */
const hashBase64url: (text: string) => string =
  typeof crypto.hash === 'function'
    ? (text) => crypto.hash('sha256', text, 'base64url')
    : (text) => crypto.createHash('sha256').update(text).digest('base64url');

/** Runs each push at most once however often it arrives, and answers within the deadline (see the file comment). */
export class Deliveries {
  readonly #options: DeliveriesOptions;
  readonly #shared: boolean;
  readonly #flights = new Map<string, Flight<unknown>>();
  readonly #leases: TimeoutQueue;
  /** This process's claims of running deliveries in the shared store. */
  readonly #deadlines = new TimeoutQueues(true);
  readonly #replays: ReplayGuard;
  /** Finished deliveries, for their retries (`ttlMs`). */
  readonly #kept: KeptReplies | undefined;
  /** This process's claim value: unique, short (it is stored once per running delivery). */
  readonly #pending = PENDING + crypto.randomBytes(9).toString('base64url');
  readonly #sweeper: NodeJS.Timeout;
  /** Reading back the replay marks of the last shutdown: deliveries wait for it. */
  #restoring: Promise<void> | undefined;

  constructor(options: DeliveriesOptions) {
    this.#options = options;
    this.#shared = options.store.shared !== false;
    this.#kept = options.ttlMs > 0 ? new KeptReplies(options.ttlMs, options.now) : undefined;
    // Frees the memory of expired retention spans while no delivery comes to do it.
    this.#sweeper = setInterval(() => this.#kept?.prune(), 1000);
    this.#sweeper.unref();
    this.#leases = new TimeoutQueue(Math.max(1, Math.floor(options.leaseMs / 3)), false);
    this.#replays = new ReplayGuard(options.windowSeconds, options.now);
    // Cleared in a later turn, never before it is set: a store whose `get` throws before returning a promise
    // would otherwise leave a settled `#restoring` behind, and every delivery would wait on it again and again.
    if (this.#keepsReplays) {
      const done = (): void => {
        this.#restoring = undefined;
      };
      this.#restoring = this.#restore().then(done, done);
    }
  }

  /** Whether this process remembers replays itself (a store only it sees, deduplication on, a window). */
  get #keepsReplays(): boolean {
    return !this.#shared && this.#options.ttlMs > 0 && this.#options.windowSeconds > 0;
  }

  get #snapshotKey(): string {
    return `${this.#options.keyPrefix}replays`;
  }

  /**
   * Reads back the replay marks the last `save` left in the store. They stay there until the next `save` replaces
   * them (a superset: they are in this process's guard now), so a crash of this process still leaves them to the next
   * one; marks unreadable are deleted, else every start would report them again.
   */
  async #restore(): Promise<void> {
    try {
      const text = await this.#options.store.get(this.#snapshotKey);
      if (text === undefined) return;
      try {
        this.#replays.load(text);
      } catch (cause) {
        this.#options.onError?.(new WxOpenError('ERR_STORE', { detail: 'the replay marks kept at the last shutdown are unreadable: left out', cause }));
        await this.#options.store.delete(this.#snapshotKey);
      }
    } catch (error) {
      this.#options.onError?.(error);
    }
  }

  /**
   * Writes this process's replay marks to the store (one entry without a TTL; the marks carry their timestamps),
   * for the next process on it: call it once no delivery runs any more, before the store closes.
   */
  async save(): Promise<void> {
    if (!this.#keepsReplays) return;
    await this.#restoring;
    const text = this.#replays.save();
    if (text !== undefined) await this.#options.store.set(this.#snapshotKey, text);
  }

  /** What this process holds for the contract: what `health().deliveries` reports. */
  get memory(): DeliveryMemory {
    const replays = this.#replays.footprint;
    const kept = this.#kept?.footprint ?? { pushes: 0, bytes: 0 };
    return { running: this.#flights.size, kept: kept.pushes, keptBytes: kept.bytes, replayMarks: replays.pushes, replayBytes: replays.bytes };
  }

  deliver<R>(delivery: Delivery<R>): Promise<Outcome<R>> {
    if (this.#options.ttlMs <= 0) return this.#lead(undefined, delivery, undefined);
    if (this.#restoring !== undefined) return this.#restoring.then(() => this.deliver(delivery));
    // One-shot SHA-256 into base64url: the cheapest form that gives both a key and a fingerprint. Running flights are
    // found by the whole digest, finished pushes by its first 62 bits; a shared store gets the first 22 characters
    // (132 bits), the form its marks have always had.
    const key = hashBase64url(delivery.identity);
    const running = this.#flights.get(key) as Flight<R> | undefined;
    if (running !== undefined) return this.#join(running);
    const fingerprint = fingerprintOfKey(key);
    const kept = this.#kept?.get(fingerprint);
    if (kept !== undefined) return Promise.resolve(duplicate(kept ?? undefined));
    if (!this.#shared && this.#replays.has(fingerprint, delivery.timestamp)) return Promise.resolve(duplicate());
    const flight = new Flight<R>(key, fingerprint);
    this.#flights.set(key, flight as Flight<unknown>);
    return this.#lead(flight, delivery, this.#shared ? key.slice(0, 22) : key);
  }

  /** A retry in this process while the first delivery runs. */
  async #join<R>(flight: Flight<R>): Promise<Outcome<R>> {
    if (flight.acknowledged) return duplicate();
    let waited: Finished<R> | undefined;
    try {
      waited = await this.#withDeadline(flight.finished());
    } catch (error) {
      if (flight.acknowledged) return duplicate(); // the first request was answered `success`: so is its retry
      throw error;
    }
    if (waited === undefined || flight.acknowledged) return duplicate();
    return duplicate(waited.produced?.reply);
  }

  /** `promise`'s value, or `undefined` once the reply deadline has passed. */
  #withDeadline<T>(promise: Promise<T>): Promise<T | undefined> {
    const ms = this.#options.deadlineMs;
    if (ms <= 0) return promise;
    return new Promise<T | undefined>((resolve, reject) => {
      const timeout = this.#deadlines.after(ms, () => resolve(undefined));
      promise.then(
        (value) => {
          timeout.cancel();
          resolve(value);
        },
        (error: unknown) => {
          timeout.cancel();
          reject(error);
        },
      );
    });
  }

  /** The first request of a delivery in this process: claim, effect, run, done. */
  #lead<R>(flight: Flight<R> | undefined, delivery: Delivery<R>, key: string | undefined): Promise<Outcome<R>> {
    return new Promise<Outcome<R>>((resolve, reject) => {
      let answered = false;
      let acknowledgeable = false;
      let deadlinePassed = false;
      let deadline: Timeout | undefined;
      const answer = (outcome: Outcome<R>): void => {
        if (answered) return;
        answered = true;
        deadline?.cancel();
        resolve(outcome);
      };
      const acknowledgeLate = (): void => {
        if (answered) return;
        if (flight) flight.acknowledged = true;
        answer(late());
      };
      if (this.#options.deadlineMs > 0) {
        deadline = this.#deadlines.after(this.#options.deadlineMs, () => {
          deadlinePassed = true;
          if (acknowledgeable) acknowledgeLate();
        });
      }
      const markKey = key !== undefined && this.#shared ? `${this.#options.keyPrefix}d:${key}` : undefined;

      const work = async (): Promise<void> => {
        if (markKey !== undefined) {
          const claim = await this.#claim(markKey, deadline);
          if (claim !== 'claimed') {
            this.#forget(flight);
            flight?.finish({ produced: undefined });
            answer(duplicate());
            return;
          }
        }
        const lease = markKey === undefined ? undefined : this.#renewLease(markKey);
        let produced: Produced<R>;
        try {
          if (delivery.effect !== undefined) await delivery.effect(); // most pushes have none: no await, no turn of the queue
          acknowledgeable = true;
          if (deadlinePassed) acknowledgeLate();
          produced = await delivery.run();
        } catch (error) {
          lease?.stop();
          if (markKey !== undefined) await this.#options.store.compareAndDelete(markKey, this.#pending).catch(() => false);
          this.#forget(flight);
          flight?.fail(error);
          if (answered) delivery.onLate(undefined, error);
          else {
            answered = true;
            deadline?.cancel();
            reject(error);
          }
          return;
        }
        lease?.stop();
        if (answered) delivery.onLate(produced.value, undefined);
        else answer({ value: produced.value, reply: produced.reply, duplicate: false, late: false });
        flight?.finish({ produced });
        if (flight !== undefined) await this.#remember(flight, produced.reply, markKey, delivery);
      };
      work().catch((error: unknown) => {
        // A failure before the work ran (the claim): nothing was done; answered 5xx so WeChat retries.
        this.#forget(flight);
        flight?.fail(error);
        if (!answered) {
          answered = true;
          deadline?.cancel();
          reject(error);
        } else {
          delivery.onError(error);
        }
      });
    });
  }

  /** Keeps a finished delivery for retries (`ttlMs`) and for replays (until its timestamp leaves the window). */
  async #remember<R>(flight: Flight<R>, reply: string | undefined, markKey: string | undefined, delivery: Delivery<R>): Promise<void> {
    // From here its retries are answered from `#kept`: the flight (running, or joined by a retry) is let go.
    this.#forget(flight);
    this.#kept?.add(flight.fingerprint, flight.acknowledged ? undefined : reply);
    if (markKey === undefined) {
      this.#replays.add(flight.fingerprint, delivery.timestamp);
      return;
    }
    const window = this.#options.windowSeconds;
    const replayMs = window > 0 ? (delivery.timestamp + window) * 1000 - this.#options.now() + 1000 : 0;
    try {
      await this.#options.store.set(markKey, DONE, Math.max(this.#options.ttlMs, Math.ceil(replayMs)));
    } catch (error) {
      delivery.onError(error);
    }
  }

  /** Forgets `flight` (a newer flight of the same push stays). */
  #forget<R>(flight: Flight<R> | undefined): void {
    if (flight !== undefined && this.#flights.get(flight.key) === (flight as Flight<unknown>)) this.#flights.delete(flight.key);
  }

  /** Stops the retention sweep (a `Deliveries` that is done with). */
  close(): void {
    clearInterval(this.#sweeper);
  }

  /**
   * Claims `markKey` in the shared store: `claimed`, or `duplicate` when another delivery ran it or is running it
   * in a live process (waited for up to the deadline).
   */
  async #claim(markKey: string, deadline: Timeout | undefined): Promise<'claimed' | 'duplicate'> {
    const { store, leaseMs } = this.#options;
    const pollMs = this.#options.pollMs ?? 50;
    for (;;) {
      if (await store.setIfAbsent(markKey, this.#pending, leaseMs)) return 'claimed';
      const mark = await store.get(markKey);
      if (mark === undefined) continue; // released or expired meanwhile
      // A claim of this process whose request failed before it ran (its call timed out, then landed).
      if (mark === this.#pending) {
        if (await store.compareAndSet(markKey, mark, mark, leaseMs)) return 'claimed';
        continue;
      }
      if (!mark.startsWith(PENDING)) return 'duplicate';
      // Another process holds it: wait for its outcome while this request may still wait.
      if (deadline !== undefined && !deadline.pending) return 'duplicate';
      await sleep(pollMs);
    }
  }

  /**
   * Renews a claim's lease every third of its lifetime while the work runs (most work ends before the first
   * renewal, so a shared queue of timeouts costs less than a timer per delivery).
   */
  #renewLease(markKey: string): { stop(): void } {
    const { store, leaseMs } = this.#options;
    let next: Timeout;
    const renew = (): void => {
      store.compareAndSet(markKey, this.#pending, this.#pending, leaseMs).catch(() => false);
      next = this.#leases.add(renew);
    };
    next = this.#leases.add(renew);
    return { stop: () => next.cancel() };
  }
}
