/**
 * The two contenders, run the same way: on a fresh topic, CPU of the contender and of the broker
 * sampled at the start and end of the measured window, peak RSS at the end.
 *
 * - raw: bench/lib/raw-producer.ts in a forked Node process. Window: 'go' → last delivery report.
 * - connectd: the daemon (tools/connectd-process.ts) running the generator. Window: the first
 *   /metrics sample (every 100 ms) that shows an acknowledged record → the sample that shows all;
 *   the moment of the last ack is interpolated between the last two samples.
 */
import { fork } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { ConnectdProcess } from '../../tools/connectd-process.js';
import { plannedTotal } from './generator-records.js';
import type { RecordPlan } from './generator-records.js';
import { cpuDelta, foreignLoad, peakRssMiB, sampleCpu, sampleMachine } from './proc-stats.js';
import type { CpuSample, ForeignLoad, MachineSample } from './proc-stats.js';
import type { RawProducerJob, RawProducerResult } from './raw-producer.js';

const RAW_PRODUCER = fileURLToPath(new URL('./raw-producer.js', import.meta.url));
/** Each /metrics render costs connectd's main thread ~0.5–1 ms: 10 a second is < 1 % of it. */
const METRIC_POLL_MS = 100;

export interface RunWindow {
  /** Records acknowledged inside the CPU window. */
  records: number;
  /** Wall ms of the window as the harness saw it (metric polling for connectd, in-process for raw). */
  wallMs: number;
  cpu: CpuSample;
  brokerCpu: CpuSample;
  peakRssMiB: number;
  /** Wall clock (ms since epoch) when the last record was known acknowledged. */
  lastAckAt: number;
  /** Times produce() answered QUEUE_FULL (raw only: connectd's count is not exported). */
  queueFullEvents?: number;
  /** What else ran on the machine meanwhile (the machine is shared; 2 cores). */
  foreign: ForeignLoad;
  /** connectd: its own view of the run from /metrics (backpressure, batch ack latency, QUEUE_FULL). */
  connectdMetrics?: { creditWaitSeconds: number; batchAckMeanMs: number; batches: number; queueFullEvents: number; batchAckHistogram: Record<string, number> };
  /** Raw, latency runs: produce() → delivery report percentiles (ms). */
  ack?: RawProducerResult['ack'];
}

export interface Pace {
  tasks: number;
  intervalMs: number;
  batchSize: number;
}

export interface RunOptions {
  bootstrapServers: string;
  brokerPid: number;
  topic: string;
  plan: RecordPlan;
  /** connectd: tasks.max; raw: ignored unless paced. */
  tasks: number;
  pace?: Pace;
  /** Extra node flags for the contender's process (profiling). */
  nodeArgs?: string[];
  /** connectd's working directory (configs, offsets, log). */
  dir: string;
  /** Extra connectd worker settings (e.g. task.max.inflight.records), to explore what its defaults cost. */
  worker?: Record<string, string>;
  /**
   * connectd: resolves once every record arrived (the latency consumer). Replaces /metrics polling,
   * which would load connectd's main thread and the harness's (where the consumer runs) meanwhile.
   */
  until?: Promise<unknown>;
  /** Raw: measure produce() → delivery report latency, leaving out records produced in the first `warmupMs`. */
  ackLatency?: { warmupMs: number };
}

