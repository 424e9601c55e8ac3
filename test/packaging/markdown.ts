/**
 * The TypeScript blocks of a Markdown file that are marked to be compiled against the packed packages.
 *
 * A marker is an HTML comment (invisible on GitHub and npm) on the line right before a ```ts fence:
 *
 *     <!-- compile -->                  compile as CommonJS and as ESM
 *     <!-- compile: esm -->             only as ESM (top-level await); `cjs` for only CommonJS
 *     <!-- compile: cjs esm run -->     also run it: it must serve /wechat/auth and /wechat/callback/:appid
 *
 * A marker may carry setup lines, compiled before the block but not shown (what a snippet assumes):
 *
 *     <!-- compile: cjs esm
 *     import { AuthServer, reply } from '@wxopen/core';
 *     declare const platform: AuthServer;
 *     -->
 */

export type ModuleMode = 'cjs' | 'esm';

export interface CompileBlock {
  /** The Markdown file, as given. */
  readonly file: string;
  /** Line (1-based) of the block's first code line. */
  readonly line: number;
  /** Line (1-based) of the first setup line, when there are setup lines. */
  readonly setupLine: number;
  readonly setup: readonly string[];
  readonly code: readonly string[];
  readonly modes: readonly ModuleMode[];
  readonly run: boolean;
}

const MARKER = /^<!--\s*compile(?:\s*:\s*(.*?))?\s*$/;
const ONE_LINE_MARKER = /^<!--\s*compile(?:\s*:\s*(.*?))?\s*-->\s*$/;
const TS_FENCE = /^```(ts|typescript)\b/;
const FLAGS = new Set(['cjs', 'esm', 'run']);

/** Every marked block of `markdown`; a marker that is malformed or not followed by a ```ts fence is an error. */
export function compileBlocks(markdown: string, file: string): CompileBlock[] {
  const lines = markdown.split(/\r?\n/);
  const blocks: CompileBlock[] = [];
  let fence: string | undefined; // the fence of the code block we are in: a marker inside one is text
  for (let i = 0; i < lines.length; i++) {
    const text = lines[i] ?? '';
    const fenceMark = /^(`{3,}|~{3,})/.exec(text)?.[1];
    if (fence !== undefined) {
      if (fenceMark !== undefined && fenceMark[0] === fence[0] && fenceMark.length >= fence.length && text.trim() === fenceMark) fence = undefined;
      continue;
    }
    if (fenceMark !== undefined) {
      fence = fenceMark;
      continue;
    }
    const oneLine = ONE_LINE_MARKER.exec(text);
    const open = oneLine ?? MARKER.exec(text);
    if (open === null) continue;
    const where = `${file}:${i + 1}`;
    const flags = (open[1] ?? '').split(/\s+/).filter((flag) => flag !== '');
    for (const flag of flags) {
      if (!FLAGS.has(flag)) throw new Error(`${where}: unknown compile flag "${flag}" (known: cjs, esm, run)`);
    }
    const setup: string[] = [];
    let end = i;
    if (oneLine === null) {
      end = lines.findIndex((line, at) => at > i && /^\s*-->\s*$/.test(line));
      if (end < 0) throw new Error(`${where}: the compile marker's comment is never closed by a line "-->"`);
      setup.push(...lines.slice(i + 1, end));
    }
    const opening = lines[end + 1] ?? '';
    if (!TS_FENCE.test(opening)) throw new Error(`${where}: a compile marker must be followed, on the next line, by a \`\`\`ts fence`);
    const close = lines.findIndex((line, at) => at > end + 1 && /^```\s*$/.test(line));
    if (close < 0) throw new Error(`${file}:${end + 2}: the \`\`\`ts fence is never closed`);
    const modes = (['cjs', 'esm'] as const).filter((mode) => flags.includes(mode));
    blocks.push({
      file,
      line: end + 3,
      setupLine: i + 2,
      setup,
      code: lines.slice(end + 2, close),
      modes: modes.length === 0 ? ['cjs', 'esm'] : modes,
      run: flags.includes('run'),
    });
    i = close;
  }
  return blocks;
}

/** How many ```ts blocks `markdown` has, marked or not: to say how many are not compiled. */
export function countTsBlocks(markdown: string): number {
  return markdown.split(/\r?\n/).filter((line) => TS_FENCE.test(line)).length;
}

/**
 * The module compiled for a block: setup lines, then the code, then `export {}` when neither imports or exports
 * (each block is a module of its own, never a script sharing the global scope with the others). `origin(n)` maps a
 * line of the module back to the Markdown line it came from.
 */
export function blockModule(block: CompileBlock): { readonly text: string; origin(line: number): number } {
  const body = [...block.setup, ...block.code];
  const isModule = body.some((line) => /^\s*(import|export)\b/.test(line));
  return {
    text: [...body, ...(isModule ? [] : ['export {};'])].join('\n') + '\n',
    origin: (line) => (line <= block.setup.length ? block.setupLine + line - 1 : block.line + line - 1 - block.setup.length),
  };
}
