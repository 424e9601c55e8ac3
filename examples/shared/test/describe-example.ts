/**
 * What every example's test checks, written once: the conformance suite on its `buildApp`, the demo
 * handlers through supertest, and the built example as a real process (start, serve a push, stop).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import type http from 'node:http';
import path from 'node:path';
import request from 'supertest';
import type { AuthServer } from '@wxopen/core';
import { WechatSimulator, textMessage } from '@wxopen/testing';
import { createPlatform } from '@wxopen/example-shared';
import { describeConformance } from '@wxopen/testing/conformance';
import { describeServerLimits } from './describe-limits';
import { describeObservability } from './describe-observability';
import type { Framework } from './example-process';
import { ROOT, childEnv, entryOf, printed, removeStateDirectories, startExample } from './example-process';

/** Builds the example's server (not listening) for a platform. */
export type BuildServer = (platform: AuthServer) => http.Server | Promise<http.Server>;

export function describeExample(framework: Framework, buildServer: BuildServer): void {
  const entry = entryOf(framework);

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
      const res = await request(server).post(push.url('/wechat/callback/wx0000000000000a00')).set('content-type', 'text/xml').send(push.body);
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
      const res = await request(server).post(push.url('/wechat/callback/wx0000000000000a00')).set('content-type', 'text/xml').send(push.body);
      expect(res.text).toBe('success');
    });
  });

  describe(`${framework} example process`, () => {
    beforeAll(() => {
      if (!existsSync(entry)) throw new Error(`${path.relative(ROOT, entry)} is missing: run \`npx tsc -b\` first`);
    });
    afterAll(removeStateDirectories);

    test('starts with printed demo credentials, serves an encrypted push over HTTP and exits 0 on SIGTERM', async () => {
      const example = startExample(entry, childEnv({}));
      try {
        const url = await example.listening;
        const output = example.output();
        expect(output).toMatch(/LOCAL DEMO credentials were generated and saved to /);
        const wechat = new WechatSimulator({
          appId: printed(output, 'WECHAT_COMPONENT_APPID'),
          token: printed(output, 'WECHAT_TOKEN'),
          encodingAESKey: printed(output, 'WECHAT_AES_KEY'),
        });
        const push = wechat.encrypted(textMessage('over the wire'));
        const res = await fetch(`${url}${push.url('/wechat/callback/wx0000000000000a00')}`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body: push.body });
        expect(res.status).toBe(200);
        expect(wechat.openReply(await res.text()).record['Content']).toBe('echo: over the wire');
      } finally {
        example.child.kill('SIGTERM');
      }
      expect(await example.exited).toMatchObject({ code: 0, signal: null });
    }, 20_000);

    test('keeps its demo credentials across restarts, in demo-credentials.json beside the state file, readable by its user only', async () => {
      const env = childEnv({});
      const stateFile = env['WXOPEN_STATE_FILE'] as string;
      const credentialsFile = path.join(path.dirname(stateFile), 'demo-credentials.json');
      const runOnce = async () => {
        const example = startExample(entry, env);
        try {
          await example.listening;
          return example.output();
        } finally {
          example.child.kill('SIGTERM');
          await example.exited;
        }
      };
      const first = await runOnce();
      const second = await runOnce();
      expect(second).toContain(`LOCAL DEMO credentials were read from ${credentialsFile}.`);
      for (const name of ['WECHAT_COMPONENT_APPID', 'WECHAT_COMPONENT_SECRET', 'WECHAT_TOKEN', 'WECHAT_AES_KEY']) {
        expect(printed(second, name)).toBe(printed(first, name));
      }
      expect(statSync(credentialsFile).mode & 0o777).toBe(0o600);
      expect(JSON.parse(readFileSync(credentialsFile, 'utf8'))).toMatchObject({ appId: printed(first, 'WECHAT_COMPONENT_APPID') });
    }, 20_000);

    test('refuses to start with exit code 1 when only some credentials are set, naming the missing ones', async () => {
      const example = startExample(entry, childEnv({ WECHAT_COMPONENT_APPID: 'wx0123456789abcdef', WECHAT_TOKEN: 'token' }));
      const exited = await example.exited;
      expect(exited.code).toBe(1);
      expect(exited.stderr).toMatch(/missing WECHAT_COMPONENT_SECRET, WECHAT_AES_KEY\./);
    }, 20_000);
  });

  describeServerLimits(framework);
  describeObservability(framework);
}
