import { Cluster, Redis } from 'ioredis';
import type { ClusterOptions, RedisOptions } from 'ioredis';
import { parseRedisNode } from './nodes';
import type { RedisNodeAddress } from './nodes';
import { RedisOutageLog } from './outage';
import { RedisStore } from './store';
import type { RedisClient } from './client';
import type { RedisStoreOptions } from './store';

/** A Redis Cluster, by a few of its nodes (the client discovers the others). */
export interface RedisClusterTarget {
  /** Startup nodes: `"host:port"` strings (as `parseRedisNodes` returns them too) or `{ host, port }`. */
  readonly cluster: readonly (string | RedisNodeAddress)[];
  /** ioredis `ClusterOptions` over the fail-fast defaults; its `redisOptions` apply to every node connection. */
  readonly clusterOptions?: ClusterOptions;
}

/**
 * Where `createRedisStore` connects:
 * - a URL: `redis://[[user]:password@]host[:port][/db]`, `rediss://…` for TLS;
 * - ioredis `RedisOptions`: `{ host, port, password, … }`, or Sentinel: `{ sentinels: [{ host, port }], name: 'mymaster' }`;
 * - a Cluster: `{ cluster: ['10.0.0.1:6379', …], clusterOptions? }`.
 */
export type RedisTarget = string | RedisOptions | RedisClusterTarget;

export interface CreateRedisStoreOptions extends Omit<RedisStoreOptions, 'ownsClient' | 'outageLog'> {
  /**
   * Where the outage lines go: one when Redis becomes unreachable (with the cause's message), one when it is back
   * (default `console.warn`; `false` for none). Each starts with `[wxopen] redis <deployment>`; none holds a password.
   */
  readonly log?: ((line: string) => void) | false;
  /**
   * ioredis options over the fail-fast defaults: the connection's for a URL, each node connection's for a
   * Cluster. An options target (standalone or Sentinel) carries its own and wins over these.
   */
  readonly redisOptions?: RedisOptions;
}

/**
 * What every connection gets unless told otherwise, so that an outage costs a caller about a second, not the
 * 20 reconnection attempts (tens of seconds) of ioredis' defaults:
 * - `commandTimeout` 1000 ms: a command with no answer (a stopped or stuck server) rejects;
 * - `maxRetriesPerRequest` 0: when the connection drops, the commands waiting on it reject at once;
 * - `autoResendUnfulfilledCommands` false: a command its caller was told had failed is not sent again later;
 * - `connectTimeout` 1000 ms, and reconnection every 50–500 ms, so the store is back soon after Redis is;
 * - `disconnectTimeout` 500 ms: `close()` drops a connection the server does not close within that.
 * The offline queue stays on until the first connection is ready (commands issued at start wait for it, up to
 * `commandTimeout`) and is turned off after: during an outage commands fail at once instead of queueing.
 */
export const FAIL_FAST_REDIS_OPTIONS: Readonly<RedisOptions> = Object.freeze({
  commandTimeout: 1_000,
  connectTimeout: 1_000,
  maxRetriesPerRequest: 0,
  autoResendUnfulfilledCommands: false,
  disconnectTimeout: 500,
  retryStrategy: (attempt: number) => Math.min(50 * attempt, 500),
});

/**
 * The Cluster's share of the same: reconnection every 100–1000 ms, and short pauses between its retries of a
 * command during a failover, so that a command gives up within about a second (`maxRedirections` 16 × 50 ms).
 */
export const FAIL_FAST_CLUSTER_OPTIONS: Readonly<ClusterOptions> = Object.freeze({
  clusterRetryStrategy: (attempt: number) => Math.min(100 * attempt, 1_000),
  retryDelayOnFailover: 50,
  retryDelayOnClusterDown: 50,
  retryDelayOnTryAgain: 50,
  slotsRefreshTimeout: 1_000,
});

function isClusterTarget(target: RedisTarget): target is RedisClusterTarget {
  return typeof target === 'object' && target !== null && 'cluster' in target;
}

function clusterNodes(target: RedisClusterTarget): RedisNodeAddress[] {
  if (!Array.isArray(target.cluster) || target.cluster.length === 0) {
    throw new TypeError('wxopen: createRedisStore `cluster` must list at least one node, e.g. { cluster: ["10.0.0.1:6379"] }');
  }
  return target.cluster.map((node: string | RedisNodeAddress) => {
    if (typeof node === 'string') return parseRedisNode(node, 'each entry of `cluster`');
    if (typeof node?.host === 'string' && Number.isInteger(node.port)) return { host: node.host, port: node.port };
    throw new TypeError('wxopen: each entry of `cluster` must be "host:port" or { host, port }');
  });
}

function checkUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TypeError('wxopen: createRedisStore needs a redis:// or rediss:// URL, ioredis options or { cluster: [...] }; the URL given does not parse');
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new TypeError(`wxopen: createRedisStore needs a redis:// or rediss:// URL (got a ${parsed.protocol} URL)`);
  }
  return parsed;
}

