/**
 * Writes records into a topic with a real Kafka producer (main thread), for tests and benchmarks
 * that need a topic's content to be exactly known: every record is acknowledged (acks=all,
 * idempotent) before `writeTopic` resolves, in order per partition.
 */
import kafka from '@confluentinc/kafka-javascript';

export interface RecordToWrite {
  partition?: number | null;
  key?: string | Buffer | null;
  value: string | Buffer | null;
  headers?: Record<string, string>;
  timestamp?: number;
}

/** `producerConfig`: librdkafka settings over the defaults (a larger `message.max.bytes`, a small `batch.num.messages`…). */
export async function writeTopic(
  bootstrapServers: string,
  topic: string,
  records: readonly RecordToWrite[],
  producerConfig: Record<string, string | number | boolean> = {},
): Promise<void> {
  const producer = new kafka.Producer({
    'bootstrap.servers': bootstrapServers,
    'enable.idempotence': true,
    'linger.ms': 5,
    dr_cb: true,
    'queue.buffering.max.messages': 1_000_000,
    ...producerConfig,
  });
  await new Promise<void>((resolve, reject) =>
    producer.connect({ timeout: 30000 }, (err) => (err ? reject(new Error(err.message)) : resolve())),
  );
  producer.setPollInBackground(true);
  let pending = records.length;
  let failure: Error | undefined;
  const done = new Promise<void>((resolve) => {
    if (pending === 0) resolve();
    producer.on('delivery-report', (err) => {
      if (err) failure ??= new Error(`delivery failed: ${err.message}`);
      if (--pending === 0) resolve();
    });
  });
  for (const r of records) {
    const headers = r.headers === undefined ? undefined : Object.entries(r.headers).map(([k, v]) => ({ [k]: v }));
    for (;;) {
      try {
        producer.produce(
          topic,
          r.partition ?? null,
          r.value === null ? null : Buffer.from(r.value),
          r.key === undefined || r.key === null ? null : Buffer.from(r.key),
          r.timestamp ?? null,
          undefined,
          headers,
        );
        break;
      } catch (err) {
        if ((err as { code?: number }).code !== kafka.CODES.ERRORS.ERR__QUEUE_FULL) throw err;
        await new Promise((res) => setTimeout(res, 20));
      }
    }
  }
  await done;
  await new Promise<void>((resolve) => producer.disconnect(() => resolve()));
  if (failure !== undefined) throw failure;
}
