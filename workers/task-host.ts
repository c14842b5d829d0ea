/**
 * The worker-thread entry (piscina `filename`). One `run()` hosts one connector or one source task
 * for its whole life: a long-lived loop on its own MessageChannel, because a piscina round trip per
 * poll would cost 50–90 µs. Many connectors and tasks share a thread; they are async.
 *
 * The Kafka binding is not safe in worker threads: kafka-guard.js, imported first, makes this thread
 * refuse to load it at all.
 */
import './kafka-guard.js';
import { threadId } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { createConverter, createHeaderConverter } from '../src/worker-thread/data/converters.js';
import { DROPPED_PARTITION, MAX_BATCH_RECORDS, encodeBatch } from '../src/shared/record-batch.js';
import { TransformationChain } from '../src/worker-thread/transforms/chain.js';
import { SourceRecord } from '../src/worker-thread/sdk/records.js';
import { pluginVersionProblem } from '../src/shared/plugin-version.js';
import { connectorTypeOf, fullNameOf, listConnectorPlugins, listOtherPlugins, loadConnectorClass } from '../src/shared/plugins.js';
import { hostSinkTask } from './sink-task-host.js';
import { RetryWithToleranceOperator, SKIPPED, ToleranceExceededError, errorHandlingConfig } from '../src/shared/error-handling.js';
import type { Stage } from '../src/shared/error-handling.js';
import type { Converter, HeaderConverter } from '../src/worker-thread/data/converter.js';
import { convertToString } from '../src/worker-thread/data/values.js';
import { DataException } from '../src/worker-thread/data/errors.js';
import { TransformationError } from '../src/worker-thread/transforms/chain.js';
import { pluginConverter, pluginHeaderConverter, usePluginPath } from '../src/shared/plugin-path.js';
import { transformationConfigProblems } from '../src/worker-thread/transforms/chain.js';
import { connectorConfigDef, sinkTopicProblems } from '../src/shared/connector-config.js';
import { connectorConfigProblems } from '../src/shared/connector-validation.js';
import { transformsConfigDef } from '../src/worker-thread/transforms/transforms-config.js';
import type {
  ConnectorHostRequest,
  FromConnector,
  FromSourceTask,
  HostRequest,
  HostResult,
  ReleasedBatch,
  SourceTaskHostRequest,
  ToConnector,
  ToSourceTask,
  PluginInfo,
  ValidateHostRequest,
  ValidateResult,
} from '../src/shared/protocol.js';
import { toErrorInfo } from '../src/shared/protocol.js';
import { connectJson } from '../src/shared/offset-json.js';
import { SourceTask } from '../src/worker-thread/sdk/connector.js';
import type { Connector } from '../src/worker-thread/sdk/connector.js';
import { configInfos as buildConfigInfos, configKeyInfo } from '../src/worker-thread/sdk/config-def.js';
import type { ConfigKeyInfo } from '../src/worker-thread/sdk/config-def.js';
import type { SourceOffset, SourcePartition } from '../src/worker-thread/sdk/records.js';

export default async function host(request: HostRequest): Promise<HostResult | ValidateResult | PluginInfo[] | ConfigKeyInfo[]> {
  switch (request.kind) {
    case 'connector':
      return hostConnector(request);
    case 'source-task':
      return hostSourceTask(request);
    case 'sink-task':
      return hostSinkTask(request);
    case 'validate':
      return validate(request);
    case 'plugins': {
      const connectors = await Promise.all(
        (await listConnectorPlugins(request.pluginPath)).map(async ({ fullName, klass }) => ({
          class: fullName,
          type: connectorTypeOf(klass),
          version: new klass().version(),
        })),
      );
      const others = (await listOtherPlugins(request.pluginPath)).map(({ fullName, type }) => ({
        class: fullName,
        type,
        version: 'undefined',
      }));
      return [...connectors, ...others];
    }
    case 'plugin-config': {
      const ConnectorClass = await loadConnectorClass(request.plugin, request.pluginPath);
      const connector = new ConnectorClass();
      const versionProblem = pluginVersionProblem(
        await fullNameOf(ConnectorClass, request.pluginPath),
        connector.version(),
        request.version,
      );
      if (versionProblem !== undefined) throw Object.assign(new Error(versionProblem), { code: 'CONNECTD_ERR_PLUGIN_VERSION' });
      // Kafka Connect 4.1's PluginsResource: the plugin's own keys, then the framework's (Source- or
      // SinkConnectorConfig) that the plugin does not define itself.
      const own = connector.config();
      const framework = connectorConfigDef(connectorTypeOf(ConnectorClass))
        .keys()
        .filter((k) => !own.names().has(k.name));
      return [...own.keys(), ...framework].map(configKeyInfo);
    }
  }
}

