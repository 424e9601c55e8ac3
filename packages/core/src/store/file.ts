import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, unlinkSync } from 'node:fs';
import { open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { ExpiringMap, expiryOf, startSweeping } from './expiring-map';
import { FileLock } from './file-lock';
import type { Store } from './types';

export interface FileStoreOptions {
  /**
   * The JSON file that holds the durable entries, e.g. `.wxopen/state.json` (required). Read once, synchronously,
   * by the constructor, which also creates its directory and takes the lock `<path>.lock`; the file itself is
   * created (mode 0600, it holds refresh tokens) on the first write.
   */
  readonly path: string;
  /**
   * Entries set with a TTL shorter than this many ms live in memory only and never cause a disk write (default
   * 300 000, five minutes). This keeps dedup marks (30 s by default) and locks off the disk; they are lost on restart, which is what they are for.
   * (The replay marks of the delivery bookkeeping are written once, without a TTL, when the `AuthServer` closes.)
   * Entries without a TTL (refresh tokens, verify tickets) and with a longer one (access tokens) are persisted.
   */
  readonly persistMinTtlMs?: number;
  /** How often expired entries are swept from memory, in ms (default 1 000; a sweep visits only what expired). The timer never keeps the process alive. */
  readonly sweepIntervalMs?: number;
  /** Clock, for tests (default `Date.now`). */
  readonly now?: () => number;
}

interface Entry {
  readonly value: string;
  readonly expiresAt: number;
  /** Written to the file (no TTL, or one of at least `persistMinTtlMs`). */
  readonly durable: boolean;
}

/** On-disk shape: `{ "version": 1, "entries": { key: { "v": value, "e"?: expiresAtEpochMs } } }`. */
interface StateFile {
  version: 1;
  entries: Record<string, { v: string; e?: number }>;
}

/**
 * A `Store` for one process whose durable data survives a restart: entries live in memory and every change to a
 * persisted entry is written to one JSON file before the call resolves.
 *
 * - **One process per file**: the constructor takes the lock `<path>.lock` (created exclusively, holding the pid,
 *   host, a random id and the start time) and throws an `Error` naming the holder and the fix when another live
 *   process — or another `FileStore` of this process — has the file open. A lock left by a process that died is
 *   taken over (see `./file-lock`); `close()` removes it.
 * - **Crash-safe**: each write goes to a temporary file of its own in the same directory
 *   (`<path>.<pid>.<random>.tmp`, removed if the write fails), is fsynced, then renamed over `path`, so the file
 *   is always either the previous or the next complete state — also after `kill -9` or a power cut. Temporary
 *   files a crash left behind are removed when the next holder opens the file.
 * - **Acknowledged means on disk**: `set`, `delete`, `setIfAbsent` and `compareAndDelete` on a persisted entry
 *   resolve once a write that includes them has been renamed into place (and reject if that write failed).
 * - **Bursts coalesce**: at most one write runs at a time; every change made while it runs joins one next write.
 * - **Short-lived entries stay in memory**: see `persistMinTtlMs`.
 * - **A corrupt file fails loudly**: the constructor throws an `Error` naming the path instead of starting empty
 *   and then overwriting refresh tokens. Move the file aside (or repair it) to start.
 *
 * For several processes use `RedisStore` from `@wxopen/redis`. Every write rewrites the whole file, which suits
 * the few thousand entries of a platform with many authorizers.
 */
export class FileStore implements Store {
  /** Only this process sees a `FileStore`. */
  readonly shared: boolean = false;
  /** The absolute path of the state file. */
  readonly path: string;
  readonly #lock: FileLock;
  readonly #persistMinTtlMs: number;
  readonly #now: () => number;
  readonly #entries: ExpiringMap<Entry>;
  readonly #timer: NodeJS.Timeout;
  /** The write not started yet, which every new change joins. */
  #queued: Promise<void> | undefined;
  /** The last write scheduled; the next one starts after it. */
  #tail: Promise<void> = Promise.resolve();
  #closed = false;

  constructor(options: FileStoreOptions) {
    if (typeof options?.path !== 'string' || options.path === '') {
      throw new TypeError('wxopen: option `path` of FileStore must name the state file, e.g. `.wxopen/state.json`');
    }
    const persistMinTtlMs = options.persistMinTtlMs ?? 300_000;
    if (!(persistMinTtlMs >= 0)) throw new TypeError('wxopen: option `persistMinTtlMs` must be a number of milliseconds, 0 or more');

    this.path = resolve(options.path);
    this.#persistMinTtlMs = persistMinTtlMs;
    this.#now = options.now ?? Date.now;
    this.#entries = new ExpiringMap(this.#now);
    mkdirSync(dirname(this.path), { recursive: true });
    this.#lock = FileLock.acquire(`${this.path}.lock`, this.path);
    try {
      this.#load();
      this.#timer = startSweeping(() => this.sweep(), options.sweepIntervalMs);
    } catch (error) {
      this.#lock.releaseSync();
      throw error;
    }
    this.#removeTemporaryFiles();
  }

  /** Number of live entries, persisted or not (after a sweep), for tests and metrics. */
  get size(): number {
    this.sweep();
    return this.#entries.size;
  }

  async get(key: string): Promise<string | undefined> {
    return this.#entries.get(key)?.value;
  }

  async set(key: string, value: string, ttlMs?: number): Promise<void> {
    const entry = this.#entry(value, ttlMs);
    const previous = this.#entries.set(key, entry);
    if (entry.durable || previous?.durable) await this.#persist();
  }

  async delete(key: string): Promise<void> {
    if (this.#entries.delete(key)?.durable) await this.#persist();
  }

  async setIfAbsent(key: string, value: string, ttlMs?: number): Promise<boolean> {
    const entry = this.#entry(value, ttlMs);
    if (this.#entries.get(key)) return false;
    this.#entries.set(key, entry);
    if (entry.durable) await this.#persist();
    return true;
  }

  async compareAndDelete(key: string, expected: string): Promise<boolean> {
    const entry = this.#entries.get(key);
    if (entry?.value !== expected) return false;
    this.#entries.delete(key);
    if (entry.durable) await this.#persist();
    return true;
  }

  async compareAndSet(key: string, expected: string, value: string, ttlMs?: number): Promise<boolean> {
    const entry = this.#entry(value, ttlMs);
    const previous = this.#entries.get(key);
    if (previous?.value !== expected) return false;
    this.#entries.set(key, entry);
    if (entry.durable || previous.durable) await this.#persist();
    return true;
  }

  /** Drops expired entries from memory; returns how many. The file loses them with its next write. */
  sweep(): number {
    return this.#entries.sweep();
  }

  /** Resolves when every change made so far is on disk. */
  async flush(): Promise<void> {
    await (this.#queued ?? this.#tail);
  }

  /**
   * Flushes, stops the sweep timer and releases the lock, so that another process may open the file. The
   * entries stay readable; a change that must reach the file after `close` rejects (the lock is no longer held).
   */
  async close(): Promise<void> {
    clearInterval(this.#timer);
    try {
      await this.flush(); // rejects if the last write failed: the caller learns the file is behind
    } finally {
      this.#closed = true;
      await this.#lock.release();
    }
  }

  #entry(value: string, ttlMs: number | undefined): Entry {
    const expiresAt = expiryOf(ttlMs, this.#now());
    return { value, expiresAt, durable: ttlMs === undefined || ttlMs >= this.#persistMinTtlMs };
  }

  /** A promise for a write that includes every change made so far (group commit). */
  #persist(): Promise<void> {
    if (this.#closed) return Promise.reject(new Error(`wxopen: FileStore ${this.path} is closed; the change is kept in memory only`));
    if (this.#queued) return this.#queued;
    const run = this.#tail
      .catch(() => undefined) // the callers of a failed write got its error; this write retries the state
      .then(() => {
        this.#queued = undefined; // changes from now on join the next write
        return this.#write(this.#serialise());
      });
    this.#queued = run;
    this.#tail = run;
    return run;
  }

  #serialise(): string {
    const entries: StateFile['entries'] = Object.create(null) as StateFile['entries'];
    for (const [key, entry] of this.#entries.live()) {
      if (!entry.durable) continue;
      entries[key] = entry.expiresAt === Infinity ? { v: entry.value } : { v: entry.value, e: entry.expiresAt };
    }
    const state: StateFile = { version: 1, entries };
    return JSON.stringify(state);
  }

  async #write(data: string): Promise<void> {
    // A name of its own per write: no other writer (another process that ignored the lock, a former
    // incarnation) can write into it or rename it away half-written.
    const tmpPath = `${this.path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      const file = await open(tmpPath, 'wx', 0o600);
      try {
        await file.writeFile(data, 'utf8');
        await file.sync();
      } finally {
        await file.close();
      }
      await rename(tmpPath, this.path);
    } catch (error) {
      await unlink(tmpPath).catch(() => undefined);
      throw error;
    }
    await syncDirectory(dirname(this.path));
  }

  /** Removes the temporary files of writes a crash interrupted (this store holds the lock: none is live). */
  #removeTemporaryFiles(): void {
    const dir = dirname(this.path);
    const prefix = `${basename(this.path)}.`;
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return;
    }
    for (const name of names) {
      if (!name.startsWith(prefix) || !/^(?:\d+\.[0-9a-f]+\.)?tmp$/.test(name.slice(prefix.length))) continue;
      try {
        unlinkSync(join(dir, name));
      } catch {
        // best effort: a leftover temporary file is never read
      }
    }
  }

  #load(): void {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw new Error(`wxopen: FileStore cannot read ${this.path} (${(error as NodeJS.ErrnoException).code ?? 'unknown error'})`);
    }
    // The parser's message is left out on purpose: it quotes the file, which holds refresh tokens.
    let state: unknown;
    try {
      state = JSON.parse(text);
    } catch {
      throw corrupt(this.path, 'it is not valid JSON');
    }
    if (!isRecord(state) || state.version !== 1 || !isRecord(state.entries)) {
      throw corrupt(this.path, 'it is not a version 1 wxopen state file');
    }
    const now = this.#now();
    for (const [key, stored] of Object.entries(state.entries)) {
      if (!isRecord(stored) || typeof stored.v !== 'string' || (stored.e !== undefined && typeof stored.e !== 'number')) {
        throw corrupt(this.path, 'an entry is malformed');
      }
      const expiresAt = stored.e ?? Infinity;
      if (expiresAt > now) this.#entries.set(key, { value: stored.v, expiresAt, durable: true });
    }
  }
}

function corrupt(path: string, why: string): Error {
  return new Error(
    `wxopen: FileStore refuses to start: ${path} is corrupt (${why}). It holds refresh tokens, so it is not ` +
      'overwritten: repair it, or move it aside to start empty (every authorizer will then have to authorize again).',
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Makes a rename durable across a power cut (best effort: not every platform can open a directory). */
async function syncDirectory(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch {
    // Windows and some file systems refuse; the rename itself is still atomic.
  } finally {
    await handle?.close();
  }
}
