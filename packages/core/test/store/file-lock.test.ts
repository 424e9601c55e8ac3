/**
 * The lock of `FileStore` within one process, and with hand-made lock files that stand for other processes:
 * a second store on the same file is refused, stale locks are taken over, and every write has a temporary
 * file of its own. The several-process cases are in `file-lock.int.test.ts`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import type * as FsPromises from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { FileStore } from '@wxopen/core';
import { LOCK_REFRESH_MS, LOCK_STALE_MS } from '../../src/store/file-lock';

const fsPromises: typeof FsPromises = jest.requireActual('node:fs/promises');

let dir: string;
let counter = 0;
const freshPath = () => join(dir, `state-${++counter}`, 'state.json');

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'wxopen-filelock-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => jest.restoreAllMocks());

/** A pid that no process has any more: that of a child that ran and exited. */
function deadPid(): number {
  const pid = spawnSync(process.execPath, ['-e', '']).pid;
  if (pid === undefined) throw new Error('could not start a child');
  return pid;
}

function writeLock(path: string, holder: Record<string, unknown> | string, ageMs = 0): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(`${path}.lock`, typeof holder === 'string' ? holder : JSON.stringify(holder));
  if (ageMs > 0) {
    const then = new Date(Date.now() - ageMs);
    utimesSync(`${path}.lock`, then, then);
  }
}

const lockOf = (path: string) => JSON.parse(readFileSync(`${path}.lock`, 'utf8')) as { pid: number; host: string; id: string; since: number };

function refusal(open: () => unknown): Error {
  try {
    open();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the FileStore to refuse');
}

describe('FileStore: one holder per state file', () => {
  it('takes <path>.lock with its pid, host, a random id and its start time, and removes it on close', async () => {
    const path = freshPath();
    const store = new FileStore({ path });
    expect(lockOf(path)).toEqual({ pid: process.pid, host: hostname(), id: expect.stringMatching(/^[0-9a-f]{16}$/), since: expect.any(Number) });
    await store.close();
    expect(existsSync(`${path}.lock`)).toBe(false);
    await store.close(); // twice is fine
  });

  it('refuses a second FileStore on the same file in this process, naming this process and the fix', async () => {
    const path = freshPath();
    const first = new FileStore({ path });
    const error = refusal(() => new FileStore({ path }));
    expect(error.message).toContain(`this process (${process.pid}) already has it open`);
    expect(error.message).toContain(path);
    expect(error.message).toMatch(/RedisStore/);
    expect(lockOf(path).pid).toBe(process.pid); // the refusal left the holder's lock alone
    await first.set('k', 'v');
    await first.close();
    const second = new FileStore({ path });
    expect(await second.get('k')).toBe('v');
    await second.close();
  });

  it('refuses a lock held by a live process of this host, naming its pid', () => {
    const path = freshPath();
    writeLock(path, { pid: process.ppid, host: hostname(), id: 'parent', since: 0 });
    const error = refusal(() => new FileStore({ path }));
    expect(error.message).toContain(`process ${process.ppid} on ${hostname()} holds it`);
    expect(error.message).toContain(`${path}.lock`);
  });

  it('takes over a lock whose process is gone', async () => {
    const path = freshPath();
    writeLock(path, { pid: deadPid(), host: hostname(), id: 'dead', since: 0 });
    const store = new FileStore({ path });
    expect(lockOf(path)).toMatchObject({ pid: process.pid });
    await store.close();
  });

  it('takes over a lock with this pid that no FileStore of this process holds (a former incarnation, as PID 1 in a container)', async () => {
    const path = freshPath();
    writeLock(path, { pid: process.pid, host: hostname(), id: 'former-incarnation', since: 0 });
    const store = new FileStore({ path });
    expect(lockOf(path).id).not.toBe('former-incarnation');
    await store.close();
  });

  it('refuses a fresh lock from another host, and takes it over once it has not been refreshed for LOCK_STALE_MS', async () => {
    const path = freshPath();
    writeLock(path, { pid: 1, host: 'another-container', id: 'x', since: 0 });
    expect(refusal(() => new FileStore({ path })).message).toContain('process 1 on another-container holds it');
    writeLock(path, { pid: 1, host: 'another-container', id: 'x', since: 0 }, LOCK_STALE_MS + 5_000);
    const store = new FileStore({ path });
    expect(lockOf(path).host).toBe(hostname());
    await store.close();
  });

  it('leaves an unreadable lock alone while it may be being written, and takes it over after that', async () => {
    const path = freshPath();
    writeLock(path, '');
    expect(refusal(() => new FileStore({ path })).message).toContain('taking its lock');
    writeLock(path, '{"pid":', 10_000);
    const store = new FileStore({ path });
    expect(lockOf(path).pid).toBe(process.pid);
    await store.close();
  });

  it('refreshes its lock file every LOCK_REFRESH_MS while open', async () => {
    const path = freshPath();
    const utimes = jest.spyOn(fsPromises, 'utimes');
    jest.useFakeTimers();
    try {
      const store = new FileStore({ path });
      jest.advanceTimersByTime(LOCK_REFRESH_MS * 2);
      expect(utimes.mock.calls.map((call) => call[0])).toEqual([`${path}.lock`, `${path}.lock`]);
      jest.useRealTimers();
      await store.close();
    } finally {
      jest.useRealTimers();
    }
  });

  it('releases the lock when it refuses a corrupt file, so the same refusal (not a lock error) comes again', () => {
    const path = freshPath();
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, 'not json');
    expect(refusal(() => new FileStore({ path })).message).toMatch(/corrupt/);
    expect(existsSync(`${path}.lock`)).toBe(false);
    expect(refusal(() => new FileStore({ path })).message).toMatch(/corrupt/);
  });

  it('rejects a change that must reach the file after close, keeping it in memory', async () => {
    const path = freshPath();
    const store = new FileStore({ path });
    await store.close();
    await expect(store.set('k', 'v')).rejects.toThrow(/is closed/);
    expect(await store.get('k')).toBe('v');
    await store.set('mark', '1', 1_000); // short-lived: memory only, as before
    expect(existsSync(path)).toBe(false);
  });
});

