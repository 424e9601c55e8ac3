import { createHttpServer, listenNode, runExample } from '@wxopen/example-shared';
import { buildApp } from './app';

void runExample('express', (platform, config, limits) => listenNode(createHttpServer(buildApp(platform), limits), config));
