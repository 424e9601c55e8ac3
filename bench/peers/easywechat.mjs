// `node-easywechat` 3.x on Express 5, as its README and demo show it: an `OfficialAccount` with the platform's
// token and AES key, a `ServerRequest` made from the Node request, the server's `with` handler answering
// `echo: <Content>`, the response's status, headers and body written back.
import express from 'express';
import { OfficialAccount, ServerRequest } from 'node-easywechat';
import { listen, secrets } from './_listen.mjs';

const config = { app_id: secrets.appId, secret: secrets.appSecret, token: secrets.token, aes_key: secrets.encodingAESKey };

const app = express();
app.post('/wechat/callback/:appid', async (req, res, next) => {
  try {
    // One application per request: the library keeps the request on the application, so a shared one would mix
    // up concurrent requests.
    const account = new OfficialAccount(config);
    account.setRequest(await ServerRequest.createFromIncomingMessage(req));
    const server = account.getServer();
    server.with(async (message) => (message.MsgType === 'text' ? `echo: ${message.Content}` : 'success'));
    const response = await server.serve();
    res.status(response.getStatusCode()).set(response.getHeaders()).send(response.getBody());
  } catch (error) {
    next(error);
  }
});
listen(app);
