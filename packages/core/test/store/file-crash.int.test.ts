import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileStore } from '@wxopen/core';

// Proves that FileStore survives `kill -9` at any moment: a child process (running the BUILT core, so run
// `npx tsc -b` first) writes in a tight loop and is SIGKILLed at a random moment, several times over the same file.
// After each kill the file must parse and hold every value whose write the child had acknowledged, and the
// killed child's lock must still be there: the next process (the next round, then this one) takes it over.

const CHILD = join(__dirname, 'file-crash-child.mjs');
const BUILT = join(__dirname, '../../dist/store/file.js');
const ROUNDS = 6;

interface Outcome {
  acked: Map<string, string>;
  counter: number;
  stderr: string;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  pid: number | undefined;
}

function runAndKill(path: string, round: number, killAfterMs: number): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, path, String(round)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timer: NodeJS.Timeout | undefined;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      // Start the clock at the first acknowledged write, so every round kills a process that is busy writing.
      if (timer === undefined && stdout.includes('\nset ')) timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const guard = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('error', reject);
    child.on('close', (exitCode, signal) => {
      clearTimeout(guard);
      clearTimeout(timer);
      const acked = new Map<string, string>();
      let counter = 0;
      const lines = stdout.split('\n');
      lines.pop(); // a line cut by the kill is not an acknowledgement
      for (const line of lines) {
        const set = /^set (\S+) (.*)$/.exec(line);
        if (set) acked.set(set[1] as string, JSON.parse(set[2] as string) as string);
        const count = /^counter (\d+)$/.exec(line);
        if (count) counter = Number(count[1]);
      }
      resolve({ acked, counter, stderr, exitCode, signal, pid: child.pid });
    });
  });
}

describe('FileStore under kill -9', () => {
  let dir: string;
  beforeAll(() => {
    if (!existsSync(BUILT)) throw new Error(`${BUILT} is missing: build the core first (npx tsc -b)`);
    dir = mkdtempSync(join(tmpdir(), 'wxopen-crash-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it(`keeps the file parseable and every acknowledged write, across ${ROUNDS} kills at random moments`, async () => {
    const path = join(dir, 'state.json');
    const everAcked = new Map<string, string>();

    for (let round = 0; round < ROUNDS; round++) {
      const outcome = await runAndKill(path, round, 20 + Math.floor(Math.random() * 400));
      expect(outcome.stderr).toBe('');
      expect(outcome.signal).toBe('SIGKILL');
      expect(outcome.acked.size).toBeGreaterThan(0);

      const state = JSON.parse(readFileSync(path, 'utf8')) as { version: number; entries: Record<string, { v: string }> };
      expect(state.version).toBe(1);
      for (const [key, value] of outcome.acked) everAcked.set(key, value);
      const lost = [...everAcked].filter(([key, value]) => state.entries[key]?.v !== value).map(([key]) => key);
      expect(lost).toEqual([]);
      expect(Number(state.entries.counter?.v)).toBeGreaterThanOrEqual(outcome.counter);
      // Short-lived marks never reach the disk.
      expect(Object.keys(state.entries).filter((key) => key.startsWith('dedup:'))).toEqual([]);
      // The killed holder's lock is left behind (nothing ran to remove it); the next round must take it over.
      expect(JSON.parse(readFileSync(`${path}.lock`, 'utf8'))).toMatchObject({ pid: outcome.pid });
    }

    // And the store itself takes the dead child's lock over and loads what it left.
    const store = new FileStore({ path });
    expect(JSON.parse(readFileSync(`${path}.lock`, 'utf8'))).toMatchObject({ pid: process.pid });
    expect(readdirSync(dir).filter((name) => name.endsWith('.tmp'))).toEqual([]); // a killed write's temporary file is cleaned
    for (const [key, value] of everAcked) expect(await store.get(key)).toBe(value);
    expect(Number(await store.get('counter'))).toBeGreaterThanOrEqual(1);
    await store.close();
    expect(existsSync(`${path}.lock`)).toBe(false);
  }, 60_000);
});
