/**
 * The lock that keeps a `FileStore`'s state file to one process: `<path>.lock`, created exclusively (`O_EXCL`),
 * holding the holder's pid, host name, a random id and its start time. Two processes writing one state file
 * would each overwrite the other's changes, so the second is refused at construction.
 *
 * A lock is stale, and taken over, when:
 * - its holder ran on this host and its pid is gone (the holder crashed or was killed);
 * - its pid is this process's own but no `FileStore` of this process holds it (a former incarnation with the
 *   same pid, as PID 1 in a restarted container);
 * - it has not been refreshed for `LOCK_STALE_MS`: the holder touches the file every `LOCK_REFRESH_MS`, so a
 *   lock left by a process on another host (another container on a shared volume) frees itself after a while.
 * A take-over moves the stale file aside with an atomic rename and checks it moved the lock it judged, so two
 * processes starting at once after a crash cannot both take it.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, linkSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { readFile, unlink, utimes } from 'node:fs/promises';
import { hostname } from 'node:os';

/** How often a holder refreshes the modification time of its lock file, in ms. */
export const LOCK_REFRESH_MS = 10_000;
/** A lock file not refreshed for this long is stale, whoever wrote it, in ms. */
export const LOCK_STALE_MS = 60_000;
/** A lock file without a readable holder (being written, or garbage) is left alone this long, in ms. */
const UNREADABLE_GRACE_MS = 2_000;

/** What a lock file holds. */
export interface LockHolder {
  readonly pid: number;
  readonly host: string;
  readonly id: string;
  /** When the holder took the lock, epoch ms. */
  readonly since: number;
}

/** Ids of the locks held by `FileStore`s of this process, shared by every copy of the package loaded in it. */
const REGISTRY: unique symbol = Symbol.for('wxopen.FileStore.heldLocks');
function heldHere(): Set<string> {
  const scope = globalThis as { [REGISTRY]?: Set<string> };
  return (scope[REGISTRY] ??= new Set<string>());
}

interface FoundLock {
  readonly text: string;
  readonly holder: LockHolder | undefined;
  /** Time since the file was last refreshed, ms. */
  readonly ageMs: number;
}

function errnoOf(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

function parseHolder(text: string): LockHolder | undefined {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null) return undefined;
    const { pid, host, id, since } = value as Record<string, unknown>;
    if (!Number.isInteger(pid) || typeof host !== 'string' || typeof id !== 'string' || typeof since !== 'number') return undefined;
    return { pid: pid as number, host, id, since };
  } catch {
    return undefined;
  }
}

/** The lock file as it is now, or `undefined` when there is none. */
function readLock(lockPath: string): FoundLock | undefined {
  try {
    const text = readFileSync(lockPath, 'utf8');
    const ageMs = Date.now() - statSync(lockPath).mtimeMs;
    return { text, holder: parseHolder(text), ageMs };
  } catch (error) {
    if (errnoOf(error) === 'ENOENT') return undefined;
    throw error;
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errnoOf(error) === 'EPERM'; // alive, owned by another user
  }
}

function isStale(found: FoundLock): boolean {
  if (found.ageMs > LOCK_STALE_MS) return true;
  const holder = found.holder;
  if (holder === undefined) return found.ageMs > UNREADABLE_GRACE_MS;
  if (holder.host !== hostname()) return false; // its pid means nothing here: wait for it to go stale
  if (holder.pid === process.pid) return !heldHere().has(holder.id);
  return !pidAlive(holder.pid);
}

/** Creates the lock file holding `text`; `false` when one exists. */
function tryCreate(lockPath: string, text: string): boolean {
  let fd: number;
  try {
    fd = openSync(lockPath, 'wx', 0o600);
  } catch (error) {
    if (errnoOf(error) === 'EEXIST') return false;
    throw error;
  }
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return true;
}

