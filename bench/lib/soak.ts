/**
 * The soak (issue 13): connectd's GeneratorSource held at a fixed rate for minutes, the broker
 * stopped gracefully and started again in the middle, connectd sampled every second — its own
 * /metrics (RSS, heap, event-loop lag, credit waits, records acknowledged) and /proc (RSS, CPU of
 * connectd and the broker, what else ran on the shared machine) — and the topic counted at the end.
 *
 * The generator's total is bounded (rate × seconds), so the end is countable: the run ends when
 * every record is in the topic, later than `seconds` by about the outage (records.per.second is a
 * token bucket holding 100 ms: time lost while the broker is away is not made up in a burst).
 */
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { KafkaCluster } from '../../tools/kafka/cluster.js';
import { ConnectdProcess } from '../../tools/connectd-process.js';
import { generatorConnector } from './contenders.js';
import { plannedTotal } from './generator-records.js';
import type { RecordPlan } from './generator-records.js';
import { freshTopic, log } from './harness.js';
import { foreignLoad, rssNow, sampleCpu, sampleMachine } from './proc-stats.js';
import type { MachineSample } from './proc-stats.js';
import { round } from './stats.js';
import { auditGeneratorTopic, deleteTopic, openWatermarkReader } from './topics.js';
import type { GeneratorAudit } from './topics.js';

/**
 * prom-client's event-loop histogram samples every 100 ms in connectd (src/main-thread/metrics/registry.ts) and
 * records each interval whole: a value is 100 ms plus the lag.
 */
const EVENT_LOOP_SAMPLE_MS = 100;
/** No new record in the topic for this long, with the broker up, fails the run. */
const STALL_MS = 120_000;

export interface SoakSettings {
  seconds: number;
  /** records/s asked of the generator (records.per.second, the whole connector). */
  rate: number;
  tasks: number;
  valueSize: number;
  sourcePartitions: number;
  partitions: number;
  /** The broker is stopped this many seconds after the first record reached the topic. */
  restartAtSeconds: number;
  sampleMs: number;
  /** connectd worker settings besides offset.flush.interval.ms=60000. */
  worker: Record<string, string>;
  /** Read the topic back (every key, loss and duplicates) when it holds at most this many records; else count its high watermarks. */
  readBackMaxRecords: number;
  /** Topic settings when it is not read back (retention, so that hours of records do not fill the shared disk). */
  bigTopicConfigs: Record<string, string>;
}

/** One second of the soak. Null where the source did not answer (connectd busy, broker away). */
export interface SoakSample {
  /** Seconds since connectd's REST answered. */
  t: number;
  /** connectd_process_resident_memory_bytes, MiB. */
  rssMiB: number | null;
  /** VmRSS from /proc, MiB (the same, read from outside). */
  procRssMiB: number | null;
  threads: number | null;
  /** Main thread's V8 heap (connectd_nodejs_heap_size_used_bytes / _total_bytes), MiB. */
  heapUsedMiB: number | null;
  heapTotalMiB: number | null;
  externalMiB: number | null;
  /** Event-loop lag over the last interval (prom-client's histogram is reset at each scrape), ms, the sampling interval taken off. */
  lagMaxMs: number | null;
  lagP99Ms: number | null;
  lagMeanMs: number | null;
  /** connectd_source_credit_wait_seconds_total, summed over tasks (cumulative). */
  creditWaitSeconds: number | null;
  /** connectd_source_record_write_total (acknowledged by Kafka), cumulative. */
  written: number | null;
  /** connectd_source_active_records: handed to the producer, not yet acknowledged. */
  activeRecords: number | null;
  queueFull: number | null;
  clientErrors: number | null;
  /** Σ high watermarks of the topic: records in it (null while the broker is away). */
  inTopic: number | null;
  /** CPU over the last interval, in cores. */
  cpuCores: number | null;
  brokerCpuCores: number | null;
  /** Other processes on the (shared) machine over the last interval, in cores. */
  otherCores: number;
  otherTop: string;
}

