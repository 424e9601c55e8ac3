import { commit, submitAudit } from '../../src/api/miniprogram/code';
import { ApiTransport } from '../../src/api/transport';
import type { ApiRequest, ApiResponse } from '../../src/api/transport';
import type { AccountRecord, ReleaseRunner } from '@wxopen/core';
import { ReleaseLedger } from '../../src/release/ledger';
import { DyingTransport, appIdOf, releaseHarness } from './harness';
import type { ReleaseHarness } from './harness';

jest.setTimeout(60_000);

let h: ReleaseHarness;
afterEach(() => h?.close());

/** What the fake says became of each account, to compare with the runner's records. */
function truth(appId: string): 'released' | 'rejected' | 'other' {
  const mp = h.fake.miniProgram(appId);
  if (mp.online()?.userVersion === '5.0.0') return 'released';
  if (mp.latestAudit?.status === 1) return 'rejected';
  return 'other';
}

function expectConsistent(accounts: readonly AccountRecord[]): void {
  for (const record of accounts) {
    const mp = h.fake.miniProgram(record.appId);
    expect({ appId: record.appId, commits: mp.commits.length }).toEqual({ appId: record.appId, commits: 1 });
    if (record.state === 'released' || record.state === 'rejected') expect({ appId: record.appId, state: truth(record.appId) }).toEqual({ appId: record.appId, state: record.state });
  }
}

describe('ReleaseRunner: 200 authorizers through commit → audit → release', () => {
  it('ends with each account released or rejected as WeChat decided, through quota and busy errors and lost pushes, committing each once', async () => {
    h = await releaseHarness(200);
    const rejected = new Set(h.appIds.filter((_, i) => i % 10 === 3));
    const unpushed = new Set(h.appIds.filter((_, i) => i % 7 === 1));
    h.fake.autoAudit({
      decide: (audit) => (rejected.has(audit.appId) ? { outcome: 'fail', reason: '1:页面内容不完整<br>' } : 'success'),
      push: (audit) => !unpushed.has(audit.appId),
    });
    h.fake.failNext('commit', 45009, 30);
    h.fake.busy('submit_audit', 15);
    h.fake.failNext('release', 45009, 10);
    h.fake.failNext('commit', 45011, 5);
    const { runner, events } = h.runner();
    await h.listen(runner);

    const summary = await runner.run(h.job());

    expect(summary.done).toBe(true);
    expect(summary.counts.released).toBe(200 - rejected.size);
    expect(summary.counts.rejected).toBe(rejected.size);
    expect(summary.accounts.filter((a) => a.state === 'rejected').map((a) => a.appId).sort()).toEqual([...rejected].sort());
    expectConsistent(summary.accounts);
    expect(h.fake.count('submit_audit')).toBe(200 + 15);
    expect(h.fake.count('release')).toBe(200 - rejected.size + 10);
    // Lost pushes were made up for by polling; pushed results needed no poll.
    for (const appId of unpushed) expect(h.fake.countFor('get_auditstatus', appId)).toBeGreaterThanOrEqual(1);
    expect(events.filter((e) => e.type === 'retry').length).toBe(30 + 15 + 10 + 5);
    expect(events.at(-1)).toMatchObject({ type: 'finished', summary: { done: true } });
    const progress = events.filter((e) => e.type === 'progress');
    expect(progress.at(-1)).toMatchObject({ counts: { released: 200 - rejected.size, rejected: rejected.size } });
  });

  it('never has more requests under way than its concurrency', async () => {
    h = await releaseHarness(60);
    h.fake.autoAudit({});
    let inFlight = 0;
    let most = 0;
    class Counting extends ApiTransport {
      override async request(request: ApiRequest): Promise<ApiResponse> {
        most = Math.max(most, ++inFlight);
        try {
          return await super.request(request);
        } finally {
          inFlight--;
        }
      }
    }
    h.fake.latency('commit', 20);
    const { runner } = h.runner({ concurrency: 7, transport: new Counting({ apiBase: h.fake.url, busyRetries: 0 }) });
    await h.listen(runner);
    const summary = await runner.run(h.job());
    expect(summary.counts.released).toBe(60);
    expect(most).toBe(7);
  });
});

