/**
 * Command-line parsing with `node:util` `parseArgs`, strict: an unknown option, a missing value or a stray
 * argument becomes a `UsageError` with one line that names it (exit code 2), never parseArgs' multi-line text.
 */
import { parseArgs } from 'node:util';
import type { ParseArgsConfig } from 'node:util';
import { UsageError } from './errors';
import type { Io } from './io';

export type OptionSpecs = NonNullable<ParseArgsConfig['options']>;

/** A subcommand: `wxopen <name> …`. */
export interface Command {
  readonly name: string;
  /** One line for `wxopen --help`. */
  readonly summary: string;
  /** The text `wxopen <name> --help` prints. */
  readonly help: string;
  /** Runs with the arguments after the command name; resolves to the exit code. */
  run(argv: readonly string[], io: Io): Promise<number>;
}

/** Whether `--help` or `-h` comes before any `--` terminator. */
export function wantsHelp(argv: readonly string[]): boolean {
  for (const arg of argv) {
    if (arg === '--') return false;
    if (arg === '--help' || arg === '-h') return true;
  }
  return false;
}

/** The option an error message of parseArgs names (`--url`, or `-x`). */
function optionIn(message: string): string | undefined {
  return /--[A-Za-z0-9][\w-]*/.exec(message)?.[0] ?? /(?<![\w-])-[A-Za-z0-9]/.exec(message)?.[0];
}

function usageFrom(command: string, error: unknown): UsageError {
  const code = (error as { code?: unknown } | undefined)?.code;
  const message = error instanceof Error ? error.message : String(error);
  const option = optionIn(message) ?? 'an option';
  const hint = `(see wxopen ${command} --help)`;
  switch (code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return new UsageError(`${command}: unknown option ${option} ${hint}`);
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return new UsageError(
        /does not take an argument/.test(message) ? `${command}: option ${option} takes no value ${hint}` : `${command}: option ${option} needs a value ${hint}`,
      );
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL': {
      const argument = /'([^']*)'/.exec(message)?.[1];
      return new UsageError(`${command}: unexpected argument${argument === undefined ? '' : ` "${argument}"`} ${hint}`);
    }
    default:
      return new UsageError(`${command}: ${message.split('\n')[0] ?? message} ${hint}`);
  }
}

type OptionValue<O> = O extends { readonly type: 'boolean' }
  ? O extends { readonly multiple: true }
    ? boolean[]
    : boolean
  : O extends { readonly multiple: true }
    ? string[]
    : string;

/** What `parseCommand` returns: each option's value (absent when not given), and the positionals. */
export interface Parsed<T extends OptionSpecs> {
  readonly values: { readonly [K in keyof T]?: OptionValue<T[K]> };
  readonly positionals: string[];
}

/** Parses `argv` against `options` (strict, positionals allowed); a bad command line throws a `UsageError`. */
export function parseCommand<T extends OptionSpecs>(command: string, argv: readonly string[], options: T): Parsed<T> {
  try {
    const { values, positionals } = parseArgs({ args: [...argv], options, strict: true, allowPositionals: true });
    return { values: values as Parsed<T>['values'], positionals };
  } catch (error) {
    throw usageFrom(command, error);
  }
}

/** Refuses positionals beyond `max`. */
export function atMost(command: string, positionals: readonly string[], max: number): void {
  const extra = positionals[max];
  if (extra !== undefined) throw new UsageError(`${command}: unexpected argument "${extra}" (see wxopen ${command} --help)`);
}

/** A whole number option within bounds, e.g. a port or a timeout. */
export function integerOption(command: string, name: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new UsageError(`${command}: --${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
  }
  return Number(raw);
}
