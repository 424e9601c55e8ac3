import { execFile, spawnSync } from 'node:child_process';
import type { describe as JestDescribe, it as JestIt } from '@jest/globals';
import { redisServerBinary } from './redis-server';

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
// and without depending on a Redis client. Sends AUTH when the URL has a password, then the command of argv[2]
// (default PING); exits 0 when the answer holds argv[3] (default +PONG), non-zero on an error reply.
const PROBE = `
const url = new URL(process.argv[1]);
const command = JSON.parse(process.argv[2] || '["PING"]');
const expected = process.argv[3] || '+PONG';
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
out += cmd(...command);
let answer = '';
socket.setTimeout(1500, () => process.exit(2));
socket.on('error', () => process.exit(3));
socket.on('close', () => process.exit(5));
socket.on(tls ? 'secureConnect' : 'connect', () => socket.write(out));
socket.on('data', (chunk) => {
  answer += chunk;
  if (answer.includes(expected)) process.exit(0);
  if (/(^|\\r\\n)-/.test(answer)) process.exit(4);
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

function probeArgs(url: string, command?: readonly string[], expected?: string): string[] {
  return command === undefined ? ['-e', PROBE, url] : ['-e', PROBE, url, JSON.stringify(command), expected ?? ''];
}

/** Whether a Redis answers PING at `url` (default `redisUrl()`). */
export function isRedisReachable(url = redisUrl()): Promise<boolean> {
  const cached = known.get(url);
  if (cached !== undefined) return Promise.resolve(cached);
  return new Promise((resolve) => {
    execFile(process.execPath, probeArgs(url), { timeout: 3000 }, (error) => {
      known.set(url, !error);
      resolve(!error);
    });
  });
}

/** `isRedisReachable`, synchronously, for use while jest registers tests. */
export function isRedisReachableSync(url = redisUrl()): boolean {
  let reachable = known.get(url);
  if (reachable === undefined) {
    reachable = spawnSync(process.execPath, probeArgs(url), { timeout: 3000, stdio: 'ignore' }).status === 0;
    known.set(url, reachable);
  }
  return reachable;
}

/**
 * The Redis Cluster tests use: the `host:port` entries of `REDIS_CLUSTER_NODES` (comma-separated, spaces
 * allowed), or `undefined` when it is unset or empty.
 */
export function redisClusterNodes(): string[] | undefined {
  const nodes = (process.env.REDIS_CLUSTER_NODES ?? '')
    .split(',')
    .map((node) => node.trim())
    .filter((node) => node !== '');
  return nodes.length > 0 ? nodes : undefined;
}

/** Whether every node of `nodes` (`host:port`) answers `CLUSTER INFO` with `cluster_state:ok`; synchronous. */
export function isRedisClusterReachableSync(nodes: readonly string[]): boolean {
  const key = `cluster ${nodes.join(',')}`;
  let reachable = known.get(key);
  if (reachable === undefined) {
    reachable =
      nodes.length > 0 &&
      nodes.every(
        (node) =>
          spawnSync(process.execPath, probeArgs(`redis://${node}`, ['CLUSTER', 'INFO'], 'cluster_state:ok'), { timeout: 3000, stdio: 'ignore' })
            .status === 0,
      );
    known.set(key, reachable);
  }
  return reachable;
}

/** Whether a `redis-server` binary (`REDIS_SERVER_BIN`, default `redis-server`) can be run; synchronous. */
export function hasRedisServerBinary(): boolean {
  const key = `binary ${redisServerBinary()}`;
  let found = known.get(key);
  if (found === undefined) {
    found = spawnSync(redisServerBinary(), ['--version'], { timeout: 3000, stdio: 'ignore' }).status === 0;
    known.set(key, found);
  }
  return found;
}

interface JestRegistry {
  describe: typeof JestDescribe;
  it: typeof JestIt;
}

function jestGlobals(caller: string): JestRegistry {
  const globals = globalThis as Partial<JestRegistry>;
  if (typeof globals.describe !== 'function' || typeof globals.it !== 'function') {
    throw new TypeError(`wxopen: ${caller} must be called in a jest test file (it uses the jest globals)`);
  }
  return globals as JestRegistry;
}

