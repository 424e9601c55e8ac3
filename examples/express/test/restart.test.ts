/**
 * The built Express example as a real process on its default file store (`WXOPEN_STATE_FILE`), killed with
 * SIGKILL and restarted: the verify ticket, the component token and the authorizer refresh tokens it had
 * stored survive, and the restarted process reuses them instead of asking WeChat (the fake) again.
 * `npm test` builds the example first (`tsc -b`).
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { credentialKeys } from '@wxopen/core';
import { WechatSimulator, startFakeWechat, textMessage } from '@wxopen/testing';
import type { FakeWechat } from '@wxopen/testing';
import { childEnv, credentialsEnv } from '../../shared/test/example-process';

jest.setTimeout(30_000);

const ROOT = path.resolve(__dirname, '../../..');
const ENTRY = path.join(ROOT, 'examples/express/dist/index.js');
/** An account authorized before the restart (its refresh token must survive). */
const AUTHORIZED_BEFORE = 'wxauthorizedbefore01';
/** The 全网发布 test account whose QUERY_AUTH_CODE case is driven after the restart. */
const RELEASE_TEST_APPID = 'wx570bc396a51b8ff8';
const RELEASE_TEST_USERNAME = 'gh_3c884a361561';

interface Example {
  readonly child: ChildProcess;
  readonly url: string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output(): string;
}

