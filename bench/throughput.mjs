// Requests per second of the SHIPPED examples (`npm run example:<fw>`, default file store), next to the
// bench-only wxopen servers (MemoryStore), a naive hand-written handler on the same framework, and other SDKs.
//
// Method (see README.md): every server is a process of its own; the load is autocannon in another process
// (./lib/cannon.mjs), 16 connections, every request a distinct encrypted text push (own MsgId, nonce, content),
// taken from a pool built before the clock starts. Per group, `--rounds` times: the servers are started afresh
// (new processes), each warmed up, then measured for `--seconds`, the order rotated each round (interleaved);
// the median round is reported (`--same-process`: one process per server for every round). Every 500th reply is opened, its signature checked, decrypted, and must read
// `echo: <content sent>`; any non-200, error or timeout fails the run.
//
//   npx tsc -b && npm run bench:throughput [-- --quick] [-- --seconds 5 --rounds 3 --warmup 2]
//     [--groups express,koa,fastify,redis] [--connections 16] [--out FILE] [--cpu-prof DIR]
//     [--redis-url URL]   (default: a private redis-server on a free port of 7300–7399)
//     [--roles naive,bench,shipped,baseline,peer,redis]   only these servers
//     [--baseline DIR]    also the shipped examples of another build (node bench/baseline.mjs <commit> DIR),
//                         interleaved with this one's: same-run before/after figures of a change
//     [--same-process]    start each server once, not once per round
//
// --quick is `--seconds 2 --rounds 1 --warmup 1` (about a minute and a half); the default run takes about 9.
// --cpu-prof DIR starts every server with `node --cpu-prof --cpu-prof-dir DIR`: one .cpuprofile per process,
// written when it exits (open in Chrome DevTools → Performance).
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { loadavg, cpus } from 'node:os';
import { dirname, join } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { fork } from 'node:child_process';
import { WechatSimulator } from '@wxopen/testing';
import { fixed, int, median, printTable } from './lib/format.mjs';
import { summarizeProfile } from './lib/profile.mjs';
import { callsBetween, commandStats, startRedisServer } from './lib/redis-server.mjs';
import { cpuSecondsOf, startBenchServer, startPeer, startShipped } from './lib/targets.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    seconds: { type: 'string' },
    rounds: { type: 'string' },
    warmup: { type: 'string' },
    connections: { type: 'string', default: '16' },
    groups: { type: 'string', default: 'express,koa,fastify,redis' },
    out: { type: 'string' },
    'cpu-prof': { type: 'string' },
    'redis-url': { type: 'string' },
    baseline: { type: 'string' },
    roles: { type: 'string' },
    'same-process': { type: 'boolean', default: false },
  },
});
const seconds = Number(args.seconds ?? (args.quick ? 2 : 5));
const rounds = Number(args.rounds ?? (args.quick ? 1 : 3));
const warmup = Number(args.warmup ?? (args.quick ? 1 : 2));
const connections = Number(args.connections);
const groups = args.groups.split(',');
const outFile = args.out ?? join(here, 'results', `throughput-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
const execArgv = args['cpu-prof'] ? ['--cpu-prof', '--cpu-prof-dir', args['cpu-prof']] : [];
if (args['cpu-prof']) mkdirSync(args['cpu-prof'], { recursive: true });
/** Shipped examples at or above this share of the naive handler; Redis at or above this share of the file store. */
const TARGET_NAIVE = 0.95;
const TARGET_REDIS = 0.7;
const TARGET_ROUND_TRIPS = 2;

const secrets = WechatSimulator.generateSecrets();

// ---- the load process -------------------------------------------------------------------------------------
const cannon = fork(join(here, 'lib', 'cannon.mjs'), [JSON.stringify({ secrets })], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
function load(message) {
  return new Promise((resolve, reject) => {
    const onMessage = (answer) => {
      cannon.off('message', onMessage);
      if (answer.type === 'error') reject(new Error(`load process: ${answer.message}`));
      else resolve(answer);
    };
    cannon.on('message', onMessage);
    cannon.send(message);
  });
}

// ---- the targets ------------------------------------------------------------------------------------------
const naive = (fw) => ({ id: `${fw}-naive`, label: `${fw} naive handler`, role: 'naive', start: () => startBenchServer(fw, 'naive', secrets, { execArgv }) });
const bench = (fw) => ({ id: `${fw}-bench`, label: `${fw} bench-only wxopen (MemoryStore)`, role: 'bench', start: () => startBenchServer(fw, 'wxopen', secrets, { execArgv }) });
const shipped = (fw, env = {}, processes = 1, label = `${fw} example as shipped (file store)`, id = `${fw}-shipped`) => ({
  id,
  label,
  role: env.REDIS_URL ? 'redis' : 'shipped',
  start: () => startShipped(fw, secrets, { env, processes, label, execArgv }),
});
/** The shipped example of the --baseline checkout, next to this one's. */
const baseline = (fw) =>
  args.baseline === undefined
    ? []
    : [{ id: `${fw}-baseline`, label: `${fw} example, baseline build`, role: 'baseline', start: () => startShipped(fw, secrets, { label: `${fw} baseline`, execArgv, checkout: args.baseline }) }];
const peer = (name, label) => ({ id: `peer-${name}`, label, role: 'peer', start: () => startPeer(name, secrets, execArgv) });

async function groupTargets(group, redisUrl) {
  switch (group) {
    case 'express':
      return [naive('express'), bench('express'), shipped('express'), ...baseline('express'), shipped('nestjs', {}, 1, 'nestjs example as shipped (Express, file store)'), peer('wechat', 'node-webot wechat 2 (Express)'), peer('easywechat', 'node-easywechat 3 (Express)')];
    case 'koa':
      return [naive('koa'), bench('koa'), shipped('koa'), ...baseline('koa'), peer('co-wechat', 'co-wechat 2 (Koa)')];
    case 'fastify':
      return [naive('fastify'), bench('fastify'), shipped('fastify'), ...baseline('fastify')];
    case 'redis':
      return redisUrl === undefined
        ? []
        : [
            shipped('express', {}, 1, 'express example, file store', 'redis-file'),
            shipped('express', { REDIS_URL: redisUrl }, 1, 'express example on Redis, 1 process', 'redis-1'),
            shipped('express', { REDIS_URL: redisUrl }, 2, 'express example on Redis, 2 processes', 'redis-2'),
          ];
    default:
      throw new TypeError(`unknown group '${group}' (use express, koa, fastify, redis)`);
  }
}

// ---- measuring ----------------------------------------------------------------------------------------------
/** One timed run against `server`; throws on any failed request. */
async function measure(target, server, duration, pool, tag, stats) {
  const cpuBefore = server.pids.reduce((t, pid) => t + cpuSecondsOf(pid), 0);
  const callsBefore = stats ? await stats.calls() : undefined;
  const result = await load({ type: 'run', targets: server.ports.map((port) => ({ port })), connections, seconds: duration, pool, tag });
  const callsAfter = stats ? await stats.calls() : undefined;
  const cpu = server.pids.reduce((t, pid) => t + cpuSecondsOf(pid), 0) - cpuBefore;
  if (result.failures > 0 || result.non2xx > 0 || result.errors > 0 || result.timeouts > 0 || result.requests === 0) {
    throw new Error(
      `${target.label}: ${result.requests} requests, ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts, ` +
        `${result.failures} failed (${result.lastFailure ?? '-'})${server.tail ? `\nits output:\n${server.tail()}` : ''}`,
    );
  }
  const redisCalls = stats ? callsBetween(callsBefore, callsAfter) : undefined;
  const roundTrips = redisCalls ? Object.values(redisCalls).reduce((a, b) => a + b, 0) / result.requests : undefined;
  return { ...result, cpuUsPerRequest: (1e6 * cpu) / result.requests, redisCalls, roundTrips };
}

/** A pool large enough for `duration` seconds at `rps`, with a margin (what it lacks is built while sending). */
const poolFor = (rps, duration) => Math.ceil(rps * duration * 1.3) + 500;

/**
 * Starts every target of a group; a peer SDK that cannot start is left out (and said so once), our own servers
 * must start.
 */
async function startAll(targets, left) {
  const servers = [];
  try {
    for (const target of targets) {
      if (left.has(target.id)) continue;
      try {
        servers.push({ target, server: await target.start() });
      } catch (error) {
        if (target.role !== 'peer') throw error;
        const reason = error instanceof Error ? error.message : String(error);
        console.error(`${target.label}: cannot start, left out: ${reason}`);
        missing.push({ id: target.id, label: target.label, reason });
        left.add(target.id);
      }
    }
  } catch (error) {
    for (const { server } of servers) await server.stop().catch(() => undefined);
    throw error;
  }
  return servers;
}

/**
 * Measures a group. By default every round starts each server afresh (a new process, warmed up again): two
 * processes of the same build differ by up to 9 % in CPU per request (measured: the same server started twice,
 * interleaved), so the median over rounds is also a median over processes. `--same-process` keeps one process
 * per server for all rounds (faster, noisier between runs).
 */
async function runGroup(group, redisUrl) {
  const roles = args.roles?.split(',');
  const targets = (await groupTargets(group, redisUrl)).filter((target) => roles === undefined || roles.includes(target.role));
  if (targets.length === 0) return [];
  const stats = group === 'redis' ? commandStats(redisUrl) : undefined;
  const left = new Set();
  const runs = new Map(targets.map((target) => [target.id, []]));
  const pids = new Map(targets.map((target) => [target.id, []]));
  const requests = new Map(targets.map((target) => [target.id, 0]));
  const estimate = new Map();
  let servers = [];
  const rows = [];
  try {
    for (let round = 0; round < rounds; round++) {
      if (round === 0 || !args['same-process']) {
        for (const { server } of servers) await server.stop().catch(() => undefined);
        servers = await startAll(targets, left);
        for (const { target, server } of servers) {
          pids.get(target.id).push(...server.pids);
          const warm = await measure(target, server, warmup, poolFor(estimate.get(target.id) ?? 15_000, warmup), `${target.id}-warmup-${round}`);
          estimate.set(target.id, Math.max(estimate.get(target.id) ?? 0, warm.rps));
          requests.set(target.id, requests.get(target.id) + warm.requests);
        }
      }
      const order = servers.map((_, i) => servers[(i + round) % servers.length]);
      for (const { target, server } of order) {
        const pool = poolFor(Math.max(estimate.get(target.id), ...runs.get(target.id).map((r) => r.rps)), seconds);
        const run = await measure(target, server, seconds, pool, `${target.id}-${round}`, target.role === 'redis' ? stats : undefined);
        runs.get(target.id).push(run);
        requests.set(target.id, requests.get(target.id) + run.requests);
        process.stdout.write(`  ${group} round ${round + 1}/${rounds}: ${target.label} ${int(run.rps)} req/s\n`);
      }
    }
    for (const target of targets) {
      const list = runs.get(target.id);
      if (list.length === 0) continue;
      const mid = median(list.map((r) => r.rps));
      rows.push({ group, id: target.id, label: target.label, role: target.role, rps: mid, median: list.find((r) => r.rps === mid), runs: list, pids: pids.get(target.id), requests: requests.get(target.id) });
    }
    return rows;
  } finally {
    for (const { server } of servers) await server.stop().catch(() => undefined);
    await stats?.close();
    if (args['cpu-prof']) for (const row of rows) await printProfile(row);
  }
}

/** Where a server's CPU went, from the profile its process wrote on exit (over every request it served). */
async function printProfile(row) {
  const dir = args['cpu-prof'];
  const files = readdirSync(dir).filter((name) => row.pids.some((pid) => name.includes(`.${pid}.`)) && name.endsWith('.cpuprofile'));
  for (const name of files) {
    const file = join(dir, name);
    const summary = await summarizeProfile(file, row.requests / files.length);
    console.log(`\n#### Profile: ${row.label} (${file}; ${fixed(summary.perRequestUs, 1)} CPU µs per request busy)\n`);
    printTable(['area', 'µs/req'], [...summary.areas].slice(0, 14).map(([area, us]) => [area, fixed(us, 1)]));
    console.log('');
    printTable(['function (self time)', 'µs/req'], summary.self.slice(0, 20).map(([fn, us]) => [fn, fixed(us, 2)]));
    if (summary.inclusive.length > 0) {
      console.log('');
      printTable(['wxopen function (inclusive)', 'µs/req'], summary.inclusive.slice(0, 20).map(([fn, us]) => [fn, fixed(us, 2)]));
    }
  }
}

