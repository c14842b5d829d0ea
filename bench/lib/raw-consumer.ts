/**
 * The raw sink: librdkafka's KafkaConsumer (@confluentinc/kafka-javascript) alone in one Node
 * process, appending every record's value as a line to a file, 1 MiB per write (as connectd's file
 * sink does), and committing the offsets it read at the end. The practical limit of this stack for
 * a sink, as raw-producer.ts is for a source.
 *
 * Run as a forked child. Protocol over IPC, as raw-producer.ts: child → {t:'ready'} once connected;
 * parent → {t:'go'}; child → {t:'done', …} once `expected` records are written and committed;
 * parent → {t:'bye'}; the child disconnects and exits.
 */
import { openSync, writeSync, closeSync, fsyncSync } from 'node:fs';
import kafka from '@confluentinc/kafka-javascript';
import { runForked } from './forked-contender.js';

export interface RawConsumerJob {
  bootstrapServers: string;
  topic: string;
  partitions: number;
  groupId: string;
  file: string;
  expected: number;
  /** Records per consume() call (Kafka's max.poll.records; connectd's default 500). */
  batch: number;
}

export interface RawConsumerResult {
  t: 'done';
  consumed: number;
}

const WRITE_THRESHOLD = 1024 * 1024;

function call<T>(fn: (cb: (err: unknown, value: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) =>
    fn((err, value) => (err ? reject(err instanceof Error ? err : new Error(JSON.stringify(err))) : resolve(value))),
  );
}

async function run(job: RawConsumerJob, ready: () => void, report: (result: RawConsumerResult) => void): Promise<void> {
  const consumer = new kafka.KafkaConsumer(
    { 'bootstrap.servers': job.bootstrapServers, 'group.id': job.groupId, 'enable.auto.commit': false, 'fetch.wait.max.ms': 100 },
    { 'auto.offset.reset': 'earliest' },
  );
  await call<unknown>((cb) => consumer.connect({ timeout: 30000 }, cb));
  consumer.setDefaultConsumeTimeout(200);
  // Return as soon as one message is there, with whatever else is ready (connectd's consumer does too).
  (consumer as unknown as { setDefaultIsTimeoutOnlyForFirstMessage(v: boolean): void }).setDefaultIsTimeoutOnlyForFirstMessage(true);
  const go = new Promise<void>((resolve) => process.once('message', () => resolve()));
  ready();
  await go;
  consumer.assign(Array.from({ length: job.partitions }, (_, partition) => ({ topic: job.topic, partition, offset: 0 })));
  const fd = openSync(job.file, 'a');
  const next = new Map<number, number>();
  let consumed = 0;
  let text = '';
  while (consumed < job.expected) {
    const messages = await call<kafka.Message[]>((cb) => consumer.consume(job.batch, cb));
    for (const m of messages) {
      text += `${m.value === null ? 'null' : m.value.toString('utf8')}\n`;
      next.set(m.partition, m.offset + 1);
    }
    consumed += messages.length;
    if (text.length >= WRITE_THRESHOLD) {
      writeSync(fd, text);
      text = '';
    }
  }
  writeSync(fd, text);
  fsyncSync(fd);
  closeSync(fd);
  consumer.commitSync([...next].map(([partition, offset]) => ({ topic: job.topic, partition, offset })));
  const bye = new Promise<void>((resolve) => process.once('message', () => resolve()));
  report({ t: 'done', consumed });
  await bye;
  await new Promise<void>((resolve) => consumer.disconnect(() => resolve()));
}

await runForked<RawConsumerJob, RawConsumerResult>('raw consumer', run);
