#!/usr/bin/env node
/**
 * `wxopen-simulate`: plays WeChat against a running platform, for trying an example by hand.
 *
 *   wxopen-simulate text "hello"          an encrypted text message to /wechat/callback/<appid>
 *   wxopen-simulate event subscribe       an encrypted event
 *   wxopen-simulate ticket                a component_verify_ticket push to /wechat/auth
 *
 * Credentials come from the same variables the examples read (WECHAT_COMPONENT_APPID, WECHAT_TOKEN,
 * WECHAT_AES_KEY); `--url` (default http://127.0.0.1:3000/wechat) and `--appid` (the authorizer, default
 * wx_demo_authorizer) choose where to send.
 */
import { randomBytes } from 'node:crypto';
import { WechatSimulator, textMessage } from './callback';

function usage(message: string): never {
  console.error(`wxopen-simulate: ${message}`);
  console.error('usage: wxopen-simulate [--url http://127.0.0.1:3000/wechat] [--appid wx…] text <content> | event <Event> [EventKey] | ticket');
  process.exit(2);
}

async function main(argv: string[]): Promise<void> {
  const args = [...argv];
  const option = (name: string, fallback: string): string => {
    const i = args.indexOf(name);
    if (i < 0) return fallback;
    const [, value] = args.splice(i, 2);
    if (value === undefined) usage(`${name} needs a value`);
    return value;
  };
  const base = option('--url', 'http://127.0.0.1:3000/wechat').replace(/\/$/, '');
  const authorizer = option('--appid', 'wx_demo_authorizer');
  const { WECHAT_COMPONENT_APPID: appId, WECHAT_TOKEN: token, WECHAT_AES_KEY: encodingAESKey } = process.env;
  if (!appId || !token || !encodingAESKey) usage('set WECHAT_COMPONENT_APPID, WECHAT_TOKEN and WECHAT_AES_KEY (the example prints them)');
  const wechat = new WechatSimulator({ appId, token, encodingAESKey });
  const [kind, first, second] = args;
  let url: string;
  let body: string;
  if (kind === 'text' && first !== undefined) {
    const push = wechat.encrypted(textMessage(first), { openid: 'o_simulated_user' });
    [url, body] = [push.url(`${base}/callback/${encodeURIComponent(authorizer)}`), push.body];
  } else if (kind === 'event' && first !== undefined) {
    const event = { ToUserName: 'gh_simulated', FromUserName: 'o_simulated_user', CreateTime: Math.floor(Date.now() / 1000), MsgType: 'event', Event: first, ...(second ? { EventKey: second } : {}) };
    const push = wechat.encrypted(event, { openid: 'o_simulated_user' });
    [url, body] = [push.url(`${base}/callback/${encodeURIComponent(authorizer)}`), push.body];
  } else if (kind === 'ticket') {
    const info = { AppId: appId, CreateTime: Math.floor(Date.now() / 1000), InfoType: 'component_verify_ticket', ComponentVerifyTicket: `ticket@@@${randomBytes(24).toString('base64url')}` };
    const push = wechat.component(info);
    [url, body] = [push.url(`${base}/auth`), push.body];
  } else {
    usage('say what to send');
  }
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'text/xml' }, body });
  const text = await response.text();
  console.log(`HTTP ${response.status}`);
  if (response.ok && text.startsWith('<xml>')) {
    const reply = wechat.openReply(text);
    console.log(`reply (${reply.encrypted ? 'encrypted, signature verified' : 'plain'}):`);
    console.log(reply.xml);
  } else {
    console.log(text);
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(`wxopen-simulate: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
