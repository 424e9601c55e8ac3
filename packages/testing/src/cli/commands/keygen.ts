/**
 * `wxopen keygen`: a new message-check Token and EncodingAESKey, as the WeChat Open Platform console asks for
 * them (Token: 3–32 letters and digits; EncodingAESKey: 43 letters and digits), optionally with a demo appid and
 * AppSecret for local runs. Printed as environment lines or JSON: generating secrets is this command's job.
 */
import { randomInt } from 'node:crypto';
import { MessageCipher } from '@wxopen/core';
import type { Command } from '../args';
import { atMost, parseCommand } from '../args';
import { EXIT_OK } from '../errors';

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const HEX = '0123456789abcdef';

/** `length` characters drawn uniformly from `alphabet` with the CSPRNG. */
function randomString(alphabet: string, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[randomInt(alphabet.length)];
  return out;
}

export interface GeneratedKeys {
  readonly token: string;
  readonly encodingAESKey: string;
  readonly appId?: string;
  readonly appSecret?: string;
}

/** A fresh Token (32 characters) and EncodingAESKey (43), and with `demo` a local appid and AppSecret. */
export function generateKeys(demo: boolean): GeneratedKeys {
  const token = randomString(ALPHANUMERIC, 32);
  const encodingAESKey = randomString(ALPHANUMERIC, 43);
  // The core decodes it exactly as it will at run time: a key it refuses is never handed out.
  new MessageCipher(encodingAESKey, 'wx0000000000000000');
  if (!demo) return { token, encodingAESKey };
  return { token, encodingAESKey, appId: `wx${randomString(HEX, 16)}`, appSecret: randomString(HEX, 32) };
}

const OPTIONS = {
  json: { type: 'boolean' },
  demo: { type: 'boolean' },
} as const;

export const keygen: Command = {
  name: 'keygen',
  summary: 'make a new Token and EncodingAESKey (and with --demo a local appid and secret)',
  help: `usage: wxopen keygen [--demo] [--json]

Makes a new message-check Token (32 letters and digits) and EncodingAESKey (43 letters and digits) for the
WeChat Open Platform console, printed as the variables the examples read:
  WECHAT_TOKEN=…
  WECHAT_AES_KEY=…

Options:
  --demo   also make a local demo appid and AppSecret (WECHAT_COMPONENT_APPID, WECHAT_COMPONENT_SECRET);
           they are not registered with WeChat: for the examples and the fake WeChat only
  --json   print {"token", "encodingAESKey", "appId"?, "appSecret"?} instead
  -h, --help`,
  async run(argv, io) {
    const { values, positionals } = parseCommand('keygen', argv, OPTIONS);
    atMost('keygen', positionals, 0);
    const keys = generateKeys(values.demo === true);
    if (values.json === true) {
      io.out(JSON.stringify(keys));
      return EXIT_OK;
    }
    if (keys.appId !== undefined) io.out(`WECHAT_COMPONENT_APPID=${keys.appId}`);
    if (keys.appSecret !== undefined) io.out(`WECHAT_COMPONENT_SECRET=${keys.appSecret}`);
    io.out(`WECHAT_TOKEN=${keys.token}`);
    io.out(`WECHAT_AES_KEY=${keys.encodingAESKey}`);
    return EXIT_OK;
  },
};
