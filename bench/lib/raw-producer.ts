/**
 * The raw contender: librdkafka's producer (@confluentinc/kafka-javascript, node-rdkafka API) in one
 * Node process, producing the generator's records with connectd's producer defaults, delivery
 * reports on and polled on librdkafka's background thread (as connectd's SourceProducer does).
 *
 * Run as a forked child (its own process, so its CPU and RSS are its own). Protocol over IPC:
 * child → {t:'ready'} once connected; parent → {t:'go'}; child → {t:'done', …} once every record was
 * acknowledged; parent → {t:'bye'} once it sampled CPU and RSS; the child disconnects and exits.
 *
 * It builds each record when it produces it (as any application would; connectd builds them in
 * worker threads), yields to the event loop every `chunk` records so delivery reports are dispatched,
 * and on QUEUE_FULL waits for the next delivery report (or 10 ms), like SourceProducer.
 */
import { setImmediate as yieldToEventLoop, setTimeout as sleep } from 'node:timers/promises';
import kafka from '@confluentinc/kafka-javascript';
import { runForked } from './forked-contender.js';
import type { LibrdKafkaError } from '@confluentinc/kafka-javascript';
import { CONNECTD_PRODUCER_DEFAULTS } from './producer-settings.js';
import { RecordCursor, plannedTotal, streamsOfTasks } from './generator-records.js';
import { percentileSorted } from './stats.js';
import type { GeneratedRecord, RecordPlan } from './generator-records.js';

export interface RawProducerJob {
  bootstrapServers: string;
  topic: string;
  plan: RecordPlan;
  /** Records produced between two yields to the event loop (connectd: one batch per message). */
  chunk: number;
  /** Paced mode (latency): `tasks` loops each sleeping `intervalMs` then producing `batchSize` records, as generator tasks with `poll.interval.ms` do. */
  pace?: { tasks: number; intervalMs: number; batchSize: number };
  /**
   * Note each record's produce() → delivery report time (ms; records produced in the first
   * `ackLatencyWarmupMs` left out). Costs an opaque per record, so only for latency runs.
   */
  ackLatency?: boolean;
  ackLatencyWarmupMs?: number;
}

export interface RawProducerResult {
  t: 'done';
  acked: number;
  failed: number;
  /** Wall clock (ms since epoch) of the first produce() and of the last delivery report. */
  firstProduceAt: number;
  lastAckAt: number;
  queueFullEvents: number;
  /** Ack latency percentiles (ms) when asked for. */
  ack?: { records: number; p50: number; p90: number; p99: number; p999: number; max: number };
}

const QUEUE_FULL = kafka.CODES.ERRORS.ERR__QUEUE_FULL;

async function run(job: RawProducerJob, ready: () => void, report: (result: RawProducerResult) => void): Promise<void> {
  const total = plannedTotal(job.plan);
  const producer = new kafka.Producer({
    ...CONNECTD_PRODUCER_DEFAULTS,
    'client.id': 'bench-raw',
    'bootstrap.servers': job.bootstrapServers,
    dr_cb: true,
  });
  let acked = 0;
  let failed = 0;
  let lastAckAt = 0;
  let queueFullEvents = 0;
  let onAck: (() => void) | undefined;
  const ackLatencies: number[] = [];
  let measureFrom = Number.POSITIVE_INFINITY;
  let allAcked!: () => void;
  const done = new Promise<void>((resolve) => (allAcked = resolve));
  producer.on('delivery-report', (err, report) => {
    if (err) failed++;
    else acked++;
    if (typeof report.opaque === 'number' && report.opaque >= measureFrom) ackLatencies.push(performance.now() - report.opaque);
    if (acked + failed === total) {
      lastAckAt = Date.now();
      allAcked();
    }
    if (onAck !== undefined) {
      const wake = onAck;
      onAck = undefined;
      wake();
    }
  });
  await new Promise<void>((resolve, reject) =>
    producer.connect({ timeout: 30000 }, (err) => (err ? reject(new Error(err.message)) : resolve())),
  );
  producer.setPollInBackground(true);

  const queueFreed = (): Promise<void> =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 10);
      onAck = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  const produceOne = async (record: GeneratedRecord): Promise<void> => {
    for (;;) {
      try {
        producer.produce(
          job.topic,
          null,
          record.value,
          record.key,
          undefined,
          job.ackLatency === true ? performance.now() : undefined,
          record.headers,
        );
        return;
      } catch (err) {
        if ((err as LibrdKafkaError).code !== QUEUE_FULL) throw err;
        queueFullEvents++;
        await queueFreed();
      }
    }
  };

  const go = new Promise<void>((resolve) => process.once('message', () => resolve()));
  ready();
  await go;
  const firstProduceAt = Date.now();
  measureFrom = performance.now() + (job.ackLatencyWarmupMs ?? 0);
  if (job.pace === undefined) {
    const cursor = new RecordCursor(job.plan, streamsOfTasks(job.plan, 1)[0]!);
    let record = cursor.next();
    while (record !== null) {
      for (let n = 0; record !== null && n < job.chunk; n++) {
        await produceOne(record);
        record = cursor.next();
      }
      await yieldToEventLoop();
    }
  } else {
    const { tasks, intervalMs, batchSize } = job.pace;
    await Promise.all(
      streamsOfTasks(job.plan, tasks).map(async (streams) => {
        const cursor = new RecordCursor(job.plan, streams);
        let record = cursor.next();
        while (record !== null) {
          await sleep(intervalMs);
          for (let n = 0; record !== null && n < batchSize; n++) {
            await produceOne(record);
            record = cursor.next();
          }
        }
      }),
    );
  }
  await done;
  // The parent samples CPU and peak RSS now; it answers when it has, and only then do we disconnect.
  const bye = new Promise<void>((resolve) => process.once('message', () => resolve()));
  const result: RawProducerResult = { t: 'done', acked, failed, firstProduceAt, lastAckAt, queueFullEvents };
  if (job.ackLatency === true) {
    const sorted = Float64Array.from(ackLatencies).sort();
    const at = (p: number): number => Math.round(percentileSorted(sorted, p) * 10) / 10;
    result.ack = { records: sorted.length, p50: at(50), p90: at(90), p99: at(99), p999: at(99.9), max: at(100) };
  }
  report(result);
  await bye;
  await new Promise<void>((resolve) => producer.disconnect(10000, () => resolve()));
}

await runForked<RawProducerJob, RawProducerResult>('raw producer', run);
