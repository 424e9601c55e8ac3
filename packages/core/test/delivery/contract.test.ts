/**
 * The acknowledgement contract in one process, with stores that misbehave on purpose: a 200 is answered only for
 * a push that was durably claimed; a slow or failing store is answered 503 `ERR_STORE`; a claim whose holder
 * died is retaken; a replay is not run again while its timestamp is accepted; a late reply goes out once.
 */
import type { LateReply, Store, WxOpenError } from '@wxopen/core';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuthServer, FileStore, MemoryStore, formatError } from '@wxopen/core';
import { WechatSimulator, textMessage } from '@wxopen/testing';

const secrets = WechatSimulator.generateSecrets();
const { appId, token, encodingAESKey } = secrets;
const wechat = new WechatSimulator(secrets);
const ROUTE = 'wx00000000000000c2';

/** A `MemoryStore` that says it is shared, as `RedisStore` does: claims go to the store. */
class SharedMemoryStore extends MemoryStore {
  override readonly shared = true;
}

/** A shared store whose calls can be made to hang or fail, counting the calls that reached it. */
class FaultyStore extends SharedMemoryStore {
  mode: 'ok' | 'hang' | 'fail' = 'ok';
  calls = 0;

  #fault<T>(call: () => Promise<T>): Promise<T> {
    this.calls++;
    if (this.mode === 'hang') return new Promise<T>(() => undefined);
    if (this.mode === 'fail') return Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:6390'));
    return call();
  }

  override get(key: string) {
    return this.#fault(() => super.get(key));
  }
  override set(key: string, value: string, ttlMs?: number) {
    return this.#fault(() => super.set(key, value, ttlMs));
  }
  override setIfAbsent(key: string, value: string, ttlMs?: number) {
    return this.#fault(() => super.setIfAbsent(key, value, ttlMs));
  }
  override compareAndSet(key: string, expected: string, value: string, ttlMs?: number) {
    return this.#fault(() => super.compareAndSet(key, expected, value, ttlMs));
  }
  override compareAndDelete(key: string, expected: string) {
    return this.#fault(() => super.compareAndDelete(key, expected));
  }
}

function makePlatform(store: Store | undefined, extra: Partial<ConstructorParameters<typeof AuthServer>[0]> = {}) {
  const errors: WxOpenError[] = [];
  const platform = new AuthServer({ appId, token, encodingAESKey, store, onError: (e) => errors.push(e), ...extra });
  const runs: string[] = [];
  platform.messages.on('text', (m) => {
    runs.push(m.Content);
    return `echo: ${m.Content}`;
  });
  return { platform, errors, runs };
}

const send = (platform: AuthServer, push: { query: Readonly<Record<string, string>>; body: string }) =>
  platform.handleMessage({ method: 'POST', query: push.query, body: push.body, authorizerAppId: ROUTE });

