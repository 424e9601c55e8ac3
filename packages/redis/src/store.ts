import { createHash } from 'node:crypto';
import type { Store } from '@wxopen/core';
import type { Cluster, Redis } from 'ioredis';

/** An ioredis client: standalone or Sentinel (`Redis`) or a `Cluster`. */
export type RedisClient = Redis | Cluster;

export interface RedisStoreOptions {
  /**
   * Prepended to every key (default `wxopen:`). Keys from the core look like `{wx123}:ticket`, so one component's
   * keys share the hash tag `{wx123}`; keep braces out of the prefix, or every key lands in one Cluster slot.
   */
  readonly keyPrefix?: string;
  /** Quit the client on `close()` (default `false`: a client you pass in stays yours to close). */
  readonly ownsClient?: boolean;
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
 * key — `GET`, `SET … PX`, `SET … NX PX`, `DEL`, and a one-key Lua script for compare-and-delete (`EVALSHA`,
 * falling back to `EVAL` when the server does not have it cached) — so it runs on standalone, Sentinel and
 * Cluster deployments alike. It never changes the client (no `defineCommand`).
 */
export class RedisStore implements Store {
  /** The client commands go to. */
  readonly client: RedisClient;
  /** The prefix of every key. */
  readonly keyPrefix: string;
  readonly #ownsClient: boolean;
  #closed = false;

  constructor(client: RedisClient, options: RedisStoreOptions = {}) {
    if (typeof client?.set !== 'function' || typeof client.evalsha !== 'function') {
      throw new TypeError('wxopen: RedisStore needs an ioredis client (new Redis(url) or new Cluster(nodes)) as its first argument');
    }
    const keyPrefix = options.keyPrefix ?? 'wxopen:';
    if (typeof keyPrefix !== 'string') throw new TypeError('wxopen: option `keyPrefix` must be a string, e.g. `wxopen:`');
    this.client = client;
    this.keyPrefix = keyPrefix;
    this.#ownsClient = options.ownsClient ?? false;
  }

  async get(key: string): Promise<string | undefined> {
    return (await this.client.get(this.keyPrefix + key)) ?? undefined;
  }

  async set(key: string, value: string, ttlMs?: number): Promise<void> {
    if (ttlMs === undefined) await this.client.set(this.keyPrefix + key, value);
    else await this.client.set(this.keyPrefix + key, value, 'PX', toPx(ttlMs));
  }

  async delete(key: string): Promise<void> {
    await this.client.del(this.keyPrefix + key);
  }

  async setIfAbsent(key: string, value: string, ttlMs?: number): Promise<boolean> {
    const reply =
      ttlMs === undefined
        ? await this.client.set(this.keyPrefix + key, value, 'NX')
        : await this.client.set(this.keyPrefix + key, value, 'PX', toPx(ttlMs), 'NX');
    return reply === 'OK';
  }

  async compareAndDelete(key: string, expected: string): Promise<boolean> {
    return (await this.#run(SCRIPTS.compareAndDelete, key, [expected])) === 1;
  }

  async compareAndSet(key: string, expected: string, value: string, ttlMs?: number): Promise<boolean> {
    const args = ttlMs === undefined ? [expected, value] : [expected, value, String(toPx(ttlMs))];
    return (await this.#run(SCRIPTS.compareAndSet, key, args)) === 1;
  }

  /** Runs a one-key script by its SHA, sending the source once when the server does not have it cached. */
  async #run(script: Script, key: string, args: readonly string[]): Promise<unknown> {
    const fullKey = this.keyPrefix + key;
    try {
      return await this.client.evalsha(script.sha, 1, fullKey, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return this.client.eval(script.source, 1, fullKey, ...args);
    }
  }

  /** Quits the client when the store owns it (`ownsClient`, or made by `createRedisStore`); otherwise does nothing. */
  async close(): Promise<void> {
    if (!this.#ownsClient || this.#closed) return;
    this.#closed = true;
    if (this.client.status === 'end') return;
    // `quit` resolves on the server's OK; wait for the socket to close too, so the process can exit right after.
    const ended = new Promise<void>((resolve) => this.client.once('end', () => resolve()));
    await this.client.quit();
    await ended;
  }
}

/** The `PX` argument for `ttlMs`: a whole number of ms > 0, as the `Store` contract asks (`TypeError` otherwise). */
function toPx(ttlMs: number): number {
  if (typeof ttlMs !== 'number' || !Number.isFinite(ttlMs) || ttlMs <= 0) {
    throw new TypeError(`wxopen: a store TTL must be a finite number of milliseconds greater than 0 (got ${String(ttlMs)}); omit it to keep the entry`);
  }
  return Math.ceil(ttlMs);
}
