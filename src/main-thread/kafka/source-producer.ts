/**
 * The supervisor's producer for source records: hands each record of a batch to librdkafka and
 * routes delivery reports back to the batch's owner.
 *
 * Backpressure: librdkafka's queue full (QUEUE_FULL) is handled on ONE serialized path. Batches wait
 * in a FIFO; only the head is produced; on QUEUE_FULL the drain stops and resumes after delivery
 * reports have freed space. Nothing is dropped, nothing retries concurrently, nothing spins, and
 * records of one task reach librdkafka in the order they were polled.
 *
 * Two ways to hand records over, the same guarantees: with a binding that has the native batch
 * methods (patches/kafka-javascript-batch-produce.patch), a batch goes to librdkafka in one call
 * and its delivery reports come back many per call as typed arrays; without them, one produce()
 * and one delivery-report event per record. Design: docs/design/2026-11-26-native-batch-produce.md.
 */
import { CODES, Producer } from './binding.js';
import type { DeliveryReport, LibrdKafkaError, ProducerGlobalConfig } from './binding.js';
import type { KafkaClientHealth } from './client-health.js';
import { nativeBatchOf } from './native-batch.js';
import type { NativeBatchProducer } from './native-batch.js';
import { DROPPED_PARTITION, MAX_BATCH_RECORDS, RecordBatchReader, assertRecordBatch } from '../../shared/record-batch.js';
import { LAYOUT_OPAQUE_FIELD, LAYOUT_RECORD_FIELDS, RecordBatchLayout } from './record-batch-layout.js';
import type { SubmittedBatch } from '../runtime/submitted-records.js';

/** Receives the fate of each record it submitted. */
export interface DeliveryTarget {
  onDelivered(batch: SubmittedBatch, index: number, partition: number, offset: number): void;
  /** A record a transform dropped: not produced, its offset counts as acknowledged. */
  onDropped(batch: SubmittedBatch, index: number): void;
  /** `topic`: the record's, when the failure says (a delivery report of the native path does not). */
  onDeliveryFailed(batch: SubmittedBatch, index: number, error: Error, topic?: string): void;
}

/**
 * A record is addressed in the delivery report's opaque as `slot * 2^16 + index`: the slot of its
 * batch among those in flight (reused as batches complete) and its index in the batch. Both are
 * bounded so the opaque stays a small integer (V8 Smi): a growing sequence number would box one
 * heap number per record, kept alive until its ack.
 */
const INDEX_BITS = 16;
const INDEX_MASK = (1 << INDEX_BITS) - 1;
const MAX_SLOTS = 1 << 15;

interface PendingBatch {
  target: DeliveryTarget;
  batch: SubmittedBatch;
  topics: readonly string[];
  buffer: ArrayBuffer;
  /** Per-record path: the batch's reader, made when the batch is first produced. */
  reader: RecordBatchReader | undefined;
  /** The reader's current record was read but not yet accepted by librdkafka. */
  holding: boolean;
  /** Native path: laid out (once it became the head), and the next layout row to produce. */
  laidOut: boolean;
  nextRow: number;
  /** The batch's in-flight slot, taken when its first record is produced; -1 before. */
  slot: number;
  /** When submit() took it (ms since the epoch): how long its records wait for Kafka. */
  submittedAt: number;
}

interface InFlight {
  target: DeliveryTarget;
  batch: SubmittedBatch;
  remaining: number;
  submittedAt: number;
}

/** What a producer holds that Kafka has not acknowledged yet: see SourceProducer.unacknowledged. */
export interface UnacknowledgedRecords {
  records: number;
  /** How long the oldest of them has waited (ms); 0 when there is none. */
  oldestMs: number;
}

const QUEUE_FULL_RETRY_MS = 10;

/** What connectd reads from librdkafka's statistics (`statistics.interval.ms`). */
export interface ProducerStatistics {
  /** Messages and bytes in librdkafka's queues (not yet acknowledged). */
  queueMessages: number;
  queueBytes: number;
  /** Totals sent to brokers (including retries). */
  txMessages: number;
  txBytes: number;
  /** Per broker: average round-trip time in seconds over the last window. */
  brokerRtt: Map<string, number>;
}

export class SourceProducer {
  readonly #producer: InstanceType<typeof Producer>;
  /** The binding's batch methods, or undefined: the per-record path. */
  readonly #native: NativeBatchProducer | undefined;
  readonly #layout = new RecordBatchLayout();
  readonly #produceResult = new Int32Array(1);
  readonly #queue: PendingBatch[] = [];
  /** In-flight batches by slot; freed slots are reused. */
  readonly #slots: (InFlight | undefined)[] = [];
  readonly #freeSlots: number[] = [];
  #blocked = false;
  #retryTimer: NodeJS.Timeout | undefined;
  #draining = false;
  /** Times produce() answered QUEUE_FULL: each one paused the drain once. */
  queueFullEvents = 0;
  /** The latest librdkafka statistics, or undefined before the first report. */
  statistics: ProducerStatistics | undefined;
  readonly name: string;
  readonly #unwatch: () => void;

