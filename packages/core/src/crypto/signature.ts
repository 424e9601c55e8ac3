import * as crypto from 'node:crypto';

/**
 * Hex SHA-1 of a string: the one-shot `crypto.hash` where Node has it (20.12+, about twice as fast as a
 * `Hash` object for short input), else `createHash`.
 */
const sha1Hex: (text: string) => string =
  typeof crypto.hash === 'function'
    ? (text) => crypto.hash('sha1', text, 'hex')
    : (text) => crypto.createHash('sha1').update(text).digest('hex');

/**
 * WeChat's SHA-1 signature: sort the parts (code-unit order), join them without a separator, hex SHA-1.
 * `signature = sign([token, timestamp, nonce])`; `msg_signature = sign([token, timestamp, nonce, Encrypt])`.
 */
export function sign(parts: readonly string[]): string {
  return sha1Hex(sortedJoin(parts));
}

/** `[...parts].sort().join('')`: an insertion sort in code-unit order (what `sort()` does), for a handful of parts. */
function sortedJoin(parts: readonly string[]): string {
  const sorted: string[] = new Array<string>(parts.length);
  for (let i = 0; i < parts.length; i++) {
    const text = String(parts[i]);
    let at = i;
    for (; at > 0 && (sorted[at - 1] as string) > text; at--) sorted[at] = sorted[at - 1] as string;
    sorted[at] = text;
  }
  let joined = '';
  for (const part of sorted) joined += part;
  return joined;
}

/**
 * Constant-time comparison of two strings: `crypto.timingSafeEqual` on their UTF-8 bytes. A length mismatch
 * still costs one comparison of `expected` with itself, so the time does not depend on where `actual` differs.
 */
export function safeEqual(actual: string, expected: string): boolean {
  const a = Buffer.from(actual, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  if (a.length !== b.length) {
    crypto.timingSafeEqual(b, b);
    return false;
  }
  return crypto.timingSafeEqual(a, b);
}
