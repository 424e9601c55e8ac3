// The API reference (`npm run docs` → docs/api): one module per published package, one submodule per subpath of
// its exports map (`@wxopen/core/adapter`), each package's README as its page. Warnings are errors, so a broken
// {@link}, a public signature naming an unexported type, or an unreadable entry point fails the build.
import { PACKAGES } from './scripts/published.mjs';

/** @type {Partial<import('typedoc').TypeDocOptions>} */
export default {
  name: 'wxopen',
  entryPointStrategy: 'packages',
  entryPoints: PACKAGES.map((p) => `packages/${p.dir}`),
  readme: 'README.md',
  out: 'docs/api',
  plugin: ['./scripts/typedoc-entry-names.mjs'],
  includeVersion: false,
  excludePrivate: true,
  excludeInternal: true,
  validation: { notExported: true, invalidLink: true, rewrittenLink: true, notDocumented: false },
  logLevel: 'Warn',
  treatWarningsAsErrors: true,
  treatValidationWarningsAsErrors: true,
};