  /**
   * `nativeBatch: false` keeps the per-record path even with a patched binding; `health` follows
   * the client's errors (logged once per state change, counted, reflected in /health).
   */
  constructor(name: string, config: ProducerGlobalConfig, options: { nativeBatch?: boolean; health?: KafkaClientHealth } = {}) {
    this.name = name;
    this.#producer = new Producer({ 'statistics.interval.ms': 5000, ...config, dr_cb: true });
    this.#unwatch = options.health?.watch(this.#producer, String(config['client.id'] ?? name), 'source producer') ?? (() => undefined);
    this.#producer.on('delivery-report', (err, report) => this.#onDeliveryReport(err, report));
    this.#native = options.nativeBatch === false ? undefined : nativeBatchOf(this.#producer);
    this.#native?.setDeliveryBatchCallback((opaques, errors, partitions, offsets) =>
      this.#onDeliveryBatch(opaques, errors, partitions, offsets),
    );
    this.#producer.on('event.stats', (event: unknown) => {
      const text = typeof event === 'string' ? event : (event as { message?: string }).message;
      if (text !== undefined) this.statistics = parseStatistics(text);
    });
  }

  connect(timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#producer.connect({ timeout: timeoutMs }, (err) => {
        if (err) reject(new Error(`producer could not connect: ${err.message}`));
        else {
          // Delivery reports are polled on librdkafka's background thread, not by JS timers.
          this.#producer.setPollInBackground(true);
          resolve();
        }
      });
    });
  }

  /**
   * Records submitted and not settled yet (no delivery report, not refused, not dropped), queued
   * here or in librdkafka, and the age of the oldest. A producer that stopped delivering (issue
   * 13: after a broker outage, records queued and none acknowledged, while librdkafka reported
   * nothing) shows here as an age that only grows: the worker's /health and
   * `connectd_producer_oldest_unacknowledged_seconds` read it.
   */
  unacknowledged(now = Date.now()): UnacknowledgedRecords {
    let records = 0;
    let oldest = Number.POSITIVE_INFINITY;
    for (const inFlight of this.#slots) {
      if (inFlight === undefined) continue;
      records += inFlight.remaining;
      oldest = Math.min(oldest, inFlight.submittedAt);
    }
    // Batches with a slot are counted above (the head keeps its slot across QUEUE_FULL pauses).
    for (const pending of this.#queue) {
      if (pending.slot >= 0) continue;
      records += pending.batch.count;
      oldest = Math.min(oldest, pending.submittedAt);
    }
    return { records, oldestMs: records === 0 ? 0 : Math.max(0, now - oldest) };
  }

  /** True when batches go to librdkafka through the binding's native batch methods. */
  get nativeBatch(): boolean {
    return this.#native !== undefined;
  }

  /** Records in librdkafka or waiting for it, across all tasks. */
  get queuedBatches(): number {
    return this.#queue.length;
  }

  submit(target: DeliveryTarget, batch: SubmittedBatch, topics: readonly string[], buffer: ArrayBuffer): void {
    if (batch.count > MAX_BATCH_RECORDS) throw new RangeError(`a batch holds at most ${MAX_BATCH_RECORDS} records`);
    // A malformed batch is refused here, to its task, not later in a drain on a timer.
    assertRecordBatch(buffer);
    this.#queue.push({
      target,
      batch,
      topics,
      buffer,
      reader: undefined,
      holding: false,
      laidOut: false,
      nextRow: 0,
      slot: -1,
      submittedAt: Date.now(),
    });
    if (!this.#blocked) this.#drain();
  }

  /** A free in-flight slot for `pending`, or false when all are taken (the drain then waits). */
  #takeSlot(pending: PendingBatch): boolean {
    const slot = this.#freeSlots.pop() ?? (this.#slots.length < MAX_SLOTS ? this.#slots.length : -1);
    if (slot < 0) return false;
    this.#slots[slot] = { target: pending.target, batch: pending.batch, remaining: pending.batch.count, submittedAt: pending.submittedAt };
    pending.slot = slot;
    return true;
  }

  /** Drops queued (not yet produced) batches of a target: used when its task is abandoned. */
  discard(target: DeliveryTarget): void {
    for (let i = this.#queue.length - 1; i >= 0; i--) {
      const pending = this.#queue[i]!;
      const untouched = pending.reader === undefined ? !pending.laidOut : !pending.holding && pending.reader.index < 0;
      if (pending.target === target && untouched) {
        this.#queue.splice(i, 1);
        if (pending.slot >= 0) this.#freeSlot(pending.slot);
      }
    }
  }

  #drain(): void {
    if (this.#draining) return;
    this.#draining = true;
    try {
      while (this.#queue.length > 0) {
        const head = this.#queue[0]!;
        if (!(this.#native === undefined ? this.#produceEach(head) : this.#produceNative(head, this.#native))) {
          this.#block();
          return;
        }
        this.#queue.shift();
      }
      this.#blocked = false;
    } finally {
      this.#draining = false;
    }
  }

  /**
   * Produces what remains of a batch in native calls; false when librdkafka's queue is full. The
   * batch is laid out once, when it first reaches the head (its rows then wait here across
   * QUEUE_FULL pauses: nothing else is laid out until it is done).
   */
  #produceNative(pending: PendingBatch, native: NativeBatchProducer): boolean {
    const { batch, topics, target } = pending;
    if (pending.slot < 0 && !this.#takeSlot(pending)) return false;
    const layout = this.#layout;
    const slot = pending.slot;
    if (!pending.laidOut) {
      layout.fill(pending.buffer, slot << INDEX_BITS, batch);
      pending.laidOut = true;
      // Dropped records count as acknowledged; their order against the produced ones does not
      // matter (acks are out of order anyway), only that each is settled once.
      for (let d = 0; d < layout.droppedCount; d++) {
        this.#settle(slot);
        target.onDropped(batch, layout.dropped[d]!);
      }
    }
    const result = this.#produceResult;
    while (pending.nextRow < layout.count) {
      pending.nextRow += native.produceBatch(
        layout.data,
        topics,
        layout.records,
        layout.timestamps,
        layout.headers,
        pending.nextRow,
        layout.count,
        result,
      );
      if (pending.nextRow === layout.count) break;
      const code = result[0]!;
      if (code === CODES.ERRORS.ERR__QUEUE_FULL) {
        this.queueFullEvents++;
        return false;
      }
      // Rejected outright (too large, unknown partition...): that record fails, the rest go on.
      const row = pending.nextRow++;
      const index = layout.records[row * LAYOUT_RECORD_FIELDS + LAYOUT_OPAQUE_FIELD]! & INDEX_MASK;
      const topic = topics[layout.records[row * LAYOUT_RECORD_FIELDS]!];
      this.#settle(slot);
      target.onDeliveryFailed(batch, index, new Error(`produce to ${topic} refused: ${errorName(code)}`), topic);
    }
    return true;
  }

  /** Produces what remains of a batch record by record; false when librdkafka's queue is full. */
  #produceEach(pending: PendingBatch): boolean {
    const { batch, topics, target } = pending;
    if (pending.slot < 0 && !this.#takeSlot(pending)) return false;
    const reader = (pending.reader ??= new RecordBatchReader(pending.buffer));
    const base = pending.slot << INDEX_BITS;
    while (pending.holding || reader.next()) {
      const index = reader.index;
      if (!pending.holding) batch.locate(index, reader.sourcePartitionIndex, reader.offsetStart, reader.offsetLength);
      if (reader.kafkaPartition === DROPPED_PARTITION) {
        this.#settle(pending.slot);
        target.onDropped(batch, index);
        continue;
      }
      try {
        this.#producer.produce(
          topics[reader.topicIndex]!,
          reader.kafkaPartition < 0 ? null : reader.kafkaPartition,
          reader.value,
          reader.key,
          reader.timestamp,
          base + index,
          reader.headers,
        );
        pending.holding = false;
      } catch (err) {
        if ((err as LibrdKafkaError).code === CODES.ERRORS.ERR__QUEUE_FULL) {
          pending.holding = true;
          this.queueFullEvents++;
          return false;
        }
        // Rejected outright (too large, unknown partition...): that record fails, the rest go on.
        pending.holding = false;
        this.#settle(pending.slot);
        const topic = topics[reader.topicIndex]!;
        const code = (err as LibrdKafkaError).code;
        // Named as the native path names it, so a trace reads the same whichever path ran.
        const refused =
          typeof code === 'number'
            ? new Error(`produce to ${topic} refused: ${errorName(code)}: ${(err as Error).message}`, { cause: err })
            : err instanceof Error
              ? err
              : new Error(String(err));
        target.onDeliveryFailed(batch, index, refused, topic);
      }
    }
    return true;
  }

  #block(): void {
    this.#blocked = true;
    // A delivery report frees space and resumes the drain; the timer covers reports that are slow.
    this.#retryTimer ??= setTimeout(() => {
      this.#retryTimer = undefined;
      this.#drain();
    }, QUEUE_FULL_RETRY_MS);
  }

  #onDeliveryReport(err: LibrdKafkaError | null, report: DeliveryReport): void {
    const opaque = report.opaque as number;
    const slot = opaque >>> INDEX_BITS;
    const index = opaque & INDEX_MASK;
    const inFlight = this.#slots[slot];
    if (inFlight !== undefined) {
      this.#settle(slot);
      if (err)
        inFlight.target.onDeliveryFailed(
          inFlight.batch,
          index,
          new Error(`delivery to ${report.topic} failed: ${err.message}`),
          report.topic,
        );
      else inFlight.target.onDelivered(inFlight.batch, index, report.partition, report.offset);
    }
    this.#resumeAfterReports();
  }

  /** The native path's delivery reports: many records per call, columns of typed arrays. */
  #onDeliveryBatch(opaques: Int32Array, errors: Int32Array, partitions: Int32Array, offsets: Float64Array): void {
    for (let i = 0; i < opaques.length; i++) {
      const opaque = opaques[i]!;
      const slot = opaque >>> INDEX_BITS;
      const inFlight = this.#slots[slot];
      if (inFlight === undefined) continue;
      this.#settle(slot);
      const code = errors[i]!;
      if (code !== 0)
        inFlight.target.onDeliveryFailed(inFlight.batch, opaque & INDEX_MASK, new Error(`delivery failed: ${errorName(code)}`));
      else inFlight.target.onDelivered(inFlight.batch, opaque & INDEX_MASK, partitions[i]!, offsets[i]!);
    }
    this.#resumeAfterReports();
  }

  /** Reports freed space in librdkafka's queue: a drain paused by QUEUE_FULL goes on. */
  #resumeAfterReports(): void {
    if (this.#blocked && this.#retryTimer !== undefined) {
      clearTimeout(this.#retryTimer);
      this.#retryTimer = undefined;
      setImmediate(() => this.#drain());
    }
  }

  #settle(slot: number): void {
    const inFlight = this.#slots[slot];
    if (inFlight !== undefined && --inFlight.remaining === 0) this.#freeSlot(slot);
  }

  #freeSlot(slot: number): void {
    this.#slots[slot] = undefined;
    this.#freeSlots.push(slot);
  }

  /** Waits until librdkafka has sent everything queued (or the timeout passes). */
  flush(timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#producer.flush(timeoutMs, (err) => (err ? reject(new Error(`producer flush: ${err.message}`)) : resolve()));
    });
  }

  disconnect(timeoutMs = 5000): Promise<void> {
    if (this.#retryTimer !== undefined) clearTimeout(this.#retryTimer);
    this.#unwatch();
    return new Promise((resolve) => {
      this.#producer.disconnect(timeoutMs, () => {
        // The native side holds the callback (and through it this producer) by a persistent
        // handle: let go of it, or every connector-owned producer would outlive its connector.
        this.#native?.setDeliveryBatchCallback(null);
        resolve();
      });
    });
  }
}

