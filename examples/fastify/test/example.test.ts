import { buildApp } from '../src/app';
import { describeExample } from '../../shared/test/describe-example';

describeExample('fastify', async (platform) => {
  const app = await buildApp(platform);
  await app.ready();
  return app.server;
});
