import { FingerprintTable } from '../../src/delivery/fingerprint-table';
import { KeptReplies } from '../../src/delivery/kept-replies';
import { fingerprintOfKey } from '../../src/delivery/replay-guard';
import type { Fingerprint } from '../../src/delivery/replay-guard';

/** Distinct fingerprints, spread as SHA-256 digests are (a multiplicative hash of the index). */
const fp = (i: number): Fingerprint => ({ high: (Math.imul(i + 1, 0x9e3779b1) | 1) >>> 0, low: Math.imul(i + 7, 0x85ebca6b) >>> 0, check: i & 0x3fffffff });

describe('FingerprintTable', () => {
  it('finds every key it was given, with its values, across its growth', () => {
    const table = new FingerprintTable(3);
    for (let i = 0; i < 5000; i++) {
      const at = table.insert(fp(i).high, fp(i).low);
      expect(at).toBeGreaterThanOrEqual(0);
      table.words[at + 2] = i;
    }
    expect(table.size).toBe(5000);
    for (let i = 0; i < 5000; i++) expect(table.words[table.indexOf(fp(i).high, fp(i).low) + 2]).toBe(i);
    expect(table.indexOf(fp(5000).high, fp(5000).low)).toBe(-1);
    // At most 3/4 full: 5000 keys need 8192 slots of 12 bytes.
    expect(table.bytes).toBe(8192 * 12);
  });

  it('is made large enough at once for the entries it expects, so it does not grow while they come', () => {
    const table = new FingerprintTable(2, 5000);
    const bytes = table.bytes;
    expect(bytes).toBe(8192 * 8);
    for (let i = 0; i < 5000; i++) table.insert(fp(i).high, fp(i).low);
    expect(table.bytes).toBe(bytes);
    expect(new FingerprintTable(2).bytes).toBe(256 * 8);
  });

  it('refuses a key it holds already, leaving its values', () => {
    const table = new FingerprintTable(3);
    const at = table.insert(1, 2);
    table.words[at + 2] = 42;
    expect(table.insert(1, 2)).toBe(-1);
    expect(table.words[table.indexOf(1, 2) + 2]).toBe(42);
    expect(table.size).toBe(1);
  });
});

describe('KeptReplies', () => {
  const TTL = 30_000;

  it('answers a kept push with its reply, byte for byte, and success as null', () => {
    let now = 1_700_000_000_000;
    const kept = new KeptReplies(TTL, () => now);
    const unicode = '<xml><Content><![CDATA[回复 ✓ 😀 \u0000 end]]></Content></xml>';
    const large = 'x'.repeat(70_000) + '尾';
    kept.add(fp(1), unicode);
    kept.add(fp(2), undefined);
    kept.add(fp(3), '');
    kept.add(fp(4), large);
    kept.add(fp(5), 'after the large one');
    now += 10;
    expect(kept.get(fp(1))).toBe(unicode);
    expect(kept.get(fp(2))).toBeNull();
    expect(kept.get(fp(3))).toBe('');
    expect(kept.get(fp(4))).toBe(large);
    expect(kept.get(fp(5))).toBe('after the large one');
    expect(kept.get(fp(6))).toBeUndefined();
  });

  it('does not answer a push whose 62 bits match a kept one but whose other 30 bits differ', () => {
    const kept = new KeptReplies(TTL, () => 1_000);
    kept.add({ high: 7, low: 9, check: 1 }, 'the kept push’s reply');
    expect(kept.get({ high: 7, low: 9, check: 1 })).toBe('the kept push’s reply');
    expect(kept.get({ high: 7, low: 9, check: 2 })).toBeUndefined();
  });

  it('reads 92 bits of the digest, the last 30 from characters 11 to 15', () => {
    // Two digests that differ only in their 16th character: same 62-bit key, different check.
    const a = fingerprintOfKey('BAAAAAAAAAAAAAAAAAAAAA');
    const b = fingerprintOfKey('BAAAAAAAAAAAAAABAAAAAA');
    expect([a.high, a.low]).toEqual([b.high, b.low]);
    expect([a.check, b.check]).toEqual([0, 1]);
  });

  it('keeps the first answer of a push added twice', () => {
    const kept = new KeptReplies(TTL, () => 1_000);
    kept.add(fp(1), 'first');
    kept.add(fp(1), 'second');
    expect(kept.get(fp(1))).toBe('first');
  });

  it('answers for exactly ttlMs after the push finished', () => {
    let now = 1_700_000_000_123;
    const kept = new KeptReplies(TTL, () => now);
    kept.add(fp(1), 'reply');
    now += TTL - 1;
    expect(kept.get(fp(1))).toBe('reply');
    now += 1;
    expect(kept.get(fp(1))).toBeUndefined();
  });

  it('lets go of what it held once the pushes expired', () => {
    let now = 1_700_000_000_000;
    const kept = new KeptReplies(TTL, () => now);
    for (let second = 0; second < 60; second++) {
      for (let i = 0; i < 100; i++) kept.add(fp(second * 100 + i), `reply ${second}/${i}`);
      now += 1000;
    }
    // About ttlMs of pushes (plus at most one span of ttlMs / 8) are held, not the whole minute.
    const { pushes } = kept.footprint;
    expect(pushes).toBeGreaterThanOrEqual(30 * 100);
    expect(pushes).toBeLessThanOrEqual(Math.ceil(30 * 1.125 + 1) * 100);
    now += TTL + TTL / 8;
    kept.prune();
    expect(kept.footprint).toEqual({ pushes: 0, bytes: 0 });
  });

  it('files pushes under a clock that went back, and still answers them', () => {
    let now = 1_700_000_010_000;
    const kept = new KeptReplies(TTL, () => now);
    kept.add(fp(1), 'one');
    now -= 5000;
    kept.add(fp(2), 'two');
    expect(kept.get(fp(1))).toBe('one');
    expect(kept.get(fp(2))).toBe('two');
  });

  it('keeps a push in about its reply’s bytes, outside the JS heap', () => {
    const kept = new KeptReplies(TTL, () => 1_700_000_000_000);
    const reply = `<xml><ToUserName><![CDATA[oUser]]></ToUserName><Content><![CDATA[echo: hello]]></Content></xml>`;
    for (let i = 0; i < 20_000; i++) kept.add(fingerprintOfKey(`k${String(i).padStart(10, '0')}abcdef`), reply);
    const { pushes, bytes } = kept.footprint;
    // The reply's UTF-8 bytes plus a table slot of 24 bytes at most 3/4 full, plus the chunks' unused tails.
    expect(bytes / pushes).toBeLessThan(reply.length + 60);
  });
});
