/**
 * The benchmark (issue 9): connectd side by side with librdkafka's raw producer, Apache Kafka's
 * ProducerPerformance and Apache Kafka Connect, on one real Kafka broker, in one run.
 *
 *   npm run bench                  # the full run (~45 min on the 2-core machine)
 *   npm run bench:quick            # < 3 min smoke run: every scenario once, small, nothing asserted
 *   node dist/bench/compare.js [--quick | --smoke] [--only generator,file,sink,json,latency,produce-latency,idle,profile]
 *        [--skip …] [--rounds N] [--sizes 100,1024] [--tasks 1,2,4] [--idle 1,100,500]
 *        [--worker key=value …] [--latency-rate N] [--results DIR]
 *   node dist/bench/compare.js --only soak [--soak-seconds 600] [--soak-rate N]   # the soak (issue 13), never part of the full run
 *
 * Method: bench/README.md. In short: a fresh topic (3 partitions) per run, the same topic settings
 * for every contender; contenders interleaved (A B A B), the order rotated each round, medians of
 * the rounds, the ratio to each scenario's baseline, an A/A pair for the noise; every run's
 * records counted where they land (the topic, or the sink's file and its group's committed
 * offsets); a run disturbed by other processes on the shared machine is repeated.
 *
 * Results: bench/results/compare[-quick].{json,md,svg} and compare-idle[-quick].svg; the soak's in
 * bench/results/soak.{json,md,svg}.
 */
import { createWriteStream } from 'node:fs';
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { KafkaCluster } from '../tools/kafka/cluster.js';
import { readTopic } from '../tools/topic-reader.js';
import { writeTopic } from '../tools/topic-writer.js';
import { generatedValue } from '../src/worker-thread/connectors/generator/generator-source-connector.js';
import { runConnectd, runPerf, runRaw, runRawSink } from './lib/contenders.js';
import type { RunOptions, RunWindow } from './lib/contenders.js';
import { plannedTotal, SEED } from './lib/generator-records.js';
import type { RecordPlan } from './lib/generator-records.js';
import {
  FOREIGN_LOAD_LIMIT_CORES,
  QUIET_CORES,
  QuietRunner,
  brokerPid,
  freshTopic,
  log,
  machineInfo,
  makeWorkDir,
  perMillion,
} from './lib/harness.js';
import type { Disturbable } from './lib/harness.js';
import { kafkaConnectLibsDir, loggedClientSettings } from './lib/java-contenders.js';
import { latencyRun, produceLatencyRun, slowBatches } from './lib/latency.js';
import type { LatencyKind, LatencyRun, LatencySettings, ProduceLatencyRun } from './lib/latency.js';
import { runIdle, runPipeline } from './lib/pipelines.js';
import type { IdleWindow, PipelineWindow, Progress, WorkerFamily } from './lib/pipelines.js';
import { CONNECTD_PRODUCER_DEFAULTS, JAVA_PRODUCER_EQUIVALENT, checkProducerDefaults } from './lib/producer-settings.js';
import { profileFlags, profileMarkdown, profileText, summarizeProfiles } from './lib/profiles.js';
import type { ProfileResult } from './lib/profiles.js';
import type { CpuSample, ForeignLoad } from './lib/proc-stats.js';
import { median, round } from './lib/stats.js';
import { barChartSvg } from './lib/svg-chart.js';
import type { ChartRow } from './lib/svg-chart.js';
import { countByWatermarks, countTopic, deleteTopic } from './lib/topics.js';
import { soakRun } from './lib/soak.js';
import type { SoakSettings } from './lib/soak.js';
import { soakMarkdown, soakSvg, summarize, warmupSeconds } from './lib/soak-report.js';
import type { SoakResults } from './lib/soak-report.js';

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    /** Lighter still, for the CI smoke test (test/bench/quick.test.ts): --quick with a tenth of its records, 3 idle connectors only, no waiting for a quiet machine. */
    smoke: { type: 'boolean', default: false },
    /** Scenario groups to run (default all): generator, file, sink, json, latency, produce-latency, idle, profile. */
    only: { type: 'string' },
    skip: { type: 'string' },
    rounds: { type: 'string' },
    /** Record sizes of the generator, file and sink scenarios, e.g. 100 or 100,1024. */
    sizes: { type: 'string' },
    /** connectd task counts in the generator scenarios, e.g. 1,2,4. */
    tasks: { type: 'string' },
    /** Idle connector counts, e.g. 1,100,500. */
    idle: { type: 'string' },
    /** connectd worker settings to apply, e.g. task.max.inflight.records=50000 (repeatable); results go to a -tuned file. */
    worker: { type: 'string', multiple: true },
    /** Latency at this rate (records/s) instead of half of connectd-2t's measured rate. */
    'latency-rate': { type: 'string' },
    /** Measure nothing: recompute the medians, targets, Markdown and SVG of an earlier run's JSON. */
    render: { type: 'string' },
    /** The folder for the results (default bench/results), e.g. a temporary one for a smoke run in CI. */
    results: { type: 'string' },
    /** The soak's length in seconds (default 600). */
    'soak-seconds': { type: 'string' },
    /** The soak at this rate (records/s) instead of 80 % of a maximum measured first. */
    'soak-rate': { type: 'string' },
  },
});

const SMOKE = args.smoke;
const QUICK = args.quick || SMOKE;
const REPO = path.resolve(import.meta.dirname, '../..');
const RESULTS = args.results === undefined ? path.join(REPO, 'bench/results') : path.resolve(args.results);
const PARTITIONS = 3;
const SOURCE_PARTITIONS = 4;
const ROUNDS = Number(args.rounds ?? (QUICK ? 1 : 3));
/** The first fifth of every run's records is a warm-up (connections, JIT) left out of its window. */
const WARMUP_SHARE = 0.2;
const GROUPS = ['generator', 'file', 'sink', 'json', 'latency', 'produce-latency', 'idle', 'profile', 'soak'] as const;
type Group = (typeof GROUPS)[number];
/** Groups that run only when named in --only: the soak takes 10 minutes and restarts the broker. */
const ON_REQUEST: readonly Group[] = ['soak'];
const only = args.only?.split(',') ?? GROUPS.filter((g) => !ON_REQUEST.includes(g));
const skip = args.skip?.split(',') ?? [];
for (const g of [...only, ...skip])
  if (!(GROUPS as readonly string[]).includes(g)) throw new Error(`unknown scenario group ${g}: one of ${GROUPS.join(', ')}`);
