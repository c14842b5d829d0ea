/**
 * Wires a distributed worker together (Kafka Connect's connect-distributed) and runs it until
 * SIGTERM/SIGINT. Connectors come from the config topic (created through the REST API of any
 * worker), offsets from the offsets topic, statuses from the status topic; the workers with the
 * same `group.id` share the work. On a signal: stop this worker's tasks (drain, commit offsets),
 * leave the group so the others take the work at once, close Kafka clients, exit 0.
 *
 * Under systemd (Type=notify) it reports READY=1 once it joined the cluster and the REST API
 * listens; STOPPING=1 when a stop begins; WATCHDOG=1 meanwhile.
 */
import type { WorkerConfig } from '../config/worker-config.js';
import { createLogger, redactProcessOutput } from '../log.js';
import { fetchClusterId } from '../kafka/cluster-id.js';
import { KafkaAdmin } from '../kafka/admin.js';
import { LoggerRegistry } from '../logging/logger-registry.js';
import { createRestServer } from '../rest/server.js';
import { connectorConfigProviders } from '../runtime/config-providers.js';
import { DistributedHerder } from '../runtime/distributed/distributed-herder.js';
import { Worker } from '../runtime/worker.js';
import { KafkaConfigBackingStore } from '../storage/kafka-config-backing-store.js';
import { KafkaOffsetBackingStore } from '../storage/kafka-offset-backing-store.js';
import { KafkaStatusBackingStore } from '../storage/kafka-status-backing-store.js';
import { VERSION } from '../../shared/version.js';
import { failedStart, fatalExit, onUncaught, releaseWithin, startupStep } from './fatal.js';
import type { RestSecurity } from './rest-security.js';
import { workerMetrics } from './standalone.js';
import { SystemdNotifier } from './systemd-notify.js';

