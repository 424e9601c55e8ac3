export { RedisStore } from './store';
export type { RedisClient, RedisStoreOptions } from './store';
export { createRedisStore } from './create';
export { redisLock } from './lock';
