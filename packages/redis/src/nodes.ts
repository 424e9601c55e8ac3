/** A Redis node's address: a Cluster startup node or a Sentinel. */
export interface RedisNodeAddress {
  readonly host: string;
  readonly port: number;
}

/**
 * Parses one `host:port` (`[::1]:7000` for IPv6). Throws a `TypeError` naming the entry and `what` (the option
 * or variable it came from) when it is not one.
 */
export function parseRedisNode(entry: string, what = 'a Redis node'): RedisNodeAddress {
  const text = entry.trim();
  const match = /^(?:\[([0-9A-Fa-f:.]+)\]|([^\s:[\]/@]+)):(\d{1,5})$/.exec(text);
  const port = Number(match?.[3]);
  if (!match || !Number.isInteger(port) || port < 1 || port > 65_535) {
    throw new TypeError(`wxopen: ${what} must be host:port (like 10.0.0.1:6379 or [::1]:6379), got "${text}"`);
  }
  return Object.freeze({ host: match[1] ?? match[2] ?? '', port });
}

/**
 * Parses a comma-separated node list such as `REDIS_CLUSTER_NODES=10.0.0.1:6379,10.0.0.2:6379` (spaces around
 * entries allowed, empty entries ignored). Throws a `TypeError` naming `what` when an entry is malformed or
 * the list is empty.
 */
export function parseRedisNodes(list: string, what = 'the Redis node list'): readonly RedisNodeAddress[] {
  const entries = list
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  if (entries.length === 0) throw new TypeError(`wxopen: ${what} must list at least one host:port, got "${list}"`);
  return Object.freeze(entries.map((entry) => parseRedisNode(entry, `each entry of ${what}`)));
}
