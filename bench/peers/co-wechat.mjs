// `co-wechat` (Koa middleware), as its README shows it, on Koa 3 with @koa/router: one text handler answering
// `echo: <Content>`, encrypted mode (token, appid, encodingAESKey).
import Koa from 'koa';
import Router from '@koa/router';
import wechat from 'co-wechat';
import { listen, secrets } from './_listen.mjs';

const app = new Koa();
const router = new Router();
router.all(
  '/wechat/callback/:appid',
  wechat({ token: secrets.token, appid: secrets.appId, encodingAESKey: secrets.encodingAESKey }).middleware(async (message) => `echo: ${message.Content}`),
);
app.use(router.routes());
listen(app.callback());
