/**
 * Timeouts of one fixed length, with one timer. Timeouts of the same length end in the order they start, so a
 * FIFO queue and a timer armed for the oldest one replace a timer per timeout (measured on the callback path:
 * arming and clearing a `setTimeout` per request cost more than the rest of the dedup bookkeeping). Cancelled
 * entries leave the front of the queue at once; the timer keeps the process alive only while `ref` entries wait.
 */

/** A pending timeout; `cancel` it when what it guards finished first. */
export interface Timeout {
  /** `true` until it fired or was cancelled. */
  readonly pending: boolean;
  cancel(): void;
}

class Entry implements Timeout {
  constructor(
    readonly at: number,
    public fire: (() => void) | undefined,
    readonly queue: TimeoutQueue,
  ) {}

  get pending(): boolean {
    return this.fire !== undefined;
  }

  cancel(): void {
    this.queue.cancel(this);
  }
}

export class TimeoutQueue {
  readonly ms: number;
  readonly #keepAlive: boolean;
  #queue: Entry[] = [];
  #head = 0;
  #waiting = 0;
  /** The one timer of this queue, armed for the entry due at `#armedAt`; never more than one. */
  #timer: NodeJS.Timeout | undefined;
  #armedAt = 0;
  /** Set while `#fire` runs: a callback that adds a timeout then must not arm a second timer. */
  #firing = false;

  /**
   * @param ms the length of every timeout
   * @param keepAlive whether a waiting timeout keeps the process alive (reply deadlines do; housekeeping does not)
   */
  constructor(ms: number, keepAlive = true) {
    this.ms = ms;
    this.#keepAlive = keepAlive;
  }

  /** Calls `fire` after `ms` unless the returned timeout is cancelled first. */
  add(fire: () => void): Timeout {
    const entry = new Entry(performance.now() + this.ms, fire, this);
    this.#queue.push(entry);
    if (++this.#waiting === 1 && this.#keepAlive) this.#timer?.ref();
    if (this.#timer === undefined && !this.#firing) this.#arm(entry.at, this.ms);
    return entry;
  }

  /** @internal */
  cancel(entry: Entry): void {
    if (entry.fire === undefined) return;
    entry.fire = undefined;
    if (--this.#waiting === 0) this.#timer?.unref();
    this.#dropDone();
  }

  #arm(at: number, delay: number): void {
    this.#armedAt = at;
    this.#timer = setTimeout(() => this.#fire(), delay);
    if (!this.#keepAlive || this.#waiting === 0) this.#timer.unref();
  }

  #dropDone(): void {
    const queue = this.#queue;
    while (this.#head < queue.length && (queue[this.#head] as Entry).fire === undefined) this.#head++;
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
    // Node's timers run on the event loop's cached clock, which lags `performance.now()` by the time the loop
    // has spent in this turn: a timer can fire a little before its entry is due by `performance.now()`. The entry
    // it was armed for is due all the same, so every firing makes progress (no re-arming for a few microseconds).
    const now = Math.max(performance.now(), this.#armedAt);
    this.#firing = true;
    try {
      for (;;) {
        this.#dropDone();
        const next = this.#queue[this.#head];
        if (next === undefined) return;
        if (next.at > now) {
          this.#arm(next.at, Math.ceil(next.at - now));
          return;
        }
        const fire = next.fire as () => void;
        next.fire = undefined;
        this.#waiting--;
        fire();
      }
    } finally {
      this.#firing = false;
      // A callback threw: the entries after it still get their timer.
      if (this.#timer === undefined && this.#head < this.#queue.length) this.#arm(now, 1);
    }
  }
}

/** One `TimeoutQueue` per length, made on first use. */
export class TimeoutQueues {
  readonly #queues = new Map<number, TimeoutQueue>();
  readonly #keepAlive: boolean;

  constructor(keepAlive = true) {
    this.#keepAlive = keepAlive;
  }

  after(ms: number, fire: () => void): Timeout {
    let queue = this.#queues.get(ms);
    if (queue === undefined) {
      queue = new TimeoutQueue(ms, this.#keepAlive);
      this.#queues.set(ms, queue);
    }
    return queue.add(fire);
  }
}
