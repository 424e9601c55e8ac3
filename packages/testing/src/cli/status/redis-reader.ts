/**
 * Reads a component's keys from Redis (standalone, or a Cluster) the way `RedisStore` writes them:
 * `<keyPrefix><core key>`, every key of a component under its hash tag `{<appid>}`. Listing the authorizers
 * needs `SCAN`, which on a Cluster runs on one node: the master serving the tag's slot, where all the
 * component's keys are. Values that must not be read (refresh tokens, tickets) are only checked with `EXISTS`,
 * and neither `EXISTS` nor `OBJECT IDLETIME` changes a key's idle time.
 *
 * ioredis is an optional peer dependency of `@wxopen/testing`: loaded only here.
 */
import type * as Ioredis from 'ioredis';
import type { Cluster, Redis } from 'ioredis';
import { CliError } from '../errors';
import { cannotReach } from '../network';
import type { StateReader } from './reader';

export interface RedisNode {
  readonly host: string;
  readonly port: number;
}

/** A standalone Redis by URL, a Cluster by some of its nodes, or the master a Sentinel names. */
export type RedisTarget =
  | { readonly url: string }
  | { readonly nodes: readonly RedisNode[] }
  | { readonly sentinels: readonly RedisNode[]; readonly name: string };

/** `host:port,host:port` (IPv6 as `[::1]:7000`), as `REDIS_CLUSTER_NODES` holds them. */
export function parseNodes(raw: string, what: string): RedisNode[] {
  // Messages name `what` (an option or variable) and quote only the entry that is wrong: a node list holds no secret.
  const nodes = raw
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
  if (nodes.length === 0) throw new CliError(`status: ${what} lists no node; give host:port,host:port`);
  return nodes.map((node) => {
    const match = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(node);
    const port = Number(match?.[3]);
    if (!match || port < 1 || port > 65_535) throw new CliError(`status: ${what} must list host:port entries, got "${node}"`);
    return { host: (match[1] ?? match[2]) as string, port };
  });
}

const address = (node: RedisNode) => (node.host.includes(':') ? `[${node.host}]:${node.port}` : `${node.host}:${node.port}`);

/** The target without user name or password. */
export function describeTarget(target: RedisTarget): string {
  if ('nodes' in target) return `cluster ${target.nodes.map(address).join(',')}`;
  if ('sentinels' in target) return `sentinel ${target.name} via ${target.sentinels.map(address).join(',')}`;
  try {
    const url = new URL(target.url);
    url.username = '';
    url.password = '';
    return url.toString();
  } catch {
    return '(unparsable Redis URL)';
  }
}

async function loadIoredis(): Promise<Pick<typeof Ioredis, 'Redis' | 'Cluster'>> {
  try {
    return await import('ioredis');
  } catch {
    throw new CliError('status: reading Redis needs the ioredis package (npm install ioredis)');
  }
}

/** `*`, `?`, `[`, `]` and `\` match literally in a SCAN pattern. */
const globEscape = (text: string) => text.replace(/[*?[\]\\]/g, '\\$&');

async function scanNode(node: Redis, pattern: string): Promise<string[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    keys.push(...batch);
    cursor = next;
  } while (cursor !== '0');
  return keys;
}

/** The nodes to SCAN for keys in the slot of `sampleKey`: the master serving it (every master if unknown). */
async function nodesFor(cluster: Cluster, sampleKey: string): Promise<Redis[]> {
  const masters = cluster.nodes('master');
  const slot = Number(await cluster.call('CLUSTER', 'KEYSLOT', sampleKey));
  const owner = cluster.slots[slot]?.[0];
  const found = masters.find((node) => `${node.options.host}:${node.options.port}` === owner);
  return found ? [found] : masters;
}

/** Connects to the target; a connection failure is `cannot reach <target>: <reason>`. */
export async function openRedis(target: RedisTarget, keyPrefix: string, timeoutMs: number): Promise<StateReader> {
  const { Redis, Cluster } = await loadIoredis();
  const description = describeTarget(target);
  const nodeOptions = { connectTimeout: timeoutMs, commandTimeout: timeoutMs, maxRetriesPerRequest: 0, retryStrategy: () => null, lazyConnect: true };
  let lastError: unknown;
  let client: Redis | Cluster;
  if ('nodes' in target) {
    client = new Cluster(
      target.nodes.map((n) => ({ host: n.host, port: n.port })),
      { lazyConnect: true, enableAutoPipelining: true, clusterRetryStrategy: () => null, slotsRefreshTimeout: timeoutMs, redisOptions: nodeOptions },
    );
  } else if ('sentinels' in target) {
    const sentinels = target.sentinels.map((n) => ({ host: n.host, port: n.port }));
    client = new Redis({ ...nodeOptions, sentinels, name: target.name, sentinelRetryStrategy: () => null, enableAutoPipelining: true });
  } else {
    client = new Redis(target.url, { ...nodeOptions, enableAutoPipelining: true });
  }
  client.on('error', (error: unknown) => (lastError = error));
  client.on('node error', (error: unknown) => (lastError = error));
  try {
    await client.connect();
  } catch (error) {
    client.disconnect();
    throw cannotReach(description, lastError ?? error);
  }
  const full = (key: string) => keyPrefix + key;
  const failed = (error: unknown): never => {
    throw new CliError(`status: ${description}: ${error instanceof Error ? error.message : String(error)}`);
  };
  return {
    description: 'url' in target ? description : `redis ${description}`,
    get: (key) => client.get(full(key)).then((value) => value ?? undefined, failed),
    has: (key) => client.exists(full(key)).then((count) => count > 0, failed),
    async keysWithPrefix(prefix) {
      const pattern = `${globEscape(full(prefix))}*`;
      try {
        const nodes = client instanceof Cluster ? await nodesFor(client, full(prefix)) : [client];
        const keys = (await Promise.all(nodes.map((node) => scanNode(node, pattern)))).flat();
        return [...new Set(keys)].map((key) => key.slice(keyPrefix.length));
      } catch (error) {
        return failed(error);
      }
    },
    async idleMs(key) {
      try {
        const seconds = await client.object('IDLETIME', full(key));
        return typeof seconds === 'number' ? seconds * 1000 : undefined;
      } catch {
        return undefined; // an LFU eviction policy keeps no idle time
      }
    },
    async close() {
      await client.quit().catch(() => client.disconnect());
    },
  };
}
