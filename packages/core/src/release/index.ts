export { ReleaseRunner, summarize } from './runner';
export { renderReleaseProgress, renderReleaseTable } from './render';
export type { ProgressRenderOptions, TableRenderOptions } from './render';
export { FINAL_STATES, RELEASE_STATES } from './types';
export type {
  AccountRecord,
  AuditPush,
  ReleaseEvent,
  ReleaseJob,
  ReleaseRunnerOptions,
  ReleaseState,
  ReleaseSummary,
  ReleaseTargets,
  RunOptions,
  StateCounts,
} from './types';
