/**
 * Hostile request bodies at the core boundary (`readBody`), where the adapters' conformance suite cannot
 * reach: what happens to the bytes after the limit, and to streams that end badly or were gone before
 * wxopen started reading (a client that disconnected while a slower middleware ran first).
 */
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import type { CallbackResponse, WxOpenError } from '@wxopen/core';
import { AuthServer } from '@wxopen/core';
import { readBody } from '../../src/server/http';
import { WechatSimulator, textMessage } from '@wxopen/testing';

const post = (body: PassThrough, headers: Record<string, string> = {}) => ({ method: 'POST', query: {}, headers, body });

/** Waits a few turns of the event loop: long enough for anything already decided to settle. */
async function turns(count = 3): Promise<void> {
  for (let i = 0; i < count; i++) await new Promise((resolve) => setImmediate(resolve));
}

/** The outcome of `promise` once it settles, or `'still pending'` after a few turns of the event loop. */
async function outcomeOf<T>(promise: Promise<T>): Promise<T | unknown> {
  const pending = Symbol('pending');
  const result = await Promise.race([promise.then((value) => value, (error: unknown) => error), turns().then(() => pending)]);
  return result === pending ? 'still pending' : result;
}

describe('readBody on a hostile stream', () => {
  test('stops listening once a stream passes the limit and lets the rest flow away unbuffered', async () => {
    const stream = new PassThrough();
    const reading = readBody(post(stream), { limit: 1024, timeoutMs: 0, idleTimeoutMs: 0 });
    stream.write(Buffer.alloc(2048, 'a'));
    await expect(reading).rejects.toMatchObject({ code: 'ERR_BODY_LIMIT' });
    expect(stream.listenerCount('data')).toBe(0);
    for (let i = 0; i < 64; i++) stream.write(Buffer.alloc(64 * 1024, 'a'));
    await turns();
    expect(stream.readableFlowing).toBe(true);
    expect(stream.readableLength).toBe(0);
  });

  test('rejects a declared Content-Length over the limit before listening to the stream', async () => {
    const stream = new PassThrough();
    await expect(readBody(post(stream, { 'content-length': String(1024 ** 3) }), { limit: 1024, timeoutMs: 0, idleTimeoutMs: 0 })).rejects.toMatchObject({ code: 'ERR_BODY_LIMIT', detail: 'declared content-length' });
    expect(stream.listenerCount('data')).toBe(0);
  });

  test('ignores a Content-Length that is not a plain number and still counts the bytes', async () => {
    const stream = new PassThrough();
    const reading = readBody(post(stream, { 'content-length': '-1' }), { limit: 1024, timeoutMs: 0, idleTimeoutMs: 0 });
    stream.end(Buffer.alloc(2048, 'a'));
    await expect(reading).rejects.toMatchObject({ code: 'ERR_BODY_LIMIT' });
  });

  test('rejects with ERR_BODY a stream that fails before its end, keeping the cause', async () => {
    const stream = new PassThrough();
    const reading = readBody(post(stream), { limit: 1024, timeoutMs: 0, idleTimeoutMs: 0 });
    stream.write('<xml>');
    stream.destroy(new Error('aborted'));
    await expect(reading).rejects.toMatchObject({ code: 'ERR_BODY', detail: 'stream error', cause: { message: 'aborted' } });
  });

  test('rejects with ERR_BODY a stream that closes before its end', async () => {
    const stream = new PassThrough();
    const reading = readBody(post(stream), { limit: 1024, timeoutMs: 0, idleTimeoutMs: 0 });
    stream.write('<xml>');
    stream.destroy();
    await expect(reading).rejects.toMatchObject({ code: 'ERR_BODY', detail: 'connection closed before the body ended' });
  });

  // A stream destroyed before `readBody` runs has already emitted 'close' and will never emit 'end'.
  test('rejects with ERR_BODY a stream that was destroyed before reading began, instead of never settling', async () => {
    const stream = new PassThrough();
    stream.destroy();
    await turns();
    expect(await outcomeOf(readBody(post(stream), { limit: 1024, timeoutMs: 0, idleTimeoutMs: 0 }))).toMatchObject({ code: 'ERR_BODY' });
  });
});