/** Moves a stale lock aside; gives it back if what moved is not the lock judged stale (a racing take-over). */
function takeOver(lockPath: string, staleText: string): void {
  const aside = `${lockPath}.${process.pid}.${randomBytes(4).toString('hex')}.stale`;
  try {
    renameSync(lockPath, aside);
  } catch (error) {
    if (errnoOf(error) === 'ENOENT') return;
    throw error;
  }
  let moved: string | undefined;
  try {
    moved = readFileSync(aside, 'utf8');
  } catch {
    moved = undefined;
  }
  if (moved !== staleText) {
    try {
      linkSync(aside, lockPath);
    } catch {
      // A third process created a lock meanwhile: it is the holder now.
    }
  }
  try {
    unlinkSync(aside);
  } catch {
    // already gone
  }
}

function heldError(statePath: string, lockPath: string, found: FoundLock): Error {
  const holder = found.holder;
  if (holder === undefined) {
    return new Error(`wxopen: FileStore refuses to open ${statePath}: another process is taking its lock ${lockPath} right now. One process per state file: give each process its own \`path\`, or share state through RedisStore from @wxopen/redis.`);
  }
  const since = new Date(holder.since).toISOString();
  const who = holder.pid === process.pid && holder.host === hostname() ? `this process (${holder.pid}) already has it open` : `process ${holder.pid} on ${holder.host} holds it (since ${since})`;
  return new Error(
    `wxopen: FileStore refuses to open ${statePath}: ${who}, and two writers of one state file lose each other's changes. ` +
      'Close the other FileStore, give each process its own `path`, or share state between processes through RedisStore from @wxopen/redis. ' +
      `If process ${holder.pid} is gone, delete ${lockPath} (it is also taken over by itself once it is ${LOCK_STALE_MS / 1000} s old).`,
  );
}

/** A held lock: refreshed while held, removed by `release`. */
export class FileLock {
  readonly path: string;
  readonly holder: LockHolder;
  readonly #timer: NodeJS.Timeout;
  #released = false;

  private constructor(path: string, holder: LockHolder) {
    this.path = path;
    this.holder = holder;
    heldHere().add(holder.id);
    this.#timer = setInterval(() => {
      const now = new Date();
      utimes(this.path, now, now).catch(() => undefined);
    }, LOCK_REFRESH_MS);
    this.#timer.unref();
  }

  /**
   * Takes `lockPath` for the state file `statePath` (named in errors), taking a stale lock over. Throws an
   * `Error` that names the holder and the fix when another live process, or another `FileStore` of this
   * process, holds it.
   */
  static acquire(lockPath: string, statePath: string): FileLock {
    const holder: LockHolder = { pid: process.pid, host: hostname(), id: randomBytes(8).toString('hex'), since: Date.now() };
    const text = JSON.stringify(holder);
    for (let attempt = 0; attempt < 5; attempt++) {
      if (tryCreate(lockPath, text)) return new FileLock(lockPath, holder);
      const found = readLock(lockPath);
      if (found === undefined) continue; // released meanwhile
      if (!isStale(found)) throw heldError(statePath, lockPath, found);
      takeOver(lockPath, found.text);
    }
    throw new Error(`wxopen: FileStore refuses to open ${statePath}: other processes keep taking its lock ${lockPath}. One process per state file.`);
  }

  /** Stops refreshing and removes the lock file if it is still this holder's. Idempotent. */
  async release(): Promise<void> {
    if (this.#released) return;
    this.#released = true;
    clearInterval(this.#timer);
    heldHere().delete(this.holder.id);
    try {
      if (parseHolder(await readFile(this.path, 'utf8'))?.id === this.holder.id) await unlink(this.path);
    } catch {
      // gone already, or unreadable: not ours to remove
    }
  }

  /** `release` for a constructor that failed after taking the lock. */
  releaseSync(): void {
    if (this.#released) return;
    this.#released = true;
    clearInterval(this.#timer);
    heldHere().delete(this.holder.id);
    try {
      if (parseHolder(readFileSync(this.path, 'utf8'))?.id === this.holder.id) unlinkSync(this.path);
    } catch {
      // gone already
    }
  }
}
