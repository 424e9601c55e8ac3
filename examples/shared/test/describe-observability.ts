/**
 * Health, metrics and logs of every example, over HTTP on the built example as a real process: one process
 * whose credential chain talks to a fake WeChat (a fresh platform, then a verify ticket, pushes handled,
 * repeated and forged, a WeChat API call refused for quota), and one whose Redis does not answer.
 *
 * Numbers are read from the parsed Prometheus exposition and compared, log lines are parsed as JSON.
 */
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FakeWechat } from '@wxopen/testing';
import { WechatSimulator, startFakeWechat, textMessage } from '@wxopen/testing';
import type { Sample } from './exposition';
import { parseExposition, valueOf } from './exposition';
import type { ExampleProcess, Framework } from './example-process';
import { childEnv, credentialsEnv, entryOf, kill, removeStateDirectories, startExample } from './example-process';

/** The authorizer of the pushes that are handled, and the one of the forged push. */
const AUTHORIZER = 'wx0000000000000a00';
const FORGED_FOR = 'wx00000000000b0b0b';
/** The 全网发布 test account: its QUERY_AUTH_CODE case makes the platform call WeChat's API. */
const RELEASE_TEST_APPID = 'wx570bc396a51b8ff8';
const RELEASE_TEST_USERNAME = 'gh_3c884a361561';
const CUSTOM_SEND = '/cgi-bin/message/custom/send';

interface Fetched {
  readonly status: number;
  readonly contentType: string;
  readonly text: string;
}

async function get(url: string): Promise<Fetched> {
  const response = await fetch(url);
  return { status: response.status, contentType: response.headers.get('content-type') ?? '', text: await response.text() };
}

async function post(url: string, body: string): Promise<Fetched> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'text/xml' }, body });
  return { status: response.status, contentType: response.headers.get('content-type') ?? '', text: await response.text() };
}

async function metricsOf(url: string): Promise<Sample[]> {
  const response = await get(`${url}/metrics`);
  expect(response.status).toBe(200);
  return parseExposition(response.text);
}

/** Re-reads `/metrics` until `done` holds for it (work in the background is published after its response). */
async function metricsWhen(url: string, what: string, done: (samples: Sample[]) => boolean): Promise<Sample[]> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const samples = await metricsOf(url);
    if (done(samples)) return samples;
    await sleep(50);
  }
  throw new Error(`/metrics never showed ${what}`);
}

