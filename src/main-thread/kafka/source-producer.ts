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
 *
 * A librdkafka client that stops delivering (issue 13: after a broker outage, one request never
 * answered and everything queued behind it, with no further event) is replaced: see
 * `stallTimeoutMs` and docs/design/2026-12-07-broker-outages.md (Addendum).
 */
import { CODES, Producer } from './binding.js';
import type { DeliveryReport, LibrdKafkaError, ProducerGlobalConfig } from './binding.js';
import type { Logger } from 'pino';
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
  /**
   * Set on a batch handed to a replacement client: its records already settled (1), skipped. Such
   * a batch always goes record by record (the native layout has no way to skip rows).
   */
  settled: Uint8Array | undefined;
}

interface InFlight {
  target: DeliveryTarget;
  batch: SubmittedBatch;
  topics: readonly string[];
  /** Kept until every record settled: a replacement client sends what is unsettled again. */
  buffer: ArrayBuffer;
  remaining: number;
  /** Per record: 1 once settled (acknowledged, dropped, refused or failed). */
  settled: Uint8Array;
  submittedAt: number;
  /** Order in which batches took their slots: the order a replacement client sends them in. */
  sequence: number;
}

/** A fresh client for a producer that stopped delivering: connecting, then (reachableAt) waiting to take over. */
interface Candidate {
  client: Client;
  reachableAt: number | undefined;
}

/** One librdkafka client with connectd's listeners on it. */
interface Client {
  producer: InstanceType<typeof Producer>;
  /** The binding's batch methods, or undefined: the per-record path. */
  native: NativeBatchProducer | undefined;
  /** Starts following its errors for the worker's health (only the client in use is followed). */
  watch: () => void;
  /** Removes connectd's listeners (delivery reports, statistics, health). */
  detach: () => void;
}

/** What a producer holds that Kafka has not acknowledged yet: see SourceProducer.unacknowledged. */
export interface UnacknowledgedRecords {
  records: number;
  /** How long the oldest of them has waited (ms); 0 when there is none. */
  oldestMs: number;
}

const QUEUE_FULL_RETRY_MS = 10;

