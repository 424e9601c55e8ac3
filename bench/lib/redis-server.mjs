// A private redis-server for the Redis rows of throughput.mjs (so that its command counts are ours alone), and
// its command statistics.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Redis from 'ioredis';

/** Whether something accepts connections on 127.0.0.1:`port`. */
function busy(port) {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

/**
 * Starts `redis-server` (no persistence) on the first free port of `ports`; resolves to `{ url, stop() }`, or
 * `undefined` when there is no redis-server on the PATH.
 */
export async function startRedisServer(ports) {
  for (const port of ports) {
    if (await busy(port)) continue;
    const dir = mkdtempSync(join(tmpdir(), 'wxopen-bench-redis-'));
    const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: 'ignore' });
    const failed = await Promise.race([once(child, 'error').then(() => true), once(child, 'exit').then(() => true), sleep(50).then(() => false)]);
    if (failed) {
      rmSync(dir, { recursive: true, force: true });
      if (child.exitCode === null && child.pid === undefined) return undefined; // not installed
      continue;
    }
    for (let i = 0; i < 100 && !(await busy(port)); i++) await sleep(20);
    return {
      url: `redis://127.0.0.1:${port}`,
      stop: async () => {
        if (child.exitCode === null) {
          child.kill('SIGTERM');
          await once(child, 'exit');
        }
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  throw new Error(`no free port for a private redis-server among ${ports[0]}–${ports[ports.length - 1]}`);
}

/** A connection that reads `INFO commandstats` of `url`: `calls()` resolves to { command: calls }. */
export function commandStats(url) {
  const redis = new Redis(url, { lazyConnect: false, maxRetriesPerRequest: 1 });
  return {
    async calls() {
      const text = await redis.info('commandstats');
      const calls = {};
      for (const match of text.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) calls[match[1]] = Number(match[2]);
      return calls;
    },
    /** Bytes and value of `key` (MEMORY USAGE, GET). */
    async usage(key) {
      return { bytes: await redis.memory('USAGE', key), value: await redis.get(key) };
    },
    async keys(pattern) {
      return redis.keys(pattern);
    },
    close: () => redis.quit(),
  };
}

/** `after - before` per command, without the commands the statistics reader itself sends. */
export function callsBetween(before, after) {
  const delta = {};
  for (const [command, calls] of Object.entries(after)) {
    if (command === 'info' || command === 'memory' || command === 'keys') continue;
    const d = calls - (before[command] ?? 0);
    if (d > 0) delta[command] = d;
  }
  return delta;
}
