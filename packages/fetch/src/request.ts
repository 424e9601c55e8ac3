/** A Fetch `Request` as the core's `CallbackRequest`: query and headers as records, the body as an unread stream. */
import { Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import type { CallbackRequest } from '@wxopen/core/adapter';
import { BodyConsumedError } from '@wxopen/core/adapter';

/**
 * Every query parameter once, a repeated one as an array of its values (which the core refuses, so a forged
 * second `msg_signature` cannot slip past). `Object.fromEntries` defines own properties: `__proto__` is data.
 */
function queryOf(url: URL): Record<string, string | string[]> {
  const values = new Map<string, string[]>();
  for (const [name, value] of url.searchParams) values.set(name, [...(values.get(name) ?? []), value]);
  return Object.fromEntries([...values].map(([name, all]) => [name, all.length === 1 ? (all[0] as string) : all]));
}

/**
 * The body as a Node stream the core reads with its own limit, chunk by chunk: a body over the limit is never
 * buffered whole. `null` for a request without a body (GET).
 */
function bodyOf(request: Request): Readable | null {
  if (request.bodyUsed) {
    throw new BodyConsumedError(
      'wxopen: the Request body was already read (request.text(), .json(), .formData() or a body-parsing middleware), ' +
        'so its signature cannot be verified. Mount wxopen before body parsers or exclude its routes from them, ' +
        'and hand wxopen the untouched Request.',
    );
  }
  return request.body === null ? null : Readable.fromWeb(request.body as NodeReadableStream<Uint8Array>);
}

export function toCallbackRequest(request: Request, authorizerAppId: string | undefined): CallbackRequest {
  return {
    method: request.method,
    query: queryOf(new URL(request.url)),
    headers: Object.fromEntries(request.headers),
    body: bodyOf(request),
    authorizerAppId,
  };
}
