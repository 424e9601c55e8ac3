/**
 * What each step asks WeChat, and how an interrupted step is recognised as done: a commit shows as the trial
 * version (`getversioninfo` `exp_info`), a submission as the latest audit (`get_latest_auditstatus`), a release as
 * the released version (`release_info`), a gray release as the gray plan (`getgrayreleaseplan`) at this job's
 * share. Each check accepts only this job's version and description, or a plan, made after the step was first
 * claimed (with some slack for clock differences).
 */
import { WechatApiError } from '../errors';
import type { Client } from '../api/client';
import {
  AuditStatus,
  commit,
  getAuditStatus,
  getLatestAuditStatus,
  getGrayReleasePlan,
  getVersionInfo,
  grayRelease,
  release,
  submitAudit,
} from '../api/miniprogram/code';
import type { AuditStatusCode } from '../api/miniprogram/code';
import {
  ErrCodeAlreadyReleased,
  ErrCodeAuditInProgress,
  ErrCodeAuditNotApproved,
  ErrCodeGrayPercentageTooLow,
  ErrCodeNoAuditedVersion,
  ErrCodeNoReleasedVersion,
  ErrCodeNoValidAudit,
  ErrCodeReleaseNotAllowed,
} from '../api/platform-errcode';
import type { ReleaseJob } from './types';

/** How much earlier than the step's claim a WeChat timestamp may be and still count as the step's work. */
const CLOCK_SLACK_MS = 5 * 60_000;

/** The result of an audit as a transition. */
export type AuditOutcome =
  | { readonly kind: 'auditing'; readonly delayed: boolean; readonly reason?: string }
  | { readonly kind: 'approved' }
  | { readonly kind: 'rejected'; readonly reason: string; readonly screenshot?: string }
  | { readonly kind: 'withdrawn' };

export function outcomeOfStatus(status: AuditStatusCode, reason?: string, screenshot?: string): AuditOutcome {
  switch (status) {
    case AuditStatus.Approved:
      return { kind: 'approved' };
    case AuditStatus.Rejected:
      return { kind: 'rejected', reason: reason ?? '', screenshot };
    case AuditStatus.Withdrawn:
      return { kind: 'withdrawn' };
    case AuditStatus.Delayed:
      return { kind: 'auditing', delayed: true, reason };
    default:
      return { kind: 'auditing', delayed: false };
  }
}

const isCode = (error: unknown, ...codes: number[]) => error instanceof WechatApiError && codes.includes(error.errcode);

/** How a release step ended: out (to `grayPercentage` % of users when staged), or back to the audit's state. */
export type ReleaseResult =
  | { readonly released: true; readonly grayPercentage?: number }
  | { readonly released: false; readonly outcome: AuditOutcome };

export class ReleaseSteps {
  readonly #job: ReleaseJob;

  constructor(job: ReleaseJob) {
    this.#job = job;
  }

  /** Commits the template unless `verify` finds this job's commit already made since `since`. */
  async commit(client: Client, appId: string, verify: boolean, since: number): Promise<void> {
    if (verify) {
      const exp = (await getVersionInfo(client)).exp_info;
      const mine = exp && exp.exp_version === this.#job.userVersion && exp.exp_desc === this.#job.userDesc;
      if (mine && exp.exp_time * 1000 >= since - CLOCK_SLACK_MS) return;
    }
    const extJson = typeof this.#job.extJson === 'function' ? await this.#job.extJson(appId) : this.#job.extJson;
    await commit(client, {
      template_id: this.#job.templateId,
      ext_json: extJson,
      user_version: this.#job.userVersion,
      user_desc: this.#job.userDesc,
    });
  }

  /**
   * Submits the audit unless `verify` finds this job's submission already made since `since`; an 85009 (an audit
   * is in progress) is adopted when that audit is this job's. Resolves to the audit id and what is known of it.
   */
  async submit(client: Client, appId: string, verify: boolean, since: number): Promise<{ readonly auditId: number; readonly outcome: AuditOutcome }> {
    if (verify) {
      const adopted = await this.#latestOfMine(client, since);
      if (adopted) return adopted;
    }
    const request = typeof this.#job.audit === 'function' ? await this.#job.audit(appId) : (this.#job.audit ?? {});
    try {
      const { auditid } = await submitAudit(client, request);
      return { auditId: Number(auditid), outcome: { kind: 'auditing', delayed: false } };
    } catch (error) {
      if (!isCode(error, ErrCodeAuditInProgress)) throw error;
      const adopted = await this.#latestOfMine(client, since);
      if (adopted) return adopted;
      throw error;
    }
  }

