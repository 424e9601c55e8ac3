import { renderReleaseProgress, renderReleaseTable, summarize } from '@wxopen/core';
import type { AccountRecord, ReleaseState } from '@wxopen/core';

const record = (appId: string, state: ReleaseState, reason?: string): AccountRecord => ({ appId, state, attempts: 0, updatedAt: 0, ...(reason ? { reason } : {}) });

const accounts: AccountRecord[] = [
  ...Array.from({ length: 6 }, (_, i) => record(`wxreleased${i}`, 'released')),
  record('wxrejected0', 'rejected', '1:账号信息不符合规范:<br>(1):包含色情因素<br>'),
  record('wxfailed0', 'failed', '85085: submit audit reach limit, please try later'),
  record('wxaudit0', 'auditing'),
  record('wxpending0', 'pending'),
];

describe('renderReleaseProgress', () => {
  it('draws a bar of the accounts in a final state, then the final counts, then the others', () => {
    const { total, counts } = summarize('job', accounts);
    expect(renderReleaseProgress({ total, counts }, { width: 10 })).toBe(
      '[########..]  8/10 done | released 6 · rejected 1 · failed 1 | pending 1 · auditing 1',
    );
  });

  it('draws an empty bar before anything is final, and a full bar for no accounts', () => {
    const pending = summarize('job', [record('a', 'pending'), record('b', 'committing')]);
    expect(renderReleaseProgress(pending, { width: 4 })).toBe('[....] 0/2 done | pending 1 · committing 1');
    expect(renderReleaseProgress(summarize('job', []), { width: 4 })).toBe('[####] 0/0 done');
  });
});

describe('renderReleaseTable', () => {
  it('lists the accounts by state with their share, then each rejection and failure with its reason on one line', () => {
    expect(renderReleaseTable(accounts)).toBe(
      [
        'state     accounts  share',
        '--------  --------  -----',
        'pending          1    10%',
        'auditing         1    10%',
        'released         6    60%',
        'rejected         1    10%',
        'failed           1    10%',
        '--------  --------  -----',
        'total           10   100%',
        '',
        'rejected:',
        '  wxrejected0  1:账号信息不符合规范: (1):包含色情因素',
        '',
        'failed:',
        '  wxfailed0  85085: submit audit reach limit, please try later',
      ].join('\n'),
    );
  });

  it('says how many releases were staged, at each share of users', () => {
    const staged = (appId: string, grayPercentage: number): AccountRecord => ({ ...record(appId, 'released'), grayPercentage });
    const table = renderReleaseTable([staged('wx1', 10), staged('wx2', 10), staged('wx3', 50), record('wx4', 'released')]);
    expect(table.split('\n').slice(-4)).toEqual(['', 'released to a share of users (staged):', '  10% of users: 2 accounts', '  50% of users: 1 account']);
  });

  it('shortens long reasons', () => {
    const table = renderReleaseTable([record('wx1', 'failed', 'x'.repeat(200))], { reasonWidth: 20 });
    expect(table.split('\n').at(-1)).toBe(`  wx1  ${'x'.repeat(19)}…`);
  });
});