const wanted = (g: Group): boolean => only.includes(g) && !skip.includes(g) && !(QUICK && g === 'profile');
const SIZES = (QUICK && args.sizes === undefined ? [100] : [100, 1024]).filter(
  (s) => args.sizes === undefined || args.sizes.split(',').map(Number).includes(s),
);
const TASKS = args.tasks !== undefined ? args.tasks.split(',').map(Number) : QUICK ? [2] : [1, 2, 4];
const IDLE_COUNTS = args.idle !== undefined ? args.idle.split(',').map(Number) : SMOKE ? [3] : QUICK ? [1, 20] : [1, 100, 500];
const WORKER_OVERRIDES: Record<string, string> = Object.fromEntries(
  (args.worker ?? []).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
);
const LATENCY_RATE = args['latency-rate'] === undefined ? undefined : Number(args['latency-rate']);
const LATENCY: LatencySettings = {
  seconds: SMOKE ? 2 : QUICK ? 3 : 12,
  warmupMs: SMOKE ? 500 : QUICK ? 1000 : 2000,
  paceIntervalMs: 10,
  partitions: PARTITIONS,
  sourcePartitions: SOURCE_PARTITIONS,
  worker: WORKER_OVERRIDES,
};
const LATENCY_RUNS = QUICK ? 1 : 2;
const positive = (name: string, v: string | undefined): number | undefined => {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number, got ${JSON.stringify(v)}`);
  return n;
};
const SOAK_SECONDS = positive('soak-seconds', args['soak-seconds']) ?? 600;
const SOAK_RATE = positive('soak-rate', args['soak-rate']);
/** The soak runs at this share of the maximum rate measured first (issue 13). */
const SOAK_RATE_SHARE = 0.8;
/** Records of the short run that measures the maximum rate (as the generator scenario runs it). */
const SOAK_MAX_RATE_RECORDS = (size: number): number => (size <= 100 ? 2_000_000 : 600_000);
const IDLE = { settleMs: SMOKE ? 500 : QUICK ? 1000 : 5000, measureMs: SMOKE ? 1000 : QUICK ? 3000 : 20000 };
/** A first, uncounted run so that no contender meets a cold broker JVM (JIT, page cache). */
const BROKER_WARMUP_RECORDS = SMOKE ? 20_000 : QUICK ? 100_000 : 1_000_000;
/** A smoke run measures nothing worth a quiet machine: it does not wait for one. */
const QUIET = { perRun: 2, maxRepeats: QUICK ? 0 : 16, quietWaitMaxMs: SMOKE ? 0 : QUICK ? 1000 : 20000 };

/** Worker keys both workers get: the same converters and offset flush interval (connectd's and Kafka's default). */
const COMMON_WORKER = {
  'key.converter': 'org.apache.kafka.connect.converters.ByteArrayConverter',
  'value.converter': 'org.apache.kafka.connect.storage.StringConverter',
  'offset.flush.interval.ms': '60000',
};
const JSON_CONNECTOR = { 'value.converter': 'org.apache.kafka.connect.json.JsonConverter', 'value.converter.schemas.enable': 'true' };

type Family = 'raw' | 'perf' | 'connectd' | 'kafka-connect';
interface Contender {
  name: string;
  family: Family;
  tasks: number;
}
type Kind = 'generator' | 'file-source' | 'sink' | 'json-file' | 'json-generator';
interface Scenario {
  id: string;
  kind: Kind;
  group: Group;
  title: string;
  size: number;
  records: number;
  baseline: string;
  contenders: Contender[];
}

const raw = (name = 'raw'): Contender => ({ name, family: 'raw', tasks: 1 });
const connectd = (tasks: number, name = `connectd-${tasks}t`): Contender => ({ name, family: 'connectd', tasks });
const kafkaConnect = (name = 'kafka-connect'): Contender => ({ name, family: 'kafka-connect', tasks: 1 });
const sizeLabel = (size: number): string => (size === 1024 ? '1 KiB' : `${size} B`);

/** The scenarios to run (of the wanted groups), or all of them. */
function scenarios(all = false): Scenario[] {
  const out: Scenario[] = [];
  const n = (full: number, quick: number): number => (SMOKE ? quick / 10 : QUICK ? quick : full);
  for (const size of SIZES) {
    const records = size === 100 ? n(1_000_000, 200_000) : n(300_000, 60_000);
    out.push({
      id: `generator-${size}`,
      kind: 'generator',
      group: 'generator',
      title: `generator source, ${sizeLabel(size)} values`,
      size,
      records,
      baseline: 'raw',
      contenders: [
        raw(),
        { name: 'producer-perf', family: 'perf', tasks: 1 },
        ...TASKS.map((t) => connectd(t)),
        ...(QUICK ? [] : [raw('raw-aa')]),
      ],
    });
  }
  for (const size of SIZES) {
    const records = size === 100 ? n(1_000_000, 100_000) : n(300_000, 30_000);
    out.push({
      id: `file-source-${size}`,
      kind: 'file-source',
      group: 'file',
      title: `file source, ${sizeLabel(size)} lines`,
      size,
      records,
      baseline: 'kafka-connect',
      contenders: [kafkaConnect(), connectd(1, 'connectd'), ...(QUICK ? [] : [kafkaConnect('kafka-connect-aa')])],
    });
  }
  for (const size of SIZES) {
    const records = size === 100 ? n(1_000_000, 100_000) : n(300_000, 30_000);
    out.push({
      id: `sink-${size}`,
      kind: 'sink',
      group: 'sink',
      title: `file sink, ${sizeLabel(size)} records`,
      size,
      records,
      baseline: 'kafka-connect',
      contenders: [kafkaConnect(), connectd(1, 'connectd'), raw('raw-consumer')],
    });
  }
  out.push({
    id: 'json-file-100',
    kind: 'json-file',
    group: 'json',
    title: 'file source, 100 B lines, JsonConverter with schemas',
    size: 100,
    records: n(500_000, 50_000),
    baseline: 'kafka-connect',
    contenders: [kafkaConnect(), connectd(1, 'connectd')],
  });
  out.push({
    id: 'json-generator-100',
    kind: 'json-generator',
    group: 'json',
    title: 'generator source, struct values (100 B payload), JsonConverter with schemas',
    size: 100,
    records: n(500_000, 50_000),
    baseline: 'raw',
    contenders: [raw(), ...(QUICK ? [connectd(2)] : [connectd(1), connectd(2)])],
  });
  return out.filter((s) => all || wanted(s.group));
}

/** Contenders alternating (baseline side, connectd side: A B A B), the order rotated by round. */
function roundOrder(s: Scenario, roundNo: number): Contender[] {
  const others = s.contenders.filter((c) => c.family !== 'connectd');
  const ours = s.contenders.filter((c) => c.family === 'connectd');
  const order: Contender[] = [];
  for (let i = 0; i < Math.max(others.length, ours.length); i++) {
    if (others[i]) order.push(others[i]!);
    if (ours[i]) order.push(ours[i]!);
  }
  const k = roundNo % order.length;
  return [...order.slice(k), ...order.slice(0, k)];
}

interface Row extends Disturbable {
  scenario: string;
  kind: Kind;
  size: number;
  contender: string;
  family: Family;
  tasks: number;
  round: number;
  topic: string;
  asked: number;
  counted: number;
  countMethod: string;
  ok: boolean;
  problem?: string;
  /** The headline: records in the window after the warm-up / the window's wall time. */
  recordsPerSecond: number;
  /** Every record, from the first one's CreateTime (sources) or the first progress seen (sink) to the last. */
  coldRecordsPerSecond: number;
  megabytesPerSecond: number;
  windowRecords: number;
  windowMs: number;
  spanMs: number;
  cpuSecondsPerMillion: number;
  brokerCpuSecondsPerMillion: number;
  threadCpuSecondsPerMillion: Record<string, number>;
  mainPreemptionsPerSecond: number;
  peakRssMiB: number;
  creditWaitSeconds?: number;
  sinkBackpressureSeconds?: number;
  queueFullEvents?: number;
  perfReport?: RunWindow['perfReport'];
}

interface Window {
  records: number;
  wallMs: number;
  firstAt: number;
  lastAt: number;
  cpu: CpuSample;
  brokerCpu: CpuSample;
  foreign: ForeignLoad;
  peakRssMiB: number;
}

const inputFiles = new Map<string, string>();
const sinkTopics = new Map<number, { topic: string; perPartition: number[] }>();
let kafkaConnectSettings: Record<string, Record<string, string>> = {};
let runSeq = 0;

/** The input of the file scenarios: `records` lines, line i = generatedValue(0, i) of `size` bytes. */
async function inputFile(work: string, size: number, records: number): Promise<string> {
  const existing = inputFiles.get(`${size}/${records}`);
  if (existing !== undefined) return existing;
  const file = path.join(work, `input-${size}b-${records}.txt`);
  const out = createWriteStream(file);
  for (let i = 0; i < records;) {
    const chunk: string[] = [];
    for (let j = 0; j < 10000 && i < records; j++, i++) chunk.push(generatedValue(0, i, SEED, size));
    if (!out.write(chunk.join('\n') + '\n')) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  inputFiles.set(`${size}/${records}`, file);
  return file;
}

/** The sink scenarios' topic: `records` generator values (line i's) spread round robin over the partitions. */
async function sinkTopic(cluster: KafkaCluster, size: number, records: number): Promise<{ topic: string; perPartition: number[] }> {
  const existing = sinkTopics.get(size);
  if (existing !== undefined) return existing;
  const topic = await freshTopic(cluster, `sink-input-${size}b`, PARTITIONS);
  const started = performance.now();
  for (let i = 0; i < records; i += 100_000) {
    const batch = Array.from({ length: Math.min(100_000, records - i) }, (_, j) => ({
      partition: (i + j) % PARTITIONS,
      value: generatedValue(0, i + j, SEED, size),
    }));
    await writeTopic(cluster.bootstrapServers, topic, batch);
  }
  const count = await countByWatermarks(cluster.bootstrapServers, topic, PARTITIONS);
  if (count.records !== records) throw new Error(`sink input topic ${topic}: ${count.records} records, ${records} written`);
  log(`sink input: ${records.toLocaleString('en')} records of ${size} B in ${topic} (${round((performance.now() - started) / 1000, 1)} s)`);
  const t = { topic, perPartition: count.perPartition };
  sinkTopics.set(size, t);
  return t;
}

/** Checks values that should be generatedValue(0, seq) for seq 0..n-1, each once (order across partitions is free). */
function checkValues(values: Iterable<string | null>, n: number, size: number, json: boolean): string[] {
  const seen = new Uint8Array(n);
  let bad = 0;
  let dup = 0;
  let count = 0;
  for (let v of values) {
    count++;
    if (v !== null && json) v = (JSON.parse(v) as { payload: string }).payload;
    const seq = v === null ? -1 : Number(/"seq":(\d+)/.exec(v)?.[1] ?? -1);
    if (seq < 0 || seq >= n || v !== generatedValue(0, seq, SEED, size)) bad++;
    else if (seen[seq] === 1) dup++;
    else seen[seq] = 1;
  }
  const problems: string[] = [];
  if (count !== n) problems.push(`${count} records, ${n} expected`);
  if (bad > 0) problems.push(`${bad} values not among the input's`);
  if (dup > 0) problems.push(`${dup} duplicates`);
  return problems;
}

function rowFrom(
  s: Scenario,
  c: Contender,
  roundNo: number,
  topic: string,
  w: Window,
  counted: { records: number; method: string; problems: string[]; firstTimestamp?: number },
): Row {
  const threads: Record<string, number> = {};
  for (const [name, sec] of Object.entries(w.cpu.byThread)) threads[name] = perMillion(sec, w.records);
  const rate = (w.records * 1000) / Math.max(1, w.lastAt - w.firstAt);
  const spanMs = w.lastAt - (counted.firstTimestamp ?? w.firstAt);
  return {
    scenario: s.id,
    kind: s.kind,
    size: s.size,
    contender: c.name,
    family: c.family,
    tasks: c.tasks,
    round: roundNo,
    topic,
    asked: s.records,
    counted: counted.records,
    countMethod: counted.method,
    ok: counted.problems.length === 0,
    ...(counted.problems.length > 0 ? { problem: counted.problems.join('; ') } : {}),
    foreign: w.foreign,
    recordsPerSecond: round(rate),
    coldRecordsPerSecond: round((s.records * 1000) / Math.max(1, spanMs)),
    megabytesPerSecond: round((rate * s.size) / 1e6, 2),
    windowRecords: w.records,
    windowMs: round(w.wallMs),
    spanMs: round(spanMs),
    cpuSecondsPerMillion: perMillion(w.cpu.total, w.records),
    brokerCpuSecondsPerMillion: perMillion(w.brokerCpu.total, w.records),
    threadCpuSecondsPerMillion: threads,
    mainPreemptionsPerSecond: round((w.cpu.mainPreemptions * 1000) / Math.max(1, w.wallMs)),
    peakRssMiB: w.peakRssMiB,
  };
}

