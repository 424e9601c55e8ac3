/**
 * Three real processes on one Redis ask for the component token while WeChat fails: a hung upstream costs one
 * timeout and one upstream attempt in all (the lock holder's failure is shared with the processes waiting for its
 * lock), and a transient 502 costs one retry in all. Children run the BUILT packages (`npx tsc -b` first).
 */
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { ComponentCredentials } from '@wxopen/core';
import { createRedisStore } from '@wxopen/redis';
import type { RedisStore } from '@wxopen/redis';
import { describeRedis, redisUrl, startFakeWechat } from '@wxopen/testing';
import type { FakeWechat } from '@wxopen/testing';

jest.setTimeout(30_000);

type Answer = { ok: true; value: string } | { ok: false; code: string };

interface TokenChild {
  readonly process: ChildProcess;
  componentToken(): Promise<Answer>;
}

const TIMEOUT_MS = 1500;

function startChild(env: Record<string, string>): Promise<TokenChild> {
  const child = fork(join(__dirname, 'token-child.mjs'), [], { env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const pending = new Map<number, (answer: Answer) => void>();
  let nextId = 1;
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`token child exited (${String(code)}) before it was ready`)));
    child.on('message', (message: { type: string; id?: number; answer?: Answer }) => {
      if (message.type === 'ready') {
        resolve({
          process: child,
          componentToken: () =>
            new Promise<Answer>((done) => {
              const id = nextId++;
              pending.set(id, done);
              child.send({ id, op: 'componentToken' });
            }),
        });
      }
      if (message.type === 'answer' && message.id !== undefined && message.answer) pending.get(message.id)?.(message.answer);
    });
  });
}

describeRedis('the component token across 3 processes when WeChat fails', () => {
  let fake: FakeWechat;
  let store: RedisStore;
  let prefix: string;
  let children: TokenChild[] = [];

  beforeEach(async () => {
    fake = await startFakeWechat();
    prefix = `wxopen-test:hung-upstream:${randomBytes(6).toString('hex')}:`;
    store = createRedisStore(redisUrl(), { keyPrefix: prefix });
    const parent = new ComponentCredentials({ appId: fake.componentAppId, appSecret: fake.componentAppSecret, store, apiBase: fake.url });
    await parent.saveVerifyTicket(fake.pushTicket());
    await parent.close(); // the parent only seeds the store: its outbox scan must not outlive the test
    const env = {
      REDIS_URL: redisUrl(),
      WXOPEN_TEST_KEY_PREFIX: prefix,
      WXOPEN_TEST_API_BASE: fake.url,
      WXOPEN_TEST_APP_ID: fake.componentAppId,
      WXOPEN_TEST_APP_SECRET: fake.componentAppSecret,
      WXOPEN_TEST_TIMEOUT_MS: String(TIMEOUT_MS),
    };
    children = await Promise.all([startChild(env), startChild(env), startChild(env)]);
  });

  afterEach(async () => {
    await Promise.all(
      children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.process.exitCode !== null) return resolve();
            child.process.once('exit', () => resolve());
            child.process.disconnect();
          }),
      ),
    );
    children = [];
    const keys = await store.client.keys(`${prefix}*`);
    if (keys.length > 0) await store.client.del(...keys);
    await store.close();
    await fake.close();
  });

  // Before: each process took the lock in turn after the previous one timed out, so 3 processes paid 3 timeouts
  // one after the other (3 upstream attempts, about 4.5 s here).
  test('a hung upstream: one upstream attempt, every process fails with ERR_API_TIMEOUT, in about one timeout', async () => {
    fake.hang('api_component_token', 10);
    const started = Date.now();
    const answers = await Promise.all(children.map((child) => child.componentToken()));
    const elapsed = Date.now() - started;
    expect(answers).toEqual(Array(3).fill({ ok: false, code: 'ERR_API_TIMEOUT' }));
    expect(fake.count('api_component_token')).toBe(1);
    expect(elapsed).toBeLessThan(TIMEOUT_MS * 2);
  });

  // Before: the holder failed on the first 502 and each waiting process then tried again on its own.
  test('a transient 502: the lock holder retries once, and every process gets the one token', async () => {
    fake.httpError('api_component_token', 502, 1);
    const answers = await Promise.all(children.map((child) => child.componentToken()));
    expect(answers).toEqual(Array(3).fill({ ok: true, value: fake.state.componentToken }));
    expect(fake.count('api_component_token')).toBe(2);
  });
});