export interface SourceProducerOptions {
  /** false: one produce() per record even with a patched binding. */
  nativeBatch?: boolean;
  /** Follows the client's errors (logged once per state change, counted, reflected in /health). */
  health?: KafkaClientHealth;
  /** Replaces a client that delivers nothing for this long while holding records (0 or absent: never); see #checkStall. */
  stallTimeoutMs?: number;
  /** Where the watchdog says what it did. */
  logger?: Pick<Logger, 'warn'>;
}

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
  #producer: InstanceType<typeof Producer>;
  /** The binding's batch methods, or undefined: the per-record path. */
  #native: NativeBatchProducer | undefined;
  #client: Client;
  readonly #config: ProducerGlobalConfig;
  readonly #options: SourceProducerOptions;
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
  /** Clients replaced because they stopped delivering, and the records handed to their successors. */
  replacements = 0;
  resentRecords = 0;
  /** When a delivery report last came (ms since the epoch), or the producer started. */
  #lastReportAt = Date.now();
  #nextSequence = 0;
  #stallTimer: NodeJS.Timeout | undefined;
  /** A fresh client being connected, or connected and waiting to take over (see #checkStall). */
  #candidate: Candidate | undefined;
  #closed = false;

  /**
   * `nativeBatch: false` keeps the per-record path even with a patched binding; `health` follows
   * the client's errors (logged once per state change, counted, reflected in /health);
   * `stallTimeoutMs` (0: never) replaces a client that stopped delivering (#checkStall).
   */
  constructor(name: string, config: ProducerGlobalConfig, options: SourceProducerOptions = {}) {
    this.name = name;
    this.#config = config;
    this.#options = options;
    this.#client = this.#open();
    this.#client.watch();
    this.#producer = this.#client.producer;
    this.#native = this.#client.native;
  }

  /** A new librdkafka client with this producer's settings, its reports routed here (not yet watched for health). */
  #open(): Client {
    const producer = new Producer({ 'statistics.interval.ms': 5000, ...this.#config, dr_cb: true });
    const native = this.#options.nativeBatch === false ? undefined : nativeBatchOf(producer);
    let detached = false;
    let unwatch = (): void => undefined;
    const onReport = (err: LibrdKafkaError | null, report: DeliveryReport): void => {
      if (!detached) this.#onDeliveryReport(err, report);
    };
    const onStats = (event: unknown): void => {
      const text = typeof event === 'string' ? event : (event as { message?: string }).message;
      if (!detached && text !== undefined && producer === this.#producer) this.statistics = parseStatistics(text);
    };
    producer.on('delivery-report', onReport);
    producer.on('event.stats', onStats);
    native?.setDeliveryBatchCallback((opaques, errors, partitions, offsets) => {
      if (!detached) this.#onDeliveryBatch(opaques, errors, partitions, offsets);
    });
    return {
      producer,
      native,
      watch: () => {
        unwatch =
          this.#options.health?.watch(producer, String(this.#config['client.id'] ?? this.name), 'source producer') ?? (() => undefined);
      },
      detach: () => {
        detached = true;
        unwatch();
        producer.removeListener('delivery-report', onReport);
        producer.removeListener('event.stats', onStats);
      },
    };
  }

  #connectClient(client: Client, timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      client.producer.connect({ timeout: timeoutMs }, (err) => {
        if (err) reject(new Error(`producer could not connect: ${err.message}`));
        else {
          // Delivery reports are polled on librdkafka's background thread, not by JS timers.
          client.producer.setPollInBackground(true);
          resolve();
        }
      });
    });
  }

  async connect(timeoutMs: number): Promise<void> {
    await this.#connectClient(this.#client, timeoutMs);
    const stallMs = this.#options.stallTimeoutMs ?? 0;
    if (stallMs > 0 && !this.#closed) {
      this.#stallTimer = setInterval(() => this.#checkStall(), Math.max(250, Math.min(5000, Math.floor(stallMs / 4))));
      this.#stallTimer.unref();
    }
  }

  /**
   * The watchdog (`stallTimeoutMs`, worker key task.produce.stall.timeout.ms). librdkafka can stop
   * delivering for good without a word (issue 13: after a broker outage, a ProduceRequest never
   * answered and every record of its partition queued behind it; the Addendum of
   * docs/design/2026-12-07-broker-outages.md). Stalled: records unsettled, the oldest waiting the
   * timeout or longer, and no delivery report for as long. Then a fresh client is connected; once
   * it has reached the cluster (its metadata request answered), the old one gets the timeout again
   * to deliver anything; if it does not, the fresh client takes its place and is handed every
   * unsettled record, in the order they were first produced. A plain outage only costs connection
   * attempts: the fresh client cannot connect while the cluster is away, and the old one delivers
   * again soon after it is back (the fresh one is then closed unused).
   */
  #checkStall(now = Date.now()): void {
    const stallMs = this.#options.stallTimeoutMs ?? 0;
    if (this.#closed || stallMs <= 0) return;
    const candidate = this.#candidate;
    if (!this.#stalled(stallMs, now)) {
      if (candidate?.reachableAt !== undefined) {
        this.#candidate = undefined;
        this.#close(candidate.client);
      }
      return;
    }
    if (candidate === undefined) {
      const client = this.#open();
      const probe: Candidate = { client, reachableAt: undefined };
      this.#candidate = probe;
      this.#connectClient(client, Math.min(stallMs, 30_000)).then(
        () => {
          const at = Date.now();
          if (this.#candidate !== probe || this.#closed || !this.#stalled(stallMs, at)) {
            if (this.#candidate === probe) this.#candidate = undefined;
            return this.#close(client);
          }
          probe.reachableAt = at;
          const { records, oldestMs } = this.unacknowledged(at);
          this.#options.logger?.warn(
            { producer: this.name, records, oldestSeconds: Math.floor(oldestMs / 1000) },
            `source producer ${this.name} has delivered nothing for ${Math.floor((Date.now() - this.#lastReportAt) / 1000)} s while holding ${records} record(s); a fresh client reached the cluster, and takes over unless the producer delivers within ${stallMs} ms`,
          );
        },
        () => {
          // The cluster is out of reach from a fresh client too: a plain outage; tried again later.
          client.detach();
          if (this.#candidate === probe) this.#candidate = undefined;
        },
      );
      return;
    }
    if (candidate.reachableAt !== undefined && now - candidate.reachableAt >= stallMs && this.#lastReportAt < candidate.reachableAt) {
      this.#candidate = undefined;
      this.#replaceWith(candidate.client);
    }
  }

  /**
   * Connects a fresh client that can take this producer's place: `takeOver()` hands it every
   * unsettled record, the old client closed unheard (what the watchdog does once its checks
   * passed, see #checkStall); `close()` lets it go unused. Undefined when it could not connect.
   */
  async connectReplacement(timeoutMs: number): Promise<{ takeOver: () => void; close: () => void } | undefined> {
    const client = this.#open();
    try {
      await this.#connectClient(client, timeoutMs);
    } catch {
      client.detach();
      return undefined;
    }
    let used = false;
    return {
      takeOver: () => {
        if (used || this.#closed) throw new Error('this replacement client was used already, or the producer is closed');
        used = true;
        this.#replaceWith(client);
      },
      close: () => {
        if (used) return;
        used = true;
        this.#close(client);
      },
    };
  }

  /** Records unsettled, the oldest waiting `stallMs` or longer, and no delivery report for as long. */
  #stalled(stallMs: number, now: number): boolean {
    if (now - this.#lastReportAt < stallMs) return false;
    const { records, oldestMs } = this.unacknowledged(now);
    return records > 0 && oldestMs >= stallMs;
  }

  /** The old client is closed unheard; `client` is handed every unsettled record, in first-produced order. */
  #replaceWith(client: Client): void {
    const old = this.#client;
    old.detach();
    this.#client = client;
    this.#producer = client.producer;
    this.#native = client.native;
    client.watch();
    if (this.#retryTimer !== undefined) clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
    this.#blocked = false;
    const inFlight: [number, InFlight][] = [];
    this.#slots.forEach((f, slot) => {
      if (f !== undefined) inFlight.push([slot, f]);
    });
    inFlight.sort((a, b) => a[1].sequence - b[1].sequence);
    let records = 0;
    const resend: PendingBatch[] = inFlight.map(([slot, f]) => {
      records += f.remaining;
      return {
        target: f.target,
        batch: f.batch,
        topics: f.topics,
        buffer: f.buffer,
        reader: undefined,
        holding: false,
        laidOut: true,
        nextRow: 0,
        slot,
        submittedAt: f.submittedAt,
        settled: f.settled,
      };
    });
    // A batch with a slot is among the in-flight ones (only the head can have one): it is resent whole.
    const waiting = this.#queue.filter((p) => p.slot < 0);
    this.#queue.length = 0;
    this.#queue.push(...resend, ...waiting);
    this.replacements++;
    this.resentRecords += records;
    this.#options.logger?.warn(
      { producer: this.name, records, batches: resend.length },
      `source producer ${this.name} replaced its Kafka client, which had stopped delivering: ${records} unacknowledged record(s) sent again through the new one (at least once: some may have been written already)`,
    );
    this.#close(old);
    this.#lastReportAt = Date.now();
    this.#drain();
  }

  /** Closes a client that is no longer used, without waiting: a stuck one may take long to go. */
  #close(client: Client): void {
    client.detach();
    if (!client.producer.isConnected()) {
      client.native?.setDeliveryBatchCallback(null);
      return;
    }
    try {
      client.producer.disconnect(0, () => client.native?.setDeliveryBatchCallback(null));
    } catch (err) {
      this.#options.logger?.warn({ err, producer: this.name }, 'closing a replaced Kafka client failed');
    }
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
      settled: undefined,
    });
    if (!this.#blocked) this.#drain();
  }

  /** A free in-flight slot for `pending`, or false when all are taken (the drain then waits). */
  #takeSlot(pending: PendingBatch): boolean {
    const slot = this.#freeSlots.pop() ?? (this.#slots.length < MAX_SLOTS ? this.#slots.length : -1);
    if (slot < 0) return false;
    const { target, batch, topics, buffer, submittedAt } = pending;
    this.#slots[slot] = {
      target,
      batch,
      topics,
      buffer,
      remaining: batch.count,
      settled: new Uint8Array(batch.count),
      submittedAt,
      sequence: this.#nextSequence++,
    };
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
        if (
          !(this.#native === undefined || head.settled !== undefined ? this.#produceEach(head) : this.#produceNative(head, this.#native))
        ) {
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
        const index = layout.dropped[d]!;
        this.#settle(slot, index);
        target.onDropped(batch, index);
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
      this.#settle(slot, index);
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
      // Every record located, in order, also when resent (locate is idempotent, and the batch's
      // last index per source partition must stay its last record's).
      if (!pending.holding) batch.locate(index, reader.sourcePartitionIndex, reader.offsetStart, reader.offsetLength);
      // Resent by a replacement client: what was settled through the old one is skipped.
      if (pending.settled?.[index] === 1) continue;
      if (reader.kafkaPartition === DROPPED_PARTITION) {
        this.#settle(pending.slot, index);
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
        this.#settle(pending.slot, index);
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
    this.#lastReportAt = Date.now();
    if (inFlight !== undefined && inFlight.settled[index] === 0) {
      this.#settle(slot, index);
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
    this.#lastReportAt = Date.now();
    for (let i = 0; i < opaques.length; i++) {
      const opaque = opaques[i]!;
      const slot = opaque >>> INDEX_BITS;
      const index = opaque & INDEX_MASK;
      const inFlight = this.#slots[slot];
      if (inFlight === undefined || inFlight.settled[index] === 1) continue;
      this.#settle(slot, index);
      const code = errors[i]!;
      if (code !== 0) inFlight.target.onDeliveryFailed(inFlight.batch, index, new Error(`delivery failed: ${errorName(code)}`));
      else inFlight.target.onDelivered(inFlight.batch, index, partitions[i]!, offsets[i]!);
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

  #settle(slot: number, index: number): void {
    const inFlight = this.#slots[slot];
    if (inFlight === undefined || inFlight.settled[index] === 1) return;
    inFlight.settled[index] = 1;
    if (--inFlight.remaining === 0) this.#freeSlot(slot);
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
    this.#closed = true;
    if (this.#retryTimer !== undefined) clearTimeout(this.#retryTimer);
    clearInterval(this.#stallTimer);
    const candidate = this.#candidate;
    this.#candidate = undefined;
    if (candidate !== undefined) this.#close(candidate.client);
    const client = this.#client;
    client.detach();
    return new Promise((resolve) => {
      client.producer.disconnect(timeoutMs, () => {
        // The native side holds the callback (and through it this producer) by a persistent
        // handle: let go of it, or every connector-owned producer would outlive its connector.
        client.native?.setDeliveryBatchCallback(null);
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