/** A producing contender (raw, perf, connectd generator) into a fresh topic; counted there. */
async function generatorRun(cluster: KafkaCluster, work: string, s: Scenario, c: Contender, roundNo: number): Promise<Row> {
  const plan: RecordPlan = {
    sourcePartitions: SOURCE_PARTITIONS,
    perPartition: Math.ceil(s.records / SOURCE_PARTITIONS),
    valueSize: s.size,
    valueFormat: s.kind === 'json-generator' ? 'struct-json' : 'string',
  };
  const asked = plannedTotal(plan);
  const topic = await freshTopic(cluster, `${s.id}-${c.name}`, PARTITIONS);
  const dir = path.join(work, topic);
  const opts: RunOptions = {
    bootstrapServers: cluster.bootstrapServers,
    brokerPid: brokerPid(cluster),
    topic,
    partitions: PARTITIONS,
    plan,
    warmup: Math.round(asked * WARMUP_SHARE),
    tasks: c.tasks,
    dir,
    worker: WORKER_OVERRIDES,
  };
  const w = c.family === 'raw' ? await runRaw(opts) : c.family === 'perf' ? await runPerf(opts) : await runConnectd(opts);
  // Round 1 reads every record back (keys and headers checked); ProducerPerformance's records have neither.
  const readBack = roundNo === 1 && c.family !== 'perf';
  const full = readBack ? await countTopic(cluster.bootstrapServers, topic) : undefined;
  const count = full ?? (await countByWatermarks(cluster.bootstrapServers, topic, PARTITIONS));
  await deleteTopic(cluster.bootstrapServers, topic);
  await rm(dir, { recursive: true, force: true });
  const problems: string[] = [];
  if (count.records !== asked) problems.push(`${count.records} records in the topic, ${asked} asked`);
  if (full !== undefined) {
    if (full.distinctKeys !== asked) problems.push(`${full.distinctKeys} distinct keys, ${asked} asked`);
    if (full.badHeaders > 0) problems.push(`${full.badHeaders} records with wrong generator headers`);
  }
  const row = rowFrom(
    { ...s, records: asked },
    c,
    roundNo,
    topic,
    { ...w, lastAt: w.lastAckAt },
    { records: count.records, method: readBack ? 'read back' : 'watermarks', problems, firstTimestamp: count.firstTimestamp },
  );
  if (w.connectdMetrics !== undefined) row.creditWaitSeconds = w.connectdMetrics.creditWaitSeconds;
  if (w.queueFullEvents !== undefined) row.queueFullEvents = w.queueFullEvents;
  if (w.perfReport !== undefined) row.perfReport = w.perfReport;
  return row;
}

/** One worker (connectd or Kafka Connect) running `connector` with the common worker keys, watched until the scenario's records are through. */
function pipeline(
  cluster: KafkaCluster,
  s: Scenario,
  family: WorkerFamily,
  dir: string,
  connector: Record<string, string>,
  progress: Progress,
  nodeArgs?: string[],
): Promise<PipelineWindow> {
  return runPipeline({
    family,
    dir,
    bootstrapServers: cluster.bootstrapServers,
    brokerPid: brokerPid(cluster),
    worker: COMMON_WORKER,
    connectdWorker: WORKER_OVERRIDES,
    connectors: [connector],
    total: s.records,
    from: Math.round(s.records * WARMUP_SHARE),
    progress,
    ...(nodeArgs === undefined ? {} : { nodeArgs }),
  });
}

/** connectd or Kafka Connect running FileStreamSource on the scenario's input file into a fresh topic. */
async function fileSourceRun(
  cluster: KafkaCluster,
  work: string,
  s: Scenario,
  c: Contender,
  roundNo: number,
  nodeArgs?: string[],
): Promise<Row & { window: PipelineWindow }> {
  const file = await inputFile(work, s.size, s.records);
  const topic = await freshTopic(cluster, `${s.id}-${c.name}`, PARTITIONS);
  const dir = path.join(work, topic);
  const json = s.kind === 'json-file';
  const family = c.family as WorkerFamily;
  const connector = {
    name: `file-source-${runSeq++}`,
    'connector.class': 'FileStreamSource',
    'tasks.max': '1',
    file,
    topic,
    ...(json ? JSON_CONNECTOR : {}),
  };
  const w = await pipeline(cluster, s, family, dir, connector, { topic, partitions: PARTITIONS }, nodeArgs);
  if (family === 'kafka-connect' && kafkaConnectSettings.producer === undefined) {
    kafkaConnectSettings = {
      producer: await loggedClientSettings(dir, 'ProducerConfig', [
        'acks',
        'batch.size',
        'linger.ms',
        'max.in.flight.requests.per.connection',
        'enable.idempotence',
        'buffer.memory',
        'compression.type',
      ]),
    };
  }
  const readBack = roundNo === 1 && nodeArgs === undefined;
  let counted: { records: number; method: string; problems: string[]; firstTimestamp: number };
  if (readBack) {
    const records = await readTopic(cluster.bootstrapServers, topic, { timeoutMs: 300000 });
    let first = Number.POSITIVE_INFINITY;
    for (const r of records) if ((r.timestamp ?? first) < first) first = r.timestamp!;
    counted = {
      records: records.length,
      method: 'read back',
      problems: checkValues(
        (function* () {
          for (const r of records) yield r.value;
        })(),
        s.records,
        s.size,
        json,
      ),
      firstTimestamp: first,
    };
  } else {
    const count = await countByWatermarks(cluster.bootstrapServers, topic, PARTITIONS);
    counted = {
      records: count.records,
      method: 'watermarks',
      problems: count.records === s.records ? [] : [`${count.records} records in the topic, ${s.records} lines in the file`],
      firstTimestamp: count.firstTimestamp,
    };
  }
  await deleteTopic(cluster.bootstrapServers, topic);
  await rm(dir, { recursive: true, force: true });
  const row = rowFrom(s, c, roundNo, topic, w, counted);
  if (w.connectdMetrics !== undefined) row.creditWaitSeconds = w.connectdMetrics.creditWaitSeconds;
  return { ...row, window: w };
}

/** connectd or Kafka Connect running FileStreamSink from the scenario's topic into a fresh file. */
async function sinkRun(cluster: KafkaCluster, work: string, s: Scenario, c: Contender, roundNo: number, nodeArgs?: string[]): Promise<Row> {
  const input = await sinkTopic(cluster, s.size, s.records);
  const name = `file-sink-${runSeq++}`;
  const dir = path.join(work, name);
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, 'out.txt');
  const family = c.family as WorkerFamily | 'raw';
  const w: PipelineWindow =
    family === 'raw'
      ? await runRawSink(
          {
            bootstrapServers: cluster.bootstrapServers,
            topic: input.topic,
            partitions: PARTITIONS,
            groupId: `connect-${name}`,
            file,
            expected: s.records,
            batch: 500,
          },
          s.size + 1,
          brokerPid(cluster),
          Math.round(s.records * WARMUP_SHARE),
          nodeArgs,
        )
      : await pipeline(
          cluster,
          s,
          family,
          dir,
          { name, 'connector.class': 'FileStreamSink', 'tasks.max': '1', file, topics: input.topic },
          { file, lineBytes: s.size + 1 },
          nodeArgs,
        );
  if (family === 'kafka-connect' && kafkaConnectSettings.consumer === undefined) {
    kafkaConnectSettings.consumer = await loggedClientSettings(dir, 'ConsumerConfig', [
      'max.poll.records',
      'fetch.min.bytes',
      'fetch.max.wait.ms',
      'max.partition.fetch.bytes',
      'auto.offset.reset',
      'enable.auto.commit',
    ]);
  }
  // Ground truth, after a graceful stop: the lines in the file, and the group's committed offsets.
  const problems: string[] = [];
  const bytes = (await stat(file)).size;
  let lines = Math.floor(bytes / (s.size + 1));
  if (bytes !== s.records * (s.size + 1)) problems.push(`${bytes} bytes in the file, ${s.records * (s.size + 1)} expected`);
  const readBack = roundNo === 1 && nodeArgs === undefined;
  if (readBack) {
    const text = await readFile(file, 'utf8');
    const all = text.split('\n');
    if (all.at(-1) === '') all.pop();
    lines = all.length;
    problems.push(...checkValues(all, s.records, s.size, false));
  }
  const committed = await cluster.committedOffsets(`connect-${name}`, input.topic, PARTITIONS);
  const committedTotal = [...committed.values()].reduce((a, b) => a + b, 0);
  const behind = input.perPartition.filter((n, p) => committed.get(p) !== n);
  if (behind.length > 0)
    problems.push(
      `group connect-${name} committed ${committedTotal} of ${s.records} (partitions ${JSON.stringify(Object.fromEntries(committed))}, end offsets ${JSON.stringify(input.perPartition)})`,
    );
  await rm(dir, { recursive: true, force: true });
  const row = rowFrom(
    s,
    c,
    roundNo,
    input.topic,
    { ...w, firstAt: w.firstAt },
    {
      records: lines,
      method: `${readBack ? 'file read back' : 'file size'} + committed offsets`,
      problems,
      firstTimestamp: w.firstProgressAt,
    },
  );
  if (w.connectdMetrics !== undefined) row.sinkBackpressureSeconds = w.connectdMetrics.sinkBackpressureSeconds;
  return row;
}

async function runOnce(cluster: KafkaCluster, work: string, s: Scenario, c: Contender, roundNo: number): Promise<Row> {
  let row: Row;
  try {
    if (s.kind === 'generator' || s.kind === 'json-generator') row = await generatorRun(cluster, work, s, c, roundNo);
    else if (s.kind === 'sink') row = await sinkRun(cluster, work, s, c, roundNo);
    else {
      const { window: _w, ...r } = await fileSourceRun(cluster, work, s, c, roundNo);
      row = r;
    }
  } catch (err) {
    // A contender that fails is a result too (the others still run); it is reported, not counted.
    log(`${s.id} ${c.name} round ${roundNo} FAILED: ${(err as Error).message}`);
    const zero: CpuSample = { total: 0, mainPreemptions: 0, byThread: {} };
    row = rowFrom(
      s,
      c,
      roundNo,
      '',
      {
        records: 0,
        wallMs: 0,
        firstAt: 0,
        lastAt: 0,
        cpu: zero,
        brokerCpu: zero,
        foreign: { otherCores: 0, otherTop: '', kernelCores: 0, stealCores: 0 },
        peakRssMiB: 0,
      },
      { records: 0, method: 'none', problems: [(err as Error).message.split('\n')[0]!] },
    );
  }
  const fmt = (n: number): string => n.toLocaleString('en');
  log(
    `${s.id.padEnd(18)} ${c.name.padEnd(16)} round ${roundNo}: ${fmt(row.recordsPerSecond).padStart(9)} rec/s (cold ${fmt(row.coldRecordsPerSecond)}), ` +
      `CPU ${row.cpuSecondsPerMillion} s/M, broker ${row.brokerCpuSecondsPerMillion} s/M, RSS ${row.peakRssMiB} MiB, ` +
      `${row.creditWaitSeconds === undefined ? '' : `credit wait ${row.creditWaitSeconds} s, `}${row.sinkBackpressureSeconds === undefined ? '' : `sink backpressure ${row.sinkBackpressureSeconds} s, `}` +
      `other load ${row.foreign.otherCores} cores${row.foreign.otherCores > 0.05 ? ` (${row.foreign.otherTop})` : ''}, ${fmt(row.counted)} counted (${row.countMethod})${row.ok ? '' : `  FAILED: ${row.problem}`}`,
  );
  return row;
}

