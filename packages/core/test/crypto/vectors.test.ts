/**
 * Known-answer suite: every vector of `test/fixtures/vectors.json` (copied from shared/vectors.json, 26 entries,
 * each verified by two independent implementations) runs as its own test, and every `expected` field a vector
 * has is checked. A field this suite does not know fails the vector, so new fields cannot be skipped silently.
 */
import { readFileSync } from 'node:fs';
import { createDecipheriv } from 'node:crypto';
import { join } from 'node:path';
import { MessageCipher, buildXml, parseXml, sign } from '@wxopen/core';

interface Vector {
  readonly name: string;
  readonly kind: string;
  readonly inputs: Readonly<Record<string, unknown>>;
  readonly expected: Readonly<Record<string, unknown>>;
}

const VECTOR_COUNT = 26;
const vectors = JSON.parse(readFileSync(join(__dirname, '../fixtures/vectors.json'), 'utf8')) as Vector[];

function input(vector: Vector, name: string): string {
  const value = vector.inputs[name];
  if (typeof value !== 'string') throw new Error(`vector ${vector.name} has no string input ${name}`);
  return value;
}

/** The `Encrypt` value of a push: taken from its body (XML or JSON) when the vector has one. */
function encryptOf(vector: Vector): string {
  if (typeof vector.inputs['encrypt'] === 'string') return vector.inputs['encrypt'];
  const body = input(vector, 'post_body');
  const encrypt = vector.kind.endsWith('_json') ? (JSON.parse(body) as { Encrypt?: unknown }).Encrypt : parseXml(body)['Encrypt'];
  if (typeof encrypt !== 'string') throw new Error(`vector ${vector.name} has no Encrypt in its body`);
  return encrypt;
}

function cipherOf(vector: Vector): MessageCipher {
  return new MessageCipher(input(vector, 'encoding_aes_key'), input(vector, 'appid'));
}

/** Kinds whose vector gives a ciphertext to open; the others give a plaintext and a random prefix to seal. */
function opens(vector: Vector): boolean {
  return vector.kind.startsWith('decrypt') || vector.kind === 'verify_url_echostr';
}

/** The ciphertext a vector is about: the one it gives to open, or the one wxopen seals from its inputs. */
function ciphertextOf(vector: Vector): string {
  if (vector.kind === 'verify_url_echostr') return input(vector, 'echostr');
  if (opens(vector)) return encryptOf(vector);
  return cipherOf(vector).encrypt(input(vector, 'plaintext'), Buffer.from(input(vector, 'random'), 'latin1'));
}

/** AES-256-CBC without any unpadding, straight from node:crypto: the padded FullStr. */
function rawPlaintext(vector: Vector): Buffer {
  const key = Buffer.from(`${input(vector, 'encoding_aes_key')}=`, 'base64');
  const decipher = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16)).setAutoPadding(false);
  return Buffer.concat([decipher.update(Buffer.from(ciphertextOf(vector), 'base64')), decipher.final()]);
}

function padByte(vector: Vector): number {
  const raw = rawPlaintext(vector);
  return raw[raw.length - 1] ?? -1;
}

/** Signed parts of `msg_signature`: Token, timestamp, nonce and the ciphertext. */
function msgSignatureParts(vector: Vector): string[] {
  const head = [input(vector, 'token'), input(vector, 'timestamp'), input(vector, 'nonce')];
  return [...head, vector.kind === 'msg_signature' ? input(vector, 'encrypt') : ciphertextOf(vector)];
}

/** The passive-reply envelope, built as the server seals replies (TimeStamp as a number, the rest as CDATA). */
function replyEnvelope(vector: Vector): { Encrypt: string; MsgSignature: string; TimeStamp: number; Nonce: string } {
  return {
    Encrypt: ciphertextOf(vector),
    MsgSignature: sign(msgSignatureParts(vector)),
    TimeStamp: Number(input(vector, 'timestamp')),
    Nonce: input(vector, 'nonce'),
  };
}

type Check = (vector: Vector, expected: unknown) => void;

