// Requests per second of the wxopen adapters against a naive hand-written handler on the same framework.
//
// Each request is a distinct delivery (own MsgId and nonce) of an encrypted text message, answered with the
// encrypted text reply `echo: …`. The server runs in its own process; a load client in another process sends
// pre-built requests over keep-alive sockets (./lib/load.mjs). Per framework both servers are warmed up, then
// measured `--repeats` times in alternating order; the median run is reported. The target: wxopen ≥ 0.9× naive.
//
// Run from the repo root, after building:
//   npx tsc -b && node bench/adapters.mjs [--requests 20000] [--warmup 3000] [--repeats 3] [--connections 32]
//                                           [--frameworks express,koa,fastify] [--profile] [--profile-dir DIR]
//                                           [--dedup-ttl-ms MS] [--reply-deadline-ms MS]
// --profile also profiles both servers of each framework (V8 CPU profiler, 100 µs sampling, over
// `--requests` requests after warm-up) and prints where the time goes. It keeps the .cpuprofile files.
// --dedup-ttl-ms / --reply-deadline-ms change those AuthServer options (0 disables) to price dedup and the
// reply deadline; the default is the library's defaults, which is what the target is about.
import { mkdir } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import { parseArgs } from 'node:util';
import { WechatSimulator } from '@wxopen/testing';
import { FRAMEWORKS } from './lib/apps.mjs';
import { fixed, int, median, printTable } from './lib/format.mjs';
import { startClient, startServer } from './lib/processes.mjs';
import { summarizeProfile } from './lib/profile.mjs';

const { values: args } = parseArgs({
  options: {
    requests: { type: 'string', default: '20000' },
    warmup: { type: 'string', default: '3000' },
    repeats: { type: 'string', default: '3' },
    connections: { type: 'string', default: '32' },
    frameworks: { type: 'string', default: FRAMEWORKS.join(',') },
    'dedup-ttl-ms': { type: 'string' },
    'reply-deadline-ms': { type: 'string' },
    profile: { type: 'boolean', default: false },
    'profile-dir': { type: 'string', default: join(tmpdir(), 'wxopen-bench-profiles') },
  },
});
const requests = Number(args.requests);
const warmup = Number(args.warmup);
const repeats = Number(args.repeats);
const connections = Number(args.connections);
const frameworks = args.frameworks.split(',');
const VARIANTS = ['naive', 'wxopen'];
/** AuthServer options for the wxopen servers: the library defaults unless overridden (a diagnostic). */
const wxopenOptions = {
  ...(args['dedup-ttl-ms'] === undefined ? {} : { dedupTtlMs: Number(args['dedup-ttl-ms']) }),
  ...(args['reply-deadline-ms'] === undefined ? {} : { replyDeadlineMs: Number(args['reply-deadline-ms']) }),
};
const TARGET = 0.9;

const secrets = WechatSimulator.generateSecrets();
const client = startClient(secrets);

/** One timed run against `server`, with the server's CPU use over it. Throws on any failed request. */
async function measure(server, count, tag) {
  const before = await server.sample();
  const result = await client.run({ port: server.port, count, connections, tag });
  const after = await server.sample();
  if (result.failures > 0 || after.errors > 0) {
    throw new Error(`${tag}: ${result.failures} failed requests (${result.lastFailure}), ${after.errors} error-hook calls (${after.lastError})`);
  }
  const serverCpu = (after.cpu.user - before.cpu.user + after.cpu.system - before.cpu.system) / 1e6;
  return { ...result, serverCpu: serverCpu / result.seconds, clientCpu: result.cpuSeconds / result.seconds };
}

async function benchmark(framework) {
  const servers = {};
  for (const variant of VARIANTS) servers[variant] = await startServer(framework, variant, secrets, wxopenOptions);
  try {
    for (const variant of VARIANTS) await measure(servers[variant], warmup, `${framework}-${variant}-warmup`);
    const runs = { naive: [], wxopen: [] };
    for (let repeat = 0; repeat < repeats; repeat++) {
      const order = repeat % 2 === 0 ? VARIANTS : [...VARIANTS].reverse();
      for (const variant of order) runs[variant].push(await measure(servers[variant], requests, `${framework}-${variant}-${repeat}`));
    }
    return runs;
  } finally {
    for (const server of Object.values(servers)) await server.stop();
  }
}

/** The run with the median req/s. */
const medianRun = (runs) => runs.find((run) => run.rps === median(runs.map((r) => r.rps)));

