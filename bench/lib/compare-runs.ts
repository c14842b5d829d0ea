/**
 * One run of one contender in one scenario, counted where its records land (the topic, or the sink's
 * file and its group's committed offsets), as a {@link Row}. (The idle runs: compare-idle.ts.)
 * A {@link CompareRuns} keeps what the runs of one benchmark share: the broker, the work folder, the
 * file and sink scenarios' inputs (made once), and Kafka Connect's client settings as its log shows
 * them (for the results).
 */
import { createWriteStream } from 'node:fs';
import { mkdir, readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { KafkaCluster } from '../../tools/kafka/cluster.js';
import { readTopic } from '../../tools/topic-reader.js';
import { writeTopic } from '../../tools/topic-writer.js';
import { generatedValue } from '../../src/worker-thread/connectors/generator/generator-source-connector.js';
import { COMMON_WORKER, JSON_CONNECTOR, PARTITIONS, SOURCE_PARTITIONS, WARMUP_SHARE } from './compare-options.js';
import type { CompareOptions } from './compare-options.js';
import { runConnectd, runPerf, runRaw, runRawSink } from './contenders.js';
import type { RunOptions, RunWindow } from './contenders.js';
import { plannedTotal, SEED } from './generator-records.js';
import type { RecordPlan } from './generator-records.js';
import { brokerPid, freshTopic, log, perMillion } from './harness.js';
import type { Disturbable } from './harness.js';
import { loggedClientSettings } from './java-contenders.js';
import { runPipeline } from './pipelines.js';
import type { PipelineWindow, Progress, WorkerFamily } from './pipelines.js';
import type { CpuSample, ForeignLoad } from './proc-stats.js';
import type { Contender, Family, Kind, Scenario } from './scenarios.js';
import { round } from './stats.js';
import { countByWatermarks, countTopic, deleteTopic } from './topics.js';

export interface Row extends Disturbable {
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

export interface Window {
  records: number;
  wallMs: number;
  firstAt: number;
  lastAt: number;
  cpu: CpuSample;
  brokerCpu: CpuSample;
  foreign: ForeignLoad;
  peakRssMiB: number;
}

export class CompareRuns {
  readonly #inputFiles = new Map<string, string>();
  readonly #sinkTopics = new Map<number, { topic: string; perPartition: number[] }>();
  /** Kafka Connect's producer and consumer settings, read from its log at its first run of each. */
  kafkaConnectSettings: Record<string, Record<string, string>> = {};
  #runSeq = 0;
  readonly cluster: KafkaCluster;
  readonly work: string;
  readonly o: CompareOptions;

  constructor(cluster: KafkaCluster, work: string, o: CompareOptions) {
    this.cluster = cluster;
    this.work = work;
    this.o = o;
  }

  /** The input of the file scenarios: `records` lines, line i = generatedValue(0, i) of `size` bytes. */
  async #inputFile(size: number, records: number): Promise<string> {
    const { work } = this;
    const existing = this.#inputFiles.get(`${size}/${records}`);
    if (existing !== undefined) return existing;
    const file = path.join(work, `input-${size}b-${records}.txt`);
    const out = createWriteStream(file);
    for (let i = 0; i < records;) {
      const chunk: string[] = [];
      for (let j = 0; j < 10000 && i < records; j++, i++) chunk.push(generatedValue(0, i, SEED, size));
      if (!out.write(chunk.join('\n') + '\n')) await new Promise<void>((r) => out.once('drain', () => r()));
    }
    await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
    this.#inputFiles.set(`${size}/${records}`, file);
    return file;
  }

  /** The sink scenarios' topic: `records` generator values (line i's) spread round robin over the partitions. */
  async #sinkTopic(size: number, records: number): Promise<{ topic: string; perPartition: number[] }> {
    const { cluster } = this;
    const existing = this.#sinkTopics.get(size);
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
    log(
      `sink input: ${records.toLocaleString('en')} records of ${size} B in ${topic} (${round((performance.now() - started) / 1000, 1)} s)`,
    );
    const t = { topic, perPartition: count.perPartition };
    this.#sinkTopics.set(size, t);
    return t;
  }

  /** A producing contender (raw, perf, connectd generator) into a fresh topic; counted there. */
  async generatorRun(s: Scenario, c: Contender, roundNo: number): Promise<Row> {
    const { cluster, work, o } = this;
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
      worker: o.workerOverrides,
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
  #pipeline(
    s: Scenario,
    family: WorkerFamily,
    dir: string,
    connector: Record<string, string>,
    progress: Progress,
    nodeArgs?: string[],
  ): Promise<PipelineWindow> {
    const { cluster, o } = this;
    return runPipeline({
      family,
      dir,
      bootstrapServers: cluster.bootstrapServers,
      brokerPid: brokerPid(cluster),
      worker: COMMON_WORKER,
      connectdWorker: o.workerOverrides,
      connectors: [connector],
      total: s.records,
      from: Math.round(s.records * WARMUP_SHARE),
      progress,
      ...(nodeArgs === undefined ? {} : { nodeArgs }),
    });
  }

  /** connectd or Kafka Connect running FileStreamSource on the scenario's input file into a fresh topic. */
  async fileSourceRun(s: Scenario, c: Contender, roundNo: number, nodeArgs?: string[]): Promise<Row & { window: PipelineWindow }> {
    const { cluster, work } = this;
    const file = await this.#inputFile(s.size, s.records);
    const topic = await freshTopic(cluster, `${s.id}-${c.name}`, PARTITIONS);
    const dir = path.join(work, topic);
    const json = s.kind === 'json-file';
    const family = c.family as WorkerFamily;
    const connector = {
      name: `file-source-${this.#runSeq++}`,
      'connector.class': 'FileStreamSource',
      'tasks.max': '1',
      file,
      topic,
      ...(json ? JSON_CONNECTOR : {}),
    };
    const w = await this.#pipeline(s, family, dir, connector, { topic, partitions: PARTITIONS }, nodeArgs);
    if (family === 'kafka-connect' && this.kafkaConnectSettings.producer === undefined) {
      this.kafkaConnectSettings = {
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
  async sinkRun(s: Scenario, c: Contender, roundNo: number, nodeArgs?: string[]): Promise<Row> {
    const { cluster, work } = this;
    const input = await this.#sinkTopic(s.size, s.records);
    const name = `file-sink-${this.#runSeq++}`;
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
        : await this.#pipeline(
            s,
            family,
            dir,
            { name, 'connector.class': 'FileStreamSink', 'tasks.max': '1', file, topics: input.topic },
            { file, lineBytes: s.size + 1 },
            nodeArgs,
          );
    if (family === 'kafka-connect' && this.kafkaConnectSettings.consumer === undefined) {
      this.kafkaConnectSettings.consumer = await loggedClientSettings(dir, 'ConsumerConfig', [
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

  async runOnce(s: Scenario, c: Contender, roundNo: number): Promise<Row> {
    let row: Row;
    try {
      if (s.kind === 'generator' || s.kind === 'json-generator') row = await this.generatorRun(s, c, roundNo);
      else if (s.kind === 'sink') row = await this.sinkRun(s, c, roundNo);
      else {
        const { window: _w, ...r } = await this.fileSourceRun(s, c, roundNo);
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

export function rowFrom(
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
