/**
 * The conformance suites of wxopen, for jest: `describeConformance` proves a framework adapter,
 * `describeCrashSafety` proves it never lets an unwritable response crash the process, and
 * `describeLockConformance` proves a `Lock`. Every adapter and store of this repository runs them; so can yours.
 *
 * Import from `@wxopen/testing/conformance` inside a jest test file only: the suites register tests with
 * `@jest/globals` and drive servers with `supertest` (both optional peer dependencies of this package).
 *
 * @packageDocumentation
 */
export { ACCEPTED, REJECTED, conformanceCases, describeConformance } from './suite';
export type { AcceptedCase, ConformanceOptions, RejectedCase } from './suite';
export { THROW, send, sendUnendingBody, withHarness } from './harness';
export type { ConformanceCase, Harness, MakeServer, PlatformOptions, ServerOptions, Setup } from './harness';
export { HARMLESS, HOSTILE_CRYPTO, HOSTILE_METHODS, HOSTILE_QUERY, HOSTILE_ROUTE, HOSTILE_XML, hostileCases } from './hostile';
export type { HostileCase } from './hostile';
export { AUTHORIZER_APPID, AUTH_PATH, Forge, MESSAGE_PATH, fromPush, pathOf, withQuery } from './inputs';
export type { HttpMethod, PlaintextParts, RawRequest } from './inputs';
export { describeCrashSafety } from './crash';
export { describeLockConformance, lockConformanceCases } from './lock';
export type { LockConformanceOptions, LockSubject, MakeLock } from './lock';
export type { RegisterOptions } from './register';