/** Kafka Connect's validateConnectorConfig: the framework's keys and the connector's, all at once. */
async function validate(request: ValidateHostRequest): Promise<ValidateResult> {
  await usePluginPath(request.pluginPath);
  const ConnectorClass = await loadConnectorClass(request.config['connector.class'] ?? '', request.pluginPath);
  const connector = new ConnectorClass();
  const connectorType = connectorTypeOf(ConnectorClass);
  const def = connector.config();
  const passwordKeys = def
    .keys()
    .filter((k) => k.type === 'PASSWORD')
    .map((k) => k.name);
  const problems: ValidateResult['problems'] = connectorConfigProblems(connector, request.config);
  // Transform problems are checked here, where plugin-path transforms are loaded.
  problems.push(...transformationConfigProblems(request.config).map((p) => ({ name: p.name, value: p.value, message: p.message })));
  const topicProblems = connectorType === 'sink' ? sinkTopicProblems(request.config) : [];
  problems.push(...topicProblems);
  // Kafka Connect's ConnectorConfig.enrich: each transform and predicate alias adds its own keys.
  const frameworkDef = transformsConfigDef(request.config, connectorConfigDef(connectorType));
  const frameworkValues = frameworkDef.validateAll(request.config);
  for (const p of topicProblems) frameworkValues.get(p.name)?.addErrorMessage(p.message);
  const connectorValues = connector.validate(request.config);
  const fullName = await fullNameOf(ConnectorClass, request.pluginPath);
  // KIP-891: the one version of this plugin must satisfy the requested one.
  const versionProblem = pluginVersionProblem(fullName, connector.version(), request.config['connector.plugin.version']);
  if (versionProblem !== undefined) {
    problems.push({ name: 'connector.plugin.version', value: request.config['connector.plugin.version'] ?? null, message: versionProblem });
    frameworkValues.get('connector.plugin.version')?.addErrorMessage(versionProblem);
  }
  const configInfos = buildConfigInfos(
    fullName,
    [...frameworkDef.keys(), ...def.keys().filter((k) => !frameworkDef.names().has(k.name))],
    [...frameworkValues.values(), ...[...connectorValues.values()].filter((v) => !frameworkValues.has(v.name))],
    [...new Set([...frameworkDef.groups(), ...def.groups()])],
  );
  return { problems, passwordKeys, configInfos, connectorType };
}

function passwordKeysOf(connector: Connector): string[] {
  return connector
    .config()
    .keys()
    .filter((k) => k.type === 'PASSWORD')
    .map((k) => k.name);
}

async function hostConnector(request: ConnectorHostRequest): Promise<HostResult> {
  const { port } = request;
  const send = (msg: FromConnector): void => port.postMessage(msg);
  try {
    const ConnectorClass = await loadConnectorClass(request.config['connector.class'] ?? '', request.pluginPath);
    const connector = new ConnectorClass();
    connector.initialize({
      requestTaskReconfiguration: () => send({ t: 'request-reconfiguration' }),
      raiseError: (error) => send({ t: 'raise-error', error: toErrorInfo(error) }),
      warn: (message) => send({ t: 'warn', message: String(message) }),
    });
    connector.config().parse(request.config, `configuration of connector ${request.connectorName}`);
    await connector.start(request.config);
    send({
      t: 'started',
      version: connector.version(),
      passwordKeys: passwordKeysOf(connector),
      connectorType: connectorTypeOf(ConnectorClass),
    });
    // Kafka Connect's Worker.connectorTaskConfigs adds `task.class` to every task config; the task
    // class is named in its connector's package (JS classes know only their own short name).
    const connectorName = await fullNameOf(ConnectorClass, request.pluginPath);
    const taskClass = `${connectorName.slice(0, connectorName.lastIndexOf('.') + 1)}${connector.taskClass().name}`;

    await new Promise<void>((resolve, reject) => {
      // Requests are handled one at a time, in order: a connector's calls never overlap.
      let chain = Promise.resolve();
      port.on('message', (msg: ToConnector) => {
        chain = chain
          .then(async () => {
            if (msg.t === 'task-configs') {
              try {
                const configs = await connector.taskConfigs(msg.maxTasks);
                send({
                  t: 'task-configs',
                  id: msg.id,
                  configs: configs.slice(0, msg.maxTasks).map((c) => ({ ...c, 'task.class': taskClass })),
                });
              } catch (err) {
                send({ t: 'task-configs', id: msg.id, error: toErrorInfo(err) });
              }
            } else if (msg.t === 'stop') {
              await connector.stop();
              resolve();
            }
          })
          .catch(reject);
      });
    });
    return { stopped: true };
  } finally {
    port.close();
  }
}

