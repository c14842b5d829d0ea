/**
 * The supervisor's half of one sink task (Kafka Connect's WorkerSinkTask): its consumer in the
 * connector's group (`connect-<name>`), the loop that consumes batches and sends them to the task's
 * worker thread, offset commits of what the task's preCommit allowed, rebalances, rewinds, the dead
 * letter queue, and backpressure.
 *
 * - Order per partition: batches reach the task in consumption order, and their offsets become
 *   committable only once put() returned for them (`currentOffsets`); a commit asks the task's
 *   preCommit first and never commits past what it returns.
 * - Backpressure: at most `limits.records` records and `limits.bytes` bytes are consumed and not
 *   yet put. At the limit the loop stops consuming; if put() stays slow it pauses every partition
 *   and keeps calling consume (which returns nothing) so the consumer stays in its group.
 * - Rebalance: revocation waits for in-flight puts, commits (preCommit → commit) and calls the
 *   task's close() before librdkafka is told; assignment calls open() first.
 * - Rewind (context.offset()): the batches sent after the rewinding one are skipped by the task,
 *   and every partition is sought back to what was put, so nothing skipped is lost.
 * - Errors: a record that fails conversion or a transform with errors.tolerance=all is logged
 *   and/or written to the dead letter queue; offsets covering it are committed only once the DLQ
 *   write was acknowledged. A failed DLQ write fails the task (the record would be lost otherwise).
 */
import type { DeadLetterQueue } from '../kafka/dead-letter-queue.js';
import { SinkConsumer, tpKey } from '../kafka/sink-consumer.js';
import type { KafkaClientHealth } from '../kafka/client-health.js';
import type { TopicPartition, TopicPartitionOffset } from '../kafka/sink-consumer.js';
import type { SinkTaskMetrics } from '../metrics/sink-task-metrics.js';
import type { TaskConfig } from '../../worker-thread/sdk/connector.js';
import type { ErrorHandlingConfig } from '../../shared/error-handling.js';
import type {
  Credit,
  ErrantRecord,
  ErrorInfo,
  FromSinkTask,
  PartitionOffset,
  SinkTaskHostRequest,
  ToSinkTask,
} from '../../shared/protocol.js';
import { toErrorInfo } from '../../shared/protocol.js';
import { encodeSinkBatch } from '../../shared/sink-batch.js';
import type { ConsumedMessage } from '../../shared/sink-batch.js';
import { WorkerTask, withTimeout } from './worker-task.js';
import type { WorkerTaskOptions } from './worker-task.js';

/** How long the loop waits at the in-flight limit before it pauses the partitions to keep polling. */
const KEEPALIVE_AFTER_MS = 1000;
const CONSUME_TIMEOUT_MS = 200;

export interface WorkerSinkTaskOptions extends WorkerTaskOptions {
  connectorConfig: Record<string, string>;
  taskConfig: TaskConfig;
  pluginPath: readonly string[];
  /** librdkafka consumer settings (group.id, client.id, overrides) prepared by the Worker. */
  consumerConfig: Record<string, string | number | boolean>;
  /** Follows the consumer's errors (logging, metrics, /health). */
  clientHealth?: KafkaClientHealth;
  /** Records per consume call (Kafka's max.poll.records). */
  maxPollRecords: number;
  limits: Credit;
  errors: ErrorHandlingConfig;
  /** Creates the dead letter queue's producer (and topic) when the connector has one. */
  deadLetterQueue: (() => Promise<DeadLetterQueue>) | undefined;
  metrics: SinkTaskMetrics;
}

interface InFlightBatch {
  id: number;
  count: number;
  bytes: number;
  sentAt: number;
  /** The original messages, kept only when failures must be logged or written to the DLQ. */
  messages: ConsumedMessage[] | undefined;
  /** The last offset per partition in the batch. */
  lastOffsets: Map<string, TopicPartitionOffset>;
}

export class WorkerSinkTask extends WorkerTask<SinkTaskMetrics, FromSinkTask, SinkTaskHostRequest> {
  readonly #opts: WorkerSinkTaskOptions;
  #consumer!: SinkConsumer;
  #dlq: DeadLetterQueue | undefined;
  #runEnded = false;
  #stopping = false;
  #loop: Promise<void> | undefined;

