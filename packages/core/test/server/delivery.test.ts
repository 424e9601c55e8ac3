import type { LateReply, WxOpenError } from '@wxopen/core';
import { AuthServer, MemoryStore } from '@wxopen/core';
import { WechatSimulator, textMessage } from '@wxopen/testing';

const secrets = WechatSimulator.generateSecrets();
const wechat = new WechatSimulator(secrets);

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

function makePlatform(extra: Partial<ConstructorParameters<typeof AuthServer>[0]> = {}) {
  const errors: WxOpenError[] = [];
  // No AppSecret: only delivery marks reach the store (no credential chain, no background lookups).
  const { appId, token, encodingAESKey } = secrets;
  const platform = new AuthServer({ appId, token, encodingAESKey, onError: (e) => errors.push(e), ...extra });
  return { platform, errors };
}

/** A `MemoryStore` that says it is shared: several servers in one test stand for several processes on Redis. */
class SharedMemoryStore extends MemoryStore {
  override readonly shared = true;
}

const send = (platform: AuthServer, push: { query: Record<string, string>; body: string }) =>
  platform.handleMessage({ method: 'POST', query: push.query, body: push.body, authorizerAppId: 'wx000000000000000a' });

describe('duplicate deliveries', () => {
  test('a retry of a finished message gets the same reply and does not run the handler again', async () => {
    const { platform } = makePlatform();
    let runs = 0;
    platform.messages.on('text', (m) => `reply ${++runs} to ${m.Content}`);
    const message = textMessage('hi', { msgId: '6452475260636675311' });
    const first = await send(platform, wechat.encrypted(message));
    const retry = await send(platform, wechat.encrypted(message)); // WeChat re-encrypts with a new nonce
    expect(runs).toBe(1);
    expect(wechat.openReply(retry.body).record['Content']).toBe('reply 1 to hi');
    expect(wechat.openReply(first.body).record['Content']).toBe('reply 1 to hi');
  });

  test('a retry that arrives while the first delivery runs waits for it and gets the same reply', async () => {
    const { platform } = makePlatform();
    const gate = deferred<void>();
    let runs = 0;
    platform.messages.on('text', async () => {
      runs++;
      await gate.promise;
      return 'slow reply';
    });
    const message = textMessage('x');
    const first = send(platform, wechat.encrypted(message));
    const retry = send(platform, wechat.encrypted(message));
    await new Promise((r) => setTimeout(r, 20));
    gate.resolve();
    const [a, b] = await Promise.all([first, retry]);
    expect(runs).toBe(1);
    expect(wechat.openReply(a.body).record['Content']).toBe('slow reply');
    expect(wechat.openReply(b.body).record['Content']).toBe('slow reply');
  });

  test('events are deduplicated by FromUserName, CreateTime and Event', async () => {
    const { platform } = makePlatform();
    const seen: string[] = [];
    platform.messages.onEvent('CLICK', (m) => void seen.push(m.EventKey));
    const click = (EventKey: string, CreateTime: number) =>
      wechat.encrypted({ ToUserName: 'gh', FromUserName: 'o1', CreateTime, MsgType: 'event', Event: 'CLICK', EventKey });
    await send(platform, click('a', 1700000000));
    await send(platform, click('a', 1700000000));
    await send(platform, click('a', 1700000001));
    await send(platform, click('b', 1700000001));
    expect(seen).toEqual(['a', 'a', 'b']);
  });

  test('a handler that throws releases the mark, so WeChat’s retry runs it again', async () => {
    const { platform, errors } = makePlatform();
    let runs = 0;
    platform.messages.on('text', () => {
      if (++runs === 1) throw new Error('transient');
      return 'second time lucky';
    });
    const message = textMessage('x');
    expect((await send(platform, wechat.encrypted(message))).status).toBe(500);
    const retry = await send(platform, wechat.encrypted(message));
    expect(wechat.openReply(retry.body).record['Content']).toBe('second time lucky');
    expect(runs).toBe(2);
    expect(errors.map((e) => e.code)).toEqual(['ERR_HANDLER']);
  });

  test('two servers sharing a store run a message once; the other answers success (no reply in the shared store)', async () => {
    const store = new SharedMemoryStore();
    const a = makePlatform({ store }).platform;
    const b = makePlatform({ store }).platform;
    let runs = 0;
    for (const p of [a, b]) p.messages.on('text', () => `run ${++runs}`);
    const message = textMessage('x');
    await send(a, wechat.encrypted(message));
    const fromB = await send(b, wechat.encrypted(message));
    expect(runs).toBe(1);
    expect(fromB.body).toBe('success');
  });

  test('while another server still runs the message, the retry waits for its outcome before answering', async () => {
    const store = new SharedMemoryStore();
    const a = makePlatform({ store }).platform;
    const b = makePlatform({ store }).platform;
    const gate = deferred<void>();
    let runs = 0;
    for (const p of [a, b]) {
      p.messages.on('text', async () => {
        runs++;
        await gate.promise;
        return 'done';
      });
    }
    const message = textMessage('x');
    const first = send(a, wechat.encrypted(message));
    await new Promise((r) => setTimeout(r, 10));
    let retried = false;
    const retry = send(b, wechat.encrypted(message)).then((res) => {
      retried = true;
      return res;
    });
    await new Promise((r) => setTimeout(r, 100));
    expect(retried).toBe(false); // still waiting for the other server's outcome
    gate.resolve();
    expect((await retry).body).toBe('success');
    expect(wechat.openReply((await first).body).record['Content']).toBe('done');
    expect(runs).toBe(1);
  });

  test('component pushes are deduplicated too', async () => {
    const { platform } = makePlatform();
    let runs = 0;
    platform.onInfo('unauthorized', () => void runs++);
    const info = { AppId: secrets.appId, CreateTime: 1700000000, InfoType: 'unauthorized', AuthorizerAppid: 'wx_x' };
    for (let i = 0; i < 3; i++) {
      const push = wechat.component(info);
      expect((await platform.handleAuthEvent({ method: 'POST', query: push.query, body: push.body })).body).toBe('success');
    }
    expect(runs).toBe(1);
  });

  test('dedupTtlMs 0 turns deduplication off', async () => {
    const { platform } = makePlatform({ dedupTtlMs: 0 });
    let runs = 0;
    platform.messages.on('text', () => void runs++);
    const message = textMessage('x');
    await send(platform, wechat.encrypted(message));
    await send(platform, wechat.encrypted(message));
    expect(runs).toBe(2);
  });

  test('health() reports the deliveries running and those kept for retries, and lets the kept ones go after dedupTtlMs', async () => {
    let now = 1_700_000_000_000;
    // A shared store: no replay guard in this process, and its marks live dedupTtlMs (no timestamp window).
    const store = new SharedMemoryStore({ now: () => now });
    const { platform } = makePlatform({ store, now: () => now, maxClockSkewSeconds: 0, dedupTtlMs: 1000 });
    const gate = deferred<void>();
    let fastRuns = 0;
    platform.messages.on('text', async (m) => {
      if (m.Content === 'slow') await gate.promise;
      else fastRuns++;
      return `echo: ${m.Content}`;
    });
    const fast = textMessage('fast');
    const slow = send(platform, wechat.encrypted(textMessage('slow')));
    await send(platform, wechat.encrypted(fast));
    let report = (await platform.health()).deliveries;
    expect(report.running).toBe(1);
    expect(report.kept).toBe(1);
    expect(report.keptBytes).toBeGreaterThan(0);
    gate.resolve();
    await slow;
    report = (await platform.health()).deliveries;
    expect([report.running, report.kept]).toEqual([0, 2]);
    await send(platform, wechat.encrypted(fast));
    expect(fastRuns).toBe(1);
    // After dedupTtlMs (and no timestamp window) the push is no longer known: it runs again.
    now += 1000 + 125;
    await send(platform, wechat.encrypted(fast));
    expect(fastRuns).toBe(2);
    now += 1000 + 125;
    report = (await platform.health()).deliveries;
    expect([report.kept, report.keptBytes]).toEqual([0, 0]);
    await platform.close();
  });

  test('marks expire, so memory does not grow with the number of deliveries', async () => {
    let now = 1_700_000_000_000;
    const store = new SharedMemoryStore({ now: () => now });
    const { platform } = makePlatform({ store, now: () => now, maxClockSkewSeconds: 0, dedupTtlMs: 1000 });
    for (let i = 0; i < 50; i++) await send(platform, wechat.encrypted(textMessage(`m${i}`)));
    expect(store.size).toBe(50);
    now += 1001;
    expect(store.size).toBe(0);
  });
});