async function hostSourceTask(request: SourceTaskHostRequest): Promise<HostResult> {
  const { port } = request;
  const send = (msg: FromSourceTask, transfer?: ArrayBuffer[]): void => port.postMessage(msg, transfer);
  let task: SourceTask | undefined;
  let closeChain = (): void => undefined;
  try {
    const ConnectorClass = await loadConnectorClass(request.connectorConfig['connector.class'] ?? '', request.pluginPath);
    const TaskClass = new ConnectorClass().taskClass();
    const instance = new TaskClass();
    if (!(instance instanceof SourceTask) && typeof (instance as unknown as Partial<SourceTask>).poll !== 'function') {
      throw new Error(
        `connector.class=${request.connectorConfig['connector.class']}: its task class ${TaskClass.name} is not a SourceTask`,
      );
    }
    task = instance as SourceTask;
    const plugins = await usePluginPath(request.pluginPath);
    const keyConverter =
      pluginConverter(plugins, request.connectorConfig, 'key.converter') ?? createConverter(request.connectorConfig, 'key.converter');
    const valueConverter =
      pluginConverter(plugins, request.connectorConfig, 'value.converter') ?? createConverter(request.connectorConfig, 'value.converter');
    const headerConverter = pluginHeaderConverter(plugins, request.connectorConfig) ?? createHeaderConverter(request.connectorConfig);
    const chain = TransformationChain.fromConfig(request.connectorConfig);
    closeChain = () => chain.close();
    const operator = new RetryWithToleranceOperator(errorHandlingConfig(request.connectorConfig));
    const report = (record: SourceRecord, stage: Stage, className: string, error: unknown): void => {
      const cause = error instanceof TransformationError && error.cause !== undefined ? error.cause : error;
      send({
        t: 'errant',
        stage,
        className: error instanceof TransformationError ? error.className : className,
        error: toErrorInfo(cause),
        topic: record.topic,
        sourcePartition: JSON.stringify(record.sourcePartition),
        sourceOffset: JSON.stringify(record.sourceOffset),
        key: safeText(record.keySchema, record.key),
        value: safeText(record.valueSchema, record.value),
      });
    };
    const wantsRecordCommits = task.commitRecord !== SourceTask.prototype.commitRecord;
    const session = new SourceTaskSession(task, port, request, wantsRecordCommits);
    task.initialize({
      configs: () => request.taskConfig,
      offsetStorageReader: () => session.offsetReader,
    });
    await task.start(request.taskConfig);
    session.markStarted();
    send({ t: 'started', version: task.version(), wantsRecordCommits, threadId });

    let batchId = 0;
    /** Time spent blocked by backpressure (no credit), reported with each batch. */
    let creditWaitMs = 0;
    while (!session.stopping) {
      if (session.paused) {
        await session.waitForWake();
        continue;
      }
      if (!session.hasCredit()) {
        const waitStarted = performance.now();
        await session.waitForWake();
        creditWaitMs += performance.now() - waitStarted;
        continue;
      }
      const pollStarted = performance.now();
      const records = await task.poll();
      const polledAt = performance.now();
      const pollMs = polledAt - pollStarted;
      // Records polled while stopping are dropped: their offsets were never committed, so the next
      // run of the task polls them again. Nothing is lost and nothing is duplicated.
      if (session.stopping) break;
      if (records === null || records.length === 0) {
        await yieldToEventLoop();
        continue;
      }
      checkPartitions(records);
      const transformed = chain.isEmpty ? records : applyTransforms(chain, records, operator, report);
      // A poll larger than a batch may hold is sent as several batches, in order.
      for (let from = 0; from < transformed.length; from += MAX_BATCH_RECORDS) {
        const whole = from === 0 && transformed.length <= MAX_BATCH_RECORDS;
        const chunk = whole ? transformed : transformed.slice(from, from + MAX_BATCH_RECORDS);
        const originals = whole ? records : records.slice(from, from + MAX_BATCH_RECORDS);
        // A Promise only when a converter has to wait (a schema registry lookup on a cache miss).
        let batch;
        try {
          const encoded = encodeBatch(chunk, keyConverter, valueConverter, headerConverter);
          batch = encoded instanceof Promise ? await encoded : encoded;
        } catch {
          // Some record does not convert: find it (and any other) under the error handling, then
          // encode the rest. errors.tolerance=none throws here, naming the stage.
          const screened = await screenConversions(chunk, keyConverter, valueConverter, headerConverter, operator, report);
          const encoded = encodeBatch(screened, keyConverter, valueConverter, headerConverter);
          batch = encoded instanceof Promise ? await encoded : encoded;
        }
        const id = batchId++;
        session.spend(batch.count, batch.payloadBytes, id, originals);
        send(
          {
            t: 'batch',
            id,
            count: batch.count,
            payloadBytes: batch.payloadBytes,
            topics: batch.topics,
            sourcePartitions: batch.sourcePartitions,
            buffer: batch.buffer,
            creditWaitMs,
            pollMs: from === 0 ? pollMs : 0,
            polledAt: performance.timeOrigin + polledAt,
          },
          [batch.buffer],
        );
      }
    }
    await session.stopTask();
    await session.closed;
    closeChain();
    return { stopped: true };
  } catch (err) {
    closeChain();
    // The task failed (its start() threw, or poll()): stop() must not replace that error, even by
    // throwing synchronously.
    const failed = task;
    if (failed !== undefined)
      await Promise.resolve()
        .then(() => failed.stop())
        .catch(() => undefined);
    throw err;
  } finally {
    port.close();
  }
}