interface Aggregate {
  scenario: string;
  title: string;
  kind: Kind;
  size: number;
  contender: string;
  family: Family;
  tasks: number;
  runs: number;
  baseline: string;
  recordsPerSecond: number;
  minRecordsPerSecond: number;
  maxRecordsPerSecond: number;
  coldRecordsPerSecond: number;
  megabytesPerSecond: number;
  ratioToBaseline: number;
  cpuSecondsPerMillion: number;
  /** Contender CPU per record relative to the baseline's (below 1: cheaper). */
  cpuRatioToBaseline: number;
  mainThreadCpuSecondsPerMillion: number;
  brokerCpuSecondsPerMillion: number;
  peakRssMiB: number;
  otherLoadCores: number;
  mainPreemptionsPerSecond: number;
  /** connectd sources: the share of its tasks' time spent waiting for credit (in-flight limit reached), and the seconds. */
  creditWaitShare?: number;
  creditWaitSeconds?: number;
  sinkBackpressureSeconds?: number;
  threadCpuSecondsPerMillion: Record<string, number>;
}

function aggregate(list: Scenario[], rows: Row[]): Aggregate[] {
  const out: Aggregate[] = [];
  const counted = rows.filter((r) => r.ok && r.discarded === undefined);
  for (const s of list) {
    const base = counted.filter((r) => r.scenario === s.id && r.contender === s.baseline);
    const baseRate = median(base.map((r) => r.recordsPerSecond));
    const baseCpu = median(base.map((r) => r.cpuSecondsPerMillion));
    for (const c of s.contenders) {
      const mine = counted.filter((r) => r.scenario === s.id && r.contender === c.name);
      if (mine.length === 0) continue;
      const rates = mine.map((r) => r.recordsPerSecond);
      const med = (f: (r: Row) => number, digits = 2): number => round(median(mine.map(f).filter(Number.isFinite)), digits);
      const threads: Record<string, number> = {};
      for (const name of new Set(mine.flatMap((r) => Object.keys(r.threadCpuSecondsPerMillion))))
        threads[name] = med((r) => r.threadCpuSecondsPerMillion[name] ?? 0);
      const rate = median(rates);
      const cpu = median(mine.map((r) => r.cpuSecondsPerMillion));
      const a: Aggregate = {
        scenario: s.id,
        title: s.title,
        kind: s.kind,
        size: s.size,
        contender: c.name,
        family: c.family,
        tasks: c.tasks,
        runs: mine.length,
        baseline: s.baseline,
        recordsPerSecond: round(rate),
        minRecordsPerSecond: Math.min(...rates),
        maxRecordsPerSecond: Math.max(...rates),
        coldRecordsPerSecond: med((r) => r.coldRecordsPerSecond, 0),
        megabytesPerSecond: round((rate * s.size) / 1e6, 2),
        ratioToBaseline: round(rate / baseRate, 3),
        cpuSecondsPerMillion: round(cpu, 2),
        cpuRatioToBaseline: round(cpu / baseCpu, 3),
        mainThreadCpuSecondsPerMillion: med((r) => r.threadCpuSecondsPerMillion.main ?? 0),
        brokerCpuSecondsPerMillion: med((r) => r.brokerCpuSecondsPerMillion),
        peakRssMiB: med((r) => r.peakRssMiB, 0),
        otherLoadCores: med((r) => r.foreign.otherCores),
        mainPreemptionsPerSecond: med((r) => r.mainPreemptionsPerSecond, 0),
        threadCpuSecondsPerMillion: threads,
      };
      if (c.family === 'connectd' && s.kind !== 'sink') {
        a.creditWaitSeconds = med((r) => r.creditWaitSeconds ?? Number.NaN);
        a.creditWaitShare = med((r) => (r.creditWaitSeconds ?? Number.NaN) / ((c.tasks * r.spanMs) / 1000));
      }
      if (c.family === 'connectd' && s.kind === 'sink') a.sinkBackpressureSeconds = med((r) => r.sinkBackpressureSeconds ?? Number.NaN);
      out.push(a);
    }
  }
  return out;
}

interface IdleRow extends Disturbable {
  contender: Family;
  connectors: number;
  round: number;
  ok: boolean;
  problem?: string;
  rssMiB: number;
  peakRssMiB: number;
  threads: number;
  cpuCores: number;
  brokerCpuCores: number;
  /** The worker's CPU by thread group, in cores: where an idle worker spends it. */
  cpuCoresByThread: Record<string, number>;
  startupSeconds: number;
  /** SIGTERM → exit; "killed" when it took longer than the stop timeout (30 s connectd, 60 s Kafka Connect). */
  stopSeconds: number;
  stoppedCleanly: boolean;
}

async function idleRun(cluster: KafkaCluster, work: string, family: WorkerFamily, connectors: number, roundNo: number): Promise<IdleRow> {
  const topic = await freshTopic(cluster, `idle-${connectors}-${family}`, PARTITIONS);
  const dir = path.join(work, topic);
  let row: IdleRow;
  try {
    const w: IdleWindow = await runIdle({
      family,
      dir,
      bootstrapServers: cluster.bootstrapServers,
      brokerPid: brokerPid(cluster),
      worker: COMMON_WORKER,
      connectdWorker: WORKER_OVERRIDES,
      topic,
      partitions: PARTITIONS,
      connectors,
      ...IDLE,
    });
    const count = await countByWatermarks(cluster.bootstrapServers, topic, PARTITIONS);
    const ok = count.records === connectors;
    row = {
      contender: family,
      connectors,
      round: roundNo,
      ok,
      ...(ok ? {} : { problem: `${count.records} records in the topic, ${connectors} connectors each with a one-line file` }),
      foreign: w.foreign,
      rssMiB: w.rssMiB,
      peakRssMiB: w.peakRssMiB,
      threads: w.threads,
      cpuCores: round(w.cpu.total / (w.wallMs / 1000), 4),
      brokerCpuCores: round(w.brokerCpu.total / (w.wallMs / 1000), 4),
      cpuCoresByThread: Object.fromEntries(Object.entries(w.cpu.byThread).map(([t, sec]) => [t, round(sec / (w.wallMs / 1000), 4)])),
      startupSeconds: round(w.startupMs / 1000, 1),
      stopSeconds: round(w.stopMs / 1000, 1),
      stoppedCleanly: w.stoppedCleanly,
    };
  } catch (err) {
    log(`idle ${connectors} ${family} FAILED: ${(err as Error).message}`);
    row = {
      contender: family,
      connectors,
      round: roundNo,
      ok: false,
      problem: (err as Error).message.split('\n')[0]!,
      foreign: { otherCores: 0, otherTop: '', kernelCores: 0, stealCores: 0 },
      rssMiB: 0,
      peakRssMiB: 0,
      threads: 0,
      cpuCores: 0,
      brokerCpuCores: 0,
      cpuCoresByThread: {},
      startupSeconds: 0,
      stopSeconds: 0,
      stoppedCleanly: false,
    };
  }
  await deleteTopic(cluster.bootstrapServers, topic);
  await rm(dir, { recursive: true, force: true });
  log(
    `idle ${String(connectors).padStart(3)} ${family.padEnd(13)}: RSS ${row.rssMiB} MiB (peak ${row.peakRssMiB}), ${row.threads} threads, CPU ${round(row.cpuCores * 100, 2)} % of a core, broker ${round(row.brokerCpuCores * 100, 2)} %, ` +
      `up in ${row.startupSeconds} s, stopped in ${row.stopSeconds} s${row.stoppedCleanly ? '' : ' (SIGKILL: too slow)'}, other load ${row.foreign.otherCores} cores${row.ok ? '' : `  FAILED: ${row.problem}`}`,
  );
  return row;
}

interface Target {
  target: string;
  measured: string;
  met: boolean | undefined;
}

