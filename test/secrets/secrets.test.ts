/**
 * No secret ever reaches a log line, an error or a response.
 *
 * Runs the scenarios of the whole suite in one process — every rejected and hostile request of the conformance
 * tables, the credential chain against the fake WeChat (tickets, tokens, refresh tokens, 40001 retries, quota,
 * invalid refresh tokens, timeouts, the release test) and late replies — with the error hook, the API hooks
 * and the console captured, then looks for every secret in everything captured. The secrets are the
 * platform's own (Token, AppSecret, EncodingAESKey and the AES key) plus every ticket, access token, refresh
 * token and pre-auth code that crossed the wire to the fake WeChat. A hostile network between the platform and
 * the fake (redirects to a foreign host that carry the token, oversized bodies) is part of the scenarios.
 */
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AuthServerOptions, FetchLike } from '@wxopen/core';
import { AuthServer } from '@wxopen/core';
import type { FakeWechat } from '@wxopen/testing';
import { startFakeWechat, textMessage } from '@wxopen/testing';
import { Forge, HOSTILE_CRYPTO, HOSTILE_METHODS, HOSTILE_QUERY, HOSTILE_XML, REJECTED, pathOf } from '@wxopen/testing/conformance';
import type { RawRequest } from '@wxopen/testing/conformance';

const SECRET_FIELDS = [
  'component_verify_ticket',
  'component_appsecret',
  'component_secret',
  'component_access_token',
  'authorizer_access_token',
  'authorizer_refresh_token',
  'refresh_token',
  'pre_auth_code',
  'access_token',
];

/** Everything a user could see: collected from hooks, the console, thrown errors and responses. */
const seen: string[] = [];
/** Every secret value that crossed the wire. */
const wireSecrets = new Set<string>();

function describeValue(value: unknown, depth = 0): string {
  if (depth > 5) return '';
  if (value instanceof Error) {
    const own = JSON.stringify(value, Object.getOwnPropertyNames(value));
    return `${String(value)}\n${value.stack ?? ''}\n${own}\n${describeValue(value.cause, depth + 1)}`;
  }
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

const record = (...values: unknown[]): void => {
  seen.push(values.map((v) => describeValue(v)).join(' '));
};

function harvest(source: unknown): void {
  if (!source || typeof source !== 'object') return;
  for (const [key, value] of Object.entries(source as Record<string, unknown>)) {
    if (SECRET_FIELDS.includes(key) && typeof value === 'string' && value.length >= 8) wireSecrets.add(value);
    else if (value && typeof value === 'object') harvest(value);
  }
}

/** The first `max` bytes of a response body as text (the rest is left unread, so a huge body stays unread). */
async function headOf(response: Response, max: number): Promise<string> {
  const reader = response.body?.getReader();
  if (!reader) return '';
  const chunks: Buffer[] = [];
  let size = 0;
  while (size <= max) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(Buffer.from(value));
    size += value.byteLength;
  }
  // Not awaited: the cancel of one branch of a cloned body settles only when the other branch is done too.
  reader.cancel().catch(() => undefined);
  return Buffer.concat(chunks).toString('utf8');
}

/** A `fetch` that records every secret sent to or received from WeChat. */
const capturingFetch: FetchLike = async (input, init) => {
  const url = new URL(String(input));
  harvest(Object.fromEntries(url.searchParams));
  if (typeof init?.body === 'string') harvest(JSON.parse(init.body));
  const response = await fetch(input, init);
  const text = await headOf(response.clone(), 1024 * 1024);
  try {
    harvest(JSON.parse(text));
  } catch {
    // not JSON (or cut short): nothing to harvest
  }
  return response;
};

/** What the hostile network in front of the fake WeChat does with the next requests. */
let network: { mode: 'pass' } | { mode: 'redirect'; status: number } | { mode: 'huge' } = { mode: 'pass' };
/** Requests that reached the foreign host a redirect points to (must stay empty). */
const stolen: string[] = [];

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const foreignHost = createServer((request, response) => {
  stolen.push(request.url ?? '');
  response.end('{}');
});

/** Passes requests on to the fake WeChat, or redirects them (Location keeps the query, token included), or floods. */
const hostileNetwork = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    if (network.mode === 'redirect') {
      const { port } = foreignHost.address() as AddressInfo;
      response.writeHead(network.status, { location: `http://127.0.0.1:${port}${request.url ?? '/'}` }).end();
      return;
    }
    if (network.mode === 'huge') {
      response.writeHead(200, { 'content-type': 'application/json' });
      const chunk = Buffer.alloc(64 * 1024, 'x');
      let written = 0;
      const pump = () => {
        while (written < 100 * 1024 * 1024 && !response.destroyed) {
          written += chunk.length;
          if (!response.write(chunk)) return void response.once('drain', pump);
        }
        response.end();
      };
      response.write(`{"errcode":0,"list":"${ACCESS_TOKEN_LOOKALIKE}`);
      pump();
      return;
    }
    const body = request.method === 'POST' ? Buffer.concat(chunks) : undefined;
    fetch(fake.url + (request.url ?? '/'), { method: request.method, headers: { 'content-type': 'application/json' }, body })
      .then(async (upstream) => {
        response.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/json' });
        response.end(Buffer.from(await upstream.arrayBuffer()));
      })
      .catch(() => response.writeHead(502).end());
  });
});
/** The head of the flood: a secret-looking value that must not reach an error either. */
const ACCESS_TOKEN_LOOKALIKE = 'FLOODED_TOKEN_LOOKALIKE_0123456789';

