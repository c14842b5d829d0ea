/**
 * A histogram as plain bucket counts: observing is a short loop and two additions, cheap enough for
 * the supervisor's hot path. ./registry.ts renders it in Prometheus' form at scrape time.
 */

/** Upper bounds (seconds) shared by connectd's latency histograms: 1 ms … 10 s. */
export const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;

export class BucketHistogram {
  /** Per bucket (not cumulative), `+Inf` last. */
  readonly counts: Float64Array;
  sum = 0;
  count = 0;

  constructor(readonly bounds: readonly number[] = LATENCY_BUCKETS) {
    this.counts = new Float64Array(bounds.length + 1);
  }

  /** `weight`: how many observations of `value` (e.g. the records of a batch that share one latency). */
  observe(value: number, weight = 1): void {
    let i = 0;
    while (i < this.bounds.length && value > this.bounds[i]!) i++;
    this.counts[i]! += weight;
    this.sum += value * weight;
    this.count += weight;
  }
}
