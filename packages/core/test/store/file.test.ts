import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import type * as FsPromises from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileStore } from '@wxopen/core';
import { describeStoreConformance } from '@wxopen/testing';

let dir: string;
let counter = 0;
const freshPath = () => join(dir, `state-${++counter}`, 'state.json');

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'wxopen-filestore-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// persistMinTtlMs 0 makes every entry durable, so the conformance suite also exercises the disk path.
describeStoreConformance('FileStore', () => new FileStore({ path: freshPath(), persistMinTtlMs: 0 }));
describeStoreConformance('FileStore (short TTLs in memory)', () => new FileStore({ path: freshPath() }));

// The module object itself (an `import *` namespace cannot be spied on); FileStore reads its functions at call time.
const fsPromises: typeof FsPromises = jest.requireActual('node:fs/promises');

const readState = (path: string): unknown => JSON.parse(readFileSync(path, 'utf8'));

describe('FileStore', () => {
  afterEach(() => jest.restoreAllMocks());

  it('sweeps expired in-memory entries (dedup marks, locks) every second by default, as MemoryStore does', async () => {
    jest.useFakeTimers({ now: 0 });
    try {
      const store = new FileStore({ path: freshPath() });
      await store.set('mark', 'v', 500);
      const sweep = jest.spyOn(store, 'sweep');
      jest.advanceTimersByTime(1_000);
      expect(sweep).toHaveBeenCalledTimes(1);
      expect(store.size).toBe(0);
      await store.close();
    } finally {
      jest.useRealTimers();
    }
  });

  it('starts empty when the file does not exist, and creates it with its directory on the first write', async () => {
    const path = freshPath();
    const store = new FileStore({ path });
    expect(await store.get('k')).toBeUndefined();
    expect(existsSync(path)).toBe(false);
    await store.set('k', 'v');
    expect(readState(path)).toEqual({ version: 1, entries: { k: { v: 'v' } } });
    await store.close();
  });

  it('gives back durable entries, with their expiry, after a restart', async () => {
    const path = freshPath();
    const first = new FileStore({ path });
    await first.set('{wx1}:refresh', 'refresh-token');
    await first.set('{wx1}:token', 'access-token', 7_200_000);
    await first.set('__proto__', 'not a prototype');
    await first.close();

    const second = new FileStore({ path });
    expect(await second.get('{wx1}:refresh')).toBe('refresh-token');
    expect(await second.get('{wx1}:token')).toBe('access-token');
    expect(await second.get('__proto__')).toBe('not a prototype');
    const state = readState(path) as { entries: Record<string, { e?: number }> };
    expect(state.entries['{wx1}:token']?.e).toBeGreaterThan(Date.now() + 7_000_000);
    await second.close();
  });

  it('does not load entries that expired while the process was down', async () => {
    const path = freshPath();
    let now = 1_000_000;
    const first = new FileStore({ path, now: () => now });
    await first.set('token', 'v', 120_000);
    await first.close();
    now += 120_000;
    const second = new FileStore({ path, now: () => now });
    expect(await second.get('token')).toBeUndefined();
    expect(second.size).toBe(0);
    await second.close();
  });

  it('keeps entries with a TTL under persistMinTtlMs off the disk', async () => {
    const path = freshPath();
    const store = new FileStore({ path, persistMinTtlMs: 60_000 });
    const rename = jest.spyOn(fsPromises, 'rename');
    await store.set('dedup:1', '1', 59_999);
    await store.setIfAbsent('lock:x', 'owner', 30_000);
    await store.compareAndDelete('lock:x', 'owner');
    await store.delete('dedup:1');
    expect(rename).not.toHaveBeenCalled();
    expect(existsSync(path)).toBe(false);
    await store.set('token', 'v', 60_000);
    expect(rename).toHaveBeenCalledTimes(1);
    expect(Object.keys((readState(path) as { entries: object }).entries)).toEqual(['token']);
    await store.close();
  });

  it('removes a persisted entry from the file when a short-lived value replaces it', async () => {
    const path = freshPath();
    const store = new FileStore({ path });
    await store.set('k', 'durable');
    await store.set('k', 'short', 1_000);
    expect(readState(path)).toEqual({ version: 1, entries: {} });
    expect(await store.get('k')).toBe('short');
    await store.close();
  });

  it('writes deletes and compare-and-deletes of persisted entries', async () => {
    const path = freshPath();
    const store = new FileStore({ path });
    await store.set('a', '1');
    await store.set('b', '2');
    await store.delete('a');
    expect(await store.compareAndDelete('b', '2')).toBe(true);
    expect(readState(path)).toEqual({ version: 1, entries: {} });
    await store.close();
  });

  it('coalesces a burst of 100 concurrent writes into at most two file writes', async () => {
    const path = freshPath();
    const store = new FileStore({ path });
    const rename = jest.spyOn(fsPromises, 'rename');
    await Promise.all(Array.from({ length: 100 }, (_, i) => store.set(`k${i}`, `v${i}`)));
    expect(rename.mock.calls.length).toBeGreaterThanOrEqual(1);
    expect(rename.mock.calls.length).toBeLessThanOrEqual(2);
    expect(Object.keys((readState(path) as { entries: object }).entries)).toHaveLength(100);
    await store.close();
  });

  it('resolves a write only once the value is in the file', async () => {
    const path = freshPath();
    const store = new FileStore({ path });
    for (let i = 0; i < 20; i++) {
      await store.set(`k${i}`, `v${i}`);
      const state = readState(path) as { entries: Record<string, { v: string }> };
      expect(state.entries[`k${i}`]).toEqual({ v: `v${i}` });
    }
    await store.close();
  });

  it('writes through a temporary file in the same directory, then renames it over the state file', async () => {
    const path = freshPath();
    const store = new FileStore({ path });
    const rename = jest.spyOn(fsPromises, 'rename');
    await store.set('k', 'v');
    const tmp = rename.mock.calls[0]?.[0] as string;
    expect(rename).toHaveBeenCalledWith(tmp, path);
    expect(tmp.startsWith(`${path}.${process.pid}.`) && tmp.endsWith('.tmp')).toBe(true);
    expect(existsSync(tmp)).toBe(false);
    await store.close();
  });

  it('creates the file readable by its owner only', async () => {
    if (process.platform === 'win32') return;
    const path = freshPath();
    const store = new FileStore({ path });
    await store.set('k', 'v');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    await store.close();
  });

  it('flushes pending writes on close', async () => {
    const path = freshPath();
    const store = new FileStore({ path });
    void store.set('k', 'v');
    await store.close();
    expect(readState(path)).toEqual({ version: 1, entries: { k: { v: 'v' } } });
  });

  it('rejects a write that failed, keeps the value in memory and writes it with the next change', async () => {
    const path = freshPath();
    const store = new FileStore({ path });
    jest.spyOn(fsPromises, 'rename').mockRejectedValueOnce(Object.assign(new Error('disk full'), { code: 'ENOSPC' }));
    await expect(store.set('a', '1')).rejects.toThrow('disk full');
    expect(await store.get('a')).toBe('1');
    await store.set('b', '2');
    expect(readState(path)).toEqual({ version: 1, entries: { a: { v: '1' }, b: { v: '2' } } });
    await store.close();
  });

  it('ignores a temporary file left by a crash during a write', async () => {
    const path = freshPath();
    const first = new FileStore({ path });
    await first.set('k', 'v');
    await first.close();
    writeFileSync(`${path}.tmp`, '{"version":1,"entr');
    const second = new FileStore({ path });
    expect(await second.get('k')).toBe('v');
    await second.set('k2', 'v2');
    expect(readState(path)).toEqual({ version: 1, entries: { k: { v: 'v' }, k2: { v: 'v2' } } });
    await second.close();
  });

  it.each([
    ['not JSON', '{"version":1,"entries":{"k":{"v":"secret-refresh-token"'],
    ['another version', '{"version":2,"entries":{}}'],
    ['a malformed entry', '{"version":1,"entries":{"k":{"v":42}}}'],
    ['an array', '[]'],
  ])('refuses to start on a corrupt file (%s), naming the path and not the content', (_, content) => {
    const path = freshPath();
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, content);
    let error: unknown;
    try {
      new FileStore({ path });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toContain(path);
    expect((error as Error).message).toMatch(/corrupt/);
    expect((error as Error).message).not.toContain('secret');
    expect(readFileSync(path, 'utf8')).toBe(content);
  });

  it('requires a path', () => {
    expect(() => new FileStore({ path: '' })).toThrow(/option `path`/);
  });
});
