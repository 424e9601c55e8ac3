import { readFileSync } from 'node:fs';
import path from 'node:path';
import { WechatSimulator } from '@wxopen/testing';
import { allKinds, samplePush } from '../src/cli/samples';
import type { RunningExample } from './cli-support';
import { ROOT, cleanEnv, eventually, runNode, startExample, wxopen } from './cli-support';

const secrets = WechatSimulator.generateSecrets();
const cliEnv = cleanEnv({ WECHAT_COMPONENT_APPID: secrets.appId, WECHAT_TOKEN: secrets.token, WECHAT_AES_KEY: secrets.encodingAESKey });
const AUTHORIZER = 'wx00000000000c1100';
let example: RunningExample;
let base: string;

beforeAll(async () => {
  example = await startExample({
    WECHAT_COMPONENT_APPID: secrets.appId,
    WECHAT_COMPONENT_SECRET: secrets.appSecret,
    WECHAT_TOKEN: secrets.token,
    WECHAT_AES_KEY: secrets.encodingAESKey,
    // No WeChat here: the credential chain's calls go to a closed port and fail, which these tests do not need.
    WECHAT_API_BASE: 'http://127.0.0.1:9',
  });
  base = `${example.url}/wechat`;
}, 20_000);

afterAll(async () => {
  expect(await example?.stop()).toBe(0);
});

/** `wxopen push …` against the example. */
const push = (...args: string[]) => wxopen(['push', '--url', base, '--appid', AUTHORIZER, ...args], cliEnv);

/** Output that must hold none of the platform's secrets. */
function expectNoSecrets(text: string): void {
  expect(text).not.toContain(secrets.token);
  expect(text).not.toContain(secrets.encodingAESKey);
  expect(text).not.toContain(secrets.appSecret);
}

describe('wxopen push against a running example', () => {
  test('a text message gets the encrypted reply, verified and decrypted', async () => {
    const ran = await push('text', 'hi there');
    expect(ran.code).toBe(0);
    expect(ran.stdout).toContain(`POST ${base}/callback/${AUTHORIZER} (text, encrypted XML)`);
    expect(ran.stdout).toContain('HTTP 200\nreply (encrypted, signature verified):');
    expect(ran.stdout).toContain('<Content><![CDATA[echo: hi there]]></Content>');
    expectNoSecrets(ran.stdout + ran.stderr);
  });

  test('--format json sends a JSON push and prints the JSON reply', async () => {
    const ran = await push('text', 'in json', '--format', 'json');
    expect(ran.code).toBe(0);
    expect(ran.stdout).toContain('(text, encrypted JSON)');
    const reply = JSON.parse(ran.stdout.split('\n').find((line) => line.startsWith('{')) ?? '') as Record<string, unknown>;
    expect(reply).toMatchObject({ MsgType: 'text', Content: 'echo: in json', ToUserName: 'o_simulated_user' });
  });

  test('--from, --to and --field set the fields of the push', async () => {
    const ran = await push('text', '--field', 'Content=from a field', '--from', 'o_someone_else', '--to', 'gh_1234567890ab');
    expect(ran.stdout).toContain('<Content><![CDATA[echo: from a field]]></Content>');
    // The reply goes back the other way: to the sender, from the authorizer.
    expect(ran.stdout).toContain('<ToUserName><![CDATA[o_someone_else]]></ToUserName>');
    expect(ran.stdout).toContain('<FromUserName><![CDATA[gh_1234567890ab]]></FromUserName>');
  });

  test('events are acknowledged with success', async () => {
    for (const args of [['subscribe'], ['event', 'CLICK', 'menu_1'], ['LOCATION'], ['weapp_audit_fail', '--field', 'Reason=name']]) {
      const ran = await push(...args);
      expect({ args, code: ran.code, out: ran.stdout }).toMatchObject({ code: 0, out: expect.stringContaining('HTTP 200\nsuccess') });
    }
  });

  test('a verify ticket goes to the authorization-event URL and is never printed', async () => {
    const ticket = 'ticket@@@planted-ticket-value';
    const ran = await push('ticket', '--field', `ComponentVerifyTicket=${ticket}`);
    expect(ran.code).toBe(0);
    expect(ran.stdout).toContain(`POST ${base}/auth (InfoType component_verify_ticket, encrypted XML)`);
    expect(ran.stdout).toContain('HTTP 200\nsuccess');
    expect(ran.stdout + ran.stderr).not.toContain(ticket);
    expect(example.output()).toContain('component_verify_ticket received');
  });

  test('authorized and unauthorized pushes name the authorizer given with --appid', async () => {
    expect((await push('authorized')).code).toBe(0);
    expect((await push('unauthorized')).code).toBe(0);
    expect(example.output()).toContain(`authorized by ${AUTHORIZER}`);
    expect(example.output()).toContain(`unauthorized by ${AUTHORIZER}`);
  });

  test('a name two families share must say which; a wrongly cased one gets a suggestion', async () => {
    const ambiguous = await push('wxa_nickname_audit');
    expect(ambiguous.code).toBe(2);
    expect(ambiguous.stderr).toContain('say `wxopen push event wxa_nickname_audit` or `wxopen push info wxa_nickname_audit`');
    expect((await push('info', 'wxa_nickname_audit')).code).toBe(0);
    const cased = await push('click');
    expect(cased).toMatchObject({ code: 2, stderr: expect.stringContaining('did you mean event CLICK?') });
  });

  test('a refused push exits 1: plain where encryption is required, or the wrong Token', async () => {
    const plain = await push('text', 'x', '--plain');
    expect(plain.code).toBe(1);
    expect(plain.stdout).toContain('HTTP 400');
    const wrongToken = await push('text', 'x', '--token', 'not-the-token');
    expect(wrongToken.code).toBe(1);
    expect(wrongToken.stdout).toContain('HTTP 401');
  });

  test('a route appid that is not an appid is explained', async () => {
    const ran = await wxopen(['push', '--url', base, '--appid', 'wx_demo', 'text', 'x'], cliEnv);
    expect(ran.code).toBe(1);
    expect(ran.stderr).toContain('note: "wx_demo" is not a WeChat appid (wx and 16 hex digits)');
  });

  test('--dry-run prints the push without sending it, credential fields masked', async () => {
    const ran = await wxopen(['push', 'authorized', '--dry-run', '--field', 'AuthorizationCode=queryauthcode@@@secret-code'], cleanEnv());
    expect(ran.code).toBe(0);
    expect(ran.stdout).toContain('<InfoType><![CDATA[authorized]]></InfoType>');
    expect(ran.stdout).toContain('<AuthorizationCode><![CDATA[***]]></AuthorizationCode>');
    expect(ran.stdout).not.toContain('secret-code');
  });
});