/**
 * A Kafka partition must be a partition number or null (the partitioner chooses). Anything else
 * would be refused by Kafka later, or, as -2, taken for a dropped record: fail the task instead.
 */
function checkPartitions(records: readonly SourceRecord[]): void {
  for (const record of records) {
    const p = record.kafkaPartition;
    if (p !== null && !(Number.isInteger(p) && p >= 0)) {
      throw new RangeError(`record for topic ${record.topic}: kafkaPartition must be a partition number (>= 0) or null, got ${String(p)}`);
    }
  }
}

/**
 * Runs the connector's transforms on each polled record, in the worker thread. A record a transform
 * drops is replaced by an empty marker in the dropped partition: it is not produced, but its offset
 * still commits in order (Kafka Connect's recordDropped), and commitRecord sees the original.
 */
function applyTransforms(
  chain: TransformationChain,
  records: readonly SourceRecord[],
  operator: RetryWithToleranceOperator,
  report: Reporter,
): SourceRecord[] {
  const out = new Array<SourceRecord>(records.length);
  for (let i = 0; i < records.length; i++) {
    const record = records[i]!;
    let result: SourceRecord | null;
    try {
      result = chain.apply(record);
    } catch (err) {
      // Transformations are synchronous and deterministic: tolerated or fatal at once, not retried.
      const className = err instanceof TransformationError ? err.className : 'TransformationChain';
      if (!operator.toleratesAll)
        throw new ToleranceExceededError(
          'TRANSFORMATION',
          className,
          err instanceof TransformationError && err.cause !== undefined ? err.cause : err,
        );
      report(record, 'TRANSFORMATION', className, err);
      result = null;
    }
    out[i] = result ?? dropped(record);
  }
  return out;
}

type Reporter = (record: SourceRecord, stage: Stage, className: string, error: unknown) => void;

/** The marker of a record that is not produced but whose offset still commits in order. */
function dropped(record: SourceRecord): SourceRecord {
  return new SourceRecord({
    sourcePartition: record.sourcePartition,
    sourceOffset: record.sourceOffset,
    topic: record.topic,
    kafkaPartition: DROPPED_PARTITION,
    value: null,
  });
}

/**
 * Converts each record's key, value and headers under the connector's error handling; a record
 * that fails (and is tolerated) becomes a dropped marker and is reported. Used only for a batch
 * that did not convert as a whole, so the common path converts once.
 */
