/**
 * An open-addressing hash table keyed by non-zero 64-bit fingerprints (two 32-bit halves), with `width - 2`
 * 32-bit values beside each key, all in one `Uint32Array`: outside the JS heap, and nothing per entry for the
 * garbage collector to trace. At most 3/4 full; it doubles when it would be fuller. Entries are never removed
 * one by one: their owner drops the whole table (see `ReplayGuard` and `KeptReplies`, which keep one per span of
 * time).
 *
 * Hand-rolled because no maintained package offers a compact table of fixed-width fingerprints; a `Map` of
 * strings costs over 100 bytes an entry on the heap, and that heap is what the collector walks.
 */

const INITIAL_SLOTS = 256;

export class FingerprintTable {
  readonly #width: number;
  #words: Uint32Array;
  #size = 0;

  /**
   * @param width 32-bit words per entry: the two halves of the key, then its values
   * @param expected how many entries it will likely hold (its owner's previous table's count): made that large at
   *   once, so a table that fills at a steady rate does not grow (each growth rehashes every entry)
   */
  constructor(width = 2, expected = 0) {
    this.#width = width;
    let slots = INITIAL_SLOTS;
    while (expected * 4 > slots * 3) slots *= 2;
    this.#words = new Uint32Array(slots * width);
  }

  get size(): number {
    return this.#size;
  }

  get bytes(): number {
    return this.#words.byteLength;
  }

  /** The slot of the key, or of the empty slot where it would go. */
  #find(words: Uint32Array, high: number, low: number): number {
    const width = this.#width;
    const mask = words.length / width - 1;
    let slot = (low ^ Math.imul(high, 0x9e3779b1)) & mask;
    for (;;) {
      const at = slot * width;
      const h = words[at] as number;
      const l = words[at + 1] as number;
      if ((h === 0 && l === 0) || (h === high && l === low)) return slot;
      slot = (slot + 1) & mask;
    }
  }

  /** Where the entry of this key starts in `words` (its values follow the key), or -1 when there is none. */
  indexOf(high: number, low: number): number {
    const at = this.#find(this.#words, high, low) * this.#width;
    return this.#words[at] === high && this.#words[at + 1] === low ? at : -1;
  }

  /** Where the entry of this key starts in `words`, added (values all 0) if it was missing; -1 when it was there. */
  insert(high: number, low: number): number {
    let at = this.#find(this.#words, high, low) * this.#width;
    if (this.#words[at] === high && this.#words[at + 1] === low) return -1;
    if ((this.#size + 1) * 4 > (this.#words.length / this.#width) * 3) {
      this.#grow();
      at = this.#find(this.#words, high, low) * this.#width;
    }
    this.#words[at] = high;
    this.#words[at + 1] = low;
    this.#size++;
    return at;
  }

  /** Every key, as `[high, low]` pairs one after the other (for a table kept across a restart). */
  keys(): Uint32Array {
    const width = this.#width;
    const words = this.#words;
    const keys = new Uint32Array(this.#size * 2);
    let k = 0;
    for (let at = 0; at < words.length; at += width) {
      const high = words[at] as number;
      const low = words[at + 1] as number;
      if (high === 0 && low === 0) continue;
      keys[k++] = high;
      keys[k++] = low;
    }
    return keys;
  }

  /** The table's words: read and write the values of an entry at the index `indexOf` or `insert` gave (+2, +3, …). */
  get words(): Uint32Array {
    return this.#words;
  }

  #grow(): void {
    const width = this.#width;
    const old = this.#words;
    const words = new Uint32Array(old.length * 2);
    for (let at = 0; at < old.length; at += width) {
      const high = old[at] as number;
      const low = old[at + 1] as number;
      if (high === 0 && low === 0) continue;
      const to = this.#find(words, high, low) * width;
      for (let k = 0; k < width; k++) words[to + k] = old[at + k] as number;
    }
    this.#words = words;
  }
}
