/**
 * What the CLI tests share: running `wxopen` as a process (through the committed bin shim, as npm links it),
 * and starting a built example as a process with given credentials.
 */
import { execFile, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';

export const ROOT = path.resolve(__dirname, '../../..');
export const WXOPEN = path.join(ROOT, 'packages/testing/bin/wxopen.js');
export const WXOPEN_SIMULATE = path.join(ROOT, 'packages/testing/bin/wxopen-simulate.js');
const EXAMPLE = path.join(ROOT, 'examples/express/dist/index.js');

export interface Ran {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** The environment without any wxopen, WeChat or Redis setting, plus `extra`. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!/^(WECHAT_|WXOPEN_|REDIS_|PORT$|HOST$)/.test(name)) env[name] = value;
  }
  return { ...env, ...extra };
}

/** Runs a script with node and resolves with its exit code and output (whatever the code). */
export function runNode(script: string, args: readonly string[], env: NodeJS.ProcessEnv = cleanEnv()): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(process.execPath, [script, ...args], { env, cwd: ROOT, timeout: 30_000 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
      resolve({ code, stdout, stderr });
    });
  });
}

/** `wxopen <args>`. */
export function wxopen(args: readonly string[], env?: NodeJS.ProcessEnv): Promise<Ran> {
  return runNode(WXOPEN, args, env);
}

/**
 * A state file path in a temp directory of its own (an example keeps its demo credentials next to its state file,
 * so no two runs may share a directory). `removeTemp` removes the directory.
 */
export function tempStateFile(tag: string): string {
  return path.join(mkdtempSync(path.join(os.tmpdir(), `wxopen-cli-${tag}-`)), 'state.json');
}

/** Removes the directory `tempStateFile` made. */
export function removeTemp(stateFile: string): void {
  rmSync(path.dirname(stateFile), { recursive: true, force: true });
}

export interface RunningExample {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  output(): string;
  /** SIGTERM, resolves with the exit code. */
  stop(): Promise<number | null>;
}

/**
 * Starts the built Express example with `env` on a free port; resolves once it listens. Without `REDIS_URL` or
 * `WXOPEN_STATE_FILE` it gets a state file of its own, removed when it stops: never the working tree's.
 */
