/**
 * Releases a template across many authorized mini programs: commit → submit for audit → follow the audit →
 * release, each account on its own, with bounded concurrency.
 *
 * Each account's progress is a record in the store, changed only by compare-and-set, so any number of runners
 * (processes, redeploys) can work on one job: a runner claims a step with a lease, sends the request, and records
 * the result. A runner that dies leaves its lease to expire; the next one finds the account in a `…ing` state and
 * asks WeChat whether the step already happened (`steps.ts`) before sending anything — so no account is committed
 * twice. Quota (45009, 45011), busy (-1) and network failures are retried with exponential backoff.
 *
 * Audit results come from `weapp_audit_*` pushes fed to `handleAuditEvent` (by any process sharing the store) and,
 * as a fallback, from polling `get_auditstatus`.
 */
import { randomUUID } from 'node:crypto';
import { WechatApiError, WxOpenError, optionError } from '../errors';
import { listAllAuthorizers } from '../api/authorizers';
import { ErrCodeQuotaExceeded, ErrCodeSystemBusy } from '../api/errcode';
import { ErrCodeCodeCheckPending, ErrCodeMinuteQuota } from '../api/platform-errcode';
import type { JobRecord } from './ledger';
import { ReleaseLedger } from './ledger';
import { Semaphore } from './semaphore';
import { ReleaseSteps } from './steps';
import type { AuditOutcome } from './steps';
import type {
  AccountRecord,
  AuditPush,
  ReleaseEvent,
  ReleaseJob,
  ReleaseRunnerOptions,
  ReleaseState,
  ReleaseSummary,
  RunOptions,
  StateCounts,
} from './types';
import { FINAL_STATES, RELEASE_STATES } from './types';

type Step = 'commit' | 'submit' | 'release';

/** The stable state before a step, and the state held while it runs. */
const STEPS: Readonly<Record<Step, { readonly before: ReleaseState; readonly during: ReleaseState }>> = {
  commit: { before: 'pending', during: 'committing' },
  submit: { before: 'committed', during: 'submitting' },
  release: { before: 'approved', during: 'releasing' },
};
const STEP_OF: Partial<Record<ReleaseState, Step>> = {
  pending: 'commit',
  committing: 'commit',
  committed: 'submit',
  submitting: 'submit',
  approved: 'release',
  releasing: 'release',
};

/** Errors after which WeChat did not act, and trying later may work. */
const RETRY_ERRCODES: ReadonlySet<number> = new Set([ErrCodeSystemBusy, ErrCodeQuotaExceeded, ErrCodeMinuteQuota, ErrCodeCodeCheckPending]);
/** wxopen errors after which nothing was sent, and trying later may work. */
const RETRY_CODES: ReadonlySet<string> = new Set(['ERR_LOCK_TIMEOUT', 'ERR_NO_TICKET', 'ERR_STORE']);
/** wxopen errors after which the request may have reached WeChat. */
const UNCERTAIN_CODES: ReadonlySet<string> = new Set(['ERR_API_TIMEOUT', 'ERR_API_NETWORK', 'ERR_API_HTTP', 'ERR_API_RESPONSE']);

const JOB_ID = /^[A-Za-z0-9._-]{1,64}$/;

function positiveInteger(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value <= 0) throw optionError(name, 'must be a positive integer');
  return value;
}

function emptyCounts(): Record<ReleaseState, number> {
  return Object.fromEntries(RELEASE_STATES.map((state) => [state, 0])) as Record<ReleaseState, number>;
}

/** How a failed step is handled: retried (and whether the request may have been acted on) or final. */
function classify(error: unknown): { readonly retry: boolean; readonly uncertain: boolean; readonly code: number | string; readonly detail: string } {
  if (error instanceof WechatApiError) {
    return { retry: RETRY_ERRCODES.has(error.errcode), uncertain: false, code: error.errcode, detail: error.errmsg };
  }
  if (error instanceof WxOpenError) {
    const uncertain = UNCERTAIN_CODES.has(error.code);
    return { retry: uncertain || RETRY_CODES.has(error.code), uncertain, code: error.code, detail: error.message };
  }
  return { retry: false, uncertain: false, code: 'ERR_RELEASE', detail: error instanceof Error ? error.message : String(error) };
}

