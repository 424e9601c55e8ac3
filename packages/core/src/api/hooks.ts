import type { WechatApiError, WxOpenError } from '../errors';

/**
 * Notifications from the API client and the credential chain. Every hook is optional; a hook that throws
 * or rejects is ignored, so a faulty hook never breaks an API call.
 */
export interface ApiHooks {
  /** WeChat answered 45009 (daily quota reached) on any call. `clearQuota()` resets the component's counters. */
  readonly onQuotaExceeded?: (error: WechatApiError) => void | Promise<void>;
  /**
   * The verify ticket was refused (61005 / 61006), also after falling back to the previous ticket.
   * `startPushTicket()` asks WeChat to push a new one.
   */
  readonly onInvalidTicket?: (error: WechatApiError) => void | Promise<void>;
  /**
   * The authorizer's refresh token is invalid (61023) or missing, and could not be recovered with
   * `api_get_authorizer_info`: the account must authorize again.
   */
  readonly onInvalidRefreshToken?: (authorizerAppId: string, error: WxOpenError) => void | Promise<void>;
  /** Work done in the background (proactive refresh) failed. */
  readonly onBackgroundError?: (error: unknown) => void | Promise<void>;
}

/** Calls a hook, ignoring anything it throws or rejects with. */
export function callHook<A extends unknown[]>(hook: ((...args: A) => void | Promise<void>) | undefined, ...args: A): void {
  if (!hook) return;
  try {
    const result = hook(...args);
    if (result && typeof result.catch === 'function') result.catch(() => undefined);
  } catch {
    // A hook must never break the call it observes.
  }
}
