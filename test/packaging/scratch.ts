/**
 * A scratch project outside the repository that installs the packed tarballs the way a user's project would,
 * compiles Markdown examples against them under strict TypeScript, and runs one.
 *
 * The install must work offline after `npm ci`: the scratch project gets a lockfile derived from the root's (the
 * same versions of express, @types/node, … that the repository is tested with), so `npm ci --offline` finds every
 * third-party tarball in the npm cache that the root `npm ci` filled. When the cache lacks one (a cleaned cache),
 * the same lockfile is installed online.
 */
import { execFile, fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import type { CompileBlock, ModuleMode } from './markdown';
import { blockModule } from './markdown';

const run = promisify(execFile);
export const ROOT = join(__dirname, '..', '..');

export interface Tarball {
  readonly name: string;
  readonly version: string;
  /** Absolute path. */
  readonly file: string;
}

/** `npm run pack:all` into `out`: builds, packs and checks every published package. */
export async function packAll(out: string): Promise<Tarball[]> {
  const { stdout } = await run(process.execPath, [join(ROOT, 'scripts', 'pack-all.mjs'), '--out', out, '--json'], { cwd: ROOT, maxBuffer: 16 << 20 });
  return JSON.parse(stdout.trim().split('\n').pop() ?? '[]') as Tarball[];
}

interface LockEntry {
  readonly version?: string;
  readonly link?: boolean;
  readonly dependencies?: Readonly<Record<string, string>>;
  readonly optionalDependencies?: Readonly<Record<string, string>>;
  readonly peerDependencies?: Readonly<Record<string, string>>;
  readonly peerDependenciesMeta?: Readonly<Record<string, { readonly optional?: boolean }>>;
  readonly optional?: boolean;
  readonly [field: string]: unknown;
}
interface Lockfile {
  readonly packages: Readonly<Record<string, LockEntry>>;
}

/** The lock path that `name` resolves to from the package at `from` (`''` is the root), as Node would walk up. */
function resolveIn(lock: Lockfile, from: string, name: string): string | undefined {
  let base = from;
  for (;;) {
    const candidate = base === '' ? `node_modules/${name}` : `${base}/node_modules/${name}`;
    if (lock.packages[candidate] !== undefined) return candidate;
    if (base === '') return undefined;
    const up = base.lastIndexOf('/node_modules/');
    base = up >= 0 ? base.slice(0, up) : '';
  }
}

/** The names a lock entry needs installed: its dependencies and its required peers. */
function needs(entry: LockEntry): { readonly name: string; readonly optional: boolean }[] {
  return [
    ...Object.keys(entry.dependencies ?? {}).map((name) => ({ name, optional: false })),
    ...Object.keys(entry.optionalDependencies ?? {}).map((name) => ({ name, optional: true })),
    ...Object.keys(entry.peerDependencies ?? {}).map((name) => ({ name, optional: entry.peerDependenciesMeta?.[name]?.optional === true })),
  ];
}

/** The package.json fields that npm records in a lockfile entry. */
const LOCKED_FIELDS = ['license', 'dependencies', 'optionalDependencies', 'peerDependencies', 'peerDependenciesMeta', 'bin', 'engines'] as const;

function packageJsonOf(tarball: string, dir: string): LockEntry & { readonly name: string } {
  return JSON.parse(readFileSync(join(dir, 'unpacked', basename(tarball), 'package', 'package.json'), 'utf8')) as LockEntry & { readonly name: string };
}

/**
 * package.json and package-lock.json of a project that depends on the tarballs (by `file:` path) and on `extra`
 * (third-party names, at the versions the root lockfile has), with every third-party package at the root
 * lockfile's version and place.
 */
export function scratchManifest(rootLock: Lockfile, dir: string, tarballs: readonly Tarball[], extra: readonly string[]) {
  const ours = new Map(tarballs.map((t) => [t.name, t]));
  const packages: Record<string, LockEntry> = {};
  const dependencies: Record<string, string> = {};
  // Third-party packages: lock path in the root lockfile → their place in the scratch lockfile.
  const queue: { readonly from: string; readonly at: string }[] = [];
  const place = (rootPath: string): string => rootPath.replace(/^packages\/[^/]+\/node_modules\//, 'node_modules/');

  const want = (from: string, name: string, optional: boolean, who: string): void => {
    if (ours.has(name)) return; // our packages are the tarballs, never the workspace links
    const found = resolveIn(rootLock, from, name);
    if (found === undefined) {
      if (optional) return;
      throw new Error(`${name}, needed by ${who}, is not in the root package-lock.json`);
    }
    const at = place(found);
    if (packages[at] !== undefined) return;
    const { dev: _dev, devOptional: _devOptional, peer: _peer, ...entry } = rootLock.packages[found] as LockEntry;
    packages[at] = entry;
    queue.push({ from: found, at });
  };

  for (const tarball of tarballs) {
    const spec = `file:${relative(dir, tarball.file)}`;
    dependencies[tarball.name] = spec;
    const pkg = packageJsonOf(tarball.file, dir);
    const integrity = `sha512-${createHash('sha512').update(readFileSync(tarball.file)).digest('base64')}`;
    const entry: Record<string, unknown> = { version: tarball.version, resolved: spec, integrity };
    for (const field of LOCKED_FIELDS) if (pkg[field] !== undefined) entry[field] = pkg[field];
    packages[`node_modules/${tarball.name}`] = entry;
    const workspace = `packages/${tarball.name.split('/')[1] ?? ''}`;
    for (const need of needs(pkg)) want(workspace, need.name, need.optional, tarball.name);
  }
  for (const name of extra) {
    want('', name, false, 'the scratch project');
    const entry = packages[`node_modules/${name}`];
    if (entry?.version !== undefined) dependencies[name] = entry.version;
  }
  for (let item = queue.shift(); item !== undefined; item = queue.shift()) {
    const entry = rootLock.packages[item.from] as LockEntry;
    for (const need of needs(entry)) want(item.from, need.name, need.optional || entry.optional === true, item.from);
  }

  const manifest = { name: 'wxopen-scratch', version: '0.0.0', private: true, dependencies };
  const lockfile = { name: manifest.name, version: manifest.version, lockfileVersion: 3, requires: true, packages: { '': { name: manifest.name, version: manifest.version, dependencies }, ...packages } };
  return { manifest, lockfile };
}

export interface Installed {
  /** How the third-party packages came: from the npm cache alone, or with the registry's help. */
  readonly source: 'offline' | 'online';
  readonly ms: number;
}

/** Installs the tarballs and `extra` into `dir` with `npm ci`: offline first, online when the cache lacks something. */
export async function installScratch(dir: string, tarballs: readonly Tarball[], extra: readonly string[]): Promise<Installed> {
  mkdirSync(dir, { recursive: true });
  for (const t of tarballs) {
    const unpacked = join(dir, 'unpacked', basename(t.file));
    mkdirSync(unpacked, { recursive: true });
    await run('tar', ['-xzf', t.file, '-C', unpacked]);
  }
  const rootLock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as Lockfile;
  const { manifest, lockfile } = scratchManifest(rootLock, dir, tarballs, extra);
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  writeFileSync(join(dir, 'package-lock.json'), `${JSON.stringify(lockfile, null, 2)}\n`);
  const started = Date.now();
  const ci = (...flags: string[]) => run('npm', ['ci', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error', ...flags], { cwd: dir, maxBuffer: 16 << 20 });
  try {
    await ci('--offline');
    return { source: 'offline', ms: Date.now() - started };
  } catch {
    await ci('--prefer-offline');
    return { source: 'online', ms: Date.now() - started };
  }
}

export interface Diagnostic {
  /** `README.md:12:5` for an example, or the path of a declaration file. */
  readonly where: string;
  readonly message: string;
}

export interface Compiled {
  readonly mode: ModuleMode;
  /** Errors in the examples or in our packages' declarations. */
  readonly errors: readonly Diagnostic[];
  /** Errors inside third-party declarations, not ours to fix (reported, not failed on). */
  readonly foreign: readonly Diagnostic[];
  /** Block → the compiled JavaScript file. */
  readonly outputs: ReadonlyMap<CompileBlock, string>;
}

const COMPILER_OPTIONS = {
  strict: true,
  noUncheckedIndexedAccess: true,
  target: 'ES2022',
  lib: ['ES2023'],
  types: ['node'],
  // Our declarations are checked too: an import they make that does not resolve is an error, not an `any`.
  skipLibCheck: false,
  rootDir: 'src',
  outDir: 'out',
};
const MODE_OPTIONS: Record<ModuleMode, object> = {
  // What `module: commonjs` projects have used for years: node10 resolution, which ignores exports maps.
  cjs: { module: 'CommonJS', esModuleInterop: true },
  esm: { module: 'NodeNext', moduleResolution: 'NodeNext' },
};

function moduleName(block: CompileBlock): string {
  return `${block.file.replace(/\.md$/i, '').replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '')}-L${block.line}`;
}

/**
 * Compiles `blocks` as one project in `dir/<name>` (`"type": "module"` for ESM) with the scratch node_modules.
 * `checkDeclarations: false` skips checking every declaration file (faster, for a project that only needs its
 * own errors).
 */
export async function compileBlocks(dir: string, name: string, mode: ModuleMode, blocks: readonly CompileBlock[], { checkDeclarations = true } = {}): Promise<Compiled> {
  const project = join(dir, name);
  mkdirSync(join(project, 'src'), { recursive: true });
  writeFileSync(join(project, 'package.json'), JSON.stringify({ type: mode === 'esm' ? 'module' : 'commonjs' }));
  const compilerOptions = { ...COMPILER_OPTIONS, ...MODE_OPTIONS[mode], skipLibCheck: !checkDeclarations };
  writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({ compilerOptions, include: ['src'] }, null, 2));
  const origins = new Map<string, (line: number) => number>();
  const markdownOf = new Map<string, string>();
  const outputs = new Map<CompileBlock, string>();
  for (const block of blocks) {
    const file = `${moduleName(block)}.ts`;
    const { text, origin } = blockModule(block);
    writeFileSync(join(project, 'src', file), text);
    origins.set(file, origin);
    markdownOf.set(file, block.file);
    outputs.set(block, join(project, 'out', file.replace(/\.ts$/, '.js')));
  }
  const tsc = require.resolve('typescript/bin/tsc');
  const output = await run(process.execPath, [tsc, '-p', project, '--pretty', 'false'], { cwd: project, maxBuffer: 16 << 20 }).then(
    (r) => r.stdout,
    (e: { stdout?: string }) => e.stdout ?? String(e),
  );
  const errors: Diagnostic[] = [];
  const foreign: Diagnostic[] = [];
  // `path(line,col): error TSxxxx: message`, continuation lines indented.
  for (const match of output.matchAll(/^(.+?)\((\d+),(\d+)\): (error TS\d+: .*(?:\n {2,}.*)*)/gm)) {
    const [, path = '', line = '0', column = '0', message = ''] = match;
    const file = basename(path);
    const origin = path.startsWith('src/') || path.includes('/src/') ? origins.get(file) : undefined;
    if (origin !== undefined) errors.push({ where: `${markdownOf.get(file)}:${origin(Number(line))}:${column}`, message });
    else if (path.includes('node_modules/@wxopen/')) errors.push({ where: `${path.slice(path.indexOf('node_modules/'))}:${line}:${column}`, message });
    else foreign.push({ where: `${path.slice(Math.max(0, path.indexOf('node_modules/')))}:${line}:${column}`, message });
  }
  if (errors.length === 0 && foreign.length === 0 && output.trim() !== '') errors.push({ where: project, message: output.trim() });
  return { mode, errors, foreign, outputs };
}

export interface Served {
  /** Output of each `wxopen-simulate` call. */
  readonly transcripts: readonly string[];
  /** What the example printed. */
  readonly output: string;
}

/**
 * Runs a compiled example with `env`, every `listen()` moved to a free loopback port, then plays WeChat against it
 * with the `wxopen-simulate` bin of the installed `@wxopen/testing`: a text message to the message URL of
 * `authorizer`, and a verify ticket to the authorization-event URL.
 */
export async function serveAndSimulate(dir: string, script: string, env: NodeJS.ProcessEnv, authorizer: string): Promise<Served> {
  let output = '';
  const waiting = new AbortController();
  const child: ChildProcess = fork(script, [], {
    cwd: join(script, '..', '..'),
    env,
    execArgv: ['--require', join(__dirname, 'listen-hook.cjs')],
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  try {
    const port = await Promise.race([
      once(child, 'message', { signal: waiting.signal }).then(([message]) => (message as { port: number }).port),
      once(child, 'exit', { signal: waiting.signal }).then(([code]) => Promise.reject(new Error(`the example exited (${String(code)}) before listening:\n${output}`))),
      sleep(20_000, undefined, { signal: waiting.signal }).then(() => Promise.reject(new Error(`the example did not listen within 20 s:\n${output}`))),
    ]).finally(() => waiting.abort());
    const bin = join(dir, 'node_modules', '.bin', 'wxopen-simulate');
    if (!existsSync(bin)) throw new Error('the installed @wxopen/testing has no wxopen-simulate bin');
    const base = `http://127.0.0.1:${port}/wechat`;
    const transcripts: string[] = [];
    for (const args of [['--appid', authorizer, 'text', 'hello'], ['ticket']]) {
      const { stdout, stderr } = await run(bin, ['--url', base, ...args], { env });
      transcripts.push(stdout + stderr);
    }
    return { transcripts, output };
  } finally {
    if (child.exitCode === null) {
      child.kill();
      await once(child, 'exit');
    }
  }
}
