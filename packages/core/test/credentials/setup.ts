import { ComponentCredentials } from '../../src/credentials';
import type { ComponentCredentialsOptions } from '../../src/credentials';
import { MemoryStore } from '../../src/store/memory';
import { startFakeWechat } from '@wxopen/testing';
import type { FakeWechat, FakeWechatOptions } from '@wxopen/testing';

export interface Harness {
  readonly fake: FakeWechat;
  readonly store: MemoryStore;
  /** The first credentials instance on the shared store. */
  readonly credentials: ComponentCredentials;
  /** Another instance on the same store: stands for another process (its in-process state is separate). */
  make(extra?: Partial<ComponentCredentialsOptions>): ComponentCredentials;
  close(): Promise<void>;
}

/** The fake WeChat, a MemoryStore on the fake's clock, and credentials pointed at both. */
export async function harness(
  options: Partial<ComponentCredentialsOptions> = {},
  fakeOptions: FakeWechatOptions = {},
): Promise<Harness> {
  const fake = await startFakeWechat(fakeOptions);
  const store = new MemoryStore({ now: fake.clock.now });
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
      await store.close();
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
