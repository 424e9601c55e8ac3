/**
 * What mounting checks: the platform handed over, and the two callback paths under a prefix for the combined
 * router, `{prefix}/auth` and `{prefix}/callback/:appid`.
 */
import { parse } from 'node:querystring';
import type { AuthServer } from '../server/auth-server';

/** Fails at mounting time, not at the first request, when `platform` is not an `AuthServer`. */
export function requirePlatform(platform: AuthServer, name: string): AuthServer {
  if (typeof platform?.handleMessage !== 'function') {
    throw new TypeError(`${name}: pass the AuthServer whose callbacks it serves, e.g. ${name}(platform)`);
  }
  return platform;
}

export type CallbackRoute = { readonly endpoint: 'auth' } | { readonly endpoint: 'message'; readonly authorizerAppId: string };

/** Checks a router prefix and returns it without a trailing slash (`''` for none). */
export function normalizePrefix(prefix: unknown = ''): string {
  if (typeof prefix !== 'string' || (prefix !== '' && !prefix.startsWith('/'))) {
    throw new TypeError(`wxopenRouter: prefix must be a path that starts with "/", such as "/wechat" (got ${JSON.stringify(prefix)})`);
  }
  return prefix.replace(/\/+$/, '');
}

const CALLBACK = /^\/callback\/([^/]+)\/?$/;

/** The callback `path` (still percent-encoded) names under `prefix`, or `undefined` for any other path. */
export function matchRoute(path: string, prefix: string): CallbackRoute | undefined {
  if (!path.startsWith(prefix)) return undefined;
  const rest = path.slice(prefix.length);
  if (rest === '/auth' || rest === '/auth/') return { endpoint: 'auth' };
  const segment = CALLBACK.exec(rest)?.[1];
  if (segment === undefined) return undefined;
  try {
    return { endpoint: 'message', authorizerAppId: decodeURIComponent(segment) };
  } catch {
    return undefined; // malformed percent-encoding: not a path of ours
  }
}

/**
 * The query of a request URL as WeChat sent it, parsed with `node:querystring` (as Express 5, Koa and Fastify parse
 * by default: a repeated name gives an array, which the core refuses). For frameworks whose query parser is a
 * setting: Express 4's default, `qs`, merges `timestamp[b]=1` into the signed `timestamp` and a valid push would be
 * refused. The result has no prototype, so no name can reach `Object.prototype`.
 */
export function queryOf(url: string | undefined): Readonly<Record<string, string | string[] | undefined>> {
  const at = url === undefined ? -1 : url.indexOf('?');
  return at < 0 ? {} : parse((url as string).slice(at + 1));
}
