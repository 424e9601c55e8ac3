/**
 * The per-callback metrics (a counter by endpoint, outcome and error code; a duration histogram by endpoint and
 * outcome), counted in plain numbers and handed to prom-client only when Prometheus scrapes.
 *
 * prom-client checks and hashes the labels of every `inc` and `observe`, and its histogram makes closures on
 * each observation: about 2.6 µs of CPU a callback in the Fastify example's profile (`bench/throughput.mjs
 * --cpu-prof`), a cost paid on every push. Here a callback finds its series in three small maps (no string is
 * built), then adds to an array; the scrape does the labelling, once per series.
 */
import type { CallbackEvent } from '@wxopen/core';
import type { Counter, Metric, MetricObjectWithValues, MetricValueWithName, Registry } from 'prom-client';

type CallbackLabels = 'endpoint' | 'outcome' | 'code';

/** One (endpoint, outcome, code): its count since the last scrape, and its durations. */
interface Series {
  readonly labels: { endpoint: string; outcome: string; code?: string };
  unscraped: number;
  readonly durations: DurationSeries;
}

/** One (endpoint, outcome) of the histogram: counts per bucket (the last one is +Inf), sum and count. */
interface DurationSeries {
  readonly labels: { endpoint: string; outcome: string };
  readonly buckets: Float64Array;
  sum: number;
  count: number;
}

/**
 * A prom-client histogram in all but its bookkeeping: registered in a registry like any metric, exposed in
 * Prometheus' histogram format (cumulative `_bucket` series with `le`, `_sum`, `_count`).
 */
class DurationHistogram {
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  readonly series = new Map<string, DurationSeries>();

  constructor(
    readonly name: string,
    readonly help: string,
    readonly bounds: readonly number[],
  ) {}

  seriesOf(endpoint: string, outcome: string): DurationSeries {
    const key = `${endpoint} ${outcome}`; // once per series: the tally keeps what this returns
    let series = this.series.get(key);
    if (series === undefined) {
      series = { labels: { endpoint, outcome }, buckets: new Float64Array(this.bounds.length + 1), sum: 0, count: 0 };
      this.series.set(key, series);
    }
    return series;
  }

  /** What prom-client's registry reads when it is scraped (the shape of its own histograms' `get()`). */
  async get(): Promise<MetricObjectWithValues<MetricValueWithName<string>>> {
    const values: MetricValueWithName<string>[] = [];
    for (const { labels, buckets, sum, count } of this.series.values()) {
      let cumulative = 0;
      this.bounds.forEach((bound, i) => {
        cumulative += buckets[i] as number;
        values.push({ labels: { ...labels, le: bound }, value: cumulative, metricName: `${this.name}_bucket` });
      });
      values.push({ labels: { ...labels, le: '+Inf' }, value: count, metricName: `${this.name}_bucket` });
      values.push({ labels, value: sum, metricName: `${this.name}_sum` });
      values.push({ labels, value: count, metricName: `${this.name}_count` });
    }
    // prom-client declares `type` as an enum; at run time its metrics (and its registry) use the strings.
    const type = this.type as unknown as MetricObjectWithValues<never>['type'];
    return { name: this.name, help: this.help, type, aggregator: this.aggregator, values, collect: () => undefined };
  }

  reset(): void {
    this.series.clear();
  }
}

/** Counts callbacks into `counter` (flushed when scraped) and their durations into a histogram named `durationName`. */
export class CallbackTally {
  readonly #counter: Counter<CallbackLabels>;
  readonly #histogram: DurationHistogram;
  /** endpoint → outcome → code (`undefined` for none) → series. */
  readonly #series = new Map<string, Map<string, Map<string | undefined, Series>>>();

  constructor(counter: Counter<CallbackLabels>, durations: { name: string; help: string; buckets: readonly number[]; registers: readonly Registry[] }) {
    this.#counter = counter;
    this.#histogram = new DurationHistogram(durations.name, durations.help, durations.buckets);
    // A registry takes any metric with `name` and `get()`; prom-client's types only name its own classes.
    for (const registry of durations.registers) registry.registerMetric(this.#histogram as unknown as Metric);
  }

  /** Counts one answered callback. */
  record(event: CallbackEvent): void {
    const series = this.#seriesOf(event);
    series.unscraped++;
    const durations = series.durations;
    const seconds = event.durationMs / 1000;
    const bounds = this.#histogram.bounds;
    let bucket = 0;
    while (bucket < bounds.length && seconds > (bounds[bucket] as number)) bucket++;
    durations.buckets[bucket] = (durations.buckets[bucket] as number) + 1;
    durations.sum += seconds;
    durations.count++;
  }

  /** Hands the counts since the last scrape to the counter: its `collect`. */
  flush(): void {
    for (const byOutcome of this.#series.values()) {
      for (const byCode of byOutcome.values()) {
        for (const series of byCode.values()) {
          if (series.unscraped === 0) continue;
          this.#counter.inc(series.labels, series.unscraped);
          series.unscraped = 0;
        }
      }
    }
  }

  #seriesOf(event: CallbackEvent): Series {
    let byOutcome = this.#series.get(event.endpoint);
    if (byOutcome === undefined) this.#series.set(event.endpoint, (byOutcome = new Map()));
    let byCode = byOutcome.get(event.outcome);
    if (byCode === undefined) byOutcome.set(event.outcome, (byCode = new Map()));
    let series = byCode.get(event.code);
    if (series === undefined) {
      const labels = event.code === undefined ? { endpoint: event.endpoint, outcome: event.outcome } : { endpoint: event.endpoint, outcome: event.outcome, code: event.code };
      series = { labels, unscraped: 0, durations: this.#histogram.seriesOf(event.endpoint, event.outcome) };
      byCode.set(event.code, series);
    }
    return series;
  }
}
