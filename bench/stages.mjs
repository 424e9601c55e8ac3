// Where the time of one encrypted text push goes, without HTTP: each step of the wxopen core (public
// functions called as AuthServer calls them) beside the naive step of ./lib/naive.mjs, in µs per call.
// Complements the sampling profile of `throughput.mjs --profile` with exact per-step costs.
//
// Run from the repo root:  npx tsc -b && node bench/stages.mjs [--n 10000]
// Every input is distinct (own MsgId, nonce, ciphertext); each step runs over all n inputs 4 times, the
// first pass is warm-up, the median of the other 3 is printed.
import { createRequire } from 'node:module';
import { Buffer } from 'node:buffer';
import process from 'node:process';
import { PassThrough } from 'node:stream';
import { parseArgs } from 'node:util';
import { AuthServer, MessageEnvelope, MessageRouter, parseXml, renderReply, toMessage } from '@wxopen/core';
import { WechatSimulator, startFakeWechat, textMessage } from '@wxopen/testing';
import { fixed, median, printTable } from './lib/format.mjs';
import { naiveHandler, naiveSteps } from './lib/naive.mjs';

// Internal modules of the built core, for per-step costs (not part of the package's public surface).
const require = createRequire(import.meta.url);
const { parseMessage } = require('../packages/core/dist/envelope/envelope.js');
const { Deliveries } = require('../packages/core/dist/delivery/deliveries.js');

const { values: args } = parseArgs({ options: { n: { type: 'string', default: '10000' } } });
const N = Number(args.n);
const PASSES = 4;
const AUTHORIZER = 'wx000000000000be0c';
/** The authorizer's original id, as the fake WeChat names it. */
const ADDRESSEE = `gh_${AUTHORIZER.slice(-12)}`;

const secrets = WechatSimulator.generateSecrets();
const { appId, token, encodingAESKey } = secrets;
const wechat = new WechatSimulator(secrets);
const envelope = new MessageEnvelope(secrets);
const naive = naiveSteps(secrets);
const now = Math.floor(Date.now() / 1000);

let serial = BigInt(Date.now()) * 1_000_000n;
/** `PASSES` arrays of `N` distinct deliveries, with every intermediate value precomputed. */
const inputs = Array.from({ length: PASSES }, (_, pass) =>
  Array.from({ length: N }, (_, i) => {
    serial++;
    const push = wechat.encrypted(textMessage(`bench ${pass}-${i}`, { msgId: String(serial), to: ADDRESSEE }), { nonce: String(serial % 10_000_000_000n) });
    const encrypted = parseXml(push.body).Encrypt;
    const head = envelope.readHead(push.query, true);
    const opened = envelope.open(head, push.body);
    const message = toMessage(parseMessage(opened));
    const reply = renderReply(`echo: ${message.Content}`, message, now);
    return { push, encrypted, head, opened, message, reply };
  }),
);

/** Median µs per call of `step(input)` over passes 2..PASSES (awaited when it returns a promise). */
async function time(step) {
  const perCall = [];
  for (let pass = 0; pass < PASSES; pass++) {
    const started = process.hrtime.bigint();
    for (const input of inputs[pass]) {
      const result = step(input);
      if (result instanceof Promise) await result;
    }
    if (pass > 0) perCall.push(Number(process.hrtime.bigint() - started) / 1e3 / N);
  }
  return median(perCall);
}

const router = new MessageRouter().on('text', (message) => `echo: ${message.Content}`);
const deliveries = new Deliveries({
  store: { shared: false },
  keyPrefix: `{${appId}}:`,
  ttlMs: 30_000,
  deadlineMs: 4_500,
  leaseMs: 3_000,
  windowSeconds: 300,
  now: Date.now,
});
const platform = (options = {}) => {
  const server = new AuthServer({ appId, token, encodingAESKey, onError: (error) => console.error(error.code), ...options });
  server.messages.on('text', (message) => `echo: ${message.Content}`);
  return server;
};
const request = ({ push }) => ({ method: 'POST', query: push.query, body: push.body, authorizerAppId: AUTHORIZER });
const full = platform();
const noDedup = platform({ dedupTtlMs: 0 });
const bare = platform({ dedupTtlMs: 0, replyDeadlineMs: 0 });
// As the shipped examples run: with credentials (so the addressee check runs, the authorizer's original id
// learnt from the fake WeChat on loopback as after its first message) and the body as the unread stream an adapter
// passes (one chunk, as a short push arrives).
const fake = await startFakeWechat({ componentAppId: appId });
fake.addAuthorizer(AUTHORIZER);
const credentialed = platform({ credentials: { appSecret: fake.componentAppSecret, api: { apiBase: fake.url } } });
await credentialed.credentials.keepVerifyTicket(fake.pushTicket());
await credentialed.credentials.getAuthorizerInfo(AUTHORIZER);
const streamed = ({ push }) => {
  const body = new PassThrough();
  const bytes = Buffer.from(push.body);
  body.end(bytes);
  return { method: 'POST', query: push.query, headers: { 'content-length': String(bytes.length) }, body, authorizerAppId: AUTHORIZER };
};
const naiveWhole = naiveHandler(secrets);
const full2 = platform();
const credentialed2 = platform({ credentials: { appSecret: fake.componentAppSecret, api: { apiBase: fake.url } } });
await credentialed2.credentials.keepVerifyTicket(fake.pushTicket());
await credentialed2.credentials.getAuthorizerInfo(AUTHORIZER);

