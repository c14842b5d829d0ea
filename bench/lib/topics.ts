/**
 * Per-run topics and what is really in them: ground truth for the benchmark (records are counted
 * where they land, as Conduit benchi's METHODOLOGY.md does).
 */
import kafka from '@confluentinc/kafka-javascript';
import { readTopic } from '../../tools/topic-reader.js';

export interface TopicCount {
  records: number;
  distinctKeys: number;
  /** First and last record timestamps in the topic (ms since epoch). */
  firstTimestamp: number;
  lastTimestamp: number;
  /** Records per Kafka partition. */
  perPartition: number[];
  /** Records whose generator headers are missing or disagree with their key. */
  badHeaders: number;
}

/** Counts a topic with tools/topic-reader (every record read back), and checks keys and headers. */
export async function countTopic(bootstrapServers: string, topic: string): Promise<TopicCount> {
  const records = await readTopic(bootstrapServers, topic, { timeoutMs: 300000 });
  const keys = new Set<string>();
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  const perPartition: number[] = [];
  let badHeaders = 0;
  for (const r of records) {
    if (r.key !== null) keys.add(r.key);
    const ts = r.timestamp ?? Number.NaN;
    if (ts < first) first = ts;
    if (ts > last) last = ts;
    perPartition[r.partition] = (perPartition[r.partition] ?? 0) + 1;
    if (r.key !== `p${r.headers['generator.partition']}-${r.headers['generator.seq']}`) badHeaders++;
  }
  return {
    records: records.length,
    distinctKeys: keys.size,
    firstTimestamp: first,
    lastTimestamp: last,
    perPartition: Array.from(perPartition, (n) => n ?? 0),
    badHeaders,
  };
}

function call<T>(fn: (cb: (err: unknown, value: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) =>
    fn((err, value) => (err ? reject(err instanceof Error ? err : new Error(JSON.stringify(err))) : resolve(value))),
  );
}

export interface WatermarkCount {
  /** Σ (high − low watermark): every record stored, duplicates included. */
  records: number;
  perPartition: number[];
  /** The earliest timestamp among the first record of each partition: the topic's first record. */
  firstTimestamp: number;
}

/**
 * Counts a topic from its partitions' watermarks (exact for a topic with no transactions: the
 * idempotent producer writes no control records) and reads the first record of each partition for
 * the topic's first timestamp. Seconds cheaper than reading a million records back.
 */
export async function countByWatermarks(bootstrapServers: string, topic: string, partitions: number): Promise<WatermarkCount> {
  const consumer = new kafka.KafkaConsumer(
    { 'bootstrap.servers': bootstrapServers, 'group.id': 'bench-watermarks', 'enable.auto.commit': false, 'fetch.wait.max.ms': 10 },
    {},
  );
  await call<unknown>((cb) => consumer.connect({ timeout: 30000 }, cb));
  try {
    const perPartition: number[] = [];
    const assignments: kafka.Assignment[] = [];
    for (let partition = 0; partition < partitions; partition++) {
      const { lowOffset, highOffset } = await call<kafka.WatermarkOffsets>((cb) =>
        consumer.queryWatermarkOffsets(topic, partition, 10000, cb),
      );
      perPartition.push(highOffset - lowOffset);
      if (highOffset > lowOffset) assignments.push({ topic, partition, offset: lowOffset });
    }
    let firstTimestamp = Number.POSITIVE_INFINITY;
    const waiting = new Set(assignments.map((a) => a.partition));
    consumer.assign(assignments);
    const deadline = Date.now() + 30000;
    while (waiting.size > 0) {
      if (Date.now() > deadline) throw new Error(`reading the first records of ${topic}: timed out`);
      const batch = await call<kafka.Message[]>((cb) => consumer.consume(100, cb));
      for (const m of batch) {
        if (!waiting.delete(m.partition)) continue;
        if (m.timestamp !== undefined && m.timestamp < firstTimestamp) firstTimestamp = m.timestamp;
        if (waiting.size === 0) break;
      }
      if (waiting.size > 0 && batch.length > 0) {
        // Partitions already read need not be fetched again.
        consumer.unassign();
        consumer.assign(assignments.filter((a) => waiting.has(a.partition)));
      }
    }
    return { records: perPartition.reduce((a, b) => a + b, 0), perPartition, firstTimestamp };
  } finally {
    await new Promise<void>((resolve) => consumer.disconnect(() => resolve()));
  }
}

export interface WatermarkReader {
  /** Σ high watermarks of the topic's partitions now: the records stored so far in a fresh topic. */
  read(): Promise<number>;
  close(): Promise<void>;
}

