/**
 * The supervisor's half of a source connector's life, in memory: what Kafka Connect's Worker,
 * WorkerSourceTask and offset store do around a connector, without Kafka. The connector and its
 * tasks run in a worker thread in connectd's real task host (workers/task-host.js, the daemon's own
 * entry), so they are converted, transformed and error-handled exactly as in the daemon, and a
 * plugin is loaded from `plugin.path` as the daemon loads it.
 *
 * Every batch a task sends is "delivered" at once: its records are kept, each source partition's
 * offset moves to its last record's, and the task gets its credit back and its commit callbacks
 * (`commitRecord`, `commit`), in the order the framework calls them.
 */
import type { MessagePort } from 'node:worker_threads';
import type { Piscina } from 'piscina';
import { DROPPED_PARTITION, RecordBatchReader, decodeOffsetJson } from '../../../shared/record-batch.js';
import type { ErrorInfo, FromSourceTask, ReleasedBatch, SourceTaskHostRequest, ToSourceTask } from '../../../shared/protocol.js';
import type { TaskConfig } from '../connector.js';
import { ConnectorRun } from './harness.js';
import type { HostedTask, RunOptions } from './harness.js';

export { taskHostPool, validateInHost } from './harness.js';

/** What the task host wrote for one polled record: the bytes the producer would have sent. */
export interface DeliveredRecord {
  readonly task: number;
  readonly topic: string;
  /** The record's source partition and offset, as JSON (Kafka Connect's offsets-topic form). */
  readonly sourcePartition: string;
  readonly sourceOffset: string;
  /** Converted key and value (null for a null key or value). */
  readonly key: Buffer | null;
  readonly value: Buffer | null;
}

/** A record the error handling skipped (errors.tolerance=all), as the task host reported it. */
export interface ErrantReport {
  readonly task: number;
  readonly stage: string;
  readonly error: ErrorInfo;
  readonly sourcePartition: string;
  readonly sourceOffset: string;
}

/** Offsets committed for a connector: source partition JSON → offset JSON. */
export type OffsetStore = Map<string, string>;

export interface HarnessOptions extends RunOptions {
  /** Offsets committed before: a restart resumes from them. */
  offsets?: OffsetStore;
}

/** One run of a source connector and its tasks, from start to stop. */
export class SourceConnectorRun extends ConnectorRun<SourceTaskChannel> {
  readonly delivered: DeliveredRecord[] = [];
  readonly errants: ErrantReport[] = [];
  readonly offsets: OffsetStore;

  constructor(pool: Piscina, options: HarnessOptions) {
    super(pool, options);
    this.offsets = options.offsets ?? new Map();
  }

  protected startTask(id: number, taskConfig: TaskConfig): SourceTaskChannel {
    const config = { ...this.options.config };
    const task = this.hostTask(id, taskConfig, (port): SourceTaskHostRequest => ({
      kind: 'source-task',
      connectorName: this.connectorName,
      taskId: id,
      connectorConfig: config,
      taskConfig,
      initialCredit: { records: 10_000, bytes: 16 * 1024 * 1024 },
      port,
      pluginPath: this.pluginPath,
    }));
    return new SourceTaskChannel(id, task.port, task.done, this, () => this.changed());
  }
}

/** The supervisor's end of one source task's channel. */
class SourceTaskChannel implements HostedTask {
  readonly started: Promise<void>;
  #wantsRecordCommits = false;
  #pollStopped!: () => void;
  readonly #pollStoppedPromise: Promise<void>;
  /** Fake Kafka offsets per topic, for commitRecord's metadata. */
  readonly #topicOffsets = new Map<string, number>();

  constructor(
    readonly id: number,
    readonly port: MessagePort,
    readonly done: Promise<void>,
    run: SourceConnectorRun,
    changed: () => void,
  ) {
    this.#pollStoppedPromise = new Promise((resolve) => (this.#pollStopped = resolve));
    let markStarted!: () => void;
    this.started = new Promise<void>((resolve) => (markStarted = resolve));
    // A task that fails before it starts never says `started`.
    void done.then(() => {
      markStarted();
      this.#pollStopped();
    });
    port.on('message', (msg: FromSourceTask) => {
      switch (msg.t) {
        case 'started':
          this.#wantsRecordCommits = msg.wantsRecordCommits;
          markStarted();
          break;
        case 'batch':
          this.#deliver(msg, run);
          break;
        case 'offsets-request':
          port.postMessage({
            t: 'offsets',
            id: msg.id,
            offsets: msg.partitions.map((p) => run.offsets.get(p) ?? null),
          } satisfies ToSourceTask);
          break;
        case 'errant':
          run.errants.push({
            task: id,
            stage: msg.stage,
            error: msg.error,
            sourcePartition: msg.sourcePartition,
            sourceOffset: msg.sourceOffset,
          });
          break;
        case 'commit-failed':
          run.callbackFailures.push({ task: id, what: msg.method, error: msg.error });
          break;
        case 'stop-failed':
          run.callbackFailures.push({ task: id, what: 'stop', error: msg.error });
          break;
        case 'poll-stopped':
          this.#pollStopped();
          break;
      }
      changed();
    });
  }

  async stop(): Promise<void> {
    this.port.postMessage({ t: 'stop' } satisfies ToSourceTask);
    await this.#pollStoppedPromise;
    // The final offset flush happened with the last batch: nothing is pending.
    this.port.postMessage({ t: 'close' } satisfies ToSourceTask);
    await this.done;
    this.port.close();
  }

  #deliver(batch: Extract<FromSourceTask, { t: 'batch' }>, run: SourceConnectorRun): void {
    const reader = new RecordBatchReader(batch.buffer);
    const partitions = new Int32Array(batch.count);
    const offsets = new Float64Array(batch.count);
    while (reader.next()) {
      const topic = batch.topics[reader.topicIndex]!;
      const sourcePartition = batch.sourcePartitions[reader.sourcePartitionIndex]!;
      const sourceOffset = decodeOffsetJson(batch.buffer, reader.offsetStart, reader.offsetLength);
      // Offsets commit in poll order per source partition, dropped (skipped) records included.
      run.offsets.set(sourcePartition, sourceOffset);
      if (reader.kafkaPartition === DROPPED_PARTITION) {
        partitions[reader.index] = -1;
        offsets[reader.index] = -1;
        continue;
      }
      const at = this.#topicOffsets.get(topic) ?? 0;
      this.#topicOffsets.set(topic, at + 1);
      partitions[reader.index] = Math.max(reader.kafkaPartition, 0);
      offsets[reader.index] = at;
      run.delivered.push({
        task: this.id,
        topic,
        sourcePartition,
        sourceOffset,
        key: reader.key === null ? null : Buffer.from(reader.key),
        value: reader.value === null ? null : Buffer.from(reader.value),
      });
    }
    this.port.postMessage({ t: 'credit', records: batch.count, bytes: batch.payloadBytes } satisfies ToSourceTask);
    const released: ReleasedBatch = this.#wantsRecordCommits
      ? { id: batch.id, kafkaPartitions: partitions, kafkaOffsets: offsets }
      : { id: batch.id };
    this.port.postMessage({ t: 'committed', released: [released] } satisfies ToSourceTask);
  }
}
