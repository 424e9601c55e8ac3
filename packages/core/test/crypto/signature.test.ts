import { createHash } from 'node:crypto';
import { safeEqual, sign } from '@wxopen/core';

describe('sign', () => {
  test('matches the doc example (sorted, joined without separator, hex SHA-1)', () => {
    expect(sign(['1714036504', 'AAAAA', '1514711492'])).toBe('f464b24fc39322e44b38aa78f5edd27bd1441696');
  });

  test('sorts in code-unit order, as Array.prototype.sort does, for any parts', () => {
    const alphabet = 'aAzZ09+/=_-~ä中';
    for (let n = 0; n < 500; n++) {
      const parts = Array.from({ length: 1 + (n % 6) }, (_, i) =>
        Array.from({ length: (n * 7 + i * 3) % 9 }, (_, j) => alphabet[(n + i * 5 + j * 11) % alphabet.length]).join(''),
      );
      expect(sign(parts)).toBe(createHash('sha1').update([...parts].sort().join('')).digest('hex'));
    }
  });

  test('leaves the caller’s array as it was', () => {
    const parts = ['c', 'b', 'a'];
    sign(parts);
    expect(parts).toEqual(['c', 'b', 'a']);
  });
});

describe('safeEqual', () => {
  const digest = 'f464b24fc39322e44b38aa78f5edd27bd1441696';

  test('accepts the same string', () => {
    expect(safeEqual(digest, `${digest}`)).toBe(true);
    expect(safeEqual('', '')).toBe(true);
  });

  test.each([
    ['one character changed', `${digest.slice(0, 39)}7`],
    ['a prefix', digest.slice(0, 20)],
    ['a longer string', `${digest}0`],
    ['upper case', digest.toUpperCase()],
    ['the empty string', ''],
    ['a string with a NUL where the expected one ends', `${digest}\u0000`],
  ])('rejects %s', (_what, actual) => {
    expect(safeEqual(actual, digest)).toBe(false);
  });
});
