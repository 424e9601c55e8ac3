/**
 * `scripts/api-report.mjs --check` (part of `npm run check:packages`) against copies of the committed reports: it
 * passes on them as they are, and fails, naming the report and how to update it, on a report that no longer
 * matches the built surface.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from './scratch';

const run = promisify(execFile);
jest.setTimeout(120_000);

let reports: string;

/** `api-report.mjs --check --reports <dir>`: its exit code and output. */
async function check(dir: string): Promise<{ code: number; output: string }> {
  return run(process.execPath, [join(ROOT, 'scripts', 'api-report.mjs'), '--check', '--reports', dir], { cwd: ROOT }).then(
    (r) => ({ code: 0, output: r.stdout + r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, output: e.stdout + e.stderr }),
  );
}

beforeAll(async () => {
  await run(process.execPath, [require.resolve('typescript/bin/tsc'), '-b', join(ROOT, 'packages', 'core'), join(ROOT, 'packages', 'express')], { cwd: ROOT });
  reports = mkdtempSync(join(tmpdir(), 'wxopen-api-report-'));
  for (const dir of readdirSync(join(ROOT, 'packages'))) {
    if (existsSync(join(ROOT, 'packages', dir, 'api'))) cpSync(join(ROOT, 'packages', dir, 'api'), join(reports, dir), { recursive: true });
  }
});

afterAll(() => rmSync(reports, { recursive: true, force: true }));

test('the committed reports match the built surface, and a report that does not is named with the command that updates it', async () => {
  const clean = await check(reports);
  expect(clean.code).toBe(0);

  // A reviewer's view of a removed export: the report still lists `formatError`, the build no longer would.
  const core = join(reports, 'core', 'core.api.md');
  writeFileSync(core, readFileSync(core, 'utf8').replace(/^export function formatError\(.*$/m, '$&\nexport function formatErrorRemoved(): void;'));
  const changed = await check(reports);
  expect(changed.code).toBe(1);
  expect(changed.output).toMatch(/✗ @wxopen\/core: the public surface differs from .*core\/core\.api\.md/);
  expect(changed.output).toContain('run `npm run api:report`');
  expect(changed.output).toMatch(/✓ @wxopen\/express matches/);
});
