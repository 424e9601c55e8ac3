import http from 'node:http';
import { buildApp } from '../src/app';
import type { BuildServer } from '../../shared/test/describe-example';
import { describeExample } from '../../shared/test/describe-example';
import { describeOnBehalf } from '../../shared/test/describe-on-behalf';

const buildServer: BuildServer = (platform) => {
  const app = buildApp(platform);
  app.silent = true; // the hostile cases abort requests on purpose; Koa would print each to stderr
  return http.createServer(app.callback());
};

describeExample('koa', buildServer);
describeOnBehalf('koa', buildServer);