// ---- reporting ----------------------------------------------------------------------------------------------
function report(rows) {
  const byId = new Map(rows.map((row) => [row.id, row]));
  const table = [];
  const verdicts = [];
  for (const row of rows) {
    // Each row against the naive handler of its framework; the Redis rows against the file-store row of their group.
    const reference = row.group === 'redis' ? (row.role === 'redis' ? byId.get('redis-file') : undefined) : row.role === 'naive' ? undefined : byId.get(`${row.group}-naive`);
    const target = row.id === 'redis-1' ? TARGET_REDIS : row.role === 'shipped' && row.group !== 'redis' ? TARGET_NAIVE : undefined;
    const ratio = reference ? row.rps / reference.rps : undefined;
    row.ratio = ratio;
    row.versus = reference?.id;
    const ok = target === undefined || ratio === undefined ? '' : ratio >= target ? `ok (≥ ${target})` : `BELOW ${target}`;
    if (target !== undefined && ratio !== undefined) verdicts.push({ id: row.id, ratio, target, ok: ratio >= target });
    const trips = row.median.roundTrips;
    table.push([
      row.label,
      int(row.rps),
      ratio === undefined ? '1.00' : fixed(ratio),
      reference ? reference.label : '-',
      `${fixed(row.median.p50, 1)} / ${fixed(row.median.p99, 1)}`,
      fixed(row.median.cpuUsPerRequest, 0),
      row.runs.map((r) => int(r.rps)).join(', '),
      trips === undefined ? '' : `${fixed(trips, 2)}${trips > TARGET_ROUND_TRIPS + 0.05 ? ' (ABOVE 2)' : ''}`,
      ok,
    ]);
  }
  console.log(`\n### Throughput (median of ${rounds} × ${seconds} s, ${connections} connections)\n`);
  printTable(['server', 'req/s', 'ratio', 'ratio against', 'p50 / p99 ms', 'server CPU µs/req', 'every round req/s', 'Redis round trips / delivery', 'target'], table);
  const peers = rows.filter((r) => r.role === 'peer');
  if (peers.length > 0) {
    console.log('\n### The shipped example against other SDKs on the same framework\n');
    printTable(
      ['peer', 'peer req/s', 'shipped example req/s', 'shipped ÷ peer'],
      peers.map((p) => {
        const mine = byId.get(`${p.id === 'peer-co-wechat' ? 'koa' : 'express'}-shipped`);
        return [p.label, int(p.rps), mine ? int(mine.rps) : '-', mine ? fixed(mine.rps / p.rps) : '-'];
      }),
    );
  }
  const baselines = rows.filter((r) => r.role === 'baseline');
  if (baselines.length > 0) {
    console.log('\n### This build against the baseline build (shipped examples, same run, interleaved)\n');
    printTable(
      ['framework', 'baseline req/s', 'this build req/s', 'this ÷ baseline', 'server CPU µs/req baseline → this', 'every round, baseline / this'],
      baselines.map((b) => {
        const mine = byId.get(`${b.group}-shipped`);
        return [b.group, int(b.rps), int(mine.rps), fixed(mine.rps / b.rps), `${fixed(b.median.cpuUsPerRequest, 0)} → ${fixed(mine.median.cpuUsPerRequest, 0)}`, `${b.runs.map((r) => int(r.rps)).join(', ')} / ${mine.runs.map((r) => int(r.rps)).join(', ')}`];
      }),
    );
  }
  for (const row of rows.filter((r) => r.median.redisCalls)) {
    console.log(`\n${row.label}: Redis commands per delivery: ${Object.entries(row.median.redisCalls).map(([c, n]) => `${c} ${fixed(n / row.median.requests, 3)}`).join(', ')}`);
  }
  return verdicts;
}

