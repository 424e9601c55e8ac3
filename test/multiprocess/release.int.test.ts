/**
 * A bulk release across real processes on one Redis: 200 mini programs through commit → audit → release on the
 * fake WeChat, with quota and busy errors injected, audits rejected, pushes lost, and the process running the job
 * SIGKILLed midway. A second process resumes the job: every account ends released or rejected as WeChat decided,
 * and none is committed or submitted twice. Children run the BUILT packages (`release-child.mjs`).
 */
import { ComponentCredentials, ReleaseRunner, credentialKeys } from '@wxopen/core';
import { WechatSimulator, startFakeWechat } from '@wxopen/testing';
import type { FakeWechat } from '@wxopen/testing';
import type { Child, RedisScope } from './harness';
import { describeEachRedisShape, redisScope, startChild, valueOf, waitUntil } from './harness';

jest.setTimeout(120_000);

const COUNT = 200;
const appIdOf = (i: number) => `wxmp${String(i).padStart(14, '0')}`;

interface Summary {
  readonly done: boolean;
  readonly total: number;
  readonly counts: Record<string, number>;
  readonly accounts: readonly { readonly appId: string; readonly state: string; readonly errcode?: number }[];
}

describeEachRedisShape('a bulk release across processes on one Redis', (shape) => {
  let fake: FakeWechat | undefined;
  let redis: RedisScope | undefined;
  let children: Child[] = [];
  let parent: ComponentCredentials | undefined;

  afterEach(async () => {
    await Promise.all(children.map((child) => child.kill()));
    children = [];
    await parent?.close(); // before the store goes: its outbox scan must not outlive the test
    parent = undefined;
    await redis?.dispose();
    await fake?.close();
  });

  // Breaks when a resumed runner re-sends a step it cannot prove was not done (commits or submissions counted twice),
  // when records are not kept in the store (the second process starts over), when quota / busy errors are not
  // retried (accounts end failed), or when lost pushes are not made up for by polling (accounts stay auditing).
  test('200 authorizers: the runner is SIGKILLed midway, another process resumes, and every account ends in its right final state', async () => {
    const secrets = WechatSimulator.generateSecrets();
    const wechat = await startFakeWechat({ componentAppId: secrets.appId, componentAppSecret: secrets.appSecret });
    const scope = redisScope('release', shape);
    fake = wechat;
    redis = scope;
    const keys = credentialKeys(wechat.componentAppId);
    const seeded = new ComponentCredentials({ appId: wechat.componentAppId, appSecret: wechat.componentAppSecret, store: scope.store, apiBase: wechat.url });
    parent = seeded;
    await seeded.saveVerifyTicket(wechat.pushTicket());
    const appIds = Array.from({ length: COUNT }, (_, i) => appIdOf(i));
    for (const appId of appIds) await scope.store.set(keys.authorizerRefreshToken(appId), wechat.addMiniProgram(appId).refreshToken);
    const templateId = wechat.addTemplate({ user_version: '7.0.0' }).template_id;

    const rejected = new Set(appIds.filter((_, i) => i % 10 === 3));
    const unpushed = new Set(appIds.filter((_, i) => i % 9 === 1));
    wechat.autoAudit({
      decide: (audit) => (rejected.has(audit.appId) ? { outcome: 'fail', reason: '1:页面内容不完整' } : 'success'),
      push: (audit) => !unpushed.has(audit.appId),
      afterMs: 30,
    });
    wechat.failNext('commit', 45009, 25);
    wechat.busy('submit_audit', 10);
    wechat.failNext('release', 45009, 10);
    wechat.latency('commit', 15);

    const spawn = async () => {
      const child = await startChild('release-child.mjs', {
        ...scope.env,
        WXOPEN_TEST_API_BASE: wechat.url,
        WXOPEN_TEST_APP_ID: secrets.appId,
        WXOPEN_TEST_APP_SECRET: secrets.appSecret,
        WXOPEN_TEST_TOKEN: secrets.token,
        WXOPEN_TEST_AES_KEY: secrets.encodingAESKey,
        WXOPEN_TEST_TEMPLATE_ID: String(templateId),
        WXOPEN_TEST_TARGETS: appIds.join(','),
        WXOPEN_TEST_LEASE_MS: '1500',
      });
      children.push(child);
      const { port } = await child.event('ready');
      wechat.configureCallback({ messageUrl: `http://127.0.0.1:${String(port)}/wechat/callback/$APPID$`, token: secrets.token, encodingAESKey: secrets.encodingAESKey }, 5);
      return child;
    };

    // The first process runs until half the accounts are committed — 20 commits under way at any time — and is
    // killed without warning: some commits reached WeChat and were never recorded.
    const first = await spawn();
    void first.request('run');
    const committed = () => appIds.filter((appId) => wechat.miniProgram(appId).commits.length > 0).length;
    await waitUntil('the first process committed half the accounts', () => committed() >= COUNT / 2, 60_000);
    await first.kill('SIGKILL');

    const observer = new ReleaseRunner({ componentAppId: wechat.componentAppId, store: scope.store, clientFor: () => seeded.client() });
    const midway = await observer.status('mp-release-7.0.0');
    expect(midway?.done).toBe(false);
    expect(midway?.counts['pending']).toBeGreaterThan(0);
    expect(midway?.counts['committed']).toBeGreaterThan(0);
    // Killed with commits under way: these accounts are found `committing`, and WeChat may have them committed.
    expect(midway?.counts['committing']).toBeGreaterThan(0);

    // A second process resumes the same job.
    const second = await spawn();
    const summary = valueOf(await second.request<Summary>('run'));

    expect(summary.done).toBe(true);
    expect(summary.counts).toMatchObject({ released: COUNT - rejected.size, rejected: rejected.size, failed: 0 });
    for (const account of summary.accounts) {
      const mp = wechat.miniProgram(account.appId);
      expect({ appId: account.appId, commits: mp.commits.length, audits: mp.audits.size }).toEqual({ appId: account.appId, commits: 1, audits: 1 });
      const truth = mp.online()?.userVersion === '7.0.0' ? 'released' : mp.latestAudit?.status === 1 ? 'rejected' : 'other';
      expect({ appId: account.appId, state: account.state }).toEqual({ appId: account.appId, state: truth });
    }
    // Lost pushes (and pushes to the killed process) were made up for by polling.
    for (const appId of unpushed) expect(wechat.countFor('get_auditstatus', appId)).toBeGreaterThanOrEqual(1);
    expect(second.events('progress').length).toBeGreaterThan(0);
    expect((await observer.status('mp-release-7.0.0'))?.done).toBe(true);
  });
});
