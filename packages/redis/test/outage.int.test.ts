/**
 * A store made by `createRedisStore` against a private redis-server that the test kills, pauses and restarts:
 * calls fail fast with ERR_STORE during the outage, the outage is told in one line when it starts and one when
 * it ends, and calls succeed again once the server is back.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { isWxOpenError } from '@wxopen/core';
import type { RedisStore } from '@wxopen/redis';
import { createRedisStore } from '@wxopen/redis';
import { describeRedisServer, startRedisServer } from '@wxopen/testing';
import type { RedisServer } from '@wxopen/testing';

jest.setTimeout(60_000);

/** A ceiling, not a benchmark: ioredis' defaults would keep a caller waiting for tens of seconds. */
const FAIL_FAST_CEILING_MS = 2_000;

async function waitUntil(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}`);
    await sleep(20);
  }
}

/** Runs `call` and returns its error and how long it took to reject; fails if it resolves. */
async function rejection(call: () => Promise<unknown>): Promise<{ error: unknown; ms: number }> {
  const started = performance.now();
  try {
    await call();
  } catch (error) {
    return { error, ms: performance.now() - started };
  }
  throw new Error('the call succeeded during the outage');
}

const succeeds = (store: RedisStore) => async () => {
  try {
    await store.get('probe');
    return true;
  } catch {
    return false;
  }
};

type Outage = 'SIGKILL' | 'SIGTERM' | 'SIGSTOP';

describeRedisServer('a store from createRedisStore when its Redis fails', () => {
  let server: RedisServer;
  let store: RedisStore;
  let lines: string[];
  let consoleOutput: string[];

  beforeEach(async () => {
    server = await startRedisServer();
    lines = [];
    consoleOutput = [];
    for (const method of ['error', 'warn', 'log'] as const) {
      jest.spyOn(console, method).mockImplementation((...args: unknown[]) => void consoleOutput.push(args.map(String).join(' ')));
    }
    store = createRedisStore(server.url, { keyPrefix: 'outage:', log: (line) => lines.push(line) });
    await store.set('{wx1}:ticket', 'ticket');
  });

  afterEach(async () => {
    if (server.state === 'paused') server.resume();
    await store.close();
    await server.dispose();
    jest.restoreAllMocks();
  });

  async function begin(outage: Outage): Promise<void> {
    if (outage === 'SIGSTOP') server.pause();
    else await server.stop(outage);
  }

  async function end(outage: Outage): Promise<void> {
    if (outage === 'SIGSTOP') server.resume();
    else await server.restart();
  }

  it.each<[string, Outage]>([
    ['killed (SIGKILL)', 'SIGKILL'],
    ['shut down (SIGTERM)', 'SIGTERM'],
    ['paused (SIGSTOP)', 'SIGSTOP'],
  ])('rejects every call with ERR_STORE within the ceiling while the server is %s, logs the outage in two lines, and serves again after', async (_, outage) => {
    await begin(outage);
    const calls: [string, () => Promise<unknown>][] = [
      ['GET failed', () => store.get('{wx1}:ticket')],
      ['SET failed', () => store.set('{wx1}:token', 'token', 60_000)],
      ['SET NX failed', () => store.setIfAbsent('{wx1}:delivery:1', 'claimed', 60_000)],
      ['DEL failed', () => store.delete('{wx1}:token')],
      ['compare-and-delete failed', () => store.compareAndDelete('{wx1}:lock', 'owner')],
      ['compare-and-set failed', () => store.compareAndSet('{wx1}:lock', 'owner', 'next', 1_000)],
    ];
    // Twice: the first calls may be the ones that find out, the second meet a client that knows.
    for (let round = 0; round < 2; round++) {
      const results = await Promise.all(calls.map(async ([detail, call]) => ({ detail, ...(await rejection(call)) })));
      for (const { detail, error, ms } of results) {
        expect(isWxOpenError(error) && error.code).toBe('ERR_STORE');
        expect((error as { detail?: string }).detail).toBe(detail);
        expect((error as Error).cause).toBeDefined();
        expect(ms).toBeLessThan(FAIL_FAST_CEILING_MS);
      }
    }
    expect(lines).toEqual([expect.stringMatching(new RegExp(`^\\[wxopen\\] redis redis://127\\.0\\.0\\.1:${server.port} down: \\S`))]);

    await end(outage);
    await waitUntil('a call succeeds again', succeeds(store));
    await waitUntil('the outage is over in the log', () => lines.length === 2);
    expect(lines[1]).toMatch(new RegExp(`^\\[wxopen\\] redis redis://127\\.0\\.0\\.1:${server.port} back up after \\d+\\.\\d s \\(\\d+ commands? failed\\)$`));
    expect(await store.get('{wx1}:ticket')).toBe(outage === 'SIGSTOP' ? 'ticket' : undefined);
    await store.set('{wx1}:ticket', 'again');
    expect(await store.get('{wx1}:ticket')).toBe('again');
    expect(lines).toHaveLength(2);
    expect(consoleOutput.filter((line) => /Unhandled error event|ioredis/.test(line))).toEqual([]);
  });

  it('logs two lines per outage over three outages in a row, and nothing while healthy', async () => {
    for (const outage of ['SIGKILL', 'SIGSTOP', 'SIGKILL'] as const) {
      await begin(outage);
      await rejection(() => store.get('{wx1}:ticket'));
      await end(outage);
      await waitUntil('a call succeeds again', succeeds(store));
      await waitUntil('the outage is over in the log', () => lines.length % 2 === 0);
      // Healthy traffic adds nothing.
      for (let i = 0; i < 20; i++) await store.set('{wx1}:k', String(i));
    }
    expect(lines.map((line) => /down|back up/.exec(line)?.[0])).toEqual(['down', 'back up', 'down', 'back up', 'down', 'back up']);
  });

  it('logs the end of an outage nobody called through, once the server is back', async () => {
    await server.stop();
    await waitUntil('the client noticed', () => lines.length === 1);
    await server.restart();
    await waitUntil('the outage is over in the log', () => lines.length === 2);
    expect(lines[1]).toMatch(/back up after .* \(0 commands failed\)$/);
  });

  it('stops queueing once connected, and quits promptly when closed during an outage', async () => {
    expect(store.client.options.enableOfflineQueue).toBe(false);
    server.pause();
    const started = performance.now();
    await store.close();
    expect(performance.now() - started).toBeLessThan(FAIL_FAST_CEILING_MS + 1_000);
    expect(store.client.status).toBe('end');
    expect(lines).toEqual([]);
  });
});

