/**
 * The Worker (Kafka Connect's `Worker`): hosts connectors and tasks. It owns the worker-thread pool
 * where connector and task code runs, the one librdkafka producer on this (main) thread, the offset
 * store, and the periodic offset commit. The Herder decides what runs; the Worker runs it.
 */
import os from 'node:os';
import { Piscina } from 'piscina';
import type { Worker as Worker_ } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { LoggerRegistry } from '../logging/logger-registry.js';
import type { WorkerConfig } from '../config/worker-config.js';
import { knownSecrets, maskConfig, secretValues } from '../config/secrets.js';
import { ConfigException } from '../../worker-thread/sdk/config-def.js';
import { KafkaAdmin } from '../kafka/admin.js';
import { SourceProducer } from '../kafka/source-producer.js';
import type { SourceProducerOptions } from '../kafka/source-producer.js';
import type { TopicCreation } from './topic-creation.js';
import { consumerOverrides, inheritedClientSettings, producerOverrides } from './client-overrides.js';
import { taskConsumerConfig, taskProducerConfig } from './producer-config.js';
import type { ClientOverrideRules } from './client-overrides.js';
import { SourceTaskMetrics } from '../metrics/source-task-metrics.js';
import { SinkTaskMetrics } from '../metrics/sink-task-metrics.js';
import { DeadLetterQueue } from '../kafka/dead-letter-queue.js';
import { KafkaClientHealth } from '../kafka/client-health.js';
import type { KafkaHealth } from '../kafka/client-health.js';
import { errorHandlingConfig } from '../../shared/error-handling.js';
import { commitGroupOffsets, readGroupOffsets } from '../kafka/group-offsets.js';
import { WorkerSinkTask } from './worker-sink-task.js';
import type { TaskConfig } from '../../worker-thread/sdk/connector.js';
import type { OffsetBackingStore } from '../storage/offset-backing-store.js';
import type {
  ConfigKeyInfo,
  ErrorInfo,
  PluginConfigHostRequest,
  PluginInfo,
  PluginsHostRequest,
  ValidateHostRequest,
  ValidateResult,
} from '../../shared/protocol.js';
import type { State } from './status.js';
import { WorkerConnector } from './worker-connector.js';
import { AllowedPaths, pathProblems } from './allowed-paths.js';
import { WorkerSourceTask } from './worker-source-task.js';

/** Consumed batches a sink task may have in flight to its thread (within task.max.inflight.*). */
const SINK_BATCHES_IN_FLIGHT = 4;

const TASK_HOST = new URL('../../../workers/task-host.js', import.meta.url);

export interface WorkerOptions {
  config: WorkerConfig;
  offsetStore: OffsetBackingStore;
  logger: Logger;
  /** Where task loggers come from (`connectd.task.<connector>`), so /admin/loggers can change them. */
  loggers?: LoggerRegistry;
  workerId?: string;
}

export class Worker {
  readonly workerId: string;
  readonly config: WorkerConfig;
  readonly #logger: Logger;
  readonly #loggers: LoggerRegistry | undefined;
  readonly #offsetStore: OffsetBackingStore;
  readonly #producer: SourceProducer;
  /** Producers of connectors with `producer.override.*`, shared by that connector's tasks. */
  readonly #connectorProducers = new Map<string, { producer: Promise<SourceProducer>; tasks: Set<string> }>();
  /** The override producers above once connected (the worker's own is #producer), for metrics and /health. */
  readonly #connectedProducers = new Set<SourceProducer>();
  readonly #pool: Piscina;
  readonly #sourceTasks = new Map<string, WorkerSourceTask>();
  readonly #sinkTasks = new Map<string, WorkerSinkTask>();
  readonly #sourceTaskMetrics = new Map<string, SourceTaskMetrics>();
  readonly #sinkTaskMetrics = new Map<string, SinkTaskMetrics>();
  readonly #admin: KafkaAdmin;
  /** Topics known to exist (created here or found existing), and creations under way. */
  readonly #topics = new Map<string, Promise<void>>();
  #commitTimer: NodeJS.Timeout | undefined;
  /** The source producers', sink consumers' and DLQ producers' errors: logged, counted, /health. */
  readonly clientHealth: KafkaClientHealth;
  /** Kafka Connect's worker startup metrics (connector-startup-*, task-startup-*). */
  readonly startups = { connectorSuccess: 0, connectorFailure: 0, taskSuccess: 0, taskFailure: 0 };

