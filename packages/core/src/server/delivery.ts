import { randomUUID } from 'node:crypto';
import type { Store } from '../store/types';

/** What the work of a delivery produced: its value and the rendered plain reply XML (`undefined` = `success`). */
export interface Produced<R> {
  readonly value: R | undefined;
  readonly xml: string | undefined;
}

/** How a request was answered. */
export interface Outcome<R> extends Produced<R> {
  /** `true` when this request did not run the work: it was a retry answered from the first delivery. */
  readonly duplicate: boolean;
  /** `true` when the deadline passed first: answer `success` now; the late reply goes to `onLate`. */
  readonly late: boolean;
}

export interface DeliveryOptions<R> {
  readonly store: Store;
  /** How long a delivery mark is kept, in ms (longer than WeChat's retry window of about 15 s). 0 disables dedup. */
  readonly ttlMs: number;
  /** Answer `success` after this many ms if the work has not finished. 0 disables. */
  readonly deadlineMs: number;
  /** Receives the result (or failure) of work that finished after its deadline. */
  readonly onLate: (value: R | undefined, error: unknown) => void;
}

interface Run<R> extends Produced<R> {
  /** Whether this process ran the work (as opposed to finding another delivery's mark). */
  readonly ran: boolean;
}

const PENDING = 'p:';
const DONE = 'd:';

function ranHere<R>(produced: Produced<R>): Run<R> {
  return { value: produced.value, xml: produced.xml, ran: true };
}

/** A request waiting for its work, until `at` (ms on the `performance.now()` clock). */
interface Waiting {
  readonly at: number;
  /** Set when the request is answered, by its work or by the deadline; the entry is then inert. */
  expire: (() => void) | undefined;
}

/**
 * The reply deadlines of one length. They end in the order they start, so a queue with one timer (armed for the
 * oldest waiting request) replaces a timer per request. Answered requests leave the front of the queue at once;
 * the timer keeps the process alive only while a request waits, as a timer per request would.
 */
class DeadlineQueue {
  readonly #ms: number;
  #queue: Waiting[] = [];
  #head = 0;
  #waiting = 0;
  #timer: NodeJS.Timeout | undefined;

  constructor(ms: number) {
    this.#ms = ms;
  }

