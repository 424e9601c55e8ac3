/**
 * What a store holds for one component, as a report that holds no secret by construction: presence, times and
 * appids only. Keys come from the core's `credentialKeys`, so the report follows any change of key layout.
 */
import { credentialKeys } from '@wxopen/core';
import type { CredentialKeys } from '@wxopen/core';
import type { StateReader } from './reader';

export interface TokenStatus {
  /** `unreadable`: a value is there but is not a token record the core wrote. */
  readonly state: 'valid' | 'expired' | 'absent' | 'unreadable';
  /** When the cached copy stops being used (epoch ms; the core keeps a safety margin before WeChat's expiry). */
  readonly expiresAt?: number;
  /** When it was fetched (epoch ms), when the record says how long it was to be used. */
  readonly fetchedAt?: number;
}

export interface AuthorizerStatus {
  readonly appId: string;
  /** The original id (`gh_…`), when learnt. */
  readonly originalId?: string;
  /** Whether the durable refresh token is kept (without it the account must authorize again, or be recovered). */
  readonly refreshToken: boolean;
  readonly accessToken: TokenStatus;
}

export interface QueuedCode {
  readonly authorizerAppId: string;
  /** The push it came from. */
  readonly source: string;
  readonly queuedAt?: number;
  readonly expiresAt?: number;
  readonly attempts?: number;
}

export interface ComponentStatus {
  readonly componentAppId: string;
  readonly store: string;
  readonly checkedAt: number;
  readonly ticket: {
    readonly present: boolean;
    /** The ticket before the latest, used when the latest is refused. */
    readonly previousKept: boolean;
    /** When the latest ticket arrived (epoch ms), in stores written by a core that records it. */
    readonly receivedAt?: number;
    /** Since the platform last read or wrote the ticket (each push reads it), when the store knows. */
    readonly idleMs?: number;
  };
  readonly componentToken: TokenStatus;
  /** Authorization codes waiting for their exchange; `undefined` when the outbox is unreadable. */
  readonly outbox: readonly QueuedCode[] | undefined;
  readonly authorizers: readonly AuthorizerStatus[];
}

/** Reads a cached token record (`{ token, expiresAt, lifetimeMs? }`) for its times only. */
function tokenStatus(raw: string | undefined, now: number): TokenStatus {
  if (raw === undefined) return { state: 'absent' };
  let record: { token?: unknown; expiresAt?: unknown; lifetimeMs?: unknown };
  try {
    record = JSON.parse(raw) as typeof record;
  } catch {
    return { state: 'unreadable' };
  }
  if (typeof record !== 'object' || record === null || typeof record.token !== 'string' || typeof record.expiresAt !== 'number') {
    return { state: 'unreadable' };
  }
  const { expiresAt, lifetimeMs } = record;
  const fetchedAt = typeof lifetimeMs === 'number' ? expiresAt - lifetimeMs : undefined;
  return { state: expiresAt > now ? 'valid' : 'expired', expiresAt, ...(fetchedAt === undefined ? {} : { fetchedAt }) };
}

/** The outbox's entries (`[{ a, c, e, s, q, n }]`) without their codes. */
function outboxOf(raw: string | undefined): QueuedCode[] | undefined {
  if (raw === undefined) return [];
  let entries: unknown;
  try {
    entries = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (!Array.isArray(entries)) return undefined;
  const number = (value: unknown) => (typeof value === 'number' ? value : undefined);
  return entries.map((entry: { a?: unknown; s?: unknown; q?: unknown; e?: unknown; n?: unknown }) => {
    const queued: QueuedCode = {
      authorizerAppId: typeof entry?.a === 'string' ? entry.a : '?',
      source: typeof entry?.s === 'string' ? entry.s : '?',
    };
    const times = { queuedAt: number(entry?.q), expiresAt: number(entry?.e), attempts: number(entry?.n) };
    return { ...queued, ...Object.fromEntries(Object.entries(times).filter(([, v]) => v !== undefined)) };
  });
}

/**
 * The key of the latest ticket's arrival time, in cores that record it (`ticketReceivedAt`). Looked up rather than
 * assumed, so that `status` reads stores written by a core with or without it.
 */
function receivedAtKey(keys: CredentialKeys): string | undefined {
  const key = (keys as CredentialKeys & { readonly ticketReceivedAt?: unknown }).ticketReceivedAt;
  return typeof key === 'string' ? key : undefined;
}

/** An epoch-ms timestamp stored as text, or `undefined`. */
function epochMs(raw: string | undefined): number | undefined {
  const value = raw === undefined ? NaN : Number(raw);
  return Number.isFinite(value) && value > 0 ? value : undefined;
}

/** How many authorizers are read at once (pipelined on Redis). */
const BATCH = 200;

/** Reads everything `status` shows about the component `componentAppId`. */
export async function collectStatus(reader: StateReader, componentAppId: string, now: number): Promise<ComponentStatus> {
  const keys = credentialKeys(componentAppId);
  const receivedKey = receivedAtKey(keys);
  const [ticket, previousTicket, receivedAt, idleMs, componentToken, outbox, authorizerKeys] = await Promise.all([
    reader.has(keys.ticket),
    reader.has(keys.previousTicket),
    receivedKey === undefined ? undefined : reader.get(receivedKey).then(epochMs),
    reader.idleMs(keys.ticket),
    reader.get(keys.componentToken),
    reader.get(keys.outbox),
    reader.keysWithPrefix(`${keys.prefix}authorizer:`),
  ]);

  // `{appid}:authorizer:<authorizer>:<refresh_token|access_token|user_name>`; anything else (`…:failed`) is not one.
  const suffix = /^(.+):(refresh_token|access_token|user_name)$/;
  const appIds = new Set<string>();
  for (const key of authorizerKeys) {
    const match = suffix.exec(key.slice(`${keys.prefix}authorizer:`.length));
    if (match?.[1] !== undefined) appIds.add(match[1]);
  }
  const sorted = [...appIds].sort();
  const authorizers: AuthorizerStatus[] = [];
  for (let i = 0; i < sorted.length; i += BATCH) {
    const batch = await Promise.all(
      sorted.slice(i, i + BATCH).map(async (appId): Promise<AuthorizerStatus> => {
        const [refreshToken, accessToken, originalId] = await Promise.all([
          reader.has(keys.authorizerRefreshToken(appId)),
          reader.get(keys.authorizerAccessToken(appId)),
          reader.get(keys.authorizerUserName(appId)),
        ]);
        return { appId, ...(originalId === undefined ? {} : { originalId }), refreshToken, accessToken: tokenStatus(accessToken, now) };
      }),
    );
    authorizers.push(...batch);
  }

  return {
    componentAppId,
    store: reader.description,
    checkedAt: now,
    ticket: {
      present: ticket,
      previousKept: previousTicket,
      ...(ticket && receivedAt !== undefined ? { receivedAt } : {}),
      ...(ticket && idleMs !== undefined ? { idleMs } : {}),
    },
    componentToken: tokenStatus(componentToken, now),
    outbox: outboxOf(outbox),
    authorizers,
  };
}
