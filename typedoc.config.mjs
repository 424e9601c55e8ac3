// The API reference (`npm run docs` → docs/api): one module per published package, one submodule per subpath of
// its exports map (`@wxopen/core/adapter`), each package's README as its page. Warnings are errors, so a broken
// {@link}, a public signature naming an unexported type, or an unreadable entry point fails the build.
import { readFileSync } from 'node:fs';
import { URL } from 'node:url';
import { PACKAGES } from './scripts/published.mjs';

// Source links come from the repository URL of the root package.json, not from the clone's git remote (a CI clone
// or a worktree may have none, which TypeDoc would warn about, and warnings are errors here).
const repository = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')).repository?.url ?? '';
const web = repository.replace(/^git\+/, '').replace(/\.git$/, '');

/** @type {Partial<import('typedoc').TypeDocOptions>} */
export default {
  name: 'wxopen',
  entryPointStrategy: 'packages',
  entryPoints: PACKAGES.map((p) => `packages/${p.dir}`),
  readme: 'README.md',
  out: 'docs/api',
  plugin: ['./scripts/typedoc-entry-names.mjs'],
  includeVersion: false,
  packageOptions: { disableGit: true, gitRevision: 'main', sourceLinkTemplate: `${web}/blob/{gitRevision}/{path}#L{line}` },
  excludePrivate: true,
  excludeInternal: true,
  validation: { notExported: true, invalidLink: true, rewrittenLink: true, notDocumented: false },
  logLevel: 'Warn',
  treatWarningsAsErrors: true,
  treatValidationWarningsAsErrors: true,
};
