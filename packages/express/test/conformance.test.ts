import http from 'node:http';
import express from 'express';
import type { ErrorRequestHandler } from 'express';
import { authCallback, messageCallback } from '@wxopen/express';
import { describeConformance } from '@wxopen/testing/conformance';

describeConformance('express', (platform, { setup, onFrameworkError }) => {
  const app = express();
  if (setup === 'global-parsers') {
    app.use(express.json(), express.urlencoded({ extended: false }), express.text());
    app.post('/json', (req, res) => {
      res.json(req.body);
    });
  }
  if (setup === 'object-parser') app.use(express.json());
  app.all('/wechat/auth', authCallback(platform));
  app.all('/wechat/callback/:appid', messageCallback(platform));
  const onError: ErrorRequestHandler = (error, _req, res, _next) => {
    onFrameworkError(error);
    res.status(500).send('framework error');
  };
  app.use(onError);
  return http.createServer(app);
});