describe('ReleaseRunner: crashes and resumption', () => {
  it.each([
    ['a commit', '/wxa/commit', 40, 'committing'],
    ['an audit submission', '/wxa/submit_audit', 40, 'submitting'],
    ['a release', '/wxa/release', 20, 'releasing'],
  ] as const)(
    'resumes after the process died with %s sent and its answer lost: nothing is sent twice, every account ends final',
    async (_what, path, after, inProgress) => {
      h = await releaseHarness(120);
      h.fake.autoAudit({ decide: (audit) => (audit.appId.endsWith('7') ? 'fail' : 'success') });
      let seen = 0;
      const dying = new DyingTransport(h.fake.url, (request) => request.path === path && ++seen >= after);
      // Its token fetches hang too; a short lock wait lets its other accounts give up soon after it is stopped.
      const first = h.runner({ transport: dying, leaseMs: 300, lockWaitMs: 200 });
      await h.listen(first.runner);
      const stop = new AbortController();
      void first.runner.run(h.job(), { signal: stop.signal });
      while (!dying.dead) await new Promise((resolve) => setTimeout(resolve, 5));
      stop.abort();
      // What the dead process sent still reaches WeChat; a lease must outlast that (here: wait for it).
      await dying.landed();

      const ledger = new ReleaseLedger(h.store, h.fake.componentAppId);
      const stranded = (await Promise.all(h.appIds.map((appId) => ledger.read('spring-5.0.0', appId)))).filter((r) => r?.state === inProgress);
      expect(stranded.length).toBeGreaterThan(0);

      const second = h.runner({ leaseMs: 300 });
      await h.listen(second.runner);
      const summary = await second.runner.run(h.job());

      expect(summary.done).toBe(true);
      expect(summary.counts.released + summary.counts.rejected).toBe(120);
      expectConsistent(summary.accounts);
      for (const appId of h.appIds) {
        expect(h.fake.countFor('submit_audit', appId)).toBe(1);
        expect(h.fake.countFor('release', appId)).toBeLessThanOrEqual(1);
      }
      expect(second.events[0]).toMatchObject({ type: 'started', total: 120 });
    },
  );

  it('lets two runners on one store share a job: each account is committed once and ends final', async () => {
    h = await releaseHarness(80);
    h.fake.autoAudit({});
    h.fake.latency('commit', 5);
    const a = h.runner({ concurrency: 5 });
    const b = h.runner({ concurrency: 5 });
    await h.listen(a.runner);
    const [one, two] = await Promise.all([a.runner.run(h.job()), b.runner.run(h.job())]);
    expect(one.done && two.done).toBe(true);
    expect(one.counts.released).toBe(80);
    expectConsistent(one.accounts);
    const committedBy = (events: typeof a.events) => events.filter((e) => e.type === 'state' && e.to === 'committed').length;
    expect(committedBy(a.events)).toBeGreaterThan(0);
    expect(committedBy(b.events)).toBeGreaterThan(0);
  });
});

describe('ReleaseRunner: staged releases (grayPercentage)', () => {
  /** Puts version 4.0.0 online for `appId`, as a release before this job. */
  const online = (appId: string) =>
    h.fake.miniProgram(appId).releases.push({ appVersion: 1, userVersion: '4.0.0', userDesc: 'winter', time: 0, reverted: false });

  it('releases each update to the share given (grayrelease), and a first version to everyone, which WeChat cannot stage', async () => {
    h = await releaseHarness(30);
    h.fake.autoAudit({});
    const updates = h.appIds.filter((_, i) => i % 2 === 0);
    for (const appId of updates) online(appId);
    const { runner } = h.runner();
    await h.listen(runner);
    const summary = await runner.run(h.job({ grayPercentage: 10 }));

    expect(summary.done).toBe(true);
    expect(summary.counts.released).toBe(30);
    for (const record of summary.accounts) {
      const mp = h.fake.miniProgram(record.appId);
      if (updates.includes(record.appId)) {
        expect({ appId: record.appId, gray: record.grayPercentage }).toEqual({ appId: record.appId, gray: 10 });
        expect(mp.gray).toMatchObject({ status: 1, gray_percentage: 10 });
        expect(mp.online()?.userVersion).toBe('4.0.0'); // everyone else still has the old version
        expect(h.fake.countFor('release', record.appId)).toBe(0);
      } else {
        expect(record.grayPercentage).toBeUndefined();
        expect(mp.online()?.userVersion).toBe('5.0.0');
        expect(h.fake.countFor('release', record.appId)).toBe(1);
      }
      expect(h.fake.countFor('grayrelease', record.appId)).toBe(1);
    }
  });

  it('resumes after the process died with a gray release sent and its answer lost: the plan shows it done, nothing is sent twice', async () => {
    h = await releaseHarness(40);
    h.fake.autoAudit({});
    for (const appId of h.appIds) online(appId);
    let seen = 0;
    const dying = new DyingTransport(h.fake.url, (request) => request.path === '/wxa/grayrelease' && ++seen >= 15);
    const first = h.runner({ transport: dying, leaseMs: 300, lockWaitMs: 200 });
    await h.listen(first.runner);
    const stop = new AbortController();
    void first.runner.run(h.job({ grayPercentage: 25 }), { signal: stop.signal });
    while (!dying.dead) await new Promise((resolve) => setTimeout(resolve, 5));
    stop.abort();
    await dying.landed();
    const ledger = new ReleaseLedger(h.store, h.fake.componentAppId);
    const stranded = (await Promise.all(h.appIds.map((appId) => ledger.read('spring-5.0.0', appId)))).filter((r) => r?.state === 'releasing');
    expect(stranded.length).toBeGreaterThan(0);

    const second = h.runner({ leaseMs: 300 });
    await h.listen(second.runner);
    const summary = await second.runner.run(h.job({ grayPercentage: 25 }));
    expect(summary.done).toBe(true);
    expect(summary.accounts.map((record) => [record.state, record.grayPercentage])).toEqual(h.appIds.map(() => ['released', 25]));
    for (const appId of h.appIds) {
      expect(h.fake.countFor('grayrelease', appId)).toBe(1);
      expect(h.fake.miniProgram(appId).gray).toMatchObject({ status: 1, gray_percentage: 25 });
    }
  });

  it('refuses a share outside 1–100, and resuming a job with another share', async () => {
    h = await releaseHarness(2);
    const { runner } = h.runner();
    for (const grayPercentage of [0, 101, 12.5]) await expect(runner.run(h.job({ grayPercentage }))).rejects.toThrow(/grayPercentage/);
    h.fake.autoAudit({});
    await h.listen(runner);
    await runner.run(h.job({ grayPercentage: 10 }));
    await expect(runner.run(h.job({ grayPercentage: 50 }))).rejects.toThrow(/started with grayPercentage 10/);
    await expect(runner.run(h.job())).rejects.toThrow(/started with grayPercentage 10/);
  });
});