/** Starts the built example with `env` and resolves once it printed `listening on http://…`. */
function startExample(env: NodeJS.ProcessEnv): Promise<Example> {
  const child = spawn(process.execPath, [ENTRY], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return new Promise((resolve, reject) => {
    const collect = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const url = /listening on (http:\/\/\S+)/.exec(output)?.[1];
      if (url) resolve({ child, url, exited, output: () => output });
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    void exited.then(({ code }) => reject(new Error(`the example exited (${String(code)}) before listening:\n${output}`)));
  });
}

async function stop(example: Example | undefined, signal: NodeJS.Signals) {
  if (!example) return undefined;
  if (example.child.exitCode === null && example.child.signalCode === null) example.child.kill(signal);
  return example.exited;
}

async function waitUntil(what: string, condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('express example restarted with its default file store', () => {
  const secrets = WechatSimulator.generateSecrets();
  const wechat = new WechatSimulator(secrets);
  const keys = credentialKeys(secrets.appId);
  let fake: FakeWechat;
  let dir: string;
  let stateFile: string;
  let env: NodeJS.ProcessEnv;
  const running: Example[] = [];

  beforeAll(async () => {
    fake = await startFakeWechat({ componentAppId: secrets.appId, componentAppSecret: secrets.appSecret });
    dir = await mkdtemp(path.join(tmpdir(), 'wxopen-restart-'));
    stateFile = path.join(dir, 'state.json');
    // Our environment without any wxopen setting (REDIS_URL would switch the example to Redis), plus the example's.
    env = childEnv({ ...credentialsEnv(secrets), WECHAT_API_BASE: fake.url, WXOPEN_STATE_FILE: stateFile });
  });

  afterAll(async () => {
    await Promise.all(running.map((example) => stop(example, 'SIGKILL')));
    await fake.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** The state file's entries, key → value (the FileStore shape `{ version, entries: { key: { v, e? } } }`). */
  function stored(): Record<string, string> {
    if (!existsSync(stateFile)) return {};
    const parsed = JSON.parse(readFileSync(stateFile, 'utf8')) as { entries: Record<string, { v: string }> };
    return Object.fromEntries(Object.entries(parsed.entries).map(([key, entry]) => [key, entry.v]));
  }

  async function post(example: Example, route: string, push: { url(path: string): string; body: string }): Promise<string> {
    const response = await fetch(example.url + push.url(route), { method: 'POST', headers: { 'content-type': 'text/xml' }, body: push.body });
    expect(response.status).toBe(200);
    return response.text();
  }

  const refreshTokenOf = (appId: string) => fake.state.authorizers.get(appId)?.refreshToken;

  // Breaks when the example keeps its state in memory (nothing in the file; a new component token is fetched
  // after the restart — or none can be, the ticket being gone), when the file store loses writes on SIGKILL, or
  // when the restarted process does not load the file (its first write would drop the keys written before).
  test('after SIGKILL and a restart, the ticket, the component token and refresh tokens are reused, not fetched again', async () => {
    const first = await startExample(env);
    running.push(first);

    // 1. WeChat pushes the verify ticket, then an authorization.
    const ticket = fake.pushTicket();
    const createTime = Math.floor(Date.now() / 1000);
    const ticketPush = wechat.component({ AppId: secrets.appId, CreateTime: createTime, InfoType: 'component_verify_ticket', ComponentVerifyTicket: ticket });
    expect(await post(first, '/wechat/auth', ticketPush)).toBe('success');
    const code = fake.registerAuthorizationCode({ appId: AUTHORIZED_BEFORE });
    const authorizedPush = wechat.component({
      AppId: secrets.appId,
      CreateTime: createTime,
      InfoType: 'authorized',
      AuthorizerAppid: AUTHORIZED_BEFORE,
      AuthorizationCode: code,
      AuthorizationCodeExpiredTime: createTime + 3600,
    });
    expect(await post(first, '/wechat/auth', authorizedPush)).toBe('success');

    // 2. The example exchanges the code in the background; wait until the refresh token is on disk.
    await waitUntil('the example exchanged the code and stored the refresh token', () =>
      fake.count('api_query_auth') === 1 && stored()[keys.authorizerRefreshToken(AUTHORIZED_BEFORE)] === refreshTokenOf(AUTHORIZED_BEFORE),
    );
    expect(fake.count('api_component_token')).toBe(1);
    const before = stored();
    expect(before[keys.ticket]).toBe(ticket);
    expect(JSON.parse(before[keys.componentToken] ?? '{}')).toMatchObject({ token: fake.state.componentToken });

    // 3. Crash and restart with the same environment.
    expect(await stop(first, 'SIGKILL')).toEqual({ code: null, signal: 'SIGKILL' });
    const second = await startExample(env);
    running.push(second);

    // 4. The 全网发布 API case: api_query_auth (needs the component token), then a customer-service message with
    //    the authorizer token it returned.
    const releaseCode = fake.registerAuthorizationCode({ appId: RELEASE_TEST_APPID });
    const releasePush = wechat.encrypted(
      textMessage(`QUERY_AUTH_CODE:${releaseCode}`, { to: RELEASE_TEST_USERNAME, from: 'ozy4qt5QUADNXORxCVipKMV9dss0' }),
    );
    expect(await post(second, `/wechat/callback/${RELEASE_TEST_APPID}`, releasePush)).toBe('success');
    await waitUntil('the example sent `<code>_from_api` by customer service', () =>
      fake.sentMessages.some((sent) => JSON.stringify(sent.message).includes(`"${releaseCode}_from_api"`)),
    );
    await waitUntil('the restarted example stored the new refresh token', () =>
      stored()[keys.authorizerRefreshToken(RELEASE_TEST_APPID)] === refreshTokenOf(RELEASE_TEST_APPID),
    );

    // The persisted component token was reused; nothing asked WeChat to push a new ticket.
    expect(fake.count('api_component_token')).toBe(1);
    expect(fake.count('api_start_push_ticket')).toBe(0);
    expect(fake.count('api_query_auth')).toBe(2);
    // Written by the restarted process, the file still holds what the first one stored.
    const after = stored();
    expect(after[keys.ticket]).toBe(ticket);
    expect(after[keys.componentToken]).toBe(before[keys.componentToken]);
    expect(after[keys.authorizerRefreshToken(AUTHORIZED_BEFORE)]).toBe(refreshTokenOf(AUTHORIZED_BEFORE));

    // 5. SIGTERM closes cleanly.
    expect(await stop(second, 'SIGTERM')).toEqual({ code: 0, signal: null });
  });

  // Breaks when the replay marks of the file store's process live only in its memory: the restarted example
  // answers the replayed push with a fresh encrypted echo, i.e. runs its handler a second time.
  test('after SIGTERM and a restart, a push replayed while its timestamp is accepted is not run again, also after the restarted process is killed', async () => {
    const first = await startExample(env);
    running.push(first);
    const authorizer = 'wx00000000000ab0c1';
    const route = `/wechat/callback/${authorizer}`;
    // Addressed to the authorizer's original id as the fake WeChat names it (the example checks the addressee).
    const to = `gh_${authorizer.slice(-12)}`;
    const push = wechat.encrypted(textMessage('before the restart', { to }));
    expect(wechat.openReply(await post(first, route, push)).record['Content']).toBe('echo: before the restart');
    expect(await stop(first, 'SIGTERM')).toEqual({ code: 0, signal: null });

    const second = await startExample(env);
    running.push(second);
    expect(await post(second, route, push)).toBe('success');
    // A new push is still run.
    expect(wechat.openReply(await post(second, route, wechat.encrypted(textMessage('after', { to })))).record['Content']).toBe('echo: after');
    // The restarted process crashes: the marks of the graceful close are still in the file for the next one.
    expect(await stop(second, 'SIGKILL')).toEqual({ code: null, signal: 'SIGKILL' });

    const third = await startExample(env);
    running.push(third);
    expect(await post(third, route, push)).toBe('success');
    expect(await stop(third, 'SIGTERM')).toEqual({ code: 0, signal: null });
  });
});
