export * from './callback';
export * from './store-conformance';
export * from './redis-available';
export * from './fake-wechat';
export { RespError, freePort, redisServerBinary, respCommand, startRedisCluster, startRedisSentinel, startRedisServer } from './redis-server';
export type {
  RedisCluster,
  RedisClusterOptions,
  RedisSentinel,
  RedisSentinelOptions,
  RedisServer,
  RedisServerOptions,
  RedisServerState,
  RespCommandOptions,
  RespValue,
} from './redis-server';
