/**
 * The supervisor's half of a sink connector's life, in memory: what Kafka Connect's Worker and
 * WorkerSinkTask (connectd's src/main-thread/runtime/worker-sink-task.ts) do around a sink task,
 * with a {@link TopicLog} in place of the consumer and a map in place of the group's committed
 * offsets. The tasks run in connectd's real task host (workers/task-host.js → sink-task-host), so
 * records are decoded, converted, transformed and error-handled exactly as in the daemon.
 *
 * As the daemon's supervisor: each task's partitions are opened (open() may rewind them with
 * context.offset()) and read from the group's committed offset, else from the start; batches go out
 * in offset order per partition, at most {@link MAX_BATCHES_IN_FLIGHT} unanswered; a partition's
 * committable offset becomes "last put + 1" once put() returned for it; a commit asks preCommit and
 * stores what it allows, every `commitIntervalMs` (the daemon's offset.flush.interval.ms) from the
 * start on, records in flight or not, and when the kit asks; a stop waits for the puts in flight,
 * commits, closes the partitions, then stops the task, and reads what the task said before it ended. Pause/resume requests, context.offset() rewinds, request-commit, errant reports
 * (answered at once: the kit has no dead letter queue) and put retries are followed too.
 */
import { receiveMessageOnPort } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import type { Piscina } from 'piscina';
import type {
  ErrorInfo,
  FromSinkTask,
  PartitionOffset,
  SinkTaskHostRequest,
  ToSinkTask,
  WireTopicPartition,
} from '../../../shared/protocol.js';
import { encodeSinkBatch } from '../../../shared/sink-batch.js';
import type { ConsumedMessage } from '../../../shared/sink-batch.js';
import type { TaskConfig } from '../connector.js';
import { ConnectorRun } from './harness.js';
import type { HostedTask, RunOptions } from './harness.js';

/** Records per batch (the consumer's max.poll.records, kept small so a run spans several batches). */
const MAX_BATCH_RECORDS = 8;
/**
 * Batches sent and not yet answered, per task. The daemon bounds the records and bytes in flight
 * (and pauses consumption past them); the kit's batches are small, so it bounds batches: a second
 * one waits while put() works on the first, as in the daemon.
 */
const MAX_BATCHES_IN_FLIGHT = 2;

/** One record of the in-memory topics, and what the kit knows about it. */
export interface LoggedRecord<Tag = unknown> {
  readonly message: ConsumedMessage & { readonly offset: number };
  readonly tag: Tag;
}

/** The kit's Kafka: records appended to topic partitions, each partition numbered from offset 0. */
export class TopicLog<Tag = unknown> {
  readonly records: LoggedRecord<Tag>[] = [];
  readonly #ends = new Map<string, number>();

  append(message: Omit<ConsumedMessage, 'offset'>, tag: Tag): LoggedRecord<Tag> {
    const k = tpKey(message.topic, message.partition);
    const offset = this.#ends.get(k) ?? 0;
    this.#ends.set(k, offset + 1);
    const record: LoggedRecord<Tag> = { message: { ...message, offset }, tag };
    this.records.push(record);
    return record;
  }

  /** The offset the next record of the partition will get. */
  end(topic: string, partition: number): number {
    return this.#ends.get(tpKey(topic, partition)) ?? 0;
  }