async function screenConversions(
  records: readonly SourceRecord[],
  keyConverter: Converter,
  valueConverter: Converter,
  headerConverter: HeaderConverter,
  operator: RetryWithToleranceOperator,
  report: Reporter,
): Promise<SourceRecord[]> {
  const out: SourceRecord[] = [];
  for (const record of records) {
    if (record.kafkaPartition === DROPPED_PARTITION) {
      out.push(record);
      continue;
    }
    const stages: [Stage, object, () => unknown][] = [
      [
        'KEY_CONVERTER',
        keyConverter,
        guardDepth(record, 'key', () => keyConverter.fromConnectData(record.topic, record.keySchema ?? null, record.key)),
      ],
      [
        'VALUE_CONVERTER',
        valueConverter,
        guardDepth(record, 'value', () => valueConverter.fromConnectData(record.topic, record.valueSchema ?? null, record.value)),
      ],
      ...record.headers.map((h): [Stage, object, () => unknown] => [
        'HEADER_CONVERTER',
        headerConverter,
        guardDepth(record, `header ${h.key}`, () => headerConverter.fromConnectHeader(record.topic, h.key, null, h.value)),
      ]),
    ];
    let ok = true;
    for (const [stage, converter, convert] of stages) {
      const className = converter.constructor.name;
      if ((await operator.execute(stage, className, convert)) === SKIPPED) {
        report(record, stage, className, operator.lastFailure?.error);
        ok = false;
        break;
      }
    }
    out.push(ok ? record : dropped(record));
  }
  return out;
}

/**
 * A converter walks a value recursively: one nested deeper than the stack allows (an array in an
 * array 100,000 times) throws V8's RangeError, which says nothing of the record. Named as what it
 * is, a value that cannot be converted, it reads as any other conversion error.
 */
function guardDepth(record: SourceRecord, what: string, convert: () => unknown): () => unknown {
  return () => {
    try {
      return convert();
    } catch (err) {
      if (!isStackOverflow(err)) throw err;
      throw new DataException(`the ${what} of a record for topic ${record.topic} is nested too deeply to convert (${err.message})`, {
        cause: err,
      });
    }
  };
}

function isStackOverflow(err: unknown): err is RangeError {
  return err instanceof RangeError && err.message.includes('call stack size exceeded');
}

/**
 * A Connect value as text for an error report; never throws. A value too deep for
 * convertToString is too deep for String() as well when it is an array (join recurses): the report
 * then says so instead of failing the task it reports for.
 */
function safeText(schema: SourceRecord['valueSchema'], value: unknown): string | null {
  try {
    return convertToString(schema, value);
  } catch {
    try {
      return String(value);
    } catch (err) {
      return `(a ${Array.isArray(value) ? 'array' : typeof value} that cannot be shown: ${err instanceof Error ? err.message : 'unknown error'})`;
    }
  }
}

/** The task side of one task's channel: credit, offset lookups, commit callbacks, stop. */
class SourceTaskSession {
  stopping = false;
  paused = false;
  readonly closed: Promise<void>;
  /** Resolved once the task's start() returned: a stop that comes earlier waits for it. */
  readonly #started: Promise<void>;
  #startReturned!: () => void;
  readonly offsetReader;

  #creditRecords: number;
  #creditBytes: number;
  #waiter: (() => void) | undefined;
  #stopPromise: Promise<void> | undefined;
  #nextRequestId = 0;
  readonly #pendingOffsets = new Map<number, (offsets: (string | null)[]) => void>();
  readonly #retained: Map<number, readonly SourceRecord[]> | undefined;
  #commitChain = Promise.resolve();