  constructor(opts: WorkerOptions) {
    this.config = opts.config;
    this.#logger = opts.logger;
    this.#loggers = opts.loggers;
    this.#offsetStore = opts.offsetStore;
    this.workerId = opts.workerId ?? `${os.hostname()}:${opts.config.listener.port}`;
    this.clientHealth = new KafkaClientHealth(
      opts.loggers?.get('connectd.kafka.Clients') ?? opts.logger,
      opts.config.healthKafkaUnreachableThresholdMs,
    );
    this.#producer = new SourceProducer('worker', this.#producerConfig(`connectd-${this.workerId}`, {}), this.#producerOptions());
    this.#admin = new KafkaAdmin({
      ...opts.config.kafkaClientDefaults,
      'bootstrap.servers': opts.config.bootstrapServers,
      'client.id': `connectd-${this.workerId}-admin`,
    });
    const threads = opts.config.workerThreads;
    this.#pool = new Piscina({
      filename: TASK_HOST.href,
      minThreads: threads,
      maxThreads: threads,
      // Each hosted connector or task is one long-lived run(); they are async and share threads.
      concurrentTasksPerWorker: 4096,
      idleTimeout: Number.POSITIVE_INFINITY,
      // 'sync' atomics would block a thread's event loop between runs, stalling the hosted loops.
      atomics: 'disabled',
    });
  }

  /** The worker's limits on connectors' `producer.override.*` and `consumer.override.*`. */
  get #overrideRules(): ClientOverrideRules {
    return { policy: this.config.clientOverridePolicy, destinations: this.config.clientOverrideDestinationEnable };
  }

  /** Producer settings of source tasks and dead letter queues: see taskProducerConfig. */
  #producerConfig(clientId: string, overrides: Record<string, string>): Record<string, string | number | boolean> {
    return taskProducerConfig(this.config, clientId, overrides);
  }

  #producerOptions(): SourceProducerOptions {
    return {
      nativeBatch: this.config.taskProduceNativeBatch,
      health: this.clientHealth,
      stallTimeoutMs: this.config.taskProduceStallTimeoutMs,
      logger: this.#loggers?.get('connectd.kafka.Clients') ?? this.#logger,
    };
  }

  /** The producer for a connector's tasks: the worker's, or the connector's own when it overrides settings. */
  async #producerFor(connectorName: string, connectorConfig: Readonly<Record<string, string>>, taskLabel: string): Promise<SourceProducer> {
    const overrides = producerOverrides(connectorConfig, this.#overrideRules);
    if (Object.keys(overrides).length === 0) return this.#producer;
    let own = this.#connectorProducers.get(connectorName);
    if (own === undefined) {
      const producer = new SourceProducer(
        connectorName,
        this.#producerConfig(`connectd-${this.workerId}-${connectorName}`, overrides),
        this.#producerOptions(),
      );
      this.#connectedProducers.add(producer);
      own = { producer: producer.connect(30000).then(() => producer), tasks: new Set() };
      this.#connectorProducers.set(connectorName, own);
    }
    own.tasks.add(taskLabel);
    return own.producer;
  }

  /** Closes a connector's own producer once none of its tasks uses it. */
  async #releaseProducer(connectorName: string, taskLabel: string): Promise<void> {
    const own = this.#connectorProducers.get(connectorName);
    if (own === undefined || !own.tasks.delete(taskLabel) || own.tasks.size > 0) return;
    this.#connectorProducers.delete(connectorName);
    const producer = await own.producer;
    this.#connectedProducers.delete(producer);
    await producer
      .flush(this.config.offsetFlushTimeoutMs)
      .catch((err: unknown) => this.#logger.warn({ err }, 'connector producer flush did not complete'));
    await producer.disconnect();
  }

  async start(): Promise<void> {
    await this.#offsetStore.start();
    await this.#producer.connect(30000);
    this.#logger.info(
      { nativeBatch: this.#producer.nativeBatch },
      this.#producer.nativeBatch
        ? 'source records go to librdkafka in native batches'
        : 'source records go to librdkafka one produce() at a time',
    );
    this.#commitTimer = setInterval(() => void this.commitAllOffsets(), this.config.offsetFlushIntervalMs);
    this.#commitTimer.unref();
  }

  startConnector(
    name: string,
    config: Record<string, string>,
    onReconfigurationRequest: () => void,
    onFailure: (e: ErrorInfo) => void,
  ): { connector: WorkerConnector; started: Promise<string> } {
    // Known before any of its code runs, so its errors and log lines are redacted (config/secrets.ts);
    // its PASSWORD keys' values once it told which keys those are.
    knownSecrets.remember(name, secretValues(config));
    const onWarning = (message: string): void => this.#logger.warn({ connector: name }, message);
    const connector = new WorkerConnector({
      name,
      config,
      pluginPath: this.config.pluginPath,
      pool: this.#pool,
      onReconfigurationRequest,
      onFailure,
      onWarning,
    });
    const refused = this.#pathRefusal(name, config['connector.class'] ?? '', config);
    const started = refused === undefined ? connector.start() : Promise.reject(refused);
    void started.then(
      () => {
        const passwordKeys = new Set(connector.passwordKeys);
        knownSecrets.remember(name, secretValues(config, passwordKeys));
        // As Kafka Connect logs its ConnectorConfig values, PASSWORD keys masked (now that they are known).
        this.#logger.debug({ connector: name, config: maskConfig(passwordKeys, config) }, 'connector config');
      },
      () => undefined,
    );
    return { connector, started };
  }

  /**
   * A config stored before `allowed.paths` changed (or written to the config topic by another
   * worker) was never checked against this worker's list: it is checked again before any connector
   * or task code runs, and refused as at validation.
   */
  #pathRefusal(owner: string, connectorClass: string, config: Readonly<Record<string, string>>): ConfigException | undefined {
    const problems = pathProblems(connectorClass, config, new AllowedPaths(this.config.allowedPaths, 'allowed.paths'));
    return problems.length === 0 ? undefined : new ConfigException(problems, `configuration of ${owner}`);
  }

  #checkTaskPaths(
    connectorName: string,
    taskId: number,
    connectorConfig: Readonly<Record<string, string>>,
    taskConfig: Readonly<TaskConfig>,
  ): void {
    // The task config is what the task opens; the connector's class says which keys are paths.
    const refused = this.#pathRefusal(`task ${connectorName}-${taskId}`, connectorConfig['connector.class'] ?? '', taskConfig);
    if (refused !== undefined) throw refused;
  }

  /**
   * Validates a config against its connector's ConfigDef, in a worker thread (plugin code never
   * runs here). The config's secret values are remembered for redaction, valid or not: a rejected
   * config's secrets must not show in its 400 or in log lines either.
   */
  async validateConnectorConfig(config: Record<string, string>): Promise<ValidateResult> {
    const owner = config.name ?? '(validated)';
    knownSecrets.remember(owner, secretValues(config));
    const request: ValidateHostRequest = { kind: 'validate', config, pluginPath: this.config.pluginPath };
    const result = (await this.#pool.run(request)) as ValidateResult;
    knownSecrets.remember(owner, secretValues(config, new Set(result.passwordKeys)));
    return result;
  }

  /** GET /connector-plugins: the connector plugins on this worker (loaded in a worker thread). */
  async listConnectorPlugins(): Promise<PluginInfo[]> {
    const request: PluginsHostRequest = { kind: 'plugins', pluginPath: this.config.pluginPath };
    return (await this.#pool.run(request)) as PluginInfo[];
  }

  /** GET /connector-plugins/{plugin}/config[?version=]. Rejects with PluginNotFoundError's message for an unknown plugin, or the KIP-891 message for another version. */
  async connectorPluginConfig(plugin: string, version?: string): Promise<ConfigKeyInfo[]> {
    const request: PluginConfigHostRequest = {
      kind: 'plugin-config',
      plugin,
      pluginPath: this.config.pluginPath,
      ...(version === undefined ? {} : { version }),
    };
    return (await this.#pool.run(request)) as ConfigKeyInfo[];
  }

  async startSourceTask(
    connectorName: string,
    taskId: number,
    connectorConfig: Record<string, string>,
    taskConfig: TaskConfig,
    onStateChange: (state: State, error?: ErrorInfo) => void,
    onTopicsUsed: (topics: readonly string[]) => void = () => undefined,
  ): Promise<WorkerSourceTask> {
    const label = `${connectorName}-${taskId}`;
    knownSecrets.remember(connectorName, [...secretValues(connectorConfig), ...secretValues(taskConfig)]);
    this.#checkTaskPaths(connectorName, taskId, connectorConfig, taskConfig);
    const metrics = this.sourceMetricsFor(connectorName, taskId);
    const producer = await this.#producerFor(connectorName, connectorConfig, label);
    const task = new WorkerSourceTask({
      connectorName,
      taskId,
      connectorConfig,
      taskConfig,
      pluginPath: this.config.pluginPath,
      limits: { records: this.config.taskMaxInflightRecords, bytes: this.config.taskMaxInflightBytes },
      topicCreationEnabled: this.config.topicCreationEnable,
      offsetFlushTimeoutMs: this.config.offsetFlushTimeoutMs,
      pool: this.#pool,
      producer,
      offsetStore: this.#offsetStore,
      metrics,
      ensureTopics: (topics, creation) => this.ensureTopics(topics, creation),
      onTopicsUsed,
      logger:
        this.#loggers?.get(`connectd.task.${connectorName}`, { connector: connectorName, task: taskId }) ??
        this.#logger.child({ connector: connectorName, task: taskId }),
      onStateChange,
      errors: errorHandlingConfig(connectorConfig),
      deadLetterQueue: this.#deadLetterQueueFactory(connectorName, taskId, connectorConfig),
    });
    this.#sourceTasks.set(label, task);
    await task.start();
    if (task.state === 'FAILED') this.startups.taskFailure++;
    else this.startups.taskSuccess++;
    return task;
  }

  /**
   * Starts a sink task: its worker-thread half, then its consumer in the connector's group
   * (`connect-<name>`, or `consumer.override.group.id`). Kafka Connect's consumer defaults:
   * earliest offsets when the group has none, no auto commit.
   */
  async startSinkTask(
    connectorName: string,
    taskId: number,
    connectorConfig: Record<string, string>,
    taskConfig: TaskConfig,
    onStateChange: (state: State, error?: ErrorInfo) => void,
  ): Promise<WorkerSinkTask> {
    const label = `${connectorName}-${taskId}`;
    knownSecrets.remember(connectorName, [...secretValues(connectorConfig), ...secretValues(taskConfig)]);
    this.#checkTaskPaths(connectorName, taskId, connectorConfig, taskConfig);
    const overrides = consumerOverrides(connectorConfig, this.#overrideRules);
    const merged = taskConsumerConfig(this.config, connectorName, `connector-consumer-${connectorName}-${taskId}`, overrides);
    // Kafka's max.poll.records is not a librdkafka setting: connectd applies it itself.
    const maxPollRecords = Number(merged['max.poll.records'] ?? 500);
    delete merged['max.poll.records'];
    const pollRecords = Number.isInteger(maxPollRecords) && maxPollRecords > 0 ? maxPollRecords : 500;
    const errors = errorHandlingConfig(connectorConfig);
    const logger =
      this.#loggers?.get(`connectd.task.${connectorName}`, { connector: connectorName, task: taskId }) ??
      this.#logger.child({ connector: connectorName, task: taskId });
    const deadLetterQueue = this.#deadLetterQueueFactory(connectorName, taskId, connectorConfig);
    const task = new WorkerSinkTask({
      connectorName,
      taskId,
      connectorConfig,
      taskConfig,
      pluginPath: this.config.pluginPath,
      pool: this.#pool,
      consumerConfig: merged,
      clientHealth: this.clientHealth,
      maxPollRecords: pollRecords,
      // A few batches in flight keep put() busy; more would only delay offset commits (a preCommit
      // waits behind every batch sent before it) and grow the duplicates after a crash.
      limits: {
        records: Math.min(this.config.taskMaxInflightRecords, SINK_BATCHES_IN_FLIGHT * pollRecords),
        bytes: this.config.taskMaxInflightBytes,
      },
      errors,
      deadLetterQueue,
      metrics: this.sinkMetricsFor(connectorName, taskId),
      logger,
      onStateChange,
    });
    this.#sinkTasks.set(label, task);
    await task.start();
    if (task.state === 'FAILED') this.startups.taskFailure++;
    else this.startups.taskSuccess++;
    return task;
  }

  /** The consumer group of a sink connector: `connect-<name>`, or `consumer.override.group.id`. */
  sinkGroupId(connectorName: string, connectorConfig: Readonly<Record<string, string>>): string {
    return consumerOverrides(connectorConfig, this.#overrideRules)['group.id'] ?? `connect-${connectorName}`;
  }

  /** A sink connector's committed consumer offsets (KIP-875 GET offsets). */
  sinkOffsets(
    connectorName: string,
    connectorConfig: Readonly<Record<string, string>>,
  ): Promise<{ topic: string; partition: number; offset: number }[]> {
    const regex = (connectorConfig['topics.regex'] ?? '').trim();
    const names = (connectorConfig.topics ?? '')
      .split(',')
      .map((t) => t.trim())
      .filter((t) => t !== '');
    return readGroupOffsets(
      this.#groupClientConfig(connectorConfig),
      this.sinkGroupId(connectorName, connectorConfig),
      regex !== '' ? { regex: new RegExp(`^(?:${regex})$`) } : { names },
    );
  }

  /** Commits offsets for a stopped sink connector's group (KIP-875 PATCH offsets). */
  alterSinkOffsets(
    connectorName: string,
    connectorConfig: Readonly<Record<string, string>>,
    offsets: { topic: string; partition: number; offset: number }[],
  ): Promise<void> {
    return commitGroupOffsets(this.#groupClientConfig(connectorConfig), this.sinkGroupId(connectorName, connectorConfig), offsets);
  }

  #groupClientConfig(connectorConfig: Readonly<Record<string, string>>): Record<string, string | number | boolean> {
    const overrides = consumerOverrides(connectorConfig, this.#overrideRules);
    const config: Record<string, string | number | boolean> = {
      ...inheritedClientSettings([this.config.kafkaClientDefaults, this.config.consumer], overrides),
      ...overrides,
      'bootstrap.servers': overrides['bootstrap.servers'] ?? this.config.bootstrapServers,
    };
    delete config['max.poll.records'];
    return config;
  }

  /** Deletes a stopped sink connector's group and its offsets (KIP-875 DELETE offsets). */
  async resetSinkOffsets(connectorName: string, connectorConfig: Readonly<Record<string, string>>): Promise<void> {
    await this.#admin.deleteGroup(this.sinkGroupId(connectorName, connectorConfig));
  }

  /** Makes a task's dead letter queue (topic and producer), or undefined when the connector has none. */
  #deadLetterQueueFactory(
    connectorName: string,
    taskId: number,
    connectorConfig: Readonly<Record<string, string>>,
  ): (() => Promise<DeadLetterQueue>) | undefined {
    const errors = errorHandlingConfig(connectorConfig);
    if (errors.dlqTopic === '') return undefined;
    return async () => {
      // Kafka Connect creates the DLQ topic with one partition when it does not exist.
      await this.#admin.createTopic({ name: errors.dlqTopic, partitions: 1, replicationFactor: errors.dlqReplicationFactor, configs: {} });
      const dlq = new DeadLetterQueue(
        { topic: errors.dlqTopic, connectorName, taskId, contextHeaders: errors.dlqContextHeaders },
        this.#producerConfig(`connector-dlq-producer-${connectorName}-${taskId}`, producerOverrides(connectorConfig, this.#overrideRules)),
        this.clientHealth,
      );
      await dlq.connect(30000);
      return dlq;
    };
  }

  sinkMetricsFor(connectorName: string, taskId: number): SinkTaskMetrics {
    const label = `${connectorName}-${taskId}`;
    let metrics = this.#sinkTaskMetrics.get(label);
    if (metrics === undefined) {
      metrics = new SinkTaskMetrics(connectorName, taskId);
      this.#sinkTaskMetrics.set(label, metrics);
    }
    return metrics;
  }

  sinkTaskMetrics(): IterableIterator<SinkTaskMetrics> {
    return this.#sinkTaskMetrics.values();
  }

  sinkTasks(): IterableIterator<WorkerSinkTask> {
    return this.#sinkTasks.values();
  }

  /**
   * Creates the topics a source task is about to write to, per its connector's topic creation
   * rules, once per worker; topics that already exist are left as they are.
   */
  ensureTopics(topics: readonly string[], creation: TopicCreation): Promise<void> {
    return Promise.all(
      topics.map((topic) => {
        let pending = this.#topics.get(topic);
        if (pending === undefined) {
          const spec = creation.specFor(topic);
          pending =
            spec === null
              ? Promise.resolve()
              : this.#admin.createTopic(spec).then((created) => {
                  if (created)
                    this.#logger.info({ topic, partitions: spec.partitions, replicationFactor: spec.replicationFactor }, 'created topic');
                });
          // A failed creation is retried by the next batch that needs the topic.
          pending.catch(() => this.#topics.delete(topic));
          this.#topics.set(topic, pending);
        }
        return pending;
      }),
    ).then(() => undefined);
  }

  /** A source task's counters; they outlive the task instance so that restarts never reset them. */
  sourceMetricsFor(connectorName: string, taskId: number): SourceTaskMetrics {
    const label = `${connectorName}-${taskId}`;
    let metrics = this.#sourceTaskMetrics.get(label);
    if (metrics === undefined) {
      metrics = new SourceTaskMetrics(connectorName, taskId);
      this.#sourceTaskMetrics.set(label, metrics);
    }
    return metrics;
  }

  /** The worker threads hosting connectors and tasks, for event-loop utilisation metrics. */
  threads(): readonly { threadId: number; performance: { eventLoopUtilization: Worker_['performance']['eventLoopUtilization'] } }[] {
    return this.#pool.threads;
  }

  producers(): SourceProducer[] {
    return [this.#producer, ...this.#connectedProducers];
  }

  /**
   * The worker's Kafka health for /health: first its clients' reach (KafkaClientHealth), then each
   * source producer's oldest unacknowledged record against
   * `health.producer.unacknowledged.threshold.ms`. A producer can stop delivering while librdkafka
   * reports nothing that makes it look unreachable (issue 13: records queued, none acknowledged,
   * the task RUNNING): without this, such a worker answered healthy for as long as it lasted.
   */
  kafkaHealth(now = Date.now()): KafkaHealth {
    const reach = this.clientHealth.health();
    const threshold = this.config.healthProducerUnacknowledgedThresholdMs;
    if (reach.status !== 'healthy' || threshold <= 0) return reach;
    for (const producer of this.producers()) {
      const { records, oldestMs } = producer.unacknowledged(now);
      if (oldestMs < threshold) continue;
      const which = producer === this.#producer ? "the worker's source producer" : `connector ${producer.name}'s source producer`;
      return {
        status: 'unhealthy',
        message: `${which} has held ${records} record(s) that Kafka has not acknowledged, the oldest for ${Math.floor(oldestMs / 1000)} s (health.producer.unacknowledged.threshold.ms=${threshold}): the cluster is out of its reach or it stopped delivering`,
      };
    }
    return reach;
  }

  sourceTaskMetrics(): IterableIterator<SourceTaskMetrics> {
    return this.#sourceTaskMetrics.values();
  }

  /**
   * Stops tasks gracefully, all at once; the whole stop is bounded by the graceful timeout. A task
   * that does not stop in time is abandoned and its thread replaced: code stuck in a loop can only
   * be stopped by terminating its thread. The other tasks of that thread fail with
   * CONNECTD_ERR_THREAD_REPLACED, and the Herder restarts them at once.
   */
  async stopTasks(tasks: readonly (WorkerSourceTask | WorkerSinkTask)[]): Promise<void> {
    const abandonedThreads = new Set<number>();
    await Promise.all(
      tasks.map(async (task) => {
        const stopped = await task.stop(this.config.taskShutdownGracefulTimeoutMs);
        if (this.#sourceTasks.get(task.label) === task) this.#sourceTasks.delete(task.label);
        if (this.#sinkTasks.get(task.label) === task) this.#sinkTasks.delete(task.label);
        if (task instanceof WorkerSourceTask) {
          await this.#releaseProducer(task.connectorName, task.label);
          await task.closeDeadLetterQueue();
        }
        if (!stopped && task.threadId !== undefined) abandonedThreads.add(task.threadId);
      }),
    );
    for (const threadId of abandonedThreads) await this.#replaceThread(threadId);
  }

  async #replaceThread(threadId: number): Promise<void> {
    const thread = this.#pool.threads.find((t) => t.threadId === threadId);
    if (thread === undefined) return;
    const sharing = [...this.#sourceTasks.values(), ...this.#sinkTasks.values()].filter((t) => t.threadId === threadId);
    this.#logger.warn({ threadId, tasksMoved: sharing.map((t) => t.label) }, 'replacing a worker thread that hosts an abandoned task');
    for (const task of sharing) task.threadReplaced();
    await thread.terminate();
  }

  sourceTasks(): IterableIterator<WorkerSourceTask> {
    return this.#sourceTasks.values();
  }

  async commitAllOffsets(): Promise<void> {
    await Promise.all([...this.#sourceTasks.values(), ...this.#sinkTasks.values()].map((t) => t.commitOffsets()));
  }

  /** After the Herder stopped every task: flush and close the Kafka client and the pool. */
  async stop(): Promise<void> {
    clearInterval(this.#commitTimer);
    await this.#producer
      .flush(this.config.offsetFlushTimeoutMs)
      .catch((err: unknown) => this.#logger.warn({ err }, 'producer flush at shutdown did not complete'));
    // After a failed start the producer never connected, and librdkafka's disconnect throws then.
    await this.#producer.disconnect().catch((err: unknown) => this.#logger.warn({ err }, 'producer disconnect failed'));
    try {
      this.#admin.disconnect();
    } catch (err) {
      this.#logger.warn({ err }, 'admin client disconnect failed');
    }
    await this.#pool.destroy();
    await this.#offsetStore.stop();
  }
}
