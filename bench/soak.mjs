// Soak: pushes many distinct deliveries through one wxopen adapter and watches the server's memory.
//
// The server (wxopen adapter, default MemoryStore, library defaults) runs in a child process and reports
// process.memoryUsage() over IPC; a client process builds each encrypted text push just before sending it.
// Every `--interval-ms` a line shows throughput, p99 latency, RSS and heap, and the live heap: heapUsed right
// after a full GC that the server runs for the sample (started with --expose-gc), i.e. what is really held
// (dedup marks), not the garbage heapUsed also counts. At the end: overall req/s and latency, and whether RSS
// still grows over the last third of the samples (it must level off: dedup marks expire and are swept,
// nothing else is kept per delivery).
//
// Dedup marks live `dedupTtlMs` (the library's DEFAULT_DEDUP_TTL_MS, 30 s) and are dropped by the store's sweep
// within a second of their expiry (it runs every second by default), so with the defaults memory levels off after
// about half a minute. To
// see the plateau in a short run, shorten the TTL: --dedup-ttl-ms 2000.
//
// First, without HTTP (./lib/marks.mjs): what the acknowledgement contract keeps per delivery, at the library
// defaults on the examples' FileStore — the live-heap plateau of `--mark-rate` deliveries per second sustained
// over the whole retention windows (simulated clock), scaled to 1000 deliveries/s; the replies kept for retries
// and the replay tables (typed arrays, outside the JS heap, from health().deliveries); and on a private redis-server (port 7300–7399, when redis-server is installed)
// the bytes of one mark key (MEMORY USAGE), that it holds no plaintext, and the commands per delivery.
// `--marks-only` stops there.
//
// Run from the repo root, after building:
//   npx tsc -b && npm run bench:soak [-- --marks-only] [-- --adapter express|koa|fastify] [--count 200000]
//        [--connections 32] [--dedup-ttl-ms MS] [--sweep-interval-ms MS] [--interval-ms 5000]
//        [--mark-rate 250] [--mark-seconds 660]
import { fork } from 'node:child_process';
import { loadavg } from 'node:os';
import { URL, fileURLToPath } from 'node:url';
import process from 'node:process';
import { clearInterval, setInterval } from 'node:timers';
import { parseArgs } from 'node:util';
/** AuthServer's default dedupTtlMs (packages/core/src/server/options.ts). */
const DEFAULT_DEDUP_TTL_MS = 30_000;
import { WechatSimulator } from '@wxopen/testing';
import { FRAMEWORKS } from './lib/apps.mjs';
import { fixed, int, mib, printTable } from './lib/format.mjs';
import { startClient, startServer } from './lib/processes.mjs';
import { startRedisServer } from './lib/redis-server.mjs';

const { values: args } = parseArgs({
  options: {
    adapter: { type: 'string', default: 'express' },
    count: { type: 'string', default: '200000' },
    connections: { type: 'string', default: '32' },
    'dedup-ttl-ms': { type: 'string' },
    'sweep-interval-ms': { type: 'string' },
    'interval-ms': { type: 'string', default: '5000' },
    'marks-only': { type: 'boolean', default: false },
    'mark-rate': { type: 'string', default: '250' },
    'mark-seconds': { type: 'string', default: '660' },
  },
});
if (!FRAMEWORKS.includes(args.adapter)) throw new TypeError(`--adapter must be one of ${FRAMEWORKS.join(', ')}`);
const count = Number(args.count);
const connections = Number(args.connections);
const options = {
  ...(args['dedup-ttl-ms'] === undefined ? {} : { dedupTtlMs: Number(args['dedup-ttl-ms']) }),
  ...(args['sweep-interval-ms'] === undefined ? {} : { sweepIntervalMs: Number(args['sweep-interval-ms']) }),
};
/** Last-third RSS growth above this share of the RSS at the start of the last third counts as growing. */
const GROWTH_TOLERANCE = 0.05;

/** Heap per 1000 deliveries/s and bytes per Redis mark the project holds itself to. */
const TARGET_HEAP_PER_1000 = 5 * 1024 * 1024;
const TARGET_REDIS_MARK = 150;

