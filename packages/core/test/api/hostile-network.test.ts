/**
 * The API transport against a hostile or broken network, on real `node:http` servers on loopback: redirects
 * are never followed, bodies are abandoned past the size limit, every call has a deadline (body included),
 * and no error, detail or cause carries the request URL, its token, a secret of the body or `Location`.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client } from '../../src/api/client';
import type { TokenSource } from '../../src/api/client';
import { ApiTransport } from '../../src/api/transport';
import type { FetchLike } from '../../src/api/transport';
import { WechatApiError, WxOpenError } from '../../src/errors';

const TOKEN = 'ACCESS_TOKEN_SECRET_123456';
const APP_SECRET = 'APP_SECRET_VALUE_abcdef';
const TICKET = 'ticket@@@VERIFY_TICKET_SECRET';
const SECRETS = [TOKEN, APP_SECRET, TICKET];

interface TestServer {
  readonly url: string;
  /** Requests received, by path. */
  readonly hits: string[];
  close(): Promise<void>;
}

async function serve(handler: (request: IncomingMessage, response: ServerResponse) => void): Promise<TestServer> {
  const hits: string[] = [];
  const server = createServer((request, response) => {
    hits.push(new URL(request.url ?? '/', 'http://x').pathname);
    request.resume();
    handler(request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    hits,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const servers: TestServer[] = [];
async function start(handler: (request: IncomingMessage, response: ServerResponse) => void): Promise<TestServer> {
  const server = await serve(handler);
  servers.push(server);
  return server;
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function rejection(promise: Promise<unknown>): Promise<WxOpenError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(WxOpenError);
    return error as WxOpenError;
  }
  throw new Error('expected a rejection');
}

/** Everything an error shows: message, stack, own fields, and the same for every cause. */
function everythingIn(error: unknown, depth = 0): string {
  if (depth > 6 || error === undefined || error === null) return '';
  if (!(error instanceof Error)) return String(error);
  return [String(error), error.stack ?? '', JSON.stringify(error, Object.getOwnPropertyNames(error)), everythingIn(error.cause, depth + 1)].join('\n');
}

function expectNothingLeaked(error: unknown, ...more: string[]): void {
  const text = everythingIn(error);
  for (const secret of [...SECRETS, ...more]) expect(text).not.toContain(secret);
  expect(text).not.toMatch(/\?[a-z_]+=/); // no URL with a query string anywhere
}

describe('redirects are never followed', () => {
  test.each([301, 302, 303, 307, 308])('a GET answered %i fails with ERR_API_HTTP naming the status, and the foreign host receives nothing', async (status) => {
    const foreign = await start((_request, response) => response.end('{"stolen":true}'));
    const location = `${foreign.url}/steal?access_token=${TOKEN}`;
    const api = await start((_request, response) => response.writeHead(status, { location }).end());
    const error = await rejection(new ApiTransport({ apiBase: api.url }).request({ method: 'GET', path: '/cgi-bin/x', query: { access_token: TOKEN } }));
    expect(error).toMatchObject({ code: 'ERR_API_HTTP', detail: `/cgi-bin/x HTTP ${status} (redirects are not followed)` });
    expect(api.hits).toEqual(['/cgi-bin/x']);
    expect(foreign.hits).toEqual([]);
    expectNothingLeaked(error, location, foreign.url, '/steal');
  });

  test('a POST answered 307 does not re-post the AppSecret and the verify ticket to the foreign host', async () => {
    const foreign = await start((_request, response) => response.end('{}'));
    const api = await start((_request, response) => response.writeHead(307, { location: `${foreign.url}/steal` }).end());
    const body = { component_appid: 'wx1', component_appsecret: APP_SECRET, component_verify_ticket: TICKET };
    const error = await rejection(new ApiTransport({ apiBase: api.url }).request({ method: 'POST', path: '/cgi-bin/component/api_component_token', body }));
    expect(error).toMatchObject({ code: 'ERR_API_HTTP', detail: '/cgi-bin/component/api_component_token HTTP 307 (redirects are not followed)' });
    expect(foreign.hits).toEqual([]);
    expectNothingLeaked(error, foreign.url);
  });

  test('a redirect to an unusable Location is still only an ERR_API_HTTP without the URL', async () => {
    const api = await start((_request, response) => response.writeHead(302, { location: `http://[bad host/?access_token=${TOKEN}` }).end());
    const error = await rejection(new ApiTransport({ apiBase: api.url }).request({ method: 'GET', path: '/cgi-bin/x', query: { access_token: TOKEN } }));
    expect(error).toMatchObject({ code: 'ERR_API_HTTP' });
    expectNothingLeaked(error, 'bad host');
  });

  test('asks an injected fetch not to follow, and refuses an answer it reached by following anyway', async () => {
    const inits: string[] = [];
    const following: FetchLike = async (_url, init) => {
      inits.push(init.redirect);
      return { status: 200, redirected: true, text: async () => '{"errcode":0}' };
    };
    const error = await rejection(new ApiTransport({ fetch: following }).request({ method: 'GET', path: '/cgi-bin/x' }));
    expect(error).toMatchObject({ code: 'ERR_API_HTTP', detail: '/cgi-bin/x was redirected (redirects are not followed)' });
    expect(inits).toEqual(['manual']);
  });
});

/** A server that streams `total` bytes of `{"a":"xxxx…` in 64 KiB chunks and records how far it got. */
async function firehose(total: number, headers: Record<string, string | number> = {}) {
  const outcome = { written: 0, closedEarly: false, finished: false };
  let done!: () => void;
  const ended = new Promise<void>((resolve) => (done = resolve));
  const server = await start((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json', ...headers });
    const chunk = Buffer.alloc(64 * 1024, 'x');
    response.on('close', () => {
      outcome.closedEarly = !outcome.finished;
      done();
    });
    const pump = () => {
      while (outcome.written < total && !response.destroyed) {
        outcome.written += chunk.length;
        if (!response.write(chunk)) return void response.once('drain', pump);
      }
      if (!response.destroyed) {
        outcome.finished = true;
        response.end();
      }
    };
    pump();
  });
  return { server, outcome, ended };
}

describe('response bodies are bounded', () => {
  const HUNDRED_MB = 100 * 1024 * 1024;

  test('a 100 MB chunked body is abandoned past maxResponseBytes: ERR_API_RESPONSE, and the server sees the connection closed early', async () => {
    const { server, outcome, ended } = await firehose(HUNDRED_MB);
    const transport = new ApiTransport({ apiBase: server.url, maxResponseBytes: 256 * 1024 });
    const error = await rejection(transport.request({ method: 'GET', path: '/cgi-bin/x', query: { access_token: TOKEN } }));
    expect(error).toMatchObject({ code: 'ERR_API_RESPONSE', detail: '/cgi-bin/x body exceeds 262144 bytes' });
    await ended;
    expect(outcome.closedEarly).toBe(true);
    // What the server managed to write is what the socket buffers took, far from the 100 MB it meant to send.
    expect(outcome.written).toBeLessThan(HUNDRED_MB / 4);
    expectNothingLeaked(error);
  });

  test('the default limit for JSON is 1 MiB', async () => {
    const { server, outcome, ended } = await firehose(HUNDRED_MB);
    const error = await rejection(new ApiTransport({ apiBase: server.url }).request({ method: 'GET', path: '/cgi-bin/x' }));
    expect(error).toMatchObject({ code: 'ERR_API_RESPONSE', detail: '/cgi-bin/x body exceeds 1048576 bytes' });
    await ended;
    expect(outcome.closedEarly).toBe(true);
  });

  test('a declared Content-Length over the limit is refused before the body is read', async () => {
    const { server, outcome, ended } = await firehose(HUNDRED_MB, { 'content-length': HUNDRED_MB });
    const error = await rejection(new ApiTransport({ apiBase: server.url }).request({ method: 'GET', path: '/cgi-bin/x' }));
    expect(error).toMatchObject({ code: 'ERR_API_RESPONSE' });
    await ended;
    expect(outcome.closedEarly).toBe(true);
    expect(outcome.written).toBeLessThan(HUNDRED_MB / 4);
  });

  test('a per-call maxResponseBytes overrides the transport default, for binary answers too', async () => {
    const { server, ended } = await firehose(4 * 1024 * 1024);
    const transport = new ApiTransport({ apiBase: server.url });
    const error = await rejection(transport.requestBytes({ method: 'GET', path: '/wxa/x', maxResponseBytes: 100_000 }));
    expect(error).toMatchObject({ code: 'ERR_API_RESPONSE', detail: '/wxa/x body exceeds 100000 bytes' });
    await ended;
  });

  test('a body exactly at the limit is read', async () => {
    const body = `{"a":"${'x'.repeat(1000 - 8)}"}`;
    expect(body).toHaveLength(1000);
    const server = await start((_request, response) => response.end(body));
    await expect(new ApiTransport({ apiBase: server.url, maxResponseBytes: 1000 }).request({ method: 'GET', path: '/x' })).resolves.toEqual({ a: 'x'.repeat(992) });
    await expect(new ApiTransport({ apiBase: server.url, maxResponseBytes: 999 }).request({ method: 'GET', path: '/x' })).rejects.toMatchObject({ code: 'ERR_API_RESPONSE' });
  });

  test('an injected fetch without a body stream still has its answer checked against the limit', async () => {
    const big: FetchLike = async () => ({ status: 200, text: async () => `{"a":"${'x'.repeat(2000)}"}` });
    const error = await rejection(new ApiTransport({ fetch: big, maxResponseBytes: 1000 }).request({ method: 'GET', path: '/x' }));
    expect(error).toMatchObject({ code: 'ERR_API_RESPONSE' });
  });

  test('rejects a limit that is not a positive integer with a TypeError naming the option', () => {
    expect(() => new ApiTransport({ maxResponseBytes: 0 })).toThrow(/`maxResponseBytes`/);
    expect(() => new ApiTransport({ maxBinaryResponseBytes: 1.5 })).toThrow(/`maxBinaryResponseBytes`/);
  });
});

describe('every call has a deadline', () => {
  test('a per-call timeoutMs overrides the transport default: a hung upstream fails with ERR_API_TIMEOUT after the call’s own limit', async () => {
    const api = await start(() => undefined); // never answers
    const transport = new ApiTransport({ apiBase: api.url, timeoutMs: 60_000 });
    const error = await rejection(transport.request({ method: 'GET', path: '/cgi-bin/x', query: { access_token: TOKEN }, timeoutMs: 50 }));
    expect(error).toMatchObject({ code: 'ERR_API_TIMEOUT', detail: '/cgi-bin/x after 50 ms' });
    expectNothingLeaked(error);
  });

  test('the deadline covers a body that trickles after the headers', async () => {
    const api = await start((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.write('{"a":'); // and nothing more
    });
    const error = await rejection(new ApiTransport({ apiBase: api.url }).request({ method: 'GET', path: '/cgi-bin/x', timeoutMs: 50 }));
    expect(error).toMatchObject({ code: 'ERR_API_TIMEOUT' });
  });

  test('an injected fetch that ignores the abort signal still ends at the deadline', async () => {
    const deaf: FetchLike = () => new Promise(() => undefined);
    const error = await rejection(new ApiTransport({ fetch: deaf }).request({ method: 'GET', path: '/cgi-bin/x', timeoutMs: 20 }));
    expect(error).toMatchObject({ code: 'ERR_API_TIMEOUT', detail: '/cgi-bin/x after 20 ms' });
  });

  test('rejects a per-call timeout that is not a positive integer', async () => {
    await expect(new ApiTransport().request({ method: 'GET', path: '/x', timeoutMs: 0 })).rejects.toThrow(/`timeoutMs`/);
  });
});

describe('network failures carry a cause built from codes only', () => {
  test('a refused connection: ERR_API_NETWORK with the code, and no URL in any message of the cause chain', async () => {
    const api = await serve(() => undefined);
    await api.close(); // the port is now closed
    const error = await rejection(new ApiTransport({ apiBase: api.url }).request({ method: 'GET', path: '/cgi-bin/x', query: { access_token: TOKEN } }));
    expect(error).toMatchObject({ code: 'ERR_API_NETWORK' });
    expect(error.detail).toMatch(/^\/cgi-bin\/x .*ECONNREFUSED/);
    expect(error.cause).toMatchObject({ code: 'ECONNREFUSED' });
    expectNothingLeaked(error, api.url, '127.0.0.1');
  });

  test('an injected fetch whose error quotes the URL in its message and its cause: neither message is kept', async () => {
    const quoting: FetchLike = async (url) => {
      throw new TypeError(`fetch failed: ${url}`, { cause: Object.assign(new Error(`socket hang up at ${url}`), { code: 'UND_ERR_SOCKET' }) });
    };
    const error = await rejection(new ApiTransport({ fetch: quoting }).request({ method: 'GET', path: '/cgi-bin/x', query: { access_token: TOKEN } }));
    expect(error).toMatchObject({ code: 'ERR_API_NETWORK', detail: '/cgi-bin/x TypeError Error UND_ERR_SOCKET', cause: { code: 'UND_ERR_SOCKET' } });
    expectNothingLeaked(error, 'api.weixin.qq.com');
  });

  test('an error status closes nothing but its own exchange: the next call on the same transport succeeds', async () => {
    let calls = 0;
    const api = await start((_request, response) => {
      calls++;
      if (calls === 1) response.writeHead(502).end('x'.repeat(100_000));
      else response.end('{"errcode":0,"ok":1}');
    });
    const transport = new ApiTransport({ apiBase: api.url });
    await expect(transport.request({ method: 'GET', path: '/x' })).rejects.toMatchObject({ code: 'ERR_API_HTTP', detail: '/x HTTP 502' });
    await expect(transport.request({ method: 'GET', path: '/x' })).resolves.toEqual({ errcode: 0, ok: 1 });
  });
});

describe('binary answers', () => {
  const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x7b]);

  /** A token source whose refresh hands out `fresh`, recording what was refreshed. */
  function tokens(first: string, fresh: string, refreshed: string[]): TokenSource {
    let current = first;
    return {
      param: 'access_token',
      token: async () => current,
      refreshToken: async (failed) => {
        refreshed.push(failed);
        current = fresh;
        return current;
      },
    };
  }

  test('postBytes resolves to the bytes and the content type, with the token in the query and the JSON body sent', async () => {
    const seen: Array<{ url: string; body: string }> = [];
    const api = await start((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        seen.push({ url: request.url ?? '', body });
        response.writeHead(200, { 'content-type': 'image/jpeg' }).end(JPEG);
      });
    });
    const client = new Client(new ApiTransport({ apiBase: api.url }), tokens(TOKEN, 'unused', []));
    const answer = await client.postBytes('/wxa/getwxacode', { path: 'pages/index' });
    expect(answer).toEqual({ contentType: 'image/jpeg', bytes: JPEG });
    expect(Buffer.isBuffer(answer.bytes)).toBe(true);
    expect(seen).toEqual([{ url: `/wxa/getwxacode?access_token=${TOKEN}`, body: '{"path":"pages/index"}' }]);
  });

  test('getBytes turns a JSON error answer into a WechatApiError, whatever its content type says', async () => {
    const api = await start((_request, response) => response.writeHead(200, { 'content-type': 'image/jpeg' }).end('{"errcode":45009,"errmsg":"reach max api daily quota limit"}'));
    const client = new Client(new ApiTransport({ apiBase: api.url }), tokens(TOKEN, 'unused', []));
    const error = await rejection(client.getBytes('/cgi-bin/wxaapp/createwxaqrcode', { path: 'a' }));
    expect(error).toBeInstanceOf(WechatApiError);
    expect(error).toMatchObject({ errcode: 45009, api: '/cgi-bin/wxaapp/createwxaqrcode' });
  });

  test('a token error on a binary API refreshes the token once and retries once', async () => {
    const used: string[] = [];
    const api = await start((request, response) => {
      const token = new URL(request.url ?? '/', 'http://x').searchParams.get('access_token') ?? '';
      used.push(token);
      if (token === 'stale') response.writeHead(200, { 'content-type': 'application/json' }).end('{"errcode":40001,"errmsg":"invalid credential"}');
      else response.writeHead(200, { 'content-type': 'image/png' }).end(JPEG);
    });
    const refreshed: string[] = [];
    const client = new Client(new ApiTransport({ apiBase: api.url }), tokens('stale', 'fresh', refreshed));
    await expect(client.getBytes('/wxa/get_qrcode')).resolves.toEqual({ contentType: 'image/png', bytes: JPEG });
    expect(used).toEqual(['stale', 'fresh']);
    expect(refreshed).toEqual(['stale']);
  });

  test('a JSON body without errcode, or with errcode 0, comes back as bytes', async () => {
    const api = await start((_request, response) => response.writeHead(200, { 'content-type': 'application/json' }).end('{"errcode":0}'));
    const client = new Client(new ApiTransport({ apiBase: api.url }), tokens(TOKEN, 'unused', []));
    const answer = await client.getBytes('/x');
    expect(answer.bytes.toString()).toBe('{"errcode":0}');
  });

  test('getJSON and postJSON take per-call limits too', async () => {
    const api = await start(() => undefined);
    const client = new Client(new ApiTransport({ apiBase: api.url, timeoutMs: 60_000 }), tokens(TOKEN, 'unused', []));
    await expect(client.getJSON('/x', undefined, { timeoutMs: 20 })).rejects.toMatchObject({ code: 'ERR_API_TIMEOUT', detail: '/x after 20 ms' });
    await expect(client.postJSON('/x', {}, undefined, { timeoutMs: 20 })).rejects.toMatchObject({ code: 'ERR_API_TIMEOUT' });
  });
});
