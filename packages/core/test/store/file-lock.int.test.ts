/**
 * One state file, several real processes: the second process that opens a `FileStore` on a file is refused at
 * construction, naming the holder, while the first keeps writing a valid file; a holder killed with SIGKILL
 * leaves a lock the next process takes over. Children run the BUILT core (`npx tsc -b` first).
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileStore } from '@wxopen/core';

const CHILD = join(__dirname, 'file-lock-child.mjs');
const BUILT = join(__dirname, '../../dist/store/file.js');

interface Running {
  readonly child: ChildProcess;
  /** Everything printed so far. */
  output(): string;
  /** Resolves with the first line starting with `prefix` (rejects if the child exits first). */
  line(prefix: string): Promise<string>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const running: Running[] = [];

function start(path: string, name: string): Running {
  const child = spawn(process.execPath, [CHILD, path, name], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  const waiters = new Set<() => void>();
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
    for (const wake of waiters) wake();
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => {
      resolve({ code, signal });
      for (const wake of waiters) wake();
    }),
  );
  const line = (prefix: string) =>
    new Promise<string>((resolve, reject) => {
      const check = () => {
        const found = out.split('\n').find((l) => l.startsWith(prefix));
        if (found !== undefined) {
          waiters.delete(check);
          resolve(found);
        } else if (child.exitCode !== null || child.signalCode !== null) {
          waiters.delete(check);
          reject(new Error(`child exited before printing "${prefix}":\n${out}`));
        }
      };
      waiters.add(check);
      check();
    });
  const handle = { child, output: () => out, line, exited };
  running.push(handle);
  return handle;
}

/** Ends a child gracefully (stdin closed: it closes its store and exits 0). */
async function stop(handle: Running): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  handle.child.stdin?.end();
  return handle.exited;
}

const readState = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as { version: number; entries: Record<string, { v: string }> };

describe('FileStore across processes', () => {
  let dir: string;
  beforeAll(() => {
    if (!existsSync(BUILT)) throw new Error(`${BUILT} is missing: build the core first (npx tsc -b)`);
    dir = mkdtempSync(join(tmpdir(), 'wxopen-filelock-int-'));
  });
  afterEach(async () => {
    for (const handle of running.splice(0)) {
      if (handle.child.exitCode === null && handle.child.signalCode === null) handle.child.kill('SIGKILL');
      await handle.exited;
    }
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  // Without the lock both processes would write, each overwriting the other's changes through the shared
  // `<path>.tmp` (readers then saw invalid JSON in 35–50 % of reads).
  test('a second process on the same file is refused at construction, naming the holder’s pid and the fix, and the first keeps a valid file', async () => {
    const path = join(dir, 'two-writers.json');
    const first = start(path, 'first');
    const firstPid = Number((await first.line('ready ')).split(' ')[1]);
    await first.line('set first:3');

    const second = start(path, 'second');
    const refused = await second.line('refused ');
    expect(await second.exited).toEqual({ code: 3, signal: null });
    expect(refused).toContain(`process ${firstPid} on`);
    expect(refused).toContain(path);
    expect(refused).toMatch(/RedisStore/);

    await first.line('set first:10');
    expect(await stop(first)).toEqual({ code: 0, signal: null });
    const state = readState(path);
    expect(Object.keys(state.entries).filter((key) => key.startsWith('second:'))).toEqual([]);
    expect(state.entries['first:10']).toEqual({ v: 'value 10' });
    expect(existsSync(`${path}.lock`)).toBe(false); // a clean close gives the file back
  });

  test('this process holding the file refuses a child, and the child opens it once this process closed its store', async () => {
    const path = join(dir, 'parent-child.json');
    const mine = new FileStore({ path });
    await mine.set('parent', 'yes');
    const refusedChild = start(path, 'child');
    expect(await refusedChild.line('refused ')).toContain(`process ${process.pid} on`);
    await mine.close();

    const child = start(path, 'child');
    const childPid = Number((await child.line('ready ')).split(' ')[1]);
    await child.line('set child:0');
    let error: unknown;
    try {
      new FileStore({ path });
    } catch (caught) {
      error = caught;
    }
    expect(String(error)).toContain(`process ${childPid} on`);
    await stop(child);
    const state = readState(path);
    expect(state.entries['parent']).toEqual({ v: 'yes' });
    expect(state.entries['child:0']).toEqual({ v: 'value 0' });
  });

  test('a holder killed with SIGKILL leaves its lock, which the next process takes over, and the file is intact', async () => {
    const path = join(dir, 'killed.json');
    const first = start(path, 'first');
    const firstPid = Number((await first.line('ready ')).split(' ')[1]);
    await first.line('set first:5');
    first.child.kill('SIGKILL');
    await first.exited;
    expect(JSON.parse(readFileSync(`${path}.lock`, 'utf8'))).toMatchObject({ pid: firstPid });

    const next = start(path, 'next');
    const nextPid = Number((await next.line('ready ')).split(' ')[1]);
    expect(JSON.parse(readFileSync(`${path}.lock`, 'utf8'))).toMatchObject({ pid: nextPid });
    await next.line('set next:2');
    await stop(next);
    const state = readState(path);
    expect(state.entries['first:5']).toEqual({ v: 'value 5' });
    expect(state.entries['next:2']).toEqual({ v: 'value 2' });
  });
});
