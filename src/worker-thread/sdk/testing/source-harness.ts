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
import { MessageChannel } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { DROPPED_PARTITION, RecordBatchReader, decodeOffsetJson } from '../../../shared/record-batch.js';
import type {
  ConnectorHostRequest,
  ErrorInfo,
  FromConnector,
  FromSourceTask,
  HostResult,
  ReleasedBatch,
  SourceTaskHostRequest,
  ToConnector,
  ToSourceTask,
  ValidateHostRequest,
  ValidateResult,
} from '../../../shared/protocol.js';
import type { TaskConfig } from '../connector.js';

/** The daemon's worker-thread entry, which hosts connectors and tasks. */
const TASK_HOST = new URL('../../../../workers/task-host.js', import.meta.url);

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

export interface HarnessOptions {
  /** The connector's config; `connector.class` names it (a built-in, or a class on pluginPath). */
  config: Readonly<Record<string, string>>;
  pluginPath?: readonly string[];
  /** Offsets committed before: a restart resumes from them. */
  offsets?: OffsetStore;
}

/** The thread pool the connector and its tasks run on: one thread, as a small worker. */
export function taskHostPool(): Piscina {
  return new Piscina({
    filename: TASK_HOST.href,
    minThreads: 1,
    maxThreads: 1,
    concurrentTasksPerWorker: 4096,
    idleTimeout: Number.POSITIVE_INFINITY,
    atomics: 'disabled',
  });
}

/** The framework's and the connector's validation of a config (Kafka Connect's PUT …/config/validate). */
export async function validateInHost(
  pool: Piscina,
  config: Readonly<Record<string, string>>,
  pluginPath: readonly string[],
): Promise<ValidateResult> {
  const request: ValidateHostRequest = { kind: 'validate', config: { ...config }, pluginPath };
  return (await pool.run(request)) as ValidateResult;
}

/** One run of a source connector and its tasks, from start to stop. */
export class SourceConnectorRun {
  readonly delivered: DeliveredRecord[] = [];
  readonly errants: ErrantReport[] = [];
  /** commitRecord/commit/stop failures the task host reported: the framework logs them. */
  readonly callbackFailures: { task: number; what: string; error: ErrorInfo }[] = [];
  readonly offsets: OffsetStore;
  readonly taskConfigs: TaskConfig[] = [];
  /** A task's run ended with this error: the task FAILED. */
  readonly taskFailures: { task: number; error: Error }[] = [];
  connectorVersion = '';

  readonly #pool: Piscina;
  readonly #options: HarnessOptions;
  #connector: { port: MessagePort; done: Promise<unknown> } | undefined;
  readonly #tasks: SourceTaskChannel[] = [];
  readonly #waiters = new Set<() => void>();

  constructor(pool: Piscina, options: HarnessOptions) {
    this.#pool = pool;
    this.#options = options;
    this.offsets = options.offsets ?? new Map();
  }

  get pluginPath(): readonly string[] {
    return this.#options.pluginPath ?? [];
  }

  /** Starts the connector, asks for `maxTasks` task configs and starts a task for each. */
  async start(maxTasks: number): Promise<void> {
    const config = { ...this.#options.config };
    const { port1, port2 } = new MessageChannel();
    const request: ConnectorHostRequest = {
      kind: 'connector',
      connectorName: config.name ?? 'acceptance',
      config,
      port: port2,
      pluginPath: this.pluginPath,
    };
    const done = this.#pool.run(request, { transferList: [port2] });
    this.#connector = { port: port1, done };
    const started = nextMessage<FromConnector>(port1, done, (m) => m.t === 'started');
    const first = await started;
    if (first.t === 'started') this.connectorVersion = first.version;
    port1.postMessage({ t: 'task-configs', id: 1, maxTasks } satisfies ToConnector);
    const answer = await nextMessage<FromConnector>(port1, done, (m) => m.t === 'task-configs');
    if (answer.t !== 'task-configs') throw new Error('unreachable');
    if (answer.error !== undefined)
      throw Object.assign(new Error(`taskConfigs(${maxTasks}) threw ${answer.error.name}: ${answer.error.message}`), {
        cause: answer.error,
      });
    for (const taskConfig of answer.configs ?? []) this.taskConfigs.push(taskConfig);
    for (let id = 0; id < this.taskConfigs.length; id++) this.#tasks.push(this.#startTask(id, this.taskConfigs[id]!));
    await Promise.all(this.#tasks.map((t) => t.started));
  }

  /** Resolves once `predicate` holds (checked after every message), or rejects after `timeoutMs`. */
  async waitFor(what: string, predicate: () => boolean, timeoutMs: number): Promise<void> {
    if (predicate()) return;
    await new Promise<void>((resolve, reject) => {
      const check = (): void => {
        if (!predicate()) return;
        clearTimeout(timer);
        this.#waiters.delete(check);
        resolve();
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(check);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      this.#waiters.add(check);
    });
  }

  /**
   * Stops the tasks (a poll may be pending: stop() must make it return), waits for each task host
   * to end, then stops the connector. Resolves to false if that took longer than `timeoutMs`.
   */
  async stop(timeoutMs: number): Promise<boolean> {
    const stopped = (async () => {
      await Promise.all(this.#tasks.map((t) => t.stop()));
      if (this.#connector !== undefined) {
        this.#connector.port.postMessage({ t: 'stop' } satisfies ToConnector);
        await this.#connector.done;
        this.#connector.port.close();
      }
    })();
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
    try {
      return await Promise.race([stopped.then(() => true as const), late]);
    } finally {
      clearTimeout(timer);
    }
  }

  #changed(): void {
    for (const waiter of [...this.#waiters]) waiter();
  }

  #startTask(id: number, taskConfig: TaskConfig): SourceTaskChannel {
    const { port1, port2 } = new MessageChannel();
    const config = { ...this.#options.config };
    const request: SourceTaskHostRequest = {
      kind: 'source-task',
      connectorName: config.name ?? 'acceptance',
      taskId: id,
      connectorConfig: config,
      taskConfig,
      initialCredit: { records: 10_000, bytes: 16 * 1024 * 1024 },
      port: port2,
      pluginPath: this.pluginPath,
    };
    const done = (this.#pool.run(request, { transferList: [port2] }) as Promise<HostResult>).then(
      () => undefined,
      (err: unknown) => {
        this.taskFailures.push({ task: id, error: err instanceof Error ? err : new Error(String(err)) });
        this.#changed();
      },
    );
    return new SourceTaskChannel(id, port1, done, this, () => this.#changed());
  }
}

/** The supervisor's end of one source task's channel. */
class SourceTaskChannel {
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

/** The first message on `port` that `accept` takes; rejects if the host's run ends first. */
function nextMessage<M>(port: MessagePort, done: Promise<unknown>, accept: (m: M) => boolean): Promise<M> {
  return new Promise<M>((resolve, reject) => {
    const onMessage = (msg: M): void => {
      if (!accept(msg)) return;
      port.off('message', onMessage);
      resolve(msg);
    };
    port.on('message', onMessage);
    done.then(
      () => reject(new Error('the host ended before answering')),
      (err: unknown) => {
        port.off('message', onMessage);
        reject(err instanceof Error ? err : new Error(String(err)));
      },
    );
  });
}