export async function runRaw(opts: RunOptions): Promise<RunWindow> {
  const job: RawProducerJob = { bootstrapServers: opts.bootstrapServers, topic: opts.topic, plan: opts.plan, chunk: 500 };
  if (opts.pace !== undefined) job.pace = opts.pace;
  if (opts.ackLatency !== undefined) {
    job.ackLatency = true;
    job.ackLatencyWarmupMs = opts.ackLatency.warmupMs;
  }
  const child = fork(RAW_PRODUCER, [JSON.stringify(job)], { execArgv: opts.nodeArgs ?? [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const next = (): Promise<{ t: string }> =>
    new Promise((resolve, reject) => {
      const onMessage = (msg: { t: string }): void => {
        child.off('exit', onExit);
        resolve(msg);
      };
      const onExit = (code: number | null): void => {
        child.off('message', onMessage);
        reject(new Error(`raw producer exited (code ${code}) before answering`));
      };
      child.once('message', onMessage);
      child.once('exit', onExit);
    });
  try {
    await next(); // ready
    const pid = child.pid!;
    const machine0 = sampleMachine();
    const cpu0 = sampleCpu(pid);
    const broker0 = sampleCpu(opts.brokerPid);
    const started = performance.now();
    child.send({ t: 'go' });
    const result = (await next()) as RawProducerResult;
    const wallMs = performance.now() - started;
    const cpu1 = sampleCpu(pid);
    const broker1 = sampleCpu(opts.brokerPid);
    const machine1 = sampleMachine();
    const rss = peakRssMiB(pid);
    child.send({ t: 'bye' });
    const code = await exited;
    if (code !== 0) throw new Error(`raw producer exited with code ${code}`);
    if (result.failed > 0) throw new Error(`raw producer: ${result.failed} records failed delivery`);
    const cpu = cpuDelta(cpu0, cpu1);
    const brokerCpu = cpuDelta(broker0, broker1);
    const foreign = foreignLoad(machine0, machine1, [pid, opts.brokerPid, process.pid], wallMs / 1000);
    const window: RunWindow = { records: result.acked, wallMs, lastAckAt: result.lastAckAt, cpu, brokerCpu, foreign, peakRssMiB: rss, queueFullEvents: result.queueFullEvents };
    if (result.ack !== undefined) window.ack = result.ack;
    return window;
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
}

export async function runConnectd(opts: RunOptions): Promise<RunWindow> {
  const total = plannedTotal(opts.plan);
  const connector: Record<string, string> = {
    name: 'bench',
    'connector.class': 'GeneratorSource',
    'tasks.max': String(opts.tasks),
    topic: opts.topic,
    'source.partitions': String(opts.plan.sourcePartitions),
    'records.per.partition': String(opts.plan.perPartition),
    'value.size': String(opts.plan.valueSize),
  };
  if (opts.pace !== undefined) {
    connector['poll.interval.ms'] = String(opts.pace.intervalMs);
    connector['batch.size'] = String(opts.pace.batchSize);
  }
  const proc = await ConnectdProcess.start({
    dir: opts.dir,
    bootstrapServers: opts.bootstrapServers,
    // connectd's own default (the fixture's 1 s would add an fsync'd offset flush every second).
    worker: { 'offset.flush.interval.ms': '60000', ...opts.worker },
    connectors: [connector],
    nodeArgs: opts.nodeArgs ?? [],
  });
  let stopped = false;
  try {
    const pid = proc.pid!;
    if (opts.until !== undefined) {
      const machine0 = sampleMachine();
      const cpu0 = sampleCpu(pid);
      const broker0 = sampleCpu(opts.brokerPid);
      const started = performance.now();
      await opts.until;
      const wallMs = performance.now() - started;
      const cpu = cpuDelta(cpu0, sampleCpu(pid));
      const brokerCpu = cpuDelta(broker0, sampleCpu(opts.brokerPid));
      const window: RunWindow = {
        records: total,
        wallMs,
        lastAckAt: Date.now(),
        cpu,
        brokerCpu,
        foreign: foreignLoad(machine0, sampleMachine(), [pid, opts.brokerPid, process.pid], wallMs / 1000),
        peakRssMiB: peakRssMiB(pid),
        connectdMetrics: await readDiagnostics(proc),
      };
      const code = await proc.stop();
      stopped = true;
      if (code !== 0) throw new Error(`connectd exited with code ${code}; log ${proc.logFile}`);
      return window;
    }
    let first: { at: number; written: number; cpu: CpuSample; broker: CpuSample; machine: MachineSample } | undefined;
    let previous = { at: 0, wallClock: 0, written: 0 };
    let lastProgress = { at: performance.now(), written: -1 };
    for (;;) {
      const written = await proc.metric('connectd_source_record_write_total');
      const at = performance.now();
      const wallClock = Date.now();
      if (written > 0 && first === undefined) first = { at, written, machine: sampleMachine(), cpu: sampleCpu(pid), broker: sampleCpu(opts.brokerPid) };
      if (written >= total) {
        // The last ack happened between the previous sample and this one: interpolate at the rate
        // seen between them rather than poll often (rendering /metrics costs connectd's main thread).
        const fraction = previous.written > 0 && written > previous.written ? (total - previous.written) / (written - previous.written) : 1;
        const cpu = cpuDelta(first!.cpu, sampleCpu(pid));
        const brokerCpu = cpuDelta(first!.broker, sampleCpu(opts.brokerPid));
        const connectdMetrics = await readDiagnostics(proc);
        const window: RunWindow = {
          records: written - first!.written,
          wallMs: at - first!.at,
          lastAckAt: previous.wallClock > 0 ? previous.wallClock + fraction * (wallClock - previous.wallClock) : wallClock,
          cpu,
          brokerCpu,
          foreign: foreignLoad(first!.machine, sampleMachine(), [pid, opts.brokerPid, process.pid], (at - first!.at) / 1000),
          peakRssMiB: peakRssMiB(pid),
          connectdMetrics,
        };
        const code = await proc.stop();
        stopped = true;
        if (code !== 0) throw new Error(`connectd exited with code ${code}; log ${proc.logFile}`);
        return window;
      }
      previous = { at, wallClock, written };
      if (written !== lastProgress.written) lastProgress = { at, written };
      else if (at - lastProgress.at > 30000) {
        const failed = await proc.metric('connectd_source_record_failed_total');
        throw new Error(`connectd made no progress for 30 s at ${written}/${total} records (${failed} failed); log ${proc.logFile}:\n${await proc.logTail(20)}`);
      }
      await sleep(METRIC_POLL_MS);
    }
  } finally {
    if (!stopped) await proc.kill();
  }
}

async function readDiagnostics(proc: ConnectdProcess): Promise<NonNullable<RunWindow['connectdMetrics']>> {
  const text = await (await fetch(`${proc.url}/metrics`)).text();
  const sum = (name: string): number => {
    let total = 0;
    for (const line of text.split('\n')) if (line.startsWith(`${name}{`) || line.startsWith(`${name} `)) total += Number(line.slice(line.lastIndexOf(' ') + 1));
    return total;
  };
  // Cumulative bucket counts summed over tasks, by upper bound in seconds.
  const batchAckHistogram: Record<string, number> = {};
  for (const line of text.split('\n')) {
    const m = /^connectd_source_batch_ack_seconds_bucket\{.*le="([^"]+)".*\} (\S+)$/.exec(line);
    if (m) batchAckHistogram[m[1]!] = (batchAckHistogram[m[1]!] ?? 0) + Number(m[2]);
  }
  const batches = sum('connectd_source_batch_ack_seconds_count');
  return {
    creditWaitSeconds: Math.round(sum('connectd_source_credit_wait_seconds_total') * 100) / 100,
    batchAckMeanMs: batches > 0 ? Math.round((sum('connectd_source_batch_ack_seconds_sum') / batches) * 1e4) / 10 : Number.NaN,
    batches,
    queueFullEvents: sum('connectd_producer_queue_full_total'),
    batchAckHistogram,
  };
}