  /** `get_auditstatus` as a transition. */
  async poll(client: Client, auditId: number): Promise<AuditOutcome> {
    const status = await getAuditStatus(client, auditId);
    return outcomeOfStatus(status.status, status.reason, status.screenshot ?? status.ScreenShot);
  }

  /**
   * Releases unless `verify` finds this job's version already released. With the job's `grayPercentage`, releases
   * to that share of users (分阶段发布, `grayrelease`) instead, unless the account has no version online yet
   * (85079: WeChat stages only an update), which is released to everyone. When WeChat refuses (85019 / 85020 /
   * 85052, or 85080 / 85082 for a gray release), resolves to `released` if the version is out anyway, else to the
   * audit's real state (a stale push may have claimed an approval).
   */
  async release(client: Client, verify: boolean, auditId: number | undefined, since: number): Promise<ReleaseResult> {
    const percentage = this.#job.grayPercentage;
    if (verify && (await this.#isReleased(client))) return { released: true };
    if (percentage !== undefined) {
      if (verify && (await this.#isGrayReleased(client, since))) return { released: true, grayPercentage: percentage };
      try {
        await grayRelease(client, { gray_percentage: percentage });
        return { released: true, grayPercentage: percentage };
      } catch (error) {
        if (isCode(error, ErrCodeAuditNotApproved, ErrCodeGrayPercentageTooLow) && (await this.#isGrayReleased(client, since))) {
          return { released: true, grayPercentage: percentage };
        }
        if (!isCode(error, ErrCodeNoReleasedVersion)) return this.#refused(client, auditId, error, ErrCodeAuditNotApproved, ErrCodeGrayPercentageTooLow);
      }
    }
    try {
      await release(client);
      return { released: true };
    } catch (error) {
      return this.#refused(client, auditId, error, ErrCodeNoAuditedVersion, ErrCodeReleaseNotAllowed, ErrCodeAlreadyReleased);
    }
  }

  /** A refused release: `released` if the version is online anyway, else the audit's real state; other errors rethrown. */
  async #refused(client: Client, auditId: number | undefined, error: unknown, ...refusals: number[]): Promise<ReleaseResult> {
    if (!isCode(error, ...refusals)) throw error;
    if (await this.#isReleased(client)) return { released: true };
    if (auditId === undefined) throw error;
    const outcome = await this.poll(client, auditId);
    if (outcome.kind === 'approved') throw error;
    return { released: false, outcome };
  }

  /** Whether a gray release at this job's share was made since the step was first claimed. */
  async #isGrayReleased(client: Client, since: number): Promise<boolean> {
    const plan = (await getGrayReleasePlan(client)).gray_release_plan;
    return plan.status === 1 && plan.gray_percentage === this.#job.grayPercentage && plan.create_timestamp * 1000 >= since - CLOCK_SLACK_MS;
  }

  async #isReleased(client: Client): Promise<boolean> {
    const online = (await getVersionInfo(client)).release_info;
    return online !== undefined && online.release_version === this.#job.userVersion && online.release_desc === this.#job.userDesc;
  }

  async #latestOfMine(client: Client, since: number): Promise<{ auditId: number; outcome: AuditOutcome } | undefined> {
    let latest;
    try {
      latest = await getLatestAuditStatus(client);
    } catch (error) {
      if (isCode(error, ErrCodeNoValidAudit)) return undefined;
      throw error;
    }
    const mine =
      latest.user_version === this.#job.userVersion &&
      latest.user_desc === this.#job.userDesc &&
      (latest.submit_audit_time ?? 0) * 1000 >= since - CLOCK_SLACK_MS;
    if (!mine) return undefined;
    return { auditId: Number(latest.auditid), outcome: outcomeOfStatus(latest.status, latest.reason, latest.ScreenShot) };
  }
}