/** Runs release jobs of one component and takes in the audit pushes of its authorizers. */
export class ReleaseRunner {
  readonly #ledger: ReleaseLedger;
  readonly #options: Required<Pick<ReleaseRunnerOptions, 'concurrency' | 'maxAttempts' | 'backoffMs' | 'maxBackoffMs' | 'pollIntervalMs' | 'recheckMs' | 'leaseMs'>>;
  readonly #clientFor: ReleaseRunnerOptions['clientFor'];
  readonly #componentClient: ReleaseRunnerOptions['componentClient'];
  readonly #componentAppId: string;
  readonly #onEvent: ReleaseRunnerOptions['onEvent'];
  readonly #now: () => number;
  /** Wakes the waiting driver of an account (a push arrived in this process). */
  readonly #wakers = new Map<string, () => void>();

  constructor(options: ReleaseRunnerOptions) {
    if (typeof options !== 'object' || options === null) throw optionError('options', 'must be an object');
    if (typeof options.componentAppId !== 'string' || options.componentAppId === '') throw optionError('componentAppId', 'must be the component appid');
    if (!options.store || typeof options.store.compareAndSet !== 'function') {
      throw optionError('store', 'must implement the Store interface with compareAndSet (MemoryStore, FileStore, RedisStore)');
    }
    if (typeof options.clientFor !== 'function') throw optionError('clientFor', 'must return the authorizer Client of an appid (credentials.authorizerClient)');
    this.#componentAppId = options.componentAppId;
    this.#ledger = new ReleaseLedger(options.store, options.componentAppId);
    this.#clientFor = options.clientFor;
    this.#componentClient = options.componentClient;
    this.#onEvent = options.onEvent;
    this.#now = options.now ?? Date.now;
    this.#options = Object.freeze({
      concurrency: positiveInteger('concurrency', options.concurrency, 10),
      maxAttempts: positiveInteger('maxAttempts', options.maxAttempts, 8),
      backoffMs: positiveInteger('backoffMs', options.backoffMs, 2_000),
      maxBackoffMs: positiveInteger('maxBackoffMs', options.maxBackoffMs, 600_000),
      pollIntervalMs: positiveInteger('pollIntervalMs', options.pollIntervalMs, 600_000),
      recheckMs: positiveInteger('recheckMs', options.recheckMs, 15_000),
      leaseMs: positiveInteger('leaseMs', options.leaseMs, 120_000),
    });
  }

  /**
   * Runs `job` until every account reaches a final state (or `signal` stops it) and resolves with the summary.
   * Running a job id again resumes it where it stopped, whoever ran it before.
   */
  async run(job: ReleaseJob, options: RunOptions = {}): Promise<ReleaseSummary> {
    const stored = await this.#start(job);
    const run = new JobRun(this, job, stored, options);
    const summary = await run.drive();
    return summary;
  }

  /**
   * Feeds a `weapp_audit_success` / `weapp_audit_fail` / `weapp_audit_delay` push of `authorizerAppId` in. The
   * record of the job auditing that account changes (in whichever process runs it); resolves to whether a record
   * changed. Connect it to the message router: `messages.onEvent('weapp_audit_success', (m, ctx) => …)`.
   */
  async handleAuditEvent(authorizerAppId: string, push: AuditPush): Promise<boolean> {
    const jobId = await this.#ledger.activeJob(authorizerAppId);
    if (jobId === undefined) return false;
    const outcome = outcomeOfPush(push);
    if (!outcome) return false;
    const { changed, record } = await this.#ledger.update(jobId, authorizerAppId, (current) => {
      if (!current) return undefined;
      if (current.state === 'auditing') return applyOutcome(current, outcome, this.#now());
      // The submission is being recorded: keep the result for when it is.
      if (current.state === 'submitting') return { ...current, earlyResult: push, updatedAt: this.#now() };
      return undefined;
    });
    if (changed && record && FINAL_STATES.has(record.state)) await this.#ledger.clearActive(authorizerAppId, jobId);
    this.#wakers.get(`${jobId}/${authorizerAppId}`)?.();
    return changed;
  }

  /** The summary of a job from the store, without running it (`undefined` for an unknown job). */
  async status(jobId: string): Promise<ReleaseSummary | undefined> {
    const job = await this.#ledger.readJob(jobId);
    if (!job) return undefined;
    const accounts = await Promise.all(
      job.targets.map(async (appId) => (await this.#ledger.read(jobId, appId)) ?? pendingRecord(appId, 0)),
    );
    return summarize(jobId, accounts);
  }

  // ── internals shared with JobRun ──

  /** @internal */
  get ledger(): ReleaseLedger {
    return this.#ledger;
  }

  /** @internal */
  get settings() {
    return this.#options;
  }

  /** @internal */
  now(): number {
    return this.#now();
  }

  /** @internal */
  clientFor(appId: string) {
    return this.#clientFor(appId);
  }

  /** @internal */
  emit(event: ReleaseEvent): void {
    try {
      this.#onEvent?.(event);
    } catch {
      // A progress callback must never break the release.
    }
  }

  /** @internal Registers the wake-up of a waiting account; returns the unregistration. */
  onWake(jobId: string, appId: string, wake: () => void): () => void {
    const key = `${jobId}/${appId}`;
    this.#wakers.set(key, wake);
    return () => {
      if (this.#wakers.get(key) === wake) this.#wakers.delete(key);
    };
  }

  async #start(job: ReleaseJob): Promise<JobRecord> {
    checkJob(job);
    const existing = await this.#ledger.readJob(job.id);
    if (existing) {
      if (existing.templateId !== job.templateId || existing.userVersion !== job.userVersion || existing.userDesc !== job.userDesc) {
        throw optionError('job.id', `"${job.id}" was started with another template or version; give a new release a new id`);
      }
      if (existing.grayPercentage !== job.grayPercentage) {
        throw optionError('job.grayPercentage', `"${job.id}" was started with grayPercentage ${existing.grayPercentage ?? 'none'}; widen a staged release with grayRelease, or give a new release a new id`);
      }
      return existing;
    }
    const targets = await this.#resolveTargets(job);
    return this.#ledger.createJob({
      id: job.id,
      templateId: job.templateId,
      userVersion: job.userVersion,
      userDesc: job.userDesc,
      targets,
      ...(job.grayPercentage === undefined ? {} : { grayPercentage: job.grayPercentage }),
      createdAt: this.#now(),
    });
  }

  async #resolveTargets(job: ReleaseJob): Promise<string[]> {
    const { targets } = job;
    if (Array.isArray(targets)) return [...new Set(targets as readonly string[])];
    if (!this.#componentClient) throw optionError('componentClient', 'is required for targets "all" or a filter (it lists the authorizers)');
    const filter = targets === 'all' ? undefined : (targets as { filter: (item: never) => boolean | Promise<boolean> }).filter;
    const found: string[] = [];
    for await (const authorizer of listAllAuthorizers(this.#componentClient, this.#componentAppId)) {
      if (!filter || (await filter(authorizer as never))) found.push(authorizer.authorizer_appid);
    }
    return found;
  }
}