function targets(agg: Aggregate[], idle: IdleRow[], produceLatency: ProduceLatencyRun[]): Target[] {
  const out: Target[] = [];
  for (const size of [...new Set(produceLatency.map((l) => l.size))]) {
    const runs = produceLatency.filter(
      (l) => l.size === size && l.contender === 'connectd-2t' && l.discarded === undefined && l.ack.within50msShare !== null,
    );
    if (runs.length === 0) continue;
    const worst = Math.min(...runs.map((l) => l.ack.within50msShare!));
    out.push({
      target: `connectd p99 produce latency at half load < 50 ms (${sizeLabel(size)})`,
      measured: `p99 ${runs.map((l) => l.ack.p99).join(' / ')} ms at ${runs.map((l) => l.achievedRecordsPerSecond.toLocaleString('en')).join(' / ')} rec/s; ${round(worst * 100, 2)} % of records within 50 ms (worst run)`,
      met: worst >= 0.99,
    });
  }
  for (const [size, goal] of [
    [100, 0.85],
    [1024, 0.95],
  ] as const) {
    const mine = agg.filter((a) => a.scenario === `generator-${size}` && a.family === 'connectd');
    if (mine.length === 0) continue;
    const best = mine.reduce((x, y) => (y.ratioToBaseline > x.ratioToBaseline ? y : x));
    out.push({
      target: `connectd ≥ ${goal * 100} % of the raw producer's records/s at ${sizeLabel(size)}`,
      measured: `best ${best.contender}: ${(best.ratioToBaseline * 100).toFixed(1)} % (${mine.map((a) => `${a.contender} ${(a.ratioToBaseline * 100).toFixed(1)} %`).join(', ')})`,
      met: best.ratioToBaseline >= goal,
    });
  }
  for (const scenario of [...new Set(agg.filter((a) => a.baseline === 'kafka-connect').map((a) => a.scenario))]) {
    const ours = agg.find((a) => a.scenario === scenario && a.family === 'connectd');
    if (ours === undefined) continue;
    out.push({
      target: `connectd ahead of Kafka Connect: ${ours.title}`,
      measured: `records/s ×${ours.ratioToBaseline.toFixed(2)}, CPU per record ×${ours.cpuRatioToBaseline.toFixed(2)}`,
      met: ours.ratioToBaseline > 1 && ours.cpuRatioToBaseline < 1,
    });
  }
  for (const n of [...new Set(idle.map((r) => r.connectors))]) {
    const counted = (family: Family): IdleRow[] =>
      idle.filter((r) => r.ok && r.discarded === undefined && r.contender === family && r.connectors === n);
    const cd = median(counted('connectd').map((r) => r.rssMiB));
    const cdCpu = median(counted('connectd').map((r) => r.cpuCores));
    const kc = median(counted('kafka-connect').map((r) => r.rssMiB));
    const kcCpu = median(counted('kafka-connect').map((r) => r.cpuCores));
    if (Number.isFinite(cd) && Number.isFinite(kc)) {
      out.push({
        target: `connectd ahead of Kafka Connect: ${n} idle connector(s)`,
        measured: `RSS ${cd} vs ${kc} MiB, CPU ${round(cdCpu * 100, 2)} vs ${round(kcCpu * 100, 2)} % of a core`,
        met: cd < kc && cdCpu < kcCpu,
      });
    }
    if (n === 500 && Number.isFinite(cd))
      out.push({ target: '500 idle connectors in one connectd under 500 MiB RSS', measured: `${cd} MiB`, met: cd < 500 });
  }
  return out;
}

interface ResultsConfig {
  rounds: number;
  warmupShare: number;
  topicPartitions: number;
  generatorSourcePartitions: number;
  scenarios: { id: string; title: string; records: number; size: number; baseline: string; contenders: string[] }[];
  idle: { counts: number[]; settleMs: number; measureMs: number };
  latency: LatencySettings & { runs: number; rate: number | string };
  workerOverrides: Record<string, string>;
  kafkaConnect: Record<string, unknown>;
  quiet: typeof QUIET & { foreignLoadLimitCores: number; quietCores: number };
  [key: string]: unknown;
}

interface Results {
  date: string;
  quick: boolean;
  smoke?: boolean;
  machine: Record<string, string | number>;
  config: ResultsConfig;
  conditions: Record<string, unknown>;
  targets: Target[];
  throughput: Aggregate[];
  idle: IdleRow[];
  latency: LatencyRun[];
  produceLatency: ProduceLatencyRun[];
  profiles: ProfileResult[];
  failedRuns: (Row | IdleRow)[];
  runs: Row[];
}

const FAMILY_COLORS: Record<string, string> = { connectd: '#2f6fd0', 'kafka-connect': '#e07b26', raw: '#7a7a7a', perf: '#a0522d' };
const FAMILY_LEGEND: Record<string, string> = {
  connectd: 'connectd',
  'kafka-connect': 'Apache Kafka Connect',
  raw: 'raw librdkafka producer or consumer (Node)',
  perf: 'Kafka ProducerPerformance (Java)',
};

function chartSvg(out: Results): string {
  const fmt = (n: number): string => n.toLocaleString('en');
  const rows: ChartRow[] = out.throughput.map((a) => ({
    group: a.title,
    label: a.contender,
    family: a.family,
    values: [a.recordsPerSecond, a.cpuSecondsPerMillion],
    texts: [
      `${fmt(a.recordsPerSecond)}${a.contender === a.baseline ? '' : ` (×${a.ratioToBaseline.toFixed(2)})`}`,
      `${a.cpuSecondsPerMillion}${a.contender === a.baseline ? '' : ` (×${a.cpuRatioToBaseline.toFixed(2)})`}`,
    ],
  }));
  return barChartSvg({
    title: `connectd benchmark${out.quick ? ' (quick run: small, one round)' : ''}`,
    subtitle: `${out.date.slice(0, 10)} · ${out.machine.cpus} × ${out.machine.model} (shared) · Kafka ${out.machine.kafka} · connectd ${out.machine.connectd} · medians of ${out.config.rounds} interleaved run(s); × = ratio to the scenario's first contender`,
    panels: ['records/s (median, after warm-up)', 'CPU seconds per million records (contender)'],
    rows,
    colors: FAMILY_COLORS,
    legend: FAMILY_LEGEND,
    footnote: 'Bars are scaled within each scenario. Details, method and conditions: bench/results/compare.md',
  });
}

function idleSvg(out: Results): string {
  const rows: ChartRow[] = [];
  for (const n of [...new Set(out.idle.map((r) => r.connectors))]) {
    for (const family of ['kafka-connect', 'connectd'] as const) {
      const mine = out.idle.filter((r) => r.ok && r.discarded === undefined && r.connectors === n && r.contender === family);
      if (mine.length === 0) continue;
      const rss = median(mine.map((r) => r.rssMiB));
      const cpu = median(mine.map((r) => r.cpuCores)) * 100;
      rows.push({
        group: `${n} idle file source connector${n === 1 ? '' : 's'}`,
        label: family,
        family,
        values: [rss, cpu],
        texts: [`${round(rss)} MiB`, `${round(cpu, 2)} %`],
      });
    }
  }
  return barChartSvg({
    title: `Idle cost${out.quick ? ' (quick run)' : ''}`,
    subtitle: `${out.date.slice(0, 10)} · ${out.machine.cpus} × ${out.machine.model} · RSS and CPU once every connector has read its one-line file and waits`,
    panels: ['RSS (MiB)', 'CPU (% of one core)'],
    rows,
    colors: FAMILY_COLORS,
    legend: { connectd: FAMILY_LEGEND.connectd!, 'kafka-connect': FAMILY_LEGEND['kafka-connect']! },
  });
}