  constructor(
    private readonly task: SourceTask,
    private readonly port: MessagePort,
    request: SourceTaskHostRequest,
    wantsRecordCommits: boolean,
  ) {
    this.#creditRecords = request.initialCredit.records;
    this.#creditBytes = request.initialCredit.bytes;
    this.#retained = wantsRecordCommits ? new Map() : undefined;
    let onClose!: () => void;
    this.closed = new Promise((resolve) => (onClose = resolve));
    this.#started = new Promise((resolve) => (this.#startReturned = resolve));
    this.offsetReader = {
      offset: async (partition: SourcePartition): Promise<SourceOffset | null> => (await this.#lookup([partition]))[0] ?? null,
      offsets: async (partitions: readonly SourcePartition[]) => {
        const found = await this.#lookup(partitions);
        return new Map(partitions.map((p, i) => [p, found[i] ?? null] as const));
      },
    };
    port.on('message', (msg: ToSourceTask) => {
      switch (msg.t) {
        case 'credit':
          this.#creditRecords += msg.records;
          this.#creditBytes += msg.bytes;
          this.#wake();
          break;
        case 'offsets':
          this.#pendingOffsets.get(msg.id)?.(msg.offsets);
          this.#pendingOffsets.delete(msg.id);
          break;
        case 'committed':
          this.#commitChain = this.#commitChain.then(() => this.#committed(msg.released));
          break;
        case 'pause':
          this.paused = true;
          break;
        case 'resume':
          this.paused = false;
          this.#wake();
          break;
        case 'stop':
          void this.stopTask();
          break;
        case 'close':
          void this.#commitChain.then(onClose);
          break;
      }
    });
  }

  hasCredit(): boolean {
    return this.#creditRecords > 0 && this.#creditBytes > 0;
  }

  /** Resolves on the next credit, resume or stop. */
  waitForWake(): Promise<void> {
    return new Promise((resolve) => (this.#waiter = resolve));
  }

  spend(records: number, bytes: number, batchId: number, polled: readonly SourceRecord[]): void {
    this.#creditRecords -= records;
    this.#creditBytes -= bytes;
    this.#retained?.set(batchId, polled);
  }

  /** The task's start() returned. */
  markStarted(): void {
    this.#startReturned();
  }

  /**
   * Stops polling and calls the task's stop() once, never before its start() returned (as Kafka
   * Connect: a task is not stopped while it starts); tells the supervisor polling has ended.
   */
  stopTask(): Promise<void> {
    this.stopping = true;
    this.#wake();
    // A stop() that throws or rejects is reported and the stop goes on (Kafka Connect logs "Could
    // not stop task"): left unhandled, the rejection would end this thread and every task on it.
    this.#stopPromise ??= this.#started
      .then(() => this.task.stop())
      .catch((err: unknown) => this.port.postMessage({ t: 'stop-failed', error: toErrorInfo(err) } satisfies FromSourceTask))
      .then(() => this.port.postMessage({ t: 'poll-stopped' } satisfies FromSourceTask));
    return this.#stopPromise;
  }

  #wake(): void {
    const waiter = this.#waiter;
    this.#waiter = undefined;
    waiter?.();
  }

  async #lookup(partitions: readonly SourcePartition[]): Promise<(SourceOffset | null)[]> {
    const id = this.#nextRequestId++;
    const answer = new Promise<(string | null)[]>((resolve) => this.#pendingOffsets.set(id, resolve));
    this.port.postMessage({ t: 'offsets-request', id, partitions: partitions.map((p) => connectJson(p)) } satisfies FromSourceTask);
    return (await answer).map((json) => (json === null ? null : (JSON.parse(json) as SourceOffset)));
  }

  /**
   * After offsets were persisted: commitRecord for each released record, then commit. What they
   * throw is reported to the supervisor's log and the task goes on, as Kafka Connect's
   * WorkerSourceTask does: the records are in Kafka and their offsets committed either way.
   */
  async #committed(released: readonly ReleasedBatch[]): Promise<void> {
    if (this.#retained !== undefined) {
      let failed = 0;
      let first: unknown;
      for (const batch of released) {
        const records = this.#retained.get(batch.id);
        this.#retained.delete(batch.id);
        if (records === undefined) continue;
        for (let i = 0; i < records.length; i++) {
          const record = records[i]!;
          const partition = batch.kafkaPartitions?.[i];
          const offset = batch.kafkaOffsets?.[i];
          const metadata = partition === undefined || offset === undefined ? null : { topic: record.topic, partition, offset };
          try {
            await this.task.commitRecord(record, metadata);
          } catch (err) {
            if (failed++ === 0) first = err;
          }
        }
      }
      if (failed > 0)
        this.port.postMessage({
          t: 'commit-failed',
          method: 'commitRecord',
          count: failed,
          error: toErrorInfo(first),
        } satisfies FromSourceTask);
    }
    try {
      await this.task.commit();
    } catch (err) {
      this.port.postMessage({ t: 'commit-failed', method: 'commit', count: 1, error: toErrorInfo(err) } satisfies FromSourceTask);
    }
  }
}