  readonly #inFlight = new Map<number, InFlightBatch>();
  #inFlightRecords = 0;
  #inFlightBytes = 0;
  #nextBatchId = 0;
  #epoch = 0;
  /** Bumped by each rewind: a consume call that spanned one drops what it read. */
  #rewindSeq = 0;
  #rewinding: Promise<void> | undefined;
  /** Per assigned partition: the next offset after what put() has taken. */
  readonly #currentOffsets = new Map<string, TopicPartitionOffset>();
  /** Per assigned partition: the first offset sent to the task since assignment (a rewind's fallback). */
  readonly #firstSent = new Map<string, TopicPartitionOffset>();
  readonly #lastCommitted = new Map<string, number>();
  /** Per assigned partition: the offset this task began reading it from (a failed preCommit's fallback when it committed nothing yet). */
  readonly #readFrom = new Map<string, number>();
  readonly #assigned = new Map<string, TopicPartition>();
  /** Per assigned partition: where the task's open() asked to start it, for this assignment. */
  readonly #assignStart = new Map<string, number>();
  readonly #taskPaused = new Set<string>();
  #connectorPaused = false;
  #allPaused = false;
  #pausedSince = 0;
  readonly #pendingDlq = new Set<Promise<void>>();
  #committing: Promise<void> | undefined;
  #commitRequested = false;

  #nextRequestId = 0;
  readonly #requests = new Map<number, { resolve: (msg: FromSinkTask) => void; reject: (err: Error) => void }>();
  readonly #progress = new Set<() => void>();
  /** Where the last rewind put each partition, to redo it after a consume call that spanned it. */
  #lastRewindTargets = new Map<string, TopicPartitionOffset>();

  constructor(opts: WorkerSinkTaskOptions) {
    super(opts, opts.metrics);
    this.#opts = opts;
  }

  inFlightRecords(): number {
    return this.#inFlightRecords;
  }

  /** The largest lag over the task's partitions (librdkafka statistics), once known. */
  consumerLag(): number | undefined {
    return this.#consumer?.lag?.maxLag;
  }

