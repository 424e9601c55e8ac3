/**
 * Edge cases of the AES envelope. Hostile ciphertexts are built with node:crypto directly (not with
 * `MessageCipher.encrypt`), so each test controls every byte of the padded plaintext.
 */
import { createCipheriv, createDecipheriv } from 'node:crypto';
import { MessageCipher, WxOpenError } from '@wxopen/core';
import { decodeAESKey } from '../../src/crypto/cipher';

const ENCODING_AES_KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
const KEY = Buffer.from(`${ENCODING_AES_KEY}=`, 'base64');
const APPID = 'wxb11529c136998cb6';
const RANDOM = Buffer.from('0123456789abcdef', 'latin1');

/** Every form the key could leak in. */
const KEY_FORMS = [ENCODING_AES_KEY, KEY.toString('base64'), KEY.toString('hex'), KEY.toString('latin1')];

function seal(plain: Buffer): string {
  if (plain.length % 16 !== 0) throw new Error('test bug: seal needs whole blocks');
  const cipher = createCipheriv('aes-256-cbc', KEY, KEY.subarray(0, 16)).setAutoPadding(false);
  return Buffer.concat([cipher.update(plain), cipher.final()]).toString('base64');
}

function unseal(encrypted: string): Buffer {
  const decipher = createDecipheriv('aes-256-cbc', KEY, KEY.subarray(0, 16)).setAutoPadding(false);
  return Buffer.concat([decipher.update(Buffer.from(encrypted, 'base64')), decipher.final()]);
}

/** random(16) ‖ uint32be(msgLen) ‖ msg ‖ appid, unpadded. */
function fullStr(msg: Buffer, appid = APPID, msgLen = msg.length): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(msgLen);
  return Buffer.concat([RANDOM, length, msg, Buffer.from(appid, 'utf8')]);
}

/** WeChat's padding: 1..32 bytes, each equal to the count, up to a multiple of 32. */
function pad32(body: Buffer): Buffer {
  const n = 32 - (body.length % 32);
  return Buffer.concat([body, Buffer.alloc(n, n)]);
}

function cipher(appid = APPID): MessageCipher {
  return new MessageCipher(ENCODING_AES_KEY, appid);
}

/** Runs `fn`, expects a WxOpenError, checks that nothing of the key is in it, and returns it. */
function rejection(fn: () => unknown): WxOpenError {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(WxOpenError);
  const error = caught as WxOpenError;
  const visible = `${String(error)} ${error.detail ?? ''} ${error.stack ?? ''} ${JSON.stringify(error)}`;
  for (const form of KEY_FORMS) expect(visible).not.toContain(form);
  return error;
}

describe('EncodingAESKey validation', () => {
  test.each([
    ['42 characters', ENCODING_AES_KEY.slice(0, 42)],
    ['44 characters', `${ENCODING_AES_KEY}=`],
    ['the empty string', ''],
  ])('rejects a key of %s with a TypeError naming encodingAESKey', (_what, key) => {
    expect(() => decodeAESKey(key)).toThrow(TypeError);
    expect(() => decodeAESKey(key)).toThrow(/`encodingAESKey`/);
    expect(() => new MessageCipher(key, APPID)).toThrow(/`encodingAESKey`.*43-character/);
  });

  test.each([
    ['a URL-safe "-"', `${ENCODING_AES_KEY.slice(0, 42)}-`],
    ['a URL-safe "_"', `_${ENCODING_AES_KEY.slice(1)}`],
    ['a space', `${ENCODING_AES_KEY.slice(0, 20)} ${ENCODING_AES_KEY.slice(21)}`],
    ['a trailing "="', `${ENCODING_AES_KEY.slice(0, 42)}=`],
    ['a CJK character', `${ENCODING_AES_KEY.slice(0, 42)}中`],
  ])('rejects a 43-character key containing %s with a TypeError naming encodingAESKey', (_what, key) => {
    expect(key).toHaveLength(43);
    expect(() => decodeAESKey(key)).toThrow(TypeError);
    expect(() => decodeAESKey(key)).toThrow(/`encodingAESKey`.*base64/);
  });

  test('a TypeError about the key does not repeat the key', () => {
    const key = `${ENCODING_AES_KEY.slice(0, 42)}-`;
    expect(() => decodeAESKey(key)).toThrow(expect.objectContaining({ message: expect.not.stringContaining(key.slice(0, 20)) }));
  });

  test('a valid key decodes to the 32 bytes of its base64', () => {
    expect(decodeAESKey(ENCODING_AES_KEY).equals(KEY)).toBe(true);
    expect(KEY).toHaveLength(32);
  });

  test('rejects an empty appid with a TypeError naming appId', () => {
    expect(() => new MessageCipher(ENCODING_AES_KEY, '')).toThrow(/`appId`/);
  });

  test('rejects a random prefix that is not 16 bytes', () => {
    expect(() => cipher().encrypt('x', Buffer.alloc(15))).toThrow(TypeError);
  });
});

