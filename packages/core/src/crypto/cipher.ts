import type { Cipher, Decipher } from 'node:crypto';
import { createCipheriv, createDecipheriv, randomFillSync } from 'node:crypto';
import { WxOpenError, optionError } from '../errors';

/** Block size of WeChat's hand-made PKCS#7 padding (not AES's 16). */
const PAD_BLOCK = 32;
const RANDOM_BYTES = 16;
const LENGTH_BYTES = 4;
const AES_BLOCK = 16;

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
 * Fresh CSPRNG bytes for the random prefix, taken from a pool refilled with `randomFillSync` (one call per
 * 256 prefixes instead of one `randomBytes` call, a few µs, per reply). Each byte is handed out once.
 */
const randomPool = Buffer.allocUnsafeSlow(4096);
let randomOffset = randomPool.length;

function freshRandom(target: Buffer, at: number): void {
  if (randomOffset + RANDOM_BYTES > randomPool.length) {
    randomFillSync(randomPool);
    randomOffset = 0;
  }
  randomPool.copy(target, at, randomOffset, randomOffset + RANDOM_BYTES);
  randomOffset += RANDOM_BYTES;
}

/** `block[0..16) ^= chain ⊕ iv`. */
function foldFirstBlock(block: Buffer, chain: Buffer, iv: Buffer): void {
  for (let i = 0; i < AES_BLOCK; i++) block[i] = (block[i] as number) ^ (chain[i] as number) ^ (iv[i] as number);
}

/**
 * AES-256-CBC with a fixed IV, without creating a cipher per message (creating one costs more than encrypting
 * a short message). One long-lived OpenSSL context per direction is kept, never finalised: with padding off,
 * `update` on whole blocks returns every block at once, and the context carries on chaining from the last
 * ciphertext block it saw. Every message is re-anchored on the IV by folding `chain ⊕ iv` into its first block
 * (before encrypting, or after decrypting), so the output is exactly that of a fresh cipher with the IV.
 * Node runs `update` synchronously, so messages never interleave.
 */
class CbcStream {
  readonly #create: () => Cipher | Decipher;
  readonly #iv: Buffer;
  readonly #encrypting: boolean;
  #context: Cipher | Decipher;
  /** The last ciphertext block the context chained from (the IV for a fresh one). */
  readonly #chain: Buffer;

  constructor(encrypting: boolean, key: Buffer, iv: Buffer) {
    this.#encrypting = encrypting;
    this.#iv = iv;
    this.#create = encrypting
      ? () => createCipheriv('aes-256-cbc', key, iv).setAutoPadding(false)
      : () => createDecipheriv('aes-256-cbc', key, iv).setAutoPadding(false);
    this.#context = this.#create();
    this.#chain = Buffer.from(iv);
  }

  /** Encrypts or decrypts `input` (whole blocks; an encrypted input is changed in its first block). */
  run(input: Buffer): Buffer {
    const chain = this.#chain;
    const iv = this.#iv;
    if (this.#encrypting) foldFirstBlock(input, chain, iv);
    let output: Buffer;
    try {
      output = this.#context.update(input);
    } catch (error) {
      this.#context = this.#create(); // its state is unknown now: start over from the IV
      iv.copy(chain);
      throw error;
    }
    if (this.#encrypting) {
      output.copy(chain, 0, output.length - AES_BLOCK);
    } else {
      foldFirstBlock(output, chain, iv);
      input.copy(chain, 0, input.length - AES_BLOCK);
    }
    return output;
  }
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
  readonly #encipher: CbcStream;
  readonly #decipher: CbcStream;
  /** The appid's UTF-8 bytes, written as the trailer. */
  readonly #appIdBytes: Buffer;
  /** The appid as `open` reports a trailer (latin1 of its UTF-8 bytes), so `decrypt` compares bytes. */
  readonly #trailer: string;

  constructor(encodingAESKey: string, appId: string) {
    const key = decodeAESKey(encodingAESKey);
    const iv = key.subarray(0, 16);
    if (typeof appId !== 'string' || appId.length === 0) {
      throw optionError('appId', 'must be the non-empty appid that WeChat puts in the encrypted trailer');
    }
    this.#encipher = new CbcStream(true, key, iv);
    this.#decipher = new CbcStream(false, key, iv);
    this.#appIdBytes = Buffer.from(appId, 'utf8');
    this.#trailer = this.#appIdBytes.toString('latin1');
  }

  /** Encrypts `message` (a string is UTF-8 encoded) and returns base64. `random` defaults to 16 fresh bytes. */
  encrypt(message: string | Uint8Array, random?: Uint8Array): string {
    if (random !== undefined && random.length !== RANDOM_BYTES) throw new TypeError('wxopen: random prefix must be 16 bytes');
    const msgLength = typeof message === 'string' ? Buffer.byteLength(message, 'utf8') : message.length;
    const appId = this.#appIdBytes;
    const bodyLength = RANDOM_BYTES + LENGTH_BYTES + msgLength + appId.length;
    const pad = PAD_BLOCK - (bodyLength % PAD_BLOCK);
    const plain = Buffer.allocUnsafe(bodyLength + pad);
    if (random === undefined) freshRandom(plain, 0);
    else plain.set(random, 0);
    plain.writeUInt32BE(msgLength, RANDOM_BYTES);
    if (typeof message === 'string') plain.write(message, RANDOM_BYTES + LENGTH_BYTES, msgLength, 'utf8');
    else plain.set(message, RANDOM_BYTES + LENGTH_BYTES);
    appId.copy(plain, RANDOM_BYTES + LENGTH_BYTES + msgLength);
    plain.fill(pad, bodyLength);
    return this.#encipher.run(plain).toString('base64');
  }

  /** Decrypts a base64 `Encrypt` value and checks the appid trailer (byte for byte). */
  decrypt(encrypted: string): Decrypted {
    const opened = this.open(encrypted);
    if (opened.appId !== this.#trailer) throw new WxOpenError('ERR_APPID', { detail: 'trailer appid does not match' });
    return opened;
  }

  /** Decrypts without checking the trailer (the caller compares `appId`). Used for key rotation. */
  open(encrypted: string): Decrypted {
    if (typeof encrypted !== 'string' || encrypted.length % 4 !== 0) {
      throw new WxOpenError('ERR_DECRYPT', { detail: 'not canonical base64' });
    }
    const data = Buffer.from(encrypted, 'base64');
    // Buffer.from skips characters outside the alphabet and ignores non-zero bits in the last character; the
    // re-encoding is always canonical base64, so it equals the input exactly when the input is canonical.
    if (data.toString('base64') !== encrypted) throw new WxOpenError('ERR_DECRYPT', { detail: 'not canonical base64' });
    if (data.length < PAD_BLOCK) throw new WxOpenError('ERR_DECRYPT', { detail: 'ciphertext shorter than 32 bytes' });
    if (data.length % AES_BLOCK !== 0) throw new WxOpenError('ERR_DECRYPT', { detail: 'ciphertext length is not a multiple of 16' });
    let plain: Buffer;
    try {
      plain = this.#decipher.run(data);
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
