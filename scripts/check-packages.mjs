// Checks every published package (`npm run check:packages` runs this, then the API reports and the docs):
//   - package metadata, LICENSE copies and README links follow the root (package-metadata.mjs --check);
//   - publint on its package.json and exports map;
//   - the packages built on the core take it as a peer dependency;
//   - packed like pack:all, into a temporary folder, each tarball passes verify-tarballs.mjs;
//   - it loads through its exports map from CommonJS (require) and ESM (import, named exports).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { publint } from 'publint';
import { syncAll } from './package-metadata.mjs';
import { PACKAGES, ROOT } from './published.mjs';

// Every adapter exports the same names (and keeps its old ones as deprecated aliases).
const ADAPTER = ['authCallback', 'messageCallback', 'wxopenRouter'];
const probes = {
  '@wxopen/core': ['AuthServer', 'MessageCipher', 'WxOpenError', 'MemoryStore'],
  '@wxopen/core/adapter': ['deliver', 'matchRoute', 'pickBody'],
  '@wxopen/testing': ['WechatSimulator'],
  // `@wxopen/testing/conformance` is not probed: it loads `@jest/globals`, which throws outside a jest test file.
  '@wxopen/testing/conformance/crash-child': ['serveForCrashTest'],
  '@wxopen/redis': ['RedisStore'],
  '@wxopen/express': ADAPTER,
  '@wxopen/koa': [...ADAPTER, 'koaAuthCallback', 'koaMessageCallback'],
  '@wxopen/fastify': [...ADAPTER, 'wxopen', 'fastifyAuthHandler', 'fastifyMessageHandler'],
  '@wxopen/fetch': ADAPTER,
};
// The packages built on the core must not bring their own copy of it: the app's one copy is shared (one
// `instanceof WxOpenError`, one store), so the core is a peer dependency.
const PEERS_OF_CORE = new Set(['express', 'koa', 'fastify', 'fetch', 'testing', 'redis']);
let failures = 0;
const fail = (msg) => {
  failures++;
  console.error(`  ✗ ${msg}`);
};

console.log('metadata');
for (const { name, stale, problems } of syncAll({ write: false })) {
  for (const line of [...stale, ...problems]) fail(`${name}: ${line}`);
}
if (failures > 0) console.error('  run `npm run sync:metadata` (or fix the README) and commit the result');

const scratch = mkdtempSync(join(tmpdir(), 'wxopen-check-packages-'));
try {
  console.log('tarballs');
  try {
    execFileSync(process.execPath, [join(ROOT, 'scripts', 'pack-all.mjs'), '--out', scratch], { stdio: 'inherit', cwd: ROOT });
  } catch {
    fail('pack:all found problems in the tarballs (above)');
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

for (const { dir, name, path, pkg } of PACKAGES) {
  console.log(name);
  if (PEERS_OF_CORE.has(dir)) {
    if (pkg.dependencies?.['@wxopen/core'] !== undefined) fail('@wxopen/core is a dependency; it must be a peer dependency');
    if (pkg.peerDependencies?.['@wxopen/core'] === undefined) fail('@wxopen/core is not a peer dependency');
  }
  const { messages } = await publint({ pkgDir: path, strict: true });
  for (const m of messages) if (m.type !== 'suggestion') fail(`publint ${m.type}: ${m.code} ${JSON.stringify(m.args)}`);

  for (const specifier of Object.keys(probes).filter((s) => s === name || s.startsWith(`${name}/`))) {
    const names = probes[specifier];
    const cjs = `const m = require(${JSON.stringify(specifier)}); for (const n of ${JSON.stringify(names)}) if (typeof m[n] !== 'function') { console.error('missing ' + n); process.exit(1); }`;
    const esm = `import { ${names.join(', ')} } from ${JSON.stringify(specifier)}; for (const f of [${names.join(', ')}]) if (typeof f !== 'function') process.exit(1);`;
    try {
      execFileSync(process.execPath, ['-e', cjs], { stdio: 'inherit', cwd: ROOT });
      execFileSync(process.execPath, ['--input-type=module', '-e', esm], { stdio: 'inherit', cwd: ROOT });
      console.log(`  ✓ require() and import { ${names.join(', ')} } from ${specifier}`);
    } catch {
      fail(`loading ${specifier} through its exports map failed`);
    }
  }
}
if (failures > 0) {
  console.error(`${failures} package check(s) failed`);
  process.exit(1);
}
