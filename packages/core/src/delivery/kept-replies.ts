/**
 * Finished deliveries kept for WeChat's retries: for `ttlMs` after a push finished, its retries are answered what
 * its first request was (its reply, or `success`) without running it again.
 *
 * A platform that answers 1 000 pushes a second keeps 30 000 of them at the default 30 s. Kept as objects and
 * strings on the JS heap that was about 500 bytes each (15 MiB per 1 000 pushes a second), and every collection
 * walked it: measured over HTTP, a third of what the delivery bookkeeping cost per request. So nothing here is
 * an object per push: pushes are grouped by the time they finished into spans of `ttlMs / 8`; each span has a
 * `FingerprintTable` (the push's 62-bit fingerprint → where its reply is, and when it finished) and its replies'
 * UTF-8 bytes in a few buffers, all outside the heap. A span is dropped whole once its last push has expired,
 * so memory is held at most an eighth longer than `ttlMs`. Lookups search the nine or so live spans, newest
 * first (a retry comes 5 to 15 s after its first request).
 */
import { Buffer } from 'node:buffer';
import { FingerprintTable } from './fingerprint-table';
import type { Fingerprint } from './replay-guard';

/**
 * Entry words after the key: 30 more bits of the identity (a push is answered only when they match too), where the
 * reply starts (chunk × 2¹⁶ + offset), its byte length, ms into the span.
 */
const CHECK = 2;
const AT = 3;
const LENGTH = 4;
const FINISHED = 5;
const WIDTH = 6;
/** The length of a push answered `success` (no reply to keep). */
const SUCCESS = 0xffffffff;
const CHUNK_OFFSET_LIMIT = 0x10000;
const FIRST_CHUNK = 4 * 1024;
const LARGEST_CHUNK = CHUNK_OFFSET_LIMIT;

/** The pushes that finished within one span of time. */
class Span {
  readonly table: FingerprintTable;
  readonly chunks: Buffer[] = [];
  /** Bytes used in the last chunk. */
  used = 0;

  /** @param expected the pushes of the span before it: most spans hold about as many */
  constructor(
    readonly start: number,
    expected: number,
  ) {
    this.table = new FingerprintTable(WIDTH, expected);
  }

  get bytes(): number {
    let bytes = this.table.bytes;
    for (const chunk of this.chunks) bytes += chunk.length;
    return bytes;
  }

  /** Copies `reply` into the chunks; returns where it starts (chunk × 2¹⁶ + offset) and its byte length. */
  write(reply: string): { at: number; length: number } {
    const most = reply.length * 3; // the UTF-8 length is at most 3 bytes a UTF-16 code unit
    // A reply that may not fit a chunk's offsets gets a chunk of its exact size, to itself (at offset 0); the
    // others share chunks that double up to 64 KiB.
    const alone = most > LARGEST_CHUNK;
    let chunk = this.chunks[this.chunks.length - 1];
    if (chunk === undefined || alone || this.used + most > chunk.length) {
      const size = alone ? Buffer.byteLength(reply, 'utf8') : Math.min(LARGEST_CHUNK, Math.max(FIRST_CHUNK, (chunk?.length ?? 0) * 2, most));
      // Not from Node's shared pool: a span's buffers must be freed with it, not pin a pool slab.
      chunk = Buffer.allocUnsafeSlow(size);
      this.chunks.push(chunk);
      this.used = 0;
    }
    const offset = this.used;
    const length = chunk.write(reply, offset, 'utf8');
    this.used = alone ? chunk.length : offset + length;
    return { at: (this.chunks.length - 1) * CHUNK_OFFSET_LIMIT + offset, length };
  }

  read(at: number, length: number): string {
    const chunk = this.chunks[Math.floor(at / CHUNK_OFFSET_LIMIT)] as Buffer;
    const offset = at % CHUNK_OFFSET_LIMIT;
    return chunk.toString('utf8', offset, offset + length);
  }
}

export class KeptReplies {
  readonly #ttlMs: number;
  readonly #spanMs: number;
  readonly #now: () => number;
  /** Oldest first. */
  #spans: Span[] = [];

  /** @param ttlMs how long after it finished a push's retries are answered from here (> 0) */
  constructor(ttlMs: number, now: () => number) {
    this.#ttlMs = ttlMs;
    this.#spanMs = Math.max(1, Math.ceil(ttlMs / 8));
    this.#now = now;
  }

  /** Pushes kept (expired ones dropped first), and the bytes their tables and replies hold (for `health()`). */
  get footprint(): { readonly pushes: number; readonly bytes: number } {
    this.prune();
    let pushes = 0;
    let bytes = 0;
    for (const span of this.#spans) {
      pushes += span.table.size;
      bytes += span.bytes;
    }
    return { pushes, bytes };
  }

  /** Keeps a finished push: `reply` is what its retries get (`undefined`: `success`). A push kept already stays as it was. */
  add(fingerprint: Fingerprint, reply: string | undefined): void {
    const now = this.#now();
    this.prune(now);
    let span = this.#spans[this.#spans.length - 1];
    // A clock that went back files the push in the newest span, as if it finished at that span's start.
    if (span === undefined || now >= span.start + this.#spanMs) {
      span = new Span(now - (now % this.#spanMs), span?.table.size ?? 0);
      this.#spans.push(span);
    }
    const entry = span.table.insert(fingerprint.high, fingerprint.low);
    if (entry < 0) return;
    const words = span.table.words;
    words[entry + CHECK] = fingerprint.check;
    words[entry + FINISHED] = Math.max(0, now - span.start);
    if (reply === undefined) {
      words[entry + LENGTH] = SUCCESS;
      return;
    }
    const { at, length } = span.write(reply);
    words[entry + AT] = at;
    words[entry + LENGTH] = length;
  }

  /**
   * What the retries of a push finished less than `ttlMs` ago are answered: its reply, `null` for `success`, or
   * `undefined` when no such push is kept.
   */
  get(fingerprint: Fingerprint): string | null | undefined {
    const now = this.#now();
    const spans = this.#spans;
    for (let i = spans.length - 1; i >= 0; i--) {
      const span = spans[i] as Span;
      const entry = span.table.indexOf(fingerprint.high, fingerprint.low);
      if (entry < 0) continue;
      const words = span.table.words;
      // Another push with the same 62 bits (about n²/2⁶³ for n pushes kept): not this one's answer.
      if (words[entry + CHECK] !== fingerprint.check) return undefined;
      if (span.start + (words[entry + FINISHED] as number) + this.#ttlMs <= now) return undefined;
      const length = words[entry + LENGTH] as number;
      return length === SUCCESS ? null : span.read(words[entry + AT] as number, length);
    }
    return undefined;
  }

  /** Drops the spans whose every push has expired. */
  prune(now = this.#now()): void {
    let expired = 0;
    while (expired < this.#spans.length && (this.#spans[expired] as Span).start + this.#spanMs + this.#ttlMs <= now) expired++;
    if (expired > 0) this.#spans = this.#spans.slice(expired);
  }
}
