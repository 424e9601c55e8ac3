/** Fault injection of the fake WeChat server, per endpoint path. */

export type Fault =
  | { readonly kind: 'errcode'; readonly errcode: number; readonly errmsg: string | undefined }
  | { readonly kind: 'http'; readonly status: number }
  /** Never answered: the connection stays open until the client gives up or the fake closes. */
  | { readonly kind: 'hang' };

export class Faults {
  readonly #queued = new Map<string, Fault[]>();
  readonly #latency = new Map<string, number>();
  readonly #quota = new Set<string>();

  /** Queues `fault` for the next `times` requests to `path`. */
  queue(path: string, fault: Fault, times: number): void {
    const queue = this.#queued.get(path) ?? [];
    for (let i = 0; i < times; i++) queue.push(fault);
    this.#queued.set(path, queue);
  }

  /** The fault for this request, if one is queued (consumed). */
  take(path: string): Fault | undefined {
    const queue = this.#queued.get(path);
    const fault = queue?.shift();
    if (queue && queue.length === 0) this.#queued.delete(path);
    return fault;
  }

  setLatency(path: string, ms: number): void {
    if (ms > 0) this.#latency.set(path, ms);
    else this.#latency.delete(path);
  }

  latency(path: string): number {
    return this.#latency.get(path) ?? 0;
  }

  setQuota(path: string, exhausted: boolean): void {
    if (exhausted) this.#quota.add(path);
    else this.#quota.delete(path);
  }

  quotaExhausted(path: string): boolean {
    return this.#quota.has(path);
  }

  /** What `clear_quota` does: every exhausted quota is reset. */
  clearQuota(): void {
    this.#quota.clear();
  }
}
