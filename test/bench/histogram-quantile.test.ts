/**
 * The bench's reading of connectd's produce-latency histogram (bench/lib/latency.ts): quantiles
 * interpolated inside cumulative buckets the way Prometheus' histogram_quantile does.
 */
import t from 'tap';
import { histogramQuantile } from '../../bench/lib/latency.js';

const near = (a: number, b: number): boolean => Math.abs(a - b) < 1e-12;
const h = { '0.01': 50, '0.025': 90, '0.05': 99, '0.1': 100, '+Inf': 100 };

t.test('interpolates linearly inside the bucket that holds the rank', async (t) => {
  t.ok(near(histogramQuantile(h, 0.5), 0.01), 'the rank on a bound');
  t.ok(near(histogramQuantile(h, 0.25), 0.005), 'in the first bucket, from 0');
  t.ok(near(histogramQuantile(h, 0.9), 0.025));
  t.ok(near(histogramQuantile(h, 0.95), 0.025 + (0.025 * 5) / 9), 'between 25 and 50 ms');
  t.ok(near(histogramQuantile(h, 0.995), 0.075), 'between 50 and 100 ms');
});

t.test('edges: the +Inf bucket gives the largest finite bound; empty buckets are skipped; no data is NaN', async (t) => {
  t.equal(histogramQuantile({ '0.01': 1, '0.1': 1, '+Inf': 4 }, 0.99), 0.1);
  t.ok(
    near(histogramQuantile({ '0.01': 0, '0.025': 0, '0.05': 10, '+Inf': 10 }, 0.5), 0.0375),
    'interpolated from the last empty bucket below',
  );
  t.ok(Number.isNaN(histogramQuantile({ '0.01': 0, '+Inf': 0 }, 0.5)));
  t.ok(Number.isNaN(histogramQuantile({}, 0.5)));
});
