/**
 * The conformance suites can fail: their cases, run directly against deliberately broken targets, reject; the
 * same cases pass against an honest target (so they fail for the flaw, not for a fault of the test).
 */
import http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AuthServer, Lock, LockHandle } from '@wxopen/core';
import { MemoryStore, StoreLock } from '@wxopen/core';
import type { ConformanceCase, MakeLock, MakeServer } from '@wxopen/testing/conformance';
import { conformanceCases, lockConformanceCases } from '@wxopen/testing/conformance';

/** A minimal Node adapter; `swallow` turns it into one that hides the platform's failures behind 200 "success". */
function nodeAdapter(swallow: boolean): MakeServer {
  return (platform: AuthServer) =>
    http.createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const query = Object.fromEntries(url.searchParams);
      const appid = /^\/wechat\/callback\/([^/]+)$/.exec(url.pathname)?.[1];
      const request = { method: req.method ?? 'GET', query, headers: req.headers, body: req };
      const handled = url.pathname === '/wechat/auth' ? platform.handleAuthEvent(request) : platform.handleMessage({ ...request, authorizerAppId: appid ?? '' });
      handled.then(
        (answer) => {
          if (swallow && answer.status >= 500) return void res.writeHead(200).end('success');
          res.writeHead(answer.status, answer.headers).end(answer.body);
        },
        () => res.writeHead(swallow ? 200 : 500).end(swallow ? 'success' : 'error'),
      );
    });
}

/** Answers 200 "success" to everything at once, before (and without) running the platform. */
const answersFirst: MakeServer = () => http.createServer((_req, res) => res.end('success'));

const named = <T>(cases: readonly ConformanceCase<T>[], name: string): ConformanceCase<T> => {
  const found = cases.find((c) => c.name === name);
  if (found === undefined) throw new Error(`no case named ${name}`);
  return found;
};

describe('the adapter conformance suite', () => {
  const cases = conformanceCases({ setups: ['bare'] });

  it('fails every accepted and rejected case of an adapter that answers 200 "success" before running the platform', async () => {
    const table = cases.filter((c) => c.group[0] === 'with setup bare' || c.group[0]?.startsWith('rejects'));
    expect(table.length).toBeGreaterThan(25);
    for (const c of table) await expect(c.run(answersFirst)).rejects.toThrow();
  });

  it('fails the handler-error case of an adapter that swallows errors, and passes it on an honest one', async () => {
    const c = named(cases, 'answers 500 when a message handler throws, and reports ERR_HANDLER');
    await expect(c.run(nodeAdapter(true))).rejects.toThrow();
    await expect(c.run(nodeAdapter(false))).resolves.toBeUndefined();
  });
});

/** A lock whose release frees the name whoever holds it now (no owner check). */
function carelessLock(): Lock {
  const held = new Map<string, number>();
  const free = (name: string) => (held.get(name) ?? 0) <= Date.now();
  return {
    async acquire(name, { ttlMs, waitMs }): Promise<LockHandle | undefined> {
      const deadline = Date.now() + waitMs;
      while (!free(name)) {
        if (Date.now() >= deadline) return undefined;
        await sleep(5);
      }
      held.set(name, Date.now() + ttlMs);
      return { release: async () => held.delete(name) };
    },
  };
}

/** A "lock" that lets everyone in. */
const openDoor: Lock = { acquire: async () => ({ release: async () => true }) };

describe('the lock conformance suite', () => {
  const cases = lockConformanceCases();
  const honest: MakeLock = () => {
    const store = new MemoryStore();
    return { lock: new StoreLock(store), other: new StoreLock(store), close: () => store.close() };
  };

  it('fails a lock that lets a stale holder release the lock retaken after expiry, and passes an honest one', async () => {
    const c = named(cases, 'does not free the new owner’s lock when a stale holder releases after a takeover');
    await expect(c.run(carelessLock)).rejects.toThrow();
    await expect(c.run(honest)).resolves.toBeUndefined();
  });

  it('fails a lock that does not exclude, and passes an honest one', async () => {
    const c = named(cases, 'lets one holder at a time into a critical section among 20 concurrent callers on both locks');
    await expect(c.run(() => openDoor)).rejects.toThrow();
    await expect(c.run(honest)).resolves.toBeUndefined();
  });
});
