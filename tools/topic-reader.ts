/**
 * Reads a whole topic back with a real Kafka consumer (main thread), to count ground truth in tests,
 * the demo and benchmarks: what is in the topic, not what a component says it wrote.
 */
import kafka from '@confluentinc/kafka-javascript';

export interface ConsumedRecord {
  partition: number;
  offset: number;
  key: string | null;
  value: string | null;
  timestamp: number | undefined;
  headers: Record<string, string>;
}

export interface ReadTopicOptions {
  /** Stop once at least this many records were read and a fetch then came back empty… */
  expected?: number;
  /** …or once nothing new arrived for this long after the topic's end was reached. */
  idleMs?: number;
  timeoutMs?: number;
}

/** Reads `topic` from the beginning. */
export async function readTopic(bootstrapServers: string, topic: string, opts: ReadTopicOptions = {}): Promise<ConsumedRecord[]> {
  const consumer = new kafka.KafkaConsumer(
    {
      'bootstrap.servers': bootstrapServers,
      'group.id': `connectd-reader-${process.pid}-${Date.now()}-${Math.random()}`,
      'enable.auto.commit': false,
      'fetch.wait.max.ms': 100,
    },
    { 'auto.offset.reset': 'earliest' },
  );
  await new Promise<void>((resolve, reject) => consumer.connect({ timeout: 30000 }, (err) => (err ? reject(err) : resolve())));
  const records: ConsumedRecord[] = [];
  try {
    consumer.subscribe([topic]);
    const idleMs = opts.idleMs ?? 3000;
    const deadline = Date.now() + (opts.timeoutMs ?? 120000);
    let lastProgress = Date.now();
    while (Date.now() < deadline) {
      const batch = await new Promise<kafka.Message[]>((resolve, reject) => consumer.consume(5000, (err, messages) => (err ? reject(err) : resolve(messages))));
      if (batch.length > 0) lastProgress = Date.now();
      else if (opts.expected !== undefined ? records.length >= opts.expected : Date.now() - lastProgress > idleMs) break;
      for (const m of batch) {
        const headers: Record<string, string> = {};
        for (const h of m.headers ?? []) for (const [k, v] of Object.entries(h)) headers[k] = Buffer.isBuffer(v) ? v.toString('utf8') : String(v);
        records.push({
          partition: m.partition,
          offset: m.offset,
          key: m.key === undefined || m.key === null ? null : m.key.toString(),
          value: m.value === null ? null : m.value.toString('utf8'),
          timestamp: m.timestamp,
          headers,
        });
      }
    }
  } finally {
    await new Promise<void>((resolve) => consumer.disconnect(() => resolve()));
  }
  return records;
}
