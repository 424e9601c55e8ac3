/**
 * A `Store` whose every call ends in bounded time with a coded error. On the callback path a store that hangs
 * (an unreachable Redis whose client queues commands, a stalled disk) must not keep WeChat waiting past its
 * 5-second limit, and must never let a reply deadline answer `success` for work that was not claimed: a call that
 * takes longer than `timeoutMs`, or fails, rejects with `ERR_STORE` (the original failure as its cause), so the
 * push is answered 5xx and WeChat retries it.
 */
import { WxOpenError, isWxOpenError } from '../errors';
import { publish } from '../observe/channels';
import { oneLine } from '../util/log';
import { TimeoutQueue } from '../util/timeout-queue';
import type { Store } from './types';

type Method = 'get' | 'set' | 'delete' | 'setIfAbsent' | 'compareAndDelete' | 'compareAndSet';

function storeError(method: Method, cause: unknown): unknown {
  // A TypeError is a programmer error (a bad TTL): it keeps its own type.
  if (cause instanceof TypeError || (isWxOpenError(cause) && cause.code === 'ERR_STORE')) return cause;
  return new WxOpenError('ERR_STORE', { detail: `${method} failed`, cause });
}

/** Wraps `store`; `timeoutMs` bounds every call. The wrapper keeps `shared` and `close` of the store. */
export class GuardedStore implements Store {
  readonly inner: Store;
  readonly shared: boolean;
  readonly #timeouts: TimeoutQueue;
  /** The last call failed with `ERR_STORE`: the store is down until a call succeeds. */
  #down = false;

  constructor(store: Store, timeoutMs: number) {
    this.inner = store;
    this.shared = store.shared !== false;
    this.#timeouts = new TimeoutQueue(timeoutMs, false);
  }

  #bound<T>(method: Method, call: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const fail = (error: unknown) => {
        if (isWxOpenError(error) && error.code === 'ERR_STORE') this.#failed(error);
        reject(error);
      };
      const timeout = this.#timeouts.add(() =>
        fail(new WxOpenError('ERR_STORE', { detail: `${method} timed out after ${this.#timeouts.ms} ms` })),
      );
      let pending: Promise<T>;
      try {
        pending = call();
      } catch (error) {
        timeout.cancel();
        fail(storeError(method, error));
        return;
      }
      pending.then(
        (value) => {
          if (!timeout.pending) return; // answered by the timeout already
          timeout.cancel();
          if (this.#down) this.#recovered();
          resolve(value);
        },
        (error: unknown) => {
          timeout.cancel();
          fail(storeError(method, error));
        },
      );
    });
  }

  #failed(error: WxOpenError): void {
    if (this.#down) return;
    this.#down = true;
    const cause = error.cause instanceof Error ? error.cause.message : error.detail ?? '';
    publish('wxopen:store', () => ({ state: 'down', reason: oneLine(cause, 200) }));
  }

  #recovered(): void {
    this.#down = false;
    publish('wxopen:store', () => ({ state: 'up' }));
  }

  /** Whether the last call failed (`ERR_STORE`) and none succeeded since. */
  get down(): boolean {
    return this.#down;
  }

  get(key: string): Promise<string | undefined> {
    return this.#bound('get', () => this.inner.get(key));
  }

  set(key: string, value: string, ttlMs?: number): Promise<void> {
    return this.#bound('set', () => this.inner.set(key, value, ttlMs));
  }

  delete(key: string): Promise<void> {
    return this.#bound('delete', () => this.inner.delete(key));
  }

  setIfAbsent(key: string, value: string, ttlMs?: number): Promise<boolean> {
    return this.#bound('setIfAbsent', () => this.inner.setIfAbsent(key, value, ttlMs));
  }

  compareAndDelete(key: string, expected: string): Promise<boolean> {
    return this.#bound('compareAndDelete', () => this.inner.compareAndDelete(key, expected));
  }

  compareAndSet(key: string, expected: string, value: string, ttlMs?: number): Promise<boolean> {
    return this.#bound('compareAndSet', () => this.inner.compareAndSet(key, expected, value, ttlMs));
  }

  close(): Promise<void> {
    return this.inner.close?.() ?? Promise.resolve();
  }
}
