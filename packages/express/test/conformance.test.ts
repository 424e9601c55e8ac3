import http from 'node:http';
import express from 'express';
import express4 from 'express4';
import type { ErrorRequestHandler } from 'express';
import { authCallback, messageCallback } from '@wxopen/express';
import { describeConformance } from '@wxopen/testing/conformance';

// The adapter supports Express 5 and Express 4 (its peer range): the whole suite runs on both, Express 4 installed
// under the alias `express4` (its own body-parser 1.x and router, which differ from Express 5's).
for (const [name, framework] of [
  ['express', express],
  ['express 4', express4],
] as const) {
  describeConformance(name, (platform, { setup, onFrameworkError }) => {
    const app = framework();
    if (setup === 'global-parsers') {
      app.use(framework.json(), framework.urlencoded({ extended: false }), framework.text());
      app.post('/json', (req, res) => {
        res.json(req.body);
      });
    }
    if (setup === 'object-parser') app.use(framework.json());
    app.all('/wechat/auth', authCallback(platform));
    app.all('/wechat/callback/:appid', messageCallback(platform));
    const onError: ErrorRequestHandler = (error, _req, res, _next) => {
      onFrameworkError(error);
      res.status(500).send('framework error');
    };
    app.use(onError);
    return http.createServer(app);
  });
}
