import { buildApp } from '../src/app';
import type { BuildServer } from '../../shared/test/describe-example';
import { describeExample } from '../../shared/test/describe-example';
import { describeOnBehalf } from '../../shared/test/describe-on-behalf';

const buildServer: BuildServer = async (platform) => {
  const app = await buildApp(platform);
  await app.ready();
  return app.server;
};

describeExample('fastify', buildServer);
describeOnBehalf('fastify', buildServer);
