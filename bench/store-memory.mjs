// MemoryStore figures: throughput of setIfAbsent + get on distinct keys (what dedup does per delivery), and heap
// use before and after 200 000 short-TTL keys expire and a sweep runs.
// Run after building: npx tsc -b && node --expose-gc bench/store-memory.mjs
import { MemoryStore } from '@wxopen/core';

const gc = typeof globalThis.gc === 'function' ? globalThis.gc : () => undefined;
const mib = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
const signed = (bytes) => (bytes < 0 ? `-${mib(-bytes)}` : `+${mib(bytes)}`);
const heap = () => {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};

async function throughput(n) {
  const store = new MemoryStore();
  const started = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    const key = `{wx570bc396a51b8ff8}:dedup:${1234567890123456 + i}`;
    await store.setIfAbsent(key, '1', 300_000);
    await store.get(key);
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await store.close();
  return n / seconds;
}

async function memory(n) {
  let now = Date.now();
  const store = new MemoryStore({ now: () => now });
  const before = heap();
  for (let i = 0; i < n; i++) await store.setIfAbsent(`{wx570bc396a51b8ff8}:dedup:${1234567890123456 + i}`, '1', 15_000);
  const filled = heap();
  now += 15_000; // every mark has expired; none is read again
  const sweepStarted = process.hrtime.bigint();
  const dropped = store.sweep();
  const sweepMs = Number(process.hrtime.bigint() - sweepStarted) / 1e6;
  const after = heap();
  await store.close();
  return { before, filled, after, dropped, sweepMs };
}

async function main() {
  if (typeof globalThis.gc !== 'function') console.warn('run with node --expose-gc for exact heap figures');
  await throughput(100_000); // warm-up
  const rounds = [];
  for (let i = 0; i < 3; i++) rounds.push(await throughput(1_000_000));
  console.log(`setIfAbsent+get, distinct keys: ${rounds.map((r) => Math.round(r).toLocaleString('en')).join(' / ')} pairs/s (3 runs of 1 000 000)`);
  const m = await memory(200_000);
  console.log(`heap before: ${mib(m.before)}; with 200 000 live short-TTL keys: ${mib(m.filled)} (${signed(m.filled - m.before)})`);
  console.log(`sweep dropped ${m.dropped.toLocaleString('en')} expired keys in ${m.sweepMs.toFixed(1)} ms; heap after: ${mib(m.after)} (${signed(m.after - m.before)} against before)`);
}

await main();
