/**
 * The supervisor's half of one source task (Kafka Connect's WorkerSourceTask): receives encoded
 * batches from the task's worker thread, produces them, grants credit back as Kafka acknowledges
 * them, answers offset lookups, and commits offsets.
 *
 * Order of a commit, always: Kafka acknowledged → offsets persisted → the task hears of it
 * (`commitRecord`, `commit`). Credit is returned per fully acknowledged batch, so a task never has
 * more than its in-flight limits outstanding (plus the one poll it was in when credit ran out).
 */
import type { DeliveryTarget, SourceProducer } from '../kafka/source-producer.js';
import type { OffsetBackingStore } from '../storage/offset-backing-store.js';
import { offsetKey } from '../../shared/offset-json.js';
import type { TaskConfig } from '../../worker-thread/sdk/connector.js';
import type { Credit, FromSourceTask, SourceTaskHostRequest, ToSourceTask } from '../../shared/protocol.js';
import { toErrorInfo } from '../../shared/protocol.js';
import { WorkerTask, withTimeout } from './worker-task.js';
import type { WorkerTaskOptions } from './worker-task.js';
import { SubmittedBatch, SubmittedRecords } from './submitted-records.js';
import { TopicCreation } from './topic-creation.js';
import type { SourceTaskMetrics } from '../metrics/source-task-metrics.js';
import type { DeadLetterQueue } from '../kafka/dead-letter-queue.js';
import type { ErrorHandlingConfig } from '../../shared/error-handling.js';

export interface WorkerSourceTaskOptions extends WorkerTaskOptions {
  connectorConfig: Record<string, string>;
  taskConfig: TaskConfig;
  pluginPath: readonly string[];
  limits: Credit;
  offsetFlushTimeoutMs: number;
  producer: SourceProducer;
  offsetStore: OffsetBackingStore;
  metrics: SourceTaskMetrics;
  /** Creates missing topics per the connector's rules (resolves when they exist). */
  ensureTopics: (topics: readonly string[], creation: TopicCreation) => Promise<void>;
  topicCreationEnabled: boolean;
  /** Called with topics the task writes to for the first time (active topics, KIP-558). */
  onTopicsUsed: (topics: readonly string[]) => void;
  /** The connector's error handling; a record skipped by it is logged and written to the DLQ here. */
  errors?: ErrorHandlingConfig;
  /** Creates the dead letter queue's producer (and topic) on first use, when the connector has one. */
  deadLetterQueue?: () => Promise<DeadLetterQueue>;
}

export class WorkerSourceTask extends WorkerTask<SourceTaskMetrics, FromSourceTask, SourceTaskHostRequest> implements DeliveryTarget {
  readonly #opts: WorkerSourceTaskOptions;
  readonly #submitted = new SubmittedRecords();
  #pollStopped: Promise<void>;
  #onPollStopped!: () => void;
  #committing: Promise<void> | undefined;
  #drainWaiter: (() => void) | undefined;
  #closed = false;
  readonly #topicCreation: TopicCreation | null;
  /** Topics this task already saw exist. */
  readonly #knownTopics = new Set<string>();
  /** Batches held, in order, while their topics are being created. */
  readonly #held: { batch: SubmittedBatch; topics: string[]; buffer: ArrayBuffer }[] = [];

  constructor(opts: WorkerSourceTaskOptions) {
    super(opts, opts.metrics);
    this.#opts = opts;
    this.#pollStopped = new Promise((resolve) => (this.#onPollStopped = resolve));
    this.#topicCreation = TopicCreation.fromConfig(opts.connectorConfig, opts.topicCreationEnabled);
  }

  /** Starts the task in a worker thread; resolves once the task's start() returned. */
  start(): Promise<void> {
    return this.startThread(
      (port) => ({
        kind: 'source-task',
        connectorName: this.connectorName,
        taskId: this.taskId,
        connectorConfig: this.#opts.connectorConfig,
        taskConfig: this.#opts.taskConfig,
        pluginPath: this.#opts.pluginPath,
        initialCredit: this.#opts.limits,
        port,
      }),
      (msg, onStarted) => this.#onMessage(msg, onStarted),
    );
  }

