/**
 * The WXBizMsgCrypt envelope, both ways, in one place: what WeChat wraps around a push (query signatures, an
 * XML or JSON body holding `Encrypt`) and what the platform wraps around its reply. The platform side verifies,
 * decrypts and seals; WeChat's side (the simulator, the conformance inputs, the benchmark) builds pushes and opens
 * replies with the same code. Token and EncodingAESKey rotation live here too.
 *
 * Before `msg_signature` is verified only linear-time code reads the body: the XML envelope goes through the
 * scanner alone (anything it cannot read is refused), the JSON envelope through `JSON.parse`.
 *
 * https://developers.weixin.qq.com/doc/oplatform/Third-party_Platforms/2.0/api/Before_Develop/Message_encryption_and_decryption.html
 */
import { randomInt } from 'node:crypto';
import { MessageCipher } from '../crypto/cipher';
import { safeEqual, sign } from '../crypto/signature';
import { WxOpenError } from '../errors';
import type { XmlRecord } from '../xml';
import { buildXml, cdata, parseXml, parseXmlStrict } from '../xml';
import { fromParsedJson, parseJsonRecord } from './json';

/** How a push is written: WeChat's XML, or JSON for mini programs in JSON mode. Replies use the push's format. */
export type PushFormat = 'xml' | 'json';

/** Query parameters as adapters hand them over: values that are not one string are refused where read. */
export type QueryLike = Readonly<Record<string, unknown>>;

export interface EnvelopeSecrets {
  /** The component appid, written in the encrypted trailer of every push and reply. */
  readonly appId: string;
  /** The message-check Token. */
  readonly token: string;
  /** The 43-character EncodingAESKey. */
  readonly encodingAESKey: string;
}

export interface EnvelopeOptions {
  /** Largest accepted distance between a push's `timestamp` and the clock, in seconds (0 disables). Default 300. */
  readonly maxClockSkewSeconds?: number;
  /** Clock in ms (default `Date.now`). */
  readonly now?: () => number;
}

/** The Token and cipher that opened a push: its reply is sealed with the same pair. */
interface Keys {
  readonly token: string;
  readonly cipher: MessageCipher;
}

/** What the query of a push says, checked before its body is read. */
export interface PushHead {
  /** Seconds, as signed. */
  readonly timestamp: string;
  readonly nonce: string;
  /** Security or compatibility mode: the body carries `Encrypt` and the query `msg_signature`. */
  readonly encrypted: boolean;
  readonly msgSignature: string | undefined;
  /** The Token that verified `signature` (plain mode only). */
  readonly token: string | undefined;
}

/** A verified push. */
export interface OpenedPush {
  readonly format: PushFormat;
  /** Whether the message was encrypted (then it was authenticated by `msg_signature`, and the reply is sealed). */
  readonly encrypted: boolean;
  /** The message text: the decrypted plaintext, or the body of a plain push. */
  readonly plaintext: string;
  /** The push's `timestamp`, in seconds. */
  readonly timestamp: number;
  readonly nonce: string;
  /** @internal the pair that opened the push */
  readonly keys: Keys | undefined;
}

/** A push as WeChat sends it. */
export interface SealedPush {
  readonly query: Readonly<Record<string, string>>;
  readonly body: string;
}

export interface PushOptions {
  /** Default `'xml'`. */
  readonly format?: PushFormat;
  /** Default `true`; `false` builds a plain-mode push (signed with `signature` only). */
  readonly encrypted?: boolean;
  /** The envelope's addressee element: `ToUserName` (message URL, the default) or `AppId` (authorization URL). */
  readonly addressee?: { readonly name: 'ToUserName' | 'AppId'; readonly value: string };
  /** Seconds; default now. */
  readonly timestamp?: number | string;
  readonly nonce?: string;
  /** Fixed 16-byte random prefix, for reproducible ciphertexts. */
  readonly random?: Uint8Array;
  /** Added to the query, as WeChat does for pushes to the message URL. */
  readonly openid?: string;
}

export interface OpenedReply {
  /** The reply's message: decrypted when it was sealed. */
  readonly plaintext: string;
  readonly encrypted: boolean;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function decodeUtf8(bytes: Uint8Array, what: string, code: 'ERR_XML' | 'ERR_JSON'): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw new WxOpenError(code, { detail: `${what} is not valid UTF-8` });
  }
}

