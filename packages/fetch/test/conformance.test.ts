import type http from 'node:http';
import { createAdaptorServer } from '@hono/node-server';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { validator } from 'hono/validator';
import { authCallback, messageCallback } from '@wxopen/fetch';
import { describeConformance } from '@wxopen/testing/conformance';

// The Fetch entry inside a real Hono app, served over HTTP by @hono/node-server.
describeConformance('fetch (Hono on Node)', (platform, { setup, onFrameworkError }) => {
  const app = new Hono();
  app.onError((error, c) => {
    onFrameworkError(error);
    return c.text('framework error', 500);
  });
  if (setup === 'global-parsers') {
    // Hono has no app-wide body parser; its app-wide body middleware is the limit, which re-wraps the body stream.
    app.use(bodyLimit({ maxSize: 1024 ** 2 }));
    app.post('/json', validator('json', (value) => value), (c) => c.json(c.req.valid('json')));
  }
  // A JSON validator on wxopen's own routes: a mounting mistake.
  if (setup === 'object-parser') app.use('/wechat/*', validator('json', (value) => value));
  const auth = authCallback(platform);
  const message = messageCallback(platform);
  app.all('/wechat/auth', (c) => auth(c.req.raw));
  app.all('/wechat/callback/:appid', (c) => message(c.req.raw));
  return createAdaptorServer({ fetch: app.fetch }) as http.Server; // an HTTP/1 server: no `createServer` option given
});