/** Peers that could not start, and why. */
const missing = [];
const started = Date.now();
console.log(
  `node ${process.version}, ${cpus().length} CPUs, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}; ` +
    `autocannon in its own process, ${connections} connections, warm-up ${warmup} s, ${rounds} round(s) × ${seconds} s interleaved; ` +
    'every request a distinct encrypted text push answered with an encrypted text reply; every 500th reply opened and checked\n',
);
let redis;
const rows = [];
let verdicts = [];
try {
  if (groups.includes('redis')) {
    if (args['redis-url']) redis = { url: args['redis-url'], stop: async () => undefined, shared: true };
    else {
      redis = await startRedisServer(Array.from({ length: 100 }, (_, i) => 7300 + ((i + (process.pid % 100)) % 100)));
      if (redis === undefined) console.log('redis: no redis-server on the PATH and no --redis-url: the Redis rows are left out');
    }
    if (redis) console.log(`redis: ${redis.shared ? 'the given server (round trips include any other client)' : `a private redis-server at ${redis.url}`}`);
  }
  for (const group of groups) rows.push(...(await runGroup(group, redis?.url)));
  verdicts = report(rows);
} finally {
  await redis?.stop();
  cannon.send({ type: 'stop' });
}
const result = {
  date: new Date().toISOString(),
  node: process.version,
  cpus: cpus().length,
  loadavgAtEnd: loadavg(),
  method: { connections, seconds, rounds, warmup, load: 'autocannon, separate process, distinct deliveries' },
  missing,
  rows: rows.map(({ median: m, runs, pids, ...row }) => ({ ...row, processes: pids.length, p50: m.p50, p99: m.p99, cpuUsPerRequest: m.cpuUsPerRequest, roundTrips: m.roundTrips, redisCalls: m.redisCalls, runs: runs.map((r) => ({ rps: r.rps, p50: r.p50, p99: r.p99, requests: r.requests, checked: r.checked, built: r.built, roundTrips: r.roundTrips })) })),
  verdicts,
};
mkdirSync(dirname(outFile), { recursive: true });
writeFileSync(outFile, `${JSON.stringify(result, null, 2)}\n`);
console.log(`\nload average at the end: ${loadavg().map((l) => l.toFixed(2)).join(' ')}; ${fixed((Date.now() - started) / 1000, 0)} s; result written to ${outFile}`);
