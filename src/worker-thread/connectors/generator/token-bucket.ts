/**
 * A token bucket: `ratePerSecond` tokens a second, at most `burst` held. `take` sleeps until the
 * tokens it needs have accrued (one timer, never a polling loop), so a rate-limited task costs
 * nothing while it waits and answers a stop at once.
 */
import { setTimeout as sleep } from 'node:timers/promises';

/** Time, and waiting for it; tests pass a simulated one. */
export interface Clock {
  /** Milliseconds from an arbitrary origin, never going backwards. */
  now(): number;
  /** Resolves after `ms`, or at once when `signal` aborts. */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

export const realClock: Clock = {
  now: () => performance.now(),
  sleep: (ms, signal) => sleep(ms, undefined, { signal }).catch(() => undefined),
};

export class TokenBucket {
  readonly #perMs: number;
  readonly #burst: number;
  readonly #clock: Clock;
  #tokens: number;
  #last: number;

  /** Starts full: the first `burst` tokens are there at once. */
  constructor(ratePerSecond: number, burst: number, clock: Clock = realClock) {
    if (!(ratePerSecond > 0) || !Number.isFinite(ratePerSecond))
      throw new RangeError(`TokenBucket: the rate must be a positive number, not ${ratePerSecond}`);
    if (!(burst >= 1)) throw new RangeError(`TokenBucket: the burst must be at least 1, not ${burst}`);
    this.#perMs = ratePerSecond / 1000;
    this.#burst = burst;
    this.#clock = clock;
    this.#tokens = burst;
    this.#last = clock.now();
  }

  /**
   * Waits until `min(wanted, burst)` tokens are there, takes up to `wanted` whole ones and returns
   * how many it took: at least one, or 0 when `signal` aborted the wait.
   */
  async take(wanted: number, signal: AbortSignal): Promise<number> {
    const needed = Math.max(1, Math.min(wanted, this.#burst));
    for (this.#refill(); this.#tokens < needed; this.#refill()) {
      if (signal.aborted) return 0;
      await this.#clock.sleep((needed - this.#tokens) / this.#perMs, signal);
    }
    if (signal.aborted) return 0;
    const taken = Math.min(wanted, Math.floor(this.#tokens));
    this.#tokens -= taken;
    return taken;
  }

  #refill(): void {
    const now = this.#clock.now();
    this.#tokens = Math.min(this.#burst, this.#tokens + (now - this.#last) * this.#perMs);
    this.#last = now;
  }
}
