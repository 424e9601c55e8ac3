import type { AddressInfo } from 'node:net';
import { runExample, watchConnections } from '@wxopen/example-shared';
import { buildApp } from './app';

void runExample('fastify', async (platform, config, limits, { metrics }) => {
  const app = await buildApp(platform, limits, { metrics });
  const connections = watchConnections(app.server);
  await app.listen({ port: config.port, host: config.host });
  return {
    port: (app.server.address() as AddressInfo).port,
    close: () => {
      // Fastify stops accepting, answers 503 to requests that arrive on open connections meanwhile, and waits for those in flight.
      const closed = app.close();
      connections.drain();
      return closed;
    },
    closeAllConnections: () => app.server.closeAllConnections(),
  };
});
