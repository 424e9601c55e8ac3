/**
 * `wxopen release` as a process against the fake WeChat: a template committed, audited and released across five
 * mini programs on the platform's FileStore, the progress lines and the final table checked, each account committed
 * once; a second run of the same job finds everything done.
 */
import { ComponentCredentials, FileStore } from '@wxopen/core';
import { startFakeWechat } from '@wxopen/testing';
import type { FakeWechat } from '@wxopen/testing';
import { cleanEnv, removeTemp, tempStateFile, wxopen } from './cli-support';

jest.setTimeout(60_000);

const APPS = ['wx0000000000000c01', 'wx0000000000000c02', 'wx0000000000000c03', 'wx0000000000000c04', 'wx0000000000000c05'];
const REJECTED = 'wx0000000000000c03';

let fake: FakeWechat;
let stateFile: string;

beforeEach(async () => {
  fake = await startFakeWechat();
  stateFile = tempStateFile('release');
  // The platform's state: a ticket and each mini program's refresh token (then the store is closed: one process per file).
  const store = new FileStore({ path: stateFile });
  const credentials = new ComponentCredentials({ appId: fake.componentAppId, appSecret: fake.componentAppSecret, store, api: { apiBase: fake.url } });
  await credentials.keepVerifyTicket(fake.pushTicket());
  for (const appId of APPS) await store.set(credentials.keys.authorizerRefreshToken(appId), fake.addMiniProgram(appId).refreshToken);
  await credentials.close();
  await store.close();
  // Results are not pushed anywhere: the CLI learns them by polling get_auditstatus.
  fake.autoAudit({ decide: (audit) => (audit.appId === REJECTED ? { outcome: 'fail', reason: '1:页面内容不完整' } : 'success'), push: false });
});

afterEach(async () => {
  await fake.close();
  removeTemp(stateFile);
});

test('releases a template across mini programs with a progress line per change and a final table, each account committed once', async () => {
  const templateId = fake.addTemplate({ user_version: '2.0.0' }).template_id;
  const env = cleanEnv({
    WECHAT_COMPONENT_APPID: fake.componentAppId,
    WECHAT_COMPONENT_SECRET: fake.componentAppSecret,
    WECHAT_API_BASE: fake.url,
    WXOPEN_NO_TTY: '1',
  });
  const args = ['release', '--file', stateFile, '--template', String(templateId), '--user-version', '2.0.0', '--user-desc', 'spring', '--targets', APPS.join(','), '--poll-ms', '50', '--concurrency', '2'];
  const ran = await wxopen(args, env);
  expect(ran.stderr).toBe('');
  expect(ran.code).toBe(0);
  const lines = ran.stdout.split('\n');
  const progress = lines.filter((line) => line.startsWith('['));
  expect(progress.length).toBeGreaterThan(1);
  expect(progress.at(-1)).toMatch(/^\[#{30}\] 5\/5 done \| released 4 · rejected 1$/);
  expect(ran.stdout).toMatch(/^released\s+4\s+80%$/m);
  expect(ran.stdout).toMatch(/^rejected\s+1\s+20%$/m);
  expect(ran.stdout).toContain(REJECTED);
  for (const appId of APPS) expect(fake.countFor('commit', appId)).toBe(1);
  expect(fake.count('release')).toBe(4);
  for (const secret of [fake.componentAppSecret]) expect(ran.stdout + ran.stderr).not.toContain(secret);

  // The same job again: nothing is sent twice.
  const again = await wxopen(args, env);
  expect(again.code).toBe(0);
  for (const appId of APPS) expect(fake.countFor('commit', appId)).toBe(1);
  expect(fake.count('release')).toBe(4);
});

test('refuses a missing template or AppSecret with exit code 2 and one line', async () => {
  const env = cleanEnv({ WECHAT_COMPONENT_APPID: fake.componentAppId, WECHAT_API_BASE: fake.url });
  const noSecret = await wxopen(['release', '--file', stateFile, '--template', '1', '--user-version', '1', '--user-desc', 'x'], env);
  expect(noSecret.code).toBe(2);
  expect(noSecret.stderr.trim().split('\n')).toEqual(['wxopen release: set WECHAT_COMPONENT_SECRET (the component AppSecret) in the environment']);
  const noTemplate = await wxopen(['release', '--file', stateFile], { ...env, WECHAT_COMPONENT_SECRET: 'x'.repeat(32) });
  expect(noTemplate.code).toBe(2);
  expect(noTemplate.stderr).toMatch(/--template is required/);
});
