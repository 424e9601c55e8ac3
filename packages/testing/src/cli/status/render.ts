/** `wxopen status` output: lines for people, or JSON with ISO times. Neither can hold a secret: the report has none. */
import { formatDuration } from '../duration';
import type { ComponentStatus, TokenStatus } from './collect';

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

function token(status: TokenStatus, now: number): string {
  switch (status.state) {
    case 'absent':
      return 'absent';
    case 'unreadable':
      return 'present but unreadable (not a token record wxopen wrote)';
    case 'expired':
      return `expired ${formatDuration(now - (status.expiresAt ?? now))} ago`;
    case 'valid': {
      const fetched = status.fetchedAt === undefined ? '' : `, fetched ${formatDuration(now - status.fetchedAt)} ago`;
      return `valid for ${formatDuration((status.expiresAt ?? now) - now)} (until ${iso(status.expiresAt ?? now)})${fetched}`;
    }
  }
}

/** WeChat pushes a ticket every 10 minutes: one older than 20 means the push stopped (as the core's health says). */
const TICKET_STALE_MS = 20 * 60_000;

function ticket(status: ComponentStatus): string {
  const { present, previousKept, receivedAt, idleMs } = status.ticket;
  if (!present) return previousKept ? 'absent (only a previous ticket is kept)' : 'absent';
  const parts = ['present'];
  if (receivedAt !== undefined) parts.push(`received ${formatDuration(status.checkedAt - receivedAt)} ago`);
  if (previousKept) parts.push('previous ticket kept');
  if (receivedAt === undefined) {
    parts.push(idleMs === undefined ? 'age unknown (the store keeps no write time)' : `last read or written ${formatDuration(idleMs)} ago`);
  }
  return parts.join(', ');
}

/** The report as lines. */
export function renderStatus(status: ComponentStatus): string[] {
  const now = status.checkedAt;
  const lines = [`component ${status.componentAppId} in ${status.store} at ${iso(now)}`];
  const row = (label: string, text: string) => lines.push(`  ${label.padEnd(18)}${text}`);
  row('verify ticket', ticket(status));
  row('component token', token(status.componentToken, now));

  if (status.outbox === undefined) row('outbox', 'unreadable');
  else if (status.outbox.length === 0) row('outbox', 'empty');
  else {
    row('outbox', `${status.outbox.length} authorization code(s) waiting for their exchange`);
    for (const code of status.outbox) {
      const parts = [`from ${code.source}`];
      if (code.queuedAt !== undefined) parts.push(`queued ${formatDuration(now - code.queuedAt)} ago`);
      if (code.expiresAt !== undefined) parts.push(code.expiresAt > now ? `expires in ${formatDuration(code.expiresAt - now)}` : 'expired');
      if (code.attempts !== undefined) parts.push(`${code.attempts} attempt(s)`);
      lines.push(`    ${code.authorizerAppId}  ${parts.join(', ')}`);
    }
  }

  row('authorizers', String(status.authorizers.length));
  const idWidth = Math.max(0, ...status.authorizers.map((a) => a.appId.length));
  const ghWidth = Math.max(1, ...status.authorizers.map((a) => (a.originalId ?? '-').length));
  for (const a of status.authorizers) {
    const refresh = a.refreshToken ? 'refresh token kept' : 'NO REFRESH TOKEN  ';
    lines.push(`    ${a.appId.padEnd(idWidth)}  ${(a.originalId ?? '-').padEnd(ghWidth)}  ${refresh}  access token ${token(a.accessToken, now)}`);
  }

  if (!status.ticket.present) {
    lines.push('  ! no verify ticket: WeChat pushes one to the authorization-event URL every 10 minutes; until then no component token can be fetched');
  } else if (status.ticket.receivedAt !== undefined && now - status.ticket.receivedAt > TICKET_STALE_MS) {
    lines.push(`  ! no new verify ticket for ${formatDuration(now - status.ticket.receivedAt)}: the push may have stopped (api_start_push_ticket restarts it)`);
  }
  for (const a of status.authorizers) {
    if (!a.refreshToken) lines.push(`  ! ${a.appId} has no refresh token: recover it with api_get_authorizer_info, or the account authorizes again`);
  }
  return lines;
}

/** The report as JSON, times as ISO 8601. */
export function statusJson(status: ComponentStatus): string {
  return JSON.stringify(status, (key, value: unknown) =>
    typeof value === 'number' && key.endsWith('At') ? iso(value) : value,
  );
}
