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

  /** Number of deliveries running in this process. */
  get running(): number {
    return this.#inflight.size;
  }

  deliver<R>(key: string | undefined, work: () => Promise<Produced<R>>, options: DeliveryOptions<R>): Promise<Outcome<R>> {
    if (key === undefined || options.ttlMs <= 0) {
      return this.#withDeadline(work().then((p) => ({ ...p, ran: true })), options, false);
    }
    const running = this.#inflight.get(key) as Promise<Run<R>> | undefined;
    if (running) return this.#withDeadline(running, options, true);
    // Registered before the first await, so a retry arriving a moment later in this process joins it.
    const task = this.#claimAndRun(key, work, options);
    this.#inflight.set(key, task);
    const forget = () => this.#inflight.delete(key);
    task.then(forget, forget);
    return this.#withDeadline(task, options, false);
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
      await store.set(key, DONE + (produced.xml ?? ''), ttlMs);
      return { ...produced, ran: true };
    } catch (error) {
      await store.compareAndDelete(key, this.#owner).catch(() => false);
      throw error;
    }
  }

  #withDeadline<R>(task: Promise<Run<R>>, options: DeliveryOptions<R>, joined: boolean): Promise<Outcome<R>> {
    const outcome = (run: Run<R>): Outcome<R> => ({ value: run.value, xml: run.xml, duplicate: joined || !run.ran, late: false });
    if (options.deadlineMs <= 0) return task.then(outcome);
    return new Promise<Outcome<R>>((resolve, reject) => {
      let settled = false;
      const timer = setTimeout(() => {
        settled = true;
        resolve({ value: undefined, xml: undefined, duplicate: joined, late: true });
        if (joined) return; // the first request of this delivery reports its own late result
        task.then(
          (run) => run.ran && options.onLate(run.value, undefined),
          (error: unknown) => options.onLate(undefined, error),
        );
      }, options.deadlineMs);
      task.then(
        (run) => {
          if (settled) return;
          clearTimeout(timer);
          resolve(outcome(run));
        },
        (error: unknown) => {
          if (settled) return;
          clearTimeout(timer);
          reject(error);
        },
      );
    });
  }
}
