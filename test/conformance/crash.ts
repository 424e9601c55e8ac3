/**
 * The crash-safety suite, run by every Node adapter: a response that cannot be written must never take the
 * process down. Each adapter names a child script that mounts wxopen on its framework behind a middleware that
 * can answer first (see `crash-child.mjs`); the child is a real process on the BUILT packages, so an unhandled
 * rejection would be a real one (Node would exit with code 1; the child listens for it and reports it instead).
 *
 * Contract checked: the error hook gets what the core found (e.g. `ERR_MSG_SIGNATURE`) and then exactly one
 * `ERR_RESPONSE` for the response that was dropped; nothing is thrown; the next push is answered normally.
 */
import http from 'node:http';
import path from 'node:path';
import request from 'supertest';
import type { Push } from '@wxopen/testing';
import { WechatSimulator, textMessage } from '@wxopen/testing';
import { Child, waitUntil } from '../multiprocess/harness';
import { MESSAGE_PATH, withQuery } from './inputs';

// The constants of crash-child.mjs (a plain ES module the children import).
const ANSWER_FIRST = 'x-test-answer-first';
const HOLD_HEADER = 'x-test-hold';
const HOLD = 'hold until the client left';

interface HookCall {
  readonly code: string;
  readonly detail: string | null;
}

/** Runs the crash-safety cases against the child process `script` (an absolute path) starts. */
export function describeCrashSafety(name: string, script: string): void {
  describe(`${name} crash safety, in a child process`, () => {
    const secrets = WechatSimulator.generateSecrets();
    const wechat = new WechatSimulator(secrets);
    let child: Child;
    let port: number;

    beforeAll(async () => {
      // `Child` resolves its script next to the multiprocess harness.
      child = new Child(path.relative(path.join(__dirname, '../multiprocess'), script), {
        WXOPEN_TEST_APP_ID: secrets.appId,
        WXOPEN_TEST_TOKEN: secrets.token,
        WXOPEN_TEST_AES_KEY: secrets.encodingAESKey,
      });
      port = Number((await child.event('ready'))['port']);
    }, 30_000);
    afterAll(() => child.kill());

    const hookCalls = (): HookCall[] => child.events('error').map((event) => ({ code: String(event['code']), detail: event['detail'] as string | null }));
    const post = (push: Push) => request(`http://127.0.0.1:${port}`).post(push.url(MESSAGE_PATH)).set('content-type', 'text/xml');

    /** Waits until `condition` holds, or the child reported a crash or exited (which the next checks show). */
    const settled = (what: string, condition: () => boolean) =>
      waitUntil(what, () => condition() || child.events('crash').length > 0 || child.process.exitCode !== null, 4_000);

    /** Nothing unhandled, still alive, and a valid push right after gets its normal reply. */
    async function expectStillServing(): Promise<void> {
      expect(child.events('crash')).toEqual([]);
      expect(child.process.exitCode).toBeNull();
      const push = wechat.encrypted(textMessage('next'));
      const res = await post(push).send(push.body);
      expect(res.status).toBe(200);
      expect(wechat.openReply(res.text).record['Content']).toBe('echo: next');
      expect(child.events('crash')).toEqual([]);
    }

    test('drops the 401 it can no longer write after a middleware answered 503 first, reports ERR_MSG_SIGNATURE then one ERR_RESPONSE, and keeps serving', async () => {
      const before = hookCalls().length;
      const push = wechat.encrypted(textMessage('x'));
      const forged = { ...push, url: (p: string) => `${p}?${new URLSearchParams(withQuery(push.query, 'msg_signature', 'f'.repeat(40)))}` };
      const res = await post(forged).set(ANSWER_FIRST, '1').send(push.body);
      expect(res.status).toBe(503);
      await settled('the error hook heard of the dropped response', () => hookCalls().some((call) => call.code === 'ERR_RESPONSE'));
      await expectStillServing();
      const calls = hookCalls().slice(before);
      expect(calls.map((call) => call.code)).toEqual(['ERR_MSG_SIGNATURE', 'ERR_RESPONSE']);
      expect(calls[1]?.detail).toBe('headers already sent');
    });

    test('drops the reply to a client that left while its handler ran, reports one ERR_RESPONSE, and keeps serving', async () => {
      const before = hookCalls().length;
      const push = wechat.encrypted(textMessage(HOLD));
      const held = http.request({ host: '127.0.0.1', port, method: 'POST', path: push.url(MESSAGE_PATH), agent: false, headers: { 'content-type': 'text/xml', [HOLD_HEADER]: '1' } });
      const gone = new Promise<void>((resolve) => held.on('error', () => resolve()).on('close', () => resolve()));
      held.end(push.body);
      await child.event('holding');
      held.destroy();
      await gone;
      await settled('the error hook heard of the dropped reply', () => hookCalls().length > before);
      await expectStillServing();
      expect(hookCalls().slice(before)).toEqual([{ code: 'ERR_RESPONSE', detail: 'connection closed' }]);
    });
  });
}
