/* global setTimeout */
/**
 * What every child process of the several-process tests shares: its Redis store (a Cluster when
 * REDIS_CLUSTER_NODES lists one, else the standalone Redis of REDIS_URL) and its IPC loop. The parent sends
 * `{ id, op, … }`; the child answers `{ type: 'answer', id, answer: { ok, value } | { ok: false, code, message } }`.
 * The parent closing the channel (or dying) ends the child.
 */
import { createRedisStore, parseRedisNodes } from '@wxopen/redis';

/** The store of this child, on the BUILT `@wxopen/redis`, under WXOPEN_TEST_KEY_PREFIX. */
export function childStore(env, options = {}) {
  const target = env.REDIS_CLUSTER_NODES ? { cluster: parseRedisNodes(env.REDIS_CLUSTER_NODES) } : (env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  return createRedisStore(target, { keyPrefix: env.WXOPEN_TEST_KEY_PREFIX, ...options });
}

/** The code a failure is reported by: a `WxOpenError`'s code, a WeChat errcode, or the error's name. */
export function codeOf(error) {
  if (error && typeof error === 'object') return String(error.code ?? error.errcode ?? error.name);
  return String(error);
}

/** Answers the parent's requests with `ops[op](message)`; runs `close` (then exits) when the parent goes away. */
export function serveParent(ops, close) {
  process.on('message', (message) => {
    const { id, op } = message;
    const run = ops[op];
    Promise.resolve()
      .then(() => (run ? run(message) : Promise.reject(new Error(`unknown op ${op}`))))
      .then(
        (value) => ({ ok: true, value }),
        (error) => ({ ok: false, code: codeOf(error), message: error instanceof Error ? error.message : String(error) }),
      )
      .then((answer) => process.send?.({ type: 'answer', id, answer }));
  });
  process.on('disconnect', () => {
    void Promise.resolve()
      .then(close)
      .finally(() => process.exit(0));
    setTimeout(() => process.exit(0), 1000).unref();
  });
}
