/**
 * What an operator sees when Redis goes away under a real process (`fixtures/outage-child.mjs`, running the
 * BUILT package; `npm test` builds it): one line when the outage starts, one when it ends, on stderr — no
 * ioredis "Unhandled error event", no stack trace, whatever the number of failed calls and reconnections.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describeRedisServer, startRedisServer } from '@wxopen/testing';

jest.setTimeout(60_000);

describeRedisServer('the outage log of a real process', () => {
  it('prints one down line and one back-up line per outage on stderr, and no stack or unhandled error event', async () => {
    const server = await startRedisServer();
    const child = spawn(process.execPath, [path.join(__dirname, 'fixtures', 'outage-child.mjs')], {
      env: { ...process.env, WXOPEN_TEST_REDIS_URL: server.url },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const exited = new Promise((resolve) => child.once('exit', resolve));
    const waitFor = async (what: string, condition: () => boolean) => {
      const deadline = Date.now() + 15_000;
      while (!condition()) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\nstdout:\n${stdout}\nstderr:\n${stderr}`);
        await sleep(20);
      }
    };
    try {
      await waitFor('the child to be ready', () => stdout.includes('ready'));
      // Two outages, each long enough for many failed calls (every 20 ms) and reconnection attempts.
      for (const outage of ['kill', 'pause'] as const) {
        const oks = stdout.split('ok\n').length;
        if (outage === 'kill') await server.stop();
        else server.pause();
        await sleep(1_500);
        if (outage === 'kill') await server.restart();
        else server.resume();
        await waitFor('the child to be served again', () => stdout.split('ok\n').length > oks);
      }
      await waitFor('two back-up lines', () => (stderr.match(/back up/g) ?? []).length === 2);
    } finally {
      child.disconnect();
      await exited;
      await server.dispose();
    }
    const lines = stderr.split('\n').filter((line) => line !== '');
    expect(lines).toEqual([
      expect.stringMatching(/^\[wxopen\] redis redis:\/\/127\.0\.0\.1:\d+ down: \S/),
      expect.stringMatching(/^\[wxopen\] redis redis:\/\/127\.0\.0\.1:\d+ back up after \d+\.\d s \(\d+ commands failed\)$/),
      expect.stringMatching(/^\[wxopen\] redis redis:\/\/127\.0\.0\.1:\d+ down: Command timed out$/),
      expect.stringMatching(/^\[wxopen\] redis redis:\/\/127\.0\.0\.1:\d+ back up after \d+\.\d s \(\d+ commands failed\)$/),
    ]);
    expect(stdout).not.toMatch(/unexpected/);
  });
});
