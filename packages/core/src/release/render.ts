/**
 * Text for a terminal: a one-line progress bar to redraw as events arrive, and the final table of accounts by
 * state with the reason of each rejection and failure. Pure functions; the CLI decides where the text goes.
 */
import type { AccountRecord, ReleaseState, StateCounts } from './types';
import { FINAL_STATES, RELEASE_STATES } from './types';

export interface ProgressRenderOptions {
  /** Width of the bar in characters (default 30). */
  readonly width?: number;
}

/**
 * `[##########....................]  67/200 done | released 60 · rejected 5 · failed 2 | auditing 80 · …`:
 * the bar counts accounts in a final state; then final states, then the others, each only when non-zero.
 */
export function renderReleaseProgress(progress: { readonly total: number; readonly counts: StateCounts }, options: ProgressRenderOptions = {}): string {
  const width = Math.max(1, options.width ?? 30);
  const { total, counts } = progress;
  const done = RELEASE_STATES.filter((state) => FINAL_STATES.has(state)).reduce((sum, state) => sum + counts[state], 0);
  const filled = total === 0 ? width : Math.round((done / total) * width);
  const bar = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
  const list = (states: readonly ReleaseState[]) =>
    states
      .filter((state) => counts[state] > 0)
      .map((state) => `${state} ${counts[state]}`)
      .join(' · ');
  const finals = list(RELEASE_STATES.filter((state) => FINAL_STATES.has(state)));
  const open = list(RELEASE_STATES.filter((state) => !FINAL_STATES.has(state)));
  const digits = String(total).length;
  return [`${bar} ${String(done).padStart(digits)}/${total} done`, finals, open].filter((part) => part !== '').join(' | ');
}

export interface TableRenderOptions {
  /** Longest reason shown per account, in characters (default 80). */
  readonly reasonWidth?: number;
}

/**
 * The final table: one row per state that has accounts (count and share), how many releases were staged and at
 * which share of users, then every rejected and failed account with its reason, so they can be dealt with one by one.
 */
export function renderReleaseTable(accounts: readonly AccountRecord[], options: TableRenderOptions = {}): string {
  const reasonWidth = Math.max(10, options.reasonWidth ?? 80);
  const counts = new Map<ReleaseState, number>();
  for (const record of accounts) counts.set(record.state, (counts.get(record.state) ?? 0) + 1);
  const total = accounts.length;
  const rows = RELEASE_STATES.filter((state) => (counts.get(state) ?? 0) > 0).map((state) => {
    const count = counts.get(state) ?? 0;
    return [state, String(count), `${total === 0 ? 0 : Math.round((count / total) * 100)}%`];
  });
  rows.push(['total', String(total), total === 0 ? '0%' : '100%']);
  const widths = [0, 1, 2].map((column) => Math.max(...[['state', 'accounts', 'share'], ...rows].map((row) => (row[column] ?? '').length)));
  const line = (row: readonly string[]) =>
    `${(row[0] ?? '').padEnd(widths[0] ?? 0)}  ${(row[1] ?? '').padStart(widths[1] ?? 0)}  ${(row[2] ?? '').padStart(widths[2] ?? 0)}`;
  const rule = `${'-'.repeat(widths[0] ?? 0)}  ${'-'.repeat(widths[1] ?? 0)}  ${'-'.repeat(widths[2] ?? 0)}`;
  const out = [line(['state', 'accounts', 'share']), rule, ...rows.slice(0, -1).map(line), rule, line(rows[rows.length - 1] ?? [])];

  // A staged release (grayPercentage) reached only a share of each account's users: say how many, at which share.
  const staged = new Map<number, number>();
  for (const record of accounts) {
    if (record.state === 'released' && record.grayPercentage !== undefined) staged.set(record.grayPercentage, (staged.get(record.grayPercentage) ?? 0) + 1);
  }
  if (staged.size > 0) {
    out.push('', 'released to a share of users (staged):');
    for (const [share, count] of [...staged].sort((a, b) => a[0] - b[0])) out.push(`  ${share}% of users: ${count} account${count === 1 ? '' : 's'}`);
  }

  for (const state of ['rejected', 'failed'] as const) {
    const listed = accounts.filter((record) => record.state === state);
    if (listed.length === 0) continue;
    out.push('', `${state}:`);
    const idWidth = Math.max(...listed.map((record) => record.appId.length));
    for (const record of listed) out.push(`  ${record.appId.padEnd(idWidth)}  ${shorten(oneLine(record.reason ?? ''), reasonWidth)}`);
  }
  return out.join('\n');
}

/** WeChat's reasons are HTML with `<br>`; a table row wants one line. */
function oneLine(text: string): string {
  return text
    .replace(/<br\s*\/?>/gi, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

function shorten(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, width - 1)}…`;
}
