/**
 * The time limits every example's server enforces on its connections, so that a client that trickles a body,
 * stalls, or opens connections and sends nothing is cut off by the server itself, whatever the framework.
 *
 * A WeChat push is a few kilobytes sent at once, and WeChat gives up on an answer after 5 s, so these bounds are
 * far above anything a legitimate push needs and far below what a slow-client attack needs to pile up.
 */
import http from 'node:http';
import { ConfigError } from './config';

export interface ServerLimits {
  /**
   * `WXOPEN_HEADERS_TIMEOUT_MS`, default 10 000: the request line and headers must all arrive within this, and a
   * connection that sends nothing at all is closed after it. Answered `408` and closed.
   */
  readonly headersTimeoutMs: number;
  /**
   * `WXOPEN_REQUEST_TIMEOUT_MS`, default 15 000: the whole request, headers and body, must arrive within this (a
   * body trickling one byte at a time is cut here). Answered `408` and closed. Not less than the headers timeout.
   */
  readonly requestTimeoutMs: number;
  /**
   * `WXOPEN_KEEP_ALIVE_TIMEOUT_MS`, default 5 000: an idle keep-alive connection is closed after this. Behind a
   * reverse proxy that reuses its connections, make it longer than the proxy's own idle timeout.
   */
  readonly keepAliveTimeoutMs: number;
  /**
   * `WXOPEN_IDLE_TIMEOUT_MS`, default 30 000: a connection on which no byte moves either way for this long (a
   * client that stopped reading the response) is destroyed.
   */
  readonly idleTimeoutMs: number;
  /**
   * `WXOPEN_SHUTDOWN_GRACE_MS`, default 8 000: on SIGTERM or SIGINT, how long requests in flight may take to
   * finish before every connection still open is destroyed (under the 10 s `docker stop` allows).
   */
  readonly shutdownGraceMs: number;
}

/** The defaults: a trickling body is cut within 16 s, a silent connection within 11 s, an idle one within 6 s. */
export const DEFAULT_SERVER_LIMITS: ServerLimits = Object.freeze({
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 15_000,
  keepAliveTimeoutMs: 5_000,
  idleTimeoutMs: 30_000,
  shutdownGraceMs: 8_000,
});

/** Every limit, with the environment variable that sets it. */
export const LIMIT_VARIABLES = Object.freeze({
  headersTimeoutMs: 'WXOPEN_HEADERS_TIMEOUT_MS',
  requestTimeoutMs: 'WXOPEN_REQUEST_TIMEOUT_MS',
  keepAliveTimeoutMs: 'WXOPEN_KEEP_ALIVE_TIMEOUT_MS',
  idleTimeoutMs: 'WXOPEN_IDLE_TIMEOUT_MS',
  shutdownGraceMs: 'WXOPEN_SHUTDOWN_GRACE_MS',
} satisfies Record<keyof ServerLimits, string>);

/** An hour: any limit beyond it is a typo, not a choice. */
const MAX_MS = 3_600_000;

type Env = Readonly<Record<string, string | undefined>>;

function milliseconds(env: Env, name: string, fallback: number, min: number): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > MAX_MS) {
    throw new ConfigError(`${name} must be a whole number of milliseconds from ${min} to ${MAX_MS}, got "${raw}"`);
  }
  return Number(raw);
}

/**
 * Reads the limits from `env` (each variable of `LIMIT_VARIABLES`, defaults `DEFAULT_SERVER_LIMITS`). The
 * timeouts are at least 1 ms: an example behind a hostile network never runs without them. Throws a
 * `ConfigError` naming the variable that is malformed.
 */
export function loadServerLimits(env: Env = process.env): ServerLimits {
  const limits: ServerLimits = {
    headersTimeoutMs: milliseconds(env, LIMIT_VARIABLES.headersTimeoutMs, DEFAULT_SERVER_LIMITS.headersTimeoutMs, 1),
    requestTimeoutMs: milliseconds(env, LIMIT_VARIABLES.requestTimeoutMs, DEFAULT_SERVER_LIMITS.requestTimeoutMs, 1),
    keepAliveTimeoutMs: milliseconds(env, LIMIT_VARIABLES.keepAliveTimeoutMs, DEFAULT_SERVER_LIMITS.keepAliveTimeoutMs, 1),
    idleTimeoutMs: milliseconds(env, LIMIT_VARIABLES.idleTimeoutMs, DEFAULT_SERVER_LIMITS.idleTimeoutMs, 1),
    shutdownGraceMs: milliseconds(env, LIMIT_VARIABLES.shutdownGraceMs, DEFAULT_SERVER_LIMITS.shutdownGraceMs, 0),
  };
  if (limits.headersTimeoutMs > limits.requestTimeoutMs) {
    throw new ConfigError(
      `${LIMIT_VARIABLES.headersTimeoutMs} (${limits.headersTimeoutMs}) must not exceed ${LIMIT_VARIABLES.requestTimeoutMs} ` +
        `(${limits.requestTimeoutMs}): the headers are part of the request`,
    );
  }
  return Object.freeze(limits);
}

/**
 * How often Node checks the headers and request timeouts of open connections (its default, 30 s, would let a
 * trickling body live up to 30 s past its timeout): every second, or a quarter of the shorter timeout.
 */
export function connectionsCheckingIntervalMs(limits: ServerLimits): number {
  return Math.max(10, Math.min(1000, Math.floor(Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs) / 4)));
}

/**
 * A Node HTTP server for `listener` that enforces `limits` (Express and Koa apps, and NestJS on Express, serve
 * through one). Node answers a request over its headers or request timeout with `408` and closes the connection;
 * a connection idle past `idleTimeoutMs` is destroyed, the server having no `'timeout'` listener.
 */
export function createHttpServer(listener: http.RequestListener, limits: ServerLimits): http.Server {
  const server = http.createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      connectionsCheckingInterval: connectionsCheckingIntervalMs(limits),
    },
    listener,
  );
  server.keepAliveTimeout = limits.keepAliveTimeoutMs;
  server.setTimeout(limits.idleTimeoutMs);
  return server;
}
