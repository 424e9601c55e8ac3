/**
 * The built example as a real child process: its environment, its start (resolved on `listening on …`), its
 * output and its exit.
 */
import { spawn } from 'node:child_process';
import type { ChildProcessByStdio } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';

export const ROOT = path.resolve(__dirname, '../../..');

/** The frameworks with an example under `examples/`. */
export type Framework = 'express' | 'koa' | 'fastify' | 'nestjs';

/** The compiled entry point of a framework's example. */
export const entryOf = (framework: Framework): string => path.join(ROOT, 'examples', framework, 'dist', 'index.js');

const directories: string[] = [];

/** A fresh directory for one run's state file and demo credentials. */
export function stateDirectory(): string {
  const directory = mkdtempSync(path.join(os.tmpdir(), 'wxopen-example-'));
  directories.push(directory);
  return directory;
}

/** Removes the directories `stateDirectory` made (call it in `afterAll`). */
export function removeStateDirectories(): void {
  for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
}

/**
 * The environment of the example process: ours without any wxopen setting, plus `extra`. A directory of its own
 * per run holds the state file and the demo credentials beside it, so no test writes into the working tree or
 * shares state (unless `extra` names a `WXOPEN_STATE_FILE`).
 */
export function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) if (!/^(WECHAT_|WXOPEN_|REDIS_|PORT$|HOST$)/.test(name)) env[name] = value;
  const stateFile = extra['WXOPEN_STATE_FILE'] ?? path.join(stateDirectory(), 'state.json');
  return { ...env, PORT: '0', HOST: '127.0.0.1', WXOPEN_STATE_FILE: stateFile, ...extra };
}

/** The four credentials variables every example reads, for the platform `secrets`. */
export function credentialsEnv(secrets: { appId: string; appSecret: string; token: string; encodingAESKey: string }): Record<string, string> {
  return {
    WECHAT_COMPONENT_APPID: secrets.appId,
    WECHAT_COMPONENT_SECRET: secrets.appSecret,
    WECHAT_TOKEN: secrets.token,
    WECHAT_AES_KEY: secrets.encodingAESKey,
  };
}

export interface Exited {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface ExampleProcess {
  readonly child: ChildProcessByStdio<null, Readable, Readable>;
  readonly exited: Promise<Exited>;
  /** The URL it listens on, once it printed it; rejects if it exits first. */
  readonly listening: Promise<string>;
  output(): string;
  /** Resolves once its standard output matches `pattern`. */
  printedLine(pattern: RegExp): Promise<void>;
}

/** Starts the built example and resolves `listening` once it printed its `listening on` line. */
export function startExample(entry: string, env: NodeJS.ProcessEnv): ExampleProcess {
  const child = spawn(process.execPath, [entry], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<Exited>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr })));
  const printedLine = (pattern: RegExp) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (!pattern.test(stdout)) return;
        child.stdout.off('data', check);
        resolve();
      };
      child.stdout.on('data', check);
      check();
      void exited.then((result) => reject(new Error(`the example exited (${String(result.code)}) before printing ${pattern}:\n${result.stdout}${result.stderr}`)));
    });
  const listening = printedLine(/listening on http:\/\/\S+/).then(() => /listening on (http:\/\/\S+)/.exec(stdout)?.[1] ?? '');
  listening.catch(() => undefined); // awaited only by tests that expect the example to listen
  return { child, exited, listening, output: () => stdout, printedLine };
}

/** Stops `example` with SIGKILL if it is still running (for `finally` blocks). */
export async function kill(example: ExampleProcess): Promise<void> {
  if (example.child.exitCode === null && example.child.signalCode === null) example.child.kill('SIGKILL');
  await example.exited;
}

/** The value of `NAME=value` on a line of `output`. */
export function printed(output: string, name: string): string {
  const value = new RegExp(`^\\s*${name}=(\\S+)$`, 'm').exec(output)?.[1];
  if (value === undefined) throw new Error(`the example did not print ${name}:\n${output}`);
  return value;
}
