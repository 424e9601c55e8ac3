// Checks packed tarballs (`npm pack` output) for what makes an installed package fail or mislead:
//   - a file that package.json names (main, types, exports, typesVersions, bin) or that a module imports is missing;
//   - a module imports a package that is neither a dependency, a peer dependency nor a Node built-in;
//   - a dependency on a sibling package does not accept the sibling's version, or points at a file or workspace;
//   - a source map names a source that is not in the tarball, or a module names a map that is not;
//   - build info (`*.tsbuildinfo`) is shipped; the README or LICENSE is missing, or the LICENSE is not the root's.
//
//   node scripts/verify-tarballs.mjs <tarball.tgz>...   prints every problem and fails if there is one
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, posix, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import semver from 'semver';
import { ROOT } from './published.mjs';

const BUILTINS = new Set(builtinModules);

function listFiles(dir, base = dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? listFiles(path, base) : [relative(base, path).split('\\').join('/')];
  });
}

/** `@scope/name/sub` → `@scope/name`; `name/sub` → `name`. */
function packageName(specifier) {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** The module specifiers a built file names: require/import in JavaScript, import/export/reference in declarations. */
export function specifiersOf(text, isDeclaration) {
  const found = new Set();
  const patterns = isDeclaration
    ? [/\bfrom\s+['"]([^'"]+)['"]/g, /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g, /\bimport\s+['"]([^'"]+)['"]/g, /\brequire\s*\(\s*['"]([^'"]+)['"]\s*\)/g, /\/\/\/\s*<reference\s+types=['"]([^'"]+)['"]/g]
    : [/\brequire\s*\(\s*['"]([^'"]+)['"]\s*\)/g, /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g, /\bfrom\s+['"]([^'"]+)['"]/g];
  // Comments may quote code (`require('x')` in a JSDoc example): drop them first. Block comments cannot hold a
  // module specifier that matters, and line comments start at `//` outside a string in the emitted code.
  const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/(?!\/\s*<reference).*$/gm, '');
  for (const pattern of patterns) for (const match of code.matchAll(pattern)) found.add(match[1]);
  return [...found];
}

const RESOLVE_SUFFIXES = ['', '.js', '.cjs', '.mjs', '.json', '.d.ts', '/index.js', '/index.d.ts'];

/** Every string an exports map can lead to, with the path of conditions that leads there. */
function exportTargets(exports, path = []) {
  if (typeof exports === 'string') return [{ path, target: exports }];
  if (exports === null || typeof exports !== 'object') return [];
  return Object.entries(exports).flatMap(([key, value]) => exportTargets(value, [...path, key]));
}

/** Condition objects whose `types` is not first (TypeScript takes the first condition that matches). */
function typesNotFirst(exports, at = 'exports') {
  if (exports === null || typeof exports !== 'object') return [];
  const keys = Object.keys(exports);
  const here = keys.includes('types') && keys[0] !== 'types' ? [at] : [];
  return [...here, ...keys.flatMap((key) => typesNotFirst(exports[key], `${at}["${key}"]`))];
}

/**
 * The problems of one unpacked package (`dir` holds its package.json).
 * `context.license`: the text every LICENSE must have; `context.versions`: name → version of the sibling packages.
 */