/** One `run()` of a job in this process. */
class JobRun {
  /** The lease owner id of this run. */
  readonly #owner = randomUUID();
  /** Wake-ups of the accounts sleeping now. */
  readonly #sleepers = new Set<() => void>();
  readonly #runner: ReleaseRunner;
  readonly #job: ReleaseJob;
  readonly #stored: JobRecord;
  readonly #options: RunOptions;
  readonly #steps: ReleaseSteps;
  readonly #slots: Semaphore;
  /** The latest record seen of each account, for progress counts. */
  readonly #seen = new Map<string, AccountRecord>();
  #stopped = false;

  constructor(runner: ReleaseRunner, job: ReleaseJob, stored: JobRecord, options: RunOptions) {
    this.#runner = runner;
    this.#job = job;
    this.#stored = stored;
    this.#options = options;
    this.#steps = new ReleaseSteps(job);
    this.#slots = new Semaphore(runner.settings.concurrency);
  }

  async drive(): Promise<ReleaseSummary> {
    const { signal } = this.#options;
    const stop = () => {
      this.#stopped = true;
      for (const wake of [...this.#sleepers]) wake();
    };
    if (signal?.aborted) this.#stopped = true;
    signal?.addEventListener('abort', stop, { once: true });
    try {
      const records = await Promise.all(
        this.#stored.targets.map((appId) =>
          this.#initial(appId).catch((error: unknown) => {
            // Tried again when the account is driven.
            this.#runner.emit({ type: 'error', jobId: this.#job.id, appId, error });
            return pendingRecord(appId, this.#runner.now());
          }),
        ),
      );
      const resumed = records.filter((record) => record.state !== 'pending').length;
      this.#runner.emit({ type: 'started', jobId: this.#job.id, total: this.#stored.targets.length, resumed });
      this.#progress();
      await Promise.all(this.#stored.targets.map((appId) => this.#account(appId)));
    } finally {
      signal?.removeEventListener('abort', stop);
    }
    const summary = summarize(this.#job.id, this.#stored.targets.map((appId) => this.#seen.get(appId) ?? pendingRecord(appId, 0)));
    if (summary.done) this.#runner.emit({ type: 'finished', jobId: this.#job.id, summary });
    return summary;
  }

  /** The account's record, created as `pending`; a retryable failure is reopened with `retryFailed`. */
  async #initial(appId: string): Promise<AccountRecord> {
    const now = this.#runner.now();
    const { record } = await this.#runner.ledger.update(this.#job.id, appId, (current) => {
      if (!current) return pendingRecord(appId, now);
      if (this.#options.retryFailed && current.state === 'failed' && current.resumeFrom) {
        const { resumeFrom, errcode: _errcode, reason: _reason, notBefore: _notBefore, ...rest } = current;
        return { ...rest, state: resumeFrom, attempts: 0, updatedAt: now };
      }
      return undefined;
    });
    const found = record ?? pendingRecord(appId, now);
    this.#seen.set(appId, found);
    return found;
  }

  /** Drives one account until it is final or the run stops. */
  async #account(appId: string): Promise<void> {
    for (;;) {
      if (this.#stopped) return;
      try {
        if (await this.#advance(appId)) return;
      } catch (error) {
        // The store failed (WeChat errors are handled inside the steps): what is recorded stays true, so the
        // account is simply tried again a little later.
        this.#runner.emit({ type: 'error', jobId: this.#job.id, appId, error });
        await this.#wait(appId, this.#runner.settings.recheckMs);
      }
    }
  }

  /** One move of the account; resolves `true` once it is final. */
  async #advance(appId: string): Promise<boolean> {
    const record = (await this.#runner.ledger.read(this.#job.id, appId)) ?? (await this.#initial(appId));
    this.#observe(record);
    if (FINAL_STATES.has(record.state)) return true;
    const now = this.#runner.now();
    if (record.owner !== undefined && record.owner !== this.#owner && (record.leaseUntil ?? 0) > now) {
      await this.#wait(appId, Math.min((record.leaseUntil ?? now) - now + 1, this.#runner.settings.recheckMs));
      return false;
    }
    if (record.notBefore !== undefined && record.notBefore > now) {
      await this.#wait(appId, record.notBefore - now);
      return false;
    }
    const step = STEP_OF[record.state];
    if (step) await this.#slots.run(() => this.#step(record, step));
    else await this.#awaitAudit(record);
    return false;
  }

  /** Claims `step` on the record, performs it, and records the outcome. */
  async #step(record: AccountRecord, step: Step): Promise<void> {
    if (this.#stopped) return;
    const { ledger, settings } = this.#runner;
    const owner = this.#owner;
    const { before, during } = STEPS[step];
    const appId = record.appId;
    // A step found already under way was interrupted: WeChat may have acted on it.
    const verify = record.state === during;
    const now = this.#runner.now();
    const claimed: AccountRecord = {
      ...record,
      state: during,
      owner,
      leaseUntil: now + settings.leaseMs,
      stepStartedAt: verify ? (record.stepStartedAt ?? now) : now,
      updatedAt: now,
    };
    const claim = await ledger.update(this.#job.id, appId, (current) => (current && sameRecord(current, record) ? claimed : undefined));
    if (!claim.changed) return;
    this.#observe(claimed);
    if (step === 'submit') await ledger.setActive(appId, this.#job.id);

    let next: (current: AccountRecord) => AccountRecord;
    try {
      next = await this.#perform(step, claimed, verify);
    } catch (error) {
      next = this.#failure(claimed, before, error);
    }
    const finish = await ledger.update(this.#job.id, appId, (current) => (current?.owner === owner && current.state === during ? next(current) : undefined));
    if (finish.changed && finish.record) {
      this.#observe(finish.record);
      if (FINAL_STATES.has(finish.record.state)) await ledger.clearActive(appId, this.#job.id);
    }
  }

  /** Sends the step; resolves to how the record changes. */
  async #perform(step: Step, record: AccountRecord, verify: boolean): Promise<(current: AccountRecord) => AccountRecord> {
    const client = this.#runner.clientFor(record.appId);
    const since = record.stepStartedAt ?? this.#runner.now();
    const done = (fields: Partial<AccountRecord>) => (current: AccountRecord) =>
      settled({ ...current, ...fields, attempts: 0, updatedAt: this.#runner.now() });
    if (step === 'commit') {
      await this.#steps.commit(client, record.appId, verify, since);
      return done({ state: 'committed' });
    }
    if (step === 'submit') {
      const { auditId, outcome } = await this.#steps.submit(client, record.appId, verify, since);
      const submittedAt = this.#runner.now();
      return (current) => {
        const auditing = settled({ ...current, state: 'auditing', auditId, submittedAt, lastPolledAt: submittedAt, attempts: 0, updatedAt: submittedAt });
        const early = current.earlyResult ? outcomeOfPush(current.earlyResult) : undefined;
        const { earlyResult: _early, ...rest } = auditing;
        return applyOutcome(rest, early ?? outcome, submittedAt);
      };
    }
    const result = await this.#steps.release(client, verify, record.auditId, since);
    if (result.released) return done(result.grayPercentage === undefined ? { state: 'released' } : { state: 'released', grayPercentage: result.grayPercentage });
    return (current) => applyOutcome(settled({ ...current, state: 'auditing', attempts: 0 }), result.outcome, this.#runner.now());
  }

  /** A failed step: back to where it can be retried (after a backoff), or `failed`. */
  #failure(record: AccountRecord, before: ReleaseState, error: unknown): (current: AccountRecord) => AccountRecord {
    const { retry, uncertain, code, detail } = classify(error);
    const attempts = record.attempts + 1;
    // After an uncertain failure the step stays `…ing`, so the next attempt checks WeChat first.
    const resumeFrom = uncertain ? record.state : before;
    const now = this.#runner.now();
    const errcode = typeof code === 'number' ? code : undefined;
    // A result pushed early belongs to a submission that may not exist now, unless the failure was uncertain.
    const drop = (current: AccountRecord): AccountRecord => {
      if (uncertain) return current;
      const { earlyResult: _early, ...rest } = current;
      return rest;
    };
    if (!retry || attempts >= this.#runner.settings.maxAttempts) {
      return (current) =>
        settled({ ...drop(current), state: 'failed', attempts, errcode, reason: `${code}: ${detail}`, resumeFrom: retry ? resumeFrom : undefined, updatedAt: now });
    }
    const { backoffMs, maxBackoffMs } = this.#runner.settings;
    const delayMs = Math.round(Math.min(maxBackoffMs, backoffMs * 2 ** (attempts - 1)) * (0.5 + Math.random() / 2));
    this.#runner.emit({ type: 'retry', jobId: this.#job.id, appId: record.appId, state: record.state, attempt: attempts, delayMs, error: code });
    return (current) => ({ ...settled(drop(current)), state: resumeFrom, attempts, notBefore: now + delayMs, updatedAt: now });
  }

  /** Waits for the audit's result: a push (here or in another process) or, when due, a `get_auditstatus` poll. */
  async #awaitAudit(record: AccountRecord): Promise<void> {
    const { pollIntervalMs, recheckMs } = this.#runner.settings;
    const now = this.#runner.now();
    const due = (record.lastPolledAt ?? record.submittedAt ?? now) + pollIntervalMs;
    if (now < due || record.auditId === undefined) {
      await this.#wait(record.appId, Math.min(due - now, recheckMs));
      return;
    }
    const auditId = record.auditId;
    await this.#slots.run(async () => {
      if (this.#stopped) return;
      let outcome: AuditOutcome | undefined;
      try {
        outcome = await this.#steps.poll(this.#runner.clientFor(record.appId), auditId);
      } catch (error) {
        const failure = classify(error);
        if (!failure.retry) {
          await this.#record(record.appId, (current) =>
            current.state === 'auditing' && current.auditId === auditId
              ? settled({
                  ...current,
                  state: 'failed',
                  errcode: typeof failure.code === 'number' ? failure.code : undefined,
                  reason: `${failure.code}: ${failure.detail}`,
                  updatedAt: this.#runner.now(),
                })
              : undefined,
          );
          return;
        }
      }
      const polledAt = this.#runner.now();
      await this.#record(record.appId, (current) => {
        if (current.state !== 'auditing' || current.auditId !== auditId) return undefined;
        const polled = { ...current, lastPolledAt: polledAt, updatedAt: polledAt };
        return outcome ? applyOutcome(polled, outcome, polledAt) : polled;
      });
    });
  }

  async #record(appId: string, change: (current: AccountRecord) => AccountRecord | undefined): Promise<void> {
    const { ledger } = this.#runner;
    const result = await ledger.update(this.#job.id, appId, (current) => (current ? change(current) : undefined));
    if (result.changed && result.record) {
      this.#observe(result.record);
      if (FINAL_STATES.has(result.record.state)) await ledger.clearActive(appId, this.#job.id);
    }
  }

  /** Sleeps up to `ms`, or until the account is woken (a push) or the run stops. */
  #wait(appId: string, ms: number): Promise<void> {
    if (this.#stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        unregister();
        this.#sleepers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(1, ms));
      const unregister = this.#runner.onWake(this.#job.id, appId, done);
      this.#sleepers.add(done);
    });
  }

  /** Remembers the latest record of an account and reports a change of state. */
  #observe(record: AccountRecord): void {
    const previous = this.#seen.get(record.appId);
    this.#seen.set(record.appId, record);
    if (record.delayed && !previous?.delayed && record.state === 'auditing') {
      this.#runner.emit({ type: 'delayed', jobId: this.#job.id, appId: record.appId, reason: record.reason });
    }
    if (previous?.state === record.state) return;
    this.#runner.emit({ type: 'state', jobId: this.#job.id, appId: record.appId, from: previous?.state, to: record.state, record });
    this.#progress();
  }

  #progress(): void {
    const counts = emptyCounts();
    for (const record of this.#seen.values()) counts[record.state]++;
    this.#runner.emit({ type: 'progress', jobId: this.#job.id, total: this.#stored.targets.length, counts });
  }
}

