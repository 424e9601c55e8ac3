/**
 * Real Redis processes for tests: a private `redis-server` on a free loopback port that a test can kill, pause
 * and restart under traffic, a Redis Cluster of such servers, and a Sentinel watching one. Nothing is
 * persisted; each server has a directory of its own under `os.tmpdir()`, removed by `dispose()`. No process
 * outlives the test process (see `./redis-server/reaper`).
 */
import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { reapDir, reapProcess, releaseDir } from './redis-server/reaper';
import { RespError, respCommand } from './redis-server/resp';
import type { RespValue } from './redis-server/resp';

export { RespError, respCommand } from './redis-server/resp';
export type { RespCommandOptions, RespValue } from './redis-server/resp';

const HOST = '127.0.0.1';

/** The `redis-server` binary: `REDIS_SERVER_BIN`, default `redis-server` on the PATH. */
export function redisServerBinary(): string {
  return process.env.REDIS_SERVER_BIN ?? 'redis-server';
}

export interface RedisServerOptions {
  /** The port (default: a free one; with `cluster`, one whose cluster bus port, +10000, is free too). */
  readonly port?: number;
  /** Extra `redis-server` arguments, e.g. `['--maxmemory', '10mb']`. */
  readonly args?: readonly string[];
  /** `--requirepass`: clients must AUTH with it (`command()` does). */
  readonly password?: string;
  /** Cluster mode (`--cluster-enabled yes`), as `startRedisCluster` uses it. */
  readonly cluster?: boolean;
  /** How long `start` and `restart` wait for the server to answer PING (default 10 000 ms). */
  readonly startTimeoutMs?: number;
}

/** What a server is doing now. */
export type RedisServerState = 'running' | 'paused' | 'stopped';

/** A private `redis-server` process. */
export interface RedisServer {
  readonly host: string;
  readonly port: number;
  /** `redis://127.0.0.1:<port>`. */
  readonly url: string;
  /** Its working directory (cluster config, sentinel config). */
  readonly dir: string;
  /** The pid of the current process, `undefined` while stopped. */
  readonly pid: number | undefined;
  readonly state: RedisServerState;
  /** What the server printed (the last 64 KiB), for failure messages. */
  readonly output: string;
  /** Ends the process (SIGKILL by default, as a crash; SIGTERM for a clean shutdown) and waits until it is gone. */
  stop(signal?: 'SIGKILL' | 'SIGTERM'): Promise<void>;
  /** SIGSTOP: the process keeps its port and connections but answers nothing, like a server stuck or swapped out. */
  pause(): void;
  /** SIGCONT after `pause()`. */
  resume(): void;
  /** Starts it again on the same port and directory (stopping it first, with SIGKILL, if it runs). */
  restart(): Promise<void>;
  /** Sends one command over a fresh connection (after AUTH when it has a password) and resolves with the reply. */
  command(...args: string[]): Promise<RespValue>;
  /** Stops it and removes its directory. */
  dispose(): Promise<void>;
}

function freePortOnce(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, HOST, () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, HOST, () => server.close(() => resolve(true)));
  });
}

/** A free loopback port; with `withBus`, one below 55536 whose cluster bus port (+10000) is free as well. */
export async function freePort(withBus = false): Promise<number> {
  if (!withBus) return freePortOnce();
  for (let attempt = 0; attempt < 200; attempt++) {
    // Below the usual ephemeral range, so that outgoing connections rarely take the port in the meantime.
    const port = 20_000 + Math.floor(Math.random() * 10_000);
    if ((await canBind(port)) && (await canBind(port + 10_000))) return port;
  }
  throw new Error('no free port pair (port and port + 10000) found on 127.0.0.1');
}

const OUTPUT_LIMIT = 64 * 1024;

class RedisProcess implements RedisServer {
  readonly host = HOST;
  readonly port: number;
  readonly dir: string;
  readonly #argv: readonly string[];
  readonly #startTimeoutMs: number;
  readonly #password: string | undefined;
  #child: ChildProcess | undefined;
  #exited: Promise<void> = Promise.resolve();
  #paused = false;
  #output = '';

  constructor(port: number, dir: string, argv: readonly string[], startTimeoutMs: number, password: string | undefined) {
    this.port = port;
    this.dir = dir;
    this.#argv = argv;
    this.#startTimeoutMs = startTimeoutMs;
    this.#password = password;
  }