/** The JSON lines (pino's) among what the example printed. */
function jsonLines(output: string): Record<string, unknown>[] {
  return output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** A port on this machine where nothing listens. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export function describeObservability(framework: Framework): void {
  describe(`${framework} example process: /healthz, /metrics and logs, with a fake WeChat`, () => {
    const secrets = WechatSimulator.generateSecrets();
    const wechat = new WechatSimulator(secrets);
    let fake: FakeWechat;
    let example: ExampleProcess;
    let url: string;
    let ticket: string;
    let authorizationCode: string;

    beforeAll(async () => {
      fake = await startFakeWechat({ componentAppId: secrets.appId, componentAppSecret: secrets.appSecret });
      example = startExample(
        entryOf(framework),
        childEnv({
          ...credentialsEnv(secrets),
          WECHAT_API_BASE: fake.url,
        }),
      );
      url = await example.listening;
    }, 30_000);

    afterAll(async () => {
      if (example) await kill(example);
      await fake?.close();
      removeStateDirectories();
    });

    // The tests below run in order on the one process, each from where the previous one left it.

    test('answers /healthz with 200 and "degraded" before the first verify ticket, saying so in words', async () => {
      const response = await get(`${url}/healthz`);
      expect(response.status).toBe(200);
      expect(response.contentType).toMatch(/^application\/json/);
      expect(JSON.parse(response.text)).toMatchObject({
        status: 'degraded',
        store: { reachable: true },
        credentials: { ticket: { present: false, stale: true } },
        problems: [expect.stringMatching(/^no component_verify_ticket yet/)],
      });
      const samples = await metricsOf(url);
      expect(valueOf(samples, 'wxopen_verify_ticket_age_seconds')).toBe(Infinity);
      expect(valueOf(samples, 'wxopen_store_up')).toBe(1);
    });

    test('answers /healthz "ok" once WeChat pushed a verify ticket, and /metrics shows the ticket and its age', async () => {
      ticket = fake.pushTicket();
      const push = wechat.component({ AppId: secrets.appId, CreateTime: Math.floor(Date.now() / 1000), InfoType: 'component_verify_ticket', ComponentVerifyTicket: ticket });
      expect(await post(`${url}${push.url('/wechat/auth')}`, push.body)).toMatchObject({ status: 200, text: 'success' });

      const response = await get(`${url}/healthz`);
      expect(response.status).toBe(200);
      expect(JSON.parse(response.text)).toMatchObject({ status: 'ok', credentials: { ticket: { present: true, stale: false } }, problems: [] });
      const samples = await metricsOf(url);
      expect(valueOf(samples, 'wxopen_verify_tickets_total')).toBe(1);
      expect(valueOf(samples, 'wxopen_verify_ticket_age_seconds')).toBeGreaterThanOrEqual(0);
      expect(valueOf(samples, 'wxopen_verify_ticket_age_seconds')).toBeLessThan(60);
      expect(valueOf(samples, 'wxopen_callbacks_total', { endpoint: 'auth', outcome: 'handled' })).toBe(1);
    });

    test('counts a handled, a repeated and a forged push in /metrics by endpoint, outcome and code, never by appid', async () => {
      const push = wechat.encrypted(textMessage('counted'));
      const first = await post(`${url}${push.url(`/wechat/callback/${AUTHORIZER}`)}`, push.body);
      expect(wechat.openReply(first.text).record['Content']).toBe('echo: counted');
      expect((await post(`${url}${push.url(`/wechat/callback/${AUTHORIZER}`)}`, push.body)).status).toBe(200); // WeChat's retry
      const forged = wechat.encrypted(textMessage('forged'));
      const query = new URLSearchParams({ ...forged.query, msg_signature: '0'.repeat(40) });
      expect((await post(`${url}/wechat/callback/${FORGED_FOR}?${query.toString()}`, forged.body)).status).toBe(401);

      const response = await get(`${url}/metrics`);
      expect(response.contentType).toMatch(/^text\/plain;/);
      expect(response.contentType).toContain('version=0.0.4');
      const samples = parseExposition(response.text);
      expect(valueOf(samples, 'wxopen_callbacks_total', { endpoint: 'message', outcome: 'handled' })).toBe(1);
      expect(valueOf(samples, 'wxopen_callbacks_total', { endpoint: 'message', outcome: 'duplicate' })).toBe(1);
      expect(valueOf(samples, 'wxopen_callbacks_total', { endpoint: 'message', outcome: 'rejected', code: 'ERR_MSG_SIGNATURE' })).toBe(1);
      expect(valueOf(samples, 'wxopen_callbacks_total', { endpoint: 'auth', outcome: 'handled' })).toBe(1);
      expect(valueOf(samples, 'wxopen_callback_duration_seconds_count', { endpoint: 'message', outcome: 'handled' })).toBe(1);
      expect(valueOf(samples, 'wxopen_callback_duration_seconds_sum', { endpoint: 'message', outcome: 'handled' })).toBeGreaterThan(0);
      expect(valueOf(samples, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
      expect(response.text).not.toContain(AUTHORIZER);
      expect(response.text).not.toContain(FORGED_FOR);
    });

    test('logs the forged push as one JSON line at warn with its code, and the appid as a field of its own', async () => {
      await example.printedLine(/"code":"ERR_MSG_SIGNATURE"/);
      const lines = jsonLines(example.output()).filter((line) => line['code'] === 'ERR_MSG_SIGNATURE');
      expect(lines).toEqual([
        expect.objectContaining({ level: 40, status: 401, endpoint: 'message', authorizerAppId: FORGED_FOR, msg: expect.stringMatching(/^msg_signature check failed/) }),
      ]);
    });

    test('counts one component token fetch and a WeChat API call refused for quota (45009), and logs the refusal', async () => {
      fake.quota(CUSTOM_SEND);
      authorizationCode = fake.registerAuthorizationCode({ appId: RELEASE_TEST_APPID });
      const push = wechat.encrypted(textMessage(`QUERY_AUTH_CODE:${authorizationCode}`, { to: RELEASE_TEST_USERNAME, from: 'ozy4qt5QUADNXORxCVipKMV9dss0' }));
      expect(await post(`${url}${push.url(`/wechat/callback/${RELEASE_TEST_APPID}`)}`, push.body)).toMatchObject({ status: 200, text: 'success' });

      const quota = { api: CUSTOM_SEND, outcome: 'error', code: 'ERR_API', errcode: '45009' };
      const samples = await metricsWhen(url, 'the customer-service call refused for quota', (all) => valueOf(all, 'wxopen_api_calls_total', quota) === 1);
      expect(valueOf(samples, 'wxopen_token_fetches_total', { credential: 'component', outcome: 'fetched' })).toBe(1);
      expect(valueOf(samples, 'wxopen_api_calls_total', { api: '/cgi-bin/component/api_component_token', outcome: 'ok' })).toBe(1);
      expect(valueOf(samples, 'wxopen_api_calls_total', { api: '/cgi-bin/component/api_query_auth', outcome: 'ok' })).toBe(1);
      expect(fake.count(CUSTOM_SEND)).toBe(1);
      await example.printedLine(/WeChat API daily quota reached/);
      expect(jsonLines(example.output())).toContainEqual(
        expect.objectContaining({ level: 40, event: 'api', api: CUSTOM_SEND, errcode: 45009, msg: 'WeChat API daily quota reached (45009)' }),
      );
    });

    test('prints no secret: no AppSecret, Token, EncodingAESKey, ticket, access or refresh token, or authorization code', async () => {
      await kill(example);
      const { stdout, stderr } = await example.exited;
      const output = stdout + stderr;
      const secretValues = [
        secrets.appSecret,
        secrets.token,
        secrets.encodingAESKey,
        ticket,
        authorizationCode,
        fake.state.componentToken,
        ...[...fake.state.authorizers.values()].flatMap((authorizer) => [authorizer.accessToken, authorizer.refreshToken]),
      ];
      expect(secretValues.filter((value) => value === undefined)).toEqual([]);
      for (const value of secretValues) expect(output).not.toContain(value);
      expect(jsonLines(output).length).toBeGreaterThan(0);
    });
  });

  describe(`${framework} example process: /healthz and /metrics when the store does not answer`, () => {
    let example: ExampleProcess;
    afterAll(async () => {
      if (example) await kill(example);
      removeStateDirectories();
    });

    test('answers /healthz with 503 and "down", pushes with 503, and /metrics shows the store down once, logged at error', async () => {
      const secrets = WechatSimulator.generateSecrets();
      const wechat = new WechatSimulator(secrets);
      example = startExample(
        entryOf(framework),
        childEnv({
          ...credentialsEnv(secrets),
          WECHAT_API_BASE: 'http://127.0.0.1:9',
          REDIS_URL: `redis://127.0.0.1:${await closedPort()}`,
        }),
      );
      const url = await example.listening;

      const health = await get(`${url}/healthz`);
      expect(health.status).toBe(503);
      expect(JSON.parse(health.text)).toMatchObject({ status: 'down', store: { reachable: false }, problems: [expect.stringMatching(/^the store does not answer/)] });
      const push = wechat.encrypted(textMessage('while redis is away'));
      expect((await post(`${url}${push.url(`/wechat/callback/${AUTHORIZER}`)}`, push.body)).status).toBe(503);

      const samples = await metricsOf(url);
      expect(valueOf(samples, 'wxopen_store_up')).toBe(0);
      expect(valueOf(samples, 'wxopen_store_outages_total')).toBe(1);
      expect(valueOf(samples, 'wxopen_callbacks_total', { endpoint: 'message', outcome: 'rejected', code: 'ERR_STORE' })).toBe(1);
      await example.printedLine(/"code":"ERR_STORE"/);
      const lines = jsonLines(example.output());
      expect(lines.filter((line) => line['code'] === 'ERR_STORE' && line['endpoint'] === 'message')).toEqual([
        expect.objectContaining({ level: 50, status: 503, endpoint: 'message', authorizerAppId: AUTHORIZER }),
      ]);
      expect(lines).toContainEqual(expect.objectContaining({ level: 50, event: 'store', state: 'down' }));
    }, 30_000);
  });
}
