/**
 * The packages as a user gets them: `npm run pack:all`, the tarballs installed into a scratch project outside the
 * repository (with the third-party packages and `@types/*` a user adds), the marked TypeScript examples of every
 * README compiled against them under strict TypeScript as CommonJS and as ESM, and the Express example run and
 * played against with the installed `wxopen-simulate`.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { WechatSimulator, isRedisReachable, redisRequired, redisUrl } from '@wxopen/testing';
import type { CompileBlock } from './markdown';
import { compileBlocks as markedBlocks, countTsBlocks } from './markdown';
import type { Compiled, Installed, Tarball } from './scratch';
import { ROOT, compileBlocks, installScratch, packAll, serveAndSimulate } from './scratch';

jest.setTimeout(150_000);

// What a user adds beside our packages: the frameworks (our peers), their types, and what the examples import.
const USER_PACKAGES = ['express', 'koa', 'fastify', 'ioredis', '@types/node', '@types/express', '@types/koa', '@koa/router', 'hono'];
const FIXTURE = 'test/packaging/fixtures/examples.md';
const BROKEN = 'test/packaging/fixtures/broken.md';
const AUTHORIZER = 'wx1234567890abcdef';

const published = readdirSync(join(ROOT, 'packages'))
  .filter((dir) => existsSync(join(ROOT, 'packages', dir, 'package.json')))
  .map((dir) => JSON.parse(readFileSync(join(ROOT, 'packages', dir, 'package.json'), 'utf8')) as { name: string; private?: boolean })
  .filter((pkg) => pkg.private !== true)
  .map((pkg) => pkg.name)
  .sort();

const markdownFiles = ['README.md', ...published.map((name) => `packages/${name.split('/')[1]}/README.md`), FIXTURE];
const blocks: CompileBlock[] = markdownFiles.flatMap((file) => markedBlocks(readFileSync(join(ROOT, file), 'utf8'), file));

let dir: string;
let tarballs: Tarball[];
let installed: Installed;
let compiled: Record<'cjs' | 'esm' | 'broken', Compiled>;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'wxopen-packaging-'));
  const started = Date.now();
  tarballs = await packAll(join(dir, 'tarballs'));
  const packedMs = Date.now() - started;
  installed = await installScratch(dir, tarballs, USER_PACKAGES);
  const compiling = Date.now();
  const [cjs, esm, broken] = await Promise.all([
    compileBlocks(dir, 'cjs', 'cjs', blocks.filter((b) => b.modes.includes('cjs'))),
    compileBlocks(dir, 'esm', 'esm', blocks.filter((b) => b.modes.includes('esm'))),
    compileBlocks(dir, 'broken', 'cjs', markedBlocks(readFileSync(join(ROOT, BROKEN), 'utf8'), BROKEN), { checkDeclarations: false }),
  ]);
  compiled = { cjs, esm, broken };
  const compiledMs = Date.now() - compiling;
  const counts = markdownFiles.map((file) => {
    const text = readFileSync(join(ROOT, file), 'utf8');
    return `${file}: ${markedBlocks(text, file).length} of ${countTsBlocks(text)}`;
  });
  console.log(
    `packaging: ${tarballs.length} tarballs packed in ${(packedMs / 1000).toFixed(1)} s, installed ${installed.source} in ` +
      `${(installed.ms / 1000).toFixed(1)} s, examples compiled in ${(compiledMs / 1000).toFixed(1)} s; ` +
      `marked TypeScript blocks compiled: ${counts.join(', ')}` +
      [...cjs.foreign, ...esm.foreign].map((e) => `\n  ignored, inside a third-party declaration: ${e.where}: ${e.message}`).join(''),
  );
});

afterAll(() => {
  if (dir !== undefined && process.env['WXOPEN_KEEP_SCRATCH'] === undefined) rmSync(dir, { recursive: true, force: true });
});

async function removeKeys(pattern: string): Promise<void> {
  const redis = new Redis(redisUrl(), { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    await redis.quit();
  }
}

const show = (c: Compiled) => c.errors.map((e) => `${e.where} (${c.mode}): ${e.message}`);

describe('the packed packages in a project of their own', () => {
  test('pack:all packs every published package, and the scratch project installs them', () => {
    expect(tarballs.map((t) => t.name).sort()).toEqual(published);
    for (const name of published) expect(existsSync(join(dir, 'node_modules', ...name.split('/'), 'package.json'))).toBe(true);
  });

  test('the README examples and the fixture compile as CommonJS (module commonjs, node10 resolution) under strict TypeScript', () => {
    expect(blocks.filter((b) => b.file === FIXTURE && b.modes.includes('cjs'))).toHaveLength(2);
    expect(show(compiled.cjs)).toEqual([]);
  });

  test('the README examples and the fixture compile as ESM (module nodenext) under strict TypeScript', () => {
    expect(blocks.filter((b) => b.file === FIXTURE && b.modes.includes('esm'))).toHaveLength(3);
    expect(show(compiled.esm)).toEqual([]);
  });

  test('an example that imports what the packages do not export fails, and the error points at its Markdown line', () => {
    const errors = show(compiled.broken);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^test\/packaging\/fixtures\/broken\.md:7:\d+ \(cjs\): error TS2305: .*parseXmlStrict/);
  });

  test.each(['cjs', 'esm'] as const)('the Express example runs from the tarballs (%s) and answers what wxopen-simulate sends it', async (mode) => {
    const runnable = blocks.filter((b) => b.run && b.modes.includes(mode));
    expect(runnable.length).toBeGreaterThan(0);
    for (const block of runnable) {
      const script = compiled[mode].outputs.get(block);
      if (script === undefined) throw new Error(`${block.file}:${block.line} was not compiled as ${mode}`);
      // An example on Redis (the README's quick start) gets the tests' Redis, and leaves nothing in it.
      const needsRedis = [...block.setup, ...block.code].some((line) => line.includes('REDIS_URL'));
      if (needsRedis && !(await isRedisReachable())) {
        if (redisRequired()) throw new Error(`${block.file}:${block.line} needs Redis, and none answers at ${redisUrl()}`);
        console.warn(`not run: ${block.file}:${block.line} needs Redis, and none answers at ${redisUrl()}`);
        continue;
      }
      const secrets = WechatSimulator.generateSecrets();
      const env = {
        PATH: process.env['PATH'],
        REDIS_URL: redisUrl(),
        WECHAT_COMPONENT_APPID: secrets.appId,
        WECHAT_COMPONENT_SECRET: secrets.appSecret,
        WECHAT_TOKEN: secrets.token,
        WECHAT_AES_KEY: secrets.encodingAESKey,
      };
      try {
        const served = await serveAndSimulate(dir, script, env, AUTHORIZER);
        const [message, ticket] = served.transcripts;
        expect(message).toMatch(/^POST http:\/\/127\.0\.0\.1:\d+\/wechat\/callback\/\S+ \(text, encrypted XML\)\nHTTP 200\nreply \(encrypted, signature verified\):/);
        if (block.file === FIXTURE) expect(message).toContain('<Content><![CDATA[echo: hello]]></Content>');
        expect(ticket).toMatch(/\nHTTP 200\nsuccess/);
      } finally {
        // Every key the core writes for a component carries its appid as a hash tag: `{wx…}`.
        if (needsRedis) await removeKeys(`*{${secrets.appId}}*`);
      }
    }
  });
});
