/**
 * Crafted requests for the conformance suite: what WeChat sends (through `WechatSimulator`) and what it
 * never sends (bad envelopes that still carry a valid `msg_signature`, so the check under test is reached).
 */
import { createCipheriv, randomBytes } from 'node:crypto';
import { MessageCipher, buildXml, sign } from '@wxopen/core';
import type { PlatformSecrets, Push } from '../callback';
import { WechatSimulator } from '../callback';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH' | 'HEAD' | 'OPTIONS';

/** One HTTP request of a case. `path` is `AUTH_PATH` or `MESSAGE_PATH` unless stated. */
export interface RawRequest {
  /** Default `POST`. */
  readonly method?: HttpMethod;
  readonly endpoint?: 'auth' | 'message';
  readonly query: Readonly<Record<string, string>>;
  /** Appended as is after the encoded `query` (e.g. `&timestamp=2` to repeat a parameter). */
  readonly rawQuery?: string;
  /** Text is sent as UTF-8; a Buffer is sent byte for byte (for bytes that are not UTF-8). */
  readonly body?: string | Buffer;
  /** Default `text/xml`, as WeChat sends. */
  readonly contentType?: string;
  /** The message route's appid segment as written in the URL (percent-encoding and all). Default `AUTHORIZER_APPID`. */
  readonly routeSegment?: string;
}

export const AUTH_PATH = '/wechat/auth';
export const AUTHORIZER_APPID = 'wx00000000000000a1';
export const MESSAGE_PATH = `/wechat/callback/${AUTHORIZER_APPID}`;

export function pathOf(request: RawRequest): string {
  const base = request.endpoint === 'auth' ? AUTH_PATH : request.routeSegment === undefined ? MESSAGE_PATH : `/wechat/callback/${request.routeSegment}`;
  return `${base}?${new URLSearchParams(request.query).toString()}${request.rawQuery ?? ''}`;
}

export function fromPush(push: Push, extra: Partial<RawRequest> = {}): RawRequest {
  return { query: push.query, body: push.body, ...extra };
}

/** Returns a copy of `query` without `name`, or with `name` set to `value`. */
export function withQuery(query: Readonly<Record<string, string>>, name: string, value?: string): Record<string, string> {
  const copy = { ...query };
  if (value === undefined) delete copy[name];
  else copy[name] = value;
  return copy;
}

/** The plaintext WeChat encrypts, before padding: `random(16) ‖ uint32be(msgLen) ‖ message ‖ trailer`. */
export interface PlaintextParts {
  readonly message: string | Buffer;
  /** The appid trailer. Default: the platform's component appid. */
  readonly trailer?: string | Buffer;
  /** The declared message length. Default: the byte length of `message`. */
  readonly msgLen?: number;
}

/** WeChat's PKCS#7 padding, on blocks of 32 bytes: 1 to 32 bytes, each equal to their count. */
export function pad32(body: Buffer): Buffer {
  const pad = 32 - (body.length % 32);
  return Buffer.concat([body, Buffer.alloc(pad, pad)]);
}

/** A copy of `bytes` with the byte at `index` (negative: from the end) set to `value`. */
export function withByte(bytes: Buffer, index: number, value: number): Buffer {
  const copy = Buffer.from(bytes);
  copy[index < 0 ? copy.length + index : index] = value;
  return copy;
}

/** The platform under test and everything needed to forge requests against it. */
export class Forge {
  readonly secrets = WechatSimulator.generateSecrets();
  readonly wechat = new WechatSimulator(this.secrets);
  /** Same Token and key, another component appid: its pushes decrypt but fail the appid check. */
  readonly otherComponent = new WechatSimulator({ ...this.secrets, appId: 'wx_other_component' } satisfies PlatformSecrets);
  readonly #cipher = new MessageCipher(this.secrets.encodingAESKey, this.secrets.appId);

  /** Every form of a secret that must never be shown: Token, AppSecret, EncodingAESKey and the AES key itself. */
  secretTexts(): string[] {
    const key = Buffer.from(`${this.secrets.encodingAESKey}=`, 'base64');
    return [this.secrets.token, this.secrets.appSecret, this.secrets.encodingAESKey, key.toString('hex'), key.toString('base64'), key.toString('latin1')];
  }

  /**
   * An envelope around an arbitrary `Encrypt` value, correctly signed so decryption is what fails.
   * `timestamp` (default now) is signed as given, whatever it holds.
   */
  envelope(encrypt: string, timestamp = String(Math.floor(Date.now() / 1000))): RawRequest {
    const nonce = '1234567';
    const query = {
      signature: sign([this.secrets.token, timestamp, nonce]),
      timestamp,
      nonce,
      encrypt_type: 'aes',
      msg_signature: sign([this.secrets.token, timestamp, nonce, encrypt]),
    };
    return { query, body: buildXml({ ToUserName: 'gh_0000000000', Encrypt: encrypt }) };
  }

  /** A correctly encrypted and signed push of arbitrary message bytes: the envelope and crypto are fine, the message is what it is. */
  sealed(message: string | Buffer, timestamp?: string): RawRequest {
    return this.envelope(this.#cipher.encrypt(message), timestamp);
  }

  /** AES-256-CBC of `plain` with the platform key and no padding of its own: the caller shapes the plaintext. */
  rawEncrypt(plain: Buffer): string {
    const key = Buffer.from(`${this.secrets.encodingAESKey}=`, 'base64');
    const cipher = createCipheriv('aes-256-cbc', key, key.subarray(0, 16)).setAutoPadding(false);
    return Buffer.concat([cipher.update(plain), cipher.final()]).toString('base64');
  }

  /** The unpadded plaintext of `parts`, laid out as WeChat does. */
  plaintext(parts: PlaintextParts): Buffer {
    const message = Buffer.from(parts.message);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(parts.msgLen ?? message.length);
    return Buffer.concat([randomBytes(16), length, message, Buffer.from(parts.trailer ?? this.secrets.appId)]);
  }

  /** A signed envelope whose ciphertext decrypts to exactly `plain` (its length a multiple of 16). */
  crafted(plain: Buffer): RawRequest {
    return this.envelope(this.rawEncrypt(plain));
  }

  /** A ciphertext whose last plaintext byte (the padding length) is 0. */
  badPadding(): RawRequest {
    const plain = randomBytes(64);
    plain[63] = 0;
    return this.crafted(plain);
  }

  /** A well-padded plaintext whose `msg_len` points past the end of the buffer. */
  badMessageLength(): RawRequest {
    return this.crafted(pad32(this.plaintext({ message: '<xml/>', msgLen: 0xffff })));
  }
}
