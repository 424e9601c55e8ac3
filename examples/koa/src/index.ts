import http from 'node:http';
import { listenNode, runExample } from '@wxopen/example-shared';
import { buildApp } from './app';

void runExample('koa', (platform, config) => listenNode(http.createServer(buildApp(platform).callback()), config));
