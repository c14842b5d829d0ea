/**
 * One timer for all the idle file source tasks of a thread: each task's idle poll ends at the first
 * tick after its deadline instead of on a timer of its own.
 *
 * Why: an idle task's poll returns null after about a second (as Kafka's task does). With a timer per
 * poll, N idle tasks started at different times wake their worker thread N times a second, and each
 * wake-up of an idle event loop costs CPU whatever its callback does (the kernel's timer and epoll
 * work, on the VM more so). On shared ticks the thread wakes four times a second for all of them:
 * with 100 idle file sources, connectd's CPU went from ~2.1 to ~1.5 % of a core (bench/README.md).
 * The ticker runs only while some task waits.
 */

/** Ticks every 250 ms: an idle poll waits between its deadline and 250 ms more. */
export const TICK_MS = 250;

interface Waiter {
  deadline: number;
  expire: () => void;
}

const waiting = new Set<Waiter>();
let ticker: NodeJS.Timeout | undefined;

/**
 * Calls `expire` at the first tick at or after `deadline` (a `performance.now()` time); returns a
 * function that cancels it.
 */
export function atIdleTick(deadline: number, expire: () => void): () => void {
  const waiter: Waiter = { deadline, expire };
  waiting.add(waiter);
  // Ref'd, as a task's own timer was: a task waiting is work pending.
  ticker ??= setInterval(tick, TICK_MS);
  return () => {
    waiting.delete(waiter);
    stopWhenIdle();
  };
}

function tick(): void {
  // A tick that comes a little early (timer granularity) still counts for deadlines just after it.
  const now = performance.now() + 1;
  for (const waiter of waiting) {
    if (waiter.deadline > now) continue;
    waiting.delete(waiter);
    waiter.expire();
  }
  stopWhenIdle();
}

function stopWhenIdle(): void {
  if (waiting.size > 0 || ticker === undefined) return;
  clearInterval(ticker);
  ticker = undefined;
}
