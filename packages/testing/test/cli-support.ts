/**
 * What the CLI tests share: running `wxopen` as a process (through the committed bin shim, as npm links it),
 * and starting a built example as a process with given credentials.
 */
import { execFile, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

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