describe('FileStore: temporary files', () => {
  it('gives every write a temporary file of its own', async () => {
    const path = freshPath();
    const store = new FileStore({ path });
    const rename = jest.spyOn(fsPromises, 'rename');
    await store.set('a', '1');
    await store.set('b', '2');
    const temporary = rename.mock.calls.map((call) => call[0] as string);
    expect(temporary).toHaveLength(2);
    expect(new Set(temporary).size).toBe(2);
    for (const name of temporary) expect(name.startsWith(`${path}.${process.pid}.`) && /\.[0-9a-f]{12}\.tmp$/.test(name)).toBe(true);
    await store.close();
  });

  it('removes the temporary file of a write that failed', async () => {
    const path = freshPath();
    const store = new FileStore({ path });
    jest.spyOn(fsPromises, 'rename').mockRejectedValueOnce(Object.assign(new Error('disk full'), { code: 'ENOSPC' }));
    await expect(store.set('a', '1')).rejects.toThrow('disk full');
    expect(readdirSync(dirname(path)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
    // close reports that the file is behind, and still releases the lock
    await expect(store.close()).rejects.toThrow('disk full');
    expect(existsSync(`${path}.lock`)).toBe(false);
  });

  it('removes the temporary files a crash left behind when it opens the file, and nothing else', async () => {
    const path = freshPath();
    mkdirSync(dirname(path), { recursive: true });
    const leftovers = [`${path}.tmp`, `${path}.4242.0a1b2c3d4e5f.tmp`];
    const others = [`${path}.bak`, `${path}.notes.tmp`, join(dirname(path), 'other.json.1.ab.tmp')];
    for (const file of [...leftovers, ...others]) writeFileSync(file, '{"version":1,"entr');
    const store = new FileStore({ path });
    for (const file of leftovers) expect(existsSync(file)).toBe(false);
    for (const file of others) expect(existsSync(file)).toBe(true);
    await store.close();
  });
});