describe('strict decryption', () => {
  test('accepts a hand-built ciphertext and returns its parts', () => {
    const opened = cipher().decrypt(seal(pad32(fullStr(Buffer.from('hello')))));
    expect(opened.message.toString()).toBe('hello');
    expect(opened.appId).toBe(APPID);
    expect(opened.random.equals(RANDOM)).toBe(true);
  });

  test('rejects a body whose padding byte is 0', () => {
    const body = fullStr(Buffer.from('hello'));
    const plain = Buffer.concat([body, Buffer.alloc(32 - (body.length % 32), 0)]);
    const error = rejection(() => cipher().decrypt(seal(plain)));
    expect(error.code).toBe('ERR_DECRYPT');
    expect(error.detail).toBe('padding byte 0');
  });

  test('rejects a body whose padding byte is 33', () => {
    const body = fullStr(Buffer.from('hello'));
    const plain = Buffer.concat([body, Buffer.alloc(32 - (body.length % 32) + 32, 33)]);
    expect(plain.length % 32).toBe(0);
    const error = rejection(() => cipher().decrypt(seal(plain)));
    expect(error.detail).toBe('padding byte 33');
  });

  test('rejects a body whose padding bytes are not all equal', () => {
    const plain = pad32(fullStr(Buffer.from('hello')));
    const n = plain[plain.length - 1] as number;
    expect(n).toBeGreaterThan(1);
    plain[plain.length - n] = n - 1;
    const error = rejection(() => cipher().decrypt(seal(plain)));
    expect(error.code).toBe('ERR_DECRYPT');
    expect(error.detail).toBe('inconsistent padding');
  });

  test('accepts a full 32-byte padding block when the body is a multiple of 32 bytes', () => {
    const msg = Buffer.from('x'.repeat(64 - 20 - APPID.length));
    const encrypted = cipher().encrypt(msg, RANDOM);
    const raw = unseal(encrypted);
    expect(raw).toHaveLength(96);
    expect(raw.subarray(64).equals(Buffer.alloc(32, 32))).toBe(true);
    expect(cipher().decrypt(encrypted).message.equals(msg)).toBe(true);
  });

  test('rejects a ciphertext that is not a multiple of 16 bytes', () => {
    const encrypted = Buffer.concat([Buffer.from(seal(pad32(fullStr(Buffer.from('hello')))), 'base64'), Buffer.alloc(8)]).toString('base64');
    const error = rejection(() => cipher().decrypt(encrypted));
    expect(error.code).toBe('ERR_DECRYPT');
    expect(error.detail).toBe('ciphertext length is not a multiple of 16');
  });

  test.each([0, 16])('rejects a ciphertext of %i bytes, shorter than 32', (bytes) => {
    const encrypted = Buffer.from(seal(pad32(fullStr(Buffer.from('hello')))), 'base64').subarray(0, bytes).toString('base64');
    const error = rejection(() => cipher().decrypt(encrypted));
    expect(error.detail).toBe('ciphertext shorter than 32 bytes');
  });

  test('rejects truncated base64', () => {
    const encrypted = seal(pad32(fullStr(Buffer.from('hello'))));
    const error = rejection(() => cipher().decrypt(encrypted.slice(0, -1)));
    expect(error.code).toBe('ERR_DECRYPT');
    expect(error.detail).toBe('not canonical base64');
  });

  test.each([
    ['a line break', (b64: string) => `${b64.slice(0, 20)}\n${b64.slice(20, -1)}`],
    ['a URL-safe character', (b64: string) => `-${b64.slice(1)}`],
    ['padding in the middle', (b64: string) => `${b64.slice(0, 4)}==${b64.slice(6)}`],
    ['no padding', (b64: string) => b64.replace(/=+$/, '')],
  ])('rejects base64 with %s', (_what, mangle) => {
    const good = seal(pad32(fullStr(Buffer.from('abc'), 'wx')));
    const bad = mangle(good);
    expect(bad).not.toBe(good);
    expect(rejection(() => cipher('wx').decrypt(bad)).detail).toBe('not canonical base64');
  });

  test('rejects non-canonical base64 whose last character carries stray bits, although Buffer decodes it', () => {
    // The last significant character before "=" has unused low bits; flip the lowest.
    const good = seal(pad32(fullStr(Buffer.from('abc'), 'wx')));
    expect(good).toMatch(/=$/);
    const at = good.length - (good.endsWith('==') ? 3 : 2);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
    const stray = alphabet[alphabet.indexOf(good[at] as string) ^ 1] as string;
    const bad = `${good.slice(0, at)}${stray}${good.slice(at + 1)}`;
    expect(bad).not.toBe(good);
    expect(Buffer.from(bad, 'base64').equals(Buffer.from(good, 'base64'))).toBe(true);
    expect(rejection(() => cipher('wx').decrypt(bad)).detail).toBe('not canonical base64');
  });

  test.each([
    ['0xFFFFFFFF', 0xffffffff],
    ['one byte past the end', 5 + APPID.length + 1],
  ])('rejects an oversized msg_len (%s)', (_what, msgLen) => {
    const plain = pad32(fullStr(Buffer.from('hello'), APPID, msgLen));
    const error = rejection(() => cipher().decrypt(seal(plain)));
    expect(error.code).toBe('ERR_DECRYPT');
    expect(error.detail).toBe('msg_len past the end of the buffer');
  });

  test('rejects a plaintext shorter than the random prefix and msg_len', () => {
    const plain = Buffer.concat([Buffer.alloc(16, 7), Buffer.alloc(16, 16)]);
    const error = rejection(() => cipher().decrypt(seal(plain)));
    expect(error.detail).toBe('plaintext too short');
  });

  test('a msg_len that leaves the whole rest as message gives an empty trailer, which is ERR_APPID', () => {
    const plain = pad32(fullStr(Buffer.from('hello'), APPID, 5 + APPID.length));
    const error = rejection(() => cipher().decrypt(seal(plain)));
    expect(error.code).toBe('ERR_APPID');
  });

  test.each([
    ['longer', `${APPID}x`],
    ['shorter', APPID.slice(0, -1)],
    ['of the same length but another value', `${APPID.slice(0, -1)}7`],
  ])('rejects an appid trailer that is %s with ERR_APPID, naming the check', (_what, trailer) => {
    const plain = pad32(fullStr(Buffer.from('hello'), trailer));
    const error = rejection(() => cipher().decrypt(seal(plain)));
    expect(error.code).toBe('ERR_APPID');
    expect(error.detail).toBe('trailer appid does not match');
    expect(error.message).not.toContain(trailer);
    // `open` leaves the comparison to the caller (key rotation) and reports the trailer it found.
    expect(cipher().open(seal(plain)).appId).toBe(trailer);
  });

  test('compares a non-ASCII appid byte for byte', () => {
    const appid = 'wx应用';
    expect(cipher(appid).decrypt(cipher(appid).encrypt('hi')).message.toString()).toBe('hi');
    expect(rejection(() => cipher('wx应甩').decrypt(cipher(appid).encrypt('hi'))).code).toBe('ERR_APPID');
  });

  test('counts msg_len in UTF-8 bytes, not characters (CJK)', () => {
    const text = '我是中文abcd123';
    const encrypted = cipher().encrypt(text, RANDOM);
    expect(unseal(encrypted).readUInt32BE(16)).toBe(Buffer.byteLength(text));
    expect(Buffer.byteLength(text)).toBe(19);
    expect(cipher().decrypt(encrypted).message.toString('utf8')).toBe(text);
  });

  test('decrypts a hand-built CJK message whose msg_len counts bytes', () => {
    const msg = Buffer.from('中文消息', 'utf8');
    const opened = cipher().decrypt(seal(pad32(fullStr(msg))));
    expect(opened.message.equals(msg)).toBe(true);
    expect(opened.appId).toBe(APPID);
  });

  test('a ciphertext sealed with another key fails as ERR_DECRYPT or ERR_APPID, never with key material', () => {
    const other = new MessageCipher('AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', APPID).encrypt('hello', RANDOM);
    const error = rejection(() => cipher().decrypt(other));
    expect(['ERR_DECRYPT', 'ERR_APPID']).toContain(error.code);
  });
});
