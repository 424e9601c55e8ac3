/**
 * The adapter toolkit, `@wxopen/core/adapter`: what a framework adapter needs to translate its request into a
 * `CallbackRequest`, call the core, and write the `CallbackResponse` back. Application code does not need it.
 */
export type { BodyStream, CallbackRequest, CallbackResponse, ParsedJsonBody } from './server/http';
export { BodyConsumedError, isBodyStream, pickBody } from './server/http';
export type { ErrorContext } from './server/options';
export { deliver, writeNodeResponse } from './adapter-kit/deliver';
export { matchRoute, normalizePrefix, queryOf, requirePlatform } from './adapter-kit/route';
export type { CallbackRoute } from './adapter-kit/route';