export function verifyUnpacked(dir, context) {
  const problems = [];
  const files = new Set(listFiles(dir));
  const has = (path) => files.has(posix.normalize(path.replace(/^\.\//, '')));
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));

  if (!has('README.md')) problems.push('no README.md');
  if (!has('LICENSE')) problems.push('no LICENSE');
  else if (context.license !== undefined && readFileSync(join(dir, 'LICENSE'), 'utf8') !== context.license) problems.push('LICENSE is not the root LICENSE');
  for (const file of files) if (file.endsWith('.tsbuildinfo')) problems.push(`ships build info ${file}`);

  // What package.json points at.
  const named = [
    ['main', pkg.main],
    ['types', pkg.types],
    ...exportTargets(pkg.exports).map(({ path, target }) => [`exports${path.map((p) => `["${p}"]`).join('')}`, target]),
    ...Object.entries(typeof pkg.bin === 'string' ? { [pkg.name]: pkg.bin } : (pkg.bin ?? {})).map(([name, target]) => [`bin["${name}"]`, target]),
    ...Object.values(pkg.typesVersions ?? {}).flatMap((map) => Object.entries(map).flatMap(([key, targets]) => targets.map((t) => [`typesVersions["${key}"]`, t]))),
  ];
  for (const [field, target] of named) {
    if (target === undefined || target.includes('*')) continue;
    if (!has(target)) problems.push(`package.json ${field} names ${target}, which is not in the tarball`);
  }
  for (const at of typesNotFirst(pkg.exports)) problems.push(`package.json ${at}: "types" must be the first condition`);

  // Dependencies.
  const declared = new Set([...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.peerDependencies ?? {}), ...Object.keys(pkg.optionalDependencies ?? {})]);
  for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies']) {
    for (const [name, range] of Object.entries(pkg[field] ?? {})) {
      if (/^(file|link|workspace|portal):/.test(range)) problems.push(`${field}["${name}"] is ${range}: it cannot be installed from a registry`);
      const sibling = context.versions?.[name];
      if (sibling !== undefined && !semver.satisfies(sibling, range)) problems.push(`${field}["${name}"] is ${range}, which does not accept ${name}@${sibling} packed beside it`);
    }
  }

  for (const file of files) {
    const isDeclaration = /\.d\.[cm]?ts$/.test(file);
    const isModule = !isDeclaration && /\.[cm]?js$/.test(file);

    // Source maps: every source must be shipped, every mapped module must ship its map.
    if (file.endsWith('.map')) {
      const map = JSON.parse(readFileSync(join(dir, file), 'utf8'));
      for (const source of map.sources ?? []) {
        const path = posix.join(posix.dirname(file), map.sourceRoot ?? '', source);
        if (map.sourcesContent === undefined && !has(path)) problems.push(`${file} maps to ${path}, which is not in the tarball`);
      }
    }
    if (!isDeclaration && !isModule) continue;
    const text = readFileSync(join(dir, file), 'utf8');
    const mapUrl = /\/\/# sourceMappingURL=(\S+)\s*$/.exec(text)?.[1];
    if (mapUrl !== undefined && !mapUrl.startsWith('data:') && !has(posix.join(posix.dirname(file), mapUrl))) problems.push(`${file} names the source map ${mapUrl}, which is not in the tarball`);

    // Imports: relative ones must be shipped, bare ones declared.
    for (const specifier of specifiersOf(text, isDeclaration)) {
      if (specifier.startsWith('.')) {
        const base = posix.join(posix.dirname(file), specifier);
        const candidates = isDeclaration ? [base.replace(/\.js$/, '.d.ts'), ...RESOLVE_SUFFIXES.map((s) => base + s)] : RESOLVE_SUFFIXES.map((s) => base + s);
        if (!candidates.some(has)) problems.push(`${file} imports ${specifier}, which is not in the tarball`);
        continue;
      }
      if (specifier.startsWith('node:') || BUILTINS.has(specifier) || BUILTINS.has(packageName(specifier))) continue;
      const name = packageName(specifier);
      if (name === pkg.name || declared.has(name)) continue;
      problems.push(`${file} imports ${specifier}, but ${name} is neither a dependency nor a peer dependency`);
    }
  }
  return problems;
}

/** Unpacks `tarball` into a temporary folder and checks it. */
export function verifyTarball(tarball, context) {
  const scratch = mkdtempSync(join(tmpdir(), 'wxopen-verify-'));
  try {
    execFileSync('tar', ['-xzf', resolve(tarball), '-C', scratch]);
    return verifyUnpacked(join(scratch, 'package'), context);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** name → version of the package in each tarball, from its package.json. */
export function versionsOf(tarballs) {
  return Object.fromEntries(
    tarballs.map((tarball) => {
      const pkg = JSON.parse(execFileSync('tar', ['-xzOf', resolve(tarball), 'package/package.json'], { encoding: 'utf8' }));
      return [pkg.name, pkg.version];
    }),
  );
}

/** Checks a set of tarballs packed together; returns `{ tarball, problems }` for each. */
export function verifyTarballs(tarballs, { license = readFileSync(join(ROOT, 'LICENSE'), 'utf8') } = {}) {
  const versions = versionsOf(tarballs);
  return tarballs.map((tarball) => ({ tarball, problems: verifyTarball(tarball, { license, versions }) }));
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const tarballs = process.argv.slice(2);
  if (tarballs.length === 0 || tarballs.some((t) => !existsSync(t) || !statSync(t).isFile())) {
    console.error('usage: node scripts/verify-tarballs.mjs <tarball.tgz>...');
    process.exit(2);
  }
  let count = 0;
  for (const { tarball, problems } of verifyTarballs(tarballs)) {
    for (const problem of problems) console.error(`✗ ${relative(process.cwd(), tarball) || dirname(tarball)}: ${problem}`);
    if (problems.length === 0) console.log(`✓ ${relative(process.cwd(), tarball)}`);
    count += problems.length;
  }
  if (count > 0) process.exit(1);
}