  #onMessage(msg: FromSourceTask, onStarted: () => void): void {
    switch (msg.t) {
      case 'started':
        this.#keepMetadata = msg.wantsRecordCommits;
        this.threadId = msg.threadId;
        this.version = msg.version;
        if (this.#pausedBeforeStart) this.pause();
        else this.setState('RUNNING');
        onStarted();
        break;
      case 'batch': {
        const batch = new SubmittedBatch(
          msg.id,
          msg.count,
          msg.payloadBytes,
          msg.buffer,
          msg.sourcePartitions,
          this.#keepMetadata,
          msg.polledAt - performance.timeOrigin,
        );
        this.#submitted.submit(batch);
        this.#opts.metrics.batchPolled(msg.count, msg.payloadBytes);
        this.#noteTopics(msg.topics);
        this.#opts.metrics.creditWaitSeconds += (msg.creditWaitMs - this.#creditWaitReportedMs) / 1000;
        this.#creditWaitReportedMs = msg.creditWaitMs;
        this.#opts.metrics.pollBatchSeconds.observe(msg.pollMs / 1000);
        if (this.#held.length > 0 || this.#hasUnknownTopic(msg.topics)) this.#holdForTopics(batch, msg.topics, msg.buffer);
        else this.#opts.producer.submit(this, batch, msg.topics, msg.buffer);
        break;
      }
      case 'offsets-request': {
        const keys = msg.partitions.map((p) => offsetKey(this.connectorName, p));
        this.#send({ t: 'offsets', id: msg.id, offsets: this.#opts.offsetStore.get(keys) });
        break;
      }
      case 'poll-stopped':
        this.#onPollStopped();
        break;
      case 'errant':
        this.#errant(msg);
        break;
      case 'stop-failed':
        this.#opts.logger.warn({ err: msg.error }, 'Could not stop task');
        break;
      case 'commit-failed':
        // Kafka Connect logs these and goes on: the records are in Kafka, their offsets committed.
        this.#opts.logger.error({ err: msg.error, calls: msg.count }, `Exception thrown while calling task.${msg.method}()`);
        break;
    }
  }

  #dlq: Promise<DeadLetterQueue> | undefined;
  readonly #pendingDlq = new Set<Promise<void>>();

  /** A polled record skipped by errors.tolerance=all: count it, log it, write it to the DLQ. */
  #errant(msg: Extract<FromSourceTask, { t: 'errant' }>): void {
    const errors = this.#opts.metrics.errors;
    errors.recordErrors++;
    errors.recordFailures++;
    errors.recordsSkipped++;
    errors.lastErrorTimestamp = Date.now();
    const cfg = this.#opts.errors;
    if (cfg?.logEnable) {
      errors.errorsLogged++;
      const record = cfg.logIncludeMessages
        ? { key: msg.key, value: msg.value, sourcePartition: msg.sourcePartition, sourceOffset: msg.sourceOffset }
        : {};
      this.#opts.logger.error(
        { stage: msg.stage, className: msg.className, err: msg.error, topic: msg.topic, ...record },
        `Error encountered in task ${this.label}. Executing stage '${msg.stage}' with class '${msg.className}', where source record is for topic '${msg.topic}'.`,
      );
    }
    if (this.#opts.deadLetterQueue === undefined) return;
    errors.dlqProduceRequests++;
    this.#dlq ??= this.#opts.deadLetterQueue();
    const written = this.#dlq.then((dlq) =>
      dlq.write({
        topic: null,
        partition: null,
        offset: null,
        key: msg.key === null ? null : Buffer.from(msg.key),
        value: Buffer.from(
          JSON.stringify({
            topic: msg.topic,
            sourcePartition: JSON.parse(msg.sourcePartition) as unknown,
            sourceOffset: JSON.parse(msg.sourceOffset) as unknown,
            key: msg.key,
            value: msg.value,
          }),
        ),
        timestamp: Date.now(),
        headers: [],
        stage: msg.stage,
        className: msg.className,
        error: msg.error,
      }),
    );
    const tracked = written.catch((err: unknown) => {
      errors.dlqProduceFailures++;
      this.#opts.logger.error({ err }, 'dead letter queue write failed; failing the task so the record is not lost');
      this.fail(err);
      this.#send({ t: 'stop' });
    });
    this.#pendingDlq.add(tracked);
    void tracked.finally(() => this.#pendingDlq.delete(tracked));
  }

