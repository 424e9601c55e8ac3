import { createHttpServer, listenNode, runExample } from '@wxopen/example-shared';
import { buildApp } from './app';

void runExample('koa', (platform, config, limits, { metrics }) => listenNode(createHttpServer(buildApp(platform, { metrics }).callback(), limits), config));
