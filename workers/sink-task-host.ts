/**
 * The worker-thread half of one sink task (Kafka Connect's WorkerSinkTask, minus the consumer, which
 * lives on the supervisor's thread): decodes each batch of consumed records, converts and transforms
 * them under the connector's error handling, calls `put`, and answers the supervisor's open,
 * preCommit and close requests. Messages are handled one at a time, in order, so the task's calls
 * never overlap; only `stop` jumps the queue far enough to end a retrying `put`.
 */
import { threadId } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import { setTimeout as sleep } from 'node:timers/promises';
import { createConverter, createHeaderConverter } from '../src/worker-thread/data/converters.js';
import type { Converter, ConverterHeaders, HeaderConverter } from '../src/worker-thread/data/converter.js';
import { convertToString } from '../src/worker-thread/data/values.js';
import type { SchemaAndValue } from '../src/worker-thread/data/schema.js';
import { decodeSinkBatch } from '../src/shared/sink-batch.js';
import type { DecodedSinkRecord } from '../src/shared/sink-batch.js';
import {
  RetryWithToleranceOperator,
  SKIPPED,
  ToleranceExceededError,
  errorHandlingConfig,
  reportsErrors,
} from '../src/shared/error-handling.js';
import type { Stage } from '../src/shared/error-handling.js';
import { loadConnectorClass } from '../src/shared/plugins.js';
import { pluginConverter, pluginHeaderConverter, usePluginPath } from '../src/shared/plugin-path.js';
import type {
  ErrorInfo,
  FromSinkTask,
  HostResult,
  PartitionOffset,
  SinkTaskHostRequest,
  ToSinkTask,
  WireTopicPartition,
} from '../src/shared/protocol.js';
import { toErrorInfo } from '../src/shared/protocol.js';
import { TransformationChain, TransformationError } from '../src/worker-thread/transforms/chain.js';
import { isRetriable } from '../src/worker-thread/sdk/errors.js';
import { SinkRecord, SinkTask } from '../src/worker-thread/sdk/sink.js';
import type { ErrantRecordReporter, SinkTaskContext, TopicPartition } from '../src/worker-thread/sdk/sink.js';
import type { Header } from '../src/worker-thread/sdk/records.js';

/** How long a put that threw a RetriableException waits before the retry when the task set no timeout. */
const DEFAULT_PUT_RETRY_MS = 1000;

export async function hostSinkTask(request: SinkTaskHostRequest): Promise<HostResult> {
  const session = new SinkTaskSession(request);
  try {
    await session.run();
    return { stopped: true };
  } finally {
    request.port.close();
  }
}

class SinkTaskSession {
  readonly #request: SinkTaskHostRequest;
  readonly #port: MessagePort;
  #task!: SinkTask;
  #keyConverter!: Converter;
  #valueConverter!: Converter;
  #headerConverter!: HeaderConverter;
  #chain: TransformationChain = TransformationChain.EMPTY;
  #operator!: RetryWithToleranceOperator;
  #stopping = false;
  /** A handled message threw: the task failed, and the messages behind it are dropped. */
  #failed = false;
  #queue: Promise<void> = Promise.resolve();
  /** context.offset() calls not yet handed to the supervisor. */
  readonly #rewinds = new Map<string, PartitionOffset>();
  /** Batches consumed before the last rewind carry an older epoch and are skipped. */
  #epoch = 0;
  readonly #assignment = new Map<string, TopicPartition>();
  #putRetryMs: number | undefined;
  /** The batch and index each record handed to put() came from, for the errant record reporter. */
  readonly #origins = new WeakMap<SinkRecord, { batch: number; index: number }>();
  #nextReportId = 0;
  readonly #reports = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
  #retriesReported = 0;
  #putRetries = 0;

  constructor(request: SinkTaskHostRequest) {
    this.#request = request;
    this.#port = request.port;
  }