/** One check per expected field. A field with no check fails its vector. */
const checks: Readonly<Record<string, Check>> = {
  signature: (v, expected) => {
    const parts = v.kind === 'sha1_sorted' ? (v.inputs['parts'] as string[]) : [input(v, 'token'), input(v, 'timestamp'), input(v, 'nonce')];
    expect(sign(parts)).toBe(expected);
  },
  plain_signature: (v, expected) => expect(sign([input(v, 'token'), input(v, 'timestamp'), input(v, 'nonce')])).toBe(expected),
  sorted_concat: (v, expected) => expect([input(v, 'token'), input(v, 'timestamp'), input(v, 'nonce')].sort().join('')).toBe(expected),
  // The server's GET handler is tested by the server suite; the vector pins the protocol fact it relies on:
  // the answer to URL verification is the echostr itself, unchanged.
  response_body: (v, expected) => expect(input(v, 'echostr')).toBe(expected),
  msg_signature: (v, expected) => expect(sign(msgSignatureParts(v))).toBe(expected),
  encrypt: (v, expected) => expect(ciphertextOf(v)).toBe(expected),
  // Exact bytes: several plaintexts carry "\n" separators or leading spaces that must survive.
  plaintext: (v, expected) => {
    expect(cipherOf(v).decrypt(ciphertextOf(v)).message.equals(Buffer.from(expected as string, 'utf8'))).toBe(true);
  },
  trailer_appid: (v, expected) => expect(cipherOf(v).decrypt(ciphertextOf(v)).appId).toBe(expected),
  random_recovered: (v, expected) => expect(cipherOf(v).decrypt(ciphertextOf(v)).random.toString('latin1')).toBe(expected),
  msg_len: (v, expected) => {
    expect(cipherOf(v).decrypt(ciphertextOf(v)).message.length).toBe(expected);
    expect(rawPlaintext(v).readUInt32BE(16)).toBe(expected);
  },
  ciphertext_bytes: (v, expected) => expect(Buffer.from(ciphertextOf(v), 'base64').length).toBe(expected),
  // FullStr = random(16) ‖ msg_len(4) ‖ msg ‖ appid, measured on the raw decryption minus its padding.
  unpadded_bytes: (v, expected) => expect(rawPlaintext(v).length - padByte(v)).toBe(expected),
  full_str_bytes: (v, expected) => {
    expect(rawPlaintext(v).length - padByte(v)).toBe(expected);
    expect(20 + Buffer.byteLength(input(v, 'plaintext')) + Buffer.byteLength(input(v, 'appid'))).toBe(expected);
  },
  pad_byte: (v, expected) => expect(padByte(v)).toBe(expected),
  // buildXml is compact; the vectors' reply layout puts a newline between elements, which WeChat does not
  // require. So the comparable parts are compared: the same document once that whitespace is removed, and
  // the same parsed record.
  reply_xml: (v, expected) => {
    const built = buildXml(replyEnvelope(v));
    expect(built).toBe((expected as string).replace(/>\s+</g, '><'));
    expect(parseXml(built)).toEqual(parseXml(expected as string));
  },
  // JSON-mode reply: the doc's exact text (TimeStamp a number, Nonce a string, this key order).
  reply_body: (v, expected) => expect(JSON.stringify(replyEnvelope(v))).toBe(expected),
};

if (vectors.length < VECTOR_COUNT) {
  throw new Error(`test/fixtures/vectors.json holds ${vectors.length} vectors; the known-answer suite needs all ${VECTOR_COUNT}`);
}

describe('known-answer vectors', () => {
  it(`the fixture holds all ${VECTOR_COUNT} vectors, each with at least one expected field`, () => {
    expect(vectors).toHaveLength(VECTOR_COUNT);
    for (const vector of vectors) expect(Object.keys(vector.expected).length).toBeGreaterThan(0);
  });

  test.each(vectors.map((vector) => [vector.name, vector] as const))('%s', (_name, vector) => {
    const unknown = Object.keys(vector.expected).filter((field) => checks[field] === undefined);
    expect(unknown).toEqual([]);
    for (const [field, expected] of Object.entries(vector.expected)) {
      const check = checks[field] as Check;
      try {
        check(vector, expected);
      } catch (error) {
        throw new Error(`${vector.name}: expected field "${field}" does not match`, { cause: error });
      }
    }
    if (opens(vector)) {
      // Sealing the recovered plaintext with the recovered random prefix gives back the exact ciphertext.
      const opened = cipherOf(vector).decrypt(ciphertextOf(vector));
      expect(cipherOf(vector).encrypt(opened.message, opened.random)).toBe(ciphertextOf(vector));
    }
  });
});
