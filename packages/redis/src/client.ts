import type { Cluster, Redis } from 'ioredis';

/** An ioredis client: standalone or Sentinel (`Redis`) or a `Cluster`. */
export type RedisClient = Redis | Cluster;
