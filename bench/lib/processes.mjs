// The parent side of the IPC with ./server.mjs and ./client.mjs.
import { fork } from 'node:child_process';
import { URL, fileURLToPath } from 'node:url';
import { clearTimeout, setTimeout } from 'node:timers';

const here = (name) => fileURLToPath(new URL(name, import.meta.url));

/** A forked script that answers typed IPC messages. */
class Child {
  #process;
  #waiting = [];
  #exited;

  constructor(script, config, execArgv) {
    this.#process = fork(here(script), [JSON.stringify(config)], { execArgv, stdio: 'inherit' });
    this.#exited = new Promise((resolve) => this.#process.once('exit', resolve));
    this.#process.on('message', (message) => {
      if (message.type === 'error') {
        for (const waiter of this.#waiting.splice(0)) waiter.reject(new Error(`${script}: ${message.message}`));
        return;
      }
      const index = this.#waiting.findIndex((waiter) => waiter.type === message.type);
      if (index >= 0) this.#waiting.splice(index, 1)[0].resolve(message);
    });
    this.#process.once('exit', (code) => {
      for (const waiter of this.#waiting.splice(0)) waiter.reject(new Error(`${script} exited with code ${code}`));
    });
  }

  /** The next message of `type` from the child. */
  next(type) {
    return new Promise((resolve, reject) => this.#waiting.push({ type, resolve, reject }));
  }

  /** Sends `message` and resolves to the child's answer of the same type. */
  ask(message) {
    const answer = this.next(message.type === 'soak' || message.type === 'run' ? 'result' : message.type);
    this.#process.send(message);
    return answer;
  }

  /** Asks the child to stop and waits for it to exit (a server started with --cpu-prof writes its profile). */
  async stop() {
    if (this.#process.connected) this.#process.send({ type: 'stop' });
    const timer = setTimeout(() => this.#process.kill(), 10_000);
    await this.#exited;
    clearTimeout(timer);
  }
}

/**
 * Forks a server under test (`variant` 'wxopen' | 'naive' on `framework`) and waits until it listens.
 * `options`: `dedupTtlMs`, `sweepIntervalMs` (wxopen only), `execArgv` (extra node flags).
 * Resolves to `{ port, sample(gc), profileStart(), profileStop(file), stop() }`; `sample()` gives
 * `{ memory, cpu, errors, lastError }`, and `sample(true)` (for a server started with `--expose-gc`) also
 * `liveHeap`: heapUsed right after a full GC, i.e. what is really held.
 */
export async function startServer(framework, variant, secrets, { execArgv = [], ...options } = {}) {
  const child = new Child('./server.mjs', { framework, variant, secrets, ...options }, execArgv);
  const { port } = await child.next('listening');
  return {
    port,
    sample: (gc = false) => child.ask({ type: 'sample', gc }),
    profileStart: () => child.ask({ type: 'profile-start' }),
    profileStop: (file) => child.ask({ type: 'profile-stop', file }),
    stop: () => child.stop(),
  };
}

/** Forks the load client. Resolves to `{ run(options), soak(options), progress(), stop() }` (see ./client.mjs). */
export function startClient(secrets) {
  const child = new Child('./client.mjs', { secrets }, []);
  return {
    run: (options) => child.ask({ type: 'run', ...options }),
    soak: (options) => child.ask({ type: 'soak', ...options }),
    progress: () => child.ask({ type: 'progress' }),
    stop: () => child.stop(),
  };
}
