// node-webot `wechat` (Express middleware), as its README shows it, on Express 5: one text handler answering
// `echo: <Content>`, encrypted mode (token, appid, encodingAESKey).
import express from 'express';
import wechat from 'wechat';
import { listen, secrets } from './_listen.mjs';

const app = express();
app.use(
  '/wechat/callback/:appid',
  wechat({ token: secrets.token, appid: secrets.appId, encodingAESKey: secrets.encodingAESKey }, (req, res) => {
    res.reply(`echo: ${req.weixin.Content}`);
  }),
);
listen(app);
