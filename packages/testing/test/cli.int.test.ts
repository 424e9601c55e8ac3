import { execFile } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import type { CallbackRequest } from '@wxopen/core';
import { AuthServer } from '@wxopen/core';
import { WechatSimulator } from '@wxopen/testing';

const run = promisify(execFile);
const CLI = path.resolve(__dirname, '../dist/cli.js');
const secrets = WechatSimulator.generateSecrets();
const tickets: string[] = [];
let server: http.Server;
let base: string;

beforeAll(async () => {
  const platform = new AuthServer({ ...secrets, onError: () => {} });
  platform.messages.on('text', (m) => `echo: ${m.Content}`);
  platform.messages.onEvent('subscribe', () => 'welcome');
  platform.onInfo('component_verify_ticket', (info) => void tickets.push(info.ComponentVerifyTicket));
  server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const request: CallbackRequest = { method: req.method ?? 'GET', query: Object.fromEntries(url.searchParams), headers: req.headers, body: req };
    const handle = url.pathname.endsWith('/auth') ? platform.handleAuthEvent(request) : platform.handleMessage(request);
    void handle.then((out) => res.writeHead(out.status, out.headers).end(out.body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/wechat`;
});

afterAll(() => new Promise((resolve) => server.close(resolve)));

const env = { ...process.env, WECHAT_COMPONENT_APPID: secrets.appId, WECHAT_TOKEN: secrets.token, WECHAT_AES_KEY: secrets.encodingAESKey };

test('wxopen-simulate sends an encrypted text message and prints the verified, decrypted reply', async () => {
  const { stdout } = await run(process.execPath, [CLI, '--url', base, 'text', 'hi there'], { env });
  expect(stdout).toContain('HTTP 200');
  expect(stdout).toContain('encrypted, signature verified');
  expect(stdout).toContain('<Content><![CDATA[echo: hi there]]></Content>');
});

test('wxopen-simulate sends events and verify-ticket pushes', async () => {
  expect((await run(process.execPath, [CLI, '--url', base, 'event', 'subscribe'], { env })).stdout).toContain('welcome');
  expect((await run(process.execPath, [CLI, '--url', base, 'ticket'], { env })).stdout).toContain('success');
  expect(tickets).toHaveLength(1);
  expect(tickets[0]).toMatch(/^ticket@@@/);
});

test('wxopen-simulate without credentials names the variables to set and exits 2', async () => {
  const bare = { PATH: process.env['PATH'] ?? '' };
  await expect(run(process.execPath, [CLI, 'text', 'x'], { env: bare })).rejects.toMatchObject({
    code: 2,
    stderr: expect.stringContaining('WECHAT_COMPONENT_APPID, WECHAT_TOKEN and WECHAT_AES_KEY'),
  });
});
