/**
 * The `Lock` conformance suite: the contract of `Lock` and `LockHandle` in `@wxopen/core` that the core relies
 * on (token refresh, ticket and release coordination), for `StoreLock` on any `Store`, `redisLock`, and yours.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { expect } from '@jest/globals';
import type { Lock } from '@wxopen/core';
import type { ConformanceCase } from './harness';
import { registerCases } from './register';

/**
 * What one case runs against: two `Lock`s over the same shared state, as two processes (or two connections)
 * would hold them. `other` defaults to `lock`. `close` runs after the case, whatever its outcome.
 */
export interface LockSubject {
  readonly lock: Lock;
  readonly other?: Lock;
  close?(): unknown;
}

/** Builds a fresh subject for one case: a lock over state no other case uses (a new store, or a new key prefix). */
export type MakeLock = () => Lock | LockSubject | Promise<Lock | LockSubject>;

export interface LockConformanceOptions {
  /**
   * Registers the suite (default: jest's `describe`). Pass `describeRedis` from `@wxopen/testing` so the suite
   * is skipped, or fails under `WXOPEN_REQUIRE_REDIS=1`, when Redis is unreachable.
   */
  readonly describe?: (name: string, fn: () => void) => void;
  /** A TTL the lock honours reliably, in ms (default 100). Expiry cases wait a few times this long. */
  readonly shortTtlMs?: number;
}

const LONG = 10_000;

async function withSubject(makeLock: MakeLock, run: (a: Lock, b: Lock) => Promise<void>): Promise<void> {
  const made = await makeLock();
  const subject: LockSubject = 'acquire' in made ? { lock: made } : made;
  try {
    await run(subject.lock, subject.other ?? subject.lock);
  } finally {
    await subject.close?.();
  }
}

/** A lock name no other case (nor another run on a shared store) uses; `{wx1}` keeps it on one Cluster slot. */
const fresh = (what: string) => `{wx1}:${what}:${randomUUID()}`;

/** Every case of the lock suite, as data (see `ConformanceCase`). */
export function lockConformanceCases(options: Pick<LockConformanceOptions, 'shortTtlMs'> = {}): ConformanceCase<MakeLock>[] {
  const ttl = options.shortTtlMs ?? 100;
  const cases: ConformanceCase<MakeLock>[] = [];
  const add = (name: string, run: (a: Lock, b: Lock) => Promise<void>) => cases.push({ group: [], name, run: (makeLock) => withSubject(makeLock, run) });

  add('lets one holder at a time into a critical section among 20 concurrent callers on both locks', async (a, b) => {
    const name = fresh('refresh');
    let inside = 0;
    let most = 0;
    let runs = 0;
    await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        const handle = await (i % 2 ? a : b).acquire(name, { ttlMs: LONG, waitMs: 20_000 });
        if (!handle) throw new Error('lock not acquired');
        inside++;
        most = Math.max(most, inside);
        await sleep(3);
        inside--;
        runs++;
        expect(await handle.release()).toBe(true);
      }),
    );
    expect(runs).toBe(20);
    expect(most).toBe(1);
  });

  add('resolves to undefined on the other lock when the wait runs out, after waiting about waitMs', async (a, b) => {
    const name = fresh('busy');
    const held = await a.acquire(name, { ttlMs: LONG, waitMs: 0 });
    expect(held).toBeDefined();
    const started = Date.now();
    expect(await b.acquire(name, { ttlMs: LONG, waitMs: 60 })).toBeUndefined();
    expect(Date.now() - started).toBeGreaterThanOrEqual(50);
    expect(await held?.release()).toBe(true);
  });

  add('answers at once when waitMs is 0 and the lock is held', async (a, b) => {
    const name = fresh('busy');
    const held = await a.acquire(name, { ttlMs: LONG, waitMs: 0 });
    const started = Date.now();
    expect(await b.acquire(name, { ttlMs: LONG, waitMs: 0 })).toBeUndefined();
    expect(Date.now() - started).toBeLessThan(1_000);
    await held?.release();
  });

  add('keeps locks of different names apart', async (a, b) => {
    const first = await a.acquire(fresh('a'), { ttlMs: LONG, waitMs: 0 });
    const second = await b.acquire(fresh('b'), { ttlMs: LONG, waitMs: 0 });
    expect(first).toBeDefined();
    expect(second).toBeDefined();
    expect(await first?.release()).toBe(true);
    expect(await second?.release()).toBe(true);
  });

  add('frees the lock on release so the next caller takes it at once', async (a, b) => {
    const name = fresh('k');
    const first = await a.acquire(name, { ttlMs: LONG, waitMs: 0 });
    expect(await first?.release()).toBe(true);
    const next = await b.acquire(name, { ttlMs: LONG, waitMs: 0 });
    expect(next).toBeDefined();
    await next?.release();
  });

  add('hands the lock to a waiter as soon as the holder releases it, long before its TTL', async (a, b) => {
    const name = fresh('handover');
    const held = await a.acquire(name, { ttlMs: LONG, waitMs: 0 });
    expect(held).toBeDefined();
    const started = Date.now();
    const waiting = b.acquire(name, { ttlMs: LONG, waitMs: 5_000 });
    await sleep(50);
    expect(await held?.release()).toBe(true);
    const next = await waiting;
    expect(next).toBeDefined();
    expect(Date.now() - started).toBeLessThan(LONG / 2);
    await next?.release();
  });

  add('answers false to a second release of the same handle', async (a) => {
    const handle = await a.acquire(fresh('twice'), { ttlMs: LONG, waitMs: 0 });
    expect(await handle?.release()).toBe(true);
    expect(await handle?.release()).toBe(false);
  });

  add('is taken over after ttlMs when the holder never releases it (a dead holder)', async (a, b) => {
    const name = fresh('dead');
    const dead = await a.acquire(name, { ttlMs: ttl, waitMs: 0 });
    expect(dead).toBeDefined();
    const started = Date.now();
    expect(await b.acquire(name, { ttlMs: LONG, waitMs: 0 })).toBeUndefined();
    const next = await b.acquire(name, { ttlMs: LONG, waitMs: ttl * 30 });
    expect(next).toBeDefined();
    expect(Date.now() - started).toBeGreaterThanOrEqual(ttl * 0.8);
    await next?.release();
  });

  add('does not free the new owner’s lock when a stale holder releases after a takeover', async (a, b) => {
    const name = fresh('takeover');
    const old = await a.acquire(name, { ttlMs: ttl, waitMs: 0 });
    expect(old).toBeDefined();
    const current = await b.acquire(name, { ttlMs: LONG, waitMs: ttl * 30 });
    expect(current).toBeDefined();
    expect(await old?.release()).toBe(false);
    expect(await a.acquire(name, { ttlMs: LONG, waitMs: 0 })).toBeUndefined();
    expect(await current?.release()).toBe(true);
  });

  return cases;
}

/**
 * Registers the `Lock` conformance tests for the implementation `makeLock` builds, as jest tests under
 * `describe(`${name} conforms to the Lock contract`)`. `makeLock` is called before each case; return two locks
 * over the same state (`{ lock, other }`: two connections, as two processes would hold) to prove the lock
 * across them, and a `close` to release what the case used.
 */
export function describeLockConformance(name: string, makeLock: MakeLock, options: LockConformanceOptions = {}): void {
  const register = options.describe === undefined ? {} : { describe: options.describe };
  registerCases(`${name} conforms to the Lock contract`, lockConformanceCases(options), makeLock, { ...register, timeoutMs: 30_000 });
}
