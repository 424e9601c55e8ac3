/**
 * `wxopen`: the command line of wxopen. `wxopen <command> --help` describes each command.
 *
 * Exit codes: 0 done, 1 failed (a server unreachable or refusing, a store unreadable), 2 wrong command line.
 * Messages go to stderr on one line each and never hold a secret.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from './args';
import { wantsHelp } from './args';
import { fakeWechat } from './commands/fake-wechat';
import { keygen } from './commands/keygen';
import { push } from './commands/push';
import { release } from './commands/release';
import { status } from './commands/status';
import { verifyUrl } from './commands/verify-url';
import { CliError, EXIT_FAILED, EXIT_OK, EXIT_USAGE, UsageError } from './errors';
import type { Io } from './io';

export const COMMANDS: readonly Command[] = [keygen, verifyUrl, push, fakeWechat, status, release];

function version(): string {
  try {
    const pkg = JSON.parse(readFileSync(join(__dirname, '../../package.json'), 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : 'unknown';
  } catch {
    return 'unknown';
  }
}

function topHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'usage: wxopen <command> [options]',
    '',
    'Tools for a WeChat Open Platform third-party platform built with wxopen.',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run `wxopen <command> --help` for its options. Credentials come from the variables the examples read',
    '(WECHAT_COMPONENT_APPID, WECHAT_TOKEN, WECHAT_AES_KEY) or from flags; they are never printed back.',
    'Exit codes: 0 done, 1 failed, 2 wrong command line.',
  ].join('\n');
}

/** `wxopen <command>: <message>`, whether or not the message already names its command. */
function report(io: Io, command: Command | undefined, message: string): void {
  const prefix = command === undefined ? 'wxopen' : `wxopen ${command.name}`;
  const text = command !== undefined && message.startsWith(`${command.name}: `) ? message.slice(command.name.length + 2) : message;
  io.err(`${prefix}: ${text}`);
}

/** Runs `wxopen` with `argv` (the words after the program name); resolves to the exit code. */
export async function main(argv: readonly string[], io: Io): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    report(io, undefined, 'say which command to run (wxopen --help lists them)');
    return EXIT_USAGE;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    io.out(topHelp());
    return EXIT_OK;
  }
  if (name === '--version' || name === '-v') {
    io.out(version());
    return EXIT_OK;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (command === undefined) {
    const what = name.startsWith('-') ? `unknown option ${name}` : `unknown command "${name}"`;
    report(io, undefined, `${what} (wxopen --help lists the commands)`);
    return EXIT_USAGE;
  }
  if (wantsHelp(rest)) {
    io.out(command.help);
    return EXIT_OK;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      report(io, command, error.message);
      return EXIT_USAGE;
    }
    if (error instanceof CliError) {
      report(io, command, error.message);
      return EXIT_FAILED;
    }
    // Not expected: the kind of failure and its message, without a stack.
    report(io, command, error instanceof Error ? `${error.name}: ${error.message}` : String(error));
    return EXIT_FAILED;
  }
}
