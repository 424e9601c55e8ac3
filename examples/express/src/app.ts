import express from 'express';
import type { Express } from 'express';
import type { AuthServer } from '@wxopen/core';
import { authCallback, messageCallback } from '@wxopen/express';

/** The Express app of a third-party platform: both WeChat callback URLs, mounted before any body parser. */
export function buildApp(platform: AuthServer): Express {
  const app = express();
  app.all('/wechat/auth', authCallback(platform));
  app.all('/wechat/callback/:appid', messageCallback(platform));
  // Routes of your own (and their body parsers, e.g. app.use(express.json())) go after wxopen's.
  return app;
}
