/**
 * Reads a whole topic back with a real Kafka consumer (main thread), to count ground truth in tests,
 * the demo and benchmarks: what is in the topic, not what a component says it wrote.
 *
 * It reads every partition from its low to its high watermark as they stand when the call starts
 * (assigned directly, no consumer group), so the answer is exact once the writers have stopped.
 */
import kafka from '@confluentinc/kafka-javascript';

export interface ConsumedRecord {
  partition: number;
  offset: number;
  key: string | null;
  value: string | null;
  /** The value's bytes as they are in the topic (binary formats: Avro's wire format, …). */
  valueBytes: Buffer | null;
  timestamp: number | undefined;
  headers: Record<string, string>;
}

function call<T>(fn: (cb: (err: unknown, value: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) =>
    fn((err, value) => (err ? reject(err instanceof Error ? err : new Error(JSON.stringify(err))) : resolve(value))),
  );
}

/** Reads all of `topic` as it stands now. */
export async function readTopic(bootstrapServers: string, topic: string, opts: { timeoutMs?: number } = {}): Promise<ConsumedRecord[]> {
  const consumer = new kafka.KafkaConsumer(
    {
      'bootstrap.servers': bootstrapServers,
      'group.id': `connectd-reader-${process.pid}`,
      'enable.auto.commit': false,
      'fetch.wait.max.ms': 100,
    },
    // Should retention move a partition's start while reading, go to its new start, not its end.
    { 'auto.offset.reset': 'earliest' },
  );
  await call<unknown>((cb) => consumer.connect({ timeout: 30000 }, cb));
  // Return a batch as soon as the queue is empty: otherwise a topic that keeps receiving records
  // slowly holds each consume call open until it has 10000 of them.
  (consumer as unknown as { setDefaultIsTimeoutOnlyForFirstMessage(v: boolean): void }).setDefaultIsTimeoutOnlyForFirstMessage(true);
  const records: ConsumedRecord[] = [];
  try {
    const metadata = await call<kafka.Metadata>((cb) => consumer.getMetadata({ topic, timeout: 10000 }, cb));
    const partitions = metadata.topics.find((t) => t.name === topic)?.partitions.map((p) => p.id) ?? [];
    if (partitions.length === 0) throw new Error(`topic ${topic} not found`);
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
    if (assignments.length === 0) return records;
    consumer.assign(assignments);
    const deadline = Date.now() + (opts.timeoutMs ?? 120000);
    while (remaining.size > 0) {
      if (Date.now() > deadline)
        throw new Error(`reading ${topic}: timed out with partitions ${[...remaining.keys()].join(',')} unfinished`);
      const batch = await call<kafka.Message[]>((cb) => consumer.consume(10000, cb));
      for (const m of batch) {
        const headers: Record<string, string> = {};
        for (const h of m.headers ?? [])
          for (const [k, v] of Object.entries(h)) headers[k] = Buffer.isBuffer(v) ? v.toString('utf8') : String(v);
        records.push({
          partition: m.partition,
          offset: m.offset,
          key: m.key === undefined || m.key === null ? null : m.key.toString(),
          value: m.value === null ? null : m.value.toString('utf8'),
          valueBytes: m.value,
          timestamp: m.timestamp,
          headers,
        });
        const end = remaining.get(m.partition);
        if (end !== undefined && m.offset + 1 >= end) remaining.delete(m.partition);
      }
    }
  } finally {
    await new Promise<void>((resolve) => consumer.disconnect(() => resolve()));
  }
  return records;
}
