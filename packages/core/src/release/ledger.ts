/**
 * The release's records in the store: the job (its spec and its targets, fixed when it starts), one record per
 * account updated only by compare-and-set, and a pointer from each authorizer to the job auditing it (so a push
 * handled by any process finds its record). Every key is under the component's hash tag.
 */
import type { Store } from '../store/types';
import type { AccountRecord, ReleaseState } from './types';
import { RELEASE_STATES } from './types';

export interface JobRecord {
  readonly id: string;
  readonly templateId: number;
  readonly userVersion: string;
  readonly userDesc: string;
  readonly targets: readonly string[];
  /** The job's `grayPercentage`, when it stages the release. */
  readonly grayPercentage?: number;
  readonly createdAt: number;
}

/** How many times an update is retried when other writers keep changing the record. */
const MAX_CONFLICTS = 50;

export class ReleaseLedger {
  readonly #store: Store;
  readonly #tag: string;

  constructor(store: Store, componentAppId: string) {
    this.#store = store;
    this.#tag = `{${componentAppId}}`;
  }

  jobKey(jobId: string): string {
    return `${this.#tag}:release:${jobId}`;
  }

  accountKey(jobId: string, appId: string): string {
    return `${this.#tag}:release:${jobId}:account:${appId}`;
  }

  activeKey(appId: string): string {
    return `${this.#tag}:release:active:${appId}`;
  }

  async readJob(jobId: string): Promise<JobRecord | undefined> {
    const raw = await this.#store.get(this.jobKey(jobId));
    return raw === undefined ? undefined : (JSON.parse(raw) as JobRecord);
  }

  /** Stores the job unless one with this id exists; resolves to the stored one either way. */
  async createJob(job: JobRecord): Promise<JobRecord> {
    if (await this.#store.setIfAbsent(this.jobKey(job.id), JSON.stringify(job))) return job;
    const existing = await this.readJob(job.id);
    if (!existing) throw new Error(`release ${job.id}: the job record vanished while it was being created`);
    return existing;
  }

  async read(jobId: string, appId: string): Promise<AccountRecord | undefined> {
    return parse(await this.#store.get(this.accountKey(jobId, appId)), appId);
  }

  /**
   * Applies `change` to the record atomically: reads it, computes the next one (`undefined`: leave it), writes it
   * with compare-and-set, and starts over if another writer got there first. Resolves to the record after.
   */
  async update(
    jobId: string,
    appId: string,
    change: (current: AccountRecord | undefined) => AccountRecord | undefined,
  ): Promise<{ readonly record: AccountRecord | undefined; readonly changed: boolean; readonly before: AccountRecord | undefined }> {
    const key = this.accountKey(jobId, appId);
    for (let attempt = 0; attempt < MAX_CONFLICTS; attempt++) {
      const raw = await this.#store.get(key);
      const current = parse(raw, appId);
      const next = change(current);
      if (next === undefined) return { record: current, changed: false, before: current };
      const nextRaw = JSON.stringify(next);
      const written = raw === undefined ? await this.#store.setIfAbsent(key, nextRaw) : await this.#store.compareAndSet(key, raw, nextRaw);
      if (written) return { record: next, changed: true, before: current };
    }
    throw new Error(`release ${jobId}: the record of ${appId} kept changing under ${MAX_CONFLICTS} attempts to update it`);
  }

  setActive(appId: string, jobId: string): Promise<void> {
    return this.#store.set(this.activeKey(appId), jobId);
  }

  activeJob(appId: string): Promise<string | undefined> {
    return this.#store.get(this.activeKey(appId));
  }

  async clearActive(appId: string, jobId: string): Promise<void> {
    await this.#store.compareAndDelete(this.activeKey(appId), jobId);
  }
}

const STATES: ReadonlySet<string> = new Set(RELEASE_STATES);

/** A stored record, or `undefined` when absent or unreadable (it is then rewritten from `pending`). */
function parse(raw: string | undefined, appId: string): AccountRecord | undefined {
  if (raw === undefined) return undefined;
  try {
    const record = JSON.parse(raw) as AccountRecord;
    if (record && record.appId === appId && STATES.has(record.state as ReleaseState)) return record;
  } catch {
    // An unreadable record is treated as absent.
  }
  return undefined;
}
