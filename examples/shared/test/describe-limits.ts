/**
 * The server limits of every example, tested on the built example as a real process with short bounds set
 * through the environment, and slow clients on raw sockets: a trickling body is cut at the request timeout,
 * idle connections are closed, and SIGTERM shuts down gracefully within the grace period.
 *
 * Bounds are checked by counting what the slow client managed to send (one byte every 500 ms), and by the order
 * in which connections close, rather than by reading the clock.
 */
import { WechatSimulator, textMessage } from '@wxopen/testing';
import type { Framework } from './example-process';
import { childEnv, credentialsEnv, entryOf, kill, startExample } from './example-process';
import { halfSentRequest, keepAliveConnection, parseResponse, responseHead, silentConnection, trickleUpload } from './slow-clients';

const MESSAGE_PATH = '/wechat/callback/wx0000000000000a00';
const TRICKLE_INTERVAL_MS = 500;

/** An example process with credentials the test knows, and `limits` (variables without the `WXOPEN_` prefix, in ms). */
function startWithLimits(framework: Framework, limits: Record<string, number>) {
  const secrets = WechatSimulator.generateSecrets();
  const env: Record<string, string> = {
    ...credentialsEnv(secrets),
    // Nothing here calls the WeChat API; should anything try, it reaches a closed port on this machine.
    WECHAT_API_BASE: 'http://127.0.0.1:9',
  };
  for (const [name, value] of Object.entries(limits)) env[`WXOPEN_${name}`] = String(value);
  return { example: startExample(entryOf(framework), childEnv(env)), wechat: new WechatSimulator(secrets) };
}

async function expectEcho(wechat: WechatSimulator, url: string, text: string): Promise<void> {
  const push = wechat.encrypted(textMessage(text));
  const res = await fetch(`${url}${push.url(MESSAGE_PATH)}`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body: push.body });
  expect(res.status).toBe(200);
  expect(wechat.openReply(await res.text()).record['Content']).toBe(`echo: ${text}`);
}

