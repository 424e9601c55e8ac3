import { AuthServer, reply } from '@wxopen/core';
import { WechatSimulator, textMessage } from '@wxopen/testing';

const secrets = WechatSimulator.generateSecrets();
const wechat = new WechatSimulator(secrets);

test('an encrypted text message gets an encrypted text reply', async () => {
  const platform = new AuthServer({ ...secrets, onError: () => {} });
  platform.messages.on('text', (msg) => reply.text(`echo: ${msg.Content}`));
  const push = wechat.encrypted(textMessage('hi'), { openid: 'o_user_openid' });
  const res = await platform.handleMessage({ method: 'POST', query: push.query, body: push.body, authorizerAppId: 'wxabc' });
  expect(res.status).toBe(200);
  const opened = wechat.openReply(res.body);
  expect(opened.encrypted).toBe(true);
  expect(opened.record['Content']).toBe('echo: hi');
});