let errorNames: Map<number, string> | undefined;

/** librdkafka's name for an error code (ERR_MSG_SIZE_TOO_LARGE…), with the code. */
function errorName(code: number): string {
  errorNames ??= new Map(Object.entries(CODES.ERRORS as Record<string, number>).map(([name, value]) => [value, name]));
  return `${errorNames.get(code) ?? 'error'} (${code})`;
}

interface RawStatistics {
  msg_cnt?: number;
  msg_size?: number;
  txmsgs?: number;
  tx_bytes?: number;
  brokers?: Record<string, { nodeid?: number; rtt?: { avg?: number } }>;
}

function parseStatistics(json: string): ProducerStatistics | undefined {
  let raw: RawStatistics;
  try {
    raw = JSON.parse(json) as RawStatistics;
  } catch {
    return undefined;
  }
  const brokerRtt = new Map<string, number>();
  for (const [name, broker] of Object.entries(raw.brokers ?? {})) {
    // Bootstrap placeholders have node id -1; rtt is in microseconds.
    if ((broker.nodeid ?? -1) >= 0 && broker.rtt?.avg !== undefined) brokerRtt.set(name, broker.rtt.avg / 1e6);
  }
  return {
    queueMessages: raw.msg_cnt ?? 0,
    queueBytes: raw.msg_size ?? 0,
    txMessages: raw.txmsgs ?? 0,
    txBytes: raw.tx_bytes ?? 0,
    brokerRtt,
  };
}