describe('ReleaseRunner: audit results', () => {
  it('applies a result pushed while the submission is still being recorded', async () => {
    h = await releaseHarness(1);
    const appId = appIdOf(0);
    const holder: { runner?: ReleaseRunner } = {};
    class PushesEarly extends ApiTransport {
      override async request(request: ApiRequest): Promise<ApiResponse> {
        const answer = await super.request(request);
        if (request.path === '/wxa/submit_audit') {
          await h.fake.resolveAudit(appId, 'success', { push: false });
          expect(await holder.runner?.handleAuditEvent(appId, { Event: 'weapp_audit_success' })).toBe(true);
        }
        return answer;
      }
    }
    const { runner } = h.runner({ transport: new PushesEarly({ apiBase: h.fake.url, busyRetries: 0 }), pollIntervalMs: 3_600_000 });
    holder.runner = runner;
    const summary = await runner.run(h.job());
    expect(summary.accounts[0]?.state).toBe('released');
    expect(h.fake.count('get_auditstatus')).toBe(0);
  });

  it('goes back to waiting when a push claimed an approval WeChat has not given (release 85020), then releases', async () => {
    h = await releaseHarness(1);
    const appId = appIdOf(0);
    const { runner, events } = h.runner({ pollIntervalMs: 3_600_000 });
    await h.listen(runner);
    const done = runner.run(h.job());
    while (!events.some((e) => e.type === 'state' && e.to === 'auditing')) await new Promise((resolve) => setTimeout(resolve, 5));
    await runner.handleAuditEvent(appId, { Event: 'weapp_audit_success' });
    while (h.fake.count('release') < 1 || !events.some((e) => e.type === 'state' && e.from === 'releasing' && e.to === 'auditing')) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await h.fake.resolveAudit(appId, 'success');
    const summary = await done;
    expect(summary.accounts[0]?.state).toBe('released');
    expect(h.fake.count('release')).toBe(2);
  });

  it('records a delay and keeps waiting, then follows the outcome', async () => {
    h = await releaseHarness(3);
    h.fake.autoAudit({ decide: () => ({ outcome: 'success', delayFirst: true }), afterMs: 30 });
    const { runner, events } = h.runner({ pollIntervalMs: 3_600_000 });
    await h.listen(runner);
    const summary = await runner.run(h.job());
    expect(summary.counts.released).toBe(3);
    expect(summary.accounts.every((a) => a.delayed === true)).toBe(true);
    expect(events.filter((e) => e.type === 'delayed').map((e) => e.type === 'delayed' && e.appId).sort()).toEqual([...h.appIds].sort());
  });

  it('fails an account whose audit was withdrawn (status 3 on poll)', async () => {
    h = await releaseHarness(1);
    h.fake.autoAudit({ decide: () => 'pending' });
    const { runner, events } = h.runner();
    const done = runner.run(h.job());
    while (!events.some((e) => e.type === 'state' && e.to === 'auditing')) await new Promise((resolve) => setTimeout(resolve, 5));
    const audit = h.fake.miniProgram(appIdOf(0)).latestAudit;
    if (audit) audit.status = 3;
    const summary = await done;
    expect(summary.accounts[0]).toMatchObject({ state: 'failed', reason: 'audit withdrawn' });
  });

  it('ignores a push for an authorizer no job is auditing', async () => {
    h = await releaseHarness(1);
    const { runner } = h.runner();
    expect(await runner.handleAuditEvent('wxnobody', { Event: 'weapp_audit_success' })).toBe(false);
  });
});