async function marks() {
  const redis = await startRedisServer(Array.from({ length: 100 }, (_, i) => 7300 + ((i + 50 + (process.pid % 50)) % 100)));
  try {
    const rate = Number(args['mark-rate']);
    const seconds = Number(args['mark-seconds']);
    const child = fork(fileURLToPath(new URL('./lib/marks.mjs', import.meta.url)), [JSON.stringify({ rate, seconds, redisUrl: redis?.url })], {
      execArgv: ['--expose-gc'],
    });
    const answer = await new Promise((resolve, reject) => {
      child.once('message', resolve);
      child.once('exit', (code) => reject(new Error(`marks.mjs exited with code ${code}`)));
    });
    if (answer.type === 'error') throw new Error(answer.message);
    const { inProcess: m, redis: r } = answer;
    const kept = (m.rate * DEFAULT_DEDUP_TTL_MS) / 1000;
    console.log(`### What each delivery leaves behind (FileStore, library defaults; ${m.rate} deliveries/s for ${m.seconds} simulated s)\n`);
    printTable(
      ['figure', 'value', 'target'],
      [
        ['live heap plateau', `${mib(m.heapBytes)} MiB`, ''],
        ['live heap per 1000 deliveries/s', `${mib(m.heapPer1000)} MiB`, m.heapPer1000 <= TARGET_HEAP_PER_1000 ? 'ok (≤ 5 MiB)' : 'ABOVE 5 MiB'],
        [`live heap per delivery kept for retries (heap ÷ ${int(kept)} deliveries of the last ${DEFAULT_DEDUP_TTL_MS / 1000} s)`, `${int(m.heapBytes / kept)} B`, ''],
        ['replies kept for retries (typed arrays, off the JS heap) per 1000 deliveries/s', `${mib((m.memory.keptBytes * 1000) / m.rate)} MiB`, ''],
        [`bytes per delivery kept for retries (health().deliveries: ${int(m.memory.kept)} kept)`, int(m.memory.keptBytes / m.memory.kept), ''],
        ['replay tables (typed arrays, off the JS heap) per 1000 deliveries/s', `${mib((m.memory.replayBytes * 1000) / m.rate)} MiB`, ''],
        [`bytes per replay mark (health().deliveries: ${int(m.memory.replayMarks)} marks)`, fixed(m.memory.replayBytes / m.memory.replayMarks, 1), ''],
        ['all of it, heap and off-heap (arrayBuffers), per 1000 deliveries/s', `${mib(((m.heapBytes + m.arrayBufferBytes) * 1000) / m.rate)} MiB`, ''],
        ['live heap every 60 simulated s (MiB)', m.samples.map((sample) => mib(sample.heapBytes)).join(', '), 'levels off'],
        ...(r
          ? [
              ['Redis: bytes per mark key (MEMORY USAGE)', `${fixed(r.bytesPerMark, 0)} (max ${r.maxBytes}; ${r.marks} keys, e.g. ${r.exampleKey})`, r.maxBytes <= TARGET_REDIS_MARK ? 'ok (≤ 150 B)' : 'ABOVE 150 B'],
              ['Redis: mark values', `${r.values.join(', ')} — ${r.plaintext ? 'PLAINTEXT FOUND' : 'no plaintext'}`, 'no plaintext'],
              ['Redis: commands per delivery (after the first)', `${fixed(r.commandsPerDelivery, 2)} (${Object.entries(r.commands).map(([c, n]) => `${c} ${n}`).join(', ')} over 200)`, '≤ 2'],
            ]
          : [['Redis', 'no redis-server on the PATH: not measured', '']]),
      ],
    );
    console.log('');
  } finally {
    await redis?.stop();
  }
}
await marks();
if (args['marks-only']) process.exit(0);

const secrets = WechatSimulator.generateSecrets();
const server = await startServer(args.adapter, 'wxopen', secrets, { ...options, execArgv: ['--expose-gc'] });
const client = startClient(secrets);

console.log(
  `node ${process.version}, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}; soak of ${args.adapter}: ${count} distinct ` +
    `encrypted text pushes, ${connections} connections, dedupTtlMs ${options.dedupTtlMs ?? `${DEFAULT_DEDUP_TTL_MS} (default)`}, ` +
    `MemoryStore sweep every ${options.sweepIntervalMs ?? '1000 (default)'} ms\n`,
);

