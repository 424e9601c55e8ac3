/**
 * Every store key and lock name of one component, in one place. All of them carry the same hash tag
 * `{<componentAppId>}`, so a Redis Cluster keeps a component's keys in one slot and its atomic scripts run.
 */

export interface CredentialKeys {
  /** The hash tag prefix of every key of this component: `{<componentAppId>}:`. */
  readonly prefix: string;
  /** Latest `component_verify_ticket` (durable). */
  readonly ticket: string;
  /** The ticket before the latest (durable), used when the latest is refused. */
  readonly previousTicket: string;
  /** When the latest ticket arrived, epoch ms (durable): a ticket older than 20 minutes means the push stopped. */
  readonly ticketReceivedAt: string;
  /** Cached `component_access_token` (expires with a safety margin). */
  readonly componentToken: string;
  /** Lock held while the component token is fetched. */
  readonly componentTokenLock: string;
  /** Authorization codes waiting for their exchange (durable, a small JSON list). */
  readonly outbox: string;
  /** Lock held while one queued authorization code is exchanged. */
  outboxLock(entryId: string): string;
  /** An authorizer's refresh token (durable). */
  authorizerRefreshToken(authorizerAppId: string): string;
  /** An authorizer's cached access token (expires with a safety margin). */
  authorizerAccessToken(authorizerAppId: string): string;
  /** Lock held while an authorizer's access token is fetched. */
  authorizerTokenLock(authorizerAppId: string): string;
  /** An authorizer's original id (`gh_…`, durable). */
  authorizerUserName(authorizerAppId: string): string;
  /** The authorizer appid an original id belongs to (durable). */
  userNameOwner(userName: string): string;
}

/** The keys of the component `componentAppId`. */
export function credentialKeys(componentAppId: string): CredentialKeys {
  const tag = `{${componentAppId}}`;
  return Object.freeze({
    prefix: `${tag}:`,
    ticket: `${tag}:ticket`,
    previousTicket: `${tag}:ticket:previous`,
    ticketReceivedAt: `${tag}:ticket:received_at`,
    componentToken: `${tag}:component_token`,
    componentTokenLock: `${tag}:lock:component_token`,
    outbox: `${tag}:outbox`,
    outboxLock: (entryId: string) => `${tag}:lock:outbox:${entryId}`,
    authorizerRefreshToken: (appId: string) => `${tag}:authorizer:${appId}:refresh_token`,
    authorizerAccessToken: (appId: string) => `${tag}:authorizer:${appId}:access_token`,
    authorizerTokenLock: (appId: string) => `${tag}:lock:authorizer:${appId}:access_token`,
    authorizerUserName: (appId: string) => `${tag}:authorizer:${appId}:user_name`,
    userNameOwner: (userName: string) => `${tag}:user_name:${userName}`,
  });
}
