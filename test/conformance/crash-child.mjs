/**
 * The child side of the crash-safety suite (`crash.ts`): a real process serving wxopen through the BUILT
 * packages on a real framework, mounted by the adapter's own child script with `serveForCrashTest`.
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
 */
import { AuthServer } from '@wxopen/core';

export const ANSWER_FIRST = 'x-test-answer-first';
export const HOLD_HEADER = 'x-test-hold';
export const HOLD = 'hold until the client left';

const tell = (message) => process.send?.(message);

/** Builds the platform, lets `makeServer` mount it, listens on 127.0.0.1 and reports `ready`. */
export async function serveForCrashTest(makeServer) {
  for (const kind of ['unhandledRejection', 'uncaughtException']) {
    process.on(kind, (error) => tell({ type: 'crash', kind, message: String(error instanceof Error ? error.stack : error) }));
  }
  const env = process.env;
  const platform = new AuthServer({
    appId: env.WXOPEN_TEST_APP_ID,
    token: env.WXOPEN_TEST_TOKEN,
    encodingAESKey: env.WXOPEN_TEST_AES_KEY,
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
  server.on('request', (request) => {
    if (request.headers[HOLD_HEADER]) clientGone = new Promise((resolve) => request.socket.once('close', resolve));
  });
  process.on('disconnect', () => process.exit(0));
  server.listen(0, '127.0.0.1', () => tell({ type: 'ready', port: server.address().port }));
}