const samples = [];
const rows = [];
const started = Date.now();
let last = { at: started, done: 0 };

async function sample(progress) {
  const { memory, liveHeap, errors } = await server.sample(true);
  const at = Date.now();
  const row = { t: (at - started) / 1000, done: progress?.done ?? 0, memory, liveHeap };
  samples.push(row);
  const rate = progress ? ((progress.done - last.done) * 1000) / (at - last.at) : 0;
  last = { at, done: row.done };
  rows.push([
    fixed(row.t, 1),
    row.done,
    progress ? int(rate) : '-',
    progress?.count ? fixed(progress.p99) : '-',
    mib(memory.rss),
    mib(memory.heapUsed),
    mib(liveHeap),
    mib(memory.heapTotal),
    mib(memory.external + memory.arrayBuffers),
    errors,
  ]);
  const line = rows.at(-1);
  console.log(`t=${line[0]}s done=${line[1]} req/s=${line[2]} p99=${line[3]}ms rss=${line[4]}MiB heapUsed=${line[5]}MiB liveHeap=${line[6]}MiB heapTotal=${line[7]}MiB`);
}

try {
  await sample(undefined);
  const soak = client.soak({ port: server.port, count, connections, tag: `soak-${args.adapter}` });
  let sampling = Promise.resolve();
  const timer = setInterval(() => {
    sampling = sampling.then(async () => sample(await client.progress()));
  }, Number(args['interval-ms']));
  const result = await soak;
  clearInterval(timer);
  await sampling;
  await sample({ ...(await client.progress()), done: count });

  console.log('\n### Samples\n');
  printTable(['t s', 'done', 'req/s', 'p99 ms', 'RSS MiB', 'heapUsed MiB', 'live heap MiB', 'heapTotal MiB', 'external+buffers MiB', 'errors'], rows);

  const third = samples.slice(Math.floor((samples.length * 2) / 3));
  const growth = (pick) => pick(third.at(-1).memory) - pick(third[0].memory);
  const rssGrowth = growth((m) => m.rss);
  const liveGrowth = third.at(-1).liveHeap - third[0].liveHeap;
  const grows = rssGrowth > GROWTH_TOLERANCE * third[0].memory.rss;
  const peak = Math.max(...samples.map((s) => s.memory.rss));
  console.log(`\n### Result: ${args.adapter}\n`);
  printTable(
    ['figure', 'value'],
    [
      ['deliveries', count],
      ['failed requests', result.failures + (result.failures ? ` (${result.lastFailure})` : '')],
      ['replies opened and checked', result.checked],
      ['throughput', `${int(result.rps)} req/s over ${fixed(result.seconds, 1)} s`],
      ['latency p50 / p99', `${fixed(result.p50)} / ${fixed(result.p99)} ms`],
      ['RSS start / peak / end', `${mib(samples[0].memory.rss)} / ${mib(peak)} / ${mib(samples.at(-1).memory.rss)} MiB`],
      ['heapUsed start / end', `${mib(samples[0].memory.heapUsed)} / ${mib(samples.at(-1).memory.heapUsed)} MiB`],
      ['live heap (after a full GC) start / peak / end', `${mib(samples[0].liveHeap)} / ${mib(Math.max(...samples.map((s) => s.liveHeap)))} / ${mib(samples.at(-1).liveHeap)} MiB`],
      [
        `last third (${third.length} samples from t=${fixed(third[0].t, 0)} s)`,
        `RSS ${rssGrowth >= 0 ? '+' : ''}${mib(rssGrowth)} MiB, live heap ${liveGrowth >= 0 ? '+' : ''}${mib(liveGrowth)} MiB`,
      ],
      ['RSS grows in the last third', grows ? `YES (more than ${GROWTH_TOLERANCE * 100}%)` : `no (within ${GROWTH_TOLERANCE * 100}%)`],
    ],
  );
  console.log(`\nload average at the end: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  if (result.failures > 0) process.exitCode = 1;
} finally {
  await client.stop();
  await server.stop();
}