export async function runDistributed(config: WorkerConfig, restSecurity: RestSecurity = {}): Promise<number> {
  const logger = createLogger(config.logLevel, undefined, { format: config.logFormat });
  // Plugin code's console output reaches the daemon's stdout and stderr beside the logger.
  redactProcessOutput();
  const systemd = SystemdNotifier.fromEnvironment(process.env, logger);
  systemd?.startWatchdog();
  const d = config.distributed;
  const clientConfig = { ...config.kafkaClientDefaults, 'bootstrap.servers': config.bootstrapServers };
  const loggers = new LoggerRegistry(logger);
  const storeLogger = loggers.get('connectd.storage');
  const offsetStore = new KafkaOffsetBackingStore({
    topic: d.offsetTopic,
    partitions: d.offsetPartitions,
    replicationFactor: d.offsetReplicationFactor,
    clientConfig,
    logger: storeLogger,
    stallTimeoutMs: config.taskProduceStallTimeoutMs,
  });
  const configStore = new KafkaConfigBackingStore({
    topic: d.configTopic,
    replicationFactor: d.configReplicationFactor,
    clientConfig,
    logger: storeLogger,
    stallTimeoutMs: config.taskProduceStallTimeoutMs,
  });
  const statusStore = new KafkaStatusBackingStore({
    topic: d.statusTopic,
    partitions: d.statusPartitions,
    replicationFactor: d.statusReplicationFactor,
    clientConfig,
    logger: storeLogger,
    stallTimeoutMs: config.taskProduceStallTimeoutMs,
  });
  // Kafka Connect's worker id is the advertised host:port.
  const workerId = new URL(d.advertisedUrl).host;
  const worker = new Worker({ config, offsetStore, logger: loggers.get('connectd.runtime.Worker'), loggers, workerId });
  const herder = new DistributedHerder({
    worker,
    configStore,
    statusStore,
    offsetStore,
    url: d.advertisedUrl,
    logger: loggers.get('connectd.runtime.Herder'),
    providers: connectorConfigProviders(config),
    membership: {
      bootstrapServers: config.bootstrapServers,
      groupId: d.groupId,
      topic: d.membershipTopic,
      partitions: d.membershipPartitions,
      clientConfig: {
        ...config.kafkaClientDefaults,
        'session.timeout.ms': d.sessionTimeoutMs,
        'heartbeat.interval.ms': d.heartbeatIntervalMs,
        'max.poll.interval.ms': d.rebalanceTimeoutMs,
      },
    },
  });
  const coordinator = herder.coordinator;
  const metrics = workerMetrics(worker, herder, () => ({
    ...coordinator.rebalance,
    rebalancing: coordinator.rebalancing,
    generation: coordinator.assignment?.generation ?? 0,
    leader: coordinator.isLeader,
  }));
  let health: 'starting' | 'healthy' | 'unhealthy' = 'starting';
  let clusterId: string | null = null;
  const rest = createRestServer({
    herder,
    loggers,
    worker,
    metrics,
    kafkaClusterId: () => clusterId,
    health: () => (health === 'healthy' ? worker.kafkaHealth() : health),
    // Requests on connectors wait until the config topic is read and the worker joined.
    herderStart: { started: herder.started, stage: () => herder.startupStage },
    ...restSecurity,
  });

  // Whether herder.start() was entered: only then may herder.stop() run. Before, its group
  // consumer never connected, and disconnecting such a consumer crashes the Kafka binding (SIGSEGV).
  let herderStarted = false;
  let stopping: Promise<number> | undefined;
  const shutdown = (signal: string): Promise<number> => {
    stopping ??= (async () => {
      logger.info({ signal }, 'stopping: draining in-flight records, committing offsets, leaving the cluster');
      systemd?.stopping(
        'stopping: draining in-flight records, committing offsets',
        config.taskShutdownGracefulTimeoutMs + 2 * config.offsetFlushTimeoutMs + 10_000,
      );
      // Bounded by the time systemd is told: a Kafka client that stopped delivering (issue 13) must
      // not hold the stop for ever. Past it, what is still closing is left behind (offsets that
      // were not committed by then are polled again at the next start: at least once).
      await releaseWithin(
        async () => {
          if (herderStarted) await herder.stop();
          await worker.stop();
        },
        releaseTimeoutMs,
        logger,
      );
      await rest.close();
      systemd?.stopWatchdog();
      logger.info('stopped');
      logger.flush();
      return 0;
    })();
    return stopping;
  };
  const stopped = new Promise<number>((resolve) => {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => void shutdown(signal).then(resolve));
  });

  // From here on, an error nothing handled stops the daemon: logged, clients released, exit 1.
  const releaseTimeoutMs = config.taskShutdownGracefulTimeoutMs + 2 * config.offsetFlushTimeoutMs + 10_000;
  onUncaught(fatalExit(logger, () => shutdown('fatal-error'), releaseTimeoutMs));

  logger.info(
    { version: VERSION, bootstrapServers: config.bootstrapServers, groupId: d.groupId, workerId, url: d.advertisedUrl },
    'connectd starting in distributed mode',
  );
  for (const { key, reason } of config.ignoredKeys)
    logger.warn({ key }, `worker config key ${key} is a Kafka Connect setting that connectd does not apply: ${reason}`);
  systemd?.status(`starting: connecting to Kafka (${config.bootstrapServers})`);
  try {
    const unreachable = (err: Error): string => `bootstrap.servers=${config.bootstrapServers}: Kafka not reachable (${err.message})`;
    // The membership topic is never written; its partitions are how members learn their place.
    const admin = new KafkaAdmin({ ...clientConfig, 'client.id': `connectd-${workerId}-setup` });
    try {
      await startupStep(
        () =>
          admin.createTopic({
            name: d.membershipTopic,
            partitions: d.membershipPartitions,
            replicationFactor: d.configReplicationFactor,
            configs: {},
          }),
        unreachable,
      );
    } finally {
      admin.disconnect();
    }
    await startupStep(() => worker.start(), unreachable);
    clusterId = await fetchClusterId(config.bootstrapServers, config.kafkaClientDefaults['security.protocol']);
    const address = await startupStep(
      () => rest.listen({ host: config.listener.host, port: config.listener.port }),
      (err) =>
        `listeners=${config.listener.protocol}://${config.listener.host}:${config.listener.port}: cannot listen for the REST API (${err.message})`,
    );
    logger.info({ rest: address, metrics: `${address}/metrics` }, 'REST API listening');
    herderStarted = true;
    await herder.start();
    health = 'healthy';
    logger.info('connectd joined the cluster');
    systemd?.ready(`running: cluster ${d.groupId}, REST API on ${address}`);
  } catch (err) {
    return failedStart(err, logger, () => shutdown('start-failure'), releaseTimeoutMs);
  }
  return stopped;
}
