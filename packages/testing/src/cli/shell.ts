/** Runs `main` as a process: real streams and environment, and the exit code set once the command is done. */
import { processIo } from './io';
import { main } from './main';

export function runFromShell(argv: readonly string[]): void {
  main(argv, processIo).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`wxopen: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
