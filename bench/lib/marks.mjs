// What the acknowledgement contract keeps per delivery, without HTTP (for soak.mjs):
// - in process (FileStore, the examples' default; MemoryStore the same): deliveries kept for retries (`ttlMs`) and
//   the replay memory (until a push's timestamp leaves the accepted window), simulated on an injected clock at
//   `rate` deliveries per simulated second for `seconds`, so the plateau of the full windows is reached in a few
//   real seconds; the live heap (after a full GC) and the replay tables (typed arrays, outside the JS heap) are
//   read at the end, scaled to 1000 deliveries/s;
// - in Redis: the mark keys one delivery leaves (MEMORY USAGE), and that they hold no plaintext.
// Needs --expose-gc.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import { setImmediate } from 'node:timers/promises';
import { AuthServer, FileStore } from '@wxopen/core';
import { createRedisStore } from '@wxopen/redis';
import { WechatSimulator, textMessage } from '@wxopen/testing';
import { callsBetween, commandStats } from './redis-server.mjs';

const AUTHORIZER = 'wx000000000000be0c';
const gc = () => {
  globalThis.gc();
  globalThis.gc();
};
const request = (push) => ({ method: 'POST', query: push.query, body: push.body, authorizerAppId: AUTHORIZER });

/**
 * Simulates `rate` distinct deliveries per second for `seconds` on a FileStore platform with the library
 * defaults. Resolves to the plateau figures.
 */
export async function inProcessMarks({ rate = 250, seconds = 660 } = {}) {
  const secrets = WechatSimulator.generateSecrets();
  const wechat = new WechatSimulator(secrets);
  let clock = Date.now();
  const dir = mkdtempSync(join(tmpdir(), 'wxopen-bench-marks-'));
  const store = new FileStore({ path: join(dir, 'state.json'), now: () => clock });
  // The API base refuses connections at once: the platform's background look-up of the unknown authorizer (to
  // check ToUserName) fails fast instead of reaching WeChat.
  const platform = new AuthServer({ ...secrets, store, now: () => clock, apiBase: 'http://127.0.0.1:9' });
  platform.messages.on('text', (message) => `echo: ${message.Content}`);
  // Warm up the code, the caches and what the first request loads lazily (fetch), then take the baseline.
  for (let i = 0; i < 500; i++) await platform.handleMessage(request(wechat.encrypted(textMessage(`warm ${i}`), { timestamp: Math.floor(clock / 1000) })));
  await new Promise((resolve) => globalThis.setTimeout(resolve, 1500));
  clock += 700_000;
  await new Promise((resolve) => globalThis.setTimeout(resolve, 1100));
  gc();
  const base = process.memoryUsage();
  let serial = 0;
  const samples = [];
  for (let second = 0; second < seconds; second++) {
    if (second % 60 === 0 && second > 0) {
      await new Promise((resolve) => globalThis.setTimeout(resolve, 1100));
      gc();
      const now = process.memoryUsage();
      samples.push({ t: second, heapBytes: now.heapUsed - base.heapUsed, arrayBufferBytes: now.arrayBuffers - base.arrayBuffers });
    }
    clock += 1000;
    const timestamp = Math.floor(clock / 1000);
    for (let i = 0; i < rate; i++) {
      serial++;
      const push = wechat.encrypted(textMessage(`mark ${serial}`, { msgId: String(1e15 + serial), createTime: timestamp }), { timestamp, nonce: String(serial) });
      const response = await platform.handleMessage(request(push));
      if (response.status !== 200) throw new Error(`delivery ${serial} answered ${response.status}`);
    }
    await setImmediate(); // lets the retention sweep (a real-time timer) run
    if (second % 16 === 0) await new Promise((resolve) => globalThis.setTimeout(resolve, 1)); // and timers of 1 s on the real clock
  }
  // The retention sweep runs every real second: give it one pass at the final simulated time.
  await new Promise((resolve) => globalThis.setTimeout(resolve, 1100));
  gc();
  const end = process.memoryUsage();
  const { deliveries } = await platform.health();
  await platform.close?.();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  const heap = end.heapUsed - base.heapUsed;
  const buffers = end.arrayBuffers - base.arrayBuffers;
  return {
    rate,
    seconds,
    deliveries: serial,
    samples,
    heapBytes: heap,
    arrayBufferBytes: buffers,
    memory: deliveries,
    heapPer1000: (heap * 1000) / rate,
    totalPer1000: ((heap + buffers) * 1000) / rate,
  };
}

/** `count` deliveries through a platform on the Redis at `url`; the memory and content of the marks they leave. */
export async function redisMarks(url, { count = 200 } = {}) {
  const secrets = WechatSimulator.generateSecrets();
  const wechat = new WechatSimulator(secrets);
  const store = createRedisStore(url);
  const platform = new AuthServer({ ...secrets, store });
  platform.messages.on('text', (message) => `echo: ${message.Content}`);
  const stats = commandStats(url);
  try {
    // One delivery first, so that connecting (and the first look-ups) are not counted per delivery.
    await platform.handleMessage(request(wechat.encrypted(textMessage('warm-up'))));
    const before = await stats.calls();
    for (let i = 0; i < count; i++) {
      const response = await platform.handleMessage(request(wechat.encrypted(textMessage(`secret plaintext ${i}`))));
      if (response.status !== 200) throw new Error(`delivery ${i} answered ${response.status}`);
    }
    const after = await stats.calls();
    const keys = (await stats.keys(`*${secrets.appId}*`)).filter((key) => /:d:/.test(key));
    const usages = await Promise.all(keys.map((key) => stats.usage(key)));
    const bytes = usages.map((u) => u.bytes);
    const plaintext = usages.some((u) => u.value !== 'd') || keys.some((key) => key.includes('secret plaintext'));
    const commands = callsBetween(before, after);
    const calls = Object.values(commands).reduce((a, b) => a + b, 0);
    return {
      marks: keys.length,
      exampleKey: keys[0],
      bytesPerMark: bytes.reduce((a, b) => a + b, 0) / Math.max(1, bytes.length),
      maxBytes: Math.max(...bytes),
      values: [...new Set(usages.map((u) => u.value))],
      plaintext,
      commandsPerDelivery: calls / count,
      commands,
    };
  } finally {
    await platform.close?.();
    await store.close?.();
    await stats.close();
  }
}

// Run as a child of soak.mjs (with --expose-gc): argv[2] is JSON { rate, seconds, redisUrl? }; answers over IPC.
if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()) && process.send) {
  const { rate, seconds, redisUrl } = JSON.parse(process.argv[2]);
  try {
    const inProcess = await inProcessMarks({ rate, seconds });
    const redis = redisUrl ? await redisMarks(redisUrl) : undefined;
    process.send({ type: 'marks', inProcess, redis });
  } catch (error) {
    process.send({ type: 'error', message: String(error?.stack ?? error) });
  }
  process.exit(0);
}