function checkJob(job: ReleaseJob): void {
  if (typeof job !== 'object' || job === null) throw optionError('job', 'must be an object');
  if (typeof job.id !== 'string' || !JOB_ID.test(job.id)) throw optionError('job.id', 'must be 1 to 64 characters from A-Z a-z 0-9 . _ -');
  if (!Number.isInteger(job.templateId) || job.templateId < 0) throw optionError('job.templateId', 'must be a template id from gettemplatelist');
  if (typeof job.userVersion !== 'string' || job.userVersion === '' || job.userVersion.length > 64) {
    throw optionError('job.userVersion', 'must be a version of 1 to 64 characters');
  }
  if (typeof job.userDesc !== 'string') throw optionError('job.userDesc', 'must be a string');
  if (typeof job.extJson !== 'string' && typeof job.extJson !== 'function') throw optionError('job.extJson', 'must be the ext.json string or a function of the appid');
  const gray = job.grayPercentage;
  if (gray !== undefined && (!Number.isInteger(gray) || gray < 1 || gray > 100)) throw optionError('job.grayPercentage', 'must be an integer from 1 to 100 (the share of users, in %)');
  const targets = job.targets;
  const valid =
    targets === 'all' ||
    (Array.isArray(targets) && targets.every((appId) => typeof appId === 'string' && appId !== '')) ||
    (typeof targets === 'object' && targets !== null && typeof (targets as { filter?: unknown }).filter === 'function');
  if (!valid) throw optionError('job.targets', 'must be "all", a list of appids, or { filter }');
}

