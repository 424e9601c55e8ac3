/**
 * How the fake WeChat decides audits: by hand (`resolveAudit`) or automatically after each `submit_audit`
 * (`autoAudit`), and the `weapp_audit_success` / `weapp_audit_fail` / `weapp_audit_delay` push it sends for each
 * decision — or does not send, to make the platform fall back to polling.
 */
import type { FakeState } from './state';
import type { FakePush, PushSender } from './pushes';
import type { FakeAudit } from './wxa-state';

export type AuditOutcome = 'success' | 'fail' | 'delay';

/** What happens to one audit: its outcome, and an optional delay notice first. */
export interface AuditDecision {
  readonly outcome: AuditOutcome | 'pending';
  /** Send a `weapp_audit_delay` first, then the outcome after `afterMs` more. */
  readonly delayFirst?: boolean;
  readonly reason?: string;
  /** Media ids joined by `|` (rejections). */
  readonly screenshot?: string;
  /** Whether the result is pushed (default: the `push` option). */
  readonly push?: boolean;
}

export interface AutoAuditOptions {
  /** The decision for each submitted audit (default: approved). */
  readonly decide?: (audit: Readonly<FakeAudit>) => AuditDecision | AuditOutcome | 'pending';
  /** Real ms between the submission and the decision (default 0). */
  readonly afterMs?: number;
  /** Whether results are pushed to the message URL (default true). */
  readonly push?: boolean | ((audit: Readonly<FakeAudit>) => boolean);
}

const STATUS: Record<AuditOutcome, 0 | 1 | 4> = { success: 0, fail: 1, delay: 4 };
/** The system sender of audit events. */
const SYSTEM_OPENID = 'o_wxa_audit_system_000000000';

export class AuditDesk {
  readonly #state: FakeState;
  readonly #pushes: PushSender;
  readonly #timers = new Set<NodeJS.Timeout>();
  #auto: AutoAuditOptions | undefined;

  constructor(state: FakeState, pushes: PushSender) {
    this.#state = state;
    this.#pushes = pushes;
  }

  configure(options: AutoAuditOptions | undefined): void {
    this.#auto = options;
  }

  /** Called for each successful `submit_audit`. */
  submitted(audit: FakeAudit): void {
    const auto = this.#auto;
    if (!auto) return;
    const raw = auto.decide ? auto.decide(audit) : 'success';
    const decision: AuditDecision = typeof raw === 'string' ? { outcome: raw } : raw;
    if (decision.outcome === 'pending') return;
    const push = decision.push ?? (typeof auto.push === 'function' ? auto.push(audit) : (auto.push ?? true));
    const afterMs = auto.afterMs ?? 0;
    const outcome = decision.outcome;
    this.#later(afterMs, async () => {
      if (decision.delayFirst && outcome !== 'delay') {
        await this.resolve(audit, 'delay', { reason: 'more time needed', push });
        this.#later(afterMs, () => this.resolve(audit, outcome, { ...decision, push }));
      } else {
        await this.resolve(audit, outcome, { ...decision, push });
      }
    });
  }

  /**
   * Decides `audit` (if it is still under review or delayed) and pushes the event unless `push` is false.
   * Resolves with the push, or `undefined` when the audit was already decided or withdrawn.
   */
  async resolve(audit: FakeAudit, outcome: AuditOutcome, details: { readonly reason?: string; readonly screenshot?: string; readonly push?: boolean } = {}): Promise<FakePush | undefined> {
    if (audit.status !== 2 && audit.status !== 4) return undefined;
    const now = Math.floor(this.#state.now() / 1000);
    audit.status = STATUS[outcome];
    if (outcome !== 'success') audit.reason = details.reason ?? (outcome === 'fail' ? '1:账号信息不符合规范:<br>(1):页面内容不完整' : 'more time needed');
    if (outcome === 'fail') audit.screenshot = details.screenshot ?? 'media_id_1|media_id_2';
    const userName = String(this.#state.authorizers.get(audit.appId)?.info['user_name'] ?? 'gh_000000000000');
    const head = { ToUserName: userName, FromUserName: SYSTEM_OPENID, CreateTime: now, MsgType: 'event' };
    const fields =
      outcome === 'success'
        ? { ...head, Event: 'weapp_audit_success', SuccTime: now }
        : outcome === 'fail'
          ? { ...head, Event: 'weapp_audit_fail', Reason: audit.reason ?? '', FailTime: now, ScreenShot: audit.screenshot ?? '' }
          : { ...head, Event: 'weapp_audit_delay', Reason: audit.reason ?? '', DelayTime: now };
    return this.#pushes.event(audit.appId, fields, details.push === false);
  }

  close(): void {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    this.#auto = undefined;
  }

  #later(ms: number, run: () => Promise<unknown>): void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      void run().catch(() => undefined);
    }, ms);
    this.#timers.add(timer);
  }
}
