import { createHttpServer, listenNode, runExample } from '@wxopen/example-shared';
import { buildApp } from './app';

void runExample('express', (platform, config, limits, { metrics }) => listenNode(createHttpServer(buildApp(platform, { metrics }), limits), config));
