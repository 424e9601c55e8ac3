import fc from 'fast-check';
import { MessageCipher, sign } from '@wxopen/core';

const BASE64_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Any valid EncodingAESKey: 43 base64 characters (the last one's 2 unused bits included). */
const encodingAESKey = fc.string({ unit: fc.constantFrom(...BASE64_ALPHABET), minLength: 43, maxLength: 43 });
/** Any non-empty ASCII appid, control characters included. */
const appId = fc.string({ unit: 'binary-ascii', minLength: 1, maxLength: 40 });
const random = fc.uint8Array({ minLength: 16, maxLength: 16 });

describe('MessageCipher properties', () => {
  test('decrypt(encrypt(bytes)) gives back the bytes, the random prefix and the appid, for any key and ASCII appid', () => {
    fc.assert(
      fc.property(encodingAESKey, appId, fc.uint8Array({ maxLength: 1024 }), random, (key, id, message, rnd) => {
        const cipher = new MessageCipher(key, id);
        const encrypted = cipher.encrypt(message, rnd);
        const opened = cipher.decrypt(encrypted);
        expect(opened.message.equals(Buffer.from(message))).toBe(true);
        expect(opened.random.equals(Buffer.from(rnd))).toBe(true);
        expect(opened.appId).toBe(id);
        // WeChat's padding always brings the plaintext to a multiple of 32 bytes.
        expect(Buffer.from(encrypted, 'base64').length % 32).toBe(0);
      }),
      { numRuns: 300 },
    );
  });

  test('decrypt(encrypt(text)) gives back any string as its UTF-8 bytes', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), (text) => {
        const cipher = new MessageCipher('abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG', 'wx0123456789abcdef');
        expect(cipher.decrypt(cipher.encrypt(text)).message.toString('utf8')).toBe(text);
      }),
    );
  });

  test('a cipher with another appid rejects the ciphertext with ERR_APPID', () => {
    fc.assert(
      fc.property(encodingAESKey, appId, appId, fc.uint8Array({ maxLength: 64 }), (key, id, other, message) => {
        fc.pre(id !== other);
        const encrypted = new MessageCipher(key, id).encrypt(message);
        expect(() => new MessageCipher(key, other).decrypt(encrypted)).toThrow(expect.objectContaining({ code: 'ERR_APPID' }));
      }),
      { numRuns: 100 },
    );
  });
});

describe('sign properties', () => {
  test('sign does not depend on the order of its parts', () => {
    fc.assert(
      fc.property(
        fc
          .array(fc.string({ maxLength: 20 }), { maxLength: 6 })
          .chain((parts) => fc.tuple(fc.constant(parts), fc.shuffledSubarray(parts, { minLength: parts.length, maxLength: parts.length }))),
        ([parts, shuffled]) => {
          expect(sign(shuffled)).toBe(sign(parts));
        },
      ),
    );
  });

  test('sign does not reorder the caller’s array', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 8 }), { maxLength: 6 }), (parts) => {
        const copy = [...parts];
        sign(parts);
        expect(parts).toEqual(copy);
      }),
    );
  });
});