describe('reply deadline', () => {
  test('answers success in time and hands the late reply to onLateReply', async () => {
    const late: LateReply[] = [];
    const lateSeen = deferred<void>();
    const { platform } = makePlatform({
      replyDeadlineMs: 30,
      onLateReply: (l) => {
        late.push(l);
        lateSeen.resolve();
      },
    });
    platform.messages.on('text', async (m) => {
      await new Promise((r) => setTimeout(r, 100));
      return `late ${m.Content}`;
    });
    const started = Date.now();
    const res = await send(platform, wechat.encrypted(textMessage('slow'), { openid: 'o' }));
    expect(res.body).toBe('success');
    expect(Date.now() - started).toBeLessThan(100);
    await lateSeen.promise;
    expect(late).toHaveLength(1);
    expect(late[0]).toMatchObject({ authorizerAppId: 'wx000000000000000a', reply: 'late slow' });
    expect(late[0]?.message.MsgType).toBe('text');
  });

  test('a handler that fails after the deadline is reported to the error hook', async () => {
    const failed = deferred<void>();
    const errors: WxOpenError[] = [];
    const platform = new AuthServer({
      ...secrets,
      replyDeadlineMs: 20,
      onError: (e) => {
        errors.push(e);
        failed.resolve();
      },
    });
    platform.messages.on('text', async () => {
      await new Promise((r) => setTimeout(r, 60));
      throw new Error('late failure');
    });
    expect((await send(platform, wechat.encrypted(textMessage('x')))).body).toBe('success');
    await failed.promise;
    expect(errors[0]?.code).toBe('ERR_HANDLER');
  });

  test('slow requests arriving one after another are each answered success at their own deadline', async () => {
    const late: LateReply[] = [];
    const allLate = deferred<void>();
    const { platform } = makePlatform({
      replyDeadlineMs: 40,
      onLateReply: (l) => {
        late.push(l);
        if (late.length === 3) allLate.resolve();
      },
    });
    platform.messages.on('text', async (m) => {
      await new Promise((r) => setTimeout(r, 150));
      return `late ${m.Content}`;
    });
    const answered: number[] = [];
    const started = Date.now();
    const requests = [0, 15, 30].map(async (delay, i) => {
      await new Promise((r) => setTimeout(r, delay));
      const res = await send(platform, wechat.encrypted(textMessage(`m${i}`)));
      answered.push(Date.now() - started);
      return res.body;
    });
    expect(await Promise.all(requests)).toEqual(['success', 'success', 'success']);
    expect(answered.every((ms) => ms < 150)).toBe(true);
    await allLate.promise;
    expect(late.map((l) => l.reply).sort()).toEqual(['late m0', 'late m1', 'late m2']);
  });

  test('a fast request is answered at once while a slow one waits for its deadline', async () => {
    const { platform } = makePlatform({ replyDeadlineMs: 60, onLateReply: () => undefined });
    const gate = deferred<void>();
    platform.messages.on('text', async (m) => {
      if (m.Content === 'slow') await gate.promise;
      return `reply ${m.Content}`;
    });
    const slow = send(platform, wechat.encrypted(textMessage('slow')));
    const fast = await send(platform, wechat.encrypted(textMessage('fast')));
    expect(wechat.openReply(fast.body).record['Content']).toBe('reply fast');
    expect((await slow).body).toBe('success');
    gate.resolve();
  });

  test('a fast handler is not affected by the deadline', async () => {
    const { platform } = makePlatform({ replyDeadlineMs: 1000 });
    platform.messages.on('text', () => 'quick');
    const res = await send(platform, wechat.encrypted(textMessage('x')));
    expect(wechat.openReply(res.body).record['Content']).toBe('quick');
  });
});