function markdown(out: Results, svgName: string, idleSvgName: string): string {
  const fmt = (n: number): string => (Number.isFinite(n) ? n.toLocaleString('en') : '—');
  const cfg = out.config;
  const lines: string[] = [];
  lines.push(`# connectd benchmark${out.quick ? ' (quick run: small runs, one round — a smoke check, not a measurement)' : ''}`);
  lines.push('');
  lines.push(
    `${out.date} · ${out.machine.cpus} × ${out.machine.model}, ${out.machine.memoryGiB} GiB · Node ${out.machine.node} · librdkafka ${out.machine.librdkafka} · ${out.machine.java} · Kafka ${out.machine.kafka} (1 broker, same machine) · connectd ${out.machine.connectd}` +
      `${
        Object.keys(cfg.workerOverrides ?? {}).length > 0
          ? ` · connectd with ${Object.entries(cfg.workerOverrides ?? {})
              .map(([k, v]) => `${k}=${v}`)
              .join(', ')}`
          : ''
      }`,
  );
  lines.push('');
  const c = out.conditions;
  lines.push(
    `**Conditions.** The machine is shared with other engineers' test runs. Median CPU used by other processes during the counted runs: ${String(c.medianOtherLoadCores)} cores (max ${String(c.maxOtherLoadCores)}); ` +
      `${String(c.repeatedRuns)} run(s) repeated because others used more than ${cfg.quiet.foreignLoadLimitCores} cores meanwhile; ${String(c.secondsWaitingForAQuietMachine)} s spent waiting for quiet half-seconds (< ${cfg.quiet.quietCores} cores); whole run ${String(c.seconds)} s.`,
  );
  lines.push('');
  if (out.targets.length > 0) {
    lines.push('## Targets (read from the results, not enforced)');
    lines.push('');
    lines.push('| target | measured | met |');
    lines.push('|---|---|:-:|');
    for (const t of out.targets) lines.push(`| ${t.target} | ${t.measured} | ${t.met === undefined ? '—' : t.met ? 'yes' : '**no**'} |`);
    lines.push('');
  }
  if (out.throughput.length > 0) {
    lines.push('## Throughput');
    lines.push('');
    lines.push(`![throughput and CPU per record](${svgName})`);
    lines.push('');
    lines.push(
      '| scenario | contender | runs | records/s | min–max | MB/s | vs baseline | CPU s/M rec | vs baseline | broker CPU s/M rec | peak RSS MiB | connectd credit wait | other load |',
    );
    lines.push('|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|');
    for (const a of out.throughput) {
      const wait =
        a.creditWaitShare !== undefined
          ? `${Math.round(a.creditWaitShare * 100)} % (${a.creditWaitSeconds} s)`
          : a.sinkBackpressureSeconds !== undefined
            ? `sink paused ${a.sinkBackpressureSeconds} s`
            : '';
      const base = a.contender === a.baseline;
      lines.push(
        `| ${a.title} | ${a.contender}${base ? ' (baseline)' : ''} | ${a.runs} | ${fmt(a.recordsPerSecond)} | ${fmt(a.minRecordsPerSecond)}–${fmt(a.maxRecordsPerSecond)} | ${a.megabytesPerSecond} | ${base ? '1' : `×${a.ratioToBaseline.toFixed(2)}`} | ${a.cpuSecondsPerMillion} | ${base ? '1' : `×${a.cpuRatioToBaseline.toFixed(2)}`} | ${a.brokerCpuSecondsPerMillion} | ${a.peakRssMiB} | ${wait} | ${a.otherLoadCores} |`,
      );
    }
    lines.push('');
    lines.push(
      'CPU seconds per million records by thread (medians; `main` = the main thread, `rdk:*` = librdkafka, `node` = worker threads and V8/libuv helpers; Java threads by name):',
    );
    lines.push('');
    for (const a of out.throughput) {
      const parts = Object.entries(a.threadCpuSecondsPerMillion)
        .filter(([, s]) => s >= 0.05)
        .sort((x, y) => y[1] - x[1])
        .slice(0, 8)
        .map(([n, s]) => `${n} ${s}`);
      lines.push(`- ${a.title}, ${a.contender}: ${parts.join(', ')}`);
    }
    const perf = out.runs.filter((r) => r.perfReport !== undefined && r.discarded === undefined && r.ok);
    if (perf.length > 0) {
      lines.push('');
      lines.push(
        `ProducerPerformance's own summary (its rate counts its whole run, JVM warm-up included; its latency is send → ack): ${perf.map((r) => `${sizeLabel(r.size)} round ${r.round}: ${fmt(r.perfReport!.recordsPerSecond)} rec/s, p99 ${r.perfReport!.p99Ms} ms`).join('; ')}.`,
      );
    }
  }
  if (out.idle.length > 0) {
    lines.push('');
    lines.push('## Idle cost');
    lines.push('');
    lines.push(`![idle cost](${idleSvgName})`);
    lines.push('');
    lines.push(
      `N file source connectors, each on its own one-line file (it reads the line, produces it, then waits at the end of the file: a caught-up connector), in one worker. Measured ${cfg.idle.settleMs / 1000} s after the last connector's line reached the topic, over ${cfg.idle.measureMs / 1000} s.`,
    );
    lines.push('');
    lines.push(
      '| connectors | contender | round | RSS MiB | peak RSS MiB | threads | CPU % of a core | of which (top threads, %) | broker CPU % | all lines in the topic after | stop (SIGTERM → exit) | other load |',
    );
    lines.push('|--:|---|--:|--:|--:|--:|--:|---|--:|--:|--:|--:|');
    for (const r of out.idle) {
      const top = Object.entries(r.cpuCoresByThread)
        .sort((a, b) => b[1] - a[1])
        .slice(0, 3)
        .map(([t, c]) => `${t} ${round(c * 100, 2)}`)
        .join(', ');
      lines.push(
        `| ${r.connectors} | ${r.contender} | ${r.round}${r.discarded === undefined ? '' : ' (disturbed, repeated)'} | ${r.rssMiB} | ${r.peakRssMiB} | ${r.threads} | ${round(r.cpuCores * 100, 2)} | ${top} | ${round(r.brokerCpuCores * 100, 2)} | ${r.startupSeconds} s | ${r.stoppedCleanly ? `${r.stopSeconds} s` : `killed after ${r.stopSeconds} s`} | ${r.foreign.otherCores}${r.ok ? '' : ` FAILED: ${r.problem}`} |`,
      );
    }
  }
  if (out.latency.length > 0) {
    lines.push('');
    lines.push('## End-to-end latency at half load');
    lines.push('');
    lines.push(
      `At half of connectd-2t's median generator rate (or --latency-rate): raw and connectd paced alike (2 tasks / 2 producer loops, each sleeping ${cfg.latency.paceIntervalMs} ms then producing one batch), ProducerPerformance by its own --throughput; ` +
        `a consumer in the harness notes receive time − CreateTime, the first ${cfg.latency.warmupMs} ms left out. "Own ack" is the producing client's send → ack (raw: per delivery report; ProducerPerformance: its summary).`,
    );
    lines.push('');
    lines.push(
      '| value | contender | run | target rec/s | achieved rec/s | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms | own ack p50/p99/p99.9 ms | connectd batches acked > 100 ms | other load |',
    );
    lines.push('|--:|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|');
    for (const l of out.latency) {
      const own = l.ownAck === undefined ? '—' : `${l.ownAck.p50} / ${l.ownAck.p99} / ${l.ownAck.p999}`;
      lines.push(
        `| ${sizeLabel(l.size)} | ${l.contender} | ${l.round}${l.discarded === undefined ? '' : ' (disturbed, repeated)'} | ${fmt(l.targetRecordsPerSecond)} | ${fmt(l.achievedRecordsPerSecond)} | ${l.steady.p50} | ${l.steady.p90} | ${l.steady.p99} | ${l.steady.p999} | ${l.steady.max} | ${own} | ${slowBatches(l)} | ${l.foreign.otherCores}${l.countOk ? '' : ' COUNT MISMATCH'} |`,
      );
    }
  }
  if (out.produceLatency.length > 0) {
    lines.push('');
    lines.push('## Produce latency at half load (send → ack, no consumer)');
    lines.push('');
    lines.push(
      `The same rate as the end-to-end runs, with no consumer on the machine. connectd: held at the rate by the generator's records.per.second (batches of the end-to-end runs' size), \`connectd_source_record_ack_seconds\` over the measured window (poll() returning a record → Kafka's ack of its batch's last record; percentiles interpolated in the histogram's buckets as Prometheus' histogram_quantile does; the share within 50 ms is exact, 50 ms being a bucket bound). ` +
        `raw: produce() → delivery report per record, the first ${cfg.latency.warmupMs} ms left out. ProducerPerformance: its own summary (its whole run).`,
    );
    lines.push('');
    lines.push(
      '| value | contender | run | target rec/s | achieved rec/s | p50 ms | p90 ms | p99 ms | p99.9 ms | within 50 ms | measured by | other load |',
    );
    lines.push('|--:|---|--:|--:|--:|--:|--:|--:|--:|--:|---|--:|');
    for (const l of out.produceLatency) {
      const share = l.ack.within50msShare === null ? '—' : `${round(l.ack.within50msShare * 100, 2)} %`;
      lines.push(
        `| ${sizeLabel(l.size)} | ${l.contender} | ${l.round}${l.discarded === undefined ? '' : ' (disturbed, repeated)'} | ${fmt(l.targetRecordsPerSecond)} | ${fmt(l.achievedRecordsPerSecond)} | ${l.ack.p50} | ${Number.isNaN(l.ack.p90) ? '—' : l.ack.p90} | ${l.ack.p99} | ${l.ack.p999} | ${share} | ${l.ack.how} | ${l.foreign.otherCores}${l.countOk ? '' : ' COUNT MISMATCH'} |`,
      );
    }
  }
  if (out.profiles.length > 0) {
    lines.push('');
    lines.push('## Where the time goes (--cpu-prof)');
    lines.push('');
    lines.push('Full summaries: `bench/results/profiles/`.');
    for (const p of out.profiles) {
      lines.push('');
      lines.push(...profileMarkdown(p, fmt));
    }
  }
  const discarded = [...out.runs, ...out.idle, ...out.latency, ...out.produceLatency].filter((r) => r.discarded !== undefined);
  if (discarded.length > 0) {
    const what = (r: Row | IdleRow | LatencyRun | ProduceLatencyRun): string =>
      'scenario' in r
        ? `${r.scenario} ${r.contender} round ${r.round}`
        : 'connectors' in r
          ? `idle ${r.connectors} ${r.contender}`
          : `${'ack' in r ? 'produce latency' : 'latency'} ${sizeLabel(r.size)} ${r.contender} run ${r.round}`;
    lines.push('');
    lines.push(
      `Repeated because other processes loaded the machine: ${discarded.map((r) => `${what(r)} (${r.foreign.otherCores} cores: ${r.foreign.otherTop})`).join('; ')}.`,
    );
  }
  if (out.failedRuns.length > 0) {
    lines.push('');
    lines.push(
      `**${out.failedRuns.length} run(s) failed their ground-truth check** and are left out of the medians: ${out.failedRuns.map((r) => `${'scenario' in r ? `${r.scenario} ${r.contender} round ${r.round}` : `idle ${r.connectors} ${r.contender}`}: ${r.problem}`).join('; ')}`,
    );
  }
  lines.push('');
  lines.push('## Method');
  lines.push('');
  lines.push(
    `- One Kafka ${out.machine.kafka} broker on this machine (tools/kafka/cluster.ts), warmed up by an uncounted run; a fresh ${cfg.topicPartitions}-partition topic per run. Contenders alternate (A B A B), the order rotated each round; medians of ${cfg.rounds} round(s); "vs baseline" = median / the scenario's baseline median (records/s: above 1 is faster; CPU: below 1 is cheaper). A/A pairs (raw-aa, kafka-connect-aa) show the noise.`,
  );
  lines.push(
    `- records/s: the records that arrived after the first ${cfg.warmupShare * 100} % (warm-up: connections, JIT — both workers are daemons) / the time they took, seen from outside: the topic's watermarks polled every 50 ms (sources), the sink's output file (and, for connectd, its count of records put: it writes 1 MiB at a time and the rest at the next commit, where Kafka's sink writes each line at once). The moment the last record arrived is interpolated between the last two samples. "cold" in the JSON counts every record from the first one's CreateTime.`,
  );
  lines.push(
    `- CPU: user+sys from /proc of the contender's process (all threads) and of the broker over the same window, per million records. RSS: the contender's peak (VmHWM; JVMs with their scripts' heaps: Connect -Xms256M -Xmx2G, ProducerPerformance -Xmx512M). connectd credit wait: connectd_source_credit_wait_seconds_total from GET /metrics, as a share of tasks × run time.`,
  );
  lines.push(
    `- Ground truth: round 1 reads every record back (generator: count, distinct keys, headers; file source: every line's value, once; sink: every line of the output file, once) and checks the sink group's committed offsets (connect-<name>) equal the topic's end offsets after a graceful stop; later rounds count watermarks (sources) or file size + committed offsets (sink). A run that fails its check is reported and left out.`,
  );
  lines.push(
    `- Settings: connectd's producer defaults (${Object.entries(CONNECTD_PRODUCER_DEFAULTS)
      .map(([k, v]) => `${k}=${v}`)
      .join(', ')}) for connectd and the raw producer; ProducerPerformance with ${Object.entries(JAVA_PRODUCER_EQUIVALENT)
      .map(([k, v]) => `${k}=${String(v)}`)
      .join(', ')} (its records: no key, no headers, one random payload); ` +
      `Kafka Connect with its defaults and plugin.discovery=service_load (Kafka's recommended setting when every plugin has a manifest: no classpath scan), connect-standalone.sh's heap (its source producer ran with ${
        Object.entries((cfg.kafkaConnect.producer as Record<string, string> | undefined) ?? {})
          .map(([k, v]) => `${k}=${v}`)
          .join(', ') || 'n/a'
      }). Both workers: ByteArrayConverter keys, StringConverter values (JsonConverter with schemas.enable=true in the JSON scenarios), offset.flush.interval.ms=60000, the same connector configs.`,
  );
  lines.push(
    `- The machine is shared: before each run the harness waits (up to ${cfg.quiet.quietWaitMaxMs / 1000} s) for half a second in which other processes use < ${cfg.quiet.quietCores} cores, measures their CPU during the run ("other load", cores) and repeats a run above ${cfg.quiet.foreignLoadLimitCores} cores (up to ${cfg.quiet.perRun} times each, ${cfg.quiet.maxRepeats} in all).`,
  );
  lines.push('');
  return lines.join('\n');
}