describe('a store that fails or hangs on the callback path', () => {
  it('is answered 503 ERR_STORE within storeTimeoutMs, and nothing runs', async () => {
    const store = new FaultyStore();
    const { platform, errors, runs } = makePlatform(store, { storeTimeoutMs: 50 });
    store.mode = 'hang';
    const started = performance.now();
    const res = await send(platform, wechat.encrypted(textMessage('during the outage')));
    expect(performance.now() - started).toBeLessThan(1_000); // a ceiling, not a benchmark: the bound held
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('1');
    expect(runs).toEqual([]);
    expect(errors.map((e) => e.code)).toEqual(['ERR_STORE']);
    expect(errors[0]?.detail).toMatch(/setIfAbsent timed out after 50 ms/);
  });

  it('puts the store failure’s own message in the default log line', async () => {
    const store = new FaultyStore();
    const { platform, errors } = makePlatform(store);
    store.mode = 'fail';
    expect((await send(platform, wechat.encrypted(textMessage('x')))).status).toBe(503);
    const line = formatError(errors[0] as WxOpenError, { endpoint: 'message', authorizerAppId: ROUTE });
    expect(line).toBe(`[wxopen] message "${ROUTE}": ERR_STORE the store is unreachable or too slow: setIfAbsent failed (cause: connect ECONNREFUSED 127.0.0.1:6390)`);
  });

  it('runs the push once WeChat retries after the store is back: nothing acknowledged was lost', async () => {
    const store = new FaultyStore();
    const { platform, runs } = makePlatform(store, { storeTimeoutMs: 50 });
    const message = textMessage('retried');
    store.mode = 'hang';
    expect((await send(platform, wechat.encrypted(message))).status).toBe(503);
    store.mode = 'ok';
    const retry = await send(platform, wechat.encrypted(message));
    expect(wechat.openReply(retry.body).record['Content']).toBe('echo: retried');
    expect(runs).toEqual(['retried']);
  });

  it('is never answered success by the reply deadline while the claim is not made', async () => {
    const store = new FaultyStore();
    const { platform, runs } = makePlatform(store, { storeTimeoutMs: 200, replyDeadlineMs: 20 });
    store.mode = 'hang';
    const res = await send(platform, wechat.encrypted(textMessage('x')));
    expect(res.status).toBe(503);
    expect(runs).toEqual([]);
  });

  it('keeps a verify ticket before answering success, and answers 503 when it cannot', async () => {
    const store = new FaultyStore();
    const errors: WxOpenError[] = [];
    const platform = new AuthServer({ ...secrets, store, storeTimeoutMs: 50, onError: (e) => errors.push(e), credentials: { appSecret: secrets.appSecret, outboxScanMs: 60_000 } });
    const ticketPush = () => wechat.component({ AppId: appId, CreateTime: Math.floor(Date.now() / 1000), InfoType: 'component_verify_ticket', ComponentVerifyTicket: 'ticket@@@1' });
    const request = (push: { query: Readonly<Record<string, string>>; body: string }) => ({ method: 'POST', query: push.query, body: push.body });
    store.mode = 'hang';
    expect((await platform.handleAuthEvent(request(ticketPush()))).status).toBe(503);
    store.mode = 'ok';
    expect((await platform.handleAuthEvent(request(ticketPush()))).body).toBe('success');
    expect(await store.get(platform.credentials.keys.ticket)).toBe('ticket@@@1');
    await platform.close();
  });
});

/** One process's view of a shared store: `kill()` it and the process is gone (its calls never land again). */
class ProcessView implements Store {
  readonly shared = true;
  #dead = false;
  constructor(readonly inner: Store) {}
  kill(): void {
    this.#dead = true;
  }
  #call<T>(call: () => Promise<T>): Promise<T> {
    return this.#dead ? new Promise<T>(() => undefined) : call();
  }
  get(key: string) {
    return this.#call(() => this.inner.get(key));
  }
  set(key: string, value: string, ttlMs?: number) {
    return this.#call(() => this.inner.set(key, value, ttlMs));
  }
  delete(key: string) {
    return this.#call(() => this.inner.delete(key));
  }
  setIfAbsent(key: string, value: string, ttlMs?: number) {
    return this.#call(() => this.inner.setIfAbsent(key, value, ttlMs));
  }
  compareAndSet(key: string, expected: string, value: string, ttlMs?: number) {
    return this.#call(() => this.inner.compareAndSet(key, expected, value, ttlMs));
  }
  compareAndDelete(key: string, expected: string) {
    return this.#call(() => this.inner.compareAndDelete(key, expected));
  }
}

describe('a claim whose holder died', () => {
  it('is retaken by WeChat’s next attempt once its lease ran out, and the push runs', async () => {
    const shared = new SharedMemoryStore();
    const doomed = new ProcessView(shared);
    const dead = makePlatform(doomed, { leaseMs: 100, replyDeadlineMs: 300 });
    let bury!: () => void;
    dead.platform.messages.use(() => new Promise<void>((resolve) => (bury = resolve))); // dies mid-handler
    const message = textMessage('orphaned');
    void send(dead.platform, wechat.encrypted(message));
    await new Promise((r) => setTimeout(r, 20));
    doomed.kill(); // its claim is in the store; nobody renews it any more
    const { platform, runs } = makePlatform(shared, { leaseMs: 100, replyDeadlineMs: 2_000 });
    const retry = await send(platform, wechat.encrypted(message));
    expect(wechat.openReply(retry.body).record['Content']).toBe('echo: orphaned');
    expect(runs).toEqual(['orphaned']);
    bury(); // the dead process's handler ends, so its lease renewals stop with this test
  });

  it('is waited for while its holder is alive: the retry answers only after the first run finished', async () => {
    const store = new SharedMemoryStore();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const first = makePlatform(store, { leaseMs: 60 });
    first.platform.messages.use(async (_ctx, next) => {
      await gate;
      return next();
    });
    const second = makePlatform(store, { leaseMs: 60 });
    const message = textMessage('alive');
    const a = send(first.platform, wechat.encrypted(message));
    await new Promise((r) => setTimeout(r, 20));
    let answered = false;
    const b = send(second.platform, wechat.encrypted(message)).then((res) => {
      answered = true;
      return res;
    });
    await new Promise((r) => setTimeout(r, 300)); // five leases, renewed all along by the living holder
    expect(answered).toBe(false);
    release();
    expect(wechat.openReply((await a).body).record['Content']).toBe('echo: alive');
    expect((await b).body).toBe('success');
    expect([...first.runs, ...second.runs]).toEqual(['alive']);
  });
});