function toCore(raw: RawRequest) {
  const query: Record<string, string | string[]> = {};
  for (const [k, v] of new URLSearchParams(pathOf(raw).split('?')[1] ?? '')) {
    const prior = query[k];
    query[k] = prior === undefined ? v : Array.isArray(prior) ? [...prior, v] : [prior, v];
  }
  return { method: raw.method ?? 'POST', query, body: raw.body ?? '', authorizerAppId: 'wx00000000000000a1' };
}

const forge = new Forge();
let fake: FakeWechat;
const consoleSpies: jest.SpyInstance[] = [];

function platform(extra: Partial<AuthServerOptions> = {}, captureHooks = true): AuthServer {
  const p = new AuthServer({
    ...forge.secrets,
    apiBase: fake.url,
    fetch: capturingFetch,
    ...(captureHooks
      ? {
          onError: (error, context) => record(error, context),
          onLateReply: (late) => record(late),
          apiHooks: {
            onQuotaExceeded: (e) => record(e),
            onInvalidTicket: (e) => record(e),
            onInvalidRefreshToken: (appid, e) => record(appid, e),
            onBackgroundError: (e) => record(e),
          },
        }
      : {}),
    ...extra,
  });
  p.messages.on('text', (m) => `echo: ${m.Content}`);
  return p;
}

/** Runs an API call as a user would and records what a user would log: the error when it fails. */
async function attempt(task: () => Promise<unknown>): Promise<void> {
  try {
    await task(); // a successful result is the caller's data (it may hold tokens by design): not recorded
  } catch (error) {
    record(error);
  }
}

beforeAll(async () => {
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    consoleSpies.push(jest.spyOn(console, method).mockImplementation((...args: unknown[]) => record(...args)));
  }
  fake = await startFakeWechat({ componentAppId: forge.secrets.appId, componentAppSecret: forge.secrets.appSecret });
  await listen(foreignHost);
  hostileNetworkUrl = await listen(hostileNetwork);
});
let hostileNetworkUrl: string;

