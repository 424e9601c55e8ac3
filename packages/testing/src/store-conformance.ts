import type { afterEach, beforeEach, describe as JestDescribe, expect as JestExpect, it as JestIt } from '@jest/globals';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Store } from '@wxopen/core';

/**
 * One conformance suite for every `Store` implementation (MemoryStore, FileStore, RedisStore, and yours): the
 * contract of `Store` in `@wxopen/core`, as jest tests.
 */

export interface StoreConformanceOptions {
  /**
   * Registers the suite (default: jest's `describe`). Pass `describeRedis` from this package so the suite is
   * skipped, or fails under `WXOPEN_REQUIRE_REDIS=1`, when Redis is unreachable.
   */
  readonly describe?: (name: string, fn: () => void) => void;
  /** A TTL the store honours reliably, in ms (default 100). Expiry tests wait three times this long. */
  readonly shortTtlMs?: number;
}

interface JestRegistry {
  describe: typeof JestDescribe;
  it: typeof JestIt;
  expect: typeof JestExpect;
  beforeEach: typeof beforeEach;
  afterEach: typeof afterEach;
}

function jestGlobals(): JestRegistry {
  const globals = globalThis as Partial<JestRegistry>;
  for (const name of ['describe', 'it', 'expect', 'beforeEach', 'afterEach'] as const) {
    if (typeof globals[name] !== 'function') {
      throw new TypeError('wxopen: describeStoreConformance must be called in a jest test file (it uses the jest globals)');
    }
  }
  return globals as JestRegistry;
}



/**
 * Registers the `Store` conformance tests for the implementation `makeStore` builds. `makeStore` is called
 * before each test and must return an empty store (or one whose keys cannot collide with another test's, e.g. a
 * fresh key prefix); the suite calls `close()` after each test.
 */
