/** The shapes of a bulk release: the job, each account's record, the events, the summary. */
import type { Client } from '../api/client';
import type { AuthorizerListItem } from '../api/component';
import type { SubmitAuditRequest } from '../api/miniprogram/code';
import type { Store } from '../store/types';

/**
 * Where an account is. `pending` → `committing` → `committed` → `submitting` → `auditing` → `approved` →
 * `releasing` → `released`; `rejected` (audit refused) and `failed` (an error that retrying does not fix, or
 * retries used up) also end it. The `…ing` states are held under a lease while a request is under way: an
 * account found in one of them after a crash is checked against WeChat before anything is sent again.
 */
export type ReleaseState =
  | 'pending'
  | 'committing'
  | 'committed'
  | 'submitting'
  | 'auditing'
  | 'approved'
  | 'releasing'
  | 'released'
  | 'rejected'
  | 'failed';

export const RELEASE_STATES: readonly ReleaseState[] = Object.freeze([
  'pending',
  'committing',
  'committed',
  'submitting',
  'auditing',
  'approved',
  'releasing',
  'released',
  'rejected',
  'failed',
]);

export const FINAL_STATES: ReadonlySet<ReleaseState> = new Set<ReleaseState>(['released', 'rejected', 'failed']);

/** An audit result pushed by WeChat (`weapp_audit_*` events of the message URL; the typed events fit). */
export type AuditPush =
  | { readonly Event: 'weapp_audit_success'; readonly SuccTime?: string }
  | { readonly Event: 'weapp_audit_fail'; readonly Reason?: string; readonly ScreenShot?: string; readonly FailTime?: string }
  | { readonly Event: 'weapp_audit_delay'; readonly Reason?: string; readonly DelayTime?: string };

/** One account's progress, as kept in the store. Times are epoch ms of the runner's clock. */
export interface AccountRecord {
  readonly appId: string;
  readonly state: ReleaseState;
  /** The runner holding the current step, until `leaseUntil`. */
  readonly owner?: string;
  readonly leaseUntil?: number;
  /** When the current step was first claimed (kept across retries; bounds the crash checks). */
  readonly stepStartedAt?: number;
  /** Failed attempts of the current step. */
  readonly attempts: number;
  /** No new attempt before this time (backoff). */
  readonly notBefore?: number;
  readonly auditId?: number;
  readonly submittedAt?: number;
  /** WeChat delayed the audit (`weapp_audit_delay` or status 4). */
  readonly delayed?: boolean;
  /** A result pushed while the submission was still being recorded. */
  readonly earlyResult?: AuditPush;
  readonly lastPolledAt?: number;
  /** Rejection reason, delay reason or failure detail. */
  readonly reason?: string;
  /** Rejection screenshots (media ids joined by `|`). */
  readonly screenshot?: string;
  /** For `released` under a job's `grayPercentage`: the share of users it went to (absent: everyone). */
  readonly grayPercentage?: number;
  /** The errcode of a failure, when WeChat gave one. */
  readonly errcode?: number;
  /** For `failed`: the state a retry resumes from, when retrying may help later (quota used up, …). */
  readonly resumeFrom?: ReleaseState;
  readonly updatedAt: number;
}

/** Which authorizers a job covers. */
export type ReleaseTargets =
  | 'all'
  | readonly string[]
  | { readonly filter: (authorizer: AuthorizerListItem) => boolean | Promise<boolean> };

/** One release: a template committed, audited and released across authorizers. */
export interface ReleaseJob {
  /** Names the release (`A-Z a-z 0-9 . _ -`, up to 64): running the same id again resumes it. */
  readonly id: string;
  readonly templateId: number;
  readonly userVersion: string;
  readonly userDesc: string;
  /** The `ext.json` string, or a function that makes it per account (it usually sets `extAppid`). */
  readonly extJson: string | ((appId: string) => string | Promise<string>);
  /** The `submit_audit` request, or a function that makes it per account (default `{}`). */
  readonly audit?: SubmitAuditRequest | ((appId: string) => SubmitAuditRequest | Promise<SubmitAuditRequest>);
  /** `'all'` authorizers, a list of appids, or the authorizers a filter keeps (resolved once, when the job starts). */
  readonly targets: ReleaseTargets;
  /**
   * Stage the release (分阶段发布): each approved version goes to this share of users (an integer 1–100,
   * `grayrelease`) instead of everyone. An account with no version online yet is released to everyone (WeChat
   * stages only updates). Widen a staged release later with `grayRelease`, finish it with `release`.
   */
  readonly grayPercentage?: number;
}

