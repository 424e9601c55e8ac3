/**
 * The examples' observability, in process: metrics fed by messages published on wxopen's diagnostics channels
 * (as the core publishes them), the pino lines of the error hook and of the channel events, and the status
 * codes of `/healthz`. The examples' tests check all of it again over HTTP on real processes.
 */
import diagnosticsChannel from 'node:diagnostics_channel';
import { Writable } from 'node:stream';
import type { ChannelName, Store, WxOpenChannels } from '@wxopen/core';
import { AuthServer, MemoryStore, WxOpenError, credentialKeys } from '@wxopen/core';
import { pino } from 'pino';
import type { WxOpenMetrics } from '@wxopen/example-shared';
import { ConfigError, createMetrics, createObservability, errorLogger, healthResponse, loadLogLevel, logEvents, metricsResponse } from '@wxopen/example-shared';
import { parseExposition, valueOf } from './exposition';

function publish<N extends ChannelName>(name: N, message: WxOpenChannels[N]): void {
  diagnosticsChannel.channel(name).publish(message);
}

async function samples(metrics: WxOpenMetrics) {
  return parseExposition(await metrics.registry.metrics());
}

const APPID = 'wx1234567890abcdef';

describe('metrics fed by the diagnostics channels', () => {
  let metrics: WxOpenMetrics;
  let clock = 1_800_000_000_000;
  beforeEach(() => {
    metrics = createMetrics({ defaultMetrics: false, now: () => clock });
  });
  afterEach(() => metrics.close());

  test('counts callbacks by endpoint, outcome and code, times them, and never labels them with the authorizer appid', async () => {
    publish('wxopen:callback', { endpoint: 'message', outcome: 'handled', status: 200, kind: 'text', authorizerAppId: APPID, durationMs: 12 });
    publish('wxopen:callback', { endpoint: 'message', outcome: 'handled', status: 200, kind: 'text', authorizerAppId: APPID, durationMs: 30 });
    publish('wxopen:callback', { endpoint: 'message', outcome: 'duplicate', status: 200, authorizerAppId: APPID, durationMs: 1 });
    publish('wxopen:callback', { endpoint: 'auth', outcome: 'rejected', status: 401, code: 'ERR_SIGNATURE', durationMs: 2 });
    const all = await samples(metrics);
    expect(valueOf(all, 'wxopen_callbacks_total', { endpoint: 'message', outcome: 'handled' })).toBe(2);
    expect(valueOf(all, 'wxopen_callbacks_total', { endpoint: 'message', outcome: 'duplicate' })).toBe(1);
    expect(valueOf(all, 'wxopen_callbacks_total', { endpoint: 'auth', outcome: 'rejected', code: 'ERR_SIGNATURE' })).toBe(1);
    expect(valueOf(all, 'wxopen_callback_duration_seconds_count', { endpoint: 'message', outcome: 'handled' })).toBe(2);
    expect(valueOf(all, 'wxopen_callback_duration_seconds_sum', { endpoint: 'message', outcome: 'handled' })).toBeCloseTo(0.042, 6);
    expect(valueOf(all, 'wxopen_callback_duration_seconds_bucket', { endpoint: 'message', outcome: 'handled', le: '0.025' })).toBe(1);
    expect(all.some((sample) => Object.values(sample.labels).includes(APPID))).toBe(false);
  });

  test('counts WeChat API calls by path, outcome, code and errcode, so the daily quota (45009) is a series of its own', async () => {
    publish('wxopen:api', { api: '/cgi-bin/message/custom/send', outcome: 'ok', durationMs: 40 });
    publish('wxopen:api', { api: '/cgi-bin/message/custom/send', outcome: 'error', code: 'ERR_API', errcode: 45009, durationMs: 40 });
    publish('wxopen:api', { api: '/cgi-bin/message/custom/send', outcome: 'error', code: 'ERR_API', errcode: 45009, durationMs: 40 });
    publish('wxopen:api', { api: '/cgi-bin/component/api_component_token', outcome: 'error', code: 'ERR_API_TIMEOUT', durationMs: 10_000 });
    const all = await samples(metrics);
    const send = '/cgi-bin/message/custom/send';
    expect(valueOf(all, 'wxopen_api_calls_total', { api: send, outcome: 'ok' })).toBe(1);
    expect(valueOf(all, 'wxopen_api_calls_total', { api: send, outcome: 'error', code: 'ERR_API', errcode: '45009' })).toBe(2);
    expect(valueOf(all, 'wxopen_api_calls_total', { api: '/cgi-bin/component/api_component_token', outcome: 'error', code: 'ERR_API_TIMEOUT' })).toBe(1);
    expect(valueOf(all, 'wxopen_api_duration_seconds_count', { api: send })).toBe(3);
  });

  test('counts token fetches by credential, outcome, code and errcode, and authorization codes by outcome', async () => {
    publish('wxopen:token', { credential: 'component', outcome: 'fetched', durationMs: 5 });
    publish('wxopen:token', { credential: 'authorizer', authorizerAppId: APPID, outcome: 'failed', code: 'ERR_API', errcode: 61023, durationMs: 5 });
    publish('wxopen:outbox', { authorizerAppId: APPID, outcome: 'queued' });
    publish('wxopen:outbox', { authorizerAppId: APPID, outcome: 'retrying', code: 'ERR_API_NETWORK' });
    publish('wxopen:outbox', { authorizerAppId: APPID, outcome: 'exchanged' });
    const all = await samples(metrics);
    expect(valueOf(all, 'wxopen_token_fetches_total', { credential: 'component', outcome: 'fetched' })).toBe(1);
    expect(valueOf(all, 'wxopen_token_fetches_total', { credential: 'authorizer', outcome: 'failed', code: 'ERR_API', errcode: '61023' })).toBe(1);
    expect(valueOf(all, 'wxopen_authorization_codes_total', { outcome: 'queued' })).toBe(1);
    expect(valueOf(all, 'wxopen_authorization_codes_total', { outcome: 'retrying', code: 'ERR_API_NETWORK' })).toBe(1);
    expect(valueOf(all, 'wxopen_authorization_codes_total', { outcome: 'exchanged' })).toBe(1);
    expect(all.some((sample) => Object.values(sample.labels).includes(APPID))).toBe(false);
  });

  test('turns wxopen_store_up to 0 while the store is down and back to 1, counting each outage once', async () => {
    expect(valueOf(await samples(metrics), 'wxopen_store_up')).toBe(1);
    publish('wxopen:store', { state: 'down', reason: 'connect ECONNREFUSED 127.0.0.1:6390' });
    let all = await samples(metrics);
    expect(valueOf(all, 'wxopen_store_up')).toBe(0);
    expect(valueOf(all, 'wxopen_store_outages_total')).toBe(1);
    publish('wxopen:store', { state: 'up' });
    publish('wxopen:store', { state: 'down', reason: 'get timed out after 1500 ms' });
    publish('wxopen:store', { state: 'up' });
    all = await samples(metrics);
    expect(valueOf(all, 'wxopen_store_up')).toBe(1);
    expect(valueOf(all, 'wxopen_store_outages_total')).toBe(2);
  });

  test('reports the verify ticket age as +Inf until a ticket is known, then as the seconds since it arrived', async () => {
    expect(valueOf(await samples(metrics), 'wxopen_verify_ticket_age_seconds')).toBe(Infinity);
    publish('wxopen:ticket', { receivedAt: clock });
    clock += 90_000;
    let all = await samples(metrics);
    expect(valueOf(all, 'wxopen_verify_ticket_age_seconds')).toBe(90);
    expect(valueOf(all, 'wxopen_verify_tickets_total')).toBe(1);
    clock += 1_200_000;
    all = await samples(metrics);
    expect(valueOf(all, 'wxopen_verify_ticket_age_seconds')).toBe(1290);
  });

  test('takes a stored ticket age and an unreachable store from a health report, never over a ticket seen since', async () => {
    const deliveries = { running: 0, kept: 0, keptBytes: 0, replayMarks: 0, replayBytes: 0 };
    metrics.seed({ status: 'down', store: { reachable: false, error: 'the store is unreachable or too slow' }, deliveries, problems: [] });
    expect(valueOf(await samples(metrics), 'wxopen_store_up')).toBe(0);
    const report = (ageMs: number) => ({
      status: 'ok' as const,
      store: { reachable: true },
      credentials: { ticket: { present: true, ageMs, stale: false }, componentToken: { present: false }, authorizations: { pending: 0 } },
      deliveries,
      problems: [],
    });
    metrics.seed(report(300_000));
    expect(valueOf(await samples(metrics), 'wxopen_verify_ticket_age_seconds')).toBe(300);
    publish('wxopen:ticket', { receivedAt: clock });
    metrics.seed(report(400_000));
    expect(valueOf(await samples(metrics), 'wxopen_verify_ticket_age_seconds')).toBe(0);
  });

  test('counts nothing more once closed', async () => {
    metrics.close();
    publish('wxopen:callback', { endpoint: 'auth', outcome: 'handled', status: 200, durationMs: 1 });
    expect(valueOf(await samples(metrics), 'wxopen_callbacks_total', { endpoint: 'auth', outcome: 'handled' })).toBeUndefined();
  });

  test("serves prom-client's default process metrics with the registry's content type", async () => {
    const withDefaults = createMetrics();
    try {
      const response = await metricsResponse(withDefaults.registry);
      expect(response.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
      const all = parseExposition(response.body);
      // Present, and a count: prom-client counts CPU time from when the registry was made, which the kernel may
      // not have ticked yet (seen as 0 on CI), so its value is not asserted.
      expect(valueOf(all, 'process_cpu_user_seconds_total')).toEqual(expect.any(Number));
      expect(valueOf(all, 'process_cpu_user_seconds_total')).toBeGreaterThanOrEqual(0);
      expect(valueOf(all, 'wxopen_store_up')).toBe(1);
    } finally {
      withDefaults.close();
    }
  });
});

/** A pino logger at `level` whose lines are parsed into `lines`. */
function capture(level = 'info') {
  const lines: Record<string, unknown>[] = [];
  const raw: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
        raw.push(line);
        lines.push(JSON.parse(line) as Record<string, unknown>);
      }
      done();
    },
  });
  return { logger: pino({ level }, destination), lines, raw };
}