describe('a replay of a push that ran', () => {
  it.each([
    ['in this process (a store only it sees)', (now: () => number) => new MemoryStore({ now })],
    ['in a shared store', (now: () => number) => new SharedMemoryStore({ now })],
  ])('is not run again after dedupTtlMs while its timestamp is accepted, %s', async (_name, makeStore) => {
    let now = Date.now();
    const store = makeStore(() => now);
    const { platform, runs } = makePlatform(store, { dedupTtlMs: 30_000, now: () => now });
    const push = wechat.encrypted(textMessage('once'), { timestamp: Math.floor(now / 1000) });
    expect((await send(platform, push)).status).toBe(200);
    now += 31_000; // past the dedup TTL, inside the 300 s window
    store.sweep();
    const replay = await send(platform, push);
    expect(replay.status).toBe(200);
    expect(replay.body).toBe('success');
    expect(runs).toEqual(['once']);
  });

  it('is refused with ERR_TIMESTAMP once its timestamp has left the window', async () => {
    let now = Date.now();
    const { platform, runs, errors } = makePlatform(new MemoryStore(), { now: () => now });
    const push = wechat.encrypted(textMessage('once'), { timestamp: Math.floor(now / 1000) });
    await send(platform, push);
    now += 301_000;
    expect((await send(platform, push)).status).toBe(401);
    expect(errors.map((e) => e.code)).toEqual(['ERR_TIMESTAMP']);
    expect(runs).toEqual(['once']);
  });
});

