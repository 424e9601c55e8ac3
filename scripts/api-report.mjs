// The API report of every published entry point, written by API Extractor from the built declarations
// (`packages/<name>/dist/*.d.ts`, what the tarballs ship) to `packages/<name>/api/<report>.api.md`. The reports
// are committed, so a change of public surface is a diff to review.
//
//   node scripts/api-report.mjs           rewrite the reports from the current build (`npm run api:report`)
//   node scripts/api-report.mjs --check   fail when a report differs from the current build (`check:packages`)
//   --reports <dir>                       read and write <dir>/<package folder>/<report>.api.md instead
//
// Both read `dist`: build first (`npm run build`).
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { CompilerState, Extractor, ExtractorConfig, ExtractorLogLevel, ExtractorMessageCategory } from '@microsoft/api-extractor';
import ts from 'typescript';
import { ENTRY_POINTS, ROOT } from './published.mjs';

const { values } = parseArgs({ options: { check: { type: 'boolean', default: false }, reports: { type: 'string' } } });
const check = values.check;

// A message about the surface is an error: a public signature must only name types that a user can import.
// Undocumented members and TSDoc style are not what this report is for (TypeDoc checks the comments).
const messages = {
  compilerMessageReporting: { default: { logLevel: 'error' } },
  extractorMessageReporting: {
    default: { logLevel: 'error' },
    'ae-missing-release-tag': { logLevel: 'none' },
    'ae-internal-missing-underscore': { logLevel: 'none' },
    'ae-undocumented': { logLevel: 'none' },
  },
  tsdocMessageReporting: { default: { logLevel: 'none' } },
};
// Errors inside third-party declarations (@types/koa against koa 3's own content-disposition types, say) are not
// this report's business; the install test (test/packaging) compiles the published declarations without
// skipLibCheck.
const compilerOptions = { module: 'node16', moduleResolution: 'node16', target: 'es2022', lib: ['es2023'], types: ['node'], strict: true, skipLibCheck: true };

/** The names an entry point's declarations export. */
function exportedNames(dtsPath) {
  const program = ts.createProgram([dtsPath], { ...compilerOptions, module: ts.ModuleKind.Node16, moduleResolution: ts.ModuleResolutionKind.Node16, target: ts.ScriptTarget.ES2022, lib: ['lib.es2023.d.ts'] });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(dtsPath);
  const module = source && checker.getSymbolAtLocation(source);
  return new Set(module ? checker.getExportsOfModule(module).map((s) => s.name) : []);
}

function configFor(entry, tempFolder) {
  const projectFolder = join(ROOT, 'packages', entry.dir);
  return ExtractorConfig.prepare({
    configObject: {
      projectFolder,
      mainEntryPointFilePath: join(projectFolder, entry.types),
      compiler: { overrideTsconfig: { compilerOptions, files: [join(projectFolder, entry.types)] } },
      apiReport: {
        enabled: true,
        reportFileName: entry.report,
        reportFolder: values.reports === undefined ? join(projectFolder, 'api') : join(resolve(values.reports), entry.dir),
        reportTempFolder: join(tempFolder, entry.dir),
      },
      docModel: { enabled: false },
      dtsRollup: { enabled: false },
      tsdocMetadata: { enabled: false },
      messages,
    },
    configObjectFullPath: undefined,
    packageJsonFullPath: join(projectFolder, 'package.json'),
  });
}

const tempFolder = mkdtempSync(join(tmpdir(), 'wxopen-api-report-'));
const changed = [];
let failed = 0;
try {
  const configs = ENTRY_POINTS.map((entry) => ({ entry, config: configFor(entry, tempFolder) }));
  // One TypeScript program for every entry point, instead of one per invocation.
  const compilerState = CompilerState.create(configs[0].config, {
    additionalEntryPoints: configs.map(({ config }) => config.mainEntryPointFilePath),
  });
  for (const { entry, config } of configs) {
    const report = relative(process.cwd(), join(config.reportFolder, `${entry.report}.api.md`));
    if (!existsSync(join(config.reportFolder, `${entry.report}.api.md`))) {
      if (check) {
        changed.push(report);
        console.log(`✗ ${entry.specifier} has no report yet (${report})`);
        continue;
      }
      mkdirSync(config.reportFolder, { recursive: true });
    }
    // A subpath (`@wxopen/core/adapter`) may name types that its package's main entry point exports.
    const mainExports =
      entry.subpath === '.' ? new Set() : exportedNames(join(ROOT, 'packages', entry.dir, ENTRY_POINTS.find((e) => e.dir === entry.dir && e.subpath === '.').types));
    const result = Extractor.invoke(config, {
      localBuild: !check,
      compilerState,
      messageCallback(message) {
        const forgotten = message.messageId === 'ae-forgotten-export' && /The symbol "([^"]+)"/.exec(message.text);
        // API Extractor's own lines (its version, "report updated", "please copy the file") are replaced by
        // the summary below; its real errors still show.
        const quiet = (message.category === ExtractorMessageCategory.Console && message.logLevel !== ExtractorLogLevel.Error) || (forgotten && mainExports.has(forgotten[1]));
        if (quiet) {
          message.logLevel = ExtractorLogLevel.None;
          message.handled = true;
        }
      },
    });
    if (result.errorCount > 0) {
      failed++;
      console.error(`✗ ${entry.specifier}: ${result.errorCount} error(s) (above)`);
    } else if (result.apiReportChanged) {
      changed.push(report);
      console.log(check ? `✗ ${entry.specifier}: the public surface differs from ${report}` : `✎ ${report} updated`);
    } else {
      console.log(`✓ ${entry.specifier} matches ${report}`);
    }
  }
} finally {
  rmSync(tempFolder, { recursive: true, force: true });
}

if (failed > 0) process.exit(1);
if (check && changed.length > 0) {
  console.error(
    '\nThe public API changed and its report was not updated. If the change is intended, run `npm run api:report` ' +
      `and commit ${changed.join(', ')}: the diff of ${changed.length === 1 ? 'that file' : 'those files'} is the API change to review.`,
  );
  process.exit(1);
}