  #send(msg: FromSinkTask, transfer?: ArrayBuffer[]): void {
    this.#port.postMessage(msg, transfer);
  }

  async run(): Promise<void> {
    const request = this.#request;
    const config = request.connectorConfig;
    const ConnectorClass = await loadConnectorClass(config['connector.class'] ?? '', request.pluginPath);
    const TaskClass = new ConnectorClass().taskClass();
    const instance = new TaskClass() as unknown as SinkTask;
    if (!(instance instanceof SinkTask) && typeof (instance as Partial<SinkTask>).put !== 'function') {
      throw new Error(`connector.class=${config['connector.class']}: its task class ${TaskClass.name} is not a SinkTask`);
    }
    this.#task = instance;
    const plugins = await usePluginPath(request.pluginPath);
    this.#keyConverter = pluginConverter(plugins, config, 'key.converter') ?? createConverter(config, 'key.converter');
    this.#valueConverter = pluginConverter(plugins, config, 'value.converter') ?? createConverter(config, 'value.converter');
    this.#headerConverter = pluginHeaderConverter(plugins, config) ?? createHeaderConverter(config);
    this.#chain = TransformationChain.fromConfig(config);
    const errors = errorHandlingConfig(config);
    this.#operator = new RetryWithToleranceOperator(errors);

    // Messages wait for start() to return: the supervisor may ask for a commit (pre-commit) or
    // stop the task while start() is still running, and a task is only called once started.
    let startReturned!: () => void;
    this.#queue = new Promise<void>((resolve) => (startReturned = resolve));
    const ended = new Promise<void>((resolve, reject) => {
      this.#port.on('message', (msg: ToSinkTask) => {
        if (msg.t === 'errant-reported') {
          const pending = this.#reports.get(msg.reportId);
          this.#reports.delete(msg.reportId);
          if (msg.error === undefined) pending?.resolve();
          else pending?.reject(Object.assign(new Error(msg.error.message), { name: msg.error.name }));
          return;
        }
        if (msg.t === 'stop') this.#stopping = true;
        // Once a message failed the task, the ones queued behind it are not handled: a batch
        // consumed after the record that failed must never reach put() (with errors.tolerance=none
        // the task fails at that record, and nothing after it is put or committed), nor any call
        // reach a task that is being stopped for its failure.
        this.#queue = this.#queue
          .then(() => (this.#failed ? undefined : this.#handle(msg, resolve)))
          .catch((err: unknown) => {
            this.#failed = true;
            reject(err instanceof Error ? err : new Error(String(err)));
          });
      });
    });

    this.#task.initialize(this.#context(reportsErrors(errors)));
    try {
      await this.#task.start(request.taskConfig);
      this.#send({ t: 'started', version: this.#task.version(), threadId });
      startReturned();
      await ended;
    } catch (err) {
      // The task failed: stop() must not replace that error, even by throwing synchronously.
      if (!this.#stopping)
        await Promise.resolve()
          .then(() => this.#task.stop())
          .catch(() => undefined);
      throw err;
    } finally {
      this.#chain.close();
    }
  }

  async #handle(msg: ToSinkTask, end: () => void): Promise<void> {
    switch (msg.t) {
      case 'open': {
        const partitions = msg.partitions.map((p) => this.#partition(p.topic, p.partition));
        for (const p of partitions) this.#assignment.set(key(p.topic, p.partition), p);
        await this.#task.open(partitions);
        this.#send({ t: 'opened', id: msg.id, ...this.#takeRewinds() });
        break;
      }
      case 'batch':
        await this.#batch(msg.id, msg.epoch, msg.buffer, msg.topics);
        break;
      case 'pre-commit': {
        const current = new Map<TopicPartition, number>();
        for (const [topic, partition, offset] of msg.offsets) current.set(this.#partition(topic, partition), offset);
        let answer: ReadonlyMap<TopicPartition, number>;
        try {
          answer = await this.#task.preCommit(current);
        } catch (err) {
          // Kafka Connect does not fail the task: the supervisor rewinds to the last committed
          // offsets (or, while closing, commits nothing), so what was put since is put again. The
          // batches already sent are from before that rewind: skip them.
          this.#epoch++;
          this.#send({ t: 'pre-committed', id: msg.id, offsets: [], error: toErrorInfo(err) });
          break;
        }
        const offsets: PartitionOffset[] = [];
        for (const [tp, offset] of answer) offsets.push([tp.topic, tp.partition, offset]);
        this.#send({ t: 'pre-committed', id: msg.id, offsets });
        break;
      }
      case 'close-partitions': {
        const partitions = msg.partitions.map((p) => this.#partition(p.topic, p.partition));
        await this.#task.close(partitions);
        for (const p of partitions) this.#assignment.delete(key(p.topic, p.partition));
        this.#send({ t: 'closed-partitions', id: msg.id });
        break;
      }
      case 'stop':
        // A stop() that throws or rejects is reported and the stop completes (Kafka Connect logs
        // "Could not stop task"): the task is done either way.
        try {
          await this.#task.stop();
        } catch (err) {
          this.#send({ t: 'stop-failed', error: toErrorInfo(err) });
        }
        end();
        break;
      case 'errant-reported':
        break;
    }
  }

  /** The same TopicPartition object for the same partition while it is assigned. */
  #partition(topic: string, partition: number): TopicPartition {
    return this.#assignment.get(key(topic, partition)) ?? { topic, partition };
  }

  #takeRewinds(): { rewinds?: PartitionOffset[] } {
    if (this.#rewinds.size === 0) return {};
    const rewinds = [...this.#rewinds.values()];
    this.#rewinds.clear();
    // The supervisor seeks and bumps its epoch; batches it sent before that are now stale.
    this.#epoch++;
    return { rewinds };
  }

  async #batch(id: number, epoch: number, buffer: ArrayBuffer, topics: readonly string[]): Promise<void> {
    const started = performance.now();
    if (epoch < this.#epoch || this.#stopping) {
      this.#send({ t: 'put-done', id, put: 0, skipped: true, retries: 0, putMs: 0 });
      return;
    }
    const decoded = decodeSinkBatch(buffer, topics);
    const records: SinkRecord[] = [];
    for (let i = 0; i < decoded.length; i++) {
      let record = this.#toSinkRecord(decoded[i]!, id, i);
      if (record instanceof Promise) record = await record;
      if (record !== null) records.push(record);
    }
    await this.#put(records);
    const retries = this.#operator.retries + this.#putRetries;
    this.#send({
      t: 'put-done',
      id,
      put: records.length,
      skipped: false,
      retries: retries - this.#retriesReported,
      putMs: performance.now() - started,
      ...this.#takeRewinds(),
    });
    this.#retriesReported = retries;
  }

  async #put(records: SinkRecord[]): Promise<void> {
    for (;;) {
      try {
        await this.#task.put(records);
        return;
      } catch (err) {
        // Kafka Connect redelivers the same records after a RetriableException, after context.timeout().
        if (!isRetriable(err) || this.#stopping) throw err;
        this.#putRetries++;
        const wait = this.#putRetryMs ?? DEFAULT_PUT_RETRY_MS;
        this.#putRetryMs = undefined;
        // Kafka Connect logs each one: it may be the only sign of a full disk or a down target.
        this.#send({ t: 'put-retry', error: toErrorInfo(err), retryInMs: wait });
        await sleep(wait);
        if (this.#stopping) throw err;
      }
    }
  }

  /**
   * Converts (key, value, headers) and transforms one consumed record. Null when a transform
   * dropped it or a tolerated failure skipped it (reported to the supervisor). A Promise only when a
   * converter had to wait or a retry is under way.
   */
  #toSinkRecord(r: DecodedSinkRecord, batch: number, index: number): SinkRecord | null | Promise<SinkRecord | null> {
    const converterHeaders: ConverterHeaders = r.headers;
    const op = this.#operator;
    const keyResult = op.execute('KEY_CONVERTER', className(this.#keyConverter), () =>
      this.#keyConverter.toConnectData(r.topic, r.key, converterHeaders),
    );
    const continueWithKey = (key: SchemaAndValue | typeof SKIPPED): SinkRecord | null | Promise<SinkRecord | null> => {
      if (key === SKIPPED) return this.#skipped(batch, index);
      const valueResult = op.execute('VALUE_CONVERTER', className(this.#valueConverter), () =>
        this.#valueConverter.toConnectData(r.topic, r.value, converterHeaders),
      );
      const continueWithValue = (value: SchemaAndValue | typeof SKIPPED): SinkRecord | null => {
        if (value === SKIPPED) return this.#skipped(batch, index);
        const headers: Header[] = [];
        for (const h of r.headers) {
          const converted = op.execute('HEADER_CONVERTER', className(this.#headerConverter), () =>
            connectHeader(this.#headerConverter, r.topic, h.key, h.value),
          );
          if (converted === SKIPPED) return this.#skipped(batch, index);
          headers.push(converted as Header);
        }
        const record = new SinkRecord({
          topic: r.topic,
          kafkaPartition: r.partition,
          kafkaOffset: r.offset,
          keySchema: key.schema,
          key: key.value,
          valueSchema: value.schema,
          value: value.value,
          timestamp: r.timestamp,
          timestampType: r.timestampType,
          headers,
        });
        if (this.#chain.isEmpty) {
          this.#origins.set(record, { batch, index });
          return record;
        }
        const transformed = op.execute('TRANSFORMATION', 'TransformationChain', () => this.#chain.apply(record));
        if (transformed === SKIPPED) return this.#skipped(batch, index);
        if (transformed instanceof Promise) throw new Error('transformations are synchronous');
        if (transformed !== null) this.#origins.set(transformed, { batch, index });
        return transformed;
      };
      return valueResult instanceof Promise ? valueResult.then(continueWithValue) : continueWithValue(valueResult);
    };
    return keyResult instanceof Promise ? keyResult.then(continueWithKey) : continueWithKey(keyResult);
  }

  /** A failure errors.tolerance=all skipped: reported for the log, the DLQ and the metrics. */
  #skipped(batch: number, index: number): null {
    const failure = this.#operator.lastFailure!;
    const { stage, className: cls } =
      failure.error instanceof TransformationError ? { stage: 'TRANSFORMATION' as Stage, className: failure.error.className } : failure;
    const cause = failure.error instanceof TransformationError && failure.error.cause !== undefined ? failure.error.cause : failure.error;
    this.#send({ t: 'errant', batch, index, stage, className: cls, error: toErrorInfo(cause) });
    return null;
  }

  #context(withReporter: boolean): SinkTaskContext {
    const reporter: ErrantRecordReporter = {
      report: (record, error) => this.#report(record, error),
    };
    const rewinds = this.#rewinds;
    function offset(offsets: ReadonlyMap<TopicPartition, number>): void;
    function offset(partition: TopicPartition, offset: number): void;
    function offset(a: ReadonlyMap<TopicPartition, number> | TopicPartition, b?: number): void {
      const entries: [TopicPartition, number][] =
        a instanceof Map ? [...(a as ReadonlyMap<TopicPartition, number>)] : [[a as TopicPartition, b!]];
      for (const [tp, o] of entries) {
        if (!Number.isInteger(o) || o < 0)
          throw new RangeError(`context.offset(): offset for ${tp.topic}-${tp.partition} must be a non-negative integer, got ${String(o)}`);
        rewinds.set(key(tp.topic, tp.partition), [tp.topic, tp.partition, o]);
      }
    }
    const wire = (tps: TopicPartition[]): WireTopicPartition[] => tps.map((tp) => ({ topic: tp.topic, partition: tp.partition }));
    return {
      configs: () => this.#request.taskConfig,
      offset,
      timeout: (ms: number) => {
        this.#putRetryMs = ms;
      },
      assignment: () => [...this.#assignment.values()],
      pause: (...partitions: TopicPartition[]) => this.#send({ t: 'pause-partitions', partitions: wire(partitions) }),
      resume: (...partitions: TopicPartition[]) => this.#send({ t: 'resume-partitions', partitions: wire(partitions) }),
      requestCommit: () => this.#send({ t: 'request-commit' }),
      errantRecordReporter: () => (withReporter ? reporter : null),
    };
  }

  /** KIP-610: a record the task could not write goes to the log and the DLQ; tolerance none fails the task. */
  #report(record: SinkRecord, error: Error): Promise<void> {
    if (!this.#operator.toleratesAll) return Promise.reject(new ToleranceExceededError('TASK_PUT', this.#task.constructor.name, error));
    const origin = this.#origins.get(record);
    if (origin === undefined)
      return Promise.reject(
        new Error(
          'errantRecordReporter().report(): the record was not handed to put() by this task (report the SinkRecord instance you received)',
        ),
      );
    const reportId = this.#nextReportId++;
    const answered = new Promise<void>((resolve, reject) => this.#reports.set(reportId, { resolve, reject }));
    const info: ErrorInfo = toErrorInfo(error);
    this.#send({
      t: 'errant',
      reportId,
      batch: origin.batch,
      index: origin.index,
      stage: 'TASK_PUT',
      className: this.#task.constructor.name,
      error: info,
    });
    return answered;
  }
}

function key(topic: string, partition: number): string {
  return `${partition}:${topic}`;
}

function className(o: object): string {
  return o.constructor.name;
}

/** A consumed header, read by the header converter, in the SDK's header form (text or bytes). */
function connectHeader(converter: HeaderConverter, topic: string, headerKey: string, bytes: Uint8Array | null): Header {
  const { schema, value } = converter.toConnectHeader(topic, headerKey, bytes);
  if (value === null || value === undefined) return { key: headerKey, value: null };
  if (typeof value === 'string') return { key: headerKey, value };
  if (value instanceof Uint8Array) return { key: headerKey, value: Uint8Array.prototype.slice.call(value) };
  return { key: headerKey, value: convertToString(schema, value) };
}
