/**
 * HTTP for the commands, with errors that say which host could not be reached and why — from the error's
 * `cause.code` (`ECONNREFUSED`, `ENOTFOUND`, …) — instead of fetch's bare "fetch failed".
 */
import { CliError } from './errors';

const REASONS: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed for now',
  ETIMEDOUT: 'connection timed out',
  UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  EADDRNOTAVAIL: 'address not available',
  EACCES: 'permission denied',
  EADDRINUSE: 'address already in use',
  EPIPE: 'connection closed while sending',
  UND_ERR_SOCKET: 'connection closed by the server',
  UND_ERR_HEADERS_TIMEOUT: 'no response headers in time',
  UND_ERR_BODY_TIMEOUT: 'the response body stalled',
  EPROTO: 'TLS or protocol error',
  CERT_HAS_EXPIRED: 'TLS certificate expired',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'self-signed TLS certificate',
  SELF_SIGNED_CERT_IN_CHAIN: 'self-signed TLS certificate in the chain',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'TLS certificate not trusted',
  ERR_TLS_CERT_ALTNAME_INVALID: 'TLS certificate does not name this host',
};

interface ErrorLike {
  readonly code?: unknown;
  readonly name?: unknown;
  readonly message?: unknown;
  readonly cause?: unknown;
  readonly errors?: unknown;
}

/** The first error code along the cause chain (and inside an AggregateError, as a dual-stack connect throws). */
function codeOf(error: unknown, depth = 0): string | undefined {
  if (depth > 6 || typeof error !== 'object' || error === null) return undefined;
  const e = error as ErrorLike;
  if (typeof e.code === 'string' && e.code !== '') return e.code;
  const fromCause = codeOf(e.cause, depth + 1);
  if (fromCause !== undefined) return fromCause;
  if (Array.isArray(e.errors)) {
    for (const inner of e.errors) {
      const code = codeOf(inner, depth + 1);
      if (code !== undefined) return code;
    }
  }
  return undefined;
}

/** The innermost message along the cause chain, for errors without a code. */
function innermostMessage(error: unknown): string {
  let current: unknown = error;
  let message = error instanceof Error ? error.message : String(error);
  for (let depth = 0; depth < 6 && typeof current === 'object' && current !== null; depth++) {
    const e = current as ErrorLike;
    if (typeof e.message === 'string' && e.message !== '') message = e.message;
    current = e.cause;
  }
  return message;
}

/** Why a connection failed, e.g. `connection refused (ECONNREFUSED)`. */
export function networkReason(error: unknown, timeoutMs?: number): string {
  const name = (error as ErrorLike | undefined)?.name;
  if (name === 'TimeoutError' && timeoutMs !== undefined) return `no answer within ${timeoutMs / 1000} s (timeout)`;
  const code = codeOf(error);
  if (code !== undefined) return `${REASONS[code] ?? code.toLowerCase().replace(/_/g, ' ')} (${code})`;
  return innermostMessage(error);
}

/** `cannot reach <target>: <reason>`. */
export function cannotReach(target: string, error: unknown, timeoutMs?: number): CliError {
  return new CliError(`cannot reach ${target}: ${networkReason(error, timeoutMs)}`);
}

export interface HttpAnswer {
  readonly status: number;
  readonly text: string;
}

/** One HTTP request that never follows redirects; a network failure or timeout becomes `cannot reach <origin>: …`. */
export async function request(url: string, init: { method: 'GET' | 'POST'; body?: string; contentType?: string; timeoutMs: number }): Promise<HttpAnswer> {
  const origin = new URL(url).origin;
  try {
    const response = await fetch(url, {
      method: init.method,
      body: init.body,
      headers: init.contentType === undefined ? undefined : { 'content-type': init.contentType },
      redirect: 'manual',
      signal: AbortSignal.timeout(init.timeoutMs),
    });
    return { status: response.status, text: await response.text() };
  } catch (error) {
    throw cannotReach(origin, error, init.timeoutMs);
  }
}

/** Parses an http(s) URL given on the command line; a `UsageError`-worthy message otherwise. */
export function httpUrl(raw: string): URL | undefined {
  try {
    const url = new URL(raw);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : undefined;
  } catch {
    return undefined;
  }
}
