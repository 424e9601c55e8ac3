/**
 * What the several-process tests share: real child processes (`fork`, with an IPC channel) running the BUILT
 * packages, request/answer messages to them, polling, and a Redis key prefix of their own that is deleted after.
 */
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { Cluster } from 'ioredis';
import { createRedisStore } from '@wxopen/redis';
import type { RedisStore, RedisTarget } from '@wxopen/redis';
import { describeRedis, describeRedisCluster, redisClusterNodes, redisUrl } from '@wxopen/testing';

/** An answer from a child: `ok` with a value, or the failure's code and message. */
export type Answer<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly code: string; readonly message: string };

interface Envelope {
  readonly type: string;
  readonly id?: number;
  readonly [field: string]: unknown;
}

function isEnvelope(message: unknown): message is Envelope {
  return typeof message === 'object' && message !== null && typeof (message as Envelope).type === 'string';
}

/** A forked child process that answers `{ op, … }` requests over IPC (see the `*-child.mjs` scripts). */
export class Child {
  readonly process: ChildProcess;
  /** Resolves when the process has exited (with its code or the signal that ended it). */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** What the child wrote to stdout and stderr, for failure messages. */
  output = '';
  readonly #events: Envelope[] = [];
  readonly #waiters = new Set<() => void>();
  readonly #pending = new Map<number, (answer: Answer<unknown>) => void>();
  #nextId = 1;

  constructor(script: string, env: Record<string, string>) {
    this.process = fork(path.join(__dirname, script), [], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    const collect = (chunk: Buffer) => (this.output += chunk.toString('utf8'));
    this.process.stdout?.on('data', collect);
    this.process.stderr?.on('data', collect);
    this.exited = new Promise((resolve) => this.process.once('exit', (code, signal) => resolve({ code, signal })));
    this.process.on('message', (message: unknown) => {
      if (!isEnvelope(message)) return;
      if (message.type === 'answer' && typeof message.id === 'number') {
        this.#pending.get(message.id)?.(message['answer'] as Answer<unknown>);
        this.#pending.delete(message.id);
        return;
      }
      this.#events.push(message);
      for (const wake of this.#waiters) wake();
    });
    void this.exited.then(() => {
      for (const [id, settle] of this.#pending) settle({ ok: false, code: 'EXITED', message: `child exited before answering ${id}` });
      this.#pending.clear();
      for (const wake of this.#waiters) wake();
    });
  }

  /** The process id. */
  get pid(): number {
    return this.process.pid ?? -1;
  }

  /** Sends `{ op, …args }` and resolves with the child's answer (or `EXITED` if it dies first). */
  request<T>(op: string, args: Record<string, unknown> = {}): Promise<Answer<T>> {
    const id = this.#nextId++;
    return new Promise<Answer<T>>((resolve) => {
      this.#pending.set(id, resolve as (answer: Answer<unknown>) => void);
      this.process.send({ ...args, op, id });
    });
  }

  /** Resolves with the first event of `type` the child sent (kept from before the call too). */
  event(type: string, timeoutMs = 10_000): Promise<Envelope> {
    return new Promise<Envelope>((resolve, reject) => {
      const check = () => {
        const found = this.#events.find((event) => event.type === type);
        if (found) return finish(() => resolve(found));
        if (this.process.exitCode !== null || this.process.signalCode !== null) {
          return finish(() => reject(new Error(`child ${this.pid} exited before sending "${type}":\n${this.output}`)));
        }
      };
      const timer = setTimeout(() => finish(() => reject(new Error(`child ${this.pid} sent no "${type}" in ${timeoutMs} ms:\n${this.output}`))), timeoutMs);
      const finish = (settle: () => void) => {
        clearTimeout(timer);
        this.#waiters.delete(check);
        settle();
      };
      this.#waiters.add(check);
      check();
    });
  }

  /** Every event of `type` received so far. */
  events(type: string): Envelope[] {
    return this.#events.filter((event) => event.type === type);
  }

  /** Sends a signal (default SIGKILL) unless the child already exited, and waits for the exit. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (this.process.exitCode === null && this.process.signalCode === null) this.process.kill(signal);
    await this.exited;
  }
}

/** Forks `script` (next to this file) with `env` and waits for its `ready` event. */
export async function startChild(script: string, env: Record<string, string>): Promise<Child> {
  const child = new Child(script, env);
  await child.event('ready');
  return child;
}

/** Polls `condition` every 10 ms until it holds; rejects naming `what` after `timeoutMs`. */
export async function waitUntil(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** The value of an answer, or a failure that shows the child's error. */
export function valueOf<T>(answer: Answer<T>): T {
  if (!answer.ok) throw new Error(`the child failed: ${answer.code} ${answer.message}`);
  return answer.value;
}

/** One Redis deployment the several-process tests run on. */
export interface RedisShape {
  /** How test names call it: `one Redis`, `a Redis Cluster`. */
  readonly where: string;
  /** `describeRedis` or `describeRedisCluster`: runs the block, or skips it with a message. */
  readonly describe: (name: string, fn: () => void) => void;
  /** Where the test's own store connects. */
  target(): RedisTarget;
  /** What tells a child where to connect (`REDIS_URL`, or `REDIS_CLUSTER_NODES`, which wins in the children). */
  env(): Record<string, string>;
}

/** Every shape the several-process tests run on: the standalone Redis of `REDIS_URL`, and the Cluster of `REDIS_CLUSTER_NODES`. */
export const REDIS_SHAPES: readonly RedisShape[] = [
  {
    where: 'one Redis',
    describe: describeRedis,
    target: () => redisUrl(),
    env: () => ({ REDIS_URL: redisUrl(), REDIS_CLUSTER_NODES: '' }),
  },
  {
    where: 'a Redis Cluster',
    describe: describeRedisCluster,
    target: () => ({ cluster: redisClusterNodes() ?? [] }),
    env: () => ({ REDIS_CLUSTER_NODES: (redisClusterNodes() ?? []).join(',') }),
  },
];

/** Registers `fn` once per shape, as `<name> on one Redis` and `<name> on a Redis Cluster`, each gated by its shape. */
export function describeEachRedisShape(name: string, fn: (shape: RedisShape) => void): void {
  for (const shape of REDIS_SHAPES) shape.describe(`${name} on ${shape.where}`, () => fn(shape));
}

/** A Redis key prefix of this test file's own, a store on it for setup and assertions, and the cleanup. */
export interface RedisScope {
  /** The environment that points a child at the same Redis and prefix. */
  readonly env: Record<string, string>;
  readonly prefix: string;
  readonly store: RedisStore;
  /** Deletes every key under the prefix (on every master of a Cluster) and closes the store. */
  dispose(): Promise<void>;
}

export function redisScope(name: string, shape: RedisShape): RedisScope {
  const prefix = `wxopen-test:${name}:${randomBytes(6).toString('hex')}:`;
  const store = createRedisStore(shape.target(), { keyPrefix: prefix });
  return {
    env: { ...shape.env(), WXOPEN_TEST_KEY_PREFIX: prefix },
    prefix,
    store,
    async dispose() {
      const client = store.client;
      for (const node of client instanceof Cluster ? client.nodes('master') : [client]) {
        let cursor = '0';
        do {
          const [next, found] = await node.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
          cursor = next;
          // One key at a time: on a Cluster, keys of one node may lie in different slots.
          for (const key of found) await client.del(key);
        } while (cursor !== '0');
      }
      await store.close();
    },
  };
}