describe('ReleaseRunner: failures', () => {
  it('fails an account on an error retrying cannot fix, with its errcode, and releases the others', async () => {
    h = await releaseHarness(5);
    h.fake.autoAudit({});
    h.fake.failNextFor(appIdOf(2), 'commit', 85013);
    const { runner } = h.runner();
    await h.listen(runner);
    const summary = await runner.run(h.job());
    expect(summary.counts).toMatchObject({ released: 4, failed: 1 });
    expect(summary.accounts[2]).toMatchObject({ state: 'failed', errcode: 85013 });
    expect(summary.accounts[2]?.resumeFrom).toBeUndefined();
  });

  it('fails an account once its retries are used up, and gives it new attempts with retryFailed', async () => {
    h = await releaseHarness(3);
    h.fake.autoAudit({});
    h.fake.failNextFor(appIdOf(1), 'submit_audit', 45009, 3);
    const { runner } = h.runner({ maxAttempts: 3 });
    await h.listen(runner);
    const first = await runner.run(h.job());
    expect(first.accounts[1]).toMatchObject({ state: 'failed', errcode: 45009, resumeFrom: 'committed', attempts: 3 });
    const again = await runner.run(h.job());
    expect(again.accounts[1]?.state).toBe('failed');
    const retried = await runner.run(h.job(), { retryFailed: true });
    expect(retried.counts.released).toBe(3);
    expect(h.fake.miniProgram(appIdOf(1)).commits).toHaveLength(1);
  });

  it.each([
    ['adopts the audit under way (85009) when it is this job’s version', '5.0.0', 'released'],
    ['fails the account on 85009 when the audit under way is another version', '4.9.0', 'failed'],
  ])('%s', async (_what, version, state) => {
    h = await releaseHarness(1);
    const appId = appIdOf(0);
    // The code is committed and an audit was submitted (from the admin console, or by a runner whose answer was lost).
    const ledger = new ReleaseLedger(h.store, h.fake.componentAppId);
    await ledger.createJob({ id: 'spring-5.0.0', templateId: h.templateId, userVersion: '5.0.0', userDesc: 'spring release', targets: [appId], createdAt: Date.now() });
    await ledger.update('spring-5.0.0', appId, () => ({ appId, state: 'committed', attempts: 0, updatedAt: Date.now() }));
    const { runner, events } = h.runner();
    await h.listen(runner);
    const direct = h.directClient(appId);
    await commit(direct, { template_id: h.templateId, ext_json: '{}', user_version: version, user_desc: version === '5.0.0' ? 'spring release' : 'old' });
    await submitAudit(direct);
    h.fake.autoAudit({});
    const pending = runner.run(h.job());
    while (!events.some((e) => e.type === 'state' && (e.to === 'auditing' || e.to === 'failed'))) await new Promise((resolve) => setTimeout(resolve, 5));
    await h.fake.resolveAudit(appId, 'success');
    const summary = await pending;
    expect(summary.accounts[0]?.state).toBe(state);
    if (state === 'failed') expect(summary.accounts[0]?.errcode).toBe(85009);
    expect(h.fake.countFor('submit_audit', appId)).toBe(2);
  });
});

