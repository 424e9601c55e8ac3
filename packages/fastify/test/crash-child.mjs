// The Fastify child of the crash-safety suite (describeCrashSafety of @wxopen/testing/conformance): wxopen behind a hook that answers first.
import Fastify from 'fastify';
import { wxopen } from '@wxopen/fastify';
import { ANSWER_FIRST, serveForCrashTest } from '@wxopen/testing/conformance/crash-child';

await serveForCrashTest(async (platform) => {
  const app = Fastify();
  app.addHook('onRequest', async (request, reply) => {
    if (request.headers[ANSWER_FIRST]) request.raw.once('end', () => reply.code(503).send('busy'));
  });
  await app.register(wxopen, { platform, prefix: '/wechat' });
  await app.ready();
  return app.server;
});
