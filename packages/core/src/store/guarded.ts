/**
 * A `Store` whose every call ends in bounded time with a coded error. On the callback path a store that hangs
 * (an unreachable Redis whose client queues commands, a stalled disk) must not keep WeChat waiting past its
 * 5-second limit, and must never let a reply deadline answer `success` for work that was not claimed: a call that
 * takes longer than `timeoutMs`, or fails, rejects with `ERR_STORE` (the original failure as its cause), so the
 * push is answered 5xx and WeChat retries it.
 */
import { WxOpenError, isWxOpenError } from '../errors';
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

  constructor(store: Store, timeoutMs: number) {
    this.inner = store;
    this.shared = store.shared !== false;
    this.#timeouts = new TimeoutQueue(timeoutMs, false);
  }

  #bound<T>(method: Method, call: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timeout = this.#timeouts.add(() =>
        reject(new WxOpenError('ERR_STORE', { detail: `${method} timed out after ${this.#timeouts.ms} ms` })),
      );
      let pending: Promise<T>;
      try {
        pending = call();
      } catch (error) {
        timeout.cancel();
        reject(storeError(method, error));
        return;
      }
      pending.then(
        (value) => {
          timeout.cancel();
          resolve(value);
        },
        (error: unknown) => {
          timeout.cancel();
          reject(storeError(method, error));
        },
      );
    });
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
