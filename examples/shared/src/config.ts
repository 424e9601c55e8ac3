/**
 * The examples' configuration, read from the environment. One place for every example, so Express, Koa and
 * Fastify start the same way.
 */
import { parseRedisNodes } from '@wxopen/redis';
import type { RedisNodeAddress } from '@wxopen/redis';
import { WechatSimulator } from '@wxopen/testing';

/** The four credentials of a third-party platform, in the order they are reported. */
export const CREDENTIAL_VARIABLES = ['WECHAT_COMPONENT_APPID', 'WECHAT_COMPONENT_SECRET', 'WECHAT_TOKEN', 'WECHAT_AES_KEY'] as const;

export interface Credentials {
  readonly appId: string;
  readonly appSecret: string;
  readonly token: string;
  readonly encodingAESKey: string;
}

export interface ExampleConfig {
  /** `PORT`, default 3000 (0 picks a free port). */
  readonly port: number;
  /** `HOST`, default 127.0.0.1. */
  readonly host: string;
  readonly credentials: Credentials;
  /** True when no credential was set and local demo credentials were generated. */
  readonly demo: boolean;
  /** `WECHAT_API_BASE`, default https://api.weixin.qq.com: where the credential chain calls WeChat. */
  readonly apiBase: string;
  /** `WXOPEN_MAX_CLOCK_SKEW` in seconds (0 disables the check); `undefined` keeps the core's default (300). */
  readonly maxClockSkewSeconds: number | undefined;
  /** `REDIS_URL`: when set, state lives in Redis and any number of processes can serve the platform. */
  readonly redisUrl: string | undefined;
  /** `REDIS_CLUSTER_NODES` (`host:port,host:port,…`): state in a Redis Cluster instead. */
  readonly redisClusterNodes: readonly RedisNodeAddress[] | undefined;
  /** `REDIS_SENTINELS` (`host:port,…`) with `REDIS_SENTINEL_NAME` (the master's name): state in Redis behind Sentinel. */
  readonly redisSentinel: { readonly sentinels: readonly RedisNodeAddress[]; readonly name: string } | undefined;
  /** `WXOPEN_STATE_FILE`, default `.wxopen/state.json`: the single process's durable state when Redis is not used. */
  readonly stateFile: string;
}

/** A configuration the example refuses to start with; the message says what to set. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

type Env = Readonly<Record<string, string | undefined>>;

function read(env: Env, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function integer(env: Env, name: string, fallback: number | undefined, max = Number.MAX_SAFE_INTEGER): number | undefined {
  const raw = read(env, name);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) > max) throw new ConfigError(`${name} must be a whole number from 0 to ${max}, got "${raw}"`);
  return Number(raw);
}

function credentials(env: Env): { credentials: Credentials; demo: boolean } {
  const [appId, appSecret, token, encodingAESKey] = CREDENTIAL_VARIABLES.map((name) => read(env, name));
  if (appId === undefined && appSecret === undefined && token === undefined && encodingAESKey === undefined) {
    return { credentials: WechatSimulator.generateSecrets(), demo: true };
  }
  if (appId === undefined || appSecret === undefined || token === undefined || encodingAESKey === undefined) {
    const missing = CREDENTIAL_VARIABLES.filter((name) => read(env, name) === undefined);
    throw new ConfigError(
      `missing ${missing.join(', ')}. Set all of ${CREDENTIAL_VARIABLES.join(', ')} for a real platform, ` +
        'or none of them to run with generated local demo credentials.',
    );
  }
  return { credentials: { appId, appSecret, token, encodingAESKey }, demo: false };
}

type RedisSettings = Pick<ExampleConfig, 'redisUrl' | 'redisClusterNodes' | 'redisSentinel'>;

function nodes(env: Env, name: string): readonly RedisNodeAddress[] | undefined {
  const raw = read(env, name);
  if (raw === undefined) return undefined;
  try {
    return parseRedisNodes(raw, name);
  } catch {
    throw new ConfigError(`${name} must be host:port entries separated by commas (10.0.0.1:6379,10.0.0.2:6379), got "${raw}"`);
  }
}

/** At most one Redis: a URL, a Cluster or Sentinel. Several at once is refused rather than guessed between. */
function redis(env: Env): RedisSettings {
  const redisUrl = read(env, 'REDIS_URL');
  if (redisUrl !== undefined && !/^rediss?:\/\/[^/\s]/.test(redisUrl)) throw new ConfigError('REDIS_URL must be a redis:// or rediss:// URL');
  const redisClusterNodes = nodes(env, 'REDIS_CLUSTER_NODES');
  const sentinels = nodes(env, 'REDIS_SENTINELS');
  const sentinelName = read(env, 'REDIS_SENTINEL_NAME');
  if ((sentinels === undefined) !== (sentinelName === undefined)) {
    throw new ConfigError('REDIS_SENTINELS must come with REDIS_SENTINEL_NAME (the name of the master the sentinels watch), and the other way round');
  }
  const chosen = Object.entries({ REDIS_URL: redisUrl, REDIS_CLUSTER_NODES: redisClusterNodes, REDIS_SENTINELS: sentinels })
    .filter(([, value]) => value !== undefined)
    .map(([name]) => name);
  if (chosen.length > 1) throw new ConfigError(`set only one of ${chosen.join(', ')}: they name different Redis deployments`);
  return {
    redisUrl,
    redisClusterNodes,
    redisSentinel: sentinels === undefined || sentinelName === undefined ? undefined : { sentinels, name: sentinelName },
  };
}

/** Reads the configuration from `env`. Throws a `ConfigError` naming what is missing or malformed. */
export function loadConfig(env: Env = process.env): ExampleConfig {
  const apiBase = read(env, 'WECHAT_API_BASE') ?? 'https://api.weixin.qq.com';
  if (!/^https?:\/\/[^/\s]+/.test(apiBase)) throw new ConfigError(`WECHAT_API_BASE must be an http(s) URL, got "${apiBase}"`);
  return {
    port: integer(env, 'PORT', 3000, 65_535) as number,
    host: read(env, 'HOST') ?? '127.0.0.1',
    ...credentials(env),
    apiBase,
    maxClockSkewSeconds: integer(env, 'WXOPEN_MAX_CLOCK_SKEW', undefined),
    ...redis(env),
    stateFile: read(env, 'WXOPEN_STATE_FILE') ?? '.wxopen/state.json',
  };
}