  /** Starts the task in a worker thread, then its consumer; resolves once the task's start() returned. */
  async start(): Promise<void> {
    await this.startThread(
      (port) => ({
        kind: 'sink-task',
        connectorName: this.connectorName,
        taskId: this.taskId,
        connectorConfig: this.#opts.connectorConfig,
        taskConfig: this.#opts.taskConfig,
        pluginPath: this.#opts.pluginPath,
        port,
      }),
      (msg, onStarted) => this.#onMessage(msg, onStarted),
    );
    if (this.state === 'FAILED') return;
    try {
      if (this.#opts.deadLetterQueue !== undefined) this.#dlq = await this.#opts.deadLetterQueue();
      this.#consumer = new SinkConsumer(
        this.#opts.consumerConfig,
        {
          onAssigned: (partitions) => this.#onAssigned(partitions),
          onRevoked: (partitions, lost) => this.#onRevoked(partitions, lost),
          onAssignApplied: () => this.#applyPauses(),
        },
        this.#opts.clientHealth,
      );
      await this.#consumer.connect(30000);
      this.#consumer.subscribe(subscription(this.#opts.connectorConfig));
    } catch (err) {
      this.fail(err);
      this.#send({ t: 'stop' });
      return;
    }
    this.setState(this.#connectorPaused ? 'PAUSED' : 'RUNNING');
    this.#loop = this.#consumeLoop().catch((err: unknown) => {
      this.fail(err);
      this.#send({ t: 'stop' });
    });
  }

  #onMessage(msg: FromSinkTask, onStarted: () => void): void {
    switch (msg.t) {
      case 'started':
        this.threadId = msg.threadId;
        this.version = msg.version;
        onStarted();
        break;
      case 'put-done':
        this.#putDone(msg);
        break;
      case 'opened':
      case 'pre-committed':
      case 'closed-partitions': {
        const pending = this.#requests.get(msg.id);
        this.#requests.delete(msg.id);
        pending?.resolve(msg);
        break;
      }
      case 'errant':
        this.#errant(msg, msg.reportId);
        break;
      case 'put-retry':
        this.#opts.logger.error(
          { err: msg.error, retryInMs: msg.retryInMs },
          'RetriableException from SinkTask; the same records are put again',
        );
        break;
      case 'stop-failed':
        this.#opts.logger.warn({ err: msg.error }, 'Could not stop task');
        break;
      case 'pause-partitions':
        for (const p of msg.partitions) this.#taskPaused.add(tpKey(p.topic, p.partition));
        this.#safeConsumer(() => this.#consumer.pause(msg.partitions.filter((p) => this.#assigned.has(tpKey(p.topic, p.partition)))));
        break;
      case 'resume-partitions':
        for (const p of msg.partitions) this.#taskPaused.delete(tpKey(p.topic, p.partition));
        if (!this.#allPaused)
          this.#safeConsumer(() => this.#consumer.resume(msg.partitions.filter((p) => this.#assigned.has(tpKey(p.topic, p.partition)))));
        break;
      case 'request-commit':
        this.#commitRequested = true;
        this.#wakeLoop();
        break;
    }
  }

  #safeConsumer(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.#opts.logger.warn({ err }, 'consumer call failed');
    }
  }

  // ---- the consume loop ------------------------------------------------------------------

  async #consumeLoop(): Promise<void> {
    const { limits, maxPollRecords } = this.#opts;
    while (!this.#stopping && this.state !== 'FAILED') {
      const rebalance = this.#consumer.rebalancing;
      if (rebalance !== undefined) {
        await rebalance;
        continue;
      }
      if (this.#rewinding !== undefined) {
        await this.#rewinding;
        continue;
      }
      if (this.#commitRequested) {
        this.#commitRequested = false;
        await this.commitOffsets();
      }
      const blocked = this.#connectorPaused || this.#inFlightRecords >= limits.records || this.#inFlightBytes >= limits.bytes;
      if (blocked) {
        if (!this.#allPaused && (this.#connectorPaused || (await this.#waitForProgress(KEEPALIVE_AFTER_MS)) === false)) this.#pauseAll();
        if (this.#allPaused) {
          // Paused partitions return nothing; the call keeps the consumer in its group.
          const revocationsBefore = this.#consumer.revocations;
          const stray = await this.#consumer.consume(1, CONSUME_TIMEOUT_MS);
          if (stray.length > 0 && this.#consumer.revocations !== revocationsBefore)
            await this.#afterSpannedRevocation(stray, this.#consumer.revocations);
          else if (stray.length > 0) this.#sendBatch(stray);
          await this.#waitForProgress(KEEPALIVE_AFTER_MS);
        }
        continue;
      }
      if (this.#allPaused) this.#resumeAll();
      const revocations = this.#consumer.revocations;
      const rewinds = this.#rewindSeq;
      const room = Math.min(maxPollRecords, limits.records - this.#inFlightRecords);
      const messages = await this.#consumer.consume(room, CONSUME_TIMEOUT_MS);
      if (messages.length === 0) continue;
      if (this.#consumer.revocations !== revocations) {
        await this.#afterSpannedRevocation(messages, this.#consumer.revocations);
        continue;
      }
      if (this.#rewindSeq !== rewinds) {
        // These may come from before or after the rewind's seeks: drop them and seek again.
        await this.#rewindDone();
        await this.#reseek(messages);
        continue;
      }
      // Paused while this call ran: read them again after resume.
      if (this.#connectorPaused) {
        await this.#seekBack(messages);
        continue;
      }
      this.#sendBatch(messages);
    }
  }

  /** Resolves true when a put completed (or anything else worth a look), false after `ms`. */
  #waitForProgress(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        this.#progress.delete(wake);
        resolve(true);
      };
      const timer = setTimeout(() => {
        this.#progress.delete(wake);
        resolve(false);
      }, ms);
      this.#progress.add(wake);
    });
  }

  #wakeLoop(): void {
    for (const wake of [...this.#progress]) wake();
  }

  #pauseAll(): void {
    this.#allPaused = true;
    this.#pausedSince = performance.now();
    this.#safeConsumer(() => this.#consumer.pause([...this.#assigned.values()]));
    if (!this.#connectorPaused)
      this.#opts.logger.info({ inFlightRecords: this.#inFlightRecords }, 'put() is slow: consumption paused until it catches up');
  }

  #resumeAll(): void {
    this.#allPaused = false;
    this.metrics.backpressureSeconds += (performance.now() - this.#pausedSince) / 1000;
    this.#safeConsumer(() =>
      this.#consumer.resume([...this.#assigned.entries()].filter(([k]) => !this.#taskPaused.has(k)).map(([, p]) => p)),
    );
  }

  /** After an assignment took effect: pause what must stay paused. */
  #applyPauses(): void {
    const paused = [...this.#assigned.entries()].filter(([k]) => this.#allPaused || this.#taskPaused.has(k)).map(([, p]) => p);
    this.#safeConsumer(() => this.#consumer.pause(paused));
  }

  #sendBatch(messages: ConsumedMessage[]): void {
    const encoded = encodeSinkBatch(messages);
    const id = this.#nextBatchId++;
    const lastOffsets = new Map<string, TopicPartitionOffset>();
    for (const m of messages) {
      const k = tpKey(m.topic, m.partition);
      lastOffsets.set(k, { topic: m.topic, partition: m.partition, offset: m.offset });
      if (!this.#firstSent.has(k)) this.#firstSent.set(k, { topic: m.topic, partition: m.partition, offset: m.offset });
      if (!this.#readFrom.has(k)) this.#readFrom.set(k, m.offset);
    }
    const keep = this.#opts.errors.logEnable || this.#opts.errors.dlqTopic !== '';
    this.#inFlight.set(id, {
      id,
      count: encoded.count,
      bytes: encoded.payloadBytes,
      sentAt: performance.now(),
      messages: keep ? messages : undefined,
      lastOffsets,
    });
    this.#inFlightRecords += encoded.count;
    this.#inFlightBytes += encoded.payloadBytes;
    this.metrics.readRecords += encoded.count;
    this.metrics.readBytes += encoded.payloadBytes;
    this.metrics.activeRecords = this.#inFlightRecords;
    this.#send({ t: 'batch', id, epoch: this.#epoch, count: encoded.count, topics: encoded.topics, buffer: encoded.buffer }, [
      encoded.buffer,
    ]);
  }

  #putDone(msg: Extract<FromSinkTask, { t: 'put-done' }>): void {
    const batch = this.#inFlight.get(msg.id);
    if (batch === undefined) return;
    this.#inFlight.delete(msg.id);
    this.#inFlightRecords -= batch.count;
    this.#inFlightBytes -= batch.bytes;
    this.metrics.activeRecords = this.#inFlightRecords;
    this.metrics.errors.retries += msg.retries;
    if (!msg.skipped) {
      this.metrics.sendRecords += msg.put;
      this.metrics.putBatchSeconds.observe((performance.now() - batch.sentAt) / 1000);
      for (const [k, last] of batch.lastOffsets) {
        if (this.#assigned.has(k)) this.#currentOffsets.set(k, { topic: last.topic, partition: last.partition, offset: last.offset + 1 });
      }
    }
    if (msg.rewinds !== undefined) this.#rewind(msg.rewinds);
    this.#wakeLoop();
  }

  /**
   * context.offset(): the task skips the batches sent after the one that asked (their epoch is
   * older), so seek every partition back to what put() took, then the asked ones to their offsets.
   */
  #rewind(rewinds: PartitionOffset[]): void {
    this.#epoch++;
    this.#rewindSeq++;
    const targets = new Map<string, TopicPartitionOffset>();
    for (const [k, p] of this.#assigned) {
      const at = this.#currentOffsets.get(k) ?? this.#firstSent.get(k);
      if (at !== undefined) targets.set(k, { ...p, offset: at.offset });
    }
    for (const [topic, partition, offset] of rewinds) {
      const k = tpKey(topic, partition);
      if (!this.#assigned.has(k)) {
        this.#opts.logger.warn({ topic, partition, offset }, 'context.offset() for a partition not assigned to the task; ignored');
        continue;
      }
      targets.set(k, { topic, partition, offset });
      this.#currentOffsets.set(k, { topic, partition, offset });
    }
    this.#firstSent.clear();
    this.#lastRewindTargets = targets;
    const done = (async () => {
      for (const target of targets.values()) await this.#consumer.seek(target);
    })();
    const tracked: Promise<void> = done
      .catch((err: unknown) => {
        this.fail(err);
        this.#send({ t: 'stop' });
      })
      .finally(() => {
        if (this.#rewinding === tracked) this.#rewinding = undefined;
      });
    this.#rewinding = tracked;
  }

  #rewindDone(): Promise<void> {
    return this.#rewinding ?? Promise.resolve();
  }

  /** Seeks each partition back to the first of these messages: they will be read again. */
  async #seekBack(messages: readonly ConsumedMessage[]): Promise<void> {
    const first = new Map<string, TopicPartitionOffset>();
    for (const m of messages) {
      const k = tpKey(m.topic, m.partition);
      if (!first.has(k)) first.set(k, { topic: m.topic, partition: m.partition, offset: m.offset });
    }
    for (const target of first.values()) await this.#consumer.seek(target);
  }

  /**
   * A consume call spanned a revocation: what it read is dropped, as it may come from partitions
   * since revoked (whoever gets them reads from the committed offsets). But the call can also span
   * the assignment that followed, and an eager rebalance often gives a member the same partitions
   * back: librdkafka then started them from the committed offsets and handed their first records to
   * this call, so its position is past records that were never put. Those partitions go back to where
   * the assignment started them (the task's open() rewind, else the group's committed offset, else
   * the first record dropped), or the records between the commit and the next call are skipped for
   * good (seen losing 12–550 records per run in test/faults/distributed-kills.test.ts).
   */
  async #afterSpannedRevocation(dropped: readonly ConsumedMessage[], revocationsSeen: number): Promise<void> {
    const first = new Map<string, TopicPartitionOffset>();
    for (const m of dropped) {
      const k = tpKey(m.topic, m.partition);
      if (!first.has(k)) first.set(k, { topic: m.topic, partition: m.partition, offset: m.offset });
    }
    const pending = this.#consumer.rebalancing;
    if (pending !== undefined) await pending;
    // Another revocation since the call returned: the assignment after it starts from the committed
    // offsets, and nothing was read from it yet.
    if (this.#consumer.revocations !== revocationsSeen) return;
    const targets = [...first].filter(([k]) => this.#assigned.has(k)).map(([, target]) => target);
    if (targets.length === 0) return;
    const committed = await this.#consumer
      .committed(targets.map(({ topic, partition }) => ({ topic, partition })))
      .catch((err: unknown) => {
        this.#opts.logger.warn({ err }, 'reading the committed offsets after a rebalance failed');
        return [];
      });
    for (const target of targets) {
      const k = tpKey(target.topic, target.partition);
      const inGroup = committed.find((c) => c.topic === target.topic && c.partition === target.partition)?.offset ?? -1;
      const offset = this.#assignStart.get(k) ?? (inGroup >= 0 ? inGroup : target.offset);
      await this.#consumer
        .seek({ ...target, offset })
        .catch((err: unknown) =>
          this.#opts.logger.warn({ err, partition: `${target.topic}-${target.partition}` }, 'seek after a rebalance failed'),
        );
    }
  }

  /** Repeats the last rewind's seeks, and seeks the other partitions back to the dropped messages. */
  async #reseek(dropped: readonly ConsumedMessage[]): Promise<void> {
    const targets = new Map(this.#lastRewindTargets);
    for (const m of dropped) {
      const k = tpKey(m.topic, m.partition);
      const known = targets.get(k);
      if (!this.#lastRewindTargets.has(k) && (known === undefined || m.offset < known.offset))
        targets.set(k, { topic: m.topic, partition: m.partition, offset: m.offset });
    }
    for (const target of targets.values()) await this.#consumer.seek(target);
  }

  // ---- rebalances ------------------------------------------------------------------------

  async #onAssigned(partitions: TopicPartition[]): Promise<Map<string, number>> {
    for (const p of partitions) {
      this.#assigned.set(tpKey(p.topic, p.partition), p);
      this.#assignStart.delete(tpKey(p.topic, p.partition));
    }
    this.metrics.partitionCount = this.#assigned.size;
    const start = new Map<string, number>();
    if (this.#runEnded || partitions.length === 0) return start;
    const reply = await this.#request({ t: 'open', id: this.#nextRequestId++, partitions });
    if (reply.t === 'opened' && reply.rewinds !== undefined) {
      this.#epoch++;
      for (const [topic, partition, offset] of reply.rewinds) {
        const k = tpKey(topic, partition);
        if (!this.#assigned.has(k)) continue;
        start.set(k, offset);
        this.#assignStart.set(k, offset);
        this.#currentOffsets.set(k, { topic, partition, offset });
        this.#readFrom.set(k, offset);
      }
    }
    this.#opts.logger.info({ partitions: partitions.map((p) => `${p.topic}-${p.partition}`) }, 'partitions assigned');
    return start;
  }

  async #onRevoked(partitions: TopicPartition[], lost: boolean): Promise<void> {
    await this.#drained();
    if (!lost && !this.#runEnded && this.state !== 'FAILED') await this.commitOffsets(true);
    if (!this.#runEnded && partitions.length > 0)
      await this.#request({ t: 'close-partitions', id: this.#nextRequestId++, partitions }).catch(() => undefined);
    for (const p of partitions) {
      const k = tpKey(p.topic, p.partition);
      this.#assigned.delete(k);
      this.#assignStart.delete(k);
      this.#currentOffsets.delete(k);
      this.#firstSent.delete(k);
      this.#lastCommitted.delete(k);
      this.#readFrom.delete(k);
    }
    this.metrics.partitionCount = this.#assigned.size;
    this.#opts.logger.info({ partitions: partitions.map((p) => `${p.topic}-${p.partition}`), lost }, 'partitions revoked');
  }

  /** Resolves when every batch sent was put (or the task failed). */
  async #drained(): Promise<void> {
    while (this.#inFlight.size > 0 && !this.#runEnded && this.state !== 'FAILED') await this.#waitForProgress(100);
  }

  // ---- offsets -----------------------------------------------------------------------------

  /**
   * preCommit → wait for DLQ writes → commit to the group. One at a time: a call during a commit
   * joins it, unless `fresh`, which waits for it and commits again (a revocation or a stop must
   * commit what was put up to now, not what a commit begun earlier saw).
   */
  commitOffsets(fresh = false): Promise<void> {
    if (fresh && this.#committing !== undefined) return this.#committing.then(() => this.commitOffsets(true));
    this.#committing ??= this.#commit(fresh).finally(() => (this.#committing = undefined));
    return this.#committing;
  }

  /** `closing`: the partitions are being revoked or the task stopped (a failed preCommit then rewinds nothing). */
  async #commit(closing: boolean): Promise<void> {
    // Nothing assigned (the task may not even have returned from start() yet): nothing to commit.
    if (this.#runEnded || this.state === 'FAILED' || this.port === undefined || this.#assigned.size === 0) return;
    const current: PartitionOffset[] = [];
    for (const [k, o] of this.#currentOffsets) if (this.#assigned.has(k)) current.push([o.topic, o.partition, o.offset]);
    const started = performance.now();
    try {
      const reply = await this.#request({ t: 'pre-commit', id: this.#nextRequestId++, offsets: current });
      if (reply.t !== 'pre-committed') return;
      if (reply.error !== undefined) {
        this.#preCommitFailed(reply.error, closing);
        return;
      }
      const toCommit: TopicPartitionOffset[] = [];
      for (const [topic, partition, offset] of reply.offsets) {
        const k = tpKey(topic, partition);
        if (!this.#assigned.has(k)) continue;
        if (this.#lastCommitted.get(k) !== offset) toCommit.push({ topic, partition, offset });
      }
      // Every DLQ write for records up to these offsets must be in Kafka first.
      await Promise.all([...this.#pendingDlq]);
      if (toCommit.length === 0) {
        this.metrics.offsetCommitSkip++;
        return;
      }
      await this.#consumer.commit(toCommit);
      for (const o of toCommit) this.#lastCommitted.set(tpKey(o.topic, o.partition), o.offset);
      this.metrics.offsetCommitSuccess++;
      this.metrics.offsetCommitSeconds.observe((performance.now() - started) / 1000);
    } catch (err) {
      this.metrics.offsetCommitFailure++;
      this.#opts.logger.error({ err }, 'offset commit failed; will retry at the next flush');
    }
  }

  /**
   * preCommit (the task's flush) threw. As Kafka Connect's WorkerSinkTask: the task keeps running
   * and every partition goes back to its last committed offset (or where this task began reading
   * it), so what was put since is put again; while closing, nothing is committed and nothing
   * rewound (the partitions' next owner starts from the last commit). The task host has already
   * moved to a new epoch: the batches sent before its answer are skipped.
   */
  #preCommitFailed(error: ErrorInfo, closing: boolean): void {
    this.metrics.offsetCommitFailure++;
    if (closing) {
      this.#epoch++;
      this.#opts.logger.warn({ err: error }, 'Offset commit failed during close');
      return;
    }
    this.#opts.logger.error({ err: error }, 'Offset commit failed, rewinding to last committed offsets');
    const targets: PartitionOffset[] = [];
    for (const [k, p] of this.#assigned) {
      const at = this.#lastCommitted.get(k) ?? this.#readFrom.get(k);
      if (at !== undefined) targets.push([p.topic, p.partition, at]);
    }
    this.#rewind(targets);
  }

  // ---- errors ------------------------------------------------------------------------------

  #errant(failure: ErrantRecord, reportId: number | undefined): void {
    const errors = this.metrics.errors;
    errors.recordErrors++;
    errors.recordFailures++;
    errors.lastErrorTimestamp = Date.now();
    if (reportId === undefined) errors.recordsSkipped++;
    const original = this.#inFlight.get(failure.batch)?.messages?.[failure.index];
    const cfg = this.#opts.errors;
    if (cfg.logEnable) {
      errors.errorsLogged++;
      const where = original === undefined ? {} : { topic: original.topic, partition: original.partition, offset: original.offset };
      const record =
        cfg.logIncludeMessages && original !== undefined
          ? { key: textOf(original.key), value: textOf(original.value), timestamp: original.timestamp }
          : {};
      this.#opts.logger.error(
        { stage: failure.stage, className: failure.className, err: failure.error, ...where, ...record },
        `Error encountered in task ${this.label}. Executing stage '${failure.stage}' with class '${failure.className}'${original === undefined ? '' : `, where consumed record is {topic='${original.topic}', partition=${original.partition}, offset=${original.offset}}`}.`,
      );
    }
    const answer = (error?: ErrorInfo): void => {
      if (reportId !== undefined)
        this.#send(error === undefined ? { t: 'errant-reported', reportId } : { t: 'errant-reported', reportId, error });
    };
    if (this.#dlq === undefined || original === undefined) {
      answer();
      return;
    }
    errors.dlqProduceRequests++;
    const write = this.#dlq.write({
      topic: original.topic,
      partition: original.partition,
      offset: original.offset,
      key: typeof original.key === 'string' ? Buffer.from(original.key) : (original.key ?? null),
      value: original.value,
      timestamp: original.timestamp ?? null,
      headers: (original.headers ?? []).flatMap((h) => Object.entries(h).map(([key, value]) => ({ key, value }))),
      stage: failure.stage,
      className: failure.className,
      error: failure.error,
    });
    const tracked = write.then(
      () => answer(),
      (err: unknown) => {
        this.metrics.errors.dlqProduceFailures++;
        answer(toErrorInfo(err));
        this.#opts.logger.error({ err }, 'dead letter queue write failed; failing the task so the record is not lost');
        this.fail(err);
        this.#send({ t: 'stop' });
      },
    );
    this.#pendingDlq.add(tracked);
    void tracked.finally(() => this.#pendingDlq.delete(tracked));
  }

  // ---- lifecycle ---------------------------------------------------------------------------

  /** Kafka Connect's PAUSED for a sink: stop consuming, stay in the group. */
  pause(): void {
    if (this.state === 'FAILED') return;
    this.#connectorPaused = true;
    if (this.state === 'RUNNING') this.setState('PAUSED');
    if (this.#loop !== undefined && !this.#allPaused) this.#pauseAll();
    this.#wakeLoop();
  }

  resume(): void {
    this.#connectorPaused = false;
    if (this.state !== 'PAUSED') return;
    this.setState('RUNNING');
    this.#wakeLoop();
  }

  /**
   * Graceful stop: stop consuming, let in-flight puts finish, commit, close the partitions, stop
   * the task, leave the group. False if the task did not stop within `timeoutMs` (it is abandoned).
   */
  async stop(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    const remaining = (): number => Math.max(0, deadline - Date.now());
    this.#stopping = true;
    this.#wakeLoop();
    await withTimeout(this.#loop ?? Promise.resolve(), remaining());
    let stopped = true;
    if (!this.#runEnded) {
      await withTimeout(this.#drained(), remaining());
      if (this.state !== 'FAILED') await withTimeout(this.commitOffsets(true), remaining());
      const partitions = [...this.#assigned.values()];
      if (partitions.length > 0 && !this.#runEnded)
        await withTimeout(
          this.#request({ t: 'close-partitions', id: this.#nextRequestId++, partitions }).catch(() => undefined),
          remaining(),
        );
      this.#send({ t: 'stop' });
      stopped =
        (await withTimeout(
          (this.run ?? Promise.resolve()).then(() => true),
          remaining(),
        )) === true;
      if (!stopped) this.#opts.logger.warn({ timeoutMs }, 'task did not stop in time; abandoned');
    }
    await this.#closeClients();
    return stopped;
  }

  #clientsClosed: Promise<void> | undefined;
  #closeClients(): Promise<void> {
    this.#clientsClosed ??= (async () => {
      const closed = await this.#consumer?.disconnect().catch(() => true);
      if (closed === false)
        this.#opts.logger.warn(
          'the sink consumer had not closed after 10 s; its close goes on in the background (and the process waits for it when it exits)',
        );
      await this.#dlq?.disconnect().catch(() => undefined);
    })();
    return this.#clientsClosed;
  }

  #request(msg: Extract<ToSinkTask, { id: number }>): Promise<FromSinkTask> {
    if (this.#runEnded) return Promise.reject(new Error('the task has ended'));
    const answered = new Promise<FromSinkTask>((resolve, reject) => this.#requests.set(msg.id, { resolve, reject }));
    this.#send(msg);
    return answered;
  }

  protected override onRunEnded(): void {
    this.#runEnded = true;
    for (const pending of this.#requests.values()) pending.reject(new Error('the task has ended'));
    this.#requests.clear();
    this.#wakeLoop();
  }

  protected override fail(err: unknown): void {
    if (!this.markFailed(err)) return;
    this.#wakeLoop();
    // Leave the group now, so its partitions go to the connector's other tasks; nothing is committed.
    if (!this.#stopping) void this.#closeClients();
  }

  #send(msg: ToSinkTask, transfer?: ArrayBuffer[]): void {
    if (this.port === undefined || this.#runEnded) return;
    try {
      this.port.postMessage(msg, transfer);
    } catch {
      // The worker side is gone: the run() rejection reports why.
    }
  }
}

/** `topics` as names, or `topics.regex` as librdkafka's `^regex` subscription. */
function subscription(config: Readonly<Record<string, string>>): string[] {
  const regex = (config['topics.regex'] ?? '').trim();
  if (regex !== '') return [regex.startsWith('^') ? regex : `^${regex}`];
  return (config.topics ?? '')
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '');
}

function textOf(v: Uint8Array | string | null | undefined): string | null {
  if (v === null || v === undefined) return null;
  return typeof v === 'string' ? v : Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('utf8');
}
