/**
 * The callback metrics are counted in plain numbers and labelled at scrape time (CallbackTally). What Prometheus
 * reads must be what prom-client's own Counter and Histogram would have exposed for the same callbacks.
 */
import type { CallbackEvent } from '@wxopen/core';
import { Counter, Histogram, Registry } from 'prom-client';
import { CallbackTally } from '../src/observe/callback-tally';
import { parseExposition } from './exposition';

const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 4, 4.5, 5];
const COUNTER = { name: 'wxopen_callbacks_total', help: 'callbacks', labelNames: ['endpoint', 'outcome', 'code'] as const };
const HISTOGRAM = { name: 'wxopen_callback_duration_seconds', help: 'durations', buckets: BUCKETS };

const EVENTS: CallbackEvent[] = [
  { endpoint: 'message', outcome: 'handled', status: 200, durationMs: 3 },
  { endpoint: 'message', outcome: 'handled', status: 200, durationMs: 5 }, // on a bucket bound: counted in it
  { endpoint: 'message', outcome: 'handled', status: 200, durationMs: 4700 },
  { endpoint: 'message', outcome: 'duplicate', status: 200, durationMs: 0.2 },
  { endpoint: 'message', outcome: 'late', status: 200, durationMs: 4500.5 },
  { endpoint: 'auth', outcome: 'rejected', status: 401, code: 'ERR_SIGNATURE', durationMs: 0.4 },
  { endpoint: 'auth', outcome: 'rejected', status: 503, code: 'ERR_STORE', durationMs: 1500 },
  { endpoint: 'auth', outcome: 'rejected', status: 401, code: 'ERR_SIGNATURE', durationMs: 9000 }, // over every bound
];

/** Samples as sorted lines `name{k="v",…} value`, labels in name order, values rounded. */
function lines(text: string): string[] {
  return parseExposition(text)
    .map(({ name, labels, value }) => {
      const pairs = Object.entries(labels).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k}="${v}"`);
      return `${name}{${pairs.join(',')}} ${Number(value.toPrecision(12))}`;
    })
    .sort();
}

async function withPromClient(events: CallbackEvent[]): Promise<string[]> {
  const registry = new Registry();
  const counter = new Counter({ ...COUNTER, registers: [registry] });
  const histogram = new Histogram({ ...HISTOGRAM, labelNames: ['endpoint', 'outcome'] as const, registers: [registry] });
  for (const event of events) {
    counter.inc(event.code === undefined ? { endpoint: event.endpoint, outcome: event.outcome } : { endpoint: event.endpoint, outcome: event.outcome, code: event.code });
    histogram.observe({ endpoint: event.endpoint, outcome: event.outcome }, event.durationMs / 1000);
  }
  return lines(await registry.metrics());
}

function tallied(): { registry: Registry; tally: CallbackTally } {
  const registry = new Registry();
  const tally: CallbackTally = new CallbackTally(new Counter({ ...COUNTER, registers: [registry], collect: () => tally.flush() }), { ...HISTOGRAM, registers: [registry] });
  return { registry, tally };
}

describe('CallbackTally', () => {
  it('exposes what prom-client’s Counter and Histogram expose for the same callbacks', async () => {
    const { registry, tally } = tallied();
    for (const event of EVENTS) tally.record(event);
    const expected = await withPromClient(EVENTS);
    expect(lines(await registry.metrics())).toEqual(expected);
    expect(expected).toContain('wxopen_callback_duration_seconds_bucket{endpoint="message",le="0.005",outcome="handled"} 2');
  });

  it('counts each callback once across scrapes', async () => {
    const { registry, tally } = tallied();
    tally.record(EVENTS[0] as CallbackEvent);
    await registry.metrics();
    tally.record(EVENTS[1] as CallbackEvent);
    await registry.metrics();
    expect(lines(await registry.metrics())).toEqual(await withPromClient(EVENTS.slice(0, 2)));
  });

  it('exposes the histogram in the JSON form too', async () => {
    const { registry, tally } = tallied();
    tally.record(EVENTS[0] as CallbackEvent);
    const json = await registry.getMetricsAsJSON();
    const histogram = json.find((metric) => metric.name === HISTOGRAM.name);
    expect(histogram?.type).toBe('histogram');
    expect(histogram?.values).toContainEqual({ labels: { endpoint: 'message', outcome: 'handled' }, value: 1, metricName: `${HISTOGRAM.name}_count` });
  });
});