describe('a replay after the process restarted on a file store', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'wxopen-replays-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** A platform on the file store at `dir/state.json`, as a process would start it. */
  const start = (extra: Partial<ConstructorParameters<typeof AuthServer>[0]> = {}) => {
    const store = new FileStore({ path: join(dir, 'state.json') });
    return { store, ...makePlatform(store, extra) };
  };
  const stop = async ({ platform, store }: { platform: AuthServer; store: FileStore }) => {
    await platform.close();
    await store.close();
  };
  const storedKeys = (): string[] => Object.keys((JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')) as { entries: object }).entries);

  // Breaks when the replay marks live only in the process's memory: the second process runs the push again.
  it('is not run again once the first process closed gracefully, and the marks stay stored for a crash of the next one', async () => {
    const first = start();
    const push = wechat.encrypted(textMessage('once'));
    expect(await send(first.platform, push)).toMatchObject({ status: 200 });
    await stop(first);
    expect(storedKeys()).toEqual([`{${appId}}:replays`]);

    const second = start();
    const replay = await send(second.platform, push);
    expect(replay).toMatchObject({ status: 200, body: 'success' });
    const fresh = await send(second.platform, wechat.encrypted(textMessage('new')));
    expect(fresh.status).toBe(200);
    expect(fresh.body).not.toBe('success');
    expect([...first.runs, ...second.runs]).toEqual(['once', 'new']);
    expect((await second.platform.health()).deliveries.replayMarks).toBe(2);
    expect(second.errors).toEqual([]);
    // The second process dies without closing (its store lock released as a crash's would be taken over).
    expect(storedKeys()).toEqual([`{${appId}}:replays`]);
    await second.store.close();

    const third = start();
    expect(await send(third.platform, push)).toMatchObject({ status: 200, body: 'success' });
    expect([...first.runs, ...second.runs, ...third.runs]).toEqual(['once', 'new']);
    await stop(third);
  });

  it('leaves out marks whose timestamp has left the window meanwhile (the push is refused on its timestamp anyway)', async () => {
    let now = Date.now();
    const first = start({ now: () => now });
    await send(first.platform, wechat.encrypted(textMessage('old'), { timestamp: Math.floor(now / 1000) }));
    await stop(first);
    now += 320_000;
    const second = start({ now: () => now });
    const fresh = await send(second.platform, wechat.encrypted(textMessage('new'), { timestamp: Math.floor(now / 1000) }));
    expect(fresh.status).toBe(200);
    expect((await second.platform.health()).deliveries.replayMarks).toBe(1);
    await stop(second);
  });

  it('reports unreadable marks as ERR_STORE, deletes them and serves', async () => {
    const store = new FileStore({ path: join(dir, 'state.json') });
    // A bucket of now whose fingerprints are not a whole number of 8 bytes.
    await store.set(`{${appId}}:replays`, JSON.stringify({ version: 1, bucketSeconds: 8, buckets: [[Math.floor(Date.now() / 8000), 'abc']] }));
    const { platform, runs, errors } = makePlatform(store);
    expect((await send(platform, wechat.encrypted(textMessage('served')))).status).toBe(200);
    expect(runs).toEqual(['served']);
    expect(errors.map((e) => [e.code, e.detail])).toEqual([['ERR_STORE', 'the replay marks kept at the last shutdown are unreadable: left out']]);
    expect(await store.get(`{${appId}}:replays`)).toBeUndefined();
    await platform.close();
    await store.close();
  });

  it('reports a store that fails while the marks are read back, and serves without them', async () => {
    class Unreadable extends MemoryStore {
      override async get(key: string) {
        if (key.endsWith(':replays')) throw new Error('disk gone');
        return super.get(key);
      }
    }
    const { platform, runs, errors } = makePlatform(new Unreadable());
    expect((await send(platform, wechat.encrypted(textMessage('served')))).status).toBe(200);
    expect(runs).toEqual(['served']);
    expect(errors.map((e) => e.code)).toEqual(['ERR_STORE']);
    expect(formatError(errors[0] as WxOpenError, { endpoint: 'message' })).toContain('disk gone');
    await platform.close();
  });

  it('reports a store that cannot keep the marks at close, and still closes', async () => {
    const { platform, store, errors } = start();
    await send(platform, wechat.encrypted(textMessage('once')));
    await store.close(); // closed first, against the documented order
    await expect(platform.close()).resolves.toBeUndefined();
    expect(errors.map((e) => [e.code, e.detail])).toEqual([['ERR_STORE', 'the replay marks could not be kept for the next start']]);
  });
});

describe('a late reply', () => {
  it('goes to onLateReply once and never also to a retry', async () => {
    const late: LateReply[] = [];
    const { platform } = makePlatform(new MemoryStore(), { replyDeadlineMs: 30, onLateReply: (l) => void late.push(l) });
    platform.messages.use(async (_ctx, next) => {
      await new Promise((r) => setTimeout(r, 80));
      return next();
    });
    const message = textMessage('slow');
    expect((await send(platform, wechat.encrypted(message))).body).toBe('success');
    await new Promise((r) => setTimeout(r, 100));
    expect(late.map((l) => l.reply)).toEqual(['echo: slow']);
    const retry = await send(platform, wechat.encrypted(message));
    expect(retry.body).toBe('success');
  });

  it('goes to onLateReply once when a retry joined the running delivery', async () => {
    const late: LateReply[] = [];
    const { platform } = makePlatform(new MemoryStore(), { replyDeadlineMs: 40, onLateReply: (l) => void late.push(l) });
    platform.messages.use(async (_ctx, next) => {
      await new Promise((r) => setTimeout(r, 120));
      return next();
    });
    const message = textMessage('slow');
    const first = send(platform, wechat.encrypted(message));
    await new Promise((r) => setTimeout(r, 20));
    const retry = send(platform, wechat.encrypted(message));
    expect([(await first).body, (await retry).body]).toEqual(['success', 'success']);
    await new Promise((r) => setTimeout(r, 150));
    expect(late.map((l) => l.reply)).toEqual(['echo: slow']);
  });
});
