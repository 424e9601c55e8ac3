import http from 'node:http';
import { listenNode, runExample } from '@wxopen/example-shared';
import { buildApp } from './app';

void runExample('express', (platform, config) => listenNode(http.createServer(buildApp(platform)), config));
