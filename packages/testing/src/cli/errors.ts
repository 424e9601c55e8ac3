/**
 * The two ways a command fails. Both carry a one-line message for stderr that holds no secret.
 * - `UsageError`: the command line is wrong (unknown command or option, missing value or credential): exit 2.
 * - `CliError`: the command ran and failed (a server unreachable or refusing, a store unreadable): exit 1.
 */

/** The command line is wrong; exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** The command failed; exit code 1. */
export class CliError extends Error {
  override readonly name = 'CliError';
}

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;