function pendingRecord(appId: string, now: number): AccountRecord {
  return { appId, state: 'pending', attempts: 0, updatedAt: now };
}

function sameRecord(a: AccountRecord, b: AccountRecord): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The record without a lease or backoff. */
function settled(record: AccountRecord): AccountRecord {
  const { owner: _owner, leaseUntil: _leaseUntil, notBefore: _notBefore, ...rest } = record;
  return rest;
}

function outcomeOfPush(push: AuditPush): AuditOutcome | undefined {
  switch (push.Event) {
    case 'weapp_audit_success':
      return { kind: 'approved' };
    case 'weapp_audit_fail':
      return { kind: 'rejected', reason: push.Reason ?? '', screenshot: push.ScreenShot };
    case 'weapp_audit_delay':
      return { kind: 'auditing', delayed: true, reason: push.Reason };
    default:
      return undefined;
  }
}

function applyOutcome(record: AccountRecord, outcome: AuditOutcome, now: number): AccountRecord {
  switch (outcome.kind) {
    case 'approved':
      return { ...record, state: 'approved', attempts: 0, updatedAt: now };
    case 'rejected':
      return { ...record, state: 'rejected', reason: outcome.reason, screenshot: outcome.screenshot, updatedAt: now };
    case 'withdrawn':
      return { ...record, state: 'failed', reason: 'audit withdrawn', updatedAt: now };
    case 'auditing':
      return outcome.delayed ? { ...record, state: 'auditing', delayed: true, reason: outcome.reason, updatedAt: now } : { ...record, state: 'auditing' };
  }
}

export function summarize(jobId: string, accounts: readonly AccountRecord[]): ReleaseSummary {
  const counts = emptyCounts();
  for (const record of accounts) counts[record.state]++;
  return {
    jobId,
    total: accounts.length,
    counts: counts as StateCounts,
    accounts,
    done: accounts.every((record) => FINAL_STATES.has(record.state)),
  };
}