describe('logs', () => {
  test("writes a 4xx rejection at warn and a 5xx failure at error, one JSON line each, with code, detail, endpoint, appid and the cause's message", () => {
    const { logger, lines } = capture();
    const hook = errorLogger(logger);
    hook(new WxOpenError('ERR_MSG_SIGNATURE', { detail: 'mismatch' }), { endpoint: 'message', authorizerAppId: APPID });
    // The outbox reports a failed scan with an empty appid: no field rather than an empty one.
    hook(new WxOpenError('ERR_HANDLER', { cause: new Error('db connection refused') }), { endpoint: 'auth', authorizerAppId: '' });
    expect(lines).toEqual([
      expect.objectContaining({ level: 40, code: 'ERR_MSG_SIGNATURE', status: 401, detail: 'mismatch', endpoint: 'message', authorizerAppId: APPID, msg: 'msg_signature check failed: mismatch' }),
      expect.objectContaining({ level: 50, code: 'ERR_HANDLER', status: 500, endpoint: 'auth', cause: 'db connection refused', msg: 'handler failed' }),
    ]);
    expect(lines[1]).not.toHaveProperty('authorizerAppId');
  });

  test('keeps an appid from the URL inside its JSON field, however it is made, and cut to 64 characters', () => {
    const { logger, lines, raw } = capture();
    const forged = `wx1\n{"level":60,"msg":"forged"}${'x'.repeat(100)}`;
    errorLogger(logger)(new WxOpenError('ERR_ROUTE'), { endpoint: 'message', authorizerAppId: forged });
    expect(raw).toHaveLength(1);
    expect(lines[0]?.['authorizerAppId']).toBe(`${forged.slice(0, 64)}…`);
  });

  test('writes the store going down at error with its reason and back up at info, a 45009 at warn, and callbacks only at debug', () => {
    const { logger, lines } = capture();
    const stop = logEvents(logger);
    try {
      publish('wxopen:store', { state: 'down', reason: 'connect ECONNREFUSED 127.0.0.1:6390' });
      publish('wxopen:store', { state: 'up' });
      publish('wxopen:api', { api: '/cgi-bin/message/custom/send', outcome: 'error', code: 'ERR_API', errcode: 45009, durationMs: 3 });
      publish('wxopen:callback', { endpoint: 'auth', outcome: 'handled', status: 200, durationMs: 1 });
      publish('wxopen:outbox', { authorizerAppId: APPID, outcome: 'failed', code: 'ERR_AUTH_CODE' });
    } finally {
      stop();
    }
    expect(lines).toEqual([
      expect.objectContaining({ level: 50, event: 'store', state: 'down', reason: 'connect ECONNREFUSED 127.0.0.1:6390' }),
      expect.objectContaining({ level: 30, event: 'store', state: 'up' }),
      expect.objectContaining({ level: 40, event: 'api', errcode: 45009, msg: 'WeChat API daily quota reached (45009)' }),
      expect.objectContaining({ level: 50, event: 'authorization', outcome: 'failed', authorizerAppId: APPID, code: 'ERR_AUTH_CODE' }),
    ]);
  });

  test('reads WXOPEN_LOG_LEVEL, info by default, and refuses an unknown level naming the known ones', () => {
    expect(loadLogLevel({})).toBe('info');
    expect(loadLogLevel({ WXOPEN_LOG_LEVEL: ' Debug ' })).toBe('debug');
    expect(loadLogLevel({ WXOPEN_LOG_LEVEL: 'silent' })).toBe('silent');
    expect(() => loadLogLevel({ WXOPEN_LOG_LEVEL: 'verbose' })).toThrow(ConfigError);
    expect(() => loadLogLevel({ WXOPEN_LOG_LEVEL: 'verbose' })).toThrow('one of trace, debug, info, warn, error, fatal, silent, got "verbose"');
  });
});