interface Gate {
  readonly caller: string;
  /** Why the block cannot run, or `undefined` when it can. */
  readonly problem: string | undefined;
  /** How to make it run. */
  readonly fix: string;
  /** Whether the skip is a failure now (`WXOPEN_REQUIRE_REDIS=1`). */
  readonly required: boolean;
  /** Whether `WXOPEN_REQUIRE_REDIS=1` would turn this skip into a failure (said in the warning). */
  readonly requirable: boolean;
}

/** `describe` when the gate is open; otherwise a visible skip, or a failing test when the gate is required. */
function gated(gate: Gate, name: string, fn: () => void): void {
  const { describe, it } = jestGlobals(gate.caller);
  if (gate.problem === undefined) {
    describe(name, fn);
    return;
  }
  if (gate.required) {
    describe(name, () => {
      it('needs its Redis (WXOPEN_REQUIRE_REDIS=1)', () => {
        throw new Error(`${gate.problem}. ${gate.fix}`);
      });
    });
    return;
  }
  // Straight to stderr: jest does not print the console output of a test file whose tests were all skipped.
  const hint = gate.requirable ? '; WXOPEN_REQUIRE_REDIS=1 turns this into a failure' : '';
  process.stderr.write(`\nwxopen: ${gate.problem}: skipping "${name}". ${gate.fix}${hint}.\n`);
  describe.skip(name, fn);
}

/**
 * `describe(name, fn)` for tests that need Redis at `redisUrl()`. When Redis is unreachable the block is skipped
 * and a warning says why; with `WXOPEN_REQUIRE_REDIS=1` it fails instead.
 */
export function describeRedis(name: string, fn: () => void): void {
  const url = redisUrl();
  gated(
    {
      caller: 'describeRedis',
      problem: isRedisReachableSync(url) ? undefined : `Redis is not reachable at ${redacted(url)}`,
      fix: 'Start one (redis-server) or point REDIS_URL at one',
      required: redisRequired(),
      requirable: true,
    },
    name,
    fn,
  );
}

/**
 * `describe(name, fn)` for tests that need the Redis Cluster of `REDIS_CLUSTER_NODES` (`host:port,…`), with
 * `cluster_state:ok` on every listed node. When the variable is unset the block is skipped with a warning
 * (a Cluster is optional); when it is set but the cluster is not reachable and healthy, it is skipped too, or
 * fails under `WXOPEN_REQUIRE_REDIS=1`. `scripts/redis-cluster.sh start` runs one on 127.0.0.1:7101–7103.
 */
export function describeRedisCluster(name: string, fn: () => void): void {
  const nodes = redisClusterNodes();
  const fix = 'Run scripts/redis-cluster.sh start and set REDIS_CLUSTER_NODES=127.0.0.1:7101,127.0.0.1:7102,127.0.0.1:7103';
  gated(
    {
      caller: 'describeRedisCluster',
      problem:
        nodes === undefined
          ? 'REDIS_CLUSTER_NODES is not set'
          : isRedisClusterReachableSync(nodes)
            ? undefined
            : `the Redis Cluster at ${nodes.join(',')} is not reachable or not cluster_state:ok`,
      fix,
      required: nodes !== undefined && redisRequired(),
      requirable: nodes !== undefined,
    },
    name,
    fn,
  );
}

/**
 * `describe(name, fn)` for tests that start Redis processes of their own (`startRedisServer`,
 * `startRedisCluster`, `startRedisSentinel`): needs the `redis-server` binary. Skipped with a warning when it is
 * missing, or fails under `WXOPEN_REQUIRE_REDIS=1`.
 */
export function describeRedisServer(name: string, fn: () => void): void {
  gated(
    {
      caller: 'describeRedisServer',
      problem: hasRedisServerBinary() ? undefined : `cannot run ${redisServerBinary()}`,
      fix: 'Install redis-server (and redis-cli for clusters) or set REDIS_SERVER_BIN',
      required: redisRequired(),
      requirable: true,
    },
    name,
    fn,
  );
}
