/**
 * The built Express example as a real process, its state in a private Redis with a password that the test
 * kills and restarts: the example says where its state is without the password, and an outage shows on its
 * stderr as one line when it starts and one when it ends — no ioredis "Unhandled error event", no stack trace.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { WechatSimulator, describeRedisServer, startRedisServer, textMessage } from '@wxopen/testing';
import { childEnv, credentialsEnv, removeStateDirectories } from './example-process';

jest.setTimeout(60_000);

const ROOT = path.resolve(__dirname, '../../..');
const ENTRY = path.join(ROOT, 'examples', 'express', 'dist', 'index.js');

describeRedisServer('an example on Redis when Redis goes away', () => {
  beforeAll(() => {
    if (!existsSync(ENTRY)) throw new Error(`${path.relative(ROOT, ENTRY)} is missing: run \`npx tsc -b\` first`);
  });
  afterAll(removeStateDirectories);

  test('prints its Redis without the password, and one line per outage transition on stderr', async () => {
    const password = 'example-outage-password';
    const server = await startRedisServer({ password });
    const secrets = WechatSimulator.generateSecrets();
    const env = childEnv({ ...credentialsEnv(secrets), REDIS_URL: `redis://:${password}@127.0.0.1:${server.port}/0` });
    const child = spawn(process.execPath, [ENTRY], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const exited = new Promise((resolve) => child.once('exit', resolve));
    const waitFor = async (what: string, condition: () => boolean) => {
      const deadline = Date.now() + 20_000;
      while (!condition()) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\nstdout:\n${stdout}\nstderr:\n${stderr}`);
        await sleep(20);
      }
    };
    const wechat = new WechatSimulator(secrets);
    const deliver = async (base: string) => {
      const push = wechat.encrypted(textMessage('during the outage'));
      const response = await fetch(`${base}${push.url('/wechat/callback/wx0000000000000a00')}`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body: push.body });
      await response.text();
      return response.status;
    };
    try {
      await waitFor('listening', () => /listening on http:\/\/\S+/.test(stdout));
      const base = /listening on (http:\/\/\S+)/.exec(stdout)?.[1] ?? '';
      expect(stdout).toContain(`state in redis redis://127.0.0.1:${server.port}/0`);
      expect(await deliver(base)).toBe(200);

      await server.stop();
      // Pushes keep coming during the outage (WeChat retries); each meets the failing store.
      for (let i = 0; i < 3; i++) await deliver(base);
      await waitFor('the down line', () => /\[wxopen\] redis \S+ down: /.test(stderr));
      await server.restart();
      await waitFor('the back-up line', () => /\[wxopen\] redis \S+ back up after /.test(stderr));
      expect(await deliver(base)).toBe(200);
    } finally {
      child.kill('SIGTERM');
      await exited;
      await server.dispose();
    }
    const ours = stderr.split('\n').filter((line) => line.startsWith('[wxopen] redis '));
    expect(ours).toEqual([
      expect.stringMatching(new RegExp(`^\\[wxopen\\] redis redis://127\\.0\\.0\\.1:${server.port}/0 down: \\S`)),
      expect.stringMatching(new RegExp(`^\\[wxopen\\] redis redis://127\\.0\\.0\\.1:${server.port}/0 back up after \\d+\\.\\d s \\(\\d+ commands? failed\\)$`)),
    ]);
    expect(stderr).not.toMatch(/Unhandled error event/);
    expect(`${stdout}${stderr}`).not.toContain(password);
  });
});
