// The servers throughput.mjs measures, each a process of its own:
// - `naive` and `bench`: bench-only servers (./server.mjs: the naive handler of ./naive.mjs, or the wxopen adapter
//   on a MemoryStore), forked;
// - `shipped`: the example as `npm run example:<fw>` starts it (`node examples/<fw>/dist/index.js`, no WECHAT_*
//   variables, so its saved demo credentials, and its default file store `.wxopen/state.json`), in a temporary
//   working directory of its own whose `.wxopen/demo-credentials.json` holds the benchmark's credentials;
//   `REDIS_URL` puts its state in Redis instead;
// - `peer`: a minimal server of another SDK in its documented usage (../peers/*.mjs), forked.
// Every one listens on a free port of 127.0.0.1 and serves `/wechat/callback/:appid`.
import { fork, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import { setTimeout as sleep } from 'node:timers/promises';
import { URL, fileURLToPath } from 'node:url';
import { clearTimeout, setTimeout } from 'node:timers';

const root = fileURLToPath(new URL('../../', import.meta.url));
const here = (name) => fileURLToPath(new URL(name, import.meta.url));
const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** CPU seconds (user + system) used so far by process `pid`, from /proc; NaN where there is no /proc. */
export function cpuSecondsOf(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return NaN;
  }
}

/** Waits for `child` to exit, killing it after `ms`. */
async function stopChild(child, signal, ms = 10_000) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), ms);
  await exited;
  clearTimeout(timer);
}

/** Forks `script` with argv[2] = JSON `config`; resolves when it sends `{ type: 'listening', port }`. */
async function forkListening(script, config, label, execArgv = []) {
  const child = fork(script, [JSON.stringify(config)], { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const port = await new Promise((resolve, reject) => {
    child.on('message', (message) => message?.type === 'listening' && resolve(message.port));
    child.once('exit', (code) => reject(new Error(`${label} exited with code ${code} before listening`)));
  });
  return {
    pids: [child.pid],
    ports: [port],
    stop: async () => {
      // Asked first, so that it exits normally (a process started with --cpu-prof then writes its profile).
      if (child.connected) child.send({ type: 'stop' });
      await Promise.race([once(child, 'exit'), sleep(5000)]);
      await stopChild(child, 'SIGTERM');
    },
  };
}

/**
 * Starts `node examples/<framework>/dist/index.js` in `dir` with `env` added, and resolves once it prints its
 * `listening on http://HOST:PORT` line. Its output is read and kept (the last lines are shown if it fails).
 */
async function spawnExample(framework, dir, env, label, execArgv, checkout) {
  const child = spawn(process.execPath, [...execArgv, join(checkout, 'examples', framework, 'dist', 'index.js')], {
    cwd: dir,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const tail = [];
  const keep = (chunk) => {
    tail.push(String(chunk));
    if (tail.length > 20) tail.shift();
  };
  child.stderr.on('data', keep);
  const port = await new Promise((resolve, reject) => {
    let text = '';
    const onData = (chunk) => {
      keep(chunk);
      text += String(chunk);
      const match = /listening on http:\/\/[^:\s]+:(\d+)/.exec(text);
      if (match) {
        child.stdout.off('data', onData);
        child.stdout.on('data', keep); // keep draining: a full pipe would stall the server
        resolve(Number(match[1]));
      }
    };
    child.stdout.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${label} exited with code ${code} before listening:\n${tail.join('')}`)));
  });
  return { child, port, tail };
}

/** A temporary working directory whose `.wxopen/demo-credentials.json` holds `secrets`. */
function exampleDir(secrets) {
  const dir = mkdtempSync(join(tmpdir(), 'wxopen-bench-example-'));
  mkdirSync(join(dir, '.wxopen'), { mode: 0o700 });
  const { appId, appSecret, token, encodingAESKey } = secrets;
  writeFileSync(join(dir, '.wxopen', 'demo-credentials.json'), JSON.stringify({ appId, appSecret, token, encodingAESKey }), { mode: 0o600 });
  return dir;
}

/**
 * The shipped example of `framework`, `processes` copies of it (several only make sense on Redis), with `env`
 * added (e.g. `{ REDIS_URL }`). Each copy has its own working directory (its own demo-credentials file, the
 * same credentials). `checkout`: the repository whose built example runs (default this one; see ../baseline.mjs).
 */
export async function startShipped(framework, secrets, { env = {}, processes = 1, label = `${framework} shipped`, execArgv = [], checkout = root } = {}) {
  const dirs = Array.from({ length: processes }, () => exampleDir(secrets));
  const started = [];
  try {
    for (const dir of dirs) started.push(await spawnExample(framework, dir, env, label, execArgv, checkout));
  } catch (error) {
    for (const { child } of started) await stopChild(child, 'SIGTERM');
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    pids: started.map(({ child }) => child.pid),
    ports: started.map(({ port }) => port),
    tail: () => started.flatMap(({ tail }) => tail).join(''),
    stop: async () => {
      for (const { child } of started) await stopChild(child, 'SIGTERM');
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A bench-only server (`variant` 'naive' | 'wxopen') of ./server.mjs. */
export function startBenchServer(framework, variant, secrets, { execArgv = [], ...options } = {}) {
  return forkListening(here('./server.mjs'), { framework, variant, secrets, ...options }, `${framework} ${variant}`, execArgv);
}

/** A peer SDK's server, ../peers/<name>.mjs. */
export function startPeer(name, secrets, execArgv = []) {
  return forkListening(here(`../peers/${name}.mjs`), { secrets }, name, execArgv);
}
