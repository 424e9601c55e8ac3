/** The authorizer appid in the message URL (`/callback/$APPID$`), which a wxopen platform checks. */

/** The authorizer the commands use when none is given: a well-formed appid of no real account. */
export const DEMO_AUTHORIZER = 'wx0000000000000001';

/** WeChat appids: `wx` and 16 hex digits; a wxopen platform refuses any other route appid (400). */
const APPID = /^wx[0-9a-f]{16}$/i;

/** A line explaining a 4xx answer to a route appid that is not an appid, or `undefined`. */
export function routeHint(appId: string, status: number): string | undefined {
  if (status < 400 || status >= 500 || APPID.test(appId)) return undefined;
  return `note: "${appId}" is not a WeChat appid (wx and 16 hex digits): a wxopen platform refuses it in the route`;
}
