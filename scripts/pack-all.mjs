// `npm run pack:all`: one tarball per published package, as a registry would serve it, in `dist-packages/`
// (or `--out <dir>`), after a build, and checked by verify-tarballs.mjs. Install them into a project together:
//
//   npm install /path/to/wxopen/dist-packages/wxopen-core-0.1.0.tgz /path/to/wxopen/dist-packages/wxopen-express-0.1.0.tgz express
//
// Prints one line per tarball; `--json` prints `[{ name, version, file }]` (absolute paths) instead.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { PACKAGES, ROOT } from './published.mjs';
import { verifyTarballs } from './verify-tarballs.mjs';

const { values } = parseArgs({ options: { out: { type: 'string', default: join(ROOT, 'dist-packages') }, json: { type: 'boolean', default: false } } });
const out = resolve(values.out);
const log = values.json ? () => {} : (line) => console.log(line);

// 1. Build what is packed. `tsc -b` only rebuilds what changed.
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-b', ...PACKAGES.map((p) => p.path)], { stdio: 'inherit', cwd: ROOT });

// 2. `tsc -b` never deletes the output of a source file that is gone: such a module would ship, with a map that
//    points at nothing. Remove it.
for (const { path, name } of PACKAGES) {
  const dist = join(path, 'dist');
  if (!existsSync(dist)) continue;
  for (const file of readdirSync(dist, { recursive: true, withFileTypes: true })) {
    if (!file.isFile()) continue;
    const match = /^(.*)\.(js|d\.ts)(\.map)?$/.exec(file.name);
    if (match === null) continue;
    const rel = relative(dist, join(file.parentPath, match[1]));
    if (!existsSync(join(path, 'src', `${rel}.ts`))) {
      rmSync(join(file.parentPath, file.name));
      log(`removed ${name} dist/${relative(dist, join(file.parentPath, file.name))}: its source is gone`);
    }
  }
}

// 3. Pack, replacing the tarballs of earlier versions.
mkdirSync(out, { recursive: true });
const prefixes = PACKAGES.map((p) => `${p.name.replace(/^@/, '').replace('/', '-')}-`);
for (const file of readdirSync(out)) if (file.endsWith('.tgz') && prefixes.some((prefix) => file.startsWith(prefix))) rmSync(join(out, file));
const packed = JSON.parse(
  execFileSync('npm', ['pack', ...PACKAGES.map((p) => p.path), '--pack-destination', out, '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }),
);
const tarballs = packed.map((p) => ({ name: p.name, version: p.version, file: join(out, p.filename), size: p.size, entries: p.entryCount }));

// 4. Check them.
const shown = (file) => (relative(process.cwd(), file).startsWith('..') ? file : relative(process.cwd(), file));
let problems = 0;
for (const [i, result] of verifyTarballs(tarballs.map((t) => t.file)).entries()) {
  const t = tarballs[i];
  for (const problem of result.problems) console.error(`✗ ${t.name}: ${problem}`);
  problems += result.problems.length;
  log(`${result.problems.length === 0 ? '✓' : '✗'} ${shown(t.file)}  ${(t.size / 1024).toFixed(1)} KiB, ${t.entries} files`);
}
if (problems > 0) {
  console.error(`${problems} problem(s) in the tarballs`);
  process.exit(1);
}
if (values.json) console.log(JSON.stringify(tarballs.map(({ name, version, file }) => ({ name, version, file }))));
