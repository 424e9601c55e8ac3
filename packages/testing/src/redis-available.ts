import { execFile, spawnSync } from 'node:child_process';
import type { describe as JestDescribe, it as JestIt } from '@jest/globals';

/**
 * The one rule for tests that need Redis: run against `REDIS_URL` (default `redis://127.0.0.1:6379`); when it is
 * unreachable, skip with a visible warning — unless `WXOPEN_REQUIRE_REDIS=1` (set by CI), which makes it a failure.
 */

/** The Redis URL tests use: `REDIS_URL`, default `redis://127.0.0.1:6379`. */
export function redisUrl(): string {
  return process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
}

/** Whether a missing Redis fails the run (`WXOPEN_REQUIRE_REDIS=1`) instead of skipping. */
export function redisRequired(): boolean {
  return process.env.WXOPEN_REQUIRE_REDIS === '1';
}

// Runs in a child `node` so that the same check can be made synchronously (jest registers tests synchronously)
// and without depending on a Redis client. Sends AUTH when the URL has a password, then PING; exits 0 on +PONG.
const PROBE = `
const url = new URL(process.argv[1]);
const tls = url.protocol === 'rediss:';
const port = Number(url.port || 6379);
const host = url.hostname.replace(/^\\[|\\]$/g, '') || '127.0.0.1';
const socket = tls
  ? require('node:tls').connect({ host, port, servername: host, rejectUnauthorized: false })
  : require('node:net').connect({ host, port });
const cmd = (...parts) => '*' + parts.length + '\\r\\n' + parts.map((p) => '$' + Buffer.byteLength(p) + '\\r\\n' + p + '\\r\\n').join('');
const password = decodeURIComponent(url.password);
const user = decodeURIComponent(url.username);
let out = password ? (user ? cmd('AUTH', user, password) : cmd('AUTH', password)) : '';
out += cmd('PING');
let answer = '';
socket.setTimeout(1500, () => process.exit(2));
socket.on('error', () => process.exit(3));
socket.on('close', () => process.exit(5));
socket.on(tls ? 'secureConnect' : 'connect', () => socket.write(out));
socket.on('data', (chunk) => {
  answer += chunk;
  if (answer.includes('+PONG')) process.exit(0);
  if (answer.includes('-')) process.exit(4);
});
`;

/** `url` without its user name and password, for messages. */
function redacted(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.toString();
  } catch {
    return '(unparsable REDIS_URL)';
  }
}

const known = new Map<string, boolean>();

/** Whether a Redis answers PING at `url` (default `redisUrl()`). */
export function isRedisReachable(url = redisUrl()): Promise<boolean> {
  const cached = known.get(url);
  if (cached !== undefined) return Promise.resolve(cached);
  return new Promise((resolve) => {
    execFile(process.execPath, ['-e', PROBE, url], { timeout: 3000 }, (error) => {
      known.set(url, !error);
      resolve(!error);
    });
  });
}

/** `isRedisReachable`, synchronously, for use while jest registers tests. */
export function isRedisReachableSync(url = redisUrl()): boolean {
  let reachable = known.get(url);
  if (reachable === undefined) {
    reachable = spawnSync(process.execPath, ['-e', PROBE, url], { timeout: 3000, stdio: 'ignore' }).status === 0;
    known.set(url, reachable);
  }
  return reachable;
}

interface JestRegistry {
  describe: typeof JestDescribe;
  it: typeof JestIt;
}

function jestGlobals(): JestRegistry {
  const globals = globalThis as Partial<JestRegistry>;
  if (typeof globals.describe !== 'function' || typeof globals.it !== 'function') {
    throw new TypeError('wxopen: describeRedis must be called in a jest test file (it uses the jest globals)');
  }
  return globals as JestRegistry;
}

/**
 * `describe(name, fn)` for tests that need Redis at `redisUrl()`. When Redis is unreachable the block is skipped
 * and a warning says why; with `WXOPEN_REQUIRE_REDIS=1` it fails instead.
 */
export function describeRedis(name: string, fn: () => void): void {
  const { describe, it } = jestGlobals();
  const url = redisUrl();
  if (isRedisReachableSync(url)) {
    describe(name, fn);
    return;
  }
  const problem = `Redis is not reachable at ${redacted(url)}`;
  if (redisRequired()) {
    describe(name, () => {
      it('needs a reachable Redis (WXOPEN_REQUIRE_REDIS=1)', () => {
        throw new Error(`${problem}. Start one (redis-server) or point REDIS_URL at one.`);
      });
    });
    return;
  }
  // Straight to stderr: jest does not print the console output of a test file whose tests were all skipped.
  process.stderr.write(`\nwxopen: ${problem}: skipping "${name}". Start one (redis-server) or set REDIS_URL; WXOPEN_REQUIRE_REDIS=1 turns this into a failure.\n`);
  describe.skip(name, fn);
}