  get url(): string {
    return `redis://${HOST}:${this.port}`;
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  get state(): RedisServerState {
    if (!this.#child) return 'stopped';
    return this.#paused ? 'paused' : 'running';
  }

  get output(): string {
    return this.#output;
  }

  /** Spawns the process and waits for PING; rejects (with the server's output) when it exits first. */
  async start(): Promise<void> {
    if (this.#child) throw new Error(`redis-server on port ${this.port} is already running`);
    const child = spawn(redisServerBinary(), [...this.#argv], { cwd: this.dir, stdio: ['ignore', 'pipe', 'pipe'] });
    const collect = (chunk: Buffer) => {
      this.#output = (this.#output + chunk.toString('utf8')).slice(-OUTPUT_LIMIT);
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    let gone = false;
    let spawnError: Error | undefined;
    this.#exited = new Promise<void>((resolve) => {
      child.once('error', (error) => {
        spawnError = error;
        gone = true;
        resolve();
      });
      child.once('exit', () => {
        gone = true;
        resolve();
      });
    });
    void this.#exited.then(() => {
      if (this.#child === child) {
        this.#child = undefined;
        this.#paused = false;
      }
    });
    this.#child = child;
    reapProcess(child);
    const deadline = Date.now() + this.#startTimeoutMs;
    for (;;) {
      if (gone) {
        const why = spawnError ? `${spawnError.message} (is redis-server installed? REDIS_SERVER_BIN names another binary)` : this.#output.trim();
        throw new Error(`redis-server on port ${this.port} exited during start: ${why}`);
      }
      try {
        if ((await respCommand(this.port, ['PING'], { timeoutMs: 500, password: this.#password })) === 'PONG') return;
      } catch (error) {
        // An error reply (LOADING, say) is an answer too; anything else: not listening yet.
        if (error instanceof RespError) return;
      }
      if (Date.now() > deadline) {
        await this.stop();
        throw new Error(`redis-server on port ${this.port} did not answer PING within ${this.#startTimeoutMs} ms:\n${this.#output}`);
      }
      await sleep(20);
    }
  }

  async stop(signal: 'SIGKILL' | 'SIGTERM' = 'SIGKILL'): Promise<void> {
    const child = this.#child;
    if (!child) return;
    child.kill(signal);
    // A stopped process only acts on SIGTERM once it runs again (SIGKILL needs no help).
    if (this.#paused) child.kill('SIGCONT');
    await this.#exited;
  }

  pause(): void {
    if (!this.#child) throw new Error(`redis-server on port ${this.port} is not running`);
    this.#child.kill('SIGSTOP');
    this.#paused = true;
  }

  resume(): void {
    if (!this.#child) throw new Error(`redis-server on port ${this.port} is not running`);
    this.#child.kill('SIGCONT');
    this.#paused = false;
  }

  async restart(): Promise<void> {
    await this.stop();
    // The port was just released; another process may briefly hold it. Try a few times before giving up.
    for (let attempt = 1; ; attempt++) {
      try {
        await this.start();
        return;
      } catch (error) {
        if (attempt >= 5 || !/already in use|Address in use/i.test(String(error))) throw error;
        await sleep(100 * attempt);
      }
    }
  }

  command(...args: string[]): Promise<RespValue> {
    return respCommand(this.port, args, { password: this.#password });
  }

  async dispose(): Promise<void> {
    await this.stop();
    releaseDir(this.dir);
  }
}

function serverArgs(port: number, dir: string, options: RedisServerOptions): string[] {
  const args = ['--port', String(port), '--bind', HOST, '--dir', dir, '--save', '', '--appendonly', 'no', '--daemonize', 'no'];
  if (options.password !== undefined) args.push('--requirepass', options.password);
  if (options.cluster) {
    args.push('--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-node-timeout', '2000');
  }
  return [...args, ...(options.args ?? [])];
}

async function launch(makeArgv: (port: number, dir: string) => string[], options: RedisServerOptions, withBus: boolean): Promise<RedisServer> {
  const startTimeoutMs = options.startTimeoutMs ?? 10_000;
  // A port picked as free can be taken before redis-server binds it: pick another and try again.
  for (let attempt = 1; ; attempt++) {
    const port = options.port ?? (await freePort(withBus));
    const dir = mkdtempSync(path.join(os.tmpdir(), `wxopen-redis-${port}-`));
    reapDir(dir);
    const server = new RedisProcess(port, dir, makeArgv(port, dir), startTimeoutMs, options.password);
    try {
      await server.start();
      return server;
    } catch (error) {
      releaseDir(dir);
      if (options.port !== undefined || attempt >= 5 || !/already in use|Address in use/i.test(String(error))) throw error;
    }
  }
}

/**
 * Starts a private `redis-server` on 127.0.0.1 (no RDB, no AOF) and resolves once it answers PING. Call
 * `dispose()` when done; a process left running is killed when the test process ends.
 */
export function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServer> {
  return launch((port, dir) => serverArgs(port, dir, options), options, options.cluster === true);
}

export interface RedisClusterOptions {
  /** Master nodes (default 3, the least Redis accepts). */
  readonly masters?: number;
  /** Replicas per master (default 0). */
  readonly replicasPerMaster?: number;
  /** Extra `redis-server` arguments for every node. */
  readonly args?: readonly string[];
  /** How long to wait for `cluster_state:ok` on every node (default 20 000 ms). */
  readonly readyTimeoutMs?: number;
}

/** A Redis Cluster of private servers. */
export interface RedisCluster {
  /** Every node, masters first as `redis-cli --cluster create` assigned them. */
  readonly nodes: readonly RedisServer[];
  /** The nodes as `{ host, port }`, for `new Cluster(startupNodes)`. */
  readonly startupNodes: readonly { readonly host: string; readonly port: number }[];
  /** `127.0.0.1:p1,127.0.0.1:p2,…`, the form `REDIS_CLUSTER_NODES` takes. */
  readonly nodeList: string;
  /** Resolves once every running node reports `cluster_state:ok` (after a node was restarted, say). */
  waitUntilOk(timeoutMs?: number): Promise<void>;
  /** Stops every node and removes their directories. */
  dispose(): Promise<void>;
}

/** Runs a program and resolves with its stdout; rejects with its output when it fails. */
function run(file: string, args: readonly string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, [...args], { timeout: timeoutMs }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${file} ${args.join(' ')} failed: ${error.message}\n${stdout}${stderr}`));
      else resolve(stdout);
    });
  });
}

async function clusterOk(server: RedisServer): Promise<boolean> {
  try {
    const info = await server.command('CLUSTER', 'INFO');
    return typeof info === 'string' && /cluster_state:ok/.test(info);
  } catch {
    return false;
  }
}

/**
 * Starts cluster-enabled servers, creates the cluster with `redis-cli --cluster create … --cluster-yes` (so
 * `redis-cli` must be installed, `REDIS_CLI_BIN` names another binary), and resolves once every node reports
 * `cluster_state:ok`. Call `dispose()` when done.
 */
export async function startRedisCluster(options: RedisClusterOptions = {}): Promise<RedisCluster> {
  const masters = options.masters ?? 3;
  const replicas = options.replicasPerMaster ?? 0;
  if (!Number.isInteger(masters) || masters < 3) throw new TypeError('wxopen: startRedisCluster needs `masters` ≥ 3 (Redis refuses a smaller cluster)');
  if (!Number.isInteger(replicas) || replicas < 0) throw new TypeError('wxopen: `replicasPerMaster` must be a whole number ≥ 0');
  const nodes: RedisServer[] = [];
  const dispose = async () => {
    await Promise.all(nodes.map((node) => node.dispose()));
  };
  try {
    for (let i = 0; i < masters * (1 + replicas); i++) {
      nodes.push(await startRedisServer({ cluster: true, args: options.args ?? [] }));
    }
    const addresses = nodes.map((node) => `${node.host}:${node.port}`);
    await run(process.env.REDIS_CLI_BIN ?? 'redis-cli', ['--cluster', 'create', ...addresses, '--cluster-replicas', String(replicas), '--cluster-yes'], 60_000);
    const waitUntilOk = async (timeoutMs = options.readyTimeoutMs ?? 20_000) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const running = nodes.filter((node) => node.state === 'running');
        if ((await Promise.all(running.map(clusterOk))).every(Boolean)) return;
        if (Date.now() > deadline) throw new Error(`the cluster ${addresses.join(',')} did not reach cluster_state:ok within ${timeoutMs} ms`);
        await sleep(50);
      }
    };
    await waitUntilOk();
    return {
      nodes,
      startupNodes: nodes.map((node) => ({ host: node.host, port: node.port })),
      nodeList: addresses.join(','),
      waitUntilOk,
      dispose,
    };
  } catch (error) {
    await dispose();
    throw error;
  }
}

export interface RedisSentinelOptions {
  /** The master to watch. */
  readonly master: RedisServer;
  /** The master's name (default `mymaster`). */
  readonly name?: string;
  /** `down-after-milliseconds` (default 1000). */
  readonly downAfterMs?: number;
}

/** A `redis-server --sentinel` watching one master, with a quorum of 1. */
export interface RedisSentinel extends RedisServer {
  /** The master's name, for `{ sentinels, name }`. */
  readonly name: string;
}

/**
 * Starts a Sentinel (`redis-server <config> --sentinel`) on a free loopback port, watching `master`, and
 * resolves once it answers `SENTINEL get-master-addr-by-name` with the master's port.
 */
export async function startRedisSentinel(options: RedisSentinelOptions): Promise<RedisSentinel> {
  const name = options.name ?? 'mymaster';
  if (!/^[A-Za-z0-9._-]+$/.test(name)) throw new TypeError('wxopen: a sentinel master `name` may hold letters, digits, dot, dash and underscore only');
  const sentinel = await launch(
    (port, dir) => {
      // A Sentinel rewrites its configuration file, so it needs one of its own.
      const config = path.join(dir, 'sentinel.conf');
      writeFileSync(
        config,
        [
          `port ${port}`,
          `bind ${HOST}`,
          `dir ${dir}`,
          `sentinel monitor ${name} ${options.master.host} ${options.master.port} 1`,
          `sentinel down-after-milliseconds ${name} ${options.downAfterMs ?? 1000}`,
          `sentinel failover-timeout ${name} 10000`,
          '',
        ].join('\n'),
      );
      return [config, '--sentinel'];
    },
    {},
    false,
  );
  const deadline = Date.now() + 10_000;
  for (;;) {
    const address = await sentinel.command('SENTINEL', 'get-master-addr-by-name', name).catch(() => null);
    if (Array.isArray(address) && address[1] === String(options.master.port)) break;
    if (Date.now() > deadline) {
      await sentinel.dispose();
      throw new Error(`the sentinel on port ${sentinel.port} does not know master ${name}:\n${sentinel.output}`);
    }
    await sleep(20);
  }
  return Object.assign(sentinel, { name });
}
