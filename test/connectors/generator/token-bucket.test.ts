/**
 * The generator's token bucket on a simulated clock, so rates are checked exactly and without
 * timing: the long-run rate, the burst, fractional rates, waits that are never zero (no busy
 * waiting) and a stop that ends a wait.
 */
import t from 'tap';
import { TokenBucket } from '../../../src/worker-thread/connectors/generator/token-bucket.js';
import type { Clock } from '../../../src/worker-thread/connectors/generator/token-bucket.js';

/** A clock whose sleeps advance simulated time; records every sleep asked for. */
function simulatedClock(): Clock & { time: number; sleeps: number[] } {
  const clock = {
    time: 0,
    sleeps: [] as number[],
    now: () => clock.time,
    sleep: async (ms: number, signal: AbortSignal) => {
      clock.sleeps.push(ms);
      if (!signal.aborted) clock.time += ms;
    },
  };
  return clock;
}

const never = new AbortController().signal;

t.test('over ten simulated seconds at 100/s, 1000 records plus the initial burst, in batches of at most the burst', async (t) => {
  const clock = simulatedClock();
  const bucket = new TokenBucket(100, 10, clock);
  let granted = 0;
  const sizes: number[] = [];
  while (clock.time < 10_000) {
    const n = await bucket.take(500, never);
    sizes.push(n);
    granted += n;
  }
  t.ok(granted >= 1000 && granted <= 1010 + 10, `${granted} granted in ${clock.time} ms`);
  t.ok(
    sizes.every((n) => n >= 1 && n <= 10),
    'every take gives at least one and at most the burst',
  );
  t.ok(
    clock.sleeps.every((ms) => ms > 0),
    'every wait is a real wait: no spinning',
  );
  t.ok(clock.sleeps.length <= sizes.length, 'at most one wait per take');
});

t.test('a fractional rate: one record every two seconds', async (t) => {
  const clock = simulatedClock();
  const bucket = new TokenBucket(0.5, 1, clock);
  const times: number[] = [];
  for (let i = 0; i < 4; i++) {
    t.equal(await bucket.take(100, never), 1);
    times.push(clock.time);
  }
  t.same(times, [0, 2000, 4000, 6000], 'the first at once (the bucket starts full), then every 2 s');
});

t.test('asking for fewer than the burst waits only for those', async (t) => {
  const clock = simulatedClock();
  const bucket = new TokenBucket(1000, 100, clock);
  t.equal(await bucket.take(100, never), 100);
  t.equal(await bucket.take(5, never), 5);
  t.equal(clock.time, 5, 'five tokens at 1 per ms: 5 ms');
});

t.test('an aborted wait returns 0 and takes nothing', async (t) => {
  const clock = simulatedClock();
  const bucket = new TokenBucket(1, 1, clock);
  t.equal(await bucket.take(1, never), 1);
  const stop = new AbortController();
  stop.abort();
  t.equal(await bucket.take(1, stop.signal), 0);
  t.equal(clock.time, 0, 'no time passed');
  t.equal(await bucket.take(1, never), 1, 'the next take waits for its token as usual');
  t.equal(clock.time, 1000);
});

t.test('bad parameters are refused', async (t) => {
  t.throws(() => new TokenBucket(0, 1), /rate must be a positive number, not 0/);
  t.throws(() => new TokenBucket(10, 0), /burst must be at least 1, not 0/);
});