/** Writes <results>/<name>.{json,md,svg} (name: compare[-quick][-groups][-worker settings]; results: bench/results or --results). */
async function writeResults(out: Results, name: string): Promise<void> {
  const idleName = name.replace('compare', 'compare-idle');
  await mkdir(RESULTS, { recursive: true });
  await writeFile(path.join(RESULTS, `${name}.json`), JSON.stringify(out, null, 2) + '\n');
  if (out.throughput.length > 0) await writeFile(path.join(RESULTS, `${name}.svg`), chartSvg(out));
  if (out.idle.length > 0) await writeFile(path.join(RESULTS, `${idleName}.svg`), idleSvg(out));
  await writeFile(path.join(RESULTS, `${name}.md`), markdown(out, `${name}.svg`, `${idleName}.svg`));
  log(`wrote ${path.relative(process.cwd(), path.join(RESULTS, name))}.{json,md,svg}`);
  process.stdout.write('\n' + markdown(out, `${name}.svg`, `${idleName}.svg`));
}

/** --render: an earlier run's JSON, its medians, targets, Markdown and SVG computed again (by this code), written under its own name in the results folder. */
async function render(file: string): Promise<number> {
  const out = JSON.parse(await readFile(file, 'utf8')) as Results;
  const list: Scenario[] = out.config.scenarios.map((d) => {
    const mine = out.runs.filter((r) => r.scenario === d.id);
    const contenders = d.contenders.map((name): Contender => {
      const r = mine.find((x) => x.contender === name);
      return { name, family: r?.family ?? 'connectd', tasks: r?.tasks ?? 1 };
    });
    return { ...d, kind: mine[0]?.kind ?? 'generator', group: 'generator', contenders };
  });
  out.throughput = aggregate(list, out.runs);
  out.produceLatency ??= [];
  out.targets = targets(out.throughput, out.idle, out.produceLatency);
  await writeResults(out, path.basename(file, '.json'));
  return 0;
}

async function main(): Promise<number> {
  if (args.render !== undefined) return render(args.render);
  checkProducerDefaults();
  kafkaConnectLibsDir(); // fail now, not an hour in, when the Java contenders' jars are missing
  const began = performance.now();
  const cluster = await KafkaCluster.start();
  const work = await makeWorkDir();
  log(
    `broker ${cluster.bootstrapServers} (pid ${brokerPid(cluster)}) up after ${round((performance.now() - began) / 1000, 1)} s; work dir ${work}`,
  );
  const runner = new QuietRunner(cluster, QUIET);
  const rows: Row[] = [];
  const idle: IdleRow[] = [];
  const latency: LatencyRun[] = [];
  const produceLatency: ProduceLatencyRun[] = [];
  const profiles: ProfileResult[] = [];
  const list = scenarios();
  try {
    {
      const topic = await freshTopic(cluster, 'warmup', PARTITIONS);
      const plan: RecordPlan = {
        sourcePartitions: SOURCE_PARTITIONS,
        perPartition: BROKER_WARMUP_RECORDS / SOURCE_PARTITIONS,
        valueSize: 100,
      };
      await runRaw({
        bootstrapServers: cluster.bootstrapServers,
        brokerPid: brokerPid(cluster),
        topic,
        partitions: PARTITIONS,
        plan,
        tasks: 1,
        dir: path.join(work, topic),
      });
      await deleteTopic(cluster.bootstrapServers, topic);
      log(`broker warmed up with ${BROKER_WARMUP_RECORDS.toLocaleString('en')} records (not counted)`);
    }
    for (const s of list) {
      log(`— ${s.title}: ${s.records.toLocaleString('en')} records, ${s.contenders.map((c) => c.name).join(', ')}`);
      for (let r = 0; r < ROUNDS; r++) {
        for (const c of roundOrder(s, r)) rows.push(...(await runner.run(() => runOnce(cluster, work, s, c, r + 1))));
      }
    }
    const agg = aggregate(list, rows);
    if (wanted('idle')) {
      for (const n of IDLE_COUNTS) {
        log(`— ${n} idle connector(s)`);
        const order: WorkerFamily[] = n % 2 === 0 ? ['kafka-connect', 'connectd'] : ['connectd', 'kafka-connect'];
        for (const family of order) idle.push(...(await runner.run(() => idleRun(cluster, work, family, n, 1))));
      }
    }
    if (wanted('latency')) {
      for (const size of QUICK ? SIZES.slice(0, 1) : SIZES) {
        const connectd2 = agg.find((a) => a.scenario === `generator-${size}` && a.contender === 'connectd-2t');
        const target = LATENCY_RATE ?? (connectd2 === undefined ? undefined : connectd2.recordsPerSecond / 2);
        if (target === undefined) {
          log(`latency ${size} B: no connectd-2t rate measured (run the generator scenario or give --latency-rate)`);
          continue;
        }
        for (let r = 0; r < LATENCY_RUNS; r++) {
          const kinds: LatencyKind[] = r % 2 === 0 ? ['raw', 'connectd', 'perf'] : ['perf', 'connectd', 'raw'];
          for (const kind of kinds)
            latency.push(...(await runner.run(() => latencyRun(cluster, work, size, kind, target, r + 1, LATENCY))));
        }
      }
    }
    if (wanted('produce-latency')) {
      for (const size of QUICK ? SIZES.slice(0, 1) : SIZES) {
        const connectd2 = agg.find((a) => a.scenario === `generator-${size}` && a.contender === 'connectd-2t');
        const target = LATENCY_RATE ?? (connectd2 === undefined ? undefined : connectd2.recordsPerSecond / 2);
        if (target === undefined) {
          log(`produce latency ${size} B: no connectd-2t rate measured (run the generator scenario or give --latency-rate)`);
          continue;
        }
        for (let r = 0; r < LATENCY_RUNS; r++) {
          const kinds: LatencyKind[] = r % 2 === 0 ? ['connectd', 'raw', 'perf'] : ['perf', 'raw', 'connectd'];
          for (const kind of kinds)
            produceLatency.push(...(await runner.run(() => produceLatencyRun(cluster, work, size, kind, target, r + 1, LATENCY))));
        }
      }
    }
    if (wanted('profile')) profiles.push(...(await profileRuns(cluster, work, runner)));
    const soakOk = wanted('soak') ? await soak(cluster, work, runner, began) : true;
    if (GROUPS.every((g) => ON_REQUEST.includes(g) || !wanted(g))) return soakOk ? 0 : 1;
    const counted = rows.filter((r) => r.discarded === undefined && r.ok);
    const loads = [
      ...counted.map((r) => r.foreign.otherCores),
      ...idle.filter((r) => r.discarded === undefined).map((r) => r.foreign.otherCores),
    ];
    const out: Results = {
      date: new Date().toISOString(),
      quick: QUICK,
      smoke: SMOKE,
      machine: machineInfo(cluster, REPO),
      config: {
        rounds: ROUNDS,
        warmupShare: WARMUP_SHARE,
        topicPartitions: PARTITIONS,
        generatorSourcePartitions: SOURCE_PARTITIONS,
        scenarios: list.map((s) => ({
          id: s.id,
          title: s.title,
          records: s.records,
          size: s.size,
          baseline: s.baseline,
          contenders: s.contenders.map((c) => c.name),
        })),
        idle: { counts: IDLE_COUNTS, ...IDLE },
        latency: { ...LATENCY, runs: LATENCY_RUNS, rate: LATENCY_RATE ?? 'half of connectd-2t' },
        connectdProducer: CONNECTD_PRODUCER_DEFAULTS,
        producerPerformance: JAVA_PRODUCER_EQUIVALENT,
        workers: COMMON_WORKER,
        connectdWorker: {
          'worker.threads': 'default (available parallelism)',
          'task.max.inflight.records': 'default',
          ...WORKER_OVERRIDES,
        },
        workerOverrides: WORKER_OVERRIDES,
        kafkaConnect: { ...kafkaConnectSettings, heap: '-Xms256M -Xmx2G', producerPerformanceHeap: '-Xmx512M' },
        quiet: { ...QUIET, foreignLoadLimitCores: FOREIGN_LOAD_LIMIT_CORES, quietCores: QUIET_CORES },
      },
      conditions: {
        seconds: round((performance.now() - began) / 1000),
        secondsWaitingForAQuietMachine: round(runner.quietWaitMs / 1000),
        repeatedRuns: runner.repeats,
        medianOtherLoadCores: round(median(loads), 3),
        maxOtherLoadCores: round(Math.max(0, ...loads), 3),
        loadAverageAtEnd: os.loadavg().map((l) => round(l, 2)),
      },
      targets: targets(agg, idle, produceLatency),
      throughput: agg,
      idle,
      latency,
      produceLatency,
      profiles,
      failedRuns: [...rows.filter((r) => !r.ok), ...idle.filter((r) => !r.ok)],
      runs: rows,
    };
    // A partial run (--only/--skip) does not overwrite the full run's results.
    const partial = args.only !== undefined || args.skip !== undefined ? `-${GROUPS.filter((g) => wanted(g)).join('-')}` : '';
    await writeResults(
      out,
      `compare${SMOKE ? '-smoke' : QUICK ? '-quick' : ''}${partial}${
        Object.keys(WORKER_OVERRIDES).length > 0
          ? `-${Object.entries(WORKER_OVERRIDES)
              .map(([k, v]) => `${k}=${v}`)
              .join('-')}`
          : ''
      }`,
    );
    return !soakOk || out.failedRuns.length > 0 || latency.some((l) => !l.countOk) || produceLatency.some((l) => !l.countOk) ? 1 : 0;
  } finally {
    await cluster.stop();
    await rm(work, { recursive: true, force: true });
  }
}

