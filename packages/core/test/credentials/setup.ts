import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ComponentCredentials } from '../../src/credentials/component';
import type { ComponentCredentialsOptions } from '../../src/credentials/component';
import { FileStore } from '../../src/store/file';
import { MemoryStore } from '../../src/store/memory';
import type { Store } from '../../src/store/types';
import { startFakeWechat } from '@wxopen/testing';
import type { FakeWechat, FakeWechatOptions } from '@wxopen/testing';

/**
 * A kind of store the credential rules run on, e.g. `memoryStore`, `fileStore`, and `redisStore` from
 * `./redis-store` (only in `*.int.test.ts`, under `describeRedis`, so the unit tests never load a Redis client).
 */
export interface TestStore {
  /** Shown in test names: `on memory`. */
  readonly name: string;
  /** A fresh, empty store on the clock `now` (where the store has a clock of its own). */
  open(now: () => number): Promise<OpenedStore>;
}

/** A store opened for one harness, and how to dispose of it and of everything it left behind. */
export interface OpenedStore {
  readonly store: Store;
  dispose(): Promise<void>;
}

/** `MemoryStore` on the fake's clock. */
export const memoryStore: TestStore = {
  name: 'memory',
  async open(now) {
    const store = new MemoryStore({ now });
    return { store, dispose: () => store.close() };
  },
};

/** `FileStore` on the fake's clock, in a temporary directory removed afterwards. */
export const fileStore: TestStore = {
  name: 'file',
  async open(now) {
    const dir = await mkdtemp(join(tmpdir(), 'wxopen-credentials-'));
    const store = new FileStore({ path: join(dir, 'state.json'), now });
    return {
      store,
      async dispose() {
        await store.close();
        await rm(dir, { recursive: true, force: true });
      },
    };
  },
};

export interface Harness {
  readonly fake: FakeWechat;
  readonly store: Store;
  /** The first credentials instance on the shared store. */
  readonly credentials: ComponentCredentials;
  /** Another instance on the same store: stands for another process (its in-process state is separate). */
  make(extra?: Partial<ComponentCredentialsOptions>): ComponentCredentials;
  close(): Promise<void>;
}

/** The fake WeChat, a fresh store of the given kind (on the fake's clock), and credentials pointed at both. */
export async function harness(
  options: Partial<ComponentCredentialsOptions> = {},
  fakeOptions: FakeWechatOptions = {},
  testStore: TestStore = memoryStore,
): Promise<Harness> {
  const fake = await startFakeWechat(fakeOptions);
  let opened: OpenedStore;
  try {
    opened = await testStore.open(fake.clock.now);
  } catch (error) {
    await fake.close();
    throw error;
  }
  const { store, dispose } = opened;
  const made: ComponentCredentials[] = [];
  const make = (extra: Partial<ComponentCredentialsOptions> = {}) => {
    const credentials = new ComponentCredentials({
      appId: fake.componentAppId,
      appSecret: fake.componentAppSecret,
      store,
      apiBase: fake.url,
      now: fake.clock.now,
      busyBackoffMs: 1,
      ...options,
      ...extra,
    });
    made.push(credentials);
    return credentials;
  };
  const credentials = make();
  return {
    fake,
    store,
    credentials,
    make,
    async close() {
      await Promise.all(made.map((c) => c.close()));
      await fake.close();
      await dispose();
    },
  };
}

/** The rejection of `promise` (fails the test when it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

/** Asserts that no secret appears in the error's string form, message or own fields. */
export function expectNoSecrets(error: Error, secrets: readonly (string | undefined)[]): void {
  const texts = [String(error), error.message, JSON.stringify({ ...error })];
  for (const secret of secrets) {
    expect(secret).toBeTruthy();
    for (const text of texts) expect(text).not.toContain(secret);
  }
}

/** Polls `condition` every 10 ms for up to `timeoutMs`. */
export async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
