import { Cluster } from 'ioredis';
import type { Redis } from 'ioredis';
import type { RedisClient } from './client';

export interface RedisOutageLogOptions {
  /** What the lines call the deployment, e.g. `redis://10.0.0.1:6379/0` or `cluster 10.0.0.1:6379,…`. No password. */
  readonly name: string;
  /** Where the lines go (default `console.warn`). */
  readonly log?: (line: string) => void;
  /** Strings masked as `***` in the causes' messages (passwords; those shorter than 4 characters are left alone). */
  readonly secrets?: readonly string[];
  /** While down, how often the connection is probed with PING, in ms (default 500). */
  readonly probeIntervalMs?: number;
}

/** Server replies that mean "unavailable" rather than "your command was wrong". */
const UNAVAILABLE_REPLY = /^(CLUSTERDOWN|LOADING|MASTERDOWN|READONLY|BUSY|TRYAGAIN)\b/;

/** Whether `error` says the deployment cannot serve (a connection, a timeout, a failover), not that a command was wrong. */
export function isOutageError(error: unknown): boolean {
  // ioredis rejects a command the server refused with a ReplyError (from redis-errors).
  if (nameOf(error) === 'ReplyError') return UNAVAILABLE_REPLY.test(messageOf(error));
  return true;
}

// Duck-typed rather than `instanceof Error`: errors of node:net come from another realm under jest's sandbox.
function nameOf(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && typeof (error as { name?: unknown }).name === 'string' ? (error as { name: string }).name : undefined;
}

function messageOf(error: unknown): string {
  if (typeof error === 'object' && error !== null && typeof (error as { message?: unknown }).message === 'string') return (error as { message: string }).message;
  return String(error);
}

/** ioredis' own wording for "not connected, and not queueing" (we turn the queue off after the first connection). */
const NOT_QUEUEING = /enableOfflineQueue options is false|Cluster isn't ready/;

/**
 * Turns the many errors of a Redis outage into two lines: one when it starts (with the first cause's message)
 * and one when it ends (with its duration and how many commands failed meanwhile), prefixed `[wxopen] redis`.
 * Never a stack, never a line per retry, never a password.
 *
 * It hears of an outage from the client (`error` and, on a Cluster, `node error` events — listening to them
 * also keeps ioredis from printing "Unhandled error event" stacks) and from the store, whose failed commands
 * it is told of: a server that stops answering without closing the connection raises no event at all. It
 * hears of the end from the client's `ready` event, or from a PING probe it runs while down (every master, on a
 * Cluster, and every slot must have one).
 */
export class RedisOutageLog {
  readonly name: string;
  readonly #log: (line: string) => void;
  readonly #secrets: readonly string[];
  readonly #probeIntervalMs: number;
  #client: RedisClient | undefined;
  #detach: (() => void) | undefined;
  #downSince: number | undefined;
  #failures = 0;
  #probe: NodeJS.Timeout | undefined;
  #probing = false;
  #closed = false;

  constructor(options: RedisOutageLogOptions) {
    if (typeof options?.name !== 'string' || options.name === '') throw new TypeError('wxopen: RedisOutageLog needs a `name` for its lines, e.g. the host');
    if (options.log !== undefined && typeof options.log !== 'function') throw new TypeError('wxopen: option `log` must be a function that takes a line');
    this.name = options.name;
    this.#log = options.log ?? ((line) => console.warn(line));
    this.#secrets = (options.secrets ?? []).filter((secret) => typeof secret === 'string' && secret.length >= 4);
    this.#probeIntervalMs = options.probeIntervalMs ?? 500;
  }

  /** Whether an outage is going on. */
  get down(): boolean {
    return this.#downSince !== undefined;
  }

  /** Listens to `client` (one client per log) until `close()`. */
  watch(client: RedisClient): void {
    if (this.#client) throw new TypeError('wxopen: a RedisOutageLog watches one client');
    this.#client = client;
    const onError = (error: unknown) => this.#wentDown(error);
    const onNodeError = (error: unknown, node: unknown) => this.#wentDown(error, typeof node === 'string' ? node : undefined);
    const onReady = () => this.#cameBack();
    const onEnd = () => this.close();
    client.on('error', onError);
    client.on('ready', onReady);
    client.on('end', onEnd);
    if (client instanceof Cluster) client.on('node error', onNodeError);
    this.#detach = () => {
      client.off('error', onError);
      client.off('ready', onReady);
      client.off('end', onEnd);
      client.off('node error', onNodeError);
    };
  }

  /** Told by the store of a command that failed; a refusal by the server (WRONGTYPE, …) is not an outage. */
  commandFailed(error: unknown): void {
    if (!isOutageError(error)) return;
    this.#wentDown(error);
    this.#failures++;
  }

  /** Stops listening and probing; logs nothing more. */
  close(): void {
    this.#closed = true;
    this.#detach?.();
    this.#detach = undefined;
    this.#stopProbe();
  }

  #wentDown(error: unknown, node?: string): void {
    if (this.#closed || this.#downSince !== undefined) return;
    this.#downSince = Date.now();
    this.#failures = 0;
    this.#log(`[wxopen] redis ${this.name} down: ${node ? `${node}: ` : ''}${this.#message(error)}`);
    if (this.#client) {
      this.#probe = setInterval(() => void this.#runProbe(), this.#probeIntervalMs);
      this.#probe.unref();
    }
  }

  #cameBack(): void {
    if (this.#closed || this.#downSince === undefined) return;
    const seconds = ((Date.now() - this.#downSince) / 1000).toFixed(1);
    const failed = this.#failures === 1 ? '1 command failed' : `${this.#failures} commands failed`;
    this.#downSince = undefined;
    this.#stopProbe();
    this.#log(`[wxopen] redis ${this.name} back up after ${seconds} s (${failed})`);
  }

  #stopProbe(): void {
    if (this.#probe) clearInterval(this.#probe);
    this.#probe = undefined;
  }

  async #runProbe(): Promise<void> {
    const client = this.#client;
    if (this.#probing || !client) return;
    this.#probing = true;
    try {
      if (await answers(client)) this.#cameBack();
    } finally {
      this.#probing = false;
    }
  }

  /** The cause's message, on one line, without secrets. */
  #message(error: unknown): string {
    let text = messageOf(error);
    if (NOT_QUEUEING.test(text)) text = 'not connected';
    for (const secret of this.#secrets) text = text.split(secret).join('***');
    return text.replace(/\s+/g, ' ').trim() || 'unknown error';
  }
}

/** PING answered: by the client, or on a Cluster by every master, with every slot served by one of them. */
async function answers(client: RedisClient): Promise<boolean> {
  try {
    if (!(client instanceof Cluster)) return (await (client as Redis).ping()) === 'PONG';
    const masters = client.nodes('master');
    if (masters.length === 0) return false;
    const serving = new Set(masters.map((node) => `${node.options.host ?? ''}:${node.options.port ?? ''}`));
    for (const owners of client.slots) if (!owners?.[0] || !serving.has(owners[0])) return false;
    const pongs = await Promise.all(masters.map((node) => node.ping()));
    return pongs.every((pong) => pong === 'PONG');
  } catch {
    return false;
  }
}
