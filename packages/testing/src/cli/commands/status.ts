/**
 * `wxopen status`: what a store holds for one component — verify ticket, component token, queued
 * authorization codes, and each authorizer's access token and refresh token — as presence and times only.
 * It reads a `FileStore` state file or Redis (standalone or Cluster) and never prints a token, ticket,
 * refresh token or authorization code.
 */
import type { Command, Parsed } from '../args';
import { atMost, integerOption, parseCommand } from '../args';
import { COMPONENT_APPID, credential } from '../credentials';
import { EXIT_OK, UsageError } from '../errors';
import type { Io } from '../io';
import { collectStatus } from '../status/collect';
import { openStateFile } from '../status/file-reader';
import type { StateReader } from '../status/reader';
import { openRedis, parseNodes } from '../status/redis-reader';
import { renderStatus, statusJson } from '../status/render';

const DEFAULT_STATE_FILE = '.wxopen/state.json';
const DEFAULT_KEY_PREFIX = 'wxopen:';

const OPTIONS = {
  file: { type: 'string' },
  redis: { type: 'string' },
  cluster: { type: 'string' },
  sentinels: { type: 'string' },
  'sentinel-name': { type: 'string' },
  'key-prefix': { type: 'string' },
  appid: { type: 'string' },
  'component-appid': { type: 'string' },
  json: { type: 'boolean' },
  timeout: { type: 'string' },
} as const;

type Values = Parsed<typeof OPTIONS>['values'];

/** A redis:// or rediss:// URL, refused otherwise without quoting it (it may hold a password). */
function redisUrl(raw: string, from: string): string {
  if (!/^rediss?:\/\/[^\s]+$/.test(raw)) throw new UsageError(`status: ${from} must be a redis:// or rediss:// URL`);
  return raw;
}

/** Which store: the one given by flags, else the one the environment names as the examples read it. */
async function openStore(values: Values, io: Io, timeoutMs: number): Promise<StateReader> {
  const keyPrefix = values['key-prefix'] ?? DEFAULT_KEY_PREFIX;
  const now = () => Date.now();
  if ((values.sentinels === undefined) !== (values['sentinel-name'] === undefined)) {
    throw new UsageError('status: --sentinels and --sentinel-name go together');
  }
  const given = (['file', 'redis', 'cluster', 'sentinels'] as const).filter((name) => values[name] !== undefined);
  if (given.length > 1) throw new UsageError(`status: give one store, not ${given.map((n) => `--${n}`).join(' and ')}`);
  if (values.file !== undefined) return openStateFile(values.file, now);
  if (values.redis !== undefined) return openRedis({ url: redisUrl(values.redis, '--redis') }, keyPrefix, timeoutMs);
  if (values.cluster !== undefined) return openRedis({ nodes: parseNodes(values.cluster, '--cluster') }, keyPrefix, timeoutMs);
  if (values.sentinels !== undefined && values['sentinel-name'] !== undefined) {
    return openRedis({ sentinels: parseNodes(values.sentinels, '--sentinels'), name: values['sentinel-name'] }, keyPrefix, timeoutMs);
  }

  const env = (name: string) => (io.env[name]?.trim() ? io.env[name]?.trim() : undefined);
  const [url, clusterNodes, sentinels, sentinelName] = ['REDIS_URL', 'REDIS_CLUSTER_NODES', 'REDIS_SENTINELS', 'REDIS_SENTINEL_NAME'].map(env);
  if ((sentinels === undefined) !== (sentinelName === undefined)) {
    throw new UsageError('status: REDIS_SENTINELS must come with REDIS_SENTINEL_NAME, and the other way round');
  }
  const chosen = Object.entries({ REDIS_URL: url, REDIS_CLUSTER_NODES: clusterNodes, REDIS_SENTINELS: sentinels }).filter(([, v]) => v !== undefined);
  if (chosen.length > 1) {
    throw new UsageError(`status: ${chosen.map(([name]) => name).join(' and ')} are set; say which store with --redis, --cluster or --sentinels`);
  }
  if (url !== undefined) return openRedis({ url: redisUrl(url, 'REDIS_URL') }, keyPrefix, timeoutMs);
  if (clusterNodes !== undefined) return openRedis({ nodes: parseNodes(clusterNodes, 'REDIS_CLUSTER_NODES') }, keyPrefix, timeoutMs);
  if (sentinels !== undefined && sentinelName !== undefined) {
    return openRedis({ sentinels: parseNodes(sentinels, 'REDIS_SENTINELS'), name: sentinelName }, keyPrefix, timeoutMs);
  }
  return openStateFile(env('WXOPEN_STATE_FILE') ?? DEFAULT_STATE_FILE, now);
}

export const status: Command = {
  name: 'status',
  summary: 'show what a file or Redis store holds for a component (times and presence, never a secret)',
  help: `usage: wxopen status [--file <state.json> | --redis <url> | --cluster <host:port,…>
                      | --sentinels <host:port,…> --sentinel-name <name>] [--appid <component appid>]

Shows what a store holds for one component: whether a verify ticket (and the previous one) is kept, the
component token's expiry, authorization codes waiting for their exchange, and for each authorizer its original
id, whether its refresh token is kept and its access token's expiry. Never prints a token, ticket, refresh
token or authorization code. Exit code 0 when the store was read, 1 when it could not be.

The store, as the examples choose it: the one given by flags, else the Redis that REDIS_URL,
REDIS_CLUSTER_NODES or REDIS_SENTINELS with REDIS_SENTINEL_NAME names (only one of them), else the state file
WXOPEN_STATE_FILE (default ${DEFAULT_STATE_FILE}).

Options:
  --file <path>              a FileStore state file (read without its lock: fine while a platform runs)
  --redis <url>              redis://[user:password@]host:port/db, rediss:// for TLS
  --cluster <host:port,…>    some nodes of a Redis Cluster
  --sentinels <host:port,…>  Redis Sentinels, with --sentinel-name <name>: the master they watch
  --key-prefix <prefix>      the RedisStore keyPrefix (default ${DEFAULT_KEY_PREFIX})
  --appid <wx…>              the component (third-party platform) appid (default: WECHAT_COMPONENT_APPID);
                             --component-appid is the same
  --json                     print the report as JSON (times in ISO 8601)
  --timeout <s>              seconds to wait for Redis (default 5)
  -h, --help`,
  async run(argv, io) {
    const { values, positionals } = parseCommand('status', argv, OPTIONS);
    atMost('status', positionals, 0);
    if (values.appid !== undefined && values['component-appid'] !== undefined && values.appid !== values['component-appid']) {
      throw new UsageError('status: --appid and --component-appid name the same thing; give one');
    }
    const appId = credential(COMPONENT_APPID, values.appid ?? values['component-appid'], io.env);
    if (appId === undefined) throw new UsageError('status: say which component with --appid or WECHAT_COMPONENT_APPID');
    const timeoutMs = integerOption('status', 'timeout', values.timeout, 5, 1, 600) * 1000;
    const reader = await openStore(values, io, timeoutMs);
    try {
      const report = await collectStatus(reader, appId.value, Date.now());
      if (values.json === true) io.out(statusJson(report));
      else for (const line of renderStatus(report)) io.out(line);
    } finally {
      await reader.close();
    }
    return EXIT_OK;
  },
};
