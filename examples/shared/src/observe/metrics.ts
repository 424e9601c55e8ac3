/**
 * Prometheus metrics for a wxopen platform, fed from wxopen's diagnostics channels (`subscribe` of
 * `@wxopen/core`) and served from a registry of their own, with prom-client's default process metrics.
 *
 * Labels stay low-cardinality: endpoint, outcome, error code, WeChat errcode, credential kind and API path, all
 * from small sets the code or WeChat defines. The authorizer appid is never a label (a platform serves
 * thousands of authorizers, and the message URL's appid comes from whoever sends the request): it belongs in
 * the logs.
 */
import type { ApiEvent, CallbackEvent, HealthReport, OutboxEvent, StoreEvent, TicketEvent, TokenEvent } from '@wxopen/core';
import { subscribe } from '@wxopen/core';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { CallbackTally } from './callback-tally';

export interface MetricsOptions {
  /** Adds prom-client's default metrics (CPU, memory, event loop lag, GC, handles). Default `true`. */
  readonly defaultMetrics?: boolean;
  /** Clock in ms, for the age of the verify ticket. Default `Date.now`. */
  readonly now?: () => number;
}

/** A registry fed by wxopen's channels until `close()`. */
export interface WxOpenMetrics {
  readonly registry: Registry;
  /**
   * Takes from a health report what no event has said yet in this process: when the stored verify ticket
   * arrived (it may have come before a restart, or to another process) and whether the store answered.
   */
  seed(report: HealthReport): void;
  /** Unsubscribes from the channels (the registry keeps its values). */
  close(): void;
}

/** WeChat waits 5 s for an answer; wxopen answers `success` at its reply deadline (4.5 s by default). */
const CALLBACK_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 4, 4.5, 5];
/** WeChat's API answers in tens to hundreds of ms; wxopen gives up on a call after 10 s by default. */
const API_BUCKETS = [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

type Labels<K extends string> = Partial<Record<K, string>>;

/** The labels whose value is known: a label left out reads as empty in PromQL, as an absent code should. */
function known<K extends string>(labels: Record<K, string | number | undefined>): Labels<K> {
  const out: Labels<K> = {};
  for (const [name, value] of Object.entries(labels) as [K, string | number | undefined][]) {
    if (value !== undefined) out[name] = String(value);
  }
  return out;
}

/** Creates the metrics and subscribes them to wxopen's channels (process-wide: one set per process is enough). */
export function createMetrics(options: MetricsOptions = {}): WxOpenMetrics {
  const now = options.now ?? Date.now;
  const registry = new Registry();
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });
  const registers = [registry];

  // Counted per callback in plain numbers and labelled when scraped (see CallbackTally).
  const callbacks: CallbackTally = new CallbackTally(
    new Counter({
      name: 'wxopen_callbacks_total',
      help: 'Callback requests answered, by endpoint (auth, message), outcome (handled, duplicate, late, verified, rejected) and error code',
      labelNames: ['endpoint', 'outcome', 'code'] as const,
      registers,
      collect: () => callbacks.flush(),
    }),
    {
      name: 'wxopen_callback_duration_seconds',
      help: 'Time from a callback request to its answer, by endpoint and outcome',
      buckets: CALLBACK_BUCKETS,
      registers,
    },
  );
  const tokenFetches = new Counter({
    name: 'wxopen_token_fetches_total',
    help: 'Token fetches from WeChat, by credential (component, authorizer), outcome (fetched, failed), error code and errcode',
    labelNames: ['credential', 'outcome', 'code', 'errcode'] as const,
    registers,
  });
  const apiCalls = new Counter({
    name: 'wxopen_api_calls_total',
    help: 'WeChat API calls, by path, outcome (ok, error), error code and errcode (45009: daily quota reached)',
    labelNames: ['api', 'outcome', 'code', 'errcode'] as const,
    registers,
  });
  const apiSeconds = new Histogram({
    name: 'wxopen_api_duration_seconds',
    help: 'Duration of WeChat API calls, by path',
    labelNames: ['api'] as const,
    buckets: API_BUCKETS,
    registers,
  });
  const storeUp = new Gauge({
    name: 'wxopen_store_up',
    help: '1 while the store answers, 0 from a failed or timed-out store call until one succeeds',
    registers,
  });
  storeUp.set(1);
  const storeOutages = new Counter({ name: 'wxopen_store_outages_total', help: 'Times the store stopped answering', registers });
  const tickets = new Counter({
    name: 'wxopen_verify_tickets_total',
    help: 'component_verify_ticket pushes kept by this process (WeChat pushes one every 10 minutes, to one process)',
    registers,
  });

  let ticketReceivedAt: number | undefined;
  new Gauge({
    name: 'wxopen_verify_ticket_age_seconds',
    help: 'Seconds since the latest component_verify_ticket arrived (+Inf: none known); over 1200 means the push stopped',
    registers,
    collect() {
      this.set(ticketReceivedAt === undefined ? Infinity : Math.max(0, (now() - ticketReceivedAt) / 1000));
    },
  });
  const authorizationCodes = new Counter({
    name: 'wxopen_authorization_codes_total',
    help: 'Authorization codes in the outbox, by outcome (queued, exchanged, retrying, failed) and error code',
    labelNames: ['outcome', 'code'] as const,
    registers,
  });

  const unsubscribe = [
    subscribe('wxopen:callback', (event: CallbackEvent) => callbacks.record(event)),
    subscribe('wxopen:token', (event: TokenEvent) => {
      tokenFetches.inc(known({ credential: event.credential, outcome: event.outcome, code: event.code, errcode: event.errcode }));
    }),
    subscribe('wxopen:api', (event: ApiEvent) => {
      apiCalls.inc(known({ api: event.api, outcome: event.outcome, code: event.code, errcode: event.errcode }));
      apiSeconds.observe({ api: event.api }, event.durationMs / 1000);
    }),
    subscribe('wxopen:store', (event: StoreEvent) => {
      storeUp.set(event.state === 'up' ? 1 : 0);
      if (event.state === 'down') storeOutages.inc();
    }),
    subscribe('wxopen:ticket', (event: TicketEvent) => {
      tickets.inc();
      ticketReceivedAt = Math.max(ticketReceivedAt ?? 0, event.receivedAt);
    }),
    subscribe('wxopen:outbox', (event: OutboxEvent) => {
      authorizationCodes.inc(known({ outcome: event.outcome, code: event.code }));
    }),
  ];

  return {
    registry,
    seed(report) {
      if (!report.store.reachable) storeUp.set(0);
      const ageMs = report.credentials?.ticket.ageMs;
      if (ageMs !== undefined && ticketReceivedAt === undefined) ticketReceivedAt = now() - ageMs;
    },
    close() {
      for (const stop of unsubscribe.splice(0)) stop();
    },
  };
}
