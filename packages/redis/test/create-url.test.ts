import { createRedisStore } from '@wxopen/redis';

describe('createRedisStore', () => {
  test('an unset REDIS_URL is a TypeError that names REDIS_URL, before any connection is made', () => {
    const url: string | undefined = undefined; // as process.env.REDIS_URL is when the variable is unset
    expect(() => createRedisStore(url)).toThrow(TypeError);
    expect(() => createRedisStore(url)).toThrow(/REDIS_URL/);
  });
});