/** Waits for `promise`, or for `ms` at most. */
async function settledWithin(ms: number, promise: Promise<unknown>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([promise, new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}

export function describeServerLimits(framework: Framework): void {
  describe(`${framework} example process behind a hostile network`, () => {
    test('cuts a body trickling one byte every 500 ms at the request timeout (408 or closed) while answering a normal push', async () => {
      const requestTimeoutMs = 2000;
      const { example, wechat } = startWithLimits(framework, { HEADERS_TIMEOUT_MS: 1000, REQUEST_TIMEOUT_MS: requestTimeoutMs });
      try {
        const url = await example.listening;
        // Signed, so that the platform has to read the body before it can answer.
        const upload = trickleUpload(url, wechat.encrypted(textMessage('trickled')).url(MESSAGE_PATH), TRICKLE_INTERVAL_MS);
        await expectEcho(wechat, url, 'while a body trickles');
        const { received } = await upload.ended;
        // Closed by the server (the client never stops on its own) long before the 1000-byte body was sent:
        // within the request timeout plus one connections check (500 ms here), with room for a loaded machine.
        expect(upload.written()).toBeLessThanOrEqual((requestTimeoutMs + 500) / TRICKLE_INTERVAL_MS + 4);
        if (received !== '') expect(parseResponse(received).status).toBe(408);
        await expectEcho(wechat, url, 'after the trickle');
      } finally {
        await kill(example);
      }
    }, 20_000);

    test('closes 20 idle connections by itself: 10 that never sent a byte, 10 kept alive after a response', async () => {
      const { example } = startWithLimits(framework, { HEADERS_TIMEOUT_MS: 1000, REQUEST_TIMEOUT_MS: 2000, KEEP_ALIVE_TIMEOUT_MS: 1000 });
      try {
        const url = await example.listening;
        const silent = Array.from({ length: 10 }, () => silentConnection(url));
        const keptAlive = Array.from({ length: 10 }, () => keepAliveConnection(url, '/no-such-route'));
        await Promise.all(keptAlive.map((connection) => responseHead(connection)));
        let closed = 0;
        const all = [...silent, ...keptAlive];
        for (const connection of all) void connection.ended.then(() => (closed += 1));
        // Everything is closed by the server within the timeouts (1 s); 8 s is only a generous bound for a busy
        // machine (Node's defaults would keep the silent ones 60 s, Fastify's the kept-alive ones 72 s).
        await settledWithin(8000, Promise.all(all.map((connection) => connection.ended)));
        expect(closed).toBe(20);
      } finally {
        await kill(example);
      }
    }, 20_000);

    test('on SIGTERM closes idle connections at once, finishes a push in flight, cuts a slow upload at the grace period and exits 0', async () => {
      const graceMs = 4000;
      // Long request and keep-alive timeouts: only the shutdown may close these connections.
      const { example, wechat } = startWithLimits(framework, { REQUEST_TIMEOUT_MS: 60_000, KEEP_ALIVE_TIMEOUT_MS: 60_000, SHUTDOWN_GRACE_MS: graceMs });
      try {
        const url = await example.listening;
        const idle = keepAliveConnection(url, '/no-such-route');
        await responseHead(idle);
        const upload = trickleUpload(url, MESSAGE_PATH, TRICKLE_INTERVAL_MS);
        const push = wechat.encrypted(textMessage('in flight'));
        const inFlight = halfSentRequest(url, push.url(MESSAGE_PATH), push.body);
        const order: string[] = [];
        void idle.ended.then(() => order.push('idle'));
        void inFlight.ended.then(() => order.push('in flight'));
        void upload.ended.then(() => order.push('slow upload'));
        await new Promise((resolve) => setTimeout(resolve, 300)); // the server has read the half push

        example.child.kill('SIGTERM');
        await example.printedLine(/SIGTERM received/);
        await idle.ended;
        inFlight.finish();
        const { received } = await inFlight.ended;
        // Its connection was closed right after the response, not kept alive until the grace period was over.
        expect(upload.isClosed()).toBe(false);
        expect(upload.written()).toBeLessThanOrEqual(4);
        const answer = parseResponse(received);
        expect(answer.status).toBe(200);
        expect(wechat.openReply(answer.body).record['Content']).toBe('echo: in flight');

        const exited = await example.exited;
        expect(exited).toMatchObject({ code: 0, signal: null });
        // The slow upload held the shutdown until the grace period was over (about 8 bytes at one per 500 ms),
        // and no longer than that.
        expect(order).toEqual(['idle', 'in flight', 'slow upload']);
        expect(upload.written()).toBeLessThanOrEqual((300 + graceMs + 500) / TRICKLE_INTERVAL_MS + 4);
        expect(exited.stdout).toMatch(/grace period over/);
      } finally {
        await kill(example);
      }
    }, 20_000);

    test('exits at once with code 1 on a second signal during the grace period', async () => {
      const { example } = startWithLimits(framework, { REQUEST_TIMEOUT_MS: 60_000, SHUTDOWN_GRACE_MS: 60_000 });
      try {
        const url = await example.listening;
        const upload = trickleUpload(url, MESSAGE_PATH, TRICKLE_INTERVAL_MS);
        await responseHead(keepAliveConnection(url, '/no-such-route'));
        example.child.kill('SIGTERM');
        await example.printedLine(/SIGTERM received/);
        const writtenAtFirstSignal = upload.written();
        example.child.kill('SIGINT');
        const exited = await example.exited;
        expect(exited).toMatchObject({ code: 1, signal: null });
        expect(exited.stderr).toMatch(/SIGINT received again, exiting now/);
        // It did not wait for the upload (60 s of grace): at most a few more bytes went out meanwhile.
        await upload.ended;
        expect(upload.written() - writtenAtFirstSignal).toBeLessThanOrEqual(4);
      } finally {
        await kill(example);
      }
    }, 20_000);
  });
}