/** A single-valued query parameter; `undefined` when absent; `ERR_QUERY` when repeated or not a string. */
export function queryParam(query: QueryLike, name: string): string | undefined {
  const value = Object.prototype.hasOwnProperty.call(query, name) ? query[name] : undefined;
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new WxOpenError('ERR_QUERY', { detail: `${name} is repeated or malformed` });
  return value;
}

/** Whether a body is JSON: its first non-blank character is `{` (WeChat's XML starts with `<`). */
export function formatOf(body: string): PushFormat {
  for (let i = 0; i < body.length; i++) {
    const code = body.charCodeAt(i);
    if (code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d || code === 0xfeff) continue;
    return code === 0x7b /* { */ ? 'json' : 'xml';
  }
  return 'xml';
}

/** The `Encrypt` of an envelope, read without any parser that is not linear in the body. */
function encryptOf(body: string | object): { format: PushFormat; encrypt: string } {
  let fields: XmlRecord;
  let format: PushFormat;
  if (typeof body === 'object') {
    format = 'json';
    fields = fromParsedJson(body);
  } else {
    format = formatOf(body);
    if (format === 'json') {
      fields = parseJsonRecord(body);
    } else {
      fields = parseXmlStrict(body); // its own ERR_XML detail names the check that failed
    }
  }
  const encrypt = fields['Encrypt'];
  if (typeof encrypt !== 'string' || encrypt === '') {
    throw new WxOpenError(format === 'json' ? 'ERR_JSON' : 'ERR_XML', { detail: 'missing Encrypt' });
  }
  return { format, encrypt };
}

/** A value that can be rotated: the previous one is still accepted until the new one is seen in use. */
class Rotating<T> {
  current: T;
  previous: T | undefined;

  constructor(value: T) {
    this.current = value;
  }

  rotate(next: T): void {
    this.previous = this.current;
    this.current = next;
  }

  /** The first value `accepts`, current before previous; the previous one is forgotten once the current one works. */
  find(accepts: (value: T) => boolean): T | undefined {
    const { current, previous } = this;
    if (accepts(current)) {
      if (previous !== undefined && this.current === current) this.previous = undefined;
      return current;
    }
    return previous !== undefined && accepts(previous) ? previous : undefined;
  }
}

/**
 * The envelope of one third-party platform (component): its appid, Token and EncodingAESKey, with rotation
 * (`setToken` / `setAESKey`, as the Go SDK's `AuthServer`): pushes signed or encrypted with the previous value
 * are accepted until one with the new value arrives.
 */
export class MessageEnvelope {
  readonly appId: string;
  readonly #token: Rotating<string>;
  readonly #cipher: Rotating<MessageCipher>;
  readonly #maxSkewSeconds: number;
  readonly #now: () => number;

  constructor(secrets: EnvelopeSecrets, options: EnvelopeOptions = {}) {
    this.#cipher = new Rotating(new MessageCipher(secrets.encodingAESKey, secrets.appId));
    this.appId = secrets.appId;
    if (typeof secrets.token !== 'string' || secrets.token === '') {
      throw new TypeError('wxopen: option `token` is required: the message-check Token configured for the platform');
    }
    this.#token = new Rotating(secrets.token);
    this.#maxSkewSeconds = options.maxClockSkewSeconds ?? 300;
    this.#now = options.now ?? Date.now;
  }