export function startExample(env: Record<string, string>): Promise<RunningExample> {
  if (!existsSync(EXAMPLE)) throw new Error(`${path.relative(ROOT, EXAMPLE)} is missing: run \`npx tsc -b\` first`);
  const ownFile = env['REDIS_URL'] === undefined && env['WXOPEN_STATE_FILE'] === undefined ? tempStateFile('example') : undefined;
  const childEnv = cleanEnv({ PORT: '0', HOST: '127.0.0.1', ...(ownFile === undefined ? {} : { WXOPEN_STATE_FILE: ownFile }), ...env });
  const child = spawn(process.execPath, [EXAMPLE], { cwd: ROOT, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = new Promise<number | null>((resolve) =>
    child.on('close', (code) => {
      if (ownFile !== undefined) removeTemp(ownFile);
      resolve(code);
    }),
  );
  return new Promise((resolve, reject) => {
    child.stdout.on('data', () => {
      const url = /listening on (http:\/\/\S+)/.exec(output)?.[1];
      if (url) {
        resolve({
          url,
          output: () => output,
          stop: () => {
            child.kill('SIGTERM');
            return exited;
          },
        });
      }
    });
    void exited.then((code) => reject(new Error(`the example exited (${String(code)}) before listening:\n${output}`)));
  });
}

/** Calls `probe` until it returns something other than `undefined`, at most `attempts` times. */
export async function eventually<T>(probe: () => Promise<T | undefined>, attempts = 100): Promise<T> {
  for (let i = 0; i < attempts; i++) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`gave up after ${attempts} attempts`);
}

/** Whether `port` (and, for a cluster node, its bus port `port + 10000`) can be bound on loopback now. */
async function free(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** Whether a `redis-server` binary can be run here (the Cluster and Sentinel tests start their own). */
function hasRedisServer(): boolean {
  return spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
}

/**
 * `describe` for tests that start their own `redis-server` processes: skipped with a visible message where there
 * is no such binary, unless `WXOPEN_REQUIRE_REDIS=1`, which makes that a failure.
 */
export function describeWithRedisServer(name: string, fn: () => void): void {
  if (hasRedisServer()) return describe(name, fn);
  if (process.env['WXOPEN_REQUIRE_REDIS'] === '1') {
    return describe(name, () => test('needs a redis-server binary (WXOPEN_REQUIRE_REDIS=1)', () => {
      throw new Error('redis-server is not on PATH');
    }));
  }
  process.stderr.write(`\nwxopen: no redis-server binary: skipping "${name}".\n`);
  describe.skip(name, fn);
}

/** Two free loopback ports `port` and `port + 10000` (a Cluster node's bus port), `count` times. */
async function freePorts(count: number): Promise<number[]> {
  const ports: number[] = [];
  for (let candidate = 20_000 + Math.floor(Math.random() * 20_000); ports.length < count; candidate++) {
    if ((await free(candidate)) && (await free(candidate + 10_000))) ports.push(candidate);
  }
  return ports;
}

/** A connection to a private server once it accepts one. */
function connectWhenUp(port: number): Promise<Redis> {
  return eventually(async () => {
    const client = new Redis({ host: '127.0.0.1', port, lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
    client.on('error', () => undefined);
    try {
      await client.connect();
      return client;
    } catch {
      client.disconnect();
      return undefined;
    }
  });
}

export interface PrivateSentinel {
  /** The master's port. */
  readonly masterPort: number;
  readonly sentinel: { host: string; port: number };
  /** The name the sentinel knows the master by. */
  readonly name: string;
  stop(): Promise<void>;
}

/** A private master and one Sentinel watching it (quorum 1), on free ports; resolves once the Sentinel knows it. */
export async function startRedisSentinel(): Promise<PrivateSentinel> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'wxopen-cli-sentinel-'));
  const [masterPort, sentinelPort] = (await freePorts(2)) as [number, number];
  const name = 'wxopen-cli-master';
  writeFileSync(path.join(dir, 'sentinel.conf'), `port ${sentinelPort}\nbind 127.0.0.1\nsentinel monitor ${name} 127.0.0.1 ${masterPort} 1\n`);
  const servers = [
    spawn('redis-server', ['--port', String(masterPort), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no'], { stdio: 'ignore' }),
    spawn('redis-server', [path.join(dir, 'sentinel.conf'), '--sentinel'], { stdio: 'ignore' }),
  ];
  const exited = servers.map((server) => new Promise<void>((resolve) => server.once('exit', () => resolve())));
  const clients: Redis[] = [];
  const stop = async () => {
    clients.forEach((client) => client.disconnect());
    servers.forEach((server) => server.kill('SIGTERM'));
    await Promise.all(exited);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    clients.push(await connectWhenUp(masterPort), await connectWhenUp(sentinelPort));
    await eventually(async () => ((await clients[1]?.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', name)) ? true : undefined));
  } catch (error) {
    await stop();
    throw error;
  }
  return { masterPort, sentinel: { host: '127.0.0.1', port: sentinelPort }, name, stop };
}

export interface PrivateCluster {
  readonly nodes: readonly { host: string; port: number }[];
  stop(): Promise<void>;
}

/**
 * A Redis Cluster of `size` masters from private `redis-server` processes on free ports (no persistence), with the
 * slots split evenly in node order; resolves once every node reports `cluster_state:ok`. `stop()` ends them.
 */
export async function startRedisCluster(size = 3): Promise<PrivateCluster> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'wxopen-cli-cluster-'));
  const ports = await freePorts(size);
  const servers = ports.map((port) =>
    spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`, '--dir', dir, '--save', '', '--appendonly', 'no'],
      { stdio: 'ignore' },
    ),
  );
  const exited = servers.map((server) => new Promise<void>((resolve) => server.once('exit', () => resolve())));
  const clients: Redis[] = [];
  const stop = async () => {
    clients.forEach((client) => client.disconnect());
    servers.forEach((server) => server.kill('SIGTERM'));
    await Promise.all(exited);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (const port of ports) clients.push(await connectWhenUp(port));
    const per = Math.floor(16_384 / size);
    await Promise.all(clients.map((client, i) => client.call('CLUSTER', 'ADDSLOTSRANGE', String(i * per), String(i === size - 1 ? 16_383 : (i + 1) * per - 1))));
    for (const port of ports.slice(1)) await clients[0]?.call('CLUSTER', 'MEET', '127.0.0.1', String(port));
    await eventually(async () => {
      const infos = await Promise.all(clients.map((client) => client.call('CLUSTER', 'INFO') as Promise<string>));
      return infos.every((info) => info.includes('cluster_state:ok') && info.includes(`cluster_known_nodes:${size}`)) ? true : undefined;
    }, 200);
  } catch (error) {
    await stop();
    throw error;
  }
  return { nodes: ports.map((port) => ({ host: '127.0.0.1', port })), stop };
}
