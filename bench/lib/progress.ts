/**
 * The measured window of a run whose progress the harness can only poll (records acknowledged per
 * connectd's /metrics, records in the topic by its watermarks, lines in a sink's output file):
 * from the first sample that shows progress to the sample that shows all of it, with the CPU of
 * the contender and of the broker, and what else ran on the machine, sampled at both ends.
 *
 * The moment the last record arrived is interpolated between the last two samples at the rate seen
 * between them, rather than polling often (a /metrics render costs connectd's main thread, and a
 * watermark query costs the broker).
 */
import { stat } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { cpuDelta, foreignLoad, peakRssMiB, sampleCpu, sampleMachine } from './proc-stats.js';
import type { CpuSample, ForeignLoad } from './proc-stats.js';

export interface ProgressWindow extends CpuWindow {
  /** Progress made inside the CPU window (from the first sample that showed any to the end). */
  records: number;
  /** Progress already made at the first sample (left out of `records`). */
  recordsAtFirst: number;
  /** Wall clock (ms since epoch) of the first sample that showed progress past the warm-up: the window's start. */
  firstAt: number;
  /** Wall clock (ms since epoch) of the first sample that showed any progress. */
  firstProgressAt: number;
  /** Wall clock (ms since epoch) when progress reached `total`, interpolated between the last two samples. */
  lastAt: number;
}

export interface ProgressOptions extends CpuWindowOptions {
  /** The contender's process (CPU) and the broker's. */
  pid: number;
  brokerPid: number;
  total: number;
  /** The window starts at the first sample showing at least this much progress (default 1): a warm-up left out. */
  from?: number;
  /** Progress so far (records). */
  read: () => Promise<number>;
  pollMs?: number;
  /** Fail when progress stalls this long (default 30 s). */
  stallMs?: number;
  /** Text for a stall error: e.g. the contender's log tail. */
  describe?: () => Promise<string>;
  /** Called once, when the window starts (the sample that showed `from`). */
  onWindowStart?: () => void;
  /** Processes whose CPU is not "other load" besides the contender, the broker and the harness. */
  ownPids?: readonly number[];
}

export interface CpuWindow {
  wallMs: number;
  cpu: CpuSample;
  brokerCpu: CpuSample;
  foreign: ForeignLoad;
  /** The contender's peak RSS (VmHWM) at the end of the window. */
  peakRssMiB: number;
}

export interface CpuWindowOptions {
  /** Processes whose CPU is not "other load" besides the contender, the broker and the harness. */
  ownPids?: readonly number[];
  /**
   * The contender may exit on its own at the end (ProducerPerformance does, right after its last
   * ack): sample it every 50 ms meanwhile and, when it is gone at the end, count up to its last
   * sample (at most 50 ms of its CPU is missed).
   */
  mayExit?: boolean;
}

/**
 * Samples the CPU of `pid` and of the broker and every process's now; `end()` gives what each
 * spent since, and the load of the others (besides the two, the harness and `ownPids`).
 */
export function startCpuWindow(pid: number, brokerPid: number, opts: CpuWindowOptions = {}): { end: () => CpuWindow } {
  const machine = sampleMachine();
  // A contender that may exit can be gone already (ProducerPerformance sends a smoke run's records
  // in about a second, and the window opens at the first 20 %): its CPU is then not known (NaN).
  const orGone = <T>(read: () => T, gone: T): T => {
    if (opts.mayExit !== true) return read();
    try {
      return read();
    } catch {
      return gone;
    }
  };
  const cpu = orGone(() => sampleCpu(pid), { total: Number.NaN, mainPreemptions: 0, byThread: {} });
  const broker = sampleCpu(brokerPid);
  const started = performance.now();
  let last = { cpu, rss: orGone(() => peakRssMiB(pid), Number.NaN) };
  const track = (): void => {
    try {
      // An exiting process (a zombie) has no VmHWM any more: keep the last one seen.
      const rss = peakRssMiB(pid);
      last = { cpu: sampleCpu(pid), rss: Number.isFinite(rss) ? rss : last.rss };
    } catch {
      // Gone: keep the last sample.
    }
  };
  const timer = opts.mayExit === true ? setInterval(track, 50) : undefined;
  return {
    end: () => {
      clearInterval(timer);
      const wallMs = performance.now() - started;
      if (opts.mayExit === true) track();
      else last = { cpu: sampleCpu(pid), rss: peakRssMiB(pid) };
      const broker1 = sampleCpu(brokerPid);
      return {
        wallMs,
        cpu: cpuDelta(cpu, last.cpu),
        brokerCpu: cpuDelta(broker, broker1),
        foreign: foreignLoad(machine, sampleMachine(), [pid, brokerPid, process.pid, ...(opts.ownPids ?? [])], Math.max(wallMs, 1) / 1000),
        peakRssMiB: last.rss,
      };
    },
  };
}

export async function measureProgress(opts: ProgressOptions): Promise<ProgressWindow> {
  const pollMs = opts.pollMs ?? 100;
  const stallMs = opts.stallMs ?? 30000;
  let first: { wallClock: number; done: number; window: ReturnType<typeof startCpuWindow> } | undefined;
  let previous = { wallClock: 0, done: 0 };
  let firstProgressAt = 0;
  let lastProgress = { at: performance.now(), done: -1 };
  for (;;) {
    const done = await opts.read();
    const at = performance.now();
    const wallClock = Date.now();
    if (done > 0 && firstProgressAt === 0) firstProgressAt = wallClock;
    if (done >= Math.max(1, opts.from ?? 1) && first === undefined) {
      first = { wallClock, done, window: startCpuWindow(opts.pid, opts.brokerPid, opts) };
      opts.onWindowStart?.();
    }
    if (done >= opts.total) {
      const w = first!.window.end();
      const fraction = previous.done > 0 && done > previous.done ? (opts.total - previous.done) / (done - previous.done) : 1;
      return {
        ...w,
        records: done - first!.done,
        recordsAtFirst: first!.done,
        firstAt: first!.wallClock,
        firstProgressAt,
        lastAt: previous.wallClock > 0 ? previous.wallClock + fraction * (wallClock - previous.wallClock) : wallClock,
      };
    }
    previous = { wallClock, done };
    if (done !== lastProgress.done) lastProgress = { at, done };
    else if (at - lastProgress.at > stallMs) {
      throw new Error(
        `no progress for ${Math.round(stallMs / 1000)} s at ${done}/${opts.total}${opts.describe === undefined ? '' : `: ${await opts.describe()}`}`,
      );
    }
    await sleep(pollMs);
  }
}

/** Progress of a file sink writing fixed-size lines: whole lines in the file so far. */
export function fileLines(file: string, lineBytes: number): () => Promise<number> {
  return async () => Math.floor(((await stat(file).catch(() => null))?.size ?? 0) / lineBytes);
}