export interface SoakRestart {
  /** Seconds (sample clock) when stopNode was called, when the broker had exited, when startNode was called, when it answered a probe produce. */
  stopAt: number;
  stoppedAt: number;
  startAt: number;
  readyAt: number;
}

export interface SoakRun {
  topic: string;
  plan: RecordPlan;
  total: number;
  /** Sample clock (s) of the first sample that saw records in the topic, and of the one that saw them all. */
  firstRecordAt: number;
  lastRecordAt: number;
  restart: SoakRestart | undefined;
  samples: SoakSample[];
  count: { method: string; records: number; audit?: GeneratorAudit; ok: boolean; problems: string[] };
  connectdExit: number | null;
  log: string;
}

interface MetricValues {
  sum(name: string): number | null;
}

function parseMetrics(text: string): MetricValues {
  const sums = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const space = line.lastIndexOf(' ');
    const brace = line.indexOf('{');
    const name = line.slice(0, brace >= 0 && brace < space ? brace : space);
    const value = Number(line.slice(space + 1));
    if (Number.isFinite(value)) sums.set(name, (sums.get(name) ?? 0) + value);
  }
  return { sum: (name) => sums.get(name) ?? null };
}

const mib = (bytes: number | null): number | null => (bytes === null ? null : round(bytes / 2 ** 20, 1));
const lagMs = (seconds: number | null): number | null =>
  seconds === null ? null : round(Math.max(0, seconds * 1000 - EVENT_LOOP_SAMPLE_MS), 1);

async function scrape(url: string): Promise<MetricValues | undefined> {
  try {
    const res = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(5000) });
    return parseMetrics(await res.text());
  } catch {
    return undefined;
  }
}