/**
 * How the outage lines and the examples name a deployment, without user name or password:
 * `redis://10.0.0.1:6379/2`, `sentinel mymaster via 10.0.0.1:26379,…`, `cluster 10.0.0.1:6379,…`.
 */
export function describeRedisTarget(target: RedisTarget): string {
  if (typeof target === 'string') {
    const url = checkUrl(target);
    url.username = '';
    url.password = '';
    return url.toString();
  }
  if (isClusterTarget(target)) return `cluster ${clusterNodes(target).map(address).join(',')}`;
  if (target.sentinels && target.sentinels.length > 0) {
    return `sentinel ${target.name ?? 'mymaster'} via ${target.sentinels.map((s) => address({ host: s.host ?? 'localhost', port: s.port ?? 26379 })).join(',')}`;
  }
  if (target.path) return `unix:${target.path}`;
  return `${address({ host: target.host ?? 'localhost', port: target.port ?? 6379 })}${target.db ? `/${target.db}` : ''}`;
}

function address(node: RedisNodeAddress): string {
  return node.host.includes(':') ? `[${node.host}]:${node.port}` : `${node.host}:${node.port}`;
}

/** Passwords that must never reach a log line, should a server or ioredis repeat one in a message. */
function secretsOf(target: RedisTarget, redisOptions: RedisOptions | undefined): string[] {
  const found = [redisOptions?.password, redisOptions?.sentinelPassword];
  if (typeof target === 'string') found.push(decodeURIComponent(new URL(target).password));
  else if (isClusterTarget(target)) found.push(target.clusterOptions?.redisOptions?.password);
  else found.push(target.password, target.sentinelPassword);
  return found.filter((secret): secret is string => typeof secret === 'string' && secret !== '');
}

/** Connects as the target says, with the fail-fast defaults under the caller's options. */
function connect(target: RedisTarget, redisOptions: RedisOptions | undefined): RedisClient {
  if (typeof target === 'string') {
    checkUrl(target);
    return new Redis(target, { ...FAIL_FAST_REDIS_OPTIONS, ...redisOptions });
  }
  if (isClusterTarget(target)) {
    const nodes = clusterNodes(target);
    const clusterOptions = target.clusterOptions ?? {};
    return new Cluster(nodes, {
      ...FAIL_FAST_CLUSTER_OPTIONS,
      ...clusterOptions,
      redisOptions: { ...FAIL_FAST_REDIS_OPTIONS, ...redisOptions, ...clusterOptions.redisOptions },
    });
  }
  return new Redis({ ...FAIL_FAST_REDIS_OPTIONS, ...redisOptions, ...target });
}

/** Turns the offline queue off once the first connection is ready (see `FAIL_FAST_REDIS_OPTIONS`). */
function stopQueueingOnceConnected(client: RedisClient, userChoice: boolean | undefined): void {
  if (userChoice !== undefined) return; // the caller decided
  client.once('ready', () => {
    client.options.enableOfflineQueue = false;
  });
}

function queueChoice(target: RedisTarget, redisOptions: RedisOptions | undefined): boolean | undefined {
  if (isClusterTarget(target)) return target.clusterOptions?.enableOfflineQueue;
  if (typeof target === 'string') return redisOptions?.enableOfflineQueue;
  return target.enableOfflineQueue ?? redisOptions?.enableOfflineQueue;
}

/**
 * A `RedisStore` on a client of its own, which `close()` quits. The target is a URL, ioredis options
 * (standalone or Sentinel) or `{ cluster: [...] }` (see `RedisTarget`). The client fails fast
 * (`FAIL_FAST_REDIS_OPTIONS`): during an outage store calls reject with `ERR_STORE` within about a second,
 * and the outage is reported in two lines (see `CreateRedisStoreOptions.log`), not a stack trace per retry.
 */
export function createRedisStore(target: RedisTarget | undefined, options: CreateRedisStoreOptions = {}): RedisStore {
  const { log, redisOptions, ...storeOptions } = options;
  // `undefined` is accepted so that `createRedisStore(process.env.REDIS_URL)` compiles under `strict`, and fails here
  // with the fix instead of ioredis quietly connecting to localhost.
  if (target === undefined) {
    throw new TypeError('wxopen: createRedisStore(url) got undefined: set REDIS_URL (for example redis://127.0.0.1:6379), or pass a URL or ioredis options');
  }
  if (typeof target !== 'string' && (typeof target !== 'object' || target === null)) {
    throw new TypeError('wxopen: createRedisStore needs a redis:// URL, ioredis options ({ host, port } or { sentinels, name }) or { cluster: [...] }');
  }
  if (log !== undefined && log !== false && typeof log !== 'function') {
    throw new TypeError('wxopen: option `log` must be a function that takes a line, or false');
  }
  const name = describeRedisTarget(target);
  const client = connect(target, redisOptions);
  stopQueueingOnceConnected(client, queueChoice(target, redisOptions));
  const outageLog = new RedisOutageLog({ name, log: log === false ? () => undefined : log, secrets: secretsOf(target, redisOptions) });
  outageLog.watch(client);
  return new RedisStore(client, { ...storeOptions, ownsClient: true, outageLog });
}
