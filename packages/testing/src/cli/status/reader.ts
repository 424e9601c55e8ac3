/**
 * What `wxopen status` needs from a store, read-only: values it parses but never prints, presence of the
 * values it must not even read (refresh tokens, tickets), and the keys under a prefix.
 */
export interface StateReader {
  /** The store, for output: `file /path`, `redis redis://host:6379/0`, `cluster host:port,…` (no password). */
  readonly description: string;
  /** A live value (`undefined` when absent or expired). Only parsed for times and ids, never printed whole. */
  get(key: string): Promise<string | undefined>;
  /** Whether a live value is there, without reading it. */
  has(key: string): Promise<boolean>;
  /** Every live key that starts with `prefix` (keys as the core names them, without a store's own prefix). */
  keysWithPrefix(prefix: string): Promise<string[]>;
  /** How long ago the platform last read or wrote `key`, when the store knows (Redis `OBJECT IDLETIME`). */
  idleMs(key: string): Promise<number | undefined>;
  close(): Promise<void>;
}
