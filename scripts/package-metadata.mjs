// What every published package shares, derived from one place: the root package.json (`repository`, `license`,
// `engines`) and the root LICENSE. The repository URL is written once, in the root `repository.url`; each
// package's `repository`, `homepage` and `bugs`, and the links of its README to the repository, follow it.
//
//   node scripts/package-metadata.mjs           write the packages' fields, LICENSE copies and README links
//   node scripts/package-metadata.mjs --check   list what is out of date, and fail (check:packages)
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { PACKAGES, ROOT } from './published.mjs';

/** `git+https://github.com/o/r.git` → `https://github.com/o/r`. */
export function webUrl(repositoryUrl) {
  return repositoryUrl.replace(/^git\+/, '').replace(/\.git$/, '');
}

/**
 * The fields a published package must have, in the order they are written. `files`: the build and the sources its
 * maps point at (so that "go to definition" and stack traces land in TypeScript), the bin shims of a package with
 * programs, never the build info.
 */
export function expectedFields(root, { dir, pkg }) {
  const web = webUrl(root.repository.url);
  const typesVersions = subpathTypes(pkg);
  return {
    license: root.license,
    repository: { type: 'git', url: root.repository.url, directory: `packages/${dir}` },
    homepage: `${web}/tree/main/packages/${dir}#readme`,
    bugs: { url: `${web}/issues` },
    engines: root.engines,
    // A package with command-line programs ships their (committed) bin shims too.
    files: pkg.bin === undefined ? ['dist', 'src', '!*.tsbuildinfo'] : ['dist', 'src', 'bin', '!*.tsbuildinfo'],
    ...(typesVersions === undefined ? {} : { typesVersions }),
  };
}

/**
 * TypeScript's `moduleResolution: node` (the default of `module: commonjs`) ignores exports maps: `typesVersions`
 * is how it finds the types of a subpath such as `@wxopen/core/adapter`.
 */
function subpathTypes(pkg) {
  const entries = Object.entries(pkg.exports ?? {}).filter(([key, target]) => key !== '.' && typeof target?.types === 'string');
  if (entries.length === 0) return undefined;
  return { '*': Object.fromEntries(entries.map(([key, target]) => [key.slice(2), [target.types]])) };
}

const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

// Where a field goes when the package.json does not have it yet: after the field named here.
const PLACE_AFTER = { license: 'description', repository: 'license', homepage: 'repository', bugs: 'homepage', typesVersions: 'exports', files: 'typesVersions', engines: 'files' };

/** `pkg` with the expected fields set, each new one placed beside its neighbours; the rest keeps its order. */
function withFields(pkg, expected) {
  const entries = Object.entries(pkg).filter(([key]) => key !== 'typesVersions' || expected.typesVersions !== undefined);
  for (const [field, value] of Object.entries(expected)) {
    const at = entries.findIndex(([key]) => key === field);
    if (at >= 0) {
      entries[at] = [field, value];
      continue;
    }
    const after = entries.findIndex(([key]) => key === PLACE_AFTER[field]);
    entries.splice(after >= 0 ? after + 1 : entries.length, 0, [field, value]);
  }
  return Object.fromEntries(entries);
}

/**
 * Brings one package up to date (or, with `write: false`, only says what is out of date): `stale` is what the
 * script writes, `problems` what a person must fix.
 */
export function syncPackage(root, rootLicense, published, { write }) {
  const { dir, path } = published;
  const pkgPath = join(path, 'package.json');
  const pkg = JSON.parse(readFileSync(pkgPath, 'utf8'));
  const stale = [];
  const problems = [];

  // The README's links follow the repository URL: those that start with the package's current one move with it.
  const readmePath = join(path, 'README.md');
  const newWeb = webUrl(root.repository.url);
  if (existsSync(readmePath)) {
    const readme = readFileSync(readmePath, 'utf8');
    let updated = readme;
    const oldWeb = pkg.repository?.url === undefined ? undefined : webUrl(pkg.repository.url);
    if (oldWeb !== undefined && oldWeb !== newWeb) updated = updated.replaceAll(`${oldWeb}/`, `${newWeb}/`).replaceAll(`${oldWeb}#`, `${newWeb}#`).replaceAll(`${oldWeb})`, `${newWeb})`);
    // npm shows the README without the rest of the repository: a relative link out of the package is dead there.
    if (/\]\((\.\.\/)+[^)]*\)/.test(updated)) problems.push('README.md links out of the package by a relative path: link to the repository by URL');
    if (updated !== readme) {
      stale.push(`README.md links to ${oldWeb}`);
      if (write) writeFileSync(readmePath, updated);
    }
  } else {
    problems.push('README.md is missing');
  }

  const expected = expectedFields(root, { dir, pkg });
  let changed = false;
  for (const [field, value] of Object.entries(expected)) {
    if (!same(pkg[field], value)) {
      stale.push(`package.json "${field}" is ${JSON.stringify(pkg[field])}, expected ${JSON.stringify(value)}`);
      changed = true;
    }
  }
  if (pkg.typesVersions !== undefined && expected.typesVersions === undefined) {
    stale.push('package.json "typesVersions" is set but the package has no subpath with types');
    changed = true;
  }
  if (changed && write) writeFileSync(pkgPath, `${JSON.stringify(withFields(pkg, expected), null, 2)}\n`);

  const licensePath = join(path, 'LICENSE');
  if (!existsSync(licensePath) || readFileSync(licensePath, 'utf8') !== rootLicense) {
    stale.push('LICENSE differs from the root LICENSE');
    if (write) writeFileSync(licensePath, rootLicense);
  }
  return { stale, problems };
}

/** Every published package: what was (or, with `write: false`, is) out of date, and what must be fixed by hand. */
export function syncAll({ write }) {
  const root = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  const rootLicense = readFileSync(join(ROOT, 'LICENSE'), 'utf8');
  return PACKAGES.map((p) => ({ name: p.name, ...syncPackage(root, rootLicense, p, { write }) }));
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({ options: { check: { type: 'boolean', default: false } } });
  const results = syncAll({ write: !values.check });
  const stale = results.flatMap(({ name, stale }) => stale.map((line) => `${name}: ${line}`));
  const problems = results.flatMap(({ name, problems }) => problems.map((line) => `${name}: ${line}`));
  for (const line of stale) console.log(`${values.check ? '✗' : '✎'} ${line}`);
  for (const line of problems) console.log(`✗ ${line}`);
  if (values.check && stale.length > 0) console.error('\nPackage metadata is out of date: run `npm run sync:metadata` and commit the result.');
  if ((values.check && stale.length > 0) || problems.length > 0) process.exit(1);
  if (stale.length === 0) console.log('✓ package metadata, LICENSE copies and README links follow the root package.json and LICENSE');
}