/** Counts by state. */
export type StateCounts = Readonly<Record<ReleaseState, number>>;

export interface ReleaseSummary {
  readonly jobId: string;
  readonly total: number;
  readonly counts: StateCounts;
  /** Every account's record, in target order. */
  readonly accounts: readonly AccountRecord[];
  /** Whether every account reached a final state. */
  readonly done: boolean;
}

/** Progress of a run. */
export type ReleaseEvent =
  | { readonly type: 'started'; readonly jobId: string; readonly total: number; readonly resumed: number }
  | { readonly type: 'state'; readonly jobId: string; readonly appId: string; readonly from: ReleaseState | undefined; readonly to: ReleaseState; readonly record: AccountRecord }
  | {
      readonly type: 'retry';
      readonly jobId: string;
      readonly appId: string;
      readonly state: ReleaseState;
      readonly attempt: number;
      readonly delayMs: number;
      /** WeChat's errcode, or the wxopen error code (`ERR_API_TIMEOUT`, …). */
      readonly error: number | string;
    }
  /** Reading or writing the account's record failed (the store is unreachable); the account is tried again later. */
  | { readonly type: 'error'; readonly jobId: string; readonly appId: string; readonly error: unknown }
  /** WeChat delayed the account's audit (`weapp_audit_delay` or status 4); it keeps waiting. */
  | { readonly type: 'delayed'; readonly jobId: string; readonly appId: string; readonly reason: string | undefined }
  | { readonly type: 'progress'; readonly jobId: string; readonly total: number; readonly counts: StateCounts }
  | { readonly type: 'finished'; readonly jobId: string; readonly summary: ReleaseSummary };

export interface ReleaseRunnerOptions {
  /** The component appid: every key is under its hash tag `{componentAppId}`. */
  readonly componentAppId: string;
  /** Where each account's record lives; share it (e.g. `@wxopen/redis`) so another process can resume. */
  readonly store: Store;
  /** The authorizer `Client` of an appid (`credentials.authorizerClient(appId)`). */
  readonly clientFor: (authorizerAppId: string) => Client;
  /** The component `Client`, needed for `targets: 'all'` and filters (`api_get_authorizer_list`). */
  readonly componentClient?: Client;
  /** Accounts with a request under way at once (default 10). */
  readonly concurrency?: number;
  /** Attempts of one step before the account fails (default 8). Quota (45009 / 45011), busy (-1), network errors retry. */
  readonly maxAttempts?: number;
  /** First retry delay, ms, doubled each attempt with jitter (default 2 000). */
  readonly backoffMs?: number;
  /** Longest retry delay, ms (default 600 000). */
  readonly maxBackoffMs?: number;
  /** How often an audit with no push yet is polled with `get_auditstatus`, ms (default 600 000). */
  readonly pollIntervalMs?: number;
  /** How often waiting accounts are re-read from the store, to see pushes handled by other processes, ms (default 15 000). */
  readonly recheckMs?: number;
  /**
   * Lease of a step, ms (default 120 000). It must outlast the slowest request with its token fetch (the
   * transport's timeout and retries): a request sent by a runner that died can still reach WeChat until then, and
   * the runner taking over checks WeChat for the step's effect only once the lease has run out.
   */
  readonly leaseMs?: number;
  /** Progress events. A throwing callback is ignored. */
  readonly onEvent?: (event: ReleaseEvent) => void;
  /** Clock, ms (default `Date.now`). */
  readonly now?: () => number;
}

export interface RunOptions {
  /** Stops the run: no new step starts; steps under way finish; `run` resolves with the summary so far. */
  readonly signal?: AbortSignal;
  /** Gives accounts that failed for a reason that may pass (quota, busy, network) a new set of attempts. */
  readonly retryFailed?: boolean;
}
