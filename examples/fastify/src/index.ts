import type { AddressInfo } from 'node:net';
import { runExample } from '@wxopen/example-shared';
import { buildApp } from './app';

void runExample('fastify', async (platform, config) => {
  const app = await buildApp(platform);
  await app.listen({ port: config.port, host: config.host });
  return { port: (app.server.address() as AddressInfo).port, close: () => app.close() };
});
