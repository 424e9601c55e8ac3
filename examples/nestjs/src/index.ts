import { createHttpServer, listenNode, runExample } from '@wxopen/example-shared';
import { buildApp } from './app';

void runExample('nestjs', async (platform, config, limits, { metrics }) => {
  const app = await buildApp(platform, { metrics });
  // Nest creates its own HTTP server without options; serving its Express instance from a server of our own
  // (as for several servers at once, in Nest's documentation) puts the time limits in place from the start.
  const started = await listenNode(createHttpServer(app.getHttpAdapter().getInstance(), limits), config);
  return {
    ...started,
    close: async () => {
      await started.close();
      await app.close(); // Nest's shutdown hooks, for modules of your own
    },
  };
});
