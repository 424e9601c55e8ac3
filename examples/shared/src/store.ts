import type { Store } from '@wxopen/core';
import { FileStore } from '@wxopen/core';
import { createRedisStore } from '@wxopen/redis';
import type { ExampleConfig } from './config';

/** The store an example keeps its state in, and a description of it that holds no password. */
export interface ExampleStore {
  readonly store: Store;
  readonly description: string;
}

/**
 * Redis when `REDIS_URL` is set (several processes, several machines), else a file that keeps one process's
 * tickets, tokens and refresh tokens across restarts (`WXOPEN_STATE_FILE`).
 */
export function createStore(config: Pick<ExampleConfig, 'redisUrl' | 'stateFile'>): ExampleStore {
  if (config.redisUrl !== undefined) {
    const url = new URL(config.redisUrl);
    url.password = '';
    url.username = '';
    return { store: createRedisStore(config.redisUrl), description: `redis ${url.toString()}` };
  }
  return { store: new FileStore({ path: config.stateFile }), description: `file ${config.stateFile}` };
}
