/**
 * What every example's test checks, written once: the conformance suite on its `buildApp`, the demo
 * handlers through supertest, and the built example as a real process (start, serve a push, stop).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import type http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import type { AuthServer } from '@wxopen/core';
import { WechatSimulator, textMessage } from '@wxopen/testing';
import { createPlatform } from '@wxopen/example-shared';
import { describeConformance } from '../../../test/conformance/suite';

const ROOT = path.resolve(__dirname, '../../..');

/** The environment of the example process: ours without any wxopen setting, plus `extra`. */
function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) if (!/^(WECHAT_|WXOPEN_|REDIS_|PORT$|HOST$)/.test(name)) env[name] = value;
  // A state file of its own per run, so no test writes into the working tree or shares state.
  const stateFile = path.join(os.tmpdir(), `wxopen-example-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}.json`);
  return { ...env, PORT: '0', HOST: '127.0.0.1', WXOPEN_STATE_FILE: stateFile, ...extra };
}

interface Exited {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Starts the built example and resolves once it printed its `listening on` line (or rejects when it exits first). */
function startExample(entry: string, env: NodeJS.ProcessEnv) {
  const child = spawn(process.execPath, [entry], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<Exited>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr })));
  const listening = new Promise<string>((resolve, reject) => {
    child.stdout.on('data', () => {
      const url = /listening on (http:\/\/\S+)/.exec(stdout)?.[1];
      if (url) resolve(url);
    });
    void exited.then((result) => reject(new Error(`the example exited (${String(result.code)}) before listening:\n${result.stdout}${result.stderr}`)));
  });
  listening.catch(() => undefined); // awaited only by tests that expect the example to listen
  return { child, exited, listening, output: () => stdout };
}

function printed(output: string, name: string): string {
  const value = new RegExp(`^\\s*${name}=(\\S+)$`, 'm').exec(output)?.[1];
  if (value === undefined) throw new Error(`the example did not print ${name}:\n${output}`);
  return value;
}

/** Builds the example's server (not listening) for a platform. */
export type BuildServer = (platform: AuthServer) => http.Server | Promise<http.Server>;

export function describeExample(framework: 'express' | 'koa' | 'fastify', buildServer: BuildServer): void {
  const entry = path.join(ROOT, 'examples', framework, 'dist', 'index.js');

  describeConformance(`${framework} example`, (platform) => buildServer(platform), { setups: ['bare'] });

  describe(`${framework} example app`, () => {
    const secrets = WechatSimulator.generateSecrets();
    const wechat = new WechatSimulator(secrets);
    const logged: string[] = [];
    let server: http.Server;
    beforeAll(async () => {
      server = await buildServer(createPlatform(secrets, { log: (line) => logged.push(line), onError: () => undefined }));
    });

    test('answers a text message with "echo: <Content>", encrypted', async () => {
      const push = wechat.encrypted(textMessage('hi there'));
      const res = await request(server).post(push.url('/wechat/callback/wx_authorizer')).set('content-type', 'text/xml').send(push.body);
      expect(wechat.openReply(res.text)).toMatchObject({ encrypted: true, record: { Content: 'echo: hi there', MsgType: 'text' } });
    });

    test('acknowledges a verify ticket push with success and logs its type, not the ticket', async () => {
      const push = wechat.component({ AppId: secrets.appId, CreateTime: 1700000000, InfoType: 'component_verify_ticket', ComponentVerifyTicket: 'ticket@@@secret' });
      const res = await request(server).post(push.url('/wechat/auth')).set('content-type', 'text/xml').send(push.body);
      expect(res.text).toBe('success');
      expect(logged).toContain('component_verify_ticket received');
      expect(logged.join('\n')).not.toContain('ticket@@@secret');
    });

    test('acknowledges any other message with success', async () => {
      const push = wechat.encrypted({ ...textMessage('x'), MsgType: 'location', Location_X: '1', Location_Y: '2', Scale: '3', Label: 'here' });
      const res = await request(server).post(push.url('/wechat/callback/wx_authorizer')).set('content-type', 'text/xml').send(push.body);
      expect(res.text).toBe('success');
    });
  });

  describe(`${framework} example process`, () => {
    beforeAll(() => {
      if (!existsSync(entry)) throw new Error(`${path.relative(ROOT, entry)} is missing: run \`npx tsc -b\` first`);
    });

    test('starts with printed demo credentials, serves an encrypted push over HTTP and exits 0 on SIGTERM', async () => {
      const example = startExample(entry, childEnv({}));
      try {
        const url = await example.listening;
        const output = example.output();
        expect(output).toMatch(/LOCAL DEMO/);
        const wechat = new WechatSimulator({
          appId: printed(output, 'WECHAT_COMPONENT_APPID'),
          token: printed(output, 'WECHAT_TOKEN'),
          encodingAESKey: printed(output, 'WECHAT_AES_KEY'),
        });
        const push = wechat.encrypted(textMessage('over the wire'));
        const res = await fetch(`${url}${push.url('/wechat/callback/wx_authorizer')}`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body: push.body });
        expect(res.status).toBe(200);
        expect(wechat.openReply(await res.text()).record['Content']).toBe('echo: over the wire');
      } finally {
        example.child.kill('SIGTERM');
      }
      expect(await example.exited).toMatchObject({ code: 0, signal: null });
    }, 20_000);

    test('refuses to start with exit code 1 when only some credentials are set, naming the missing ones', async () => {
      const example = startExample(entry, childEnv({ WECHAT_COMPONENT_APPID: 'wx0123456789abcdef', WECHAT_TOKEN: 'token' }));
      const exited = await example.exited;
      expect(exited.code).toBe(1);
      expect(exited.stderr).toMatch(/missing WECHAT_COMPONENT_SECRET, WECHAT_AES_KEY\./);
    }, 20_000);
  });
}
