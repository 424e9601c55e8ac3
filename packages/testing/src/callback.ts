import { randomBytes } from 'node:crypto';
import type { PushFormat, XmlInput, XmlRecord } from '@wxopen/core';
import { MessageEnvelope, buildXml, parseXml } from '@wxopen/core';

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
  /** `'json'` for a mini program in JSON mode: JSON envelope and JSON message (default `'xml'`). */
  readonly format?: PushFormat;
}

/** A push as WeChat would send it: the query string parameters and the raw body. */
export interface Push {
  readonly query: Readonly<Record<string, string>>;
  readonly body: string;
  /** `path?query` for an HTTP client. */
  url(path: string): string;
}

/** An opened reply. */
export interface OpenedReply {
  /** The reply as the platform wrote it (decrypted when it was encrypted): XML, or JSON for JSON pushes. */
  readonly xml: string;
  readonly record: XmlRecord;
  readonly encrypted: boolean;
}

function withUrl(query: Readonly<Record<string, string>>, body: string): Push {
  return { query, body, url: (path: string) => `${path}?${new URLSearchParams(query).toString()}` };
}

/** A message as JSON, numbers as numbers (WeChat writes `CreateTime` and `MsgId` as JSON numbers). */
function toJson(message: XmlInput): string {
  return JSON.stringify(message, (key, value: unknown) =>
    (key === 'MsgId' || key === 'MsgID') && typeof value === 'string' && /^\d+$/.test(value) ? `__num__${value}` : value,
  ).replace(/"__num__(\d+)"/g, '$1');
}

/**
 * Plays WeChat's side of the callback protocol for tests and the CLI, with the core's `MessageEnvelope`: builds
 * signed and encrypted pushes (XML or JSON), and opens and verifies the platform's replies.
 */
export class WechatSimulator {
  readonly #secrets: PlatformSecrets;
  readonly #envelope: MessageEnvelope;

  constructor(secrets: PlatformSecrets) {
    this.#secrets = secrets;
    this.#envelope = new MessageEnvelope(secrets, { maxClockSkewSeconds: 0 });
  }

  /** The envelope this simulator seals with (WeChat's side). */
  get envelope(): MessageEnvelope {
    return this.#envelope;
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

  #text(message: string | XmlInput, format: PushFormat | undefined): string {
    if (typeof message === 'string') return message;
    return format === 'json' ? toJson(message) : buildXml(message);
  }

  /** An encrypted push (security mode), `root` being the envelope's first element (`ToUserName` or `AppId`). */
  encrypted(message: string | XmlInput, options: PushOptions = {}, root: 'ToUserName' | 'AppId' = 'ToUserName'): Push {
    const value = root === 'AppId' ? this.#secrets.appId : 'gh_0000000000';
    const push = this.#envelope.push(this.#text(message, options.format), { ...options, addressee: { name: root, value } });
    return withUrl(push.query, push.body);
  }

  /** An encrypted component push to the authorization-event URL (envelope root `AppId`). */
  component(info: string | XmlInput, options: PushOptions = {}): Push {
    return this.encrypted(info, options, 'AppId');
  }

  /** A plain (unencrypted) push signed with `signature` only. */
  plain(message: string | XmlInput, options: PushOptions = {}): Push {
    const push = this.#envelope.push(this.#text(message, options.format), { ...options, encrypted: false });
    return withUrl(push.query, push.body);
  }

  /** The query of a GET URL verification. */
  echo(echostr: string, options: PushOptions = {}): Push {
    return withUrl(this.#envelope.urlVerification(echostr, options), '');
  }

  /** Opens a reply body: checks `MsgSignature` and decrypts when encrypted. Throws when the reply is invalid. */
  openReply(body: string): OpenedReply {
    const { plaintext, encrypted } = this.#envelope.openReply(body);
    const record = plaintext.trimStart().startsWith('{') ? (JSON.parse(plaintext) as XmlRecord) : parseXml(plaintext);
    return { xml: plaintext, record, encrypted };
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