  /** Every partition written to, in a stable order. */
  partitions(): WireTopicPartition[] {
    return [...this.#ends.keys()].sort().map(fromKey);
  }
}

/** The group's committed offsets: partition key → the next offset to read. */
export type CommittedOffsets = Map<string, number>;

export interface SinkHarnessOptions<Tag> extends RunOptions {
  log: TopicLog<Tag>;
  /** Read when partitions are opened, written by each commit the run keeps. */
  committed: CommittedOffsets;
  /** Partitions to spread over the tasks (as the group's assignor would) beside those the log holds records of. */
  partitions?: readonly WireTopicPartition[];
  /** How often each task commits once started, as the daemon's offset.flush.interval.ms (default 200 ms). */
  commitIntervalMs?: number;
}

/** A record the error handling skipped (errors.tolerance=all), or the task reported (errantRecordReporter). */
export interface SinkErrant<Tag> {
  readonly task: number;
  readonly stage: string;
  readonly error: ErrorInfo;
  readonly record: LoggedRecord<Tag> | undefined;
  /** Reported by the task itself (KIP-610), rather than skipped by the framework. */
  readonly byTask: boolean;
}

/** One answer of a task's preCommit, beside what the kit asked it with. */
export interface PreCommit {
  readonly task: number;
  /** Stop or revocation: the last commit before close(). */
  readonly closing: boolean;
  /** What was put: partition key → last put + 1. */
  readonly current: ReadonlyMap<string, number>;
  readonly answer: readonly PartitionOffset[];
  readonly assigned: ReadonlySet<string>;
}

/** One run of a sink connector and its tasks, from start to stop. */
export class SinkConnectorRun<Tag = unknown> extends ConnectorRun<SinkTaskChannel<Tag>> {
  readonly log: TopicLog<Tag>;
  readonly committed: CommittedOffsets;
  /** Records put() returned for, in the order the tasks took them. */
  readonly put: LoggedRecord<Tag>[] = [];
  readonly errants: SinkErrant<Tag>[] = [];
  readonly preCommits: PreCommit[] = [];
  /** RetriableExceptions put() threw (the host puts the same records again). */
  readonly putRetries: { task: number; error: ErrorInfo }[] = [];
  /** False from now on: commits are answered but not stored, as when the commit to Kafka fails. */
  keepCommits = true;
  readonly #partitions: readonly WireTopicPartition[] | undefined;
  readonly #commitIntervalMs: number;
  #commitTimer: NodeJS.Timeout | undefined;
  #stopping = false;

  constructor(pool: Piscina, options: SinkHarnessOptions<Tag>) {
    super(pool, options);
    this.log = options.log;
    this.committed = options.committed;
    this.#partitions = options.partitions;
    this.#commitIntervalMs = options.commitIntervalMs ?? 200;
  }