export function describeStoreConformance(
  name: string,
  makeStore: () => Store | Promise<Store>,
  options: StoreConformanceOptions = {},
): void {
  const { describe, it, expect, beforeEach, afterEach } = jestGlobals();
  const register = options.describe ?? describe;
  const ttl = options.shortTtlMs ?? 100;

  register(`${name} conforms to the Store contract`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await makeStore();
    });
    afterEach(async () => {
      await store.close?.();
    });

    describe('get, set and delete', () => {
      it('returns undefined for a key that was never set', async () => {
        expect(await store.get('never-set')).toBeUndefined();
      });

      it('returns what set stored, and the latest value after a second set', async () => {
        await store.set('k', 'one');
        expect(await store.get('k')).toBe('one');
        await store.set('k', 'two');
        expect(await store.get('k')).toBe('two');
      });

      it('keeps keys apart', async () => {
        await store.set('a', '1');
        await store.set('b', '2');
        expect([await store.get('a'), await store.get('b')]).toEqual(['1', '2']);
      });

      it('stores the empty string as a value, distinct from absence', async () => {
        await store.set('empty', '');
        expect(await store.get('empty')).toBe('');
      });

      it('removes a key on delete and does not fail when the key is absent', async () => {
        await store.set('k', 'v');
        await store.delete('k');
        expect(await store.get('k')).toBeUndefined();
        await expect(store.delete('k')).resolves.toBeUndefined();
      });

      it('round-trips unicode, quotes, newlines and a 64 KiB value unchanged', async () => {
        const values = ['微信开放平台 ✓ 😀', '"quoted" \\ back\\slash', 'line\nbreak\r\n\ttab', '\u0000nul', 'x'.repeat(65_536)];
        for (const [i, value] of values.entries()) await store.set(`v${i}`, value);
        for (const [i, value] of values.entries()) expect(await store.get(`v${i}`)).toBe(value);
      });

      it('accepts keys with colons, braces, spaces, unicode and prototype names', async () => {
        const keys = ['{wx123}:ticket', 'a:b:c', '{}', 'with space', '授权方:wx1', '__proto__', 'constructor'];
        for (const key of keys) await store.set(key, `value of ${key}`);
        for (const key of keys) expect(await store.get(key)).toBe(`value of ${key}`);
      });
    });

    describe('TTL', () => {
      it('keeps an entry until its TTL runs out, then forgets it', async () => {
        await store.set('short', 'v', ttl);
        expect(await store.get('short')).toBe('v');
        await sleep(ttl * 3);
        expect(await store.get('short')).toBeUndefined();
      });

      it('keeps an entry set without a TTL', async () => {
        await store.set('kept', 'v');
        await sleep(ttl * 3);
        expect(await store.get('kept')).toBe('v');
      });

      it('drops the TTL of an entry when set again without one', async () => {
        await store.set('k', 'expiring', ttl);
        await store.set('k', 'durable');
        await sleep(ttl * 3);
        expect(await store.get('k')).toBe('durable');
      });

      it('accepts a fractional TTL', async () => {
        await store.set('k', 'v', 60_000.5);
        expect(await store.get('k')).toBe('v');
      });

      it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY])('rejects a TTL of %p with a TypeError', async (bad) => {
        await expect(store.set('k', 'v', bad)).rejects.toThrow(TypeError);
        await expect(store.setIfAbsent('k', 'v', bad)).rejects.toThrow(TypeError);
        expect(await store.get('k')).toBeUndefined();
      });
    });

    describe('setIfAbsent', () => {
      it('sets a key only once and keeps the first value', async () => {
        expect(await store.setIfAbsent('once', 'first')).toBe(true);
        expect(await store.setIfAbsent('once', 'second')).toBe(false);
        expect(await store.get('once')).toBe('first');
      });

      it('lets exactly one of 50 concurrent callers win, and keeps the winner’s value', async () => {
        const results = await Promise.all(Array.from({ length: 50 }, (_, i) => store.setIfAbsent('race', `caller ${i}`, 60_000)));
        expect(results.filter(Boolean)).toHaveLength(1);
        expect(await store.get('race')).toBe(`caller ${results.indexOf(true)}`);
      });

      it('succeeds again once the previous entry has expired', async () => {
        expect(await store.setIfAbsent('mark', 'first', ttl)).toBe(true);
        await sleep(ttl * 3);
        expect(await store.setIfAbsent('mark', 'second', ttl)).toBe(true);
        expect(await store.get('mark')).toBe('second');
      });

      it('gives the entry it sets the TTL it was asked for', async () => {
        await store.setIfAbsent('mark', 'v', ttl);
        await sleep(ttl * 3);
        expect(await store.get('mark')).toBeUndefined();
      });

      it('does not overwrite a value written by set', async () => {
        await store.set('k', 'existing');
        expect(await store.setIfAbsent('k', 'new')).toBe(false);
        expect(await store.get('k')).toBe('existing');
      });
    });

    describe('compareAndDelete', () => {
      it('deletes only when the value matches', async () => {
        await store.set('owned', 'me');
        expect(await store.compareAndDelete('owned', 'someone else')).toBe(false);
        expect(await store.get('owned')).toBe('me');
        expect(await store.compareAndDelete('owned', 'me')).toBe(true);
        expect(await store.get('owned')).toBeUndefined();
      });

      it('returns false for an absent key', async () => {
        expect(await store.compareAndDelete('absent', 'anything')).toBe(false);
      });

      it('returns false for an expired entry', async () => {
        await store.set('gone', 'me', ttl);
        await sleep(ttl * 3);
        expect(await store.compareAndDelete('gone', 'me')).toBe(false);
      });

      it('lets exactly one of 20 concurrent callers delete', async () => {
        await store.set('shared', 'token');
        const results = await Promise.all(Array.from({ length: 20 }, () => store.compareAndDelete('shared', 'token')));
        expect(results.filter(Boolean)).toHaveLength(1);
      });

      it('compares unicode values exactly', async () => {
        await store.set('u', '令牌 ✓');
        expect(await store.compareAndDelete('u', '令牌 ✗')).toBe(false);
        expect(await store.compareAndDelete('u', '令牌 ✓')).toBe(true);
      });
    });

    describe('compareAndSet', () => {
      it('replaces the value only when it matches', async () => {
        await store.set('cas', 'v1');
        expect(await store.compareAndSet('cas', 'other', 'v2')).toBe(false);
        expect(await store.get('cas')).toBe('v1');
        expect(await store.compareAndSet('cas', 'v1', 'v2')).toBe(true);
        expect(await store.get('cas')).toBe('v2');
      });

      it('returns false for an absent or expired key, and sets nothing', async () => {
        expect(await store.compareAndSet('absent', 'x', 'y')).toBe(false);
        expect(await store.get('absent')).toBeUndefined();
        await store.set('gone', 'me', ttl);
        await sleep(ttl * 3);
        expect(await store.compareAndSet('gone', 'me', 'again')).toBe(false);
        expect(await store.get('gone')).toBeUndefined();
      });

      it('gives the new value the new TTL (a lease renewal keeps a short-lived key alive)', async () => {
        await store.set('lease', 'me', ttl);
        expect(await store.compareAndSet('lease', 'me', 'me', ttl * 6)).toBe(true);
        await sleep(ttl * 3);
        expect(await store.get('lease')).toBe('me');
      });

      it('drops the old TTL when no TTL is given', async () => {
        await store.set('keep', 'a', ttl);
        expect(await store.compareAndSet('keep', 'a', 'b')).toBe(true);
        await sleep(ttl * 3);
        expect(await store.get('keep')).toBe('b');
      });

      it('lets exactly one of 20 concurrent callers swap', async () => {
        await store.set('race', 'start');
        const results = await Promise.all(Array.from({ length: 20 }, (_, i) => store.compareAndSet('race', 'start', `w${i}`)));
        expect(results.filter(Boolean)).toHaveLength(1);
        const winner = results.indexOf(true);
        expect(await store.get('race')).toBe(`w${winner}`);
      });

      it('refuses a TTL that is not a finite number of ms greater than 0', async () => {
        await store.set('bad', 'x');
        await expect(store.compareAndSet('bad', 'x', 'y', 0)).rejects.toThrow(TypeError);
      });
    });
  });
}
