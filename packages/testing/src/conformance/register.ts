import { describe, test } from '@jest/globals';
import type { ConformanceCase } from './harness';

export interface RegisterOptions {
  /** Registers the outer block (default: jest's `describe`), e.g. `describeRedis` to skip without Redis. */
  readonly describe?: (name: string, fn: () => void) => void;
  /** The timeout of each test, in ms (default: jest's). */
  readonly timeoutMs?: number;
}

/**
 * Registers `cases` as jest tests inside `describe(title)`, each in the nested `describe` blocks its `group`
 * names (in the order the groups first appear), each run against `target`.
 */
export function registerCases<Target>(title: string, cases: readonly ConformanceCase<Target>[], target: Target, options: RegisterOptions = {}): void {
  const { timeoutMs } = options;
  const level = (rows: readonly ConformanceCase<Target>[], depth: number): void => {
    const groups = new Map<string, ConformanceCase<Target>[]>();
    for (const c of rows) {
      const group = c.group[depth];
      if (group === undefined) {
        test(c.name, () => c.run(target), timeoutMs);
        continue;
      }
      const members = groups.get(group) ?? [];
      if (members.length === 0) groups.set(group, members);
      members.push(c);
    }
    for (const [group, members] of groups) describe(group, () => level(members, depth + 1));
  };
  (options.describe ?? describe)(title, () => level(cases, 0));
}
