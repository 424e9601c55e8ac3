// Checks every published package: publint on its package.json/exports, the packed file list, and that it
// loads through its exports map from both CommonJS (require) and ESM (import, named exports).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { publint } from 'publint';

const packages = ['core', 'testing', 'redis', 'express', 'koa', 'fastify', 'fetch'];
// Every adapter exports the same names (and keeps its old ones as deprecated aliases).
const ADAPTER = ['authCallback', 'messageCallback', 'wxopenRouter'];
const probes = {
  core: ['AuthServer', 'MessageCipher', 'WxOpenError', 'MemoryStore'],
  testing: ['WechatSimulator'],
  redis: ['RedisStore'],
  express: ADAPTER,
  koa: [...ADAPTER, 'koaAuthCallback', 'koaMessageCallback'],
  fastify: [...ADAPTER, 'wxopen', 'fastifyAuthHandler', 'fastifyMessageHandler'],
  fetch: ADAPTER,
};
// An adapter must not bring its own copy of the core: it is a peer dependency, so the app's one copy is shared.
const ADAPTERS = new Set(['express', 'koa', 'fastify', 'fetch']);
let failures = 0;
const fail = (msg) => {
  failures++;
  console.error(`  ✗ ${msg}`);
};

for (const name of packages) {
  const dir = join('packages', name);
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  console.log(`${pkg.name}`);
  if (ADAPTERS.has(name)) {
    if (pkg.dependencies?.['@wxopen/core'] !== undefined) fail('@wxopen/core is a dependency; it must be a peer dependency');
    if (pkg.peerDependencies?.['@wxopen/core'] === undefined) fail('@wxopen/core is not a peer dependency');
  }
  const { messages } = await publint({ pkgDir: dir, strict: true });
  for (const m of messages) if (m.type !== 'suggestion') fail(`publint ${m.type}: ${m.code} ${JSON.stringify(m.args)}`);

  const [packed] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: dir, encoding: 'utf8' }));
  const files = new Set(packed.files.map((f) => f.path));
  for (const f of ['dist/index.js', 'dist/index.d.ts', 'package.json']) if (!files.has(f)) fail(`tarball lacks ${f}`);

  const names = probes[name];
  const cjs = `const m = require(${JSON.stringify(pkg.name)}); for (const n of ${JSON.stringify(names)}) if (typeof m[n] !== 'function') { console.error('missing ' + n); process.exit(1); }`;
  const esm = `import { ${names.join(', ')} } from ${JSON.stringify(pkg.name)}; for (const f of [${names.join(', ')}]) if (typeof f !== 'function') process.exit(1);`;
  try {
    execFileSync(process.execPath, ['-e', cjs], { stdio: 'inherit' });
    execFileSync(process.execPath, ['--input-type=module', '-e', esm], { stdio: 'inherit' });
    console.log(`  ✓ publint, tarball, require() and import { ${names.join(', ')} }`);
  } catch {
    fail(`loading ${pkg.name} through its exports map failed`);
  }
}
if (failures > 0) {
  console.error(`${failures} package check(s) failed`);
  process.exit(1);
}
