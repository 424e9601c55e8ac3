/**
 * Remembers which pushes ran while their `timestamp` is still accepted, in little memory, for stores that only
 * this process sees (a shared store keeps the same memory in its delivery marks instead).
 *
 * A replay is a push re-sent byte for byte, so it carries the timestamp it was signed with: only the pushes of
 * that timestamp need to be searched. Pushes are grouped by timestamp into buckets of `BUCKET_SECONDS`; a bucket
 * is dropped whole once its last timestamp has left the accepted window. Each push is kept as a 62-bit
 * fingerprint of its identity in a `FingerprintTable` (8 bytes a slot, at most 3/4 full):
 * about 11–16 bytes a push, where a `Set` of strings costs over 100. Two distinct pushes of one bucket share a
 * fingerprint with a chance of about n²/2⁶³ (n ≈ 10 000 at 1 000 pushes/s: under 1 in 10¹⁰ per bucket).
 *
 * Compact because the window (up to twice the clock skew, 10 minutes by default) would otherwise dominate the
 * process's memory.
 */
import { Buffer } from 'node:buffer';
import { FingerprintTable } from './fingerprint-table';

const BUCKET_SECONDS = 8;

export class ReplayGuard {
  readonly #buckets = new Map<number, FingerprintTable>();
  /** The bucket made last: the next one is made as large as it is full. */
  #latest: FingerprintTable | undefined;
  readonly #windowSeconds: number;
  readonly #now: () => number;
  #sweptAt = 0;

  /** @param windowSeconds how long after its timestamp a push is still accepted (the clock skew allowed) */
  constructor(windowSeconds: number, now: () => number = Date.now) {
    this.#windowSeconds = windowSeconds;
    this.#now = now;
  }

  /** Pushes remembered, and the bytes their tables hold (for the benchmarks). */
  get footprint(): { readonly pushes: number; readonly bytes: number } {
    let pushes = 0;
    let bytes = 0;
    for (const set of this.#buckets.values()) {
      pushes += set.size;
      bytes += set.bytes;
    }
    return { pushes, bytes };
  }

  /** Whether the push with this fingerprint and timestamp (seconds) ran already. */
  has(fingerprint: Fingerprint, timestamp: number): boolean {
    const table = this.#buckets.get(Math.floor(timestamp / BUCKET_SECONDS));
    return table !== undefined && table.indexOf(fingerprint.high, fingerprint.low) >= 0;
  }

  /** Remembers a push that ran; `false` when it was remembered already. */
  add(fingerprint: Fingerprint, timestamp: number): boolean {
    this.#sweep();
    const id = Math.floor(timestamp / BUCKET_SECONDS);
    let set = this.#buckets.get(id);
    if (set === undefined) {
      set = new FingerprintTable(2, this.#latest?.size ?? 0);
      this.#latest = set;
      this.#buckets.set(id, set);
    }
    return set.insert(fingerprint.high, fingerprint.low) >= 0;
  }

  /**
   * The pushes remembered, as text for a store (undefined when there are none): each bucket's id and its
   * fingerprints, 8 bytes a push (two little-endian 32-bit halves) in base64.
   */
  save(): string | undefined {
    this.#sweep(true);
    const buckets: Array<[number, string]> = [];
    for (const [id, table] of this.#buckets) {
      if (table.size === 0) continue;
      const keys = table.keys();
      const bytes = Buffer.allocUnsafe(keys.length * 4);
      for (let i = 0; i < keys.length; i++) bytes.writeUInt32LE(keys[i] as number, i * 4);
      buckets.push([id, bytes.toString('base64')]);
    }
    if (buckets.length === 0) return undefined;
    const snapshot: ReplaySnapshot = { version: 1, bucketSeconds: BUCKET_SECONDS, buckets };
    return JSON.stringify(snapshot);
  }

  /**
   * Remembers again the pushes of a `save()`d text whose timestamps are still in the window; returns how many.
   * Throws a `TypeError` on text that is not such a snapshot.
   */
  load(text: string): number {
    const snapshot = JSON.parse(text) as Partial<ReplaySnapshot> | null;
    if (snapshot?.version !== 1 || snapshot.bucketSeconds !== BUCKET_SECONDS || !Array.isArray(snapshot.buckets)) {
      throw new TypeError('not a replay-guard snapshot of this version');
    }
    const now = this.#now() / 1000;
    let loaded = 0;
    for (const bucket of snapshot.buckets) {
      const [id, base64] = Array.isArray(bucket) ? bucket : [];
      if (!Number.isSafeInteger(id) || typeof base64 !== 'string') throw new TypeError('a bucket of the replay-guard snapshot is malformed');
      if (this.#expired(id as number, now)) continue;
      const bytes = Buffer.from(base64, 'base64');
      if (bytes.length % 8 !== 0) throw new TypeError('a bucket of the replay-guard snapshot is malformed');
      for (let at = 0; at < bytes.length; at += 8) {
        const high = bytes.readUInt32LE(at);
        const low = bytes.readUInt32LE(at + 4);
        if (high === 0 && low === 0) continue; // never a fingerprint (the empty slot)
        if (this.add({ high, low, check: 0 }, (id as number) * BUCKET_SECONDS)) loaded++;
      }
    }
    return loaded;
  }

  #expired(id: number, now: number): boolean {
    return (id + 1) * BUCKET_SECONDS + this.#windowSeconds < now;
  }

  /** Drops the buckets whose every timestamp has left the window (there are at most a few dozen buckets). */
  #sweep(always = false): void {
    const now = this.#now() / 1000;
    if (!always && now - this.#sweptAt < 1) return;
    this.#sweptAt = now;
    for (const id of this.#buckets.keys()) {
      if (this.#expired(id, now)) this.#buckets.delete(id);
    }
  }
}

/** What `ReplayGuard.save` writes: `[bucket id, base64 of its fingerprints]` pairs. */
interface ReplaySnapshot {
  readonly version: 1;
  readonly bucketSeconds: number;
  readonly buckets: ReadonlyArray<readonly [number, string]>;
}

/** 62 bits of a push's identity, never all zero (the empty slot), and 30 more for tables that check them too. */
export interface Fingerprint {
  readonly high: number;
  readonly low: number;
  readonly check: number;
}

/** The first 92 bits of a base64url digest, read from its characters (no buffer to allocate). */
export function fingerprintOfKey(key: string): Fingerprint {
  let high = 0;
  let low = 0;
  for (let i = 0; i < 5; i++) high = high * 64 + base64urlValue(key.charCodeAt(i));
  for (let i = 5; i < 10; i++) low = low * 64 + base64urlValue(key.charCodeAt(i));
  // 30 bits from five characters each, plus two bits of the eleventh: 62 bits (collisions as in the table comment).
  high = (high * 4 + (base64urlValue(key.charCodeAt(10)) >> 4)) >>> 0;
  low >>>= 0;
  let check = 0;
  for (let i = 11; i < 16; i++) check = check * 64 + base64urlValue(key.charCodeAt(i));
  return high === 0 && low === 0 ? { high: 0, low: 1, check } : { high, low, check };
}

function base64urlValue(code: number): number {
  if (code >= 0x41 && code <= 0x5a) return code - 0x41; // A-Z
  if (code >= 0x61 && code <= 0x7a) return code - 0x61 + 26; // a-z
  if (code >= 0x30 && code <= 0x39) return code - 0x30 + 52; // 0-9
  return code === 0x2d ? 62 : 63; // - and _
}
