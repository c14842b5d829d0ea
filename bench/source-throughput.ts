/**
 * Source throughput (issue 4 "Speed"): the generator through connectd vs librdkafka's raw producer
 * producing the very same records, on one real Kafka broker, with connectd's producer defaults.
 *
 *   node dist/bench/source-throughput.js [--quick] [--no-latency] [--no-profile]
 *
 * Method (Conduit benchi METHODOLOGY, STYLE.md lesson 12): a fresh 3-partition topic per run,
 * contenders interleaved and the order rotated each round, medians of >= 3 runs, ratio
 * connectd/raw, an A/A pair (raw vs raw) for the noise, every run's records counted in the topic
 * (a run whose count, keys or headers differ from what was asked fails the bench).
 *
 * Throughput = records / (last acknowledgement − first CreateTime in the topic): from the first
 * produce() call (librdkafka stamps CreateTime then, in either contender) to the moment the last
 * record was acknowledged (raw: its last delivery report; connectd: /metrics polled every 100 ms,
 * the last ack interpolated between the last two samples). Neither start-up is counted. The span between the first and the last CreateTime alone
 * would flatter the raw producer: it can enqueue up to 500 000 records (queue.buffering.max.messages)
 * ahead of the broker, connectd only its in-flight credit; LogAppendTime has the mirror problem
 * (the raw producer's pre-filled queue drains at network speed).
 *
 * Latency: at half of connectd's measured rate (2 tasks), both contenders paced the same way (the
 * generator's poll.interval.ms and batch.size), a concurrent consumer notes receive time − CreateTime.
 *
 * Profile: connectd with --cpu-prof at 100 B, 2 tasks, and the raw producer likewise; hot functions
 * of the main thread and of a worker thread (bench/lib/cpuprofile.ts).
 *
 * Results: bench/results/source-throughput[-quick].{json,md}, bench/results/profiles/.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import kafka from '@confluentinc/kafka-javascript';
import { KafkaCluster } from '../tools/kafka/cluster.js';
import { runConnectd, runRaw } from './lib/contenders.js';
import type { Pace, RunOptions, RunWindow } from './lib/contenders.js';
import { formatSummary, profileThreadId, summarizeProfile } from './lib/cpuprofile.js';
import type { ProfileSummary } from './lib/cpuprofile.js';
import { plannedTotal } from './lib/generator-records.js';
import type { RecordPlan } from './lib/generator-records.js';
import { CONNECTD_PRODUCER_DEFAULTS, checkProducerDefaults } from './lib/producer-settings.js';
import { median, percentileSorted, round } from './lib/stats.js';
import { countByWatermarks, countTopic, deleteTopic, startLatencyConsumer } from './lib/topics.js';
import type { TopicCount, WatermarkCount } from './lib/topics.js';
import { foreignLoad, sampleMachine } from './lib/proc-stats.js';
import type { ForeignLoad } from './lib/proc-stats.js';

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    'no-latency': { type: 'boolean', default: false },
    'no-profile': { type: 'boolean', default: false },
    rounds: { type: 'string' },
    /** Skip the throughput phase and measure latency at this rate (records/s), for quick iterations. */
    'latency-rate': { type: 'string' },
    /** Value sizes to run, e.g. 100 or 100,1024. */
    sizes: { type: 'string' },
    /** connectd worker settings to apply, e.g. task.max.inflight.records=50000 (repeatable); results go to a -tuned file. */
    worker: { type: 'string', multiple: true },
    /** Task counts for connectd, e.g. 1,2. */
    tasks: { type: 'string' },
  },
});
const quick = args.quick;
const REPO = path.resolve(import.meta.dirname, '../..');
const RESULTS = path.join(REPO, 'bench/results');
const PARTITIONS = 3;
const SOURCE_PARTITIONS = 4;

