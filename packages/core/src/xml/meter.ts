/**
 * A work counter for the linear-time reading path (`prepare`, `rejectDeclarations`, the scanner): every
 * search, loop and copy over the text adds the number of characters it examines. The linearity tests read it
 * to prove that the work per input character stays under a small constant for every input, hostile ones
 * included. It is internal: the package index does not export it.
 *
 * The cost is one addition per operation (not per character), which the benchmarks do not see.
 */
export const meter = { steps: 0 };

/** Runs `fn` and returns the steps it counted (an exception thrown by `fn` is swallowed: refusals count too). */
export function countSteps(fn: () => unknown): number {
  const before = meter.steps;
  try {
    fn();
  } catch {
    // A refusal is an outcome like any other: its cost is what is measured.
  }
  return meter.steps - before;
}

/** `text.indexOf(needle, from)`, counting the characters the search passed over. */
export function find(text: string, needle: string, from: number): number {
  const at = text.indexOf(needle, from);
  meter.steps += (at < 0 ? text.length : at + needle.length) - from + 1;
  return at;
}