describe('an example watching its platform', () => {
  // Breaks when a restarted process reports +Inf until WeChat's next push, up to 10 minutes of a false alert.
  test('reports the age of a verify ticket stored before it started, read once from the platform', async () => {
    const secrets = { appId: 'wx0123456789abcdef', appSecret: 'secret', token: 'token', encodingAESKey: 'a'.repeat(43) };
    const store = new MemoryStore();
    const keys = credentialKeys(secrets.appId);
    await store.set(keys.ticket, 'ticket@@@stored');
    await store.set(keys.ticketReceivedAt, String(Date.now() - 300_000));
    const platform = new AuthServer({ ...secrets, store });
    const observability = createObservability({ logger: capture().logger });
    try {
      expect(valueOf(await samples(observability.metrics), 'wxopen_verify_ticket_age_seconds')).toBe(Infinity);
      await observability.watch(platform);
      const age = valueOf(await samples(observability.metrics), 'wxopen_verify_ticket_age_seconds');
      expect(age).toBeGreaterThanOrEqual(300);
      expect(age).toBeLessThan(360);
    } finally {
      observability.close();
      await platform.close();
    }
  });
});

/** A store whose every call fails, as Redis does while unreachable. */
function unreachableStore(): Store {
  const fail = () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:6390'));
  return { get: fail, set: fail, delete: fail, setIfAbsent: fail, compareAndDelete: fail, compareAndSet: fail };
}

describe('/healthz', () => {
  const secrets = { appId: 'wx0123456789abcdef', appSecret: 'secret', token: 'token', encodingAESKey: 'a'.repeat(43) };

  test('answers 200 for a degraded platform: callbacks work, a person must look at the credentials', async () => {
    const platform = new AuthServer({ ...secrets, store: new MemoryStore() });
    try {
      const response = await healthResponse(platform);
      expect(response.status).toBe(200);
      expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(JSON.parse(response.body)).toMatchObject({ status: 'degraded', problems: [expect.stringContaining('no component_verify_ticket yet')] });
    } finally {
      await platform.close();
    }
  });

  test('answers 200 for a platform without a credential chain, and 503 when the store does not answer', async () => {
    const plain = new AuthServer({ appId: secrets.appId, token: secrets.token, encodingAESKey: secrets.encodingAESKey });
    const down = new AuthServer({ ...secrets, store: unreachableStore(), onError: () => undefined });
    try {
      expect((await healthResponse(plain)).status).toBe(200);
      const response = await healthResponse(down);
      expect(response.status).toBe(503);
      expect(JSON.parse(response.body)).toMatchObject({ status: 'down', store: { reachable: false } });
    } finally {
      await plain.close();
      await down.close();
    }
  });
});
