/**
 * Crafted requests for the conformance suite: what WeChat sends (through `WechatSimulator`) and what it
 * never sends (bad envelopes that still carry a valid `msg_signature`, so the check under test is reached).
 */
import { createCipheriv, randomBytes } from 'node:crypto';
import { buildXml, sign } from '@wxopen/core';
import type { PlatformSecrets, Push } from '@wxopen/testing';
import { WechatSimulator } from '@wxopen/testing';

/** One HTTP request of a case. `path` is `AUTH_PATH` or `MESSAGE_PATH` unless stated. */
export interface RawRequest {
  readonly method?: string;
  readonly endpoint?: 'auth' | 'message';
  readonly query: Readonly<Record<string, string>>;
  readonly body?: string;
  /** Default `text/xml`, as WeChat sends. */
  readonly contentType?: string;
}

export const AUTH_PATH = '/wechat/auth';
export const AUTHORIZER_APPID = 'wx_authorizer_1';
export const MESSAGE_PATH = `/wechat/callback/${AUTHORIZER_APPID}`;

export function pathOf(request: RawRequest): string {
  const base = request.endpoint === 'auth' ? AUTH_PATH : MESSAGE_PATH;
  return `${base}?${new URLSearchParams(request.query).toString()}`;
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

/** The platform under test and everything needed to forge requests against it. */
export class Forge {
  readonly secrets = WechatSimulator.generateSecrets();
  readonly wechat = new WechatSimulator(this.secrets);
  /** Same Token and key, another component appid: its pushes decrypt but fail the appid check. */
  readonly otherComponent = new WechatSimulator({ ...this.secrets, appId: 'wx_other_component' } satisfies PlatformSecrets);

  /** An envelope around an arbitrary `Encrypt` value, correctly signed so decryption is what fails. */
  envelope(encrypt: string): RawRequest {
    const timestamp = String(Math.floor(Date.now() / 1000));
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

  /** AES-256-CBC of `plain` with the platform key and no padding of its own: the caller shapes the plaintext. */
  rawEncrypt(plain: Buffer): string {
    const key = Buffer.from(`${this.secrets.encodingAESKey}=`, 'base64');
    const cipher = createCipheriv('aes-256-cbc', key, key.subarray(0, 16)).setAutoPadding(false);
    return Buffer.concat([cipher.update(plain), cipher.final()]).toString('base64');
  }

  /** A ciphertext whose last plaintext byte (the padding length) is 0. */
  badPadding(): RawRequest {
    const plain = randomBytes(64);
    plain[63] = 0;
    return this.envelope(this.rawEncrypt(plain));
  }

  /** A well-padded plaintext whose `msg_len` points past the end of the buffer. */
  badMessageLength(): RawRequest {
    const body = Buffer.concat([randomBytes(16), Buffer.from([0, 0, 0xff, 0xff]), Buffer.from(`<xml/>${this.secrets.appId}`)]);
    const pad = 32 - (body.length % 32);
    return this.envelope(this.rawEncrypt(Buffer.concat([body, Buffer.alloc(pad, pad)])));
  }
}
