/**
 * `scripts/verify-tarballs.mjs`, which `pack:all` runs on every tarball, against copies of `@wxopen/express`
 * packed with one defect each: each defect is named, and the unchanged copy has none.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from './scratch';

const run = promisify(execFile);
jest.setTimeout(60_000);

type Manifest = Record<string, unknown> & { files: string[]; peerDependencies: Record<string, string> };

/** Each defect: what it does to a copy of packages/express (its package.json, and its folder). */
const DEFECTS: Record<string, (pkg: Manifest, dir: string) => void> = {
  unchanged: () => {},
  'types file missing': (_pkg, dir) => rmSync(join(dir, 'dist', 'index.d.ts')),
  'core not declared': (pkg) => delete pkg.peerDependencies['@wxopen/core'],
  'core range excludes the packed core': (pkg) => (pkg.peerDependencies['@wxopen/core'] = '^0.2.0'),
  'dependency on a workspace path': (pkg) => (pkg.dependencies = { '@wxopen/core': 'file:../core' }),
  'build info shipped': (pkg) => (pkg.files = ['dist', 'src']),
  'sources not shipped': (pkg) => (pkg.files = ['dist', '!*.tsbuildinfo']),
  'no LICENSE': (_pkg, dir) => rmSync(join(dir, 'LICENSE')),
  'types not the first condition': (pkg) => (pkg.exports = { '.': { default: './dist/index.js', types: './dist/index.d.ts' }, './package.json': './package.json' }),
};

let problems: Record<string, string[]>;
let exitCode: number;
let scratch: string;

beforeAll(async () => {
  await run(process.execPath, [require.resolve('typescript/bin/tsc'), '-b', join(ROOT, 'packages', 'express')], { cwd: ROOT });
  scratch = mkdtempSync(join(tmpdir(), 'wxopen-tarballs-'));
  const tarballs: Record<string, string> = {};
  for (const [defect, apply] of Object.entries(DEFECTS)) {
    const dir = join(scratch, defect.replace(/\W+/g, '-'));
    cpSync(join(ROOT, 'packages', 'express'), dir, { recursive: true, filter: (source) => !source.includes('node_modules') && !source.endsWith('/test') });
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest;
    apply(pkg, dir);
    writeFileSync(join(dir, 'package.json'), JSON.stringify(pkg, null, 2));
    mkdirSync(join(dir, 'out'));
    const { stdout } = await run('npm', ['pack', dir, '--pack-destination', join(dir, 'out'), '--json', '--ignore-scripts'], { cwd: scratch });
    tarballs[defect] = join(dir, 'out', (JSON.parse(stdout) as { filename: string }[])[0]?.filename ?? '');
  }
  // The packed core beside them, as pack:all packs it: the adapters' ranges are checked against its version.
  const coreOut = join(scratch, 'core');
  mkdirSync(coreOut);
  const { stdout } = await run('npm', ['pack', join(ROOT, 'packages', 'core'), '--pack-destination', coreOut, '--json', '--ignore-scripts'], { cwd: scratch });
  const core = join(coreOut, (JSON.parse(stdout) as { filename: string }[])[0]?.filename ?? '');

  const result = await run(process.execPath, [join(ROOT, 'scripts', 'verify-tarballs.mjs'), core, ...Object.values(tarballs)], { cwd: scratch }).then(
    (r) => ({ code: 0, stderr: r.stderr }),
    (e: { code: number; stderr: string }) => ({ code: e.code, stderr: e.stderr }),
  );
  exitCode = result.code;
  problems = Object.fromEntries(
    Object.entries(tarballs).map(([defect, tarball]) => [
      defect,
      result.stderr
        .split('\n')
        .filter((line) => line.includes(tarball.slice(scratch.length + 1)))
        .map((line) => line.slice(line.indexOf('.tgz: ') + 6)),
    ]),
  );
});

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('verify-tarballs', () => {
  test('fails when any tarball has a problem', () => {
    expect(exitCode).toBe(1);
  });

  test('finds nothing wrong with an unchanged package', () => {
    expect(problems['unchanged']).toEqual([]);
  });

  test('names a file that package.json points at but the tarball lacks', () => {
    expect(problems['types file missing']).toEqual(
      expect.arrayContaining([
        'package.json types names ./dist/index.d.ts, which is not in the tarball',
        'package.json exports["."]["types"] names ./dist/index.d.ts, which is not in the tarball',
      ]),
    );
  });

  test('names an imported package that is neither a dependency nor a peer dependency', () => {
    expect(problems['core not declared']).toEqual(
      expect.arrayContaining([
        'dist/index.js imports @wxopen/core/adapter, but @wxopen/core is neither a dependency nor a peer dependency',
        'dist/index.d.ts imports @wxopen/core, but @wxopen/core is neither a dependency nor a peer dependency',
      ]),
    );
  });

  test('names a range on a sibling package that the packed sibling does not satisfy', () => {
    expect(problems['core range excludes the packed core']).toEqual(['peerDependencies["@wxopen/core"] is ^0.2.0, which does not accept @wxopen/core@0.1.0 packed beside it']);
  });

  test('names a dependency that a registry cannot install', () => {
    expect(problems['dependency on a workspace path']).toContain('dependencies["@wxopen/core"] is file:../core: it cannot be installed from a registry');
  });

  test('names shipped build info, unshipped map sources and a missing LICENSE', () => {
    expect(problems['build info shipped']).toEqual(['ships build info dist/.tsbuildinfo']);
    expect(problems['sources not shipped']).toEqual(
      expect.arrayContaining(['dist/index.js.map maps to src/index.ts, which is not in the tarball', 'dist/index.d.ts.map maps to src/index.ts, which is not in the tarball']),
    );
    expect(problems['no LICENSE']).toEqual(['no LICENSE']);
  });

  test('names an exports condition object whose types condition is not first', () => {
    expect(problems['types not the first condition']).toEqual(['package.json exports["."]: "types" must be the first condition']);
  });
});