describe('readBody on a well-behaved stream, and what it leaves behind', () => {
  const LIMITS = { limit: 1024, timeoutMs: 1000, idleTimeoutMs: 1000 };
  const listeners = (stream: PassThrough) => ['data', 'end', 'error', 'close'].map((event) => stream.listenerCount(event));

  test('joins the chunks in order, byte for byte, and removes every listener it added', async () => {
    const stream = new PassThrough();
    const parts = [Buffer.from('<xml><Encrypt>'), Buffer.from([0xe4, 0xbd]), Buffer.from([0xa0, 0x3c]), Buffer.from('/Encrypt></xml>')];
    const whole = Buffer.concat(parts);
    const reading = readBody(post(stream, { 'content-length': String(whole.length) }), LIMITS);
    for (const part of parts) {
      stream.write(part);
      await turns(1);
    }
    stream.end();
    expect((await reading).equals(whole)).toBe(true);
    expect(listeners(stream)).toEqual([0, 0, 0, 0]);
  });

  test('removes its listeners after a failure too', async () => {
    const stream = new PassThrough();
    const reading = readBody(post(stream), LIMITS);
    stream.write('<xml>');
    stream.destroy();
    await expect(reading).rejects.toMatchObject({ code: 'ERR_BODY' });
    expect(listeners(stream)).toEqual([0, 0, 0, 0]);
  });

  test('refuses with ERR_BODY a body that ends short of its Content-Length', async () => {
    const stream = new PassThrough();
    const reading = readBody(post(stream, { 'content-length': '100' }), LIMITS);
    stream.end('<xml></xml>');
    await expect(reading).rejects.toMatchObject({ code: 'ERR_BODY', detail: 'body length differs from content-length' });
  });

  test('refuses with ERR_BODY a stream that decodes its bytes into text, before listening to it', async () => {
    const stream = new PassThrough();
    stream.setEncoding('latin1');
    await expect(readBody(post(stream), LIMITS)).rejects.toMatchObject({ code: 'ERR_BODY', detail: "the stream decodes its bytes (setEncoding('latin1'))" });
    expect(listeners(stream)).toEqual([0, 0, 0, 0]);
  });

  test('refuses with ERR_BODY a stream that starts decoding its bytes after reading began', async () => {
    const stream = new PassThrough();
    const reading = readBody(post(stream), LIMITS);
    stream.write(Buffer.from('<xml>'));
    await turns(1);
    stream.setEncoding('utf8');
    stream.write(Buffer.from('</xml>'));
    await expect(reading).rejects.toMatchObject({ code: 'ERR_BODY', detail: 'the stream decodes its bytes (setEncoding)' });
  });
});

describe('a client gone before wxopen reads the body (an async middleware ran first)', () => {
  const secrets = WechatSimulator.generateSecrets();
  const wechat = new WechatSimulator(secrets);

  /**
   * Serves one request: the client disconnects as soon as the request arrives, and the server waits until
   * it is gone (as a slow middleware would) before handing the aborted request to `handleMessage`. Resolves with its outcome, or `'still pending'`.
   */
  async function handleAfterDisconnect(platform: AuthServer): Promise<CallbackResponse | unknown> {
    const push = wechat.encrypted(textMessage('x'));
    const server = http.createServer();
    let client: net.Socket | undefined;
    const handled = new Promise<unknown>((resolve) => {
      server.on('request', (req: http.IncomingMessage) => {
        client?.destroy();
        req.once('close', () => {
          const query = Object.fromEntries(new URL(req.url ?? '/', 'http://x').searchParams);
          resolve(outcomeOf(platform.handleMessage({ method: 'POST', query, headers: req.headers, body: req, authorizerAppId: 'wx000000000000000a' })));
        });
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      client = net.connect((server.address() as AddressInfo).port, '127.0.0.1');
      client.on('error', () => undefined);
      client.write(`POST ${push.url('/callback/wx000000000000000a')} HTTP/1.1\r\nHost: x\r\nContent-Length: ${push.body.length}\r\n\r\n${push.body.slice(0, 10)}`);
      return await handled;
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  }

  // The same through a real aborted IncomingMessage: without the check the request would never settle.
  test('answers 400 and reports ERR_BODY when the request was aborted before wxopen read it', async () => {
    const errors: WxOpenError[] = [];
    const platform = new AuthServer({ ...secrets, onError: (error) => errors.push(error) });
    const ran: string[] = [];
    platform.messages.on('text', () => void ran.push('handler'));
    expect(await handleAfterDisconnect(platform)).toMatchObject({ status: 400 });
    expect(errors.map((e) => e.code)).toEqual(['ERR_BODY']);
    expect(ran).toEqual([]);
  });
});