/**
 * The soak (issue 13; lib/soak.ts): the maximum rate measured first (a connectd generator run as
 * the generator scenario's, unless --soak-rate), then SOAK_RATE_SHARE of it for --soak-seconds
 * with a broker restart in the middle. Writes <results>/soak.{json,md,svg}; true when every
 * generated record was in the topic, once.
 */
async function soak(cluster: KafkaCluster, work: string, runner: QuietRunner, began: number): Promise<boolean> {
  const size = SIZES[0] ?? 100;
  const tasks = args.tasks === undefined ? 1 : TASKS[0]!;
  let maxRate: SoakResults['settings']['maxRate'] = null;
  if (SOAK_RATE === undefined) {
    const s: Scenario = {
      id: `soak-max-rate-${size}`,
      kind: 'generator',
      group: 'soak',
      title: 'soak: maximum rate',
      size,
      records: SOAK_MAX_RATE_RECORDS(size),
      baseline: `connectd-${tasks}t`,
      contenders: [connectd(tasks)],
    };
    // Other load only slows a run down: the fastest attempt that counted right is the maximum.
    const attempts = (await runner.run(() => runOnce(cluster, work, s, connectd(tasks), 2))).filter((r) => r.ok);
    if (attempts.length === 0) throw new Error('soak: the maximum-rate run failed its count (see above)');
    const row = attempts.reduce((x, y) => (y.recordsPerSecond > x.recordsPerSecond ? y : x));
    maxRate = {
      recordsPerSecond: row.recordsPerSecond,
      measured: `connectd-${tasks}t's generator rate measured just before, ${row.windowRecords.toLocaleString('en')} records after a ${WARMUP_SHARE * 100} % warm-up (${row.asked.toLocaleString('en')} in all), other load ${row.foreign.otherCores} cores${
        attempts.length > 1
          ? `; the fastest of ${attempts.length} attempts (the others were disturbed: ${attempts
              .filter((r) => r !== row)
              .map((r) => `${r.recordsPerSecond.toLocaleString('en')} rec/s with ${r.foreign.otherCores} cores of other load`)
              .join(', ')})`
          : ''
      }`,
    };
  }
  const rate = SOAK_RATE ?? Math.round(maxRate!.recordsPerSecond * SOAK_RATE_SHARE);
  const settings: SoakSettings = {
    seconds: SOAK_SECONDS,
    rate,
    tasks,
    valueSize: size,
    sourcePartitions: SOURCE_PARTITIONS,
    partitions: PARTITIONS,
    restartAtSeconds: Math.round(SOAK_SECONDS / 2),
    sampleMs: 1000,
    worker: WORKER_OVERRIDES,
    readBackMaxRecords: 10_000_000,
    // Minutes at hundreds of thousands of records/s are tens of GB: keep ~1 GiB per partition on the shared disk.
    bigTopicConfigs: { 'retention.bytes': String(2 ** 30), 'segment.bytes': String(2 ** 27) },
  };
  await runner.waitForQuiet();
  const run = await soakRun(cluster, work, settings);
  const out: SoakResults = {
    date: new Date().toISOString(),
    machine: machineInfo(cluster, REPO),
    settings: { ...settings, maxRate, rateShare: maxRate === null ? null : SOAK_RATE_SHARE, warmupSeconds: warmupSeconds(SOAK_SECONDS) },
    conditions: {
      note: 'The machine is shared with other helpers\' builds and test suites (their brokers, tsc, tap) on the same 2 cores: the soak does not wait for them or repeat, so its numbers carry their load, measured each second as "other load".',
      seconds: round((performance.now() - began) / 1000),
      loadAverageAtEnd: os.loadavg().map((l) => round(l, 2)),
    },
    summary: summarize(run, settings),
    count: run.count,
    ok: run.count.ok,
    topic: run.topic,
    total: run.total,
    firstRecordAt: run.firstRecordAt,
    lastRecordAt: run.lastRecordAt,
    samples: run.samples,
  };
  await mkdir(RESULTS, { recursive: true });
  // One line per sample: a 10-minute soak has 600 or more of them.
  const { samples, ...rest } = out;
  const json = JSON.stringify({ ...rest, samples: [] }, null, 2).replace(
    '"samples": []',
    () => `"samples": [\n${samples.map((x) => `    ${JSON.stringify(x)}`).join(',\n')}\n  ]`,
  );
  await writeFile(path.join(RESULTS, 'soak.json'), json + '\n');
  await writeFile(path.join(RESULTS, 'soak.svg'), soakSvg(out));
  const md = soakMarkdown(out, 'soak.svg');
  await writeFile(path.join(RESULTS, 'soak.md'), md);
  log(`wrote ${path.relative(process.cwd(), path.join(RESULTS, 'soak'))}.{json,md,svg}`);
  process.stdout.write('\n' + md);
  return out.ok;
}

/** connectd under --cpu-prof where targets are read: the generator (vs raw) at 100 B, 2 tasks, the file source and sink at 100 B, and idle. */
async function profileRuns(cluster: KafkaCluster, work: string, runner: QuietRunner): Promise<ProfileResult[]> {
  const out: ProfileResult[] = [];
  const profileDir = path.join(RESULTS, 'profiles');
  await mkdir(profileDir, { recursive: true });
  const at100 = (kind: Kind): Scenario | undefined => scenarios(true).find((x) => x.kind === kind && x.size === 100);
  const jobs: { label: string; file: string; contender: Contender; scenario: Scenario | undefined }[] = [
    {
      label: 'connectd-2t, generator 100 B',
      file: 'compare-generator-100B-connectd-2t',
      contender: connectd(2),
      scenario: at100('generator'),
    },
    { label: 'raw producer, generator 100 B', file: 'compare-generator-100B-raw', contender: raw(), scenario: at100('generator') },
    {
      label: 'connectd, file source 100 B lines',
      file: 'compare-file-source-100B-connectd',
      contender: connectd(1, 'connectd'),
      scenario: at100('file-source'),
    },
    {
      label: 'connectd, file sink 100 B records',
      file: 'compare-sink-100B-connectd',
      contender: connectd(1, 'connectd'),
      scenario: at100('sink'),
    },
  ];
  for (const job of jobs) {
    if (job.scenario === undefined) continue;
    const s = job.scenario;
    await runner.waitForQuiet();
    const dir = path.join(RESULTS, 'tmp/profiles', job.file);
    const nodeArgs = await profileFlags(dir);
    let row: Row;
    if (s.kind === 'generator') {
      const plan: RecordPlan = {
        sourcePartitions: SOURCE_PARTITIONS,
        perPartition: Math.ceil(s.records / SOURCE_PARTITIONS),
        valueSize: s.size,
      };
      const topic = await freshTopic(cluster, `prof-${job.file}`, PARTITIONS);
      const opts: RunOptions = {
        bootstrapServers: cluster.bootstrapServers,
        brokerPid: brokerPid(cluster),
        topic,
        partitions: PARTITIONS,
        plan,
        warmup: Math.round(s.records * WARMUP_SHARE),
        tasks: job.contender.tasks,
        dir: path.join(work, topic),
        nodeArgs,
        worker: WORKER_OVERRIDES,
      };
      const w = job.contender.family === 'raw' ? await runRaw(opts) : await runConnectd(opts);
      const count = await countByWatermarks(cluster.bootstrapServers, topic, PARTITIONS);
      await deleteTopic(cluster.bootstrapServers, topic);
      row = rowFrom(
        s,
        job.contender,
        0,
        topic,
        { ...w, lastAt: w.lastAckAt },
        { records: count.records, method: 'watermarks', problems: [], firstTimestamp: count.firstTimestamp },
      );
    } else if (s.kind === 'sink') {
      row = await sinkRun(cluster, work, s, job.contender, 0, nodeArgs);
    } else {
      row = await fileSourceRun(cluster, work, s, job.contender, 0, nodeArgs);
    }
    out.push(
      await keepProfile(dir, job.file, {
        label: job.label,
        contender: job.contender.name,
        records: s.records,
        recordsPerSecond: row.recordsPerSecond,
        cpuSecondsPerMillion: row.cpuSecondsPerMillion,
        threadCpuSecondsPerMillion: row.threadCpuSecondsPerMillion,
      }),
    );
  }
  // Idle: where an idle connectd's CPU goes (per record figures are per connector here).
  const idleCount = Math.max(...IDLE_COUNTS);
  {
    await runner.waitForQuiet();
    const file = `compare-idle-${idleCount}-connectd`;
    const dir = path.join(RESULTS, 'tmp/profiles', file);
    const nodeArgs = await profileFlags(dir);
    const topic = await freshTopic(cluster, `prof-idle-${idleCount}`, PARTITIONS);
    const w = await runIdle({
      family: 'connectd',
      dir: path.join(work, topic),
      bootstrapServers: cluster.bootstrapServers,
      brokerPid: brokerPid(cluster),
      worker: COMMON_WORKER,
      connectdWorker: WORKER_OVERRIDES,
      topic,
      partitions: PARTITIONS,
      connectors: idleCount,
      ...IDLE,
      nodeArgs,
    });
    await deleteTopic(cluster.bootstrapServers, topic);
    const threads = Object.fromEntries(Object.entries(w.cpu.byThread).map(([t, sec]) => [t, round(sec / (w.wallMs / 1000), 4)]));
    out.push(
      await keepProfile(dir, file, {
        label: `connectd, ${idleCount} idle file sources (per "record" = per connector; whole life of the process)`,
        contender: 'connectd',
        records: idleCount,
        recordsPerSecond: 0,
        cpuSecondsPerMillion: 0,
        threadCpuSecondsPerMillion: threads,
      }),
    );
  }
  return out;

  async function keepProfile(dir: string, file: string, p: Omit<ProfileResult, 'main' | 'workers'>): Promise<ProfileResult> {
    const result: ProfileResult = { ...p, ...(await summarizeProfiles(dir, p.records, REPO)) };
    log(
      `profile ${p.label}: ${p.recordsPerSecond.toLocaleString('en')} rec/s under the profiler, main thread busy ${result.main.busyMicrosPerRecord} µs/record`,
    );
    await writeFile(path.join(profileDir, `${file}.txt`), profileText(result));
    return result;
  }
}

process.exitCode = await main();
