import Fastify from 'fastify';
import { authCallback, messageCallback, wxopen } from '@wxopen/fastify';
import { describeConformance } from '@wxopen/testing/conformance';

describeConformance('fastify', async (platform, { setup, onFrameworkError }) => {
  const app = Fastify();
  app.setErrorHandler((error, _request, reply) => {
    onFrameworkError(error);
    return reply.code(500).send('framework error');
  });
  if (setup === 'object-parser') {
    // The bare handlers on a route where Fastify's own JSON parser runs first: a mounting mistake.
    app.all('/wechat/auth', authCallback(platform));
    app.all('/wechat/callback/:appid', messageCallback(platform));
  } else {
    await app.register(wxopen, { platform, prefix: '/wechat' });
  }
  if (setup === 'global-parsers') app.post('/json', async (request) => request.body);
  await app.ready();
  return app.server;
});
