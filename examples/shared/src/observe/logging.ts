/**
 * Structured logs with pino: one JSON object per line on standard output. wxopen's errors arrive through the
 * platform's `onError` hook, its late replies through `onLateReply`, and what happens off the request path
 * (the store going down and up, token fetches and WeChat API calls that fail, authorization codes) through
 * its diagnostics channels. Fields hold what wxopen publishes: codes, ids, kinds and messages, never a token,
 * ticket, key or code.
 *
 * For a human at a terminal, pipe the output through pino-pretty: `npm start | npx pino-pretty`.
 */
import type { ErrorHook, LateReplyHook } from '@wxopen/core';
import { subscribe } from '@wxopen/core';
import type { Level, Logger } from 'pino';
import { pino } from 'pino';
import { ConfigError } from '../config';

/** `WXOPEN_LOG_LEVEL`: the least severe level written. */
export type LogLevel = Level | 'silent';

const LEVELS: readonly LogLevel[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];

type Env = Readonly<Record<string, string | undefined>>;

/** Reads `WXOPEN_LOG_LEVEL` (default `info`); throws a `ConfigError` naming the levels for another value. */
export function loadLogLevel(env: Env = process.env): LogLevel {
  const raw = env['WXOPEN_LOG_LEVEL']?.trim().toLowerCase();
  if (raw === undefined || raw === '') return 'info';
  const level = LEVELS.find((name) => name === raw);
  if (level === undefined) throw new ConfigError(`WXOPEN_LOG_LEVEL must be one of ${LEVELS.join(', ')}, got "${raw}"`);
  return level;
}

/**
 * A pino logger writing to `destination` (default: standard output, synchronously, so that nothing logged
 * before `process.exit` is lost).
 */
export function createLogger(level: LogLevel = 'info', destination: pino.DestinationStream = pino.destination({ dest: 1, sync: true })): Logger {
  return pino({ level, base: { pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime }, destination);
}

/** The longest untrusted value (an appid from the URL, a cause's message) a log line carries. */
const MAX_FIELD = 300;

function cut(text: string, max = MAX_FIELD): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** The message of an error's cause, when it has one. */
function causeOf(error: Error): string | undefined {
  const cause = error.cause;
  if (cause instanceof Error && cause.message !== '') return cut(cause.message);
  if (typeof cause === 'string' && cause !== '') return cut(cause);
  return undefined;
}

/**
 * The platform's `onError` hook: one line per rejected request or failed handler, at `error` for what is
 * answered 5xx (WeChat retries: something on our side failed) and `warn` for 4xx (a bad or forged request).
 * The authorizer appid is a field of its own, as the URL gave it (cut, never interpolated into the message).
 */
export function errorLogger(logger: Logger): ErrorHook {
  return (error, context) => {
    const fields = {
      code: error.code,
      status: error.status,
      detail: error.detail,
      endpoint: context.endpoint,
      authorizerAppId: context.authorizerAppId ? cut(context.authorizerAppId, 64) : undefined,
      errcode: 'errcode' in error && typeof error.errcode === 'number' ? error.errcode : undefined,
      cause: causeOf(error),
    };
    if (error.status >= 500) logger.error(fields, error.message);
    else logger.warn(fields, error.message);
  };
}

/** The platform's `onLateReply` hook: a reply ready after `success` was answered is dropped, and said so. */
export function lateReplyLogger(logger: Logger): LateReplyHook {
  return (late) => {
    logger.warn(
      { authorizerAppId: late.authorizerAppId, msgType: cut(String(late.message.MsgType), 64) },
      'a reply missed the reply deadline and was dropped (send it with the customer-service API if it matters)',
    );
  };
}

/**
 * Logs what wxopen publishes off the request path: the store going down (`error`) and up (`info`), failed
 * token fetches and WeChat API errors (`warn`; 45009 is the daily quota), authorization codes (`info`;
 * `warn` while retried, `error` when given up), and at `debug` every callback and API call. Returns the
 * function that unsubscribes.
 */
export function logEvents(logger: Logger): () => void {
  const unsubscribe = [
    subscribe('wxopen:store', (event) => {
      if (event.state === 'down') logger.error({ event: 'store', state: 'down', reason: event.reason }, 'the store stopped answering: callbacks get 503 until it answers');
      else logger.info({ event: 'store', state: 'up' }, 'the store answers again');
    }),
    subscribe('wxopen:token', (event) => {
      const fields = { event: 'token', ...event };
      if (event.outcome === 'failed') logger.warn(fields, `${event.credential} token fetch failed`);
      else logger.debug(fields, `${event.credential} token fetched`);
    }),
    subscribe('wxopen:api', (event) => {
      const fields = { event: 'api', ...event };
      if (event.outcome === 'ok') logger.debug(fields, 'WeChat API call');
      else if (event.errcode === 45009) logger.warn(fields, 'WeChat API daily quota reached (45009)');
      else logger.warn(fields, 'WeChat API call failed');
    }),
    subscribe('wxopen:outbox', (event) => {
      const fields = { event: 'authorization', ...event };
      if (event.outcome === 'failed') logger.error(fields, 'authorization code given up: it expired before it could be exchanged');
      else if (event.outcome === 'retrying') logger.warn(fields, 'authorization code exchange failed, will retry');
      else logger.info(fields, `authorization code ${event.outcome}`);
    }),
    // Every request publishes one: its fields are copied only when debug lines are written.
    subscribe('wxopen:callback', (event) => {
      if (logger.isLevelEnabled('debug')) logger.debug({ event: 'callback', ...event }, 'callback answered');
    }),
  ];
  return () => {
    for (const stop of unsubscribe.splice(0)) stop();
  };
}