  /** Calls `expire` after the deadline unless `settle` is called on the returned entry first. */
  add(expire: () => void): Waiting {
    const entry: Waiting = { at: performance.now() + this.#ms, expire };
    this.#queue.push(entry);
    if (++this.#waiting === 1) {
      if (this.#timer === undefined) this.#timer = setTimeout(() => this.#fire(), this.#ms);
      else this.#timer.ref();
    }
    return entry;
  }

  /** The request was answered by its work: its deadline no longer matters. */
  settle(entry: Waiting): void {
    if (entry.expire === undefined) return;
    entry.expire = undefined;
    if (--this.#waiting === 0) this.#timer?.unref();
    this.#dropAnswered();
  }

  #dropAnswered(): void {
    const queue = this.#queue;
    while (this.#head < queue.length && (queue[this.#head] as Waiting).expire === undefined) this.#head++;
    if (this.#head === queue.length) {
      queue.length = 0;
      this.#head = 0;
    } else if (this.#head >= 1024 && this.#head * 2 >= queue.length) {
      this.#queue = queue.slice(this.#head);
      this.#head = 0;
    }
  }

  #fire(): void {
    this.#timer = undefined;
    const now = performance.now();
    for (;;) {
      this.#dropAnswered();
      const next = this.#queue[this.#head];
      if (next === undefined) return;
      if (next.at > now) {
        this.#timer = setTimeout(() => this.#fire(), Math.ceil(next.at - now));
        return;
      }
      const expire = next.expire as () => void;
      next.expire = undefined;
      this.#waiting--;
      expire();
    }
  }
}

/**
 * Runs each delivery at most once, however often WeChat retries it, and answers within the deadline.
 *
 * A mark is taken in the store with set-if-absent before the work runs. A retry that finds the mark gets the
 * first delivery's reply: awaited in this process while it runs, read from the store once done, or `success`
 * while another process still runs it. Work that throws releases the mark so WeChat's next retry runs it again.
 */
export class Deliveries {
  readonly #inflight = new Map<string, Promise<Run<unknown>>>();
  readonly #owner = PENDING + randomUUID();
  readonly #deadlines = new Map<number, DeadlineQueue>();

  /** Number of deliveries running in this process. */
  get running(): number {
    return this.#inflight.size;
  }

  deliver<R>(key: string | undefined, work: () => Promise<Produced<R>>, options: DeliveryOptions<R>): Promise<Outcome<R>> {
    if (key === undefined || options.ttlMs <= 0) return this.#answer(work().then(ranHere), undefined, options, false);
    const running = this.#inflight.get(key) as Promise<Run<R>> | undefined;
    if (running) return this.#answer(running, undefined, options, true);
    // Registered before the first await, so a retry arriving a moment later in this process joins it.
    const task = this.#claimAndRun(key, work, options);
    this.#inflight.set(key, task);
    return this.#answer(task, key, options, false);
  }

  async #claimAndRun<R>(key: string, work: () => Promise<Produced<R>>, { store, ttlMs }: DeliveryOptions<R>): Promise<Run<R>> {
    if (!(await store.setIfAbsent(key, this.#owner, ttlMs))) {
      const mark = await store.get(key);
      if (mark?.startsWith(DONE)) return { value: undefined, xml: mark.slice(DONE.length) || undefined, ran: false };
      // Another process is running it: WeChat accepts `success`. A mark that vanished meanwhile is retaken.
      if (mark !== undefined || !(await store.setIfAbsent(key, this.#owner, ttlMs))) {
        return { value: undefined, xml: undefined, ran: false };
      }
    }
    try {
      const produced = await work();
      // Joined into one flat string: a store in memory holds the mark for the whole TTL.
      await store.set(key, [DONE, produced.xml ?? ''].join(''), ttlMs);
      return ranHere(produced);
    } catch (error) {
      await store.compareAndDelete(key, this.#owner).catch(() => false);
      throw error;
    }
  }

  /**
   * The outcome of `task` for one request, or `success` (`late`) when the deadline comes first. `key` is given
   * to the request that started the task: it forgets the in-flight entry once the task has settled.
   */
  #answer<R>(task: Promise<Run<R>>, key: string | undefined, options: DeliveryOptions<R>, joined: boolean): Promise<Outcome<R>> {
    return new Promise<Outcome<R>>((resolve, reject) => {
      const queue = options.deadlineMs > 0 ? this.#queueFor(options.deadlineMs) : undefined;
      const deadline = queue?.add(() => {
        resolve({ value: undefined, xml: undefined, duplicate: joined, late: true });
        if (joined) return; // the first request of this delivery reports its own late result
        task.then(
          (run) => run.ran && options.onLate(run.value, undefined),
          (error: unknown) => options.onLate(undefined, error),
        );
      });
      /** Whether the request is still waiting (not answered `success` by its deadline). */
      const settle = (): boolean => {
        if (key !== undefined) this.#inflight.delete(key);
        if (deadline === undefined) return true;
        if (deadline.expire === undefined) return false;
        (queue as DeadlineQueue).settle(deadline);
        return true;
      };
      task.then(
        (run) => settle() && resolve({ value: run.value, xml: run.xml, duplicate: joined || !run.ran, late: false }),
        (error: unknown) => settle() && reject(error),
      );
    });
  }

  #queueFor(ms: number): DeadlineQueue {
    let queue = this.#deadlines.get(ms);
    if (queue === undefined) {
      queue = new DeadlineQueue(ms);
      this.#deadlines.set(ms, queue);
    }
    return queue;
  }
}
