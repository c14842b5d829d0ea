/**
 * The producing contenders of the generator scenarios, run the same way: on a fresh topic whose
 * watermarks the harness polls every 50 ms (records in the topic, not a contender's counter),
 * the CPU of the contender and of the broker sampled when the first `warmup` records are in the
 * topic and when all are, peak RSS at the end.
 *
 * - raw: bench/lib/raw-producer.ts in a forked Node process.
 * - connectd: the daemon (tools/connectd-process.ts) running the generator.
 * - perf: Apache Kafka's ProducerPerformance (the Java client), tuned alike (JAVA_PRODUCER_EQUIVALENT).
 *   Its records have the same size but no key and no headers (the tool sends one random payload
 *   over and over).
 *
 * Latency runs (`until`) are not watched: the window ends when the latency consumer has every record.
 */
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ConnectdProcess } from '../../tools/connectd-process.js';
import { plannedTotal } from './generator-records.js';
import type { RecordPlan } from './generator-records.js';
import type { CpuSample, ForeignLoad } from './proc-stats.js';
import { fileLines, measureProgress, startCpuWindow } from './progress.js';
import type { CpuWindowOptions, ProgressWindow } from './progress.js';
import type { RawProducerJob, RawProducerResult } from './raw-producer.js';
import type { RawConsumerJob, RawConsumerResult } from './raw-consumer.js';
import { producerPerformanceReport, startProducerPerformance } from './java-contenders.js';
import type { ProducerPerformanceReport } from './java-contenders.js';
import { JAVA_PRODUCER_EQUIVALENT } from './producer-settings.js';
import { openWatermarkReader } from './topics.js';

const RAW_PRODUCER = fileURLToPath(new URL('./raw-producer.js', import.meta.url));
const RAW_CONSUMER = fileURLToPath(new URL('./raw-consumer.js', import.meta.url));
/** How often the topic's watermarks are polled (one ListOffsets request per partition). */
export const PROGRESS_POLL_MS = 50;

export interface RunWindow {
  /** Records acknowledged inside the CPU window (after the warm-up). */
  records: number;
  /** Wall ms of the window. */
  wallMs: number;
  /** Wall clock (ms since epoch) of the window's start: the sample that first showed the warm-up done. */
  firstAt: number;
  /** Wall clock (ms since epoch) when the last record was in the topic (interpolated). */
  lastAckAt: number;
  cpu: CpuSample;
  brokerCpu: CpuSample;
  peakRssMiB: number;
  /** Times produce() answered QUEUE_FULL (raw only: connectd's count is in connectdMetrics). */
  queueFullEvents?: number;
  /** What else ran on the machine meanwhile (the machine is shared; 2 cores). */
  foreign: ForeignLoad;
  /** connectd: its own view of the run from /metrics (backpressure, batch ack latency, QUEUE_FULL). */
  connectdMetrics?: ConnectdDiagnostics;
  /** Raw, latency runs: produce() → delivery report percentiles (ms). */
  ack?: RawProducerResult['ack'];
  /** perf: the tool's own summary (its rate counts its start-up; its latency is send → ack). */
  perfReport?: ProducerPerformanceReport;
  /** connectd with `recordAckHistogram`: cumulative counts by upper bound (s), over the measured window only. */
  recordAckHistogram?: Record<string, number>;
}

export interface ConnectdDiagnostics {
  /** Source tasks: time their poll loops waited for credit (connectd_source_credit_wait_seconds_total). */
  creditWaitSeconds: number;
  batchAckMeanMs: number;
  batches: number;
  queueFullEvents: number;
  batchAckHistogram: Record<string, number>;
  /** Sink tasks: time consumption was paused because put() could not keep up. */
  sinkBackpressureSeconds: number;
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
  /** The topic's partition count (watermarks). */
  partitions: number;
  plan: RecordPlan;
  /** Records in the topic before the measured window starts (JIT and connection warm-up); default 1. */
  warmup?: number;
  /** connectd: tasks.max; raw: ignored unless paced. */
  tasks: number;
  pace?: Pace;
  /** Extra node flags for the contender's process (profiling). */
  nodeArgs?: string[];
  /** The contender's working directory (configs, offsets, logs). */
  dir: string;
  /** Extra connectd worker settings (e.g. task.max.inflight.records), to explore what its defaults cost. */
  worker?: Record<string, string>;
  /** Latency runs: resolves once every record arrived (the latency consumer); no watching meanwhile. */
  until?: Promise<unknown>;
  /** Raw: measure produce() → delivery report latency, leaving out records produced in the first `warmupMs`. */
  ackLatency?: { warmupMs: number };
  /**
   * Records per second. perf: its --throughput. connectd: the generator's records.per.second
   * (a token bucket: the rate holds whatever a poll costs), in batches of `pace.batchSize`.
   */
  rate?: number;
  /** connectd: its produce-latency histogram (connectd_source_record_ack_seconds) over the measured window. */
  recordAckHistogram?: boolean;
}