/** How long a partition's watermark query may keep failing before a progress read fails the run. */
const WATERMARK_FAILURE_MAX_MS = 30_000;

/**
 * Polls a topic's high watermarks with one connected client: how the harness watches a contender
 * it cannot ask (Kafka Connect, ProducerPerformance), counting what is in the topic, not what the
 * contender says it wrote.
 */
export async function openWatermarkReader(bootstrapServers: string, topic: string, partitions: number): Promise<WatermarkReader> {
  const consumer = new kafka.KafkaConsumer(
    { 'bootstrap.servers': bootstrapServers, 'group.id': 'bench-progress', 'enable.auto.commit': false, log_level: 0 },
    {},
  );
  await call<unknown>((cb) => consumer.connect({ timeout: 30000 }, cb));
  // A query can fail while a fresh topic's partitions are still being loaded by the broker (Not
  // leader for partition, although the metadata already names the leader): that partition's last
  // known watermark stands until a query answers, for up to WATERMARK_FAILURE_MAX_MS.
  const highs = new Array<number>(partitions).fill(0);
  const failingSince = new Array<number | undefined>(partitions).fill(undefined);
  return {
    read: async () => {
      await Promise.all(
        highs.map(async (_, partition) => {
          try {
            highs[partition] = (
              await call<kafka.WatermarkOffsets>((cb) => consumer.queryWatermarkOffsets(topic, partition, 10000, cb))
            ).highOffset;
            failingSince[partition] = undefined;
          } catch (err) {
            const since = (failingSince[partition] ??= Date.now());
            if (Date.now() - since > WATERMARK_FAILURE_MAX_MS)
              throw new Error(`watermarks of ${topic}-${partition}: failing for ${Date.now() - since} ms: ${(err as Error).message}`, {
                cause: err,
              });
          }
        }),
      );
      return highs.reduce((sum, high) => sum + high, 0);
    },
    close: () => new Promise<void>((resolve) => consumer.disconnect(() => resolve())),
  };
}

/** Deletes a run's topic so that a long bench does not fill the disk (best effort). */
export async function deleteTopic(bootstrapServers: string, topic: string): Promise<void> {
  const admin = kafka.AdminClient.create({ 'bootstrap.servers': bootstrapServers, log_level: 0 });
  try {
    await new Promise<void>((resolve) => admin.deleteTopic(topic, 30000, () => resolve()));
  } finally {
    admin.disconnect();
  }
}

export interface LatencyConsumer {
  /** Resolves once `expected` records were received; latencies in ms (receive − record timestamp), in arrival order. */
  readonly done: Promise<{ latencies: Int32Array; receivedAt: Float64Array }>;
  close(): Promise<void>;
}

/**
 * A consumer that runs while the contender produces and notes, per record, the time it arrived
 * minus its CreateTime (set by librdkafka at produce()). It reads all partitions from offset 0 of a
 * fresh topic, with no consumer group, returning each batch as soon as its first record is there.
 */
export async function startLatencyConsumer(
  bootstrapServers: string,
  topic: string,
  partitions: number,
  expected: number,
): Promise<LatencyConsumer> {
  const consumer = new kafka.KafkaConsumer(
    {
      'bootstrap.servers': bootstrapServers,
      'group.id': 'bench-latency',
      'enable.auto.commit': false,
      'fetch.wait.max.ms': 100,
      'fetch.min.bytes': 1,
    },
    { 'auto.offset.reset': 'earliest' },
  );
  await new Promise<void>((resolve, reject) =>
    consumer.connect({ timeout: 30000 }, (err) => (err ? reject(new Error(err.message)) : resolve())),
  );
  consumer.setDefaultConsumeTimeout(100);
  // Return a batch as soon as its first record is there (the binding marks this setter private).
  (consumer as unknown as { setDefaultIsTimeoutOnlyForFirstMessage(v: boolean): void }).setDefaultIsTimeoutOnlyForFirstMessage(true);
  consumer.assign(Array.from({ length: partitions }, (_, partition) => ({ topic, partition, offset: 0 })));
  const latencies = new Int32Array(expected);
  const receivedAt = new Float64Array(expected);
  let n = 0;
  let closed = false;
  const done = new Promise<{ latencies: Int32Array; receivedAt: Float64Array }>((resolve, reject) => {
    const loop = (): void => {
      if (closed) return;
      consumer.consume(1000, (err, messages) => {
        if (err) {
          reject(new Error(`latency consumer: ${err.message}`));
          return;
        }
        const now = Date.now();
        for (const m of messages) {
          if (n >= expected) break;
          latencies[n] = now - (m.timestamp ?? now);
          receivedAt[n++] = now;
        }
        if (n >= expected) resolve({ latencies, receivedAt });
        else setImmediate(loop);
      });
    };
    loop();
  });
  return {
    done,
    close: async () => {
      closed = true;
      await new Promise<void>((resolve) => consumer.disconnect(() => resolve()));
    },
  };
}

