// Builds another commit of this repository in a directory of its own, to be measured beside the working tree:
//   node bench/baseline.mjs <commit> <dir>        then   npm run bench:throughput -- --baseline <dir>
// The commit's files are exported with `git archive`; its node_modules holds links to this checkout's
// third-party packages and its own workspace packages (@wxopen/*), then `tsc -b` builds it. Same-run,
// interleaved before/after figures of a change come from measuring both in one run.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import process from 'node:process';
import { URL, fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
const [commit, target] = process.argv.slice(2);
if (!commit || !target) {
  console.error('usage: node bench/baseline.mjs <commit> <dir>');
  process.exit(2);
}
const dir = resolve(target);
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });
execFileSync('sh', ['-c', `git -C "${root}" archive "${commit}" | tar -x -C "${dir}"`], { stdio: 'inherit' });

// Third-party packages: links into this checkout's node_modules. Workspace packages: links to the export's own.
const modules = join(dir, 'node_modules');
mkdirSync(modules);
for (const name of readdirSync(join(root, 'node_modules'))) {
  if (name === '@wxopen' || name === '.bin') continue;
  symlinkSync(join(root, 'node_modules', name), join(modules, name));
}
symlinkSync(join(root, 'node_modules', '.bin'), join(modules, '.bin'));
const workspaces = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).workspaces;
for (const workspace of workspaces) {
  const manifest = join(dir, workspace, 'package.json');
  if (!existsSync(manifest)) continue;
  const { name } = JSON.parse(readFileSync(manifest, 'utf8'));
  const link = join(modules, name);
  mkdirSync(dirname(link), { recursive: true });
  symlinkSync(relative(dirname(link), join(dir, workspace)), link);
  // A workspace's own third-party packages (another version than the hoisted one), linked likewise.
  const nested = join(root, workspace, 'node_modules');
  if (!existsSync(nested)) continue;
  mkdirSync(join(dir, workspace, 'node_modules'), { recursive: true });
  for (const entry of readdirSync(nested)) symlinkSync(join(nested, entry), join(dir, workspace, 'node_modules', entry));
}
execFileSync(join(root, 'node_modules', '.bin', 'tsc'), ['-b'], { cwd: dir, stdio: 'inherit' });
console.log(`built ${commit} in ${dir}`);
