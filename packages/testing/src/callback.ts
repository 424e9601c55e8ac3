import { randomBytes, randomInt } from 'node:crypto';
import type { XmlInput, XmlRecord } from '@wxopen/core';
import { MessageCipher, buildXml, parseXml, safeEqual, sign } from '@wxopen/core';

/** The platform secrets WeChat shares with a third-party platform. */
export interface PlatformSecrets {
  readonly appId: string;
  readonly token: string;
  readonly encodingAESKey: string;
}

export interface PushOptions {
  /** Seconds; default now. */
  readonly timestamp?: number;
  readonly nonce?: string;
  /** Added to the query as WeChat does for authorizer pushes. */
  readonly openid?: string;
  /** Fixed 16-byte random prefix, for reproducible ciphertexts. */
  readonly random?: Uint8Array;
}

/** A push as WeChat would send it: the query string parameters and the raw XML body. */
export interface Push {
  readonly query: Readonly<Record<string, string>>;
  readonly body: string;
  /** `path?query` for an HTTP client. */
  url(path: string): string;
}

/** An opened reply. */
export interface OpenedReply {
  /** The reply XML as the platform wrote it (decrypted when it was encrypted). */
  readonly xml: string;
  readonly record: XmlRecord;
  readonly encrypted: boolean;
}

function withUrl(query: Record<string, string>, body: string): Push {
  return { query, body, url: (path: string) => `${path}?${new URLSearchParams(query).toString()}` };
}

/**
 * Plays WeChat's side of the callback protocol for tests and the CLI: builds signed and encrypted pushes, and
 * opens and verifies the platform's replies.
 */
export class WechatSimulator {
  readonly #secrets: PlatformSecrets;
  readonly #cipher: MessageCipher;

  constructor(secrets: PlatformSecrets) {
    this.#secrets = secrets;
    this.#cipher = new MessageCipher(secrets.encodingAESKey, secrets.appId);
  }

  /** Makes a fresh set of valid demo secrets (a random appid, Token and EncodingAESKey). */
  static generateSecrets(): PlatformSecrets & { readonly appSecret: string } {
    return {
      appId: `wx${randomBytes(8).toString('hex')}`,
      appSecret: randomBytes(16).toString('hex'),
      token: randomBytes(12).toString('hex'),
      encodingAESKey: randomBytes(32).toString('base64').slice(0, 43),
    };
  }

  /** An encrypted push (security mode), `root` being the envelope's first element (`ToUserName` or `AppId`). */
  encrypted(message: string | XmlInput, options: PushOptions = {}, root: 'ToUserName' | 'AppId' = 'ToUserName'): Push {
    const xml = typeof message === 'string' ? message : buildXml(message);
    const timestamp = String(options.timestamp ?? Math.floor(Date.now() / 1000));
    const nonce = options.nonce ?? String(randomInt(1e9));
    const encrypt = this.#cipher.encrypt(xml, options.random);
    const recipient = root === 'AppId' ? this.#secrets.appId : 'gh_0000000000';
    const body = buildXml({ [root]: recipient, Encrypt: encrypt });
    const query: Record<string, string> = {
      signature: sign([this.#secrets.token, timestamp, nonce]),
      timestamp,
      nonce,
      encrypt_type: 'aes',
      msg_signature: sign([this.#secrets.token, timestamp, nonce, encrypt]),
    };
    if (options.openid !== undefined) query['openid'] = options.openid;
    return withUrl(query, body);
  }

  /** An encrypted component push to the authorization-event URL (envelope root `AppId`). */
  component(info: string | XmlInput, options: PushOptions = {}): Push {
    return this.encrypted(info, options, 'AppId');
  }

  /** A plain (unencrypted) push signed with `signature` only. */
  plain(message: string | XmlInput, options: PushOptions = {}): Push {
    const timestamp = String(options.timestamp ?? Math.floor(Date.now() / 1000));
    const nonce = options.nonce ?? String(randomInt(1e9));
    const query: Record<string, string> = { signature: sign([this.#secrets.token, timestamp, nonce]), timestamp, nonce };
    if (options.openid !== undefined) query['openid'] = options.openid;
    return withUrl(query, typeof message === 'string' ? message : buildXml(message));
  }

  /** The query of a GET URL verification. */
  echo(echostr: string, options: PushOptions = {}): Push {
    const timestamp = String(options.timestamp ?? Math.floor(Date.now() / 1000));
    const nonce = options.nonce ?? String(randomInt(1e9));
    return withUrl({ signature: sign([this.#secrets.token, timestamp, nonce]), timestamp, nonce, echostr }, '');
  }

  /** Opens a reply body: checks `MsgSignature` and decrypts when encrypted. Throws when the reply is invalid. */
  openReply(body: string): OpenedReply {
    const envelope = parseXml(body);
    const encrypt = envelope['Encrypt'];
    if (typeof encrypt !== 'string') return { xml: body, record: envelope, encrypted: false };
    const { TimeStamp, Nonce, MsgSignature } = envelope;
    if (typeof TimeStamp !== 'string' || typeof Nonce !== 'string' || typeof MsgSignature !== 'string') {
      throw new Error('reply envelope lacks TimeStamp, Nonce or MsgSignature');
    }
    if (!safeEqual(MsgSignature, sign([this.#secrets.token, TimeStamp, Nonce, encrypt]))) {
      throw new Error('reply MsgSignature does not verify');
    }
    const xml = this.#cipher.decrypt(encrypt).message.toString('utf8');
    return { xml, record: parseXml(xml), encrypted: true };
  }
}

let sequence = 0n;
/** A MsgId that no other call in this process returns (64-bit, as WeChat's). */
export function uniqueMsgId(): string {
  sequence += 1n;
  return String(BigInt(Date.now()) * 1_000_000n + (sequence % 1_000_000n));
}

/** A text message from `openid` to the authorizer `gh_…`, as WeChat pushes it. */
export function textMessage(content: string, fields: { from?: string; to?: string; msgId?: string; createTime?: number } = {}): XmlInput {
  return {
    ToUserName: fields.to ?? 'gh_0000000000',
    FromUserName: fields.from ?? 'o_user_openid',
    CreateTime: fields.createTime ?? Math.floor(Date.now() / 1000),
    MsgType: 'text',
    Content: content,
    MsgId: fields.msgId ?? uniqueMsgId(),
  };
}