afterAll(async () => {
  for (const spy of consoleSpies) spy.mockRestore();
  await fake.close();
  for (const server of [foreignHost, hostileNetwork]) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

test('no secret appears in any hook, log line, error or response across the suite’s scenarios', async () => {
  const hooked = platform();
  const defaults = platform({}, false); // default hooks: they write to the (captured) console

  // 1. Every rejected and hostile request of the conformance tables, through both platforms.
  const cases = [...REJECTED, ...HOSTILE_XML, ...HOSTILE_CRYPTO, ...HOSTILE_QUERY, ...HOSTILE_METHODS];
  for (const c of cases) {
    for (const p of [hooked, defaults]) {
      const raw = c.request(forge);
      const target = c.options ? platform(c.options, p === hooked) : p;
      const res = raw.endpoint === 'auth' ? await target.handleAuthEvent(toCore(raw)) : await target.handleMessage(toCore(raw));
      record(res);
    }
  }

  // 2. The credential chain: ticket push, authorization, tokens, retries and failures.
  const ticket = fake.pushTicket();
  const ticketPush = forge.wechat.component({ AppId: forge.secrets.appId, CreateTime: 1, InfoType: 'component_verify_ticket', ComponentVerifyTicket: ticket });
  record(await hooked.handleAuthEvent({ method: 'POST', query: ticketPush.query, body: ticketPush.body }));
  const code = fake.registerAuthorizationCode({ appId: 'wx_secret_test_1' });
  const authorized = forge.wechat.component({
    AppId: forge.secrets.appId, CreateTime: 2, InfoType: 'authorized', AuthorizerAppid: 'wx_secret_test_1',
    AuthorizationCode: code, AuthorizationCodeExpiredTime: 3, PreAuthCode: 'preauthcode@@@x',
  });
  record(await hooked.handleAuthEvent({ method: 'POST', query: authorized.query, body: authorized.body }));
  await hooked.idle();
  await attempt(() => hooked.componentToken());
  await attempt(() => hooked.authorizer('wx_secret_test_1').token());
  await attempt(() => hooked.credentials.authorizationUrl({ redirectUri: 'https://example.com/cb' }));
  fake.failNext('api_get_authorizer_list', 40001);
  await attempt(() => hooked.credentials.getAuthorizerList());
  fake.failNext('api_get_authorizer_list', 40001, 2);
  await attempt(() => hooked.credentials.getAuthorizerList());
  fake.quota('api_get_authorizer_info');
  await attempt(() => hooked.credentials.getAuthorizerInfo('wx_secret_test_1'));
  fake.quota('api_get_authorizer_info', false);
  fake.busy('api_get_authorizer_list', 5);
  await attempt(() => hooked.credentials.getAuthorizerList());
  fake.httpError?.('api_get_authorizer_list', 502);
  await attempt(() => hooked.credentials.getAuthorizerList());

  // The release test's API case, then an authorizer who withdrew (61023), an expired ticket and a timeout.
  const releaseCode = fake.registerAuthorizationCode({ appId: 'wx570bc396a51b8ff8' });
  const release = forge.wechat.encrypted(textMessage(`QUERY_AUTH_CODE:${releaseCode}`, { to: 'gh_3c884a361561' }));
  record(await hooked.handleMessage({ method: 'POST', query: release.query, body: release.body, authorizerAppId: 'wx570bc396a51b8ff8' }));
  await hooked.idle();
  expect(fake.sentMessages.length).toBe(1); // the scenario really ran
  fake.unauthorize('wx_secret_test_1');
  await attempt(() => hooked.credentials.refreshAuthorizerToken('wx_secret_test_1'));
  fake.expireTicket(ticket);
  fake.state.componentToken = undefined;
  await attempt(() => hooked.refreshComponentToken());
  const slow = platform({ apiTimeoutMs: 20 });
  fake.pushTicket();
  fake.latency('api_component_token', 200);
  await attempt(() => slow.componentToken());
  fake.latency('api_component_token', 0);

  // 3. A reply that misses the deadline, reported by the default late-reply hook.
  const late = platform({ replyDeadlineMs: 5 }, false);
  late.messages.onEvent('CLICK', async () => {
    await new Promise((r) => setTimeout(r, 30));
    return 'late';
  });
  const click = forge.wechat.encrypted({ ToUserName: 'gh_1', FromUserName: 'o_1', CreateTime: 1, MsgType: 'event', Event: 'CLICK', EventKey: 'k' });
  record(await late.handleMessage({ method: 'POST', query: click.query, body: click.body }));
  await new Promise((r) => setTimeout(r, 60));

  // 4. A hostile network between the platform and WeChat: redirects that would carry the token (GET query) or
  //    re-post the AppSecret and the ticket (307) to a foreign host, and a 100 MB body.
  const exposed = platform({ apiBase: hostileNetworkUrl });
  const exposedTicket = fake.pushTicket();
  const exposedPush = forge.wechat.component({ AppId: forge.secrets.appId, CreateTime: 4, InfoType: 'component_verify_ticket', ComponentVerifyTicket: exposedTicket });
  record(await exposed.handleAuthEvent({ method: 'POST', query: exposedPush.query, body: exposedPush.body }));
  await attempt(() => exposed.componentToken()); // passed through: the platform now holds a token
  for (const status of [301, 302, 303, 307, 308]) {
    network = { mode: 'redirect', status };
    await attempt(() => exposed.credentials.getAuthorizerList()); // the token is in the query
    await attempt(() => exposed.refreshComponentToken()); // the AppSecret and the ticket are in the body
  }
  network = { mode: 'huge' };
  await attempt(() => exposed.credentials.getAuthorizerList());
  network = { mode: 'pass' };
  expect(stolen).toEqual([]);
  wireSecrets.add(ACCESS_TOKEN_LOOKALIKE);
  const hostileLines = seen.filter((line) => line.includes('ERR_API_HTTP') || line.includes('ERR_API_RESPONSE')).join('\n');
  expect(hostileLines).toContain('HTTP 307 (redirects are not followed)');
  expect(hostileLines).toContain('body exceeds 1048576 bytes');

  for (const p of [hooked, defaults, slow, late, exposed]) await p.close();

  // The scenarios really produced output and really handled secrets, so the check below cannot pass vacuously.
  const secrets = [...forge.secretTexts(), ...wireSecrets];
  expect(wireSecrets.size).toBeGreaterThanOrEqual(6); // tickets, component tokens, authorizer tokens, refresh tokens, pre-auth code
  expect(seen.length).toBeGreaterThan(cases.length * 2);
  const everything = seen.join('\n');
  expect(everything).toContain('ERR_MSG_SIGNATURE');
  expect(everything).toContain('ERR_API');

  const leaks = secrets.filter((secret) => everything.includes(secret));
  const where = leaks.map((secret) => seen.find((line) => line.includes(secret))?.slice(0, 400));
  expect(where).toEqual([]);
});

test('the leak check itself finds a secret that is present', () => {
  const secret = forge.secrets.token;
  const text = [...seen, `oops ${secret}`].join('\n');
  expect(forge.secretTexts().filter((s) => text.includes(s))).toContain(secret);
});
