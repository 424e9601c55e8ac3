/**
 * The crash-safety suite, run by every Node adapter: a response that cannot be written must never take the
 * process down. Each adapter names a child script that mounts wxopen on its framework behind a middleware that
 * can answer first (see `crash-child.ts`); the child is a real process on the BUILT packages, so an unhandled
 * rejection would be a real one (Node would exit with code 1; the child listens for it and reports it instead).
 *
 * Contract checked: the error hook gets what the core found (e.g. `ERR_MSG_SIGNATURE`) and then exactly one
 * `ERR_RESPONSE` for the response that was dropped; nothing is thrown; the next push is answered normally.
 */
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import request from 'supertest';
import type { Push } from '../callback';
import { WechatSimulator, textMessage } from '../callback';
import { ANSWER_FIRST, HOLD, HOLD_HEADER } from './crash-child';
import { MESSAGE_PATH, withQuery } from './inputs';

interface HookCall {
  readonly code: string;
  readonly detail: string | null;
}

interface ChildEvent {
  readonly type: string;
  readonly [field: string]: unknown;
}

/** The child process under test: the IPC events it sent, and what it printed (for failure messages). */
class CrashChild {
  readonly process: ChildProcess;
  readonly #events: ChildEvent[] = [];
  #output = '';

  constructor(script: string, env: Record<string, string>) {
    this.process = fork(script, [], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
    const collect = (chunk: Buffer) => (this.#output += chunk.toString('utf8'));
    this.process.stdout?.on('data', collect);
    this.process.stderr?.on('data', collect);
    this.process.on('message', (message: unknown) => {
      if (typeof message === 'object' && message !== null && typeof (message as ChildEvent).type === 'string') this.#events.push(message as ChildEvent);
    });
  }

  get exited(): boolean {
    return this.process.exitCode !== null || this.process.signalCode !== null;
  }

  events(type: string): ChildEvent[] {
    return this.#events.filter((event) => event.type === type);
  }

  /** The first event of `type` (kept from before the call too). */
  async event(type: string, timeoutMs = 10_000): Promise<ChildEvent> {
    await waitUntil(`the child sent "${type}"`, () => this.events(type).length > 0 || this.exited, timeoutMs, () => this.#output);
    const found = this.events(type)[0];
    if (found === undefined) throw new Error(`the child exited before sending "${type}":\n${this.#output}`);
    return found;
  }

  async kill(): Promise<void> {
    if (this.exited) return;
    const exit = new Promise((resolve) => this.process.once('exit', resolve));
    this.process.kill('SIGKILL');
    await exit;
  }
}

/** Polls `condition` every 10 ms until it holds; rejects naming `what` after `timeoutMs`. */
async function waitUntil(what: string, condition: () => boolean, timeoutMs: number, output = () => ''): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}\n${output()}`);
    await sleep(10);
  }
}

/**
 * Registers the crash-safety cases against the child process that `script` (an absolute path to a Node script)
 * starts. The script mounts wxopen on the framework under test with `serveForCrashTest` from
 * `@wxopen/testing/conformance/crash-child`, behind a middleware that answers 503 first to requests carrying the
 * `ANSWER_FIRST` header. It runs on the built packages, as an app would.
 */
export function describeCrashSafety(name: string, script: string): void {
  describe(`${name} crash safety, in a child process`, () => {
    const secrets = WechatSimulator.generateSecrets();
    const wechat = new WechatSimulator(secrets);
    let child: CrashChild;
    let port: number;

    beforeAll(async () => {
      child = new CrashChild(script, {
        WXOPEN_TEST_APP_ID: secrets.appId,
        WXOPEN_TEST_TOKEN: secrets.token,
        WXOPEN_TEST_AES_KEY: secrets.encodingAESKey,
      });
      port = Number((await child.event('ready', 20_000))['port']);
    }, 30_000);
    afterAll(() => child.kill());

    const hookCalls = (): HookCall[] => child.events('error').map((event) => ({ code: String(event['code']), detail: event['detail'] as string | null }));
    const post = (push: Push) => request(`http://127.0.0.1:${port}`).post(push.url(MESSAGE_PATH)).set('content-type', 'text/xml');

    /** Waits until `condition` holds, or the child reported a crash or exited (which the next checks show). */
    const settled = (what: string, condition: () => boolean) =>
      waitUntil(what, () => condition() || child.events('crash').length > 0 || child.exited, 4_000);

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