export async function soakRun(cluster: KafkaCluster, work: string, s: SoakSettings): Promise<SoakRun> {
  const perPartition = Math.ceil((s.rate * s.seconds) / s.sourcePartitions);
  const plan: RecordPlan = { sourcePartitions: s.sourcePartitions, perPartition, valueSize: s.valueSize };
  const total = plannedTotal(plan);
  const readBack = total <= s.readBackMaxRecords;
  const topic = await freshTopic(cluster, 'soak', s.partitions, readBack ? undefined : s.bigTopicConfigs);
  const dir = path.join(work, topic);
  const node = cluster.nodes[0]!;
  log(
    `soak: ${total.toLocaleString('en')} records at ${s.rate.toLocaleString('en')} rec/s (${s.seconds} s), ${s.tasks} task(s), ${s.valueSize} B values, broker restart ${s.restartAtSeconds} s after the first record; topic ${topic}`,
  );
  const connector = generatorConnector({
    bootstrapServers: cluster.bootstrapServers,
    brokerPid: node.pid!,
    topic,
    partitions: s.partitions,
    plan,
    tasks: s.tasks,
    dir,
    rate: s.rate,
  });
  const proc = await ConnectdProcess.start({
    dir,
    bootstrapServers: cluster.bootstrapServers,
    worker: { 'offset.flush.interval.ms': '60000', ...s.worker },
    connectors: [connector],
  });
  const reader = await openWatermarkReader(cluster.bootstrapServers, topic, s.partitions);
  // The topic is polled on its own loop: while the broker is away a watermark query waits up to
  // 10 s, and the per-second samples of connectd must not wait with it.
  let topicCount: { value: number; at: number } | undefined;
  let polling = true;
  const poller = (async () => {
    while (polling) {
      const asked = performance.now();
      const value = node.running ? await reader.read().catch(() => undefined) : undefined;
      if (value !== undefined) topicCount = { value, at: asked };
      await sleep(Math.max(0, 250 - (performance.now() - asked)));
    }
  })();
  const samples: SoakSample[] = [];
  let restart: SoakRestart | undefined;
  let restarting: Promise<void> | undefined;
  let firstRecordAt = Number.NaN;
  let lastRecordAt = Number.NaN;
  let stopped = false;
  const started = performance.now();
  const clock = (): number => (performance.now() - started) / 1000;
  try {
    let prev: { at: number; machine: MachineSample; cpu: number; broker: { pid: number; cpu: number } | undefined } = {
      at: clock(),
      machine: sampleMachine(),
      cpu: sampleCpu(proc.pid).total,
      broker: brokerCpu(),
    };
    let progress = { at: 0, inTopic: -1 };
    for (let i = 1; ; i++) {
      const due = i * s.sampleMs;
      const now = performance.now() - started;
      if (now > due + s.sampleMs) i = Math.ceil(now / s.sampleMs); // a slow sample: skip ahead, never sample twice at once
      await sleep(Math.max(0, i * s.sampleMs - (performance.now() - started)));
      const metrics = await scrape(proc.url);
      // A count asked within the last 2 s, else none (the broker is away or slow to answer).
      const inTopic = topicCount !== undefined && performance.now() - topicCount.at < 2000 ? topicCount.value : null;
      const at = clock();
      const machine = sampleMachine();
      let cpu: number | null = null;
      let proc1: ReturnType<typeof rssNow> | undefined;
      try {
        cpu = sampleCpu(proc.pid).total;
        proc1 = rssNow(proc.pid);
      } catch {
        // connectd gone: its exit is reported below.
      }
      const broker = brokerCpu();
      const dt = at - prev.at;
      const own = [
        proc.pid,
        process.pid,
        ...(broker === undefined ? [] : [broker.pid]),
        ...(prev.broker === undefined ? [] : [prev.broker.pid]),
      ];
      const other = foreignLoad(prev.machine, machine, own, Math.max(dt, 0.001));
      const m = metrics?.sum.bind(metrics) ?? ((): null => null);
      const sample: SoakSample = {
        t: round(at, 2),
        rssMiB: mib(m('connectd_process_resident_memory_bytes')),
        procRssMiB: proc1?.rssMiB ?? null,
        threads: proc1?.threads ?? null,
        heapUsedMiB: mib(m('connectd_nodejs_heap_size_used_bytes')),
        heapTotalMiB: mib(m('connectd_nodejs_heap_size_total_bytes')),
        externalMiB: mib(m('connectd_nodejs_external_memory_bytes')),
        lagMaxMs: lagMs(m('connectd_nodejs_eventloop_lag_max_seconds')),
        lagP99Ms: lagMs(m('connectd_nodejs_eventloop_lag_p99_seconds')),
        lagMeanMs: lagMs(m('connectd_nodejs_eventloop_lag_mean_seconds')),
        creditWaitSeconds:
          m('connectd_source_credit_wait_seconds_total') === null ? null : round(m('connectd_source_credit_wait_seconds_total')!, 3),
        written: m('connectd_source_record_write_total'),
        activeRecords: m('connectd_source_active_records'),
        queueFull: m('connectd_producer_queue_full_total'),
        clientErrors: m('connectd_kafka_client_errors_total'),
        inTopic,
        cpuCores: cpu === null ? null : round((cpu - prev.cpu) / dt, 3),
        brokerCpuCores: broker !== undefined && prev.broker?.pid === broker.pid ? round((broker.cpu - prev.broker.cpu) / dt, 3) : null,
        otherCores: other.otherCores,
        otherTop: other.otherTop,
      };
      samples.push(sample);
      prev = { at, machine, cpu: cpu ?? prev.cpu, broker };
      if (inTopic !== null && inTopic > 0 && Number.isNaN(firstRecordAt)) firstRecordAt = sample.t;
      if (inTopic !== null && inTopic !== progress.inTopic) progress = { at, inTopic };
      if (i % 30 === 0)
        log(
          `soak t=${Math.round(at)} s: ${(inTopic ?? progress.inTopic).toLocaleString('en')} records in the topic, RSS ${sample.rssMiB} MiB, heap ${sample.heapUsedMiB} MiB, lag max ${sample.lagMaxMs} ms, credit wait ${sample.creditWaitSeconds} s, other load ${other.otherCores} cores`,
        );
      if (inTopic !== null && inTopic >= total) {
        lastRecordAt = sample.t;
        break;
      }
      if (restarting === undefined && !Number.isNaN(firstRecordAt) && at >= firstRecordAt + s.restartAtSeconds)
        restarting = restartBroker();
      if (proc1 === undefined) throw new Error(`connectd exited during the soak; log ${proc.logFile}:\n${await proc.logTail(20)}`);
      const brokerAway = restart === undefined ? restarting !== undefined : restart.readyAt > at - 5;
      if (!brokerAway && at - progress.at > STALL_MS / 1000)
        throw new Error(
          `soak: no new record in the topic for ${STALL_MS / 1000} s at ${progress.inTopic}/${total}; log ${proc.logFile}:\n${await proc.logTail(20)}`,
        );
      if (at > s.seconds * 3 + 300) throw new Error(`soak: ${progress.inTopic}/${total} records after ${Math.round(at)} s`);
    }
    polling = false;
    await poller;
    if (restarting !== undefined) await restarting;
    else log('soak: every record was in the topic before the broker restart was due');
    const code = await proc.stop();
    stopped = true;
    const highs = await reader.read();
    const auditStarted = performance.now();
    const problems: string[] = [];
    let count: SoakRun['count'];
    if (readBack) {
      const audit = await auditGeneratorTopic(cluster.bootstrapServers, topic, plan.sourcePartitions, perPartition, 30 * 60_000);
      if (audit.missing > 0) problems.push(`${audit.missing} generated records missing from the topic`);
      if (audit.duplicates > 0) problems.push(`${audit.duplicates} duplicates`);
      if (audit.unexpected > 0) problems.push(`${audit.unexpected} records not generated by the plan`);
      if (audit.records !== highs) problems.push(`${audit.records} records read, ${highs} by the high watermarks`);
      count = { method: 'read back (every key, streaming)', records: audit.records, audit, ok: problems.length === 0, problems };
    } else {
      if (highs !== total)
        problems.push(
          `${highs} records in the topic (high watermarks), ${total} generated (${highs > total ? `${highs - total} more: duplicates` : `${total - highs} fewer: lost`})`,
        );
      count = {
        method: `high watermarks (Σ per partition; the topic has retention ${JSON.stringify(s.bigTopicConfigs)} and over ${s.readBackMaxRecords.toLocaleString('en')} records, so it is not read back)`,
        records: highs,
        ok: problems.length === 0,
        problems,
      };
    }
    if (code !== 0) problems.push(`connectd exited with code ${code}`);
    count.ok = problems.length === 0;
    log(
      `soak: ${count.records.toLocaleString('en')} records counted in ${round((performance.now() - auditStarted) / 1000)} s (${count.method})${count.ok ? '' : `  FAILED: ${problems.join('; ')}`}`,
    );
    return { topic, plan, total, firstRecordAt, lastRecordAt, restart, samples, count, connectdExit: code, log: proc.logFile };
  } finally {
    polling = false;
    await poller;
    await reader.close();
    if (!stopped) await proc.kill();
    if (restarting !== undefined) await restarting.catch(() => undefined);
    await deleteTopic(cluster.bootstrapServers, topic).catch(() => undefined);
  }

  function brokerCpu(): { pid: number; cpu: number } | undefined {
    const pid = node.pid;
    if (pid === undefined || !node.running) return undefined;
    try {
      return { pid, cpu: sampleCpu(pid).total };
    } catch {
      return undefined;
    }
  }

  async function restartBroker(): Promise<void> {
    const stopAt = round(clock(), 2);
    log(`soak t=${Math.round(stopAt)} s: stopping the broker (SIGTERM, graceful)`);
    await cluster.stopNode(node.nodeId);
    const stoppedAt = round(clock(), 2);
    const startAt = round(clock(), 2);
    await cluster.startNode(node.nodeId);
    restart = { stopAt, stoppedAt, startAt, readyAt: round(clock(), 2) };
    log(
      `soak t=${Math.round(restart.readyAt)} s: broker back (stopped in ${round(stoppedAt - stopAt, 1)} s, ready ${round(restart.readyAt - startAt, 1)} s after its start)`,
    );
  }
}