const produced = (i) => async () => ({ value: undefined, reply: i.reply });
const ignore = () => undefined;

const steps = [
  ['read the query', 'envelope.readHead', (i) => envelope.readHead(i.push.query, true), '-', undefined],
  ['open the envelope', 'envelope.open (scan, verify, decrypt)', (i) => envelope.open(i.head, i.push.body), 'regex + sha1 + decipher', (i) => naive.decrypt(naive.envelope(i.push.body)) && naive.verify(i.push.query.msg_signature, i.push.query.timestamp, i.push.query.nonce, i.encrypted)],
  ['parse message', 'toMessage(parseMessage(push))', (i) => toMessage(parseMessage(i.opened)), '3 regexes', (i) => naive.fields(i.opened.plaintext)],
  ['deliver once', 'Deliveries.deliver (identity, claim, replay guard)', (i) => deliveries.deliver({ identity: i.opened.plaintext, timestamp: i.opened.timestamp, run: produced(i), onLate: ignore, onError: ignore }), '-', undefined],
  [
    'dispatch',
    'router.dispatch(ctx)',
    (i) => router.dispatch({ authorizerAppId: AUTHORIZER, openid: i.message.FromUserName, message: i.message, encrypted: true, format: 'xml', state: {} }),
    'call',
    (i) => `echo: ${i.message.Content}`,
  ],
  ['render reply', 'renderReply', (i) => renderReply(`echo: ${i.message.Content}`, i.message, now), 'template', (i) => naive.reply({ from: 'o_user', to: 'gh_1', content: i.message.Content }, now)],
  ['seal reply', 'envelope.sealReply (encrypt, sign)', (i) => envelope.sealReply(i.reply, i.opened), 'cipher + template + sha1', (i) => naive.seal(naive.encrypt(i.reply), now, i.push.query.nonce)],
];

console.log(`node ${process.version}, ${N} distinct encrypted text pushes per pass, median of ${PASSES - 1} passes after a warm-up pass\n`);
const rows = [];
let coreSum = 0;
let naiveSum = 0;
for (const [name, coreLabel, coreStep, naiveLabel, naiveStep] of steps) {
  const coreUs = await time(coreStep);
  const naiveUs = naiveStep ? await time(naiveStep) : 0;
  coreSum += coreUs;
  naiveSum += naiveUs;
  rows.push([name, coreLabel, fixed(coreUs), naiveLabel, fixed(naiveUs), `${coreUs >= naiveUs ? '+' : ''}${fixed(coreUs - naiveUs)}`]);
}
rows.push(['sum of steps', '', fixed(coreSum), '', fixed(naiveSum), `${coreSum >= naiveSum ? '+' : ''}${fixed(coreSum - naiveSum)}`]);
printTable(['step', 'wxopen core', 'µs', 'naive', 'µs', 'Δ µs'], rows);

// The whole pipeline: fresh inputs for each variant (a repeated delivery would be answered from the dedup mark).
console.log('\nWhole request without HTTP (handleMessage on a CallbackRequest; a string body unless the row says otherwise):\n');
const whole = [
  ['AuthServer.handleMessage, defaults (dedup, replay guard, deadline 4.5 s)', (i) => full.handleMessage(request(i))],
  ['AuthServer.handleMessage, dedupTtlMs 0', (i) => noDedup.handleMessage(request(i))],
  ['AuthServer.handleMessage, dedupTtlMs 0, replyDeadlineMs 0', (i) => bare.handleMessage(request(i))],
  ['AuthServer.handleMessage, defaults, body as a stream', (i) => full2.handleMessage(streamed(i))],
  ['AuthServer.handleMessage, defaults, with credentials', (i) => credentialed2.handleMessage(request(i))],
  ['AuthServer.handleMessage, defaults, with credentials, body as a stream (as shipped)', (i) => credentialed.handleMessage(streamed(i))],
  ['naive handler', (i) => naiveWhole(i.push.query, i.push.body)],
];
const wholeRows = [];
for (const [name, step] of whole) wholeRows.push([name, fixed(await time(step))]);
printTable(['pipeline', 'µs per request'], wholeRows);

await credentialed.close();
await credentialed2.close();
await fake.close();
