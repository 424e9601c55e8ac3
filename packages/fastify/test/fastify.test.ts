import { createGunzip, gzipSync } from 'node:zlib';
import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import fastifyPlugin from 'fastify-plugin';
import request from 'supertest';
import { AuthServer } from '@wxopen/core';
import { WechatSimulator, textMessage } from '@wxopen/testing';
import { authCallback, fastifyAuthHandler, fastifyMessageHandler, messageCallback, wxopen, wxopenRouter } from '@wxopen/fastify';

const secrets = WechatSimulator.generateSecrets();
const wechat = new WechatSimulator(secrets);

function makePlatform(): AuthServer {
  const platform = new AuthServer({ ...secrets, onError: () => undefined });
  platform.messages.on('text', (message) => `echo: ${message.Content}`);
  return platform;
}

async function ready(app: FastifyInstance): Promise<FastifyInstance> {
  await app.ready();
  return app;
}

const replyText = (body: string) => wechat.openReply(body).record['Content'];

describe('fastify plugin scope', () => {
  let app: FastifyInstance;
  afterEach(() => app.close());

  test('a push labelled application/json reaches the core raw inside the plugin scope', async () => {
    app = Fastify();
    await app.register(wxopen, { platform: makePlatform(), prefix: '/wechat' });
    const push = wechat.encrypted(textMessage('labelled json'));
    const res = await request((await ready(app)).server).post(push.url('/wechat/callback/wx000000000000000a')).set('content-type', 'application/json').send(push.body);
    expect(res.status).toBe(200);
    expect(replyText(res.text)).toBe('echo: labelled json');
  });

  test('the raw body parser does not leak out of the plugin: a sibling route still refuses an unknown type', async () => {
    app = Fastify();
    await app.register(wxopen, { platform: makePlatform(), prefix: '/wechat' });
    app.post('/other', async () => 'reached');
    const res = await request((await ready(app)).server).post('/other').set('content-type', 'text/xml').send('<xml/>');
    expect(res.status).toBe(415);
  });

  test('reads the payload stream a preParsing hook put in place (here: gzip decoding)', async () => {
    app = Fastify();
    app.addHook('preParsing', async (req, _reply, payload) => (req.headers['content-encoding'] === 'gzip' ? payload.pipe(createGunzip()) : payload));
    await app.register(wxopen, { platform: makePlatform(), prefix: '/wechat' });
    const push = wechat.encrypted(textMessage('zipped'));
    const res = await request((await ready(app)).server)
      .post(push.url('/wechat/callback/wx000000000000000a'))
      .set('content-type', 'text/xml')
      .set('content-encoding', 'gzip')
      .send(gzipSync(push.body));
    expect(replyText(res.text)).toBe('echo: zipped');
  });

  test('a sibling JSON route keeps Fastify’s JSON parser while wxopen’s routes get the raw bytes', async () => {
    app = Fastify();
    await app.register(wxopen, { platform: makePlatform(), prefix: '/wechat' });
    app.post('/json', async (req) => ({ parsed: req.body }));
    const server = (await ready(app)).server;
    const json = await request(server).post('/json').send({ hello: 'world' });
    expect(json.body).toEqual({ parsed: { hello: 'world' } });
    const push = wechat.encrypted(textMessage('raw beside json'));
    const res = await request(server).post(push.url('/wechat/callback/wx000000000000000a')).set('content-type', 'application/json').send(push.body);
    expect(replyText(res.text)).toBe('echo: raw beside json');
  });

  test('registering without a platform fails with a TypeError naming the option', async () => {
    app = Fastify();
    await expect(app.register(wxopen, {} as never)).rejects.toThrow(/\{ platform \}/);
  });
});

describe('fastify bare handlers', () => {
  let app: FastifyInstance;
  afterEach(() => app.close());

  test('work on a user route whose parser gives the raw bytes as a Buffer', async () => {
    app = Fastify();
    app.addContentTypeParser('text/xml', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
    app.post('/cb/:appid', messageCallback(makePlatform()));
    const push = wechat.encrypted(textMessage('buffered'));
    const res = await request((await ready(app)).server).post(push.url('/cb/wx000000000000000a')).set('content-type', 'text/xml').send(push.body);
    expect(replyText(res.text)).toBe('echo: buffered');
  });
});

describe('fastify plugin metadata', () => {
  const dependent = fastifyPlugin(async () => undefined, { name: 'needs-wxopen', dependencies: ['@wxopen/fastify'] });
  let app: FastifyInstance | undefined;
  afterEach(() => app?.close());

  test('names the plugin @wxopen/fastify and declares Fastify 5.x', () => {
    expect((wxopen as unknown as Record<symbol, unknown>)[Symbol.for('plugin-meta')]).toMatchObject({ name: '@wxopen/fastify', fastify: '5.x' });
  });

  test('app.hasPlugin and a plugin that depends on it see it once registered', async () => {
    app = Fastify();
    await app.register(wxopen, { platform: makePlatform(), prefix: '/wechat' });
    await app.register(dependent);
    await app.ready();
    expect(app.hasPlugin('@wxopen/fastify')).toBe(true);
  });

  test('a plugin that depends on it fails to load without it', async () => {
    app = Fastify();
    await expect(app.register(dependent)).rejects.toThrow(/@wxopen\/fastify/);
  });

  test('the uniform names are the plugin and the handlers; the old names stay as aliases', () => {
    expect(wxopenRouter).toBe(wxopen);
    expect(fastifyAuthHandler).toBe(authCallback);
    expect(fastifyMessageHandler).toBe(messageCallback);
  });
});

test('bare handlers without an AuthServer are a TypeError naming the function, at mounting time', () => {
  expect(() => authCallback(undefined as never)).toThrow(/authCallback: pass the AuthServer/);
  expect(() => messageCallback({} as never)).toThrow(/messageCallback: pass the AuthServer/);
});
