/**
 * `wxopen verify-url`: does what WeChat does when a callback URL is saved in the console — a GET with
 * `signature`, `timestamp`, `nonce` and `echostr` — and checks that the server echoes `echostr`. Then the same
 * with a wrong signature, which a server that checks the Token must refuse. Exit 0 only when both hold.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { sign } from '@wxopen/core';
import type { Command } from '../args';
import { atMost, integerOption, parseCommand } from '../args';
import { tokenOnly } from '../credentials';
import { EXIT_FAILED, EXIT_OK, UsageError } from '../errors';
import { httpUrl, request } from '../network';
import { DEMO_AUTHORIZER, routeHint } from '../route';

const DEFAULT_URL = 'http://127.0.0.1:3000/wechat/callback/$APPID$';

const OPTIONS = {
  url: { type: 'string' },
  appid: { type: 'string' },
  token: { type: 'string' },
  timeout: { type: 'string' },
} as const;

/** The URL with WeChat's query for a URL check: signed with `token` (or deliberately not). */
function verificationUrl(base: URL, token: string, echostr: string, signatureOk: boolean): string {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const nonce = String(randomInt(1e9));
  const good = sign([token, timestamp, nonce]);
  // A wrong signature of the right shape: the good one with its first hex digit changed.
  const signature = signatureOk ? good : `${good[0] === '0' ? '1' : '0'}${good.slice(1)}`;
  const url = new URL(base);
  for (const [name, value] of Object.entries({ signature, timestamp, nonce, echostr })) url.searchParams.set(name, value);
  return url.toString();
}

/** The URL without its query, for output. */
function shown(url: URL): string {
  return `${url.origin}${url.pathname}`;
}

export const verifyUrl: Command = {
  name: 'verify-url',
  summary: 'check that a running server answers WeChat\'s URL verification (GET echostr)',
  help: `usage: wxopen verify-url [--url <callback URL>] [--appid <authorizer appid>] [--token <token>]

Sends the GET WeChat sends when a callback URL is saved in the console (signature, timestamp, nonce, echostr)
and checks that the server answers 200 with the echostr; then sends one with a wrong signature and checks that
the server refuses it. Exit code 0 when both hold, 1 when not or when the server cannot be reached.

Options:
  --url <url>        the callback URL as configured in WeChat; $APPID$ is replaced by --appid
                     (default ${DEFAULT_URL})
  --appid <appid>    the authorizer appid for $APPID$ (default ${DEMO_AUTHORIZER})
  --token <token>    the message-check Token (default: WECHAT_TOKEN)
  --timeout <s>      seconds to wait for each answer (default 10)
  -h, --help`,
  async run(argv, io) {
    const { values, positionals } = parseCommand('verify-url', argv, OPTIONS);
    atMost('verify-url', positionals, 0);
    const raw = (values.url ?? DEFAULT_URL).replace(/\$APPID\$/g, encodeURIComponent(values.appid ?? DEMO_AUTHORIZER));
    const base = httpUrl(raw);
    if (base === undefined) throw new UsageError(`verify-url: --url must be an http(s) URL, got "${raw}"`);
    const timeoutMs = integerOption('verify-url', 'timeout', values.timeout, 10, 1, 600) * 1000;
    const token = tokenOnly('verify-url', values.token, io.env);

    io.out(`GET ${shown(base)} (URL verification)`);
    const echostr = randomBytes(12).toString('hex');
    const good = await request(verificationUrl(base, token, echostr, true), { method: 'GET', timeoutMs });
    const echoed = good.status === 200 && good.text === echostr;
    if (echoed) io.out(`  ok    a signed check got its echostr back (HTTP 200)`);
    else if (good.status === 200) io.out(`  FAIL  a signed check got HTTP 200 without its echostr: the server does not answer URL verification`);
    else io.out(`  FAIL  a signed check got HTTP ${good.status}: wrong Token, or not a wxopen callback URL`);

    const bad = await request(verificationUrl(base, token, echostr, false), { method: 'GET', timeoutMs });
    const refused = !(bad.status >= 200 && bad.status < 300 && bad.text === echostr);
    if (refused) io.out(`  ok    a wrongly signed check was refused (HTTP ${bad.status})`);
    else io.out(`  FAIL  a wrongly signed check got its echostr back: the server does not check signatures`);

    if (echoed && refused) {
      io.out('URL verified');
      return EXIT_OK;
    }
    const routeAppId = /\/callback\/([^/]+)\/?$/.exec(base.pathname)?.[1];
    const hint = routeAppId === undefined ? undefined : routeHint(decodeURIComponent(routeAppId), good.status);
    if (hint !== undefined) io.err(hint);
    io.err('wxopen verify-url: the URL would not pass WeChat\'s verification');
    return EXIT_FAILED;
  },
};
