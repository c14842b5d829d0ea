/**
 * End-to-end latency at a set rate: the contender produces paced records into a fresh topic while a
 * consumer in the harness notes, per record, receive time − CreateTime (set by the producing client
 * when the record is handed to it). Percentiles leave out the first `warmupMs` (connection set-up,
 * JIT warm-up).
 *
 * Pacing: raw and connectd alike, 2 tasks (or 2 producer loops) each sleeping `paceIntervalMs` then
 * producing one batch (the generator's poll.interval.ms and batch.size); ProducerPerformance by its
 * own throttle (--throughput), which spreads sends evenly.
 */
import path from 'node:path';
import type { KafkaCluster } from '../../tools/kafka/cluster.js';
import { runConnectd, runPerf, runRaw } from './contenders.js';
import type { Pace, RunOptions, RunWindow } from './contenders.js';
import { plannedTotal } from './generator-records.js';
import type { RecordPlan } from './generator-records.js';
import { brokerPid, freshTopic, log } from './harness.js';
import type { ForeignLoad } from './proc-stats.js';
import { percentileSorted, round } from './stats.js';
import { countByWatermarks, deleteTopic, startLatencyConsumer } from './topics.js';

export type LatencyKind = 'raw' | 'connectd' | 'perf';

export interface LatencySettings {
  seconds: number;
  warmupMs: number;
  paceIntervalMs: number;
  partitions: number;
  sourcePartitions: number;
  /** connectd worker overrides. */
  worker?: Record<string, string>;
}

export interface LatencyRun {
  size: number;
  contender: string;
  round: number;
  targetRecordsPerSecond: number;
  achievedRecordsPerSecond: number;
  pace?: Pace;
  records: number;
  /** After the warm-up. */
  steady: { records: number; p50: number; p90: number; p99: number; p999: number; max: number };
  all: { p50: number; p99: number; max: number };
  /** The producing client's own view, send → ack (raw: per delivery report; perf: its summary), ms. */
  ownAck?: { p50: number; p99: number; p999: number };
  countOk: boolean;
  foreign: ForeignLoad;
  /** Set when other load on the machine spoiled the run (it was repeated). */
  discarded?: string;
  /** Contender CPU per thread group (seconds over the run), and main-thread preemptions per second. */
  cpuByThread: Record<string, number>;
  mainPreemptionsPerSecond: number;
  /** connectd: its batch-ack histogram (le → count), from its /metrics. */
  batchAckHistogram?: Record<string, number>;
  /** Per second of the run (by receive time): records, p50 and p99 in ms: where the tail comes from. */
  timeline: { second: number; records: number; p50: number; p99: number }[];
}

export function latencyContenderName(kind: LatencyKind): string {
  return kind === 'connectd' ? 'connectd-2t' : kind === 'perf' ? 'producer-perf' : 'raw';
}

