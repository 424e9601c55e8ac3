/**
 * Remembers which pushes ran while their `timestamp` is still accepted, in little memory, for stores that only
 * this process sees (a shared store keeps the same memory in its delivery marks instead).
 *
 * A replay is a push re-sent byte for byte, so it carries the timestamp it was signed with: only the pushes of
 * that timestamp need to be searched. Pushes are grouped by timestamp into buckets of `BUCKET_SECONDS`; a bucket
 * is dropped whole once its last timestamp has left the accepted window. Each push is kept as a 62-bit
 * fingerprint of its identity in an open-addressing table of `Uint32Array`s (8 bytes a slot, at most 3/4 full):
 * about 11–16 bytes a push, where a `Set` of strings costs over 100. Two distinct pushes of one bucket share a
 * fingerprint with a chance of about n²/2⁶³ (n ≈ 10 000 at 1 000 pushes/s: under 1 in 10¹⁰ per bucket).
 *
 * Hand-rolled because no maintained package offers a compact expiring set of fixed-width fingerprints, and the
 * window (up to twice the clock skew, 10 minutes by default) would otherwise dominate the process's memory.
 */

const BUCKET_SECONDS = 8;
const INITIAL_SLOTS = 256;

/** An open-addressing set of non-zero 64-bit fingerprints held as pairs of 32-bit halves. */
class FingerprintSet {
  #slots = new Uint32Array(INITIAL_SLOTS * 2);
  #size = 0;

  get size(): number {
    return this.#size;
  }

  get bytes(): number {
    return this.#slots.byteLength;
  }

  #find(slots: Uint32Array, high: number, low: number): number {
    const mask = slots.length / 2 - 1;
    let i = (low ^ Math.imul(high, 0x9e3779b1)) & mask;
    for (;;) {
      const h = slots[i * 2] as number;
      const l = slots[i * 2 + 1] as number;
      if ((h === 0 && l === 0) || (h === high && l === low)) return i;
      i = (i + 1) & mask;
    }
  }

  has(high: number, low: number): boolean {
    const i = this.#find(this.#slots, high, low);
    return this.#slots[i * 2] === high && this.#slots[i * 2 + 1] === low;
  }

  /** Adds the fingerprint; `false` when it was there already. */
  add(high: number, low: number): boolean {
    const i = this.#find(this.#slots, high, low);
    if (this.#slots[i * 2] === high && this.#slots[i * 2 + 1] === low) return false;
    this.#slots[i * 2] = high;
    this.#slots[i * 2 + 1] = low;
    if (++this.#size * 4 > (this.#slots.length / 2) * 3) this.#grow();
    return true;
  }

  #grow(): void {
    const old = this.#slots;
    const slots = new Uint32Array(old.length * 2);
    for (let i = 0; i < old.length; i += 2) {
      const high = old[i] as number;
      const low = old[i + 1] as number;
      if (high === 0 && low === 0) continue;
      const j = this.#find(slots, high, low);
      slots[j * 2] = high;
      slots[j * 2 + 1] = low;
    }
    this.#slots = slots;
  }
}

export class ReplayGuard {
  readonly #buckets = new Map<number, FingerprintSet>();
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
    return this.#buckets.get(Math.floor(timestamp / BUCKET_SECONDS))?.has(fingerprint.high, fingerprint.low) ?? false;
  }

  /** Remembers a push that ran; `false` when it was remembered already. */
  add(fingerprint: Fingerprint, timestamp: number): boolean {
    this.#sweep();
    const id = Math.floor(timestamp / BUCKET_SECONDS);
    let set = this.#buckets.get(id);
    if (set === undefined) {
      set = new FingerprintSet();
      this.#buckets.set(id, set);
    }
    return set.add(fingerprint.high, fingerprint.low);
  }

  /** Drops the buckets whose every timestamp has left the window (there are at most a few dozen buckets). */
  #sweep(): void {
    const now = this.#now() / 1000;
    if (now - this.#sweptAt < 1) return;
    this.#sweptAt = now;
    for (const id of this.#buckets.keys()) {
      if ((id + 1) * BUCKET_SECONDS + this.#windowSeconds < now) this.#buckets.delete(id);
    }
  }
}

/** 64 bits of a push's identity, never all zero (the empty slot). */
export interface Fingerprint {
  readonly high: number;
  readonly low: number;
}

/** The first 64 bits of a base64url digest, read from its characters (no buffer to allocate). */
export function fingerprintOfKey(key: string): Fingerprint {
  let high = 0;
  let low = 0;
  for (let i = 0; i < 5; i++) high = high * 64 + base64urlValue(key.charCodeAt(i));
  for (let i = 5; i < 10; i++) low = low * 64 + base64urlValue(key.charCodeAt(i));
  // 30 bits from five characters each, plus two bits of the eleventh: 62 bits (collisions as in the table comment).
  high = (high * 4 + (base64urlValue(key.charCodeAt(10)) >> 4)) >>> 0;
  low >>>= 0;
  return high === 0 && low === 0 ? { high: 0, low: 1 } : { high, low };
}

function base64urlValue(code: number): number {
  if (code >= 0x41 && code <= 0x5a) return code - 0x41; // A-Z
  if (code >= 0x61 && code <= 0x7a) return code - 0x61 + 26; // a-z
  if (code >= 0x30 && code <= 0x39) return code - 0x30 + 52; // 0-9
  return code === 0x2d ? 62 : 63; // - and _
}