export interface GeneratorAudit {
  /** Records read (every offset from each partition's low to its high watermark). */
  records: number;
  /** Distinct generator records (`p<stream>-<seq>` keys within the plan). */
  distinct: number;
  /** Records whose key was already seen: duplicates. */
  duplicates: number;
  /** Planned records not found. */
  missing: number;
  /** Records whose key is not one of the plan's. */
  unexpected: number;
}

/**
 * Reads a generator run's topic back, keys only, streaming: each planned record (`p<stream>-<seq>`,
 * seq below `perStream`) is marked in one bitmap per stream, so tens of millions of records are
 * checked for loss and duplicates in a few MiB, where readTopic would hold them all.
 */
export async function auditGeneratorTopic(
  bootstrapServers: string,
  topic: string,
  streams: number,
  perStream: number,
  timeoutMs: number,
): Promise<GeneratorAudit> {
  const seen = Array.from({ length: streams }, () => new Uint8Array(Math.ceil(perStream / 8)));
  const consumer = new kafka.KafkaConsumer(
    {
      'bootstrap.servers': bootstrapServers,
      'group.id': `bench-audit-${process.pid}`,
      'enable.auto.commit': false,
      'fetch.wait.max.ms': 100,
      log_level: 0,
    },
    { 'auto.offset.reset': 'earliest' },
  );
  await call<unknown>((cb) => consumer.connect({ timeout: 30000 }, cb));
  (consumer as unknown as { setDefaultIsTimeoutOnlyForFirstMessage(v: boolean): void }).setDefaultIsTimeoutOnlyForFirstMessage(true);
  const out: GeneratorAudit = { records: 0, distinct: 0, duplicates: 0, missing: 0, unexpected: 0 };
  try {
    const metadata = await call<kafka.Metadata>((cb) => consumer.getMetadata({ topic, timeout: 10000 }, cb));
    const partitions = metadata.topics.find((t) => t.name === topic)?.partitions.map((p) => p.id) ?? [];
    const remaining = new Map<number, number>();
    const assignments: kafka.Assignment[] = [];
    for (const partition of partitions) {
      const { lowOffset, highOffset } = await call<kafka.WatermarkOffsets>((cb) =>
        consumer.queryWatermarkOffsets(topic, partition, 10000, cb),
      );
      if (highOffset > lowOffset) {
        remaining.set(partition, highOffset);
        assignments.push({ topic, partition, offset: lowOffset });
      }
    }
    if (assignments.length > 0) consumer.assign(assignments);
    const deadline = Date.now() + timeoutMs;
    while (remaining.size > 0) {
      if (Date.now() > deadline)
        throw new Error(
          `auditing ${topic}: timed out after ${out.records} records, partitions ${[...remaining.keys()].join(',')} unfinished`,
        );
      const batch = await call<kafka.Message[]>((cb) => consumer.consume(10000, cb));
      for (const m of batch) {
        out.records++;
        const key = m.key === undefined || m.key === null ? '' : m.key.toString('latin1');
        const dash = key.indexOf('-');
        const stream = key.startsWith('p') && dash > 1 ? Number(key.slice(1, dash)) : Number.NaN;
        const seq = dash > 0 ? Number(key.slice(dash + 1)) : Number.NaN;
        if (!Number.isInteger(stream) || !Number.isInteger(seq) || stream < 0 || stream >= streams || seq < 0 || seq >= perStream)
          out.unexpected++;
        else {
          const bits = seen[stream]!;
          const bit = 1 << (seq & 7);
          const byte = bits[seq >> 3]!;
          if ((byte & bit) !== 0) out.duplicates++;
          else {
            bits[seq >> 3] = byte | bit;
            out.distinct++;
          }
        }
        const end = remaining.get(m.partition);
        if (end !== undefined && m.offset + 1 >= end) remaining.delete(m.partition);
      }
    }
  } finally {
    await new Promise<void>((resolve) => consumer.disconnect(() => resolve()));
  }
  out.missing = streams * perStream - out.distinct;
  return out;
}
