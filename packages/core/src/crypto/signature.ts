import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * WeChat's SHA-1 signature: sort the parts (code-unit order), join them without a separator, hex SHA-1.
 * `signature = sign([token, timestamp, nonce])`; `msg_signature = sign([token, timestamp, nonce, Encrypt])`.
 */
export function sign(parts: readonly string[]): string {
  return createHash('sha1').update([...parts].sort().join('')).digest('hex');
}

/** Constant-time comparison of two strings (time depends only on the length of `expected`). */
export function safeEqual(actual: string, expected: string): boolean {
  const a = Buffer.from(actual);
  const b = Buffer.from(expected);
  if (a.length !== b.length) {
    // Compare against itself so the work done does not depend on where a mismatch is.
    timingSafeEqual(b, b);
    return false;
  }
  return timingSafeEqual(a, b);
}