describe('ReleaseRunner: stopping and store failures', () => {
  it('stops when its signal aborts, keeping every record, and a later run finishes the job', async () => {
    h = await releaseHarness(40);
    h.fake.autoAudit({});
    h.fake.latency('commit', 10);
    const stop = new AbortController();
    const { runner, events } = h.runner({
      concurrency: 4,
      onEvent: (event) => {
        if (event.type === 'state' && event.to === 'committed' && events.filter((e) => e.type === 'state' && e.to === 'committed').length >= 10) stop.abort();
      },
    });
    await h.listen(runner);
    const stopped = await runner.run(h.job(), { signal: stop.signal });
    expect(stopped.done).toBe(false);
    expect(stopped.counts.pending).toBeGreaterThan(0);
    const finished = await runner.run(h.job());
    expect(finished.counts.released).toBe(40);
    expectConsistent(finished.accounts);
  });

  it('reports a store failure as an event and tries the account again', async () => {
    h = await releaseHarness(3);
    h.fake.autoAudit({});
    let failures = 2;
    const get = h.store.get.bind(h.store);
    Object.assign(h.store, {
      get: (key: string) => (key.includes(`:account:${appIdOf(1)}`) && failures-- > 0 ? Promise.reject(new Error('store down')) : get(key)),
    });
    const { runner, events } = h.runner();
    await h.listen(runner);
    const summary = await runner.run(h.job());
    expect(summary.counts.released).toBe(3);
    expect(events.filter((e) => e.type === 'error').map((e) => e.type === 'error' && e.appId)).toEqual([appIdOf(1), appIdOf(1)]);
    expect(h.fake.miniProgram(appIdOf(1)).commits).toHaveLength(1);
  });
});

describe('ReleaseRunner: jobs and targets', () => {
  it('resolves targets "all" from the authorizer list once, when the job starts', async () => {
    h = await releaseHarness(12);
    h.fake.autoAudit({});
    const { runner } = h.runner();
    await h.listen(runner);
    const summary = await runner.run(h.job({ id: 'all-1', targets: 'all' }));
    expect(summary.total).toBe(12);
    h.fake.addMiniProgram('wxlatecomer00000001');
    expect((await runner.run(h.job({ id: 'all-1', targets: 'all' }))).total).toBe(12);
    expect(h.fake.count('api_get_authorizer_list')).toBe(1);
  });

  it('keeps the authorizers a filter accepts', async () => {
    h = await releaseHarness(10);
    h.fake.autoAudit({});
    const { runner } = h.runner();
    await h.listen(runner);
    const summary = await runner.run(h.job({ id: 'even', targets: { filter: (a) => Number(a.authorizer_appid.slice(-1)) % 2 === 0 } }));
    expect(summary.accounts.map((a) => a.appId)).toEqual(h.appIds.filter((_, i) => i % 2 === 0));
  });

  it('refuses to resume a job id with another template or version', async () => {
    h = await releaseHarness(1);
    h.fake.autoAudit({});
    const { runner } = h.runner();
    await h.listen(runner);
    await runner.run(h.job());
    await expect(runner.run(h.job({ userVersion: '5.0.1' }))).rejects.toThrow(/job\.id/);
  });

  it('reports a stored job’s summary without running it', async () => {
    h = await releaseHarness(4);
    h.fake.autoAudit({});
    const { runner } = h.runner();
    await h.listen(runner);
    await runner.run(h.job());
    const status = await h.runner().runner.status('spring-5.0.0');
    expect(status).toMatchObject({ total: 4, done: true, counts: { released: 4 } });
    expect(await runner.status('unknown')).toBeUndefined();
  });

  it.each([
    ['a job id with spaces', { id: 'a b' }, /job\.id/],
    ['no template id', { templateId: -1 }, /templateId/],
    ['an empty version', { userVersion: '' }, /userVersion/],
    ['no targets', { targets: undefined }, /targets/],
  ])('refuses %s with a TypeError', async (_what, extra, message) => {
    h = await releaseHarness(1);
    await expect(h.runner().runner.run(h.job(extra as never))).rejects.toThrow(message);
  });

  it('refuses "all" without a component client', async () => {
    h = await releaseHarness(1);
    const { runner } = h.runner({ componentClient: undefined });
    await expect(runner.run(h.job({ targets: 'all' }))).rejects.toThrow(/componentClient/);
  });

  it('keeps every key under the component hash tag', async () => {
    h = await releaseHarness(2);
    h.fake.autoAudit({});
    const keys: string[] = [];
    const set = h.store.set.bind(h.store);
    const cas = h.store.compareAndSet.bind(h.store);
    const ifAbsent = h.store.setIfAbsent.bind(h.store);
    Object.assign(h.store, {
      set: (key: string, ...rest: [string, number?]) => (keys.push(key), set(key, ...rest)),
      compareAndSet: (key: string, ...rest: [string, string, number?]) => (keys.push(key), cas(key, ...rest)),
      setIfAbsent: (key: string, ...rest: [string, number?]) => (keys.push(key), ifAbsent(key, ...rest)),
    });
    const { runner } = h.runner();
    await h.listen(runner);
    await runner.run(h.job());
    expect(keys.length).toBeGreaterThan(10);
    for (const key of keys) expect(key.startsWith(`{${h.fake.componentAppId}}:`)).toBe(true);
  });
});