  /** Rotates the Token. */
  setToken(token: string): void {
    if (typeof token !== 'string' || token === '') throw new TypeError('wxopen: setToken(token) needs a non-empty token');
    if (token !== this.#token.current) this.#token.rotate(token);
  }

  /** Rotates the EncodingAESKey. */
  setAESKey(encodingAESKey: string): void {
    this.#cipher.rotate(new MessageCipher(encodingAESKey, this.appId));
  }

  // ── the platform's side ──────────────────────────────────────────────────────────────────────────────

  /**
   * Checks the query of a POST push before its body is read: `timestamp` within the allowed skew, a
   * `msg_signature` when encrypted, and for a plain push its `signature` (which covers no body).
   */
  readHead(query: QueryLike, requireEncryption: boolean): PushHead {
    const timestamp = this.#checkTimestamp(queryParam(query, 'timestamp'));
    const nonce = queryParam(query, 'nonce') ?? '';
    const msgSignature = queryParam(query, 'msg_signature');
    const encrypted = msgSignature !== undefined || queryParam(query, 'encrypt_type') === 'aes';
    if (encrypted) {
      if (msgSignature === undefined) throw new WxOpenError('ERR_MSG_SIGNATURE', { detail: 'missing msg_signature' });
      return { timestamp, nonce, encrypted, msgSignature, token: undefined };
    }
    if (requireEncryption) throw new WxOpenError('ERR_ENCRYPTION_REQUIRED');
    const token = this.#verify('ERR_SIGNATURE', queryParam(query, 'signature'), [timestamp, nonce]);
    return { timestamp, nonce, encrypted, msgSignature: undefined, token };
  }

  /**
   * Opens a push whose head was read: verifies `msg_signature` over `Encrypt` and decrypts it. `body` is the body
   * text, or an object a JSON body parser made (the signature covers `Encrypt`, not the body bytes).
   */
  open(head: PushHead, body: string | object): OpenedPush {
    const timestamp = Number(head.timestamp);
    if (!head.encrypted) {
      const plaintext = typeof body === 'object' ? JSON.stringify(body) : body;
      return { format: formatOf(plaintext), encrypted: false, plaintext, timestamp, nonce: head.nonce, keys: undefined };
    }
    const { format, encrypt } = encryptOf(body);
    const token = this.#verify('ERR_MSG_SIGNATURE', head.msgSignature, [head.timestamp, head.nonce, encrypt]);
    const { message, cipher } = this.#decrypt(encrypt);
    const plaintext = decodeUtf8(message, 'decrypted message', format === 'json' ? 'ERR_JSON' : 'ERR_XML');
    return { format, encrypted: true, plaintext, timestamp, nonce: head.nonce, keys: { token, cipher } };
  }

  /** GET URL verification: a valid `signature` gets `echostr` back unchanged. */
  verifyUrl(query: QueryLike): string {
    const timestamp = this.#checkTimestamp(queryParam(query, 'timestamp'));
    this.#verify('ERR_SIGNATURE', queryParam(query, 'signature'), [timestamp, queryParam(query, 'nonce') ?? '']);
    const echostr = queryParam(query, 'echostr');
    if (echostr === undefined) throw new WxOpenError('ERR_QUERY', { detail: 'missing echostr' });
    return echostr;
  }

  /**
   * The reply body for a push: the plain message when the push was plain, else the message encrypted and signed
   * with the pair that opened the push, in the push's format (XML or JSON).
   */
  sealReply(message: string, push: OpenedPush): string {
    if (push.keys === undefined) return message;
    return this.#seal(message, push.keys, push.format, String(Math.floor(this.#now() / 1000)), push.nonce);
  }

  // ── WeChat's side ────────────────────────────────────────────────────────────────────────────────────

  /** A push as WeChat sends it: signed query and body (encrypted unless `encrypted: false`). */
  push(message: string, options: PushOptions = {}): SealedPush {
    if (options.encrypted === false) {
      const { timestamp, nonce } = this.#stamp(options);
      const query: Record<string, string> = { signature: sign([this.#token.current, timestamp, nonce]), timestamp, nonce };
      if (options.openid !== undefined) query['openid'] = options.openid;
      return { query, body: message };
    }
    return this.pushCiphertext(this.#cipher.current.encrypt(message, options.random), options);
  }

  /**
   * A push around a given `Encrypt` value, signed as WeChat signs it: for tests that need a ciphertext WeChat would
   * never produce (bad padding, a wrong trailer) to reach the check under test.
   */
  pushCiphertext(encrypt: string, options: Omit<PushOptions, 'encrypted' | 'random'> = {}): SealedPush {
    const { timestamp, nonce } = this.#stamp(options);
    const token = this.#token.current;
    const query: Record<string, string> = {
      signature: sign([token, timestamp, nonce]),
      timestamp,
      nonce,
      encrypt_type: 'aes',
      msg_signature: sign([token, timestamp, nonce, encrypt]),
    };
    if (options.openid !== undefined) query['openid'] = options.openid;
    const addressee = options.addressee ?? { name: 'ToUserName', value: 'gh_0000000000' };
    const fields = { [addressee.name]: addressee.value, Encrypt: encrypt };
    return { query, body: options.format === 'json' ? JSON.stringify(fields) : buildXml(fields) };
  }

  #stamp(options: Pick<PushOptions, 'timestamp' | 'nonce'>): { timestamp: string; nonce: string } {
    return { timestamp: String(options.timestamp ?? Math.floor(this.#now() / 1000)), nonce: options.nonce ?? String(randomInt(1e9)) };
  }

  /** The query of a GET URL verification. */
  urlVerification(echostr: string, options: Pick<PushOptions, 'timestamp' | 'nonce'> = {}): Readonly<Record<string, string>> {
    const { timestamp, nonce } = this.#stamp(options);
    return { signature: sign([this.#token.current, timestamp, nonce]), timestamp, nonce, echostr };
  }

  /** Opens a reply as WeChat would: checks `MsgSignature` and decrypts when sealed. Throws `WxOpenError` when invalid. */
  openReply(body: string): OpenedReply {
    const format = formatOf(body);
    let fields: XmlRecord;
    if (format === 'json') fields = parseJsonRecord(body);
    else if (body.trimStart().startsWith('<')) fields = parseXml(body);
    else return { plaintext: body, encrypted: false };
    const encrypt = fields['Encrypt'];
    if (typeof encrypt !== 'string') return { plaintext: body, encrypted: false };
    const { TimeStamp, Nonce, MsgSignature } = fields;
    if (typeof TimeStamp !== 'string' || typeof Nonce !== 'string' || typeof MsgSignature !== 'string') {
      throw new WxOpenError('ERR_MSG_SIGNATURE', { detail: 'reply lacks TimeStamp, Nonce or MsgSignature' });
    }
    this.#verify('ERR_MSG_SIGNATURE', MsgSignature, [TimeStamp, Nonce, encrypt]);
    const { message } = this.#decrypt(encrypt);
    return { plaintext: decodeUtf8(message, 'reply', 'ERR_XML'), encrypted: true };
  }

  // ── shared ───────────────────────────────────────────────────────────────────────────────────────────

  #seal(message: string, keys: Keys, format: PushFormat, timestamp: string, nonce: string): string {
    const encrypt = keys.cipher.encrypt(message);
    const signature = sign([keys.token, timestamp, nonce, encrypt]);
    if (format === 'json') {
      return JSON.stringify({ Encrypt: encrypt, MsgSignature: signature, TimeStamp: Number(timestamp), Nonce: nonce });
    }
    // What buildXml writes for { Encrypt, MsgSignature, TimeStamp, Nonce }; base64 and hex need no escaping.
    return (
      `<xml><Encrypt><![CDATA[${encrypt}]]></Encrypt><MsgSignature><![CDATA[${signature}]]></MsgSignature>` +
      `<TimeStamp>${timestamp}</TimeStamp><Nonce>${cdata(nonce)}</Nonce></xml>`
    );
  }

  #checkTimestamp(timestamp: string | undefined): string {
    if (timestamp === undefined || !/^\d{1,12}$/.test(timestamp)) {
      throw new WxOpenError('ERR_TIMESTAMP', { detail: 'missing or not a number' });
    }
    const skew = this.#maxSkewSeconds;
    if (skew > 0 && Math.abs(this.#now() / 1000 - Number(timestamp)) > skew) throw new WxOpenError('ERR_TIMESTAMP');
    return timestamp;
  }

  /** Verifies a signature with the current Token, then the previous one; resolves to the Token that matched. */
  #verify(code: 'ERR_SIGNATURE' | 'ERR_MSG_SIGNATURE', actual: string | undefined, parts: readonly string[]): string {
    if (actual === undefined) throw new WxOpenError(code, { detail: 'missing' });
    const token = this.#token.find((candidate) => safeEqual(actual, sign([candidate, ...parts])));
    if (token === undefined) throw new WxOpenError(code);
    return token;
  }

  /** Decrypts with the current key, then the previous one; the error of the current key is the one reported. */
  #decrypt(encrypt: string): { message: Buffer; cipher: MessageCipher } {
    let message: Buffer | undefined;
    let firstError: unknown;
    const cipher = this.#cipher.find((candidate) => {
      try {
        message = candidate.decrypt(encrypt).message;
        return true;
      } catch (error) {
        firstError ??= error;
        return false;
      }
    });
    if (cipher === undefined || message === undefined) throw firstError;
    return { message, cipher };
  }

  /** The milliseconds until `timestamp` (seconds) leaves the accepted window; `Infinity` when the check is off. */
  acceptedForMs(timestamp: number): number {
    if (this.#maxSkewSeconds <= 0) return Infinity;
    return (timestamp + this.#maxSkewSeconds) * 1000 - this.#now();
  }
}

/** Parses an opened push's message into a record: XML or JSON; only authenticated XML may reach xml2js. */
export function parseMessage(push: Pick<OpenedPush, 'format' | 'encrypted' | 'plaintext'>): XmlRecord {
  if (push.format === 'json') return parseJsonRecord(push.plaintext);
  return push.encrypted ? parseXml(push.plaintext) : parseXmlStrict(push.plaintext);
}
