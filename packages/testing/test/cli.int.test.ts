import { createServer } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import { MessageCipher } from '@wxopen/core';
import { COMMANDS } from '../src/cli/main';
import { WXOPEN_SIMULATE, cleanEnv, runNode, wxopen } from './cli-support';

/** A loopback port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const credentials = { WECHAT_COMPONENT_APPID: 'wx1234567890abcdef', WECHAT_TOKEN: 'tokenvalue123', WECHAT_AES_KEY: 'a'.repeat(43) };

describe('wxopen help and exit codes', () => {
  test('wxopen --help lists every command and exits 0', async () => {
    const ran = await wxopen(['--help']);
    expect(ran.code).toBe(0);
    for (const command of COMMANDS) expect(ran.stdout).toContain(`  ${command.name}`);
  });

  test.each(COMMANDS.map((c) => c.name))('wxopen %s --help prints its usage and exits 0', async (name) => {
    const ran = await wxopen([name, '--help']);
    expect(ran.code).toBe(0);
    expect(ran.stdout).toMatch(new RegExp(`^usage: wxopen ${name}`));
    expect(ran.stderr).toBe('');
  });

  test('-h works after other arguments, even ones that would not parse', async () => {
    expect((await wxopen(['push', 'text', '--nonsense', '-h'])).code).toBe(0);
  });

  test('no command, an unknown command or an unknown option exit 2 with a one-line reason', async () => {
    const none = await wxopen([]);
    expect(none).toMatchObject({ code: 2, stderr: 'wxopen: say which command to run (wxopen --help lists them)\n' });
    const unknown = await wxopen(['frobnicate']);
    expect(unknown).toMatchObject({ code: 2, stderr: 'wxopen: unknown command "frobnicate" (wxopen --help lists the commands)\n' });
    const option = await wxopen(['push', 'text', '--colour', 'red']);
    expect(option).toMatchObject({ code: 2, stderr: 'wxopen push: unknown option --colour (see wxopen push --help)\n' });
    const missing = await wxopen(['status', '--file']);
    expect(missing).toMatchObject({ code: 2, stderr: 'wxopen status: option --file needs a value (see wxopen status --help)\n' });
    const stray = await wxopen(['keygen', 'extra']);
    expect(stray).toMatchObject({ code: 2, stderr: 'wxopen keygen: unexpected argument "extra" (see wxopen keygen --help)\n' });
  });

  test('--version prints the package version', async () => {
    const ran = await wxopen(['--version']);
    expect(ran).toMatchObject({ code: 0, stdout: '0.1.0\n' });
  });
});

describe('wxopen keygen', () => {
  test('makes a Token and an EncodingAESKey the core accepts, different each time', async () => {
    const first = await wxopen(['keygen']);
    const second = await wxopen(['keygen']);
    expect(first.code).toBe(0);
    const token = /^WECHAT_TOKEN=([A-Za-z0-9]{32})$/m.exec(first.stdout)?.[1];
    const key = /^WECHAT_AES_KEY=([A-Za-z0-9]{43})$/m.exec(first.stdout)?.[1];
    expect(token).toBeDefined();
    expect(key).toBeDefined();
    const cipher = new MessageCipher(key as string, 'wx1234567890abcdef');
    expect(cipher.decrypt(cipher.encrypt('round trip')).message.toString()).toBe('round trip');
    expect(second.stdout).not.toBe(first.stdout);
    expect(first.stdout).not.toMatch(/WECHAT_COMPONENT/);
  });

  test('--demo --json adds a demo appid and AppSecret, as JSON', async () => {
    const ran = await wxopen(['keygen', '--demo', '--json']);
    expect(ran.code).toBe(0);
    const keys = JSON.parse(ran.stdout) as Record<string, string>;
    expect(keys).toEqual({
      token: expect.stringMatching(/^[A-Za-z0-9]{32}$/),
      encodingAESKey: expect.stringMatching(/^[A-Za-z0-9]{43}$/),
      appId: expect.stringMatching(/^wx[0-9a-f]{16}$/),
      appSecret: expect.stringMatching(/^[0-9a-f]{32}$/),
    });
  });
});

describe('network errors', () => {
  test('a refused connection names the host and the reason, not "fetch failed"', async () => {
    const port = await closedPort();
    const ran = await wxopen(['push', 'text', 'hi', '--url', `http://127.0.0.1:${port}/wechat`], cleanEnv(credentials));
    expect(ran.code).toBe(1);
    expect(ran.stderr).toBe(`wxopen push: cannot reach http://127.0.0.1:${port}: connection refused (ECONNREFUSED)\n`);
    expect(ran.stderr).not.toContain('fetch failed');
  });

  test('a server that never answers is reported as a timeout of the --timeout given', async () => {
    const sockets: Socket[] = [];
    const silent = createServer((socket) => void sockets.push(socket)); // accepts connections, never answers
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    try {
      const ran = await wxopen(['verify-url', '--url', `http://127.0.0.1:${port}/wechat/callback/$APPID$`, '--timeout', '1'], cleanEnv(credentials));
      expect(ran.code).toBe(1);
      expect(ran.stderr).toBe(`wxopen verify-url: cannot reach http://127.0.0.1:${port}: no answer within 1 s (timeout)\n`);
    } finally {
      await new Promise<void>((resolve) => {
        silent.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
    }
  });
});

describe('credentials', () => {
  test('push without credentials names the variables to set and exits 2', async () => {
    const ran = await wxopen(['push', 'text', 'x']);
    expect(ran.code).toBe(2);
    expect(ran.stderr).toBe(
      'wxopen push: set WECHAT_COMPONENT_APPID, WECHAT_TOKEN and WECHAT_AES_KEY (or --component-appid, --token, --aes-key); a running example prints them\n',
    );
  });

  test('names only what is missing, and refuses a malformed EncodingAESKey without echoing it', async () => {
    const partial = await wxopen(['push', 'text', 'x'], cleanEnv({ WECHAT_COMPONENT_APPID: 'wx1234567890abcdef', WECHAT_TOKEN: 't' }));
    expect(partial.stderr).toContain('set WECHAT_AES_KEY (or --aes-key)');
    const secretLooking = 'not-a-key-but-secret-0123456789';
    const bad = await wxopen(['push', 'text', 'x', '--aes-key', secretLooking], cleanEnv(credentials));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--aes-key must be the 43-character EncodingAESKey');
    expect(bad.stderr + bad.stdout).not.toContain(secretLooking);
  });
});

describe('wxopen-simulate', () => {
  test('is wxopen push under its former name', async () => {
    const ran = await runNode(WXOPEN_SIMULATE, ['--help']);
    expect(ran.code).toBe(0);
    expect(ran.stdout).toMatch(/^usage: wxopen push/);
    const list = await runNode(WXOPEN_SIMULATE, ['--list']);
    expect(list.stdout).toContain('component_verify_ticket');
  });
});
