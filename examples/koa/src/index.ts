import { createHttpServer, listenNode, runExample } from '@wxopen/example-shared';
import { buildApp } from './app';

void runExample('koa', (platform, config, limits) => listenNode(createHttpServer(buildApp(platform).callback(), limits), config));