describe('wxopen verify-url against a running example', () => {
  test('passes with the right Token, exit 0', async () => {
    const ran = await wxopen(['verify-url', '--url', `${base}/callback/$APPID$`, '--appid', AUTHORIZER], cliEnv);
    expect(ran.code).toBe(0);
    expect(ran.stdout).toContain('ok    a signed check got its echostr back (HTTP 200)');
    expect(ran.stdout).toContain('ok    a wrongly signed check was refused (HTTP 401)');
    expect(ran.stdout).toContain('URL verified');
    expectNoSecrets(ran.stdout + ran.stderr);
  });

  test('fails with another Token, exit 1', async () => {
    const ran = await wxopen(['verify-url', '--url', `${base}/callback/${AUTHORIZER}`, '--token', 'another-token'], cliEnv);
    expect(ran.code).toBe(1);
    expect(ran.stdout).toContain('FAIL  a signed check got HTTP 401');
    expect(ran.stderr).toContain("wxopen verify-url: the URL would not pass WeChat's verification");
  });
});

describe('a sample of every kind', () => {
  const wechat = new WechatSimulator(secrets);
  const now = () => Math.floor(Date.now() / 1000);
  const context = () => ({ componentAppId: secrets.appId, authorizerAppId: AUTHORIZER, to: 'gh_0000000000', from: 'o_user', now: now() });

  test.each(['xml', 'json'] as const)('is accepted by the example as %s (2xx)', async (format) => {
    const refused: string[] = [];
    for (const kind of allKinds()) {
      const message = samplePush(kind, context());
      const sealed = kind.family === 'info' ? wechat.component(message, { format }) : wechat.encrypted(message, { format, openid: 'o_user' });
      const path = kind.family === 'info' ? '/wechat/auth' : `/wechat/callback/${AUTHORIZER}`;
      const response = await fetch(`${example.url}${sealed.url(path)}`, { method: 'POST', body: sealed.body });
      await response.text();
      if (response.status !== 200) refused.push(`${kind.family} ${kind.name}: HTTP ${response.status}`);
    }
    expect(refused).toEqual([]);
  });
});

describe('the command a demo example prints', () => {
  let demo: RunningExample;
  beforeAll(async () => {
    demo = await startExample({ WECHAT_API_BASE: 'http://127.0.0.1:9' });
  }, 20_000);
  afterAll(async () => {
    expect(await demo?.stop()).toBe(0);
  });

  /** The "Try it" line: `VAR=value … npx wxopen push <args>`. */
  async function tryItLine(): Promise<{ env: Record<string, string>; args: string[] }> {
    // Printed right after the "listening on" line, maybe in a later chunk.
    const line = await eventually(async () => /^ {2}(WECHAT_\S+=.*)$/m.exec(demo.output().split('Try it from another terminal:')[1] ?? '')?.[1], 50);
    const words = line.split(/\s+/);
    const env = Object.fromEntries(words.filter((w) => /^[A-Z_]+=/.test(w)).map((w) => [w.slice(0, w.indexOf('=')), w.slice(w.indexOf('=') + 1)]));
    const command = words.filter((w) => !/^[A-Z_]+=/.test(w));
    expect(command.slice(0, 2)).toEqual(['npx', 'wxopen']);
    return { env, args: command.slice(2) };
  }

  test('works as printed, and gets the echo reply', async () => {
    const { env, args } = await tryItLine();
    const ran = await wxopen(args, cleanEnv(env));
    expect(ran.code).toBe(0);
    expect(ran.stdout).toContain('<Content><![CDATA[echo: hello]]></Content>');
  });

  test('npm run simulate (the root script) is wxopen push under its former name', async () => {
    const { env, args } = await tryItLine();
    const scripts = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    const [program, script] = (scripts['simulate'] ?? '').split(' ');
    expect(program).toBe('node');
    // The former usage: `npm run simulate -- --url … text hello`.
    const ran = await runNode(path.join(ROOT, script ?? ''), args.slice(1), cleanEnv(env));
    expect(ran.code).toBe(0);
    expect(ran.stdout).toContain('<Content><![CDATA[echo: hello]]></Content>');
  });
});