export async function latencyRun(
  cluster: KafkaCluster,
  work: string,
  size: number,
  kind: LatencyKind,
  target: number,
  roundNo: number,
  s: LatencySettings,
): Promise<LatencyRun> {
  const tasks = 2;
  // A generator task's poll cycle is the interval plus ~1 ms of timer slack and work.
  const batchSize = Math.max(1, Math.round((target * (s.paceIntervalMs + 1)) / 1000 / tasks));
  const pace: Pace = { tasks, intervalMs: s.paceIntervalMs, batchSize };
  const plan: RecordPlan = {
    sourcePartitions: s.sourcePartitions,
    perPartition: Math.ceil((target * s.seconds) / s.sourcePartitions),
    valueSize: size,
  };
  const total = plannedTotal(plan);
  const topic = await freshTopic(cluster, `lat-${size}b-${kind}`, s.partitions);
  const consumer = await startLatencyConsumer(cluster.bootstrapServers, topic, s.partitions, total);
  try {
    const received = Promise.race([
      consumer.done,
      new Promise<never>((_, reject) =>
        setTimeout(
          () => reject(new Error('latency consumer did not see every record within the time allowed')),
          (s.seconds + 60) * 1000,
        ).unref(),
      ),
    ]);
    const opts: RunOptions = {
      bootstrapServers: cluster.bootstrapServers,
      brokerPid: brokerPid(cluster),
      topic,
      plan,
      tasks,
      dir: path.join(work, topic),
      until: received,
      partitions: s.partitions,
    };
    if (kind === 'perf') opts.rate = Math.round(target);
    else opts.pace = pace;
    if (kind === 'raw') opts.ackLatency = { warmupMs: s.warmupMs };
    if (kind === 'connectd' && s.worker !== undefined) opts.worker = s.worker;
    const window: RunWindow = kind === 'raw' ? await runRaw(opts) : kind === 'perf' ? await runPerf(opts) : await runConnectd(opts);
    const { latencies, receivedAt } = await received;
    const start = receivedAt[0]!;
    const steady = Array.from(latencies)
      .filter((_, i) => receivedAt[i]! >= start + s.warmupMs)
      .sort((a, b) => a - b);
    const all = Array.from(latencies).sort((a, b) => a - b);
    const count = await countByWatermarks(cluster.bootstrapServers, topic, s.partitions);
    const achieved = (total * 1000) / Math.max(1, receivedAt[total - 1]! - receivedAt[0]!);
    const run: LatencyRun = {
      size,
      contender: latencyContenderName(kind),
      round: roundNo,
      targetRecordsPerSecond: round(target),
      achievedRecordsPerSecond: round(achieved),
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
    if (kind !== 'perf') run.pace = pace;
    if (window.ack !== undefined) run.ownAck = { p50: window.ack.p50, p99: window.ack.p99, p999: window.ack.p999 };
    if (window.perfReport !== undefined)
      run.ownAck = { p50: window.perfReport.p50Ms, p99: window.perfReport.p99Ms, p999: window.perfReport.p999Ms };
    if (window.connectdMetrics !== undefined) run.batchAckHistogram = window.connectdMetrics.batchAckHistogram;
    log(
      `latency ${String(size).padStart(4)} B ${run.contender.padEnd(13)} at ${run.achievedRecordsPerSecond.toLocaleString('en')} rec/s (target ${run.targetRecordsPerSecond.toLocaleString('en')}): ` +
        `p50 ${run.steady.p50} ms, p99 ${run.steady.p99} ms, p99.9 ${run.steady.p999} ms, max ${run.steady.max} ms, other load ${run.foreign.otherCores} cores${run.countOk ? '' : '  COUNT MISMATCH'}`,
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

/** From connectd's cumulative batch-ack histogram: the share of batches whose last ack took over 100 ms. */
export function slowBatches(l: LatencyRun): string {
  const h = l.batchAckHistogram;
  if (h === undefined || !(h['+Inf'] ?? 0)) return '—';
  return `${Math.round((100 * (h['+Inf']! - (h['0.1'] ?? 0))) / h['+Inf']!)} %`;
}

/**
 * Produce latency at a set rate, with no consumer: each contender's own send → ack. On this 2-core
 * machine a consumer reading at connectd's half load saturates it for every contender (README,
 * "Latency with native batch produce"), so the end-to-end figure measures the machine; the produce
 * latency is what Kafka's ProducerPerformance reports and what issue 4's target names.
 * - connectd: `connectd_source_record_ack_seconds` from its /metrics, over the measured window
 *   (poll() returning a record → Kafka's ack of its batch's last record, an upper bound per record);
 *   percentiles interpolated inside the histogram's buckets as Prometheus' histogram_quantile does,
 *   the share within 50 ms exact (a bucket bound).
 *   Paced by the generator's records.per.second, in batches of the end-to-end runs' size.
 * - raw: produce() → delivery report, per record, after the warm-up; paced as in the end-to-end
 *   runs (it cannot reach connectd's half load here anyway: its per-record produce() is the limit).
 * - ProducerPerformance: its own summary (send → ack, its whole run).
 */
export interface ProduceLatencyRun {
  size: number;
  contender: string;
  round: number;
  targetRecordsPerSecond: number;
  achievedRecordsPerSecond: number;
  pace?: Pace;
  records: number;
  ack: {
    p50: number;
    p90: number;
    p99: number;
    p999: number;
    within50msShare: number | null;
    how: 'histogram' | 'per record' | 'tool summary';
  };
  countOk: boolean;
  foreign: ForeignLoad;
  discarded?: string;
  cpuByThread: Record<string, number>;
  /** connectd: the histogram over the window (cumulative counts by upper bound, s). */
  histogram?: Record<string, number>;
}

export async function produceLatencyRun(
  cluster: KafkaCluster,
  work: string,
  size: number,
  kind: LatencyKind,
  target: number,
  roundNo: number,
  s: LatencySettings,
): Promise<ProduceLatencyRun> {
  const tasks = 2;
  const batchSize = Math.max(1, Math.round((target * (s.paceIntervalMs + 1)) / 1000 / tasks));
  const pace: Pace = { tasks, intervalMs: s.paceIntervalMs, batchSize };
  const plan: RecordPlan = {
    sourcePartitions: s.sourcePartitions,
    perPartition: Math.ceil((target * s.seconds) / s.sourcePartitions),
    valueSize: size,
  };
  const total = plannedTotal(plan);
  const topic = await freshTopic(cluster, `plat-${size}b-${kind}`, s.partitions);
  try {
    const opts: RunOptions = {
      bootstrapServers: cluster.bootstrapServers,
      brokerPid: brokerPid(cluster),
      topic,
      plan,
      tasks,
      dir: path.join(work, topic),
      partitions: s.partitions,
      warmup: Math.round((target * s.warmupMs) / 1000),
    };
    if (kind === 'perf') opts.rate = Math.round(target);
    else opts.pace = pace;
    if (kind === 'raw') opts.ackLatency = { warmupMs: s.warmupMs };
    if (kind === 'connectd') {
      // Held at the target by the generator's token bucket (its poll-interval pacing undershoots
      // at these rates: a poll of ~1000 records takes a few ms on top of the interval).
      opts.rate = Math.round(target);
      opts.recordAckHistogram = true;
      if (s.worker !== undefined) opts.worker = s.worker;
    }
    const window: RunWindow = kind === 'raw' ? await runRaw(opts) : kind === 'perf' ? await runPerf(opts) : await runConnectd(opts);
    const count = await countByWatermarks(cluster.bootstrapServers, topic, s.partitions);
    let ack: ProduceLatencyRun['ack'];
    if (window.recordAckHistogram !== undefined) {
      const h = window.recordAckHistogram;
      const q = (p: number): number => round(histogramQuantile(h, p / 100) * 1000, 1);
      ack = {
        p50: q(50),
        p90: q(90),
        p99: q(99),
        p999: q(99.9),
        within50msShare: (h['0.05'] ?? 0) / Math.max(1, h['+Inf'] ?? 0),
        how: 'histogram',
      };
    } else if (window.ack !== undefined) {
      ack = {
        p50: window.ack.p50,
        p90: window.ack.p90,
        p99: window.ack.p99,
        p999: window.ack.p999,
        within50msShare: null,
        how: 'per record',
      };
    } else if (window.perfReport !== undefined) {
      const r = window.perfReport;
      ack = { p50: r.p50Ms, p90: Number.NaN, p99: r.p99Ms, p999: r.p999Ms, within50msShare: null, how: 'tool summary' };
    } else {
      throw new Error(`${kind}: no produce latency measured`);
    }
    const run: ProduceLatencyRun = {
      size,
      contender: latencyContenderName(kind),
      round: roundNo,
      targetRecordsPerSecond: round(target),
      achievedRecordsPerSecond: round((window.records * 1000) / Math.max(1, window.lastAckAt - window.firstAt)),
      records: window.records,
      ack,
      countOk: count.records === total,
      foreign: window.foreign,
      cpuByThread: window.cpu.byThread,
    };
    if (kind !== 'perf') run.pace = pace;
    if (window.recordAckHistogram !== undefined) run.histogram = window.recordAckHistogram;
    log(
      `produce latency ${String(size).padStart(4)} B ${run.contender.padEnd(13)} at ${run.achievedRecordsPerSecond.toLocaleString('en')} rec/s (target ${run.targetRecordsPerSecond.toLocaleString('en')}): ` +
        `p50 ${ack.p50} ms, p99 ${ack.p99} ms, p99.9 ${ack.p999} ms (${ack.how})${ack.within50msShare === null ? '' : `, ${round(ack.within50msShare * 100, 2)} % within 50 ms`}, other load ${run.foreign.otherCores} cores${run.countOk ? '' : '  COUNT MISMATCH'}`,
    );
    return run;
  } finally {
    await deleteTopic(cluster.bootstrapServers, topic);
  }
}

/**
 * The q-quantile (0..1) of a cumulative histogram (upper bound in seconds → count, `+Inf` the
 * total), interpolated linearly inside its bucket as Prometheus' histogram_quantile does; in the
 * `+Inf` bucket, the largest finite bound.
 */
export function histogramQuantile(cumulative: Readonly<Record<string, number>>, q: number): number {
  const bounds = Object.keys(cumulative)
    .filter((le) => le !== '+Inf')
    .map(Number)
    .sort((a, b) => a - b);
  const total = cumulative['+Inf'] ?? 0;
  if (total <= 0 || bounds.length === 0) return Number.NaN;
  const rank = q * total;
  let lower = 0;
  let below = 0;
  for (const bound of bounds) {
    const count = cumulative[String(bound)] ?? below;
    if (count >= rank) return count === below ? bound : lower + ((bound - lower) * (rank - below)) / (count - below);
    lower = bound;
    below = count;
  }
  return bounds.at(-1)!;
}
