/** Where a command writes and what it reads from its environment: the process's, or a test's. */
export interface Io {
  /** A line for stdout. */
  out(line: string): void;
  /** A line for stderr. */
  err(line: string): void;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** The process's own streams and environment. */
export const processIo: Io = {
  out: (line) => void process.stdout.write(`${line}\n`),
  err: (line) => void process.stderr.write(`${line}\n`),
  env: process.env,
};