/** The measured window: watched through the topic's watermarks, or up to `until` (latency runs). */
async function measure(
  opts: RunOptions,
  pid: number,
  cpuOpts: CpuWindowOptions,
  describe: () => Promise<string>,
  onWindowStart?: () => void,
): Promise<ProgressWindow> {
  const total = plannedTotal(opts.plan);
  if (opts.until !== undefined) {
    const firstAt = Date.now();
    const window = startCpuWindow(pid, opts.brokerPid, cpuOpts);
    await opts.until;
    return { ...window.end(), records: total, recordsAtFirst: 0, firstAt, firstProgressAt: firstAt, lastAt: Date.now() };
  }
  const reader = await openWatermarkReader(opts.bootstrapServers, opts.topic, opts.partitions);
  try {
    return await measureProgress({
      ...cpuOpts,
      pid,
      brokerPid: opts.brokerPid,
      total,
      from: opts.warmup ?? 1,
      pollMs: PROGRESS_POLL_MS,
      read: () => reader.read(),
      describe,
      ...(onWindowStart === undefined ? {} : { onWindowStart }),
    });
  } finally {
    await reader.close();
  }
}

function toRunWindow(w: ProgressWindow): RunWindow {
  return {
    records: w.records,
    wallMs: w.wallMs,
    firstAt: w.firstAt,
    lastAckAt: w.lastAt,
    cpu: w.cpu,
    brokerCpu: w.brokerCpu,
    foreign: w.foreign,
    peakRssMiB: w.peakRssMiB,
  };
}

