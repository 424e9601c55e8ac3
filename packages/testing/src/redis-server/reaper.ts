/**
 * Makes sure no `redis-server` a test started, nor its directory, outlives the test process, however that
 * process ends.
 *
 * Two layers. An `exit` hook kills what still runs and removes what is left when the process exits normally
 * (outside jest: jest gives each test file a process object of its own, whose `exit` never fires). And a
 * watchdog: a small detached `node` that reads the pids and directories we register on its stdin and, when
 * stdin reaches end of file — which the kernel delivers when the test process dies in any way, SIGKILL
 * included — kills every pid and removes every directory still registered. It runs only while something is
 * registered.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';

const WATCHDOG = `
const { rmSync } = require('node:fs');
const pids = new Set();
const dirs = new Set();
let rest = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
  const lines = (rest + chunk).split('\\n');
  rest = lines.pop();
  for (const line of lines) {
    const { op, pid, dir } = JSON.parse(line);
    if (op === 'pid+') pids.add(pid);
    if (op === 'pid-') pids.delete(pid);
    if (op === 'dir+') dirs.add(dir);
    if (op === 'dir-') dirs.delete(dir);
  }
});
process.stdin.on('end', () => {
  for (const pid of pids) try { process.kill(pid, 'SIGKILL'); } catch {}
  for (const dir of dirs) try { rmSync(dir, { recursive: true, force: true }); } catch {}
});
`;

interface Registry {
  readonly processes: Set<ChildProcess>;
  readonly dirs: Set<string>;
}

const registry: Registry = { processes: new Set(), dirs: new Set() };
let watchdog: ChildProcess | undefined;
let exitHooked = false;

function tell(message: { op: 'pid+' | 'pid-'; pid: number } | { op: 'dir+' | 'dir-'; dir: string }): void {
  if (!watchdog?.stdin || watchdog.stdin.destroyed) return;
  watchdog.stdin.write(`${JSON.stringify(message)}\n`);
}

function ensureWatchdog(): void {
  if (!exitHooked) {
    exitHooked = true;
    process.once('exit', cleanUpNow);
  }
  if (watchdog) return;
  const child = spawn(process.execPath, ['-e', WATCHDOG], { stdio: ['pipe', 'ignore', 'ignore'], detached: true });
  child.on('error', () => undefined); // the exit hook still covers normal exits
  child.stdin?.on('error', () => undefined);
  child.once('exit', () => {
    if (watchdog === child) watchdog = undefined;
  });
  // Neither the process nor its pipe may keep the test process alive.
  child.unref();
  (child.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  watchdog = child;
}

/** Ends the watchdog once nothing is registered (it then has nothing to clean up). */
function releaseWatchdogWhenIdle(): void {
  if (registry.processes.size > 0 || registry.dirs.size > 0 || !watchdog) return;
  watchdog.stdin?.end();
  watchdog = undefined;
}

function cleanUpNow(): void {
  for (const child of registry.processes) {
    try {
      child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
  for (const dir of registry.dirs) rmSync(dir, { recursive: true, force: true });
}

/** Registers a started server process until it exits. */
export function reapProcess(child: ChildProcess): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const pid = child.pid;
  registry.processes.add(child);
  ensureWatchdog();
  tell({ op: 'pid+', pid });
  child.once('exit', () => {
    registry.processes.delete(child);
    tell({ op: 'pid-', pid });
    releaseWatchdogWhenIdle();
  });
}

/** Registers a directory to remove if the test process ends before `releaseDir`. */
export function reapDir(dir: string): void {
  registry.dirs.add(dir);
  ensureWatchdog();
  tell({ op: 'dir+', dir });
}

/** Removes a registered directory now. */
export function releaseDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  registry.dirs.delete(dir);
  tell({ op: 'dir-', dir });
  releaseWatchdogWhenIdle();
}
