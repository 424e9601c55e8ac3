import http from 'node:http';
import { ConfigError, DEFAULT_SERVER_LIMITS, LIMIT_VARIABLES, connectionsCheckingIntervalMs, createHttpServer, loadServerLimits } from '@wxopen/example-shared';

describe('server limits', () => {
  test('default to a 10 s headers, 15 s request, 5 s keep-alive and 30 s idle timeout, and an 8 s shutdown grace', () => {
    expect(loadServerLimits({})).toEqual({ headersTimeoutMs: 10_000, requestTimeoutMs: 15_000, keepAliveTimeoutMs: 5_000, idleTimeoutMs: 30_000, shutdownGraceMs: 8_000 });
    expect(loadServerLimits({})).toEqual(DEFAULT_SERVER_LIMITS);
  });

  test('by default cut a trickling body within 30 s: the request timeout plus one connections check', () => {
    expect(DEFAULT_SERVER_LIMITS.requestTimeoutMs + connectionsCheckingIntervalMs(DEFAULT_SERVER_LIMITS)).toBeLessThanOrEqual(16_000);
  });

  test('are read from their WXOPEN_*_MS variables and frozen', () => {
    const limits = loadServerLimits({
      WXOPEN_HEADERS_TIMEOUT_MS: '1000',
      WXOPEN_REQUEST_TIMEOUT_MS: ' 2000 ',
      WXOPEN_KEEP_ALIVE_TIMEOUT_MS: '3000',
      WXOPEN_IDLE_TIMEOUT_MS: '4000',
      WXOPEN_SHUTDOWN_GRACE_MS: '0',
    });
    expect(limits).toEqual({ headersTimeoutMs: 1000, requestTimeoutMs: 2000, keepAliveTimeoutMs: 3000, idleTimeoutMs: 4000, shutdownGraceMs: 0 });
    expect(Object.isFrozen(limits)).toBe(true);
    expect(Object.values(LIMIT_VARIABLES)).toHaveLength(5);
  });

  test.each([
    ['WXOPEN_REQUEST_TIMEOUT_MS', '0'],
    ['WXOPEN_HEADERS_TIMEOUT_MS', '-1'],
    ['WXOPEN_KEEP_ALIVE_TIMEOUT_MS', '5s'],
    ['WXOPEN_IDLE_TIMEOUT_MS', '3600001'],
    ['WXOPEN_SHUTDOWN_GRACE_MS', '1.5'],
  ])('refuse a malformed or disabling %s (%s), naming it', (name, value) => {
    expect(() => loadServerLimits({ [name]: value })).toThrow(ConfigError);
    expect(() => loadServerLimits({ [name]: value })).toThrow(new RegExp(`^${name} must be a whole number of milliseconds`));
  });

  test('refuse a headers timeout longer than the request timeout', () => {
    expect(() => loadServerLimits({ WXOPEN_HEADERS_TIMEOUT_MS: '20000' })).toThrow(
      /^WXOPEN_HEADERS_TIMEOUT_MS \(20000\) must not exceed WXOPEN_REQUEST_TIMEOUT_MS \(15000\)/,
    );
  });

  test('check connections every second, or four times per timeout when it is shorter than 4 s', () => {
    expect(connectionsCheckingIntervalMs(DEFAULT_SERVER_LIMITS)).toBe(1000);
    expect(connectionsCheckingIntervalMs({ ...DEFAULT_SERVER_LIMITS, headersTimeoutMs: 1000, requestTimeoutMs: 2000 })).toBe(250);
  });

  test('are set on the Node server createHttpServer makes', () => {
    const limits = loadServerLimits({ WXOPEN_HEADERS_TIMEOUT_MS: '1000', WXOPEN_REQUEST_TIMEOUT_MS: '2000', WXOPEN_KEEP_ALIVE_TIMEOUT_MS: '3000', WXOPEN_IDLE_TIMEOUT_MS: '4000' });
    const server = createHttpServer(() => undefined, limits);
    expect(server).toBeInstanceOf(http.Server);
    expect(server).toMatchObject({ headersTimeout: 1000, requestTimeout: 2000, keepAliveTimeout: 3000, timeout: 4000, connectionsCheckingInterval: 250 });
  });
});