  /** Closes the dead letter queue's producer, if one was made. */
  async closeDeadLetterQueue(): Promise<void> {
    const dlq = await this.#dlq?.catch(() => undefined);
    await dlq?.disconnect();
  }

  #keepMetadata = false;
  #creditWaitReportedMs = 0;

  readonly #usedTopics = new Set<string>();

  /** After an active-topics reset: report topics again as they are written to. */
  forgetUsedTopics(): void {
    this.#usedTopics.clear();
  }

  #noteTopics(topics: readonly string[]): void {
    const fresh = topics.filter((t) => !this.#usedTopics.has(t));
    if (fresh.length === 0) return;
    for (const t of fresh) this.#usedTopics.add(t);
    this.#opts.onTopicsUsed(fresh);
  }

  #hasUnknownTopic(topics: readonly string[]): boolean {
    return this.#topicCreation !== null && topics.some((t) => !this.#knownTopics.has(t));
  }

  /** Keeps the batch (and every later one, to keep their order) until its topics exist. */
  #holdForTopics(batch: SubmittedBatch, topics: string[], buffer: ArrayBuffer): void {
    this.#held.push({ batch, topics, buffer });
    if (this.#held.length > 1) return;
    const release = async (): Promise<void> => {
      while (this.#held.length > 0) {
        const head = this.#held[0]!;
        const unknown = head.topics.filter((t) => !this.#knownTopics.has(t));
        if (unknown.length > 0) {
          await this.#opts.ensureTopics(unknown, this.#topicCreation!);
          for (const t of unknown) this.#knownTopics.add(t);
        }
        this.#held.shift();
        this.#opts.producer.submit(this, head.batch, head.topics, head.buffer);
      }
    };
    release().catch((err: unknown) => {
      this.#held.length = 0;
      this.fail(err);
      this.#send({ t: 'stop' });
    });
  }
  #pausedBeforeStart = false;

  /** Stops polling; in-flight records still complete and commit. Kafka Connect's PAUSED. */
  pause(): void {
    if (this.state === 'FAILED') return;
    if (this.threadId === undefined) {
      this.#pausedBeforeStart = true;
      return;
    }
    this.#send({ t: 'pause' });
    this.setState('PAUSED');
  }

  resume(): void {
    this.#pausedBeforeStart = false;
    if (this.state !== 'PAUSED') return;
    this.#send({ t: 'resume' });
    this.setState('RUNNING');
  }

  onDelivered(batch: SubmittedBatch, index: number, partition: number, offset: number): void {
    this.#opts.metrics.recordAcked();
    this.#acknowledge(batch, index, partition, offset);
  }

  #acknowledge(batch: SubmittedBatch, index: number, partition: number, offset: number): void {
    if (!batch.ack(index, partition, offset)) return;
    const now = performance.now();
    this.#opts.metrics.batchAcknowledged((now - batch.receivedAt) / 1000, (now - batch.polledAt) / 1000, batch.count);
    this.#submitted.foldCompleted();
    this.#send({ t: 'credit', records: batch.count, bytes: batch.payloadBytes });
    if (this.#drainWaiter !== undefined && this.#submitted.inFlightRecords() === 0) this.#drainWaiter();
  }

  onDropped(batch: SubmittedBatch, index: number): void {
    this.#opts.metrics.recordDropped();
    this.#acknowledge(batch, index, -1, -1);
  }

  onDeliveryFailed(batch: SubmittedBatch, index: number, error: Error, topic?: string): void {
    this.#opts.metrics.recordFailed();
    if (this.#opts.errors?.tolerance === 'all') {
      // Kafka Connect since KIP-779 (WorkerSourceTask.producerSendFailed): with errors.tolerance=all
      // a record the producer could not send (too large for message.max.bytes, say) is reported at
      // stage KAFKA_PRODUCE and skipped, its offset committed. librdkafka refuses some records at
      // produce() that Java's producer fails in its callback: the same record, the same answer. The
      // DLQ record names the source partition and offset, not the value Kafka just refused.
      const partitionIndex = batch.sourcePartitionIndex[index]!;
      this.#errant({
        t: 'errant',
        stage: 'KAFKA_PRODUCE',
        className: 'WorkerSourceTask',
        error: toErrorInfo(error),
        topic: topic ?? '',
        sourcePartition: batch.sourcePartitions[partitionIndex] ?? 'null',
        sourceOffset: batch.offsetJson(index) ?? 'null',
        key: null,
        value: null,
      });
      this.#acknowledge(batch, index, -1, -1);
      return;
    }
    // The record stays unacknowledged: no offset at or after it in its source partition is ever
    // committed, so a restart polls it again.
    this.#opts.logger.error({ err: error, batch: batch.id, index }, 'record delivery failed; failing the task');
    this.fail(error);
    this.#send({ t: 'stop' });
  }

  /**
   * Persists what can be committed, then tells the task. One commit at a time per task: a call
   * during a commit joins it, unless `fresh`, which waits for it and then commits again — the final
   * commit of a stop must see every acknowledgement up to now, not the snapshot of a commit that
   * began before the drain ended.
   */
  commitOffsets(fresh = false): Promise<void> {
    if (fresh && this.#committing !== undefined) return this.#committing.then(() => this.commitOffsets());
    this.#committing ??= this.#commit().finally(() => (this.#committing = undefined));
    return this.#committing;
  }

  async #commit(): Promise<void> {
    const snapshot = this.#submitted.takeSnapshot();
    if (snapshot.offsets.size === 0 && snapshot.released.length === 0) return;
    // A skipped record's offset commits only once its DLQ write is in Kafka. Its report crossed the
    // channel before its batch did, so the write is already pending here.
    await Promise.all([...this.#pendingDlq]);
    const started = performance.now();
    const entries = new Map<string, string>();
    for (const [partition, offset] of snapshot.offsets) entries.set(offsetKey(this.connectorName, partition), offset);
    try {
      if (entries.size > 0) {
        const persisted = await withTimeout(
          this.#opts.offsetStore.set(entries).then(() => true),
          this.#opts.offsetFlushTimeoutMs,
        );
        if (persisted !== true)
          throw new Error(`offset commit did not complete within offset.flush.timeout.ms=${this.#opts.offsetFlushTimeoutMs}`);
      }
    } catch (err) {
      this.#submitted.restore(snapshot);
      this.#opts.metrics.offsetCommit(false, performance.now() - started);
      this.#opts.logger.error({ err }, 'offset commit failed; will retry at the next flush');
      return;
    }
    this.#opts.metrics.offsetCommit(true, performance.now() - started);
    this.#send({ t: 'committed', released: snapshot.released });
  }

  /**
   * Graceful stop: stop polling, wait for in-flight records to be acknowledged, commit, close.
   * Resolves false if the task did not stop within `timeoutMs` (it is then abandoned).
   */
  async stop(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    const remaining = (): number => Math.max(0, deadline - Date.now());
    this.#send({ t: 'stop' });
    const runEnded = this.run ?? Promise.resolve();
    await withTimeout(Promise.race([this.#pollStopped, runEnded]), remaining());
    await withTimeout(this.#drained(), remaining());
    await this.commitOffsets(true);
    this.#send({ t: 'close' });
    const stopped = await withTimeout(
      runEnded.then(() => true),
      remaining(),
    );
    if (stopped !== true) {
      this.#opts.producer.discard(this);
      this.#opts.logger.warn({ timeoutMs }, 'task did not stop in time; abandoned');
      return false;
    }
    return true;
  }

  #drained(): Promise<void> {
    if (this.#submitted.inFlightRecords() === 0 || this.state === 'FAILED') return Promise.resolve();
    return new Promise((resolve) => (this.#drainWaiter = resolve));
  }

  inFlightRecords(): number {
    return this.#submitted.inFlightRecords();
  }

  protected override fail(err: unknown): void {
    if (this.markFailed(err)) this.#drainWaiter?.();
  }

  #send(msg: ToSourceTask): void {
    if (this.#closed || this.port === undefined) return;
    try {
      this.port.postMessage(msg);
    } catch {
      // The worker side is gone (thread died): the run() rejection reports why.
    }
    if (msg.t === 'close') this.#closed = true;
  }
}
