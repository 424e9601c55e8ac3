/**
 * `MessageCipher` keeps one AES context per direction for all its messages. These tests check that every
 * message still comes out exactly as from a fresh AES-256-CBC cipher with the IV, whatever came before it.
 */
import { createCipheriv, createDecipheriv } from 'node:crypto';
import { MessageCipher } from '@wxopen/core';

const ENCODING_AES_KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
const KEY = Buffer.from(`${ENCODING_AES_KEY}=`, 'base64');
const IV = KEY.subarray(0, 16);
const APPID = 'wxb11529c136998cb6';

function freshDecrypt(encrypted: string): Buffer {
  const decipher = createDecipheriv('aes-256-cbc', KEY, IV).setAutoPadding(false);
  return Buffer.concat([decipher.update(Buffer.from(encrypted, 'base64')), decipher.final()]);
}

function freshEncrypt(plain: Buffer): string {
  const cipher = createCipheriv('aes-256-cbc', KEY, IV).setAutoPadding(false);
  return Buffer.concat([cipher.update(plain), cipher.final()]).toString('base64');
}

/** random(16) ‖ uint32be(len) ‖ msg ‖ appid, padded to a multiple of 32 as WeChat does. */
function fullStr(msg: Buffer, random: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(msg.length);
  const body = Buffer.concat([random, length, msg, Buffer.from(APPID)]);
  const n = 32 - (body.length % 32);
  return Buffer.concat([body, Buffer.alloc(n, n)]);
}

describe('MessageCipher used for many messages', () => {
  test('encrypts each of a series of messages exactly as a fresh cipher with the IV would', () => {
    const cipher = new MessageCipher(ENCODING_AES_KEY, APPID);
    for (let i = 0; i < 50; i++) {
      const msg = Buffer.from(`message ${i} ${'x'.repeat(i * 7)}`);
      const random = Buffer.alloc(16, i);
      expect(cipher.encrypt(msg, random)).toBe(freshEncrypt(fullStr(msg, random)));
    }
  });

  test('decrypts each of a series of messages, interleaved with encryptions, as a fresh cipher would', () => {
    const cipher = new MessageCipher(ENCODING_AES_KEY, APPID);
    for (let i = 0; i < 50; i++) {
      const msg = Buffer.from(`inbound ${i} ${'y'.repeat(i * 5)}`);
      const encrypted = freshEncrypt(fullStr(msg, Buffer.alloc(16, 255 - i)));
      cipher.encrypt(`reply ${i}`);
      const opened = cipher.decrypt(encrypted);
      expect(opened.message.equals(msg)).toBe(true);
      expect(freshDecrypt(encrypted).subarray(20, 20 + msg.length).equals(opened.message)).toBe(true);
    }
  });

  test('a rejected ciphertext does not disturb the messages after it', () => {
    const cipher = new MessageCipher(ENCODING_AES_KEY, APPID);
    const good = freshEncrypt(fullStr(Buffer.from('after'), Buffer.alloc(16, 1)));
    const badPadding = freshEncrypt(Buffer.alloc(64, 0)); // padding byte 0
    expect(() => cipher.decrypt(badPadding)).toThrow(expect.objectContaining({ code: 'ERR_DECRYPT' }));
    expect(() => cipher.decrypt('not base64!')).toThrow(expect.objectContaining({ code: 'ERR_DECRYPT' }));
    expect(cipher.decrypt(good).message.toString()).toBe('after');
  });

  test('two ciphers of the same key give the same ciphertext for the same message and random prefix', () => {
    const a = new MessageCipher(ENCODING_AES_KEY, APPID);
    const b = new MessageCipher(ENCODING_AES_KEY, APPID);
    a.encrypt('something else first');
    const random = Buffer.alloc(16, 7);
    expect(a.encrypt('same', random)).toBe(b.encrypt('same', random));
  });

  test('the default random prefix differs from message to message', () => {
    const cipher = new MessageCipher(ENCODING_AES_KEY, APPID);
    const prefixes = new Set<string>();
    for (let i = 0; i < 600; i++) prefixes.add(cipher.decrypt(cipher.encrypt('same')).random.toString('hex'));
    expect(prefixes.size).toBe(600);
  });
});