interface SizeConfig {
  valueSize: number;
  records: number;
}
const SIZES: SizeConfig[] = (
  quick ? [{ valueSize: 100, records: 200_000 }, { valueSize: 1024, records: 60_000 }] : [{ valueSize: 100, records: 1_000_000 }, { valueSize: 1024, records: 300_000 }]
).filter((s) => args.sizes === undefined || args.sizes.split(',').map(Number).includes(s.valueSize));
const LATENCY_RATE = args['latency-rate'] === undefined ? undefined : Number(args['latency-rate']);
const TASKS = args.tasks !== undefined ? args.tasks.split(',').map(Number) : quick ? [2] : [1, 2, 4];
const WORKER_OVERRIDES: Record<string, string> = Object.fromEntries((args.worker ?? []).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
const ROUNDS = Number(args.rounds ?? (quick ? 1 : 3));
const LATENCY_SECONDS = quick ? 5 : 12;
const LATENCY_RUNS = quick ? 1 : 2;
/** Left out of the latency percentiles: connection and idempotent-producer set-up, JIT warm-up. */
const LATENCY_WARMUP_MS = quick ? 1000 : 2000;
/** A first, uncounted run so that no contender meets a cold broker JVM (JIT, page cache). */
const BROKER_WARMUP_RECORDS = quick ? 100_000 : 1_000_000;
/**
 * The machine is shared (other engineers' tests run on the same 2 cores): a run during which
 * processes other than the contender, the broker and the harness used more than this many cores
 * on average is repeated, once, and left out of the medians. At most MAX_REPEATS in all.
 */
const FOREIGN_LOAD_LIMIT_CORES = 0.15;
const REPEATS_PER_RUN = 2;
const MAX_REPEATS = quick ? 2 : 12;
const QUIET_CORES = 0.1;
const QUIET_WAIT_MAX_MS = quick ? 5000 : 20000;
const PACE_INTERVAL_MS = 10;

type Kind = 'raw' | 'connectd';
interface Contender {
  name: string;
  kind: Kind;
  tasks: number;
}
const CONTENDERS: Contender[] = [
  { name: 'raw', kind: 'raw', tasks: 1 },
  ...TASKS.map((tasks) => ({ name: `connectd-${tasks}t`, kind: 'connectd' as const, tasks })),
  { name: 'raw-aa', kind: 'raw', tasks: 1 },
];

/** Contenders in an order that alternates raw and connectd, rotated by round. */
function roundOrder(round: number): Contender[] {
  const raws = CONTENDERS.filter((c) => c.kind === 'raw');
  const cds = CONTENDERS.filter((c) => c.kind === 'connectd');
  const order: Contender[] = [];
  for (let i = 0; i < Math.max(raws.length, cds.length); i++) {
    if (raws[i]) order.push(raws[i]!);
    if (cds[i]) order.push(cds[i]!);
  }
  const k = round % order.length;
  return [...order.slice(k), ...order.slice(0, k)];
}

interface ThroughputRun {
  size: number;
  contender: string;
  kind: Kind;
  tasks: number;
  round: number;
  topic: string;
  asked: number;
  /** Round 1 reads every record back (tools/topic-reader); later rounds count by watermarks. */
  count: TopicCount | WatermarkCount;
  countMethod: 'read-back' | 'watermarks';
  ok: boolean;
  problem?: string;
  /** Set when other load on the machine spoiled the run; it was repeated and is left out. */
  discarded?: string;
  foreign: ForeignLoad;
  /** First CreateTime in the topic → last acknowledgement: the headline number. */
  spanMs: number;
  /** First → last CreateTime: how fast records entered librdkafka (not the headline; see the top). */
  createTimeSpanRecordsPerSecond: number;
  recordsPerSecond: number;
  megabytesPerSecond: number;
  /** The harness's own clock, as a cross-check (connectd: /metrics polled every 100 ms). */
  harnessRecordsPerSecond: number;
  cpuSecondsPerMillion: number;
  brokerCpuSecondsPerMillion: number;
  threadCpuSecondsPerMillion: Record<string, number>;
  /** Times per second the contender's main thread was preempted (involuntary context switches). */
  mainPreemptionsPerSecond: number;
  peakRssMiB: number;
  queueFullEvents?: number;
  /** connectd only: backpressure and ack latency as connectd itself reports them. */
  connectdMetrics?: RunWindow['connectdMetrics'];
}

/**
 * Waits (up to `maxMs`) for a half second in which other processes on the machine used less than
 * QUIET_CORES: another engineer's broker or test suite on the same 2 cores skews whoever runs then.
 */
async function waitForQuiet(cluster: KafkaCluster, maxMs: number): Promise<number> {
  const started = performance.now();
  for (;;) {
    const before = sampleMachine();
    await sleep(500);
    const load = foreignLoad(before, sampleMachine(), [brokerPid(cluster), process.pid], 0.5);
    const waited = performance.now() - started;
    if (load.otherCores < QUIET_CORES) return waited;
    if (waited > maxMs) {
      log(`  machine still busy after ${round(waited / 1000)} s (${load.otherTop}); running anyway`);
      return waited;
    }
  }
}

function log(line: string): void {
  process.stdout.write(`[${new Date().toISOString().slice(11, 19)}] ${line}\n`);
}

function planFor(records: number, valueSize: number): RecordPlan {
  return { sourcePartitions: SOURCE_PARTITIONS, perPartition: Math.ceil(records / SOURCE_PARTITIONS), valueSize };
}

let topicSeq = 0;
async function freshTopic(cluster: KafkaCluster, label: string): Promise<string> {
  const topic = `bench-${Date.now().toString(36)}-${topicSeq++}-${label}`;
  await cluster.createTopic(topic, { partitions: PARTITIONS });
  return topic;
}

function brokerPid(cluster: KafkaCluster): number {
  const pid = cluster.nodes[0]?.pid;
  if (pid === undefined) throw new Error('broker pid unknown');
  return pid;
}

function perMillion(seconds: number, records: number): number {
  return round((seconds * 1e6) / records, 2);
}

async function throughputRun(cluster: KafkaCluster, work: string, size: SizeConfig, contender: Contender, roundNo: number): Promise<ThroughputRun> {
  const plan = planFor(size.records, size.valueSize);
  const asked = plannedTotal(plan);
  const topic = await freshTopic(cluster, `${size.valueSize}b-${contender.name}`);
  const opts: RunOptions = { bootstrapServers: cluster.bootstrapServers, brokerPid: brokerPid(cluster), topic, plan, tasks: contender.tasks, dir: path.join(work, topic), worker: WORKER_OVERRIDES };
  const window: RunWindow = contender.kind === 'raw' ? await runRaw(opts) : await runConnectd(opts);
  const readBack = roundNo === 1;
  const full = readBack ? await countTopic(cluster.bootstrapServers, topic) : undefined;
  const count = full ?? (await countByWatermarks(cluster.bootstrapServers, topic, PARTITIONS));
  await deleteTopic(cluster.bootstrapServers, topic);
  const problems: string[] = [];
  if (count.records !== asked) problems.push(`${count.records} records in the topic, ${asked} asked`);
  if (full !== undefined) {
    if (full.distinctKeys !== asked) problems.push(`${full.distinctKeys} distinct keys, ${asked} asked`);
    if (full.badHeaders > 0) problems.push(`${full.badHeaders} records with wrong generator headers`);
  }
  const spanMs = window.lastAckAt - count.firstTimestamp;
  const rate = (count.records * 1000) / spanMs;
  const threads: Record<string, number> = {};
  for (const [name, s] of Object.entries(window.cpu.byThread)) threads[name] = perMillion(s, window.records);
  const run: ThroughputRun = {
    size: size.valueSize,
    contender: contender.name,
    kind: contender.kind,
    tasks: contender.tasks,
    round: roundNo,
    topic,
    asked,
    count,
    countMethod: readBack ? 'read-back' : 'watermarks',
    ok: problems.length === 0,
    foreign: window.foreign,
    spanMs,
    createTimeSpanRecordsPerSecond: full === undefined ? Number.NaN : round((full.records * 1000) / (full.lastTimestamp - full.firstTimestamp)),
    recordsPerSecond: round(rate),
    megabytesPerSecond: round((rate * size.valueSize) / 1e6, 2),
    harnessRecordsPerSecond: round((window.records * 1000) / window.wallMs),
    cpuSecondsPerMillion: perMillion(window.cpu.total, window.records),
    brokerCpuSecondsPerMillion: perMillion(window.brokerCpu.total, window.records),
    threadCpuSecondsPerMillion: threads,
    mainPreemptionsPerSecond: round((window.cpu.mainPreemptions * 1000) / window.wallMs),
    peakRssMiB: window.peakRssMiB,
  };
  if (window.queueFullEvents !== undefined) run.queueFullEvents = window.queueFullEvents;
  if (window.connectdMetrics !== undefined) run.connectdMetrics = window.connectdMetrics;
  if (problems.length > 0) run.problem = problems.join('; ');
  log(
    `${String(size.valueSize).padStart(4)} B ${contender.name.padEnd(12)} round ${roundNo}: ${run.recordsPerSecond.toLocaleString('en').padStart(9)} rec/s ` +
      `(harness window ${run.harnessRecordsPerSecond.toLocaleString('en')}${Number.isNaN(run.createTimeSpanRecordsPerSecond) ? '' : `, CreateTime span ${run.createTimeSpanRecordsPerSecond.toLocaleString('en')}`}), CPU ${run.cpuSecondsPerMillion} s/M, broker ${run.brokerCpuSecondsPerMillion} s/M, ` +
      `RSS ${run.peakRssMiB} MiB, ${run.connectdMetrics === undefined ? '' : `tasks waited for credit ${run.connectdMetrics.creditWaitSeconds} s, batch ack ${run.connectdMetrics.batchAckMeanMs} ms, `}other load ${run.foreign.otherCores} cores${run.foreign.otherCores > 0.05 ? ` (${run.foreign.otherTop})` : ''}, ${count.records.toLocaleString('en')} in topic (${run.countMethod})${run.ok ? '' : `  FAILED: ${run.problem}`}`,
  );
  return run;
}

interface Aggregate {
  size: number;
  contender: string;
  kind: Kind;
  tasks: number;
  runs: number;
  recordsPerSecond: number;
  minRecordsPerSecond: number;
  maxRecordsPerSecond: number;
  megabytesPerSecond: number;
  ratioToRaw: number;
  cpuSecondsPerMillion: number;
  mainThreadCpuSecondsPerMillion: number;
  brokerCpuSecondsPerMillion: number;
  peakRssMiB: number;
  /** Median load of other processes during these runs (cores). */
  otherLoadCores: number;
  mainPreemptionsPerSecond: number;
  /** connectd: share of its tasks' time spent waiting for credit (backpressure from Kafka acks), and mean batch ack time. */
  creditWaitShare: number;
  batchAckMeanMs: number;
  threadCpuSecondsPerMillion: Record<string, number>;
}

function aggregate(runs: ThroughputRun[]): Aggregate[] {
  const out: Aggregate[] = [];
  for (const size of SIZES) {
    const counted = runs.filter((r) => r.ok && r.discarded === undefined);
    const rawRuns = counted.filter((r) => r.size === size.valueSize && r.contender === 'raw');
    const rawMedian = median(rawRuns.map((r) => r.recordsPerSecond));
    for (const c of CONTENDERS) {
      const mine = counted.filter((r) => r.size === size.valueSize && r.contender === c.name);
      if (mine.length === 0) continue;
      const rates = mine.map((r) => r.recordsPerSecond);
      const threadNames = new Set(mine.flatMap((r) => Object.keys(r.threadCpuSecondsPerMillion)));
      const threads: Record<string, number> = {};
      for (const name of threadNames) threads[name] = round(median(mine.map((r) => r.threadCpuSecondsPerMillion[name] ?? 0)), 2);
      const rate = median(rates);
      out.push({
        size: size.valueSize,
        contender: c.name,
        kind: c.kind,
        tasks: c.tasks,
        runs: mine.length,
        recordsPerSecond: round(rate),
        minRecordsPerSecond: Math.min(...rates),
        maxRecordsPerSecond: Math.max(...rates),
        megabytesPerSecond: round((rate * size.valueSize) / 1e6, 2),
        ratioToRaw: round(rate / rawMedian, 3),
        cpuSecondsPerMillion: round(median(mine.map((r) => r.cpuSecondsPerMillion)), 2),
        mainThreadCpuSecondsPerMillion: round(median(mine.map((r) => r.threadCpuSecondsPerMillion.main ?? 0)), 2),
        brokerCpuSecondsPerMillion: round(median(mine.map((r) => r.brokerCpuSecondsPerMillion)), 2),
        peakRssMiB: round(median(mine.map((r) => r.peakRssMiB))),
        otherLoadCores: round(median(mine.map((r) => r.foreign.otherCores)), 2),
        mainPreemptionsPerSecond: round(median(mine.map((r) => r.mainPreemptionsPerSecond))),
        creditWaitShare: c.kind === 'raw' ? Number.NaN : round(median(mine.map((r) => (r.connectdMetrics?.creditWaitSeconds ?? Number.NaN) / ((c.tasks * r.spanMs) / 1000))), 2),
        batchAckMeanMs: c.kind === 'raw' ? Number.NaN : round(median(mine.map((r) => r.connectdMetrics?.batchAckMeanMs ?? Number.NaN))),
        threadCpuSecondsPerMillion: threads,
      });
    }
  }
  return out;
}

interface LatencyRun {
  size: number;
  contender: string;
  round: number;
  targetRecordsPerSecond: number;
  achievedRecordsPerSecond: number;
  pace: Pace;
  records: number;
  /** After the first second (connection set-up, JIT warm-up). */
  steady: { records: number; p50: number; p90: number; p99: number; p999: number; max: number };
  all: { p50: number; p99: number; max: number };
  /** Raw only: produce() → delivery report, in the producer (ms, after the same warm-up). */
  rawAck?: RunWindow['ack'];
  countOk: boolean;
  foreign: ForeignLoad;
  /** Contender CPU per thread group (seconds over the run), and main-thread preemptions per second. */
  cpuByThread: Record<string, number>;
  mainPreemptionsPerSecond: number;
  /** connectd: its batch-ack histogram (le → count), from its /metrics. */
  batchAckHistogram?: Record<string, number>;
  /** Per second of the run (by receive time): records, p50 and p99 in ms: where the tail comes from. */
  timeline: { second: number; records: number; p50: number; p99: number }[];
}

async function latencyRun(cluster: KafkaCluster, work: string, size: number, kind: Kind, target: number, roundNo: number): Promise<LatencyRun> {
  const tasks = 2;
  // A generator task's poll cycle is the interval plus ~1 ms of timer slack and work.
  const batchSize = Math.max(1, Math.round((target * (PACE_INTERVAL_MS + 1)) / 1000 / tasks));
  const pace: Pace = { tasks, intervalMs: PACE_INTERVAL_MS, batchSize };
  const plan = planFor(target * LATENCY_SECONDS, size);
  const total = plannedTotal(plan);
  const topic = await freshTopic(cluster, `lat-${size}b-${kind}`);
  const consumer = await startLatencyConsumer(cluster.bootstrapServers, topic, PARTITIONS, total);
  try {
    const received = Promise.race([
      consumer.done,
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('latency consumer did not see every record within the time allowed')), (LATENCY_SECONDS + 60) * 1000).unref()),
    ]);
    const opts: RunOptions = { bootstrapServers: cluster.bootstrapServers, brokerPid: brokerPid(cluster), topic, plan, tasks, pace, dir: path.join(work, topic), until: received };
    if (kind === 'raw') opts.ackLatency = { warmupMs: LATENCY_WARMUP_MS };
    const window = kind === 'raw' ? await runRaw(opts) : await runConnectd(opts);
    const { latencies, receivedAt } = await received;
    const start = receivedAt[0]!;
    const steady = Array.from(latencies).filter((_, i) => receivedAt[i]! >= start + LATENCY_WARMUP_MS).sort((a, b) => a - b);
    const all = Array.from(latencies).sort((a, b) => a - b);
    const count = await countByWatermarks(cluster.bootstrapServers, topic, PARTITIONS);
    const achieved = (total * 1000) / Math.max(1, receivedAt[total - 1]! - receivedAt[0]!);
    const run: LatencyRun = {
      size,
      contender: kind === 'raw' ? 'raw' : 'connectd-2t',
      round: roundNo,
      targetRecordsPerSecond: round(target),
      achievedRecordsPerSecond: round(achieved),
      pace,
      records: total,
      steady: {
        records: steady.length,
        p50: percentileSorted(steady, 50),
        p90: percentileSorted(steady, 90),
        p99: percentileSorted(steady, 99),
        p999: percentileSorted(steady, 99.9),
        max: steady.at(-1) ?? Number.NaN,
      },
      all: { p50: percentileSorted(all, 50), p99: percentileSorted(all, 99), max: all.at(-1) ?? Number.NaN },
      countOk: count.records === total,
      foreign: window.foreign,
      cpuByThread: window.cpu.byThread,
      mainPreemptionsPerSecond: round((window.cpu.mainPreemptions * 1000) / window.wallMs),
      timeline: timelineOf(latencies, receivedAt),
    };
    if (window.ack !== undefined) run.rawAck = window.ack;
    if (window.connectdMetrics !== undefined) run.batchAckHistogram = window.connectdMetrics.batchAckHistogram;
    log(
      `latency ${String(size).padStart(4)} B ${run.contender.padEnd(12)} at ${run.achievedRecordsPerSecond.toLocaleString('en')} rec/s (target ${run.targetRecordsPerSecond.toLocaleString('en')}): ` +
        `p50 ${run.steady.p50} ms, p99 ${run.steady.p99} ms, p99.9 ${run.steady.p999} ms, max ${run.steady.max} ms${run.countOk ? '' : '  COUNT MISMATCH'}`,
    );
    return run;
  } finally {
    await consumer.close();
    await deleteTopic(cluster.bootstrapServers, topic);
  }
}

