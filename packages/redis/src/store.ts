import { createHash } from 'node:crypto';
import { WxOpenError } from '@wxopen/core';
import type { Store } from '@wxopen/core';
import type { RedisClient } from './client';
import type { RedisOutageLog } from './outage';


export interface RedisStoreOptions {
  /**
   * Prepended to every key (default `wxopen:`). Keys from the core look like `{wx123}:ticket`, so one component's
   * keys share the hash tag `{wx123}`; keep braces out of the prefix, or every key lands in one Cluster slot.
   */
  readonly keyPrefix?: string;
  /** Quit the client on `close()` (default `false`: a client you pass in stays yours to close). */
  readonly ownsClient?: boolean;
  /**
   * The longest a command may take, in ms, before it rejects with `ERR_STORE` (default 2000; 0 turns the
   * deadline off). A safety net under the client's own timeouts, so that no client setting — an offline queue, a
   * Cluster's redirection retries — can keep a caller waiting for seconds. The command itself may still reach
   * the server afterwards.
   */
  readonly timeoutMs?: number;
  /** Told of every failed command, so an outage that raises no client event is logged too (`createRedisStore` sets it). */
  readonly outageLog?: RedisOutageLog;
}

/** Deletes KEYS[1] only when it holds ARGV[1]: the owner-checked release of a lock, atomic on the server. */
const COMPARE_AND_DELETE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;
/** Sets KEYS[1] to ARGV[2] (with PX ARGV[3] when given) only when it holds ARGV[1]: lease renewal, atomic on the server. */
const COMPARE_AND_SET =
  `if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end ` +
  `if ARGV[3] then redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3]) else redis.call('SET', KEYS[1], ARGV[2]) end return 1`;

interface Script {
  readonly source: string;
  readonly sha: string;
}

function script(source: string): Script {
  return { source, sha: createHash('sha1').update(source).digest('hex') };
}

const SCRIPTS = { compareAndDelete: script(COMPARE_AND_DELETE), compareAndSet: script(COMPARE_AND_SET) };

/**
 * A `Store` on Redis through an ioredis client, for several processes and machines. Every command touches one
 * key — `GET`, `SET … PX`, `SET … NX PX`, `DEL`, and one-key Lua scripts for compare-and-delete and
 * compare-and-set (`EVALSHA`, falling back to `EVAL` when the server does not have them cached) — so it runs on
 * standalone, Sentinel and Cluster deployments alike. It never changes the client (no `defineCommand`).
 *
 * Every failure rejects with a `WxOpenError` `ERR_STORE` whose detail names the command (`GET failed`) and
 * whose `cause` is the client's error (with the command's arguments removed: they may hold tokens).
 */
export class RedisStore implements Store {
  /** Several processes share it. */
  readonly shared = true;
  /** The client commands go to. */
  readonly client: RedisClient;
  /** The prefix of every key. */
  readonly keyPrefix: string;
  readonly #ownsClient: boolean;
  readonly #timeoutMs: number;
  readonly #outageLog: RedisOutageLog | undefined;
  #closed = false;

  constructor(client: RedisClient, options: RedisStoreOptions = {}) {
    if (typeof client?.set !== 'function' || typeof client.evalsha !== 'function') {
      throw new TypeError('wxopen: RedisStore needs an ioredis client (new Redis(url) or new Cluster(nodes)) as its first argument');
    }
    const keyPrefix = options.keyPrefix ?? 'wxopen:';
    if (typeof keyPrefix !== 'string') throw new TypeError('wxopen: option `keyPrefix` must be a string, e.g. `wxopen:`');
    const timeoutMs = options.timeoutMs ?? 2_000;
    if (typeof timeoutMs !== 'number' || !Number.isFinite(timeoutMs) || timeoutMs < 0) {
      throw new TypeError('wxopen: option `timeoutMs` must be a number of milliseconds ≥ 0 (0 turns the deadline off), e.g. 2000');
    }
    this.client = client;
    this.keyPrefix = keyPrefix;
    this.#ownsClient = options.ownsClient ?? false;
    this.#timeoutMs = timeoutMs;
    this.#outageLog = options.outageLog;
  }

  async get(key: string): Promise<string | undefined> {
    return this.#call('GET', async () => (await this.client.get(this.keyPrefix + key)) ?? undefined);
  }

