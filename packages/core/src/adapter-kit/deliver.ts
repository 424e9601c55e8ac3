/**
 * Writing the core's response onto a Node response that someone else may already have answered or lost. A
 * response that cannot be written is dropped and reported to the error hook: it must never take the process down.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AuthServer } from '../server/auth-server';
import { WxOpenError } from '../errors';
import type { CallbackResponse } from '../server/http';
import type { ErrorContext } from '../server/options';

/** Why `res` can no longer carry a response (another middleware answered, the client left), or `undefined`. */
function unwritable(res: ServerResponse): string | undefined {
  if (res.headersSent || res.writableEnded) return 'headers already sent';
  if (res.destroyed || res.socket?.destroyed === true) return 'connection closed';
  return undefined;
}

/**
 * Runs `write` when `res` can still carry the response. Otherwise, and when `write` throws, the response is
 * dropped and the error hook gets one `ERR_RESPONSE`; except for a client that left before its request arrived
 * whole: the core has already reported that request (`ERR_BODY`) and no handler ran for it.
 * Returns whether the response was written.
 */
export function deliver(platform: AuthServer, context: ErrorContext, req: IncomingMessage, res: ServerResponse, write: () => void): boolean {
  const reason = unwritable(res);
  if (reason === undefined) {
    try {
      write();
      return true;
    } catch (cause) {
      platform.reportError(new WxOpenError('ERR_RESPONSE', { detail: 'write failed', cause }), context);
      return false;
    }
  }
  if (reason !== 'connection closed' || req.complete) platform.reportError(new WxOpenError('ERR_RESPONSE', { detail: reason }), context);
  return false;
}

/**
 * Writes the core's response onto a Node `ServerResponse` with Node's own calls: status, headers (merged over any an
 * earlier middleware set), and the body in one `end`, which also sets `Content-Length`. For frameworks whose
 * response is Node's (Express): their `send` would add only work a callback answer does not need (Express hashes
 * every body into an ETag, a SHA-1 per request: about 2 µs in a busy server).
 */
export function writeNodeResponse(res: ServerResponse, response: CallbackResponse): void {
  res.statusCode = response.status;
  const headers = response.headers;
  for (const name in headers) res.setHeader(name, headers[name] as string);
  res.end(response.body);
}
