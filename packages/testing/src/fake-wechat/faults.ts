/** Fault injection of the fake WeChat server, per endpoint path, optionally for one appid only. */

export type Fault =
  | { readonly kind: 'errcode'; readonly errcode: number; readonly errmsg: string | undefined }
  | { readonly kind: 'http'; readonly status: number }
  /** Never answered: the connection stays open until the client gives up or the fake closes. */
  | { readonly kind: 'hang' };

export class Faults {
  readonly #queued = new Map<string, Fault[]>();
  readonly #latency = new Map<string, number>();
  readonly #quota = new Set<string>();

  /** Queues `fault` for the next `times` requests to `path` (for `appId` only, when given). */
  queue(path: string, fault: Fault, times: number, appId?: string): void {
    const key = appId === undefined ? path : `${path}#${appId}`;
    const queue = this.#queued.get(key) ?? [];
    for (let i = 0; i < times; i++) queue.push(fault);
    this.#queued.set(key, queue);
  }

  /** The fault for this request, if one is queued (consumed): one for its appid first, then one for any appid. */
  take(path: string, appId?: string): Fault | undefined {
    return (appId === undefined ? undefined : this.#shift(`${path}#${appId}`)) ?? this.#shift(path);
  }

  #shift(key: string): Fault | undefined {
    const queue = this.#queued.get(key);
    const fault = queue?.shift();
    if (queue && queue.length === 0) this.#queued.delete(key);
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