async function profile(framework) {
  await mkdir(args['profile-dir'], { recursive: true });
  const summaries = {};
  for (const variant of VARIANTS) {
    const server = await startServer(framework, variant, secrets, wxopenOptions);
    try {
      await measure(server, warmup, `${framework}-${variant}-profile-warmup`);
      await server.profileStart();
      const run = await measure(server, requests, `${framework}-${variant}-profiled`);
      const file = join(args['profile-dir'], `${framework}-${variant}-${process.pid}.cpuprofile`);
      await server.profileStop(file);
      summaries[variant] = { ...(await summarizeProfile(file, requests)), file, rps: run.rps };
    } finally {
      await server.stop();
    }
  }
  const { naive, wxopen } = summaries;
  console.log(`\n### Profile: ${framework} (${requests} requests each, CPU µs per request; files: ${naive.file}, ${wxopen.file})\n`);
  printTable(
    ['area', 'naive µs/req', 'wxopen µs/req', 'Δ µs/req'],
    [...new Set([...wxopen.areas.keys(), ...naive.areas.keys()])]
      .map((name) => [name, naive.areas.get(name) ?? 0, wxopen.areas.get(name) ?? 0])
      .sort((a, b) => b[2] - b[1] - (a[2] - a[1]))
      .map(([name, n, w]) => [name, fixed(n, 1), fixed(w, 1), (w - n >= 0 ? '+' : '') + fixed(w - n, 1)])
      .concat([['total (busy)', fixed(naive.perRequestUs, 1), fixed(wxopen.perRequestUs, 1), `+${fixed(wxopen.perRequestUs - naive.perRequestUs, 1)}`]]),
  );
  console.log(`\nwxopen on ${framework}: top 20 functions by self time\n`);
  printTable(['function', 'self µs/req', 'share'], wxopen.self.slice(0, 20).map(([name, us]) => [name, fixed(us, 2), `${fixed((100 * us) / wxopen.perRequestUs, 1)}%`]));
  console.log(`\nwxopen on ${framework}: wxopen's own functions by inclusive time (callees included)\n`);
  printTable(['function', 'incl. µs/req', 'share'], wxopen.inclusive.slice(0, 25).map(([name, us]) => [name, fixed(us, 2), `${fixed((100 * us) / wxopen.perRequestUs, 1)}%`]));
  console.log(`\nnaive on ${framework}: top 12 functions by self time\n`);
  printTable(['function', 'self µs/req', 'share'], naive.self.slice(0, 12).map(([name, us]) => [name, fixed(us, 2), `${fixed((100 * us) / naive.perRequestUs, 1)}%`]));
}

console.log(
  `node ${process.version}, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}, ${connections} connections, ${requests} requests per run, ${warmup} warm-up, median of ${repeats}; ` +
    'each request a distinct encrypted text push answered with an encrypted text reply' +
    (Object.keys(wxopenOptions).length > 0 ? `; wxopen options ${JSON.stringify(wxopenOptions)}` : '') +
    '\n',
);
const summary = [];
const detail = [];
let below = false;
try {
  for (const framework of frameworks) {
    const runs = await benchmark(framework);
    const naive = medianRun(runs.naive);
    const wx = medianRun(runs.wxopen);
    const ratio = wx.rps / naive.rps;
    below ||= ratio < TARGET;
    summary.push([
      framework,
      int(naive.rps),
      int(wx.rps),
      fixed(ratio),
      `${fixed(naive.p50)} / ${fixed(naive.p99)}`,
      `${fixed(wx.p50)} / ${fixed(wx.p99)}`,
      ratio >= TARGET ? 'ok' : `BELOW ${TARGET}`,
    ]);
    for (const variant of VARIANTS) {
      for (const run of runs[variant]) {
        detail.push([
          framework,
          variant,
          int(run.rps),
          fixed(run.p50),
          fixed(run.p99),
          `${int(100 * run.serverCpu)}%`,
          fixed((1e6 * run.serverCpu) / run.rps, 1),
          `${int(100 * run.clientCpu)}%`,
          run.checked,
        ]);
      }
    }
    console.log(`${framework}: naive ${runs.naive.map((r) => int(r.rps)).join(', ')} req/s; wxopen ${runs.wxopen.map((r) => int(r.rps)).join(', ')} req/s`);
  }
  console.log('\n### Throughput (median run)\n');
  printTable(['framework', 'naive req/s', 'wxopen req/s', 'ratio', 'naive p50 / p99 ms', 'wxopen p50 / p99 ms', `target ≥ ${TARGET}`], summary);
  console.log('\n### Every run\n');
  printTable(['framework', 'variant', 'req/s', 'p50 ms', 'p99 ms', 'server CPU', 'server CPU µs/req', 'client CPU', 'replies opened'], detail);
  console.log(`\nload average at the end: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  if (args.profile) for (const framework of frameworks) await profile(framework);
  else if (below) console.log('\nAn adapter is below the target: run again with --profile to see where the time goes.');
} finally {
  await client.stop();
}