  async set(key: string, value: string, ttlMs?: number): Promise<void> {
    const px = ttlMs === undefined ? undefined : toPx(ttlMs);
    return this.#call('SET', async () => {
      if (px === undefined) await this.client.set(this.keyPrefix + key, value);
      else await this.client.set(this.keyPrefix + key, value, 'PX', px);
    });
  }

  async delete(key: string): Promise<void> {
    return this.#call('DEL', async () => {
      await this.client.del(this.keyPrefix + key);
    });
  }

  async setIfAbsent(key: string, value: string, ttlMs?: number): Promise<boolean> {
    const px = ttlMs === undefined ? undefined : toPx(ttlMs);
    return this.#call('SET NX', async () => {
      const reply =
        px === undefined
          ? await this.client.set(this.keyPrefix + key, value, 'NX')
          : await this.client.set(this.keyPrefix + key, value, 'PX', px, 'NX');
      return reply === 'OK';
    });
  }

  async compareAndDelete(key: string, expected: string): Promise<boolean> {
    return this.#call('compare-and-delete', async () => (await this.#run(SCRIPTS.compareAndDelete, key, [expected])) === 1);
  }

  async compareAndSet(key: string, expected: string, value: string, ttlMs?: number): Promise<boolean> {
    const args = ttlMs === undefined ? [expected, value] : [expected, value, String(toPx(ttlMs))];
    return this.#call('compare-and-set', async () => (await this.#run(SCRIPTS.compareAndSet, key, args)) === 1);
  }

  /** Runs one store operation under the deadline, turning any failure into `ERR_STORE`. */
  async #call<T>(command: string, operation: () => Promise<T>): Promise<T> {
    try {
      return await withDeadline(operation(), this.#timeoutMs);
    } catch (error) {
      this.#outageLog?.commandFailed(error);
      throw new WxOpenError('ERR_STORE', { detail: `${command} failed`, cause: withoutArguments(error) });
    }
  }

  /** Runs a one-key script by its SHA, sending the source once when the server does not have it cached. */
  async #run(script: Script, key: string, args: readonly string[]): Promise<unknown> {
    const fullKey = this.keyPrefix + key;
    try {
      return await this.client.evalsha(script.sha, 1, fullKey, ...args);
    } catch (error) {
      if (!String((error as { message?: unknown } | undefined)?.message).startsWith('NOSCRIPT')) throw error;
      return this.client.eval(script.source, 1, fullKey, ...args);
    }
  }

  /** Quits the client when the store owns it (`ownsClient`, or made by `createRedisStore`); otherwise does nothing. */
  async close(): Promise<void> {
    if (!this.#ownsClient || this.#closed) return;
    this.#closed = true;
    this.#outageLog?.close();
    if (this.client.status === 'end') return;
    // `quit` resolves on the server's OK; wait for the socket to close too, so the process can exit right after.
    // A server that is down or stuck cannot answer QUIT: then the connection is just dropped.
    const ended = new Promise<void>((resolve) => this.client.once('end', () => resolve()));
    try {
      await withDeadline(this.client.quit(), this.#timeoutMs || 2_000);
    } catch {
      this.client.disconnect();
    }
    // A Cluster that never connected has no node whose end would end it: do not wait for it forever.
    await withDeadline(ended, 2_000).catch(() => undefined);
  }
}

/** `promise`, or a rejection once `timeoutMs` (> 0) has passed without an answer. */
function withDeadline<T>(promise: Promise<T>, timeoutMs: number): Promise<T> {
  if (timeoutMs === 0) return promise;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  // The command may still settle after the deadline; its outcome then goes nowhere, not to an unhandled rejection.
  promise.catch(() => undefined);
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

/**
 * The error with the command's arguments removed: ioredis attaches `{ name, args }` to a refused or aborted
 * command's error, and the arguments of a `SET` hold the value — a token, a refresh token.
 */
function withoutArguments(error: unknown): unknown {
  if (typeof error === 'object' && error !== null && 'command' in error) {
    const command = (error as { command?: { name?: unknown } }).command;
    Object.defineProperty(error, 'command', { value: { name: command?.name }, enumerable: true, configurable: true, writable: true });
  }
  return error;
}

/** The `PX` argument for `ttlMs`: a whole number of ms > 0, as the `Store` contract asks (`TypeError` otherwise). */
function toPx(ttlMs: number): number {
  if (typeof ttlMs !== 'number' || !Number.isFinite(ttlMs) || ttlMs <= 0) {
    throw new TypeError(`wxopen: a store TTL must be a finite number of milliseconds greater than 0 (got ${String(ttlMs)}); omit it to keep the entry`);
  }
  return Math.ceil(ttlMs);
}