  /** Starts the connector and its tasks, then opens each task's share of the partitions. */
  override async start(maxTasks: number): Promise<void> {
    await super.start(maxTasks);
    // The partitions named, and any the log holds records of (a record given its own topic or partition).
    const named = new Set((this.#partitions ?? []).map((p) => tpKey(p.topic, p.partition)));
    const partitions = [...(this.#partitions ?? []), ...this.log.partitions().filter((p) => !named.has(tpKey(p.topic, p.partition)))];
    await Promise.all(this.tasks.map((task, i) => task.open(partitions.filter((_, p) => p % this.tasks.length === i))));
    // The daemon commits on its interval whatever is in flight: a task that pauses its partitions
    // until flush() or preCommit() resumes them relies on it.
    if (!this.#stopping)
      this.#commitTimer = setInterval(() => {
        for (const t of this.tasks) void t.commit(false, false);
      }, this.#commitIntervalMs).unref();
  }

  /** Ends the periodic commits, then stops as the daemon does (each task commits once more, closes, stops). */
  override stop(timeoutMs: number): Promise<boolean> {
    this.#stopping = true;
    clearInterval(this.#commitTimer);
    return super.stop(timeoutMs);
  }

  /** The partitions a task paused (context.pause()) and did not resume, for a wait that timed out. */
  paused(): WireTopicPartition[] {
    return this.tasks.flatMap((t) => t.paused());
  }

  /** Sends what the log holds beyond each task's position. */
  deliver(): void {
    for (const task of this.tasks) task.deliver();
  }

  /** Whether every record of the log was put or skipped (or the task failed). */
  caughtUp(): boolean {
    return this.tasks.every((t) => t.caughtUp());
  }

  /** A commit on every task, begun now (after one under way), as the daemon's offset.flush.interval.ms timer does. */
  async commit(): Promise<void> {
    await Promise.all(this.tasks.map((t) => t.commit(false, true)));
  }

  /** Where each task still is, for a stop that took too long. */
  stopStages(): string {
    return this.tasks
      .filter((t) => t.stage !== 'stopped')
      .map((t) => `task ${t.id} was waiting for ${t.stage}`)
      .join('; ');
  }

  protected startTask(id: number, taskConfig: TaskConfig): SinkTaskChannel<Tag> {
    const config = { ...this.options.config };
    const task = this.hostTask(id, taskConfig, (port): SinkTaskHostRequest => ({
      kind: 'sink-task',
      connectorName: this.connectorName,
      taskId: id,
      connectorConfig: config,
      taskConfig,
      port,
      pluginPath: this.pluginPath,
    }));
    return new SinkTaskChannel(id, task.port, task.done, this, () => this.changed());
  }
}

interface InFlightBatch<Tag> {
  readonly epoch: number;
  readonly records: LoggedRecord<Tag>[];
  /** Indexes of the records the framework skipped (errors.tolerance=all): not put. */
  readonly skipped: Set<number>;
}

type Request = Extract<ToSinkTask, { id: number }>;

/** The supervisor's end of one sink task's channel (the daemon's WorkerSinkTask, minus the consumer). */
class SinkTaskChannel<Tag> implements HostedTask {
  readonly started: Promise<void>;
  /** What a stop is waiting for, for the report of a stop that took too long. */
  stage = 'start()';
  #ended = false;
  #stopping = false;
  readonly #assigned = new Map<string, WireTopicPartition>();
  /** Per partition: the next offset to send. */
  readonly #position = new Map<string, number>();
  /** Per partition: last put + 1. */
  readonly #current = new Map<string, number>();
  /** Per partition: where this run began reading it (a failed preCommit's fallback when nothing was committed). */
  readonly #readFrom = new Map<string, number>();
  readonly #paused = new Set<string>();
  #epoch = 0;
  #nextBatchId = 0;
  readonly #inFlight = new Map<number, InFlightBatch<Tag>>();
  #nextRequestId = 0;
  /** Answers awaited; undefined when the task ended first. */
  readonly #requests = new Map<number, (msg: FromSinkTask | undefined) => void>();
  #committing: Promise<void> | undefined;
  readonly #idle = new Set<() => void>();
  #stop: Promise<void> | undefined;

  constructor(
    readonly id: number,
    readonly port: MessagePort,
    readonly done: Promise<void>,
    readonly run: SinkConnectorRun<Tag>,
    readonly changed: () => void,
  ) {
    let markStarted!: () => void;
    this.started = new Promise<void>((resolve) => (markStarted = resolve));
    // A task that fails before it starts never says `started`.
    void done.then(() => {
      this.#ended = true;
      this.stage = 'stopped';
      markStarted();
      for (const answer of this.#requests.values()) answer(undefined);
      this.#requests.clear();
      this.#wakeIdle();
      changed();
    });
    port.on('message', (msg: FromSinkTask) => {
      this.#onMessage(msg, markStarted);
      changed();
    });
  }

  /** open(partitions), then their positions: the task's rewinds, else the committed offsets, else 0. */
  async open(partitions: readonly WireTopicPartition[]): Promise<void> {
    for (const p of partitions) {
      const k = tpKey(p.topic, p.partition);
      this.#assigned.set(k, p);
      const from = this.run.committed.get(k) ?? 0;
      this.#position.set(k, from);
      this.#readFrom.set(k, from);
    }
    if (partitions.length === 0 || this.#ended) return;
    this.stage = 'open(partitions)';
    const reply = await this.#request({ t: 'open', id: this.#nextRequestId++, partitions: [...partitions] });
    if (reply?.t === 'opened' && reply.rewinds !== undefined) {
      this.#epoch++;
      for (const [topic, partition, offset] of reply.rewinds) {
        const k = tpKey(topic, partition);
        if (!this.#assigned.has(k)) continue;
        this.#position.set(k, offset);
        this.#current.set(k, offset);
        this.#readFrom.set(k, offset);
      }
    }
    this.stage = 'put()';
  }

  paused(): WireTopicPartition[] {
    return [...this.#paused].filter((k) => this.#assigned.has(k)).map(fromKey);
  }

  caughtUp(): boolean {
    if (this.#ended) return true;
    if (this.#inFlight.size > 0) return false;
    for (const [k, p] of this.#assigned) if ((this.#position.get(k) ?? 0) < this.run.log.end(p.topic, p.partition)) return false;
    return true;
  }

  /** Sends batches of the records beyond the positions of the partitions not paused, up to the in-flight limit. */
  deliver(): void {
    while (!this.#ended && !this.#stopping && this.#inFlight.size < MAX_BATCHES_IN_FLIGHT) {
      const records: LoggedRecord<Tag>[] = [];
      for (const record of this.run.log.records) {
        const { topic, partition, offset } = record.message;
        const k = tpKey(topic, partition);
        if (!this.#assigned.has(k) || this.#paused.has(k) || this.#position.get(k) !== offset) continue;
        records.push(record);
        this.#position.set(k, offset + 1);
        if (records.length === MAX_BATCH_RECORDS) break;
      }
      if (records.length === 0) return;
      const encoded = encodeSinkBatch(records.map((r) => r.message));
      const id = this.#nextBatchId++;
      this.#inFlight.set(id, { epoch: this.#epoch, records, skipped: new Set() });
      this.#send({ t: 'batch', id, epoch: this.#epoch, count: encoded.count, topics: encoded.topics, buffer: encoded.buffer }, [
        encoded.buffer,
      ]);
    }
  }

  /**
   * preCommit → store what it allows. One commit at a time: a `fresh` one (the stop's, the kit's)
   * waits for one under way and commits again; another joins it.
   */
  commit(closing: boolean, fresh = closing): Promise<void> {
    if (fresh && this.#committing !== undefined) return this.#committing.then(() => this.commit(closing, true));
    this.#committing ??= this.#commit(closing).finally(() => (this.#committing = undefined));
    return this.#committing;
  }

  /** The daemon's graceful stop: wait for the puts in flight, commit, close(partitions), stop(). */
  stop(): Promise<void> {
    // A run stopped again (the kit's clean-up after a stop that took too long) joins the first stop.
    this.#stop ??= this.#stopOnce();
    return this.#stop;
  }

  async #stopOnce(): Promise<void> {
    this.#stopping = true;
    if (!this.#ended) {
      this.stage = 'the puts in flight';
      await this.#drained();
      this.stage = 'preCommit()';
      await this.commit(true);
      if (this.#assigned.size > 0 && !this.#ended) {
        this.stage = 'close(partitions)';
        await this.#request({ t: 'close-partitions', id: this.#nextRequestId++, partitions: [...this.#assigned.values()] });
      }
      this.stage = 'stop()';
      this.#send({ t: 'stop' });
    }
    await this.done;
    // What the host sent before it ended (a stop-failed, say) may still wait on the port: closing
    // it would drop it. The host's result comes after its last message, so it is queued by now.
    for (let queued = receiveMessageOnPort(this.port); queued !== undefined; queued = receiveMessageOnPort(this.port)) {
      this.#onMessage(queued.message as FromSinkTask, () => undefined);
      this.changed();
    }
    this.port.close();
  }

  #onMessage(msg: FromSinkTask, markStarted: () => void): void {
    switch (msg.t) {
      case 'started':
        markStarted();
        break;
      case 'put-done':
        this.#putDone(msg);
        break;
      case 'opened':
      case 'pre-committed':
      case 'closed-partitions': {
        const answer = this.#requests.get(msg.id);
        this.#requests.delete(msg.id);
        answer?.(msg);
        break;
      }
      case 'errant': {
        const batch = this.#inFlight.get(msg.batch);
        if (msg.reportId === undefined) batch?.skipped.add(msg.index);
        else this.#send({ t: 'errant-reported', reportId: msg.reportId });
        this.run.errants.push({
          task: this.id,
          stage: msg.stage,
          error: msg.error,
          record: batch?.records[msg.index],
          byTask: msg.reportId !== undefined,
        });
        break;
      }
      case 'pause-partitions':
        for (const p of msg.partitions) this.#paused.add(tpKey(p.topic, p.partition));
        break;
      case 'resume-partitions':
        for (const p of msg.partitions) this.#paused.delete(tpKey(p.topic, p.partition));
        this.deliver();
        break;
      case 'request-commit':
        void this.commit(false, false);
        break;
      case 'put-retry':
        this.run.putRetries.push({ task: this.id, error: msg.error });
        break;
      case 'stop-failed':
        this.run.callbackFailures.push({ task: this.id, what: 'stop', error: msg.error });
        break;
    }
  }

  #putDone(msg: Extract<FromSinkTask, { t: 'put-done' }>): void {
    const batch = this.#inFlight.get(msg.id);
    if (batch === undefined) return;
    this.#inFlight.delete(msg.id);
    if (!msg.skipped) {
      batch.records.forEach((record, i) => {
        const { topic, partition, offset } = record.message;
        const k = tpKey(topic, partition);
        if (this.#assigned.has(k)) this.#current.set(k, offset + 1);
        if (!batch.skipped.has(i)) this.run.put.push(record);
      });
    }
    if (msg.rewinds !== undefined) this.#rewind(msg.rewinds);
    this.#wakeIdle();
    this.deliver();
  }

  /** context.offset(): every partition back to what put() took (the task skips the batches in flight), the asked ones to their offsets. */
  #rewind(rewinds: readonly PartitionOffset[]): void {
    this.#epoch++;
    for (const k of this.#assigned.keys()) {
      const at = this.#current.get(k) ?? this.#readFrom.get(k);
      if (at !== undefined) this.#position.set(k, at);
    }
    for (const [topic, partition, offset] of rewinds) {
      const k = tpKey(topic, partition);
      if (!this.#assigned.has(k)) continue;
      this.#position.set(k, offset);
      this.#current.set(k, offset);
    }
  }

  async #commit(closing: boolean): Promise<void> {
    if (this.#ended || this.#assigned.size === 0) return;
    const current = new Map([...this.#current].filter(([k]) => this.#assigned.has(k)));
    const reply = await this.#request({
      t: 'pre-commit',
      id: this.#nextRequestId++,
      offsets: [...current].map(([k, offset]): PartitionOffset => {
        const p = this.#assigned.get(k)!;
        return [p.topic, p.partition, offset];
      }),
    });
    if (reply?.t !== 'pre-committed') return;
    if (reply.error !== undefined) {
      // As the daemon: logged, nothing committed; outside a close, every partition goes back to its
      // last commit (the host skips the batches sent before its answer).
      this.run.callbackFailures.push({ task: this.id, what: 'preCommit', error: reply.error });
      if (closing) this.#epoch++;
      else
        this.#rewind(
          [...this.#assigned].flatMap(([k, p]): PartitionOffset[] => {
            const at = this.run.committed.get(k) ?? this.#readFrom.get(k);
            return at === undefined ? [] : [[p.topic, p.partition, at]];
          }),
        );
      this.deliver();
      return;
    }
    this.run.preCommits.push({ task: this.id, closing, current, answer: reply.offsets, assigned: new Set(this.#assigned.keys()) });
    if (!this.run.keepCommits) return;
    for (const [topic, partition, offset] of reply.offsets) {
      const k = tpKey(topic, partition);
      // The daemon ignores offsets for partitions the task does not own (the check reports them).
      if (this.#assigned.has(k)) this.run.committed.set(k, offset);
    }
  }

  /** The task's answer to `msg`; undefined if the task ended (failed) before answering. */
  #request(msg: Request): Promise<FromSinkTask | undefined> {
    if (this.#ended) return Promise.resolve(undefined);
    const answered = new Promise<FromSinkTask | undefined>((resolve) => this.#requests.set(msg.id, resolve));
    this.#send(msg);
    return answered;
  }

  #drained(): Promise<void> {
    if (this.#inFlight.size === 0 || this.#ended) return Promise.resolve();
    return new Promise((resolve) => {
      const check = (): void => {
        if (this.#inFlight.size > 0 && !this.#ended) return;
        this.#idle.delete(check);
        resolve();
      };
      this.#idle.add(check);
    });
  }

  #wakeIdle(): void {
    for (const check of [...this.#idle]) check();
  }

  #send(msg: ToSinkTask, transfer?: ArrayBuffer[]): void {
    if (this.#ended) return;
    this.port.postMessage(msg, transfer);
  }
}

export function tpKey(topic: string, partition: number): string {
  return `${topic}\n${partition}`;
}

export function fromKey(k: string): WireTopicPartition {
  const at = k.lastIndexOf('\n');
  return { topic: k.slice(0, at), partition: Number(k.slice(at + 1)) };
}
