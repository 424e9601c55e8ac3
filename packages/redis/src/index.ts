export { RedisStore } from './store';
export type { RedisClient, RedisStoreOptions } from './store';
export { FAIL_FAST_CLUSTER_OPTIONS, FAIL_FAST_REDIS_OPTIONS, createRedisStore, describeRedisTarget } from './create';
export type { CreateRedisStoreOptions, RedisClusterTarget, RedisTarget } from './create';
export { RedisOutageLog, isOutageError } from './outage';
export type { RedisOutageLogOptions } from './outage';
export { parseRedisNode, parseRedisNodes } from './nodes';
export type { RedisNodeAddress } from './nodes';
export { redisLock } from './lock';
