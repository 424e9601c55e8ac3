import { blockModule, compileBlocks, countTsBlocks } from './markdown';

const doc = [
  '# Title', // 1
  '', // 2
  '```ts', // 3: not marked
  'ignored();', // 4
  '```', // 5
  '<!-- compile -->', // 6
  '```ts', // 7
  "import { AuthServer } from '@wxopen/core';", // 8
  'new AuthServer(options);', // 9
  '```', // 10
  '<!-- compile: esm run', // 11
  'declare const platform: { close(): Promise<void> };', // 12
  '-->', // 13
  '```typescript title="close"', // 14
  'await platform.close();', // 15
  '```', // 16
].join('\n');

describe('compile markers in Markdown', () => {
  test('only the ts blocks right after a marker are taken, with their flags (CommonJS and ESM by default)', () => {
    const blocks = compileBlocks(doc, 'doc.md');
    expect(blocks.map(({ line, modes, run, code, setup }) => ({ line, modes, run, code, setup }))).toEqual([
      { line: 8, modes: ['cjs', 'esm'], run: false, code: ["import { AuthServer } from '@wxopen/core';", 'new AuthServer(options);'], setup: [] },
      { line: 15, modes: ['esm'], run: true, code: ['await platform.close();'], setup: ['declare const platform: { close(): Promise<void> };'] },
    ]);
    expect(countTsBlocks(doc)).toBe(3);
  });

  test('a line of the compiled module maps back to its Markdown line, setup lines included', () => {
    const [plain, withSetup] = compileBlocks(doc, 'doc.md');
    if (plain === undefined || withSetup === undefined) throw new Error('two blocks expected');
    expect([1, 2].map(blockModule(plain).origin)).toEqual([8, 9]);
    expect([1, 2].map(blockModule(withSetup).origin)).toEqual([12, 15]);
  });

  test('a block that neither imports nor exports becomes a module of its own', () => {
    const [, withSetup] = compileBlocks(doc, 'doc.md');
    if (withSetup === undefined) throw new Error('two blocks expected');
    expect(blockModule(withSetup).text).toBe('declare const platform: { close(): Promise<void> };\nawait platform.close();\nexport {};\n');
  });

  test('a marker shown inside a code block is text, not a marker', () => {
    const shown = ['````md', '<!-- compile: nonsense -->', '```ts', 'not compiled;', '```', '````', '<!-- compile -->', '```ts', 'compiled;', '```'].join('\n');
    expect(compileBlocks(shown, 'doc.md').map((b) => b.code)).toEqual([['compiled;']]);
  });

  test.each([
    ['an unknown flag', '<!-- compile: cjs node -->\n```ts\nx;\n```', 'doc.md:1: unknown compile flag "node" (known: cjs, esm, run)'],
    ['a marker not followed by a ts fence', '<!-- compile -->\n\n```ts\nx;\n```', 'doc.md:1: a compile marker must be followed, on the next line, by a ```ts fence'],
    ['a marker before a shell block', '<!-- compile -->\n```sh\nnpm test\n```', 'doc.md:1: a compile marker must be followed, on the next line, by a ```ts fence'],
    ['a setup comment that is never closed', '<!-- compile: cjs\nlet a = 1;\n```ts\nx;\n```', 'doc.md:1: the compile marker\'s comment is never closed by a line "-->"'],
    ['a fence that is never closed', '<!-- compile -->\n```ts\nx;', 'doc.md:2: the ```ts fence is never closed'],
  ])('refuses %s, naming the line', (_name, markdown, message) => {
    expect(() => compileBlocks(markdown, 'doc.md')).toThrow(message);
  });
});
