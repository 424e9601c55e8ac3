// The Express child of the crash-safety suite (describeCrashSafety of @wxopen/testing/conformance): wxopen behind a middleware that answers first.
import http from 'node:http';
import express from 'express';
import { authCallback, messageCallback } from '@wxopen/express';
import { ANSWER_FIRST, serveForCrashTest } from '@wxopen/testing/conformance/crash-child';

await serveForCrashTest((platform) => {
  const app = express();
  app.use((req, res, next) => {
    if (req.headers[ANSWER_FIRST]) req.once('end', () => res.status(503).send('busy'));
    next();
  });
  app.all('/wechat/auth', authCallback(platform));
  app.all('/wechat/callback/:appid', messageCallback(platform));
  return http.createServer(app);
});