function timelineOf(latencies: Int32Array, receivedAt: Float64Array): LatencyRun['timeline'] {
  const start = receivedAt[0] ?? 0;
  const buckets: number[][] = [];
  for (let i = 0; i < latencies.length; i++) (buckets[Math.floor((receivedAt[i]! - start) / 1000)] ??= []).push(latencies[i]!);
  return Array.from(buckets, (b, second) => {
    const sorted = (b ?? []).sort((x, y) => x - y);
    return { second, records: sorted.length, p50: percentileSorted(sorted, 50), p99: percentileSorted(sorted, 99) };
  });
}

interface ProfileResult {
  contender: string;
  records: number;
  recordsPerSecond: number;
  cpuSecondsPerMillion: number;
  threadCpuSecondsPerMillion: Record<string, number>;
  main: ProfileSummary & { busyMicrosPerRecord: number };
  workers: (ProfileSummary & { busyMicrosPerRecord: number })[];
}

async function profileRun(cluster: KafkaCluster, work: string, kind: Kind): Promise<ProfileResult> {
  const size = SIZES[0]!;
  const plan = planFor(size.records, size.valueSize);
  const total = plannedTotal(plan);
  const dir = path.join(REPO, 'bench/results/tmp/profiles', kind);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const topic = await freshTopic(cluster, `prof-${kind}`);
  const opts: RunOptions = {
    bootstrapServers: cluster.bootstrapServers,
    brokerPid: brokerPid(cluster),
    topic,
    plan,
    tasks: 2,
    dir: path.join(work, topic),
    nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${dir}`],
  };
  const window = kind === 'raw' ? await runRaw(opts) : await runConnectd(opts);
  const count = await countByWatermarks(cluster.bootstrapServers, topic, PARTITIONS);
  await deleteTopic(cluster.bootstrapServers, topic);
  if (count.records !== total) throw new Error(`profile run (${kind}): ${count.records} records in the topic, ${total} asked`);
  const files = (await readdir(dir)).filter((f) => f.endsWith('.cpuprofile')).sort();
  const mainFile = files.find((f) => profileThreadId(f) === 0);
  if (mainFile === undefined) throw new Error(`profile run (${kind}): no main-thread profile in ${dir} (${files.join(', ')})`);
  const withPerRecord = (s: ProfileSummary): ProfileSummary & { busyMicrosPerRecord: number } => ({ ...s, busyMicrosPerRecord: round((s.busyMs * 1000) / total, 2) });
  const main = withPerRecord(summarizeProfile(path.join(dir, mainFile), REPO));
  // Worker threads that hosted nothing busy (piscina's spare threads) are dropped.
  const workers = files
    .filter((f) => profileThreadId(f) !== 0)
    .map((f) => withPerRecord(summarizeProfile(path.join(dir, f), REPO)))
    .filter((s) => s.busyMs > 100);
  const threads: Record<string, number> = {};
  for (const [name, s] of Object.entries(window.cpu.byThread)) threads[name] = perMillion(s, window.records);
  const rate = (count.records * 1000) / (window.lastAckAt - count.firstTimestamp);
  log(`profile ${kind}: ${round(rate).toLocaleString('en')} rec/s under the profiler, main thread busy ${main.busyMicrosPerRecord} µs/record`);
  return {
    contender: kind === 'raw' ? 'raw' : 'connectd-2t',
    records: total,
    recordsPerSecond: round(rate),
    cpuSecondsPerMillion: perMillion(window.cpu.total, window.records),
    threadCpuSecondsPerMillion: threads,
    main,
    workers,
  };
}

function gitDescribe(): string {
  // A bench run from an exported tree (git archive) names its commit in the environment.
  if (process.env.BENCH_CONNECTD_COMMIT) return process.env.BENCH_CONNECTD_COMMIT;
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src', 'workers'], { cwd: REPO, encoding: 'utf8' }).trim() !== '';
    return dirty ? `${commit} (src/ or workers/ modified)` : commit;
  } catch {
    return 'unknown';
  }
}

/** From connectd's cumulative batch-ack histogram: the share of batches whose last ack took over 100 ms. */
function slowBatches(l: LatencyRun): string {
  const h = l.batchAckHistogram;
  if (h === undefined || !(h['+Inf'] ?? 0)) return '—';
  return `${Math.round((100 * (h['+Inf']! - (h['0.1'] ?? 0))) / h['+Inf']!)} %`;
}

function markdown(out: Results): string {
  const fmt = (n: number): string => n.toLocaleString('en');
  const lines: string[] = [];
  lines.push(`# Source throughput: connectd vs raw librdkafka producer${out.quick ? ' (quick run)' : ''}${Object.keys(WORKER_OVERRIDES).length > 0 ? ` — connectd with ${Object.entries(WORKER_OVERRIDES).map(([k, v]) => `${k}=${v}`).join(', ')}` : ''}`);
  lines.push('');
  lines.push(`${out.date} · ${out.machine.cpus} × ${out.machine.model} · Node ${out.machine.node} · librdkafka ${out.machine.librdkafka} · Kafka ${out.machine.kafka} (1 broker, same machine) · connectd ${out.machine.connectd}`);
  lines.push('');
  lines.push(
    `Generator records (key \`p<p>-<seq>\`, ${SOURCE_PARTITIONS} source partitions, headers \`generator.partition\`/\`generator.seq\`, no explicit timestamp) into a fresh ${PARTITIONS}-partition topic per run; ` +
      `producer settings: connectd's defaults (${Object.entries(CONNECTD_PRODUCER_DEFAULTS).map(([k, v]) => `${k}=${v}`).join(', ')}), delivery reports on, polled in the background. ` +
      `Rate = records in the topic / (last acknowledgement − first CreateTime in the topic), i.e. from the first produce() to the last ack. MB/s counts value bytes (10^6). Medians of ${ROUNDS} interleaved run(s); ratio = median / median of \`raw\`; \`raw-aa\` is the same raw producer again (A/A control). ` +
      `CPU = user+sys of the contender's process (all threads) or of the broker JVM over the measured window, per million records. RSS = the contender's peak (VmHWM). ` +
      `Other load = CPU used meanwhile by user-space processes other than the contender, the broker and the harness (the machine is shared with other engineers' tests), in cores; before each run the harness waits (up to ${QUIET_WAIT_MAX_MS / 1000} s) for half a second below ${QUIET_CORES} cores of it, and runs above ${FOREIGN_LOAD_LIMIT_CORES} were repeated (up to ${REPEATS_PER_RUN} times each, ${MAX_REPEATS} in all). ` +
      `Round 1 of every contender read all its records back (tools/topic-reader: count, distinct keys, headers); the other rounds counted partition watermarks.`,
  );
  lines.push('');
  lines.push('| value | contender | runs | records/s (median) | min–max | MB/s | ratio to raw | CPU s/M rec | of which main thread | broker CPU s/M rec | peak RSS MiB | main thread preempted /s | other load (cores) |');
  lines.push('|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const a of out.throughput) {
    lines.push(
      `| ${a.size} B | ${a.contender} | ${a.runs} | ${fmt(a.recordsPerSecond)} | ${fmt(a.minRecordsPerSecond)}–${fmt(a.maxRecordsPerSecond)} | ${a.megabytesPerSecond} | ${a.ratioToRaw.toFixed(3)} | ${a.cpuSecondsPerMillion} | ${a.mainThreadCpuSecondsPerMillion} | ${a.brokerCpuSecondsPerMillion} | ${a.peakRssMiB} | ${a.mainPreemptionsPerSecond} | ${a.otherLoadCores} |`,
    );
  }
  lines.push('');
  lines.push('CPU seconds per million records by thread (medians; `main` = the process\'s main thread, `rdk:*` = librdkafka, `node` = worker threads and V8/libuv helpers):');
  lines.push('');
  for (const a of out.throughput) {
    const parts = Object.entries(a.threadCpuSecondsPerMillion).filter(([, s]) => s >= 0.05).sort((x, y) => y[1] - x[1]).map(([n, s]) => `${n} ${s}`);
    lines.push(`- ${a.size} B ${a.contender}: ${parts.join(', ')}`);
  }
  lines.push('');
  lines.push('connectd\'s own view (its /metrics at the end of each run, medians): share of the tasks\' time spent waiting for credit (records in flight at `task.max.inflight.records`), and mean time from a batch reaching the supervisor to its last ack:');
  lines.push('');
  for (const a of out.throughput.filter((x) => x.kind === 'connectd')) lines.push(`- ${a.size} B ${a.contender}: waiting for credit ${Math.round(a.creditWaitShare * 100)} % of the time, batch ack ${a.batchAckMeanMs} ms`);
  const discarded = out.runs.filter((r) => r.discarded !== undefined);
  if (discarded.length > 0) {
    lines.push('');
    lines.push(`${discarded.length} run(s) were repeated because other processes loaded the machine (> ${FOREIGN_LOAD_LIMIT_CORES} cores): ${discarded.map((r) => `${r.size} B ${r.contender} round ${r.round} (${r.foreign.otherCores} cores)`).join(', ')}.`);
  }
  if (out.failedRuns.length > 0) {
    lines.push('');
    lines.push(`**${out.failedRuns.length} run(s) failed the ground-truth count** and are left out of the medians: ${out.failedRuns.map((r) => `${r.size} B ${r.contender} round ${r.round}: ${r.problem}`).join('; ')}`);
  }
  if (out.latency.length > 0) {
    lines.push('');
    lines.push(`## Latency at half load`);
    lines.push('');
    lines.push(
      `Both contenders paced alike (2 tasks or 2 producer loops, each sleeping ${PACE_INTERVAL_MS} ms then producing one batch) at half of connectd-2t's median rate; ` +
        `a consumer in the harness notes receive time − CreateTime (set by librdkafka at produce()), first ${LATENCY_WARMUP_MS} ms excluded. ` +
        `The raw producer also notes produce() → delivery report per record (last column), which leaves the consumer out. ` +
        `For connectd this leaves out the worker-thread part (poll → encode → transfer → produce()), which happens before CreateTime.`,
    );
    lines.push('');
    lines.push('| value | contender | run | target rec/s | achieved rec/s | records | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms | p99 incl. warm-up | raw ack p50/p99 ms | connectd batches acked > 100 ms | main thread preempted /s | other load (cores) |');
    lines.push('|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
    for (const l of out.latency) {
      const ack = l.rawAck === undefined ? '—' : `${l.rawAck.p50} / ${l.rawAck.p99}`;
      lines.push(
        `| ${l.size} B | ${l.contender} | ${l.round} | ${fmt(l.targetRecordsPerSecond)} | ${fmt(l.achievedRecordsPerSecond)} | ${fmt(l.records)} | ${l.steady.p50} | ${l.steady.p90} | ${l.steady.p99} | ${l.steady.p999} | ${l.steady.max} | ${l.all.p99} | ${ack} | ${slowBatches(l)} | ${l.mainPreemptionsPerSecond} | ${l.foreign.otherCores} |`,
      );
    }
  }
  if (out.profiles.length > 0) {
    lines.push('');
    lines.push('## Profiles (100 B, 2 tasks, under --cpu-prof)');
    lines.push('');
    lines.push('Full summaries: `bench/results/profiles/`.');
    for (const p of out.profiles) {
      lines.push('');
      lines.push(`### ${p.contender}: ${fmt(p.recordsPerSecond)} rec/s under the profiler; main thread busy ${p.main.busyMicrosPerRecord} µs/record (GC ${p.main.gcMs} ms of ${p.main.busyMs} ms)`);
      lines.push('');
      lines.push('| self % of main-thread busy | ms | µs per record | function | where |');
      lines.push('|---:|---:|---:|---|---|');
      for (const f of p.main.topSelf.slice(0, 15)) lines.push(`| ${f.pct} | ${Math.round(f.ms)} | ${((f.ms * 1000) / p.records).toFixed(2)} | \`${f.function}\` | ${f.location} |`);
      for (const w of p.workers) {
        lines.push('');
        lines.push(`Worker thread ${w.file}: busy ${w.busyMicrosPerRecord} µs per record of the run (all records; this thread hosted part of them).`);
        lines.push('');
        lines.push('| self % | ms | function | where |');
        lines.push('|---:|---:|---|---|');
        for (const f of w.topSelf.slice(0, 10)) lines.push(`| ${f.pct} | ${Math.round(f.ms)} | \`${f.function}\` | ${f.location} |`);
      }
    }
  }
  lines.push('');
  return lines.join('\n');
}

interface Results {
  date: string;
  quick: boolean;
  machine: Record<string, string | number>;
  config: Record<string, unknown>;
  throughput: Aggregate[];
  latency: LatencyRun[];
  profiles: ProfileResult[];
  failedRuns: ThroughputRun[];
  runs: ThroughputRun[];
}

async function main(): Promise<number> {
  checkProducerDefaults(REPO);
  const began = performance.now();
  const cluster = await KafkaCluster.start();
  const work = await mkdtemp(path.join(os.tmpdir(), 'connectd-bench-'));
  log(`broker ${cluster.bootstrapServers} (pid ${brokerPid(cluster)}) up after ${round((performance.now() - began) / 1000, 1)} s`);
  const runs: ThroughputRun[] = [];
  const latency: LatencyRun[] = [];
  const profiles: ProfileResult[] = [];
  let repeats = 0;
  let quietWaitMs = 0;
  try {
    {
      const topic = await freshTopic(cluster, 'warmup');
      await runRaw({ bootstrapServers: cluster.bootstrapServers, brokerPid: brokerPid(cluster), topic, plan: planFor(BROKER_WARMUP_RECORDS, 100), tasks: 1, dir: path.join(work, topic) });
      await deleteTopic(cluster.bootstrapServers, topic);
      log(`broker warmed up with ${BROKER_WARMUP_RECORDS.toLocaleString('en')} records (not counted)`);
    }
    for (const size of LATENCY_RATE === undefined ? SIZES : []) {
      for (let r = 0; r < ROUNDS; r++) {
        for (const contender of roundOrder(r)) {
          quietWaitMs += await waitForQuiet(cluster, QUIET_WAIT_MAX_MS);
          let run = await throughputRun(cluster, work, size, contender, r + 1);
          for (let again = 0; run.foreign.otherCores > FOREIGN_LOAD_LIMIT_CORES && again < REPEATS_PER_RUN && repeats < MAX_REPEATS; again++) {
            repeats++;
            run.discarded = `other processes used ${run.foreign.otherCores} cores meanwhile (${run.foreign.otherTop}); repeated`;
            log(`  ${run.discarded}`);
            runs.push(run);
            quietWaitMs += await waitForQuiet(cluster, QUIET_WAIT_MAX_MS);
            run = await throughputRun(cluster, work, size, contender, r + 1);
          }
          runs.push(run);
        }
      }
    }
    const agg = aggregate(runs);
    if (!args['no-latency']) {
      for (const size of quick ? SIZES.slice(0, 1) : SIZES) {
        const connectd2 = agg.find((a) => a.size === size.valueSize && a.contender === 'connectd-2t');
        const target = LATENCY_RATE ?? (connectd2 === undefined ? undefined : connectd2.recordsPerSecond / 2);
        if (target === undefined) continue;
        for (let r = 0; r < LATENCY_RUNS; r++) {
          for (const kind of (r % 2 === 0 ? ['raw', 'connectd'] : ['connectd', 'raw']) as Kind[]) {
            quietWaitMs += await waitForQuiet(cluster, QUIET_WAIT_MAX_MS);
            latency.push(await latencyRun(cluster, work, size.valueSize, kind, target, r + 1));
          }
        }
      }
    }
    if (!args['no-profile'] && !quick) {
      const profileDir = path.join(RESULTS, 'profiles');
      await mkdir(profileDir, { recursive: true });
      for (const kind of ['connectd', 'raw'] as Kind[]) {
        quietWaitMs += await waitForQuiet(cluster, QUIET_WAIT_MAX_MS);
        const p = await profileRun(cluster, work, kind);
        profiles.push(p);
        const text = [formatSummary(p.main, p.records), ...p.workers.map((w) => formatSummary(w, p.records))].join('\n\n');
        await writeFile(path.join(profileDir, `source-throughput-100B-2t-${kind}.txt`), `${p.contender}: ${p.recordsPerSecond} rec/s under the profiler; CPU s/M records by thread ${JSON.stringify(p.threadCpuSecondsPerMillion)}\n\n${text}\n`);
      }
    }
    const out: Results = {
      date: new Date().toISOString(),
      quick,
      machine: {
        cpus: os.cpus().length,
        model: os.cpus()[0]?.model ?? 'unknown',
        kernel: os.release(),
        memoryGiB: round(os.totalmem() / 2 ** 30, 1),
        node: process.version,
        librdkafka: kafka.librdkafkaVersion,
        kafkaJavascript: (JSON.parse(await readFile(path.join(REPO, 'node_modules/@confluentinc/kafka-javascript/package.json'), 'utf8')) as { version: string }).version,
        kafka: cluster.kafkaVersion,
        connectd: gitDescribe(),
      },
      config: {
        sizes: SIZES,
        tasks: TASKS,
        rounds: ROUNDS,
        topicPartitions: PARTITIONS,
        sourcePartitions: SOURCE_PARTITIONS,
        producer: CONNECTD_PRODUCER_DEFAULTS,
        connectdWorker: { 'offset.flush.interval.ms': 60000, 'worker.threads': 'default (available parallelism)', 'task.max.inflight.records': 'default', 'task.max.inflight.bytes': 'default', ...WORKER_OVERRIDES },
        rawChunk: 500,
        latency: { seconds: LATENCY_SECONDS, runs: LATENCY_RUNS, warmupMs: LATENCY_WARMUP_MS, paceIntervalMs: PACE_INTERVAL_MS },
        seconds: round((performance.now() - began) / 1000),
        secondsWaitingForAQuietMachine: round(quietWaitMs / 1000),
      },
      throughput: agg,
      latency,
      profiles,
      failedRuns: runs.filter((r) => !r.ok),
      runs,
    };
    const tuned = Object.keys(WORKER_OVERRIDES).length > 0 ? `-${Object.entries(WORKER_OVERRIDES).map(([k, v]) => `${k}=${v}`).join('-')}` : '';
    const base = path.join(RESULTS, `source-throughput${quick ? '-quick' : ''}${tuned}`);
    await mkdir(RESULTS, { recursive: true });
    await writeFile(`${base}.json`, JSON.stringify(out, null, 2) + '\n');
    await writeFile(`${base}.md`, markdown(out));
    log(`wrote ${path.relative(REPO, base)}.{json,md} after ${round((performance.now() - began) / 1000)} s`);
    process.stdout.write('\n' + markdown(out));
    return out.failedRuns.length > 0 || latency.some((l) => !l.countOk) ? 1 : 0;
  } finally {
    await cluster.stop();
    await rm(work, { recursive: true, force: true });
  }
}

process.exitCode = await main();
