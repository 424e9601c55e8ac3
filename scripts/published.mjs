// The published packages and their entry points, read from the workspace: every `packages/*` whose
// package.json is not private, and every subpath of its exports map that has types. A new package or subpath is
// picked up by the API report, the docs, the package checks and `pack:all` without editing a list.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '..');

/** @typedef {{ dir: string, name: string, path: string, pkg: Record<string, any> }} Published */

/** @type {Published[]} */
export const PACKAGES = readdirSync(join(ROOT, 'packages'), { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(ROOT, 'packages', d.name, 'package.json')))
  .map((d) => {
    const path = join(ROOT, 'packages', d.name);
    const pkg = JSON.parse(readFileSync(join(path, 'package.json'), 'utf8'));
    return { dir: d.name, name: pkg.name, path, pkg };
  })
  .filter((p) => p.pkg.private !== true)
  .sort((a, b) => a.dir.localeCompare(b.dir));

/**
 * One entry point: `@wxopen/core` (report `core`), `@wxopen/core/adapter` (report `core-adapter`), …
 * `types` is relative to the package folder.
 * @typedef {{ dir: string, name: string, subpath: string, specifier: string, types: string, report: string }} EntryPoint
 */

/** @type {EntryPoint[]} */
export const ENTRY_POINTS = PACKAGES.flatMap(({ dir, name, pkg }) =>
  Object.entries(pkg.exports ?? {})
    .filter(([, target]) => typeof target === 'object' && target !== null && typeof target.types === 'string')
    .map(([subpath, target]) => {
      const tail = subpath === '.' ? '' : subpath.slice(2);
      const types = target.types.replace(/^\.\//, '');
      return {
        dir,
        name,
        subpath,
        specifier: tail === '' ? name : `${name}/${tail}`,
        types,
        report: tail === '' ? dir : `${dir}-${tail.replaceAll('/', '-')}`,
      };
    }),
);
