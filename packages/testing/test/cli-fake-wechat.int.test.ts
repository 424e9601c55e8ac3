import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { WXOPEN, cleanEnv, wxopen } from './cli-support';

interface Running {
  readonly url: string;
  output(): string;
  stop(signal: NodeJS.Signals): Promise<number | null>;
}

/** Starts `wxopen fake-wechat <args>` and resolves once it printed its URL and the lines after it. */
function startFake(args: string[], env = cleanEnv()): Promise<Running> {
  const child = spawn(process.execPath, [WXOPEN, 'fake-wechat', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  // `close`, not `exit`: the output is complete only once the streams are closed.
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    child.stdout.on('data', () => {
      const url = /fake WeChat listening on (http:\/\/\S+)/.exec(output)?.[1];
      if (url && output.includes('WECHAT_API_BASE=')) resolve({ url, output: () => output, stop: (signal) => (child.kill(signal), exited) });
    });
    void exited.then((code) => reject(new Error(`wxopen fake-wechat exited (${String(code)}):\n${output}`)));
  });
}

async function post(url: string, body: Record<string, unknown>): Promise<Record<string, unknown>> {
  const response = await fetch(url, { method: 'POST', body: JSON.stringify(body) });
  return (await response.json()) as Record<string, unknown>;
}

const component = { appId: 'wx00000000000fa4e0', secret: 'component-secret-for-the-fake' };

describe('wxopen fake-wechat', () => {
  test('serves the fake WeChat with the given component, tickets and authorizers, logs paths only, and stops on SIGTERM', async () => {
    const ticket = 'ticket@@@preset-ticket-for-the-fake';
    const fake = await startFake(['--port', '0', '--ticket', ticket, '--authorizer', 'wx00000000000a0001'], cleanEnv({ WECHAT_COMPONENT_APPID: component.appId, WECHAT_COMPONENT_SECRET: component.secret }));
    let token = '';
    try {
      expect(fake.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(fake.output()).toContain(`component appid ${component.appId}; AppSecret from WECHAT_COMPONENT_SECRET`);
      expect(fake.output()).toContain(`WECHAT_API_BASE=${fake.url}`);

      const issued = await post(`${fake.url}/cgi-bin/component/api_component_token`, {
        component_appid: component.appId,
        component_appsecret: component.secret,
        component_verify_ticket: ticket,
      });
      token = String(issued['component_access_token']);
      expect(token.length).toBeGreaterThan(10);
      const info = await post(`${fake.url}/cgi-bin/component/api_get_authorizer_info?component_access_token=${encodeURIComponent(token)}`, {
        component_appid: component.appId,
        authorizer_appid: 'wx00000000000a0001',
      });
      expect(info).toMatchObject({ authorization_info: { authorizer_appid: 'wx00000000000a0001' } });
      const refused = await post(`${fake.url}/cgi-bin/component/api_component_token`, {
        component_appid: component.appId,
        component_appsecret: 'wrong',
        component_verify_ticket: ticket,
      });
      expect(refused['errcode']).toEqual(expect.any(Number));
    } finally {
      expect(await fake.stop('SIGTERM')).toBe(0);
    }
    const output = fake.output();
    expect(output).toContain('POST /cgi-bin/component/api_component_token → 200');
    expect(output).toContain('POST /cgi-bin/component/api_get_authorizer_info → 200');
    expect(output).toContain('fake WeChat: SIGTERM received, stopping');
    for (const secret of [token, component.secret, ticket]) expect(output).not.toContain(secret);
  });

  test('listens on the port asked for, and stops on SIGINT', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const fake = await startFake(['--port', String(port), '--quiet']);
    expect(fake.url).toBe(`http://127.0.0.1:${port}`);
    const answer = await fetch(`${fake.url}/no/such/api`);
    expect(answer.status).toBe(404);
    expect(await fake.stop('SIGINT')).toBe(0);
    expect(fake.output()).not.toContain('/no/such/api');
  });

  test('a port in use exits 1 naming the address and the reason', async () => {
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const { port } = busy.address() as AddressInfo;
    try {
      const ran = await wxopen(['fake-wechat', '--port', String(port)]);
      expect(ran.code).toBe(1);
      expect(ran.stderr).toBe(`wxopen fake-wechat: cannot listen on 127.0.0.1:${port}: address already in use (EADDRINUSE)\n`);
    } finally {
      await new Promise<void>((resolve) => busy.close(() => resolve()));
    }
  });

  test('a port out of range is a usage error', async () => {
    expect(await wxopen(['fake-wechat', '--port', '70000'])).toMatchObject({ code: 2, stderr: expect.stringContaining('--port must be a whole number from 0 to 65535') });
  });
});
