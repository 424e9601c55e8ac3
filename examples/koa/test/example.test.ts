import http from 'node:http';
import { buildApp } from '../src/app';
import { describeExample } from '../../shared/test/describe-example';

describeExample('koa', (platform) => {
  const app = buildApp(platform);
  app.silent = true; // the hostile cases abort requests on purpose; Koa would print each to stderr
  return http.createServer(app.callback());
});
