import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { WxOpenError, optionError } from '../errors';

/** Block size of WeChat's hand-made PKCS#7 padding (not AES's 16). */
const PAD_BLOCK = 32;
const RANDOM_BYTES = 16;
const LENGTH_BYTES = 4;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Decodes and validates an EncodingAESKey (43 characters of standard base64) into the 32-byte AES key.
 * Throws a `TypeError` naming the fix: this is a configuration error, found at construction.
 */
export function decodeAESKey(encodingAESKey: string, option = 'encodingAESKey'): Buffer {
  if (typeof encodingAESKey !== 'string' || encodingAESKey.length !== 43) {
    throw optionError(option, 'must be the 43-character EncodingAESKey from the WeChat Open Platform console');
  }
  if (!/^[A-Za-z0-9+/]{43}$/.test(encodingAESKey)) {
    throw optionError(option, 'must contain only base64 characters (A-Z, a-z, 0-9, + and /)');
  }
  const key = Buffer.from(`${encodingAESKey}=`, 'base64');
  if (key.length !== 32) {
    throw optionError(option, 'does not decode to a 32-byte AES key');
  }
  return key;
}

/** What a decryption recovered. `random` is exposed for known-answer tests only. */
export interface Decrypted {
  readonly message: Buffer;
  /** The appid trailer, one character per byte (latin1): an ASCII appid reads as itself. */
  readonly appId: string;
  readonly random: Buffer;
}

/**
 * The WXBizMsgCrypt envelope: AES-256-CBC, IV = key[0..16), no library padding, PKCS#7 with block 32,
 * plaintext = random(16) ‖ uint32be(len(msg)) ‖ msg ‖ appid.
 *
 * Decryption is strict: the ciphertext must be canonical base64 of a whole number of AES blocks, the
 * padding byte must be 1..32 with every padding byte equal, `msg_len` must fit, and the trailer must equal
 * the expected appid byte for byte. Each failure is a `WxOpenError` whose `detail` names the check and holds
 * no key material.
 */
export class MessageCipher {
  readonly #key: Buffer;
  readonly #iv: Buffer;
  readonly #appId: string;
  /** The appid as `open` reports a trailer (latin1 of its UTF-8 bytes), so `decrypt` compares bytes. */
  readonly #trailer: string;

  constructor(encodingAESKey: string, appId: string) {
    this.#key = decodeAESKey(encodingAESKey);
    this.#iv = this.#key.subarray(0, 16);
    if (typeof appId !== 'string' || appId.length === 0) {
      throw optionError('appId', 'must be the non-empty appid that WeChat puts in the encrypted trailer');
    }
    this.#appId = appId;
    this.#trailer = Buffer.from(appId, 'utf8').toString('latin1');
  }

  /** Encrypts `message` (a string is UTF-8 encoded) and returns base64. `random` defaults to 16 fresh bytes. */
  encrypt(message: string | Uint8Array, random?: Uint8Array): string {
    const msg = typeof message === 'string' ? Buffer.from(message, 'utf8') : Buffer.from(message);
    const rnd = random ?? randomBytes(RANDOM_BYTES);
    if (rnd.length !== RANDOM_BYTES) throw new TypeError('wxopen: random prefix must be 16 bytes');
    const appId = Buffer.from(this.#appId, 'utf8');
    const bodyLength = RANDOM_BYTES + LENGTH_BYTES + msg.length + appId.length;
    const pad = PAD_BLOCK - (bodyLength % PAD_BLOCK);
    const plain = Buffer.allocUnsafe(bodyLength + pad);
    plain.set(rnd, 0);
    plain.writeUInt32BE(msg.length, RANDOM_BYTES);
    msg.copy(plain, RANDOM_BYTES + LENGTH_BYTES);
    appId.copy(plain, RANDOM_BYTES + LENGTH_BYTES + msg.length);
    plain.fill(pad, bodyLength);
    const cipher = createCipheriv('aes-256-cbc', this.#key, this.#iv).setAutoPadding(false);
    return Buffer.concat([cipher.update(plain), cipher.final()]).toString('base64');
  }

  /** Decrypts a base64 `Encrypt` value and checks the appid trailer (byte for byte). */
  decrypt(encrypted: string): Decrypted {
    const opened = this.open(encrypted);
    if (opened.appId !== this.#trailer) throw new WxOpenError('ERR_APPID', { detail: 'trailer appid does not match' });
    return opened;
  }

  /** Decrypts without checking the trailer (the caller compares `appId`). Used for key rotation. */
  open(encrypted: string): Decrypted {
    if (typeof encrypted !== 'string' || encrypted.length % 4 !== 0 || !BASE64.test(encrypted)) {
      throw new WxOpenError('ERR_DECRYPT', { detail: 'not canonical base64' });
    }
    const data = Buffer.from(encrypted, 'base64');
    // Buffer.from ignores non-zero bits in the last character: re-encoding tells a canonical text apart.
    if (data.toString('base64') !== encrypted) throw new WxOpenError('ERR_DECRYPT', { detail: 'not canonical base64' });
    if (data.length < PAD_BLOCK) throw new WxOpenError('ERR_DECRYPT', { detail: 'ciphertext shorter than 32 bytes' });
    if (data.length % 16 !== 0) throw new WxOpenError('ERR_DECRYPT', { detail: 'ciphertext length is not a multiple of 16' });
    let plain: Buffer;
    try {
      const decipher = createDecipheriv('aes-256-cbc', this.#key, this.#iv).setAutoPadding(false);
      plain = Buffer.concat([decipher.update(data), decipher.final()]);
    } catch (cause) {
      throw new WxOpenError('ERR_DECRYPT', { detail: 'cipher failure', cause });
    }
    const pad = plain[plain.length - 1] ?? 0;
    if (pad < 1 || pad > PAD_BLOCK) throw new WxOpenError('ERR_DECRYPT', { detail: `padding byte ${pad}` });
    for (let i = plain.length - pad; i < plain.length; i++) {
      if (plain[i] !== pad) throw new WxOpenError('ERR_DECRYPT', { detail: 'inconsistent padding' });
    }
    const end = plain.length - pad;
    if (end < RANDOM_BYTES + LENGTH_BYTES) throw new WxOpenError('ERR_DECRYPT', { detail: 'plaintext too short' });
    const msgLength = plain.readUInt32BE(RANDOM_BYTES);
    const msgEnd = RANDOM_BYTES + LENGTH_BYTES + msgLength;
    if (msgEnd > end) throw new WxOpenError('ERR_DECRYPT', { detail: 'msg_len past the end of the buffer' });
    return {
      random: plain.subarray(0, RANDOM_BYTES),
      message: plain.subarray(RANDOM_BYTES + LENGTH_BYTES, msgEnd),
      appId: plain.toString('latin1', msgEnd, end),
    };
  }
}