/** A forked contender speaking raw-producer.ts's IPC protocol (ready, go, done, bye). */
function forkContender(
  script: string,
  job: unknown,
  nodeArgs: string[] = [],
): { child: ChildProcess; next: () => Promise<{ t: string }>; exited: Promise<number | null> } {
  const child = fork(script, [JSON.stringify(job)], { execArgv: nodeArgs, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const next = (): Promise<{ t: string }> =>
    new Promise((resolve, reject) => {
      const onMessage = (msg: { t: string }): void => {
        child.off('exit', onExit);
        resolve(msg);
      };
      const onExit = (code: number | null): void => {
        child.off('message', onMessage);
        reject(new Error(`${script} exited (code ${code}) before answering`));
      };
      child.once('message', onMessage);
      child.once('exit', onExit);
    });
  return { child, next, exited };
}

export async function runRaw(opts: RunOptions): Promise<RunWindow> {
  const job: RawProducerJob = { bootstrapServers: opts.bootstrapServers, topic: opts.topic, plan: opts.plan, chunk: 500 };
  if (opts.pace !== undefined) job.pace = opts.pace;
  if (opts.ackLatency !== undefined) {
    job.ackLatency = true;
    job.ackLatencyWarmupMs = opts.ackLatency.warmupMs;
  }
  const { child, next, exited } = forkContender(RAW_PRODUCER, job, opts.nodeArgs);
  try {
    await next(); // ready
    const pid = child.pid!;
    const result = next() as Promise<RawProducerResult>;
    result.catch(() => undefined); // awaited below, unless watching fails first
    child.send({ t: 'go' });
    const w = await measure(opts, pid, {}, async () => 'raw producer');
    const done = await result;
    child.send({ t: 'bye' });
    const code = await exited;
    if (code !== 0) throw new Error(`raw producer exited with code ${code}`);
    if (done.failed > 0) throw new Error(`raw producer: ${done.failed} records failed delivery`);
    const window: RunWindow = { ...toRunWindow(w), queueFullEvents: done.queueFullEvents };
    if (done.ack !== undefined) window.ack = done.ack;
    return window;
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
}

/**
 * The raw sink (raw-consumer.ts) reading `job.topic` into `job.file`, watched like the workers'
 * file sinks (whole lines in the file) from `from` records to `job.expected`.
 */
export async function runRawSink(
  job: RawConsumerJob,
  lineBytes: number,
  brokerPid: number,
  from: number,
  nodeArgs?: string[],
): Promise<ProgressWindow> {
  const { child, next, exited } = forkContender(RAW_CONSUMER, job, nodeArgs);
  try {
    await next(); // ready
    const result = next() as Promise<RawConsumerResult>;
    result.catch(() => undefined);
    child.send({ t: 'go' });
    const w = await measureProgress({
      pid: child.pid!,
      brokerPid,
      total: job.expected,
      from,
      pollMs: PROGRESS_POLL_MS,
      read: fileLines(job.file, lineBytes),
      describe: async () => 'raw consumer',
    });
    await result;
    child.send({ t: 'bye' });
    const code = await exited;
    if (code !== 0) throw new Error(`raw consumer exited with code ${code}`);
    return w;
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
}

/** The GeneratorSource connector of a connectd run: the plan's streams, rate and pace (the soak scenario runs it too). */
export function generatorConnector(opts: RunOptions): Record<string, string> {
  const connector: Record<string, string> = {
    name: 'bench',
    'connector.class': 'GeneratorSource',
    'tasks.max': String(opts.tasks),
    topic: opts.topic,
    'source.partitions': String(opts.plan.sourcePartitions),
    'records.per.partition': String(opts.plan.perPartition),
    'value.size': String(opts.plan.valueSize),
  };
  if (opts.plan.valueFormat === 'struct-json') {
    connector['value.format'] = 'struct';
    connector['value.converter'] = 'org.apache.kafka.connect.json.JsonConverter';
    connector['value.converter.schemas.enable'] = 'true';
  }
  if (opts.rate !== undefined) {
    connector['records.per.second'] = String(opts.rate);
    if (opts.pace !== undefined) connector['batch.size'] = String(opts.pace.batchSize);
  } else if (opts.pace !== undefined) {
    connector['poll.interval.ms'] = String(opts.pace.intervalMs);
    connector['batch.size'] = String(opts.pace.batchSize);
  }
  return connector;
}

export async function runConnectd(opts: RunOptions): Promise<RunWindow> {
  const connector = generatorConnector(opts);
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
    // The histogram as the window starts, to leave the warm-up out.
    let atStart: Promise<Record<string, number>> | undefined;
    const onWindowStart =
      opts.recordAckHistogram === true
        ? () => void (atStart = readHistogram(proc, 'connectd_source_record_ack_seconds')).catch(() => undefined)
        : undefined;
    const w = await measure(
      opts,
      proc.pid,
      {},
      async () => `${await proc.metric('connectd_source_record_failed_total')} failed; log ${proc.logFile}:\n${await proc.logTail(20)}`,
      onWindowStart,
    );
    const window: RunWindow = { ...toRunWindow(w), connectdMetrics: await readDiagnostics(proc) };
    if (atStart !== undefined) {
      const [before, after] = [await atStart, await readHistogram(proc, 'connectd_source_record_ack_seconds')];
      window.recordAckHistogram = Object.fromEntries(Object.entries(after).map(([le, n]) => [le, n - (before[le] ?? 0)]));
    }
    const code = await proc.stop();
    stopped = true;
    if (code !== 0) throw new Error(`connectd exited with code ${code}; log ${proc.logFile}`);
    return window;
  } finally {
    if (!stopped) await proc.kill();
  }
}

export async function runPerf(opts: RunOptions): Promise<RunWindow> {
  const proc = await startProducerPerformance({
    dir: opts.dir,
    bootstrapServers: opts.bootstrapServers,
    topic: opts.topic,
    records: plannedTotal(opts.plan),
    recordSize: opts.plan.valueSize,
    throughput: opts.rate ?? -1,
    producerProps: JAVA_PRODUCER_EQUIVALENT,
  });
  try {
    // It exits right after its last ack: sampled meanwhile, so its CPU and RSS are known then.
    const window = toRunWindow(await measure(opts, proc.pid, { mayExit: true }, () => proc.logTail(20)));
    let timer: NodeJS.Timeout | undefined;
    const code = await Promise.race([
      proc.exited,
      new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), 60000))),
    ]);
    clearTimeout(timer);
    if (code !== 0)
      throw new Error(
        `ProducerPerformance ${code === 'timeout' ? 'did not exit within 60 s of its last record' : `exited with code ${code}`}; log ${proc.logFile}:\n${await proc.logTail(20)}`,
      );
    const report = await producerPerformanceReport(proc);
    if (report !== undefined) window.perfReport = report;
    return window;
  } finally {
    await proc.kill();
  }
}

/** A histogram from connectd's /metrics: cumulative bucket counts summed over its series, by upper bound in seconds. */
export async function readHistogram(proc: ConnectdProcess, name: string): Promise<Record<string, number>> {
  const text = await (await fetch(`${proc.url}/metrics`)).text();
  const buckets: Record<string, number> = {};
  const pattern = new RegExp(`^${name}_bucket\\{.*le="([^"]+)".*\\} (\\S+)$`);
  for (const line of text.split('\n')) {
    const m = pattern.exec(line);
    if (m) buckets[m[1]!] = (buckets[m[1]!] ?? 0) + Number(m[2]);
  }
  return buckets;
}

/** connectd's own view of a run, from its /metrics: backpressure, batch ack times, QUEUE_FULL. */
export async function readDiagnostics(proc: ConnectdProcess): Promise<ConnectdDiagnostics> {
  const text = await (await fetch(`${proc.url}/metrics`)).text();
  const sum = (name: string): number => {
    let total = 0;
    for (const line of text.split('\n'))
      if (line.startsWith(`${name}{`) || line.startsWith(`${name} `)) total += Number(line.slice(line.lastIndexOf(' ') + 1));
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
    sinkBackpressureSeconds: Math.round(sum('connectd_sink_backpressure_seconds_total') * 100) / 100,
  };
}
