/**
 * Reads a `FileStore` state file directly, without taking its lock: a running platform holds the lock, and
 * `status` only reads. The file is `{ "version": 1, "entries": { key: { "v": value, "e"?: expiresAtMs } } }`,
 * replaced whole by each write (rename), so a read sees one complete state. Entries kept in memory only
 * (dedup marks, locks: TTLs under five minutes) are not in the file.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { CliError } from '../errors';
import type { StateReader } from './reader';

interface Entry {
  readonly v: string;
  readonly e?: number;
}

function entriesOf(text: string, path: string): Map<string, Entry> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new CliError(`status: ${path} is not a wxopen state file (not JSON)`);
  }
  const entries = (parsed as { version?: unknown; entries?: unknown } | null)?.entries;
  if ((parsed as { version?: unknown } | null)?.version !== 1 || typeof entries !== 'object' || entries === null) {
    throw new CliError(`status: ${path} is not a wxopen state file (no version 1 entries)`);
  }
  const out = new Map<string, Entry>();
  for (const [key, entry] of Object.entries(entries as Record<string, unknown>)) {
    const { v, e } = (entry ?? {}) as { v?: unknown; e?: unknown };
    if (typeof v === 'string') out.set(key, typeof e === 'number' ? { v, e } : { v });
  }
  return out;
}

/** Opens the state file at `path` (read once). */
export async function openStateFile(path: string, now: () => number): Promise<StateReader> {
  const absolute = resolve(path);
  let text: string;
  try {
    text = await readFile(absolute, 'utf8');
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'ENOENT') throw new CliError(`status: no state file at ${absolute} (a platform creates it on its first durable write)`);
    throw new CliError(`status: cannot read ${absolute}: ${typeof code === 'string' ? code : String(error)}`);
  }
  const entries = entriesOf(text, absolute);
  const live = (key: string): Entry | undefined => {
    const entry = entries.get(key);
    return entry !== undefined && (entry.e === undefined || entry.e > now()) ? entry : undefined;
  };
  return {
    description: `file ${absolute}`,
    get: async (key) => live(key)?.v,
    has: async (key) => live(key) !== undefined,
    keysWithPrefix: async (prefix) => [...entries.keys()].filter((key) => key.startsWith(prefix) && live(key) !== undefined),
    idleMs: async () => undefined,
    close: async () => undefined,
  };
}
