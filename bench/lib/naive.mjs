// The baseline: what a developer writes by hand for an encrypted text push, with node:crypto and regular
// expressions only. Regex-extract <Encrypt>, check msg_signature, AES-256-CBC decrypt and check the appid
// trailer, regex-extract the fields the reply needs, concatenate the reply XML, encrypt it, concatenate the
// envelope. No dedup, no XML parser, no timestamp check, no strict base64/padding checks, no error taxonomy:
// the floor a library is measured against (a correct minimal handler, not a careful one).
import { Buffer } from 'node:buffer';
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

const ENCRYPT = /<Encrypt><!\[CDATA\[([^\]]*)\]\]><\/Encrypt>/;
const CONTENT = /<Content><!\[CDATA\[([\s\S]*?)\]\]><\/Content>/;
const FROM = /<FromUserName><!\[CDATA\[([^\]]*)\]\]><\/FromUserName>/;
const TO = /<ToUserName><!\[CDATA\[([^\]]*)\]\]><\/ToUserName>/;

/** The naive steps one by one, for `naiveHandler` and for bench/stages.mjs. */
export function naiveSteps({ appId, token, encodingAESKey }) {
  const key = Buffer.from(`${encodingAESKey}=`, 'base64');
  const iv = key.subarray(0, 16);
  const appIdBytes = Buffer.from(appId);
  const sha1 = (parts) => createHash('sha1').update(parts.sort().join('')).digest('hex');
  return {
    /** The <Encrypt> value, or undefined. */
    envelope: (rawBody) => ENCRYPT.exec(rawBody)?.[1],
    /** Whether msg_signature matches. */
    verify: (signature, timestamp, nonce, encrypted) => signature === sha1([token, timestamp, nonce, encrypted]),
    /** The decrypted message XML, or undefined when the appid trailer is not ours. */
    decrypt(encrypted) {
      const decipher = createDecipheriv('aes-256-cbc', key, iv).setAutoPadding(false);
      const plain = Buffer.concat([decipher.update(encrypted, 'base64'), decipher.final()]);
      const length = plain.readUInt32BE(16);
      const trailer = plain.subarray(20 + length, plain.length - plain[plain.length - 1]);
      if (!trailer.equals(appIdBytes)) return undefined;
      return plain.toString('utf8', 20, 20 + length);
    },
    /** The fields a text reply needs. */
    fields: (xml) => ({ from: FROM.exec(xml)?.[1], to: TO.exec(xml)?.[1], content: CONTENT.exec(xml)?.[1] ?? '' }),
    /** The plain reply XML. */
    reply: ({ from, to, content }, now) =>
      `<xml><ToUserName><![CDATA[${from}]]></ToUserName><FromUserName><![CDATA[${to}]]></FromUserName>` +
      `<CreateTime>${now}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[echo: ${content}]]></Content></xml>`,
    /** Base64 of the encrypted reply. */
    encrypt(xml) {
      const msg = Buffer.from(xml);
      const bodyLength = 20 + msg.length + appIdBytes.length;
      const pad = 32 - (bodyLength % 32);
      const plain = Buffer.alloc(bodyLength + pad, pad);
      randomBytes(16).copy(plain, 0);
      plain.writeUInt32BE(msg.length, 16);
      msg.copy(plain, 20);
      appIdBytes.copy(plain, 20 + msg.length);
      const cipher = createCipheriv('aes-256-cbc', key, iv).setAutoPadding(false);
      return Buffer.concat([cipher.update(plain), cipher.final()]).toString('base64');
    },
    /** The signed reply envelope. */
    seal: (sealed, now, nonce) =>
      `<xml><Encrypt><![CDATA[${sealed}]]></Encrypt>` +
      `<MsgSignature><![CDATA[${sha1([token, String(now), nonce, sealed])}]]></MsgSignature>` +
      `<TimeStamp>${now}</TimeStamp><Nonce><![CDATA[${nonce}]]></Nonce></xml>`,
  };
}

/**
 * Returns `(query, rawBody) => { status, body }` for the message URL of the platform `secrets`
 * (`{ appId, token, encodingAESKey }`), answering every text message with `echo: <Content>`.
 */
export function naiveHandler(secrets) {
  const step = naiveSteps(secrets);
  return (query, rawBody) => {
    const encrypted = step.envelope(rawBody);
    if (encrypted === undefined) return { status: 400, body: 'bad request' };
    const { timestamp, nonce, msg_signature: signature } = query;
    if (!step.verify(signature, timestamp, nonce, encrypted)) return { status: 401, body: 'bad signature' };
    const xml = step.decrypt(encrypted);
    if (xml === undefined) return { status: 401, body: 'bad appid' };
    const now = Math.floor(Date.now() / 1000);
    const reply = step.reply(step.fields(xml), now);
    return { status: 200, body: step.seal(step.encrypt(reply), now, nonce) };
  };
}