describeRedisServer('a store from createRedisStore at start', () => {
  it('waits for the first connection instead of failing a call made right after creation', async () => {
    const server = await startRedisServer();
    const store = createRedisStore(server.url, { log: false });
    try {
      expect(store.client.status).not.toBe('ready');
      await store.set('k', 'v');
      expect(await store.get('k')).toBe('v');
    } finally {
      await store.close();
      await server.dispose();
    }
  });

  it('fails fast when Redis is not there at start, logs it once, and serves once it comes up', async () => {
    const server = await startRedisServer();
    await server.stop();
    const lines: string[] = [];
    const store = createRedisStore(server.url, { log: (line) => lines.push(line) });
    try {
      const { error, ms } = await rejection(() => store.get('k'));
      expect(isWxOpenError(error) && error.code).toBe('ERR_STORE');
      expect(ms).toBeLessThan(FAIL_FAST_CEILING_MS);
      await waitUntil('the outage is logged', () => lines.length === 1);
      expect(lines[0]).toMatch(/down: connect ECONNREFUSED/);
      await server.restart();
      await waitUntil('a call succeeds', succeeds(store));
      await waitUntil('the outage is over in the log', () => lines.length === 2);
      expect(lines[1]).toMatch(/back up after/);
    } finally {
      await store.close();
      await server.dispose();
    }
  });

  it('never puts the password in a line', async () => {
    const password = 'pa55-word-never-logged';
    const server = await startRedisServer({ password });
    const lines: string[] = [];
    const store = createRedisStore(`redis://:${password}@127.0.0.1:${server.port}/0`, { log: (line) => lines.push(line) });
    try {
      await store.set('k', 'v');
      await server.stop();
      await rejection(() => store.get('k'));
      await server.restart();
      await waitUntil('a call succeeds', succeeds(store));
      await waitUntil('the outage is over in the log', () => lines.length === 2);
      expect(lines.join('\n')).toContain(`redis://127.0.0.1:${server.port}/0`);
      expect(lines.join('\n')).not.toContain(password);
    } finally {
      await store.close();
      await server.dispose();
    }
  });
});
