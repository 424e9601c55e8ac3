/**
 * The child side of the crash-safety suite (`describeCrashSafety`): a real process serving wxopen through the
 * BUILT packages on a real framework, mounted by the adapter's own child script with `serveForCrashTest`.
 * Published as `@wxopen/testing/conformance/crash-child`, apart from the suite: it runs outside jest.
 *
 * The framework's script adds one middleware in front of wxopen: for a request carrying the `ANSWER_FIRST`
 * header it answers 503 the moment the request body has arrived, as a timeout middleware does when its timer
 * fires while wxopen is still at work. A text push whose content is `HOLD`, sent with the `HOLD_HEADER`, makes
 * the handler wait until that client's connection has closed before it replies.
 *
 * IPC events: `{ type: 'ready', port }`; `{ type: 'error', code, detail }` per error-hook call;
 * `{ type: 'holding' }` when the held handler starts; `{ type: 'crash', kind, message }` per
 * `unhandledRejection` or `uncaughtException` (listened for, so the process stays up to tell).
 *
 * Environment: WXOPEN_TEST_APP_ID, WXOPEN_TEST_TOKEN, WXOPEN_TEST_AES_KEY.
 *
 * @packageDocumentation
 */
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import { AuthServer } from '@wxopen/core';

/** The request header that makes the child's middleware answer 503 before wxopen does. */
export const ANSWER_FIRST = 'x-test-answer-first';
/** The request header under which a `HOLD` push waits for its client to leave. */
export const HOLD_HEADER = 'x-test-hold';
/** The text content of a push whose handler waits until its client's connection closed. */
export const HOLD = 'hold until the client left';

/** Mounts `platform` on the framework under test, behind the `ANSWER_FIRST` middleware; not listening yet. */
export type MakeCrashServer = (platform: AuthServer) => http.Server | Promise<http.Server>;

const tell = (message: Record<string, unknown>): void => void process.send?.(message);

function env(name: string): string {
  const value = process.env[name];
  if (value === undefined) throw new TypeError(`wxopen: serveForCrashTest needs the environment variable ${name} (describeCrashSafety sets it)`);
  return value;
}

/** Builds the platform, lets `makeServer` mount it, listens on 127.0.0.1 and reports `ready` to the parent. */
export async function serveForCrashTest(makeServer: MakeCrashServer): Promise<void> {
  for (const kind of ['unhandledRejection', 'uncaughtException'] as const) {
    process.on(kind, (error: unknown) => tell({ type: 'crash', kind, message: String(error instanceof Error ? error.stack : error) }));
  }
  const platform = new AuthServer({
    appId: env('WXOPEN_TEST_APP_ID'),
    token: env('WXOPEN_TEST_TOKEN'),
    encodingAESKey: env('WXOPEN_TEST_AES_KEY'),
    onError: (error) => tell({ type: 'error', code: error.code, detail: error.detail ?? null }),
  });

  let clientGone = Promise.resolve();
  platform.messages.on('text', async (message) => {
    if (message.Content === HOLD) {
      tell({ type: 'holding' });
      await clientGone;
    }
    return `echo: ${message.Content}`;
  });

  const server = await makeServer(platform);
  server.on('request', (request: http.IncomingMessage) => {
    if (request.headers[HOLD_HEADER]) clientGone = new Promise((resolve) => request.socket.once('close', () => resolve()));
  });
  process.on('disconnect', () => process.exit(0));
  server.listen(0, '127.0.0.1', () => tell({ type: 'ready', port: (server.address() as AddressInfo).port }));
}
