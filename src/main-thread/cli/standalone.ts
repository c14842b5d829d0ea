/**
 * Wires a standalone worker together and runs it until SIGTERM/SIGINT. On a signal: stop polling,
 * drain in-flight records, commit offsets, close Kafka clients, exit 0.
 *
 * Under systemd (Type=notify) it reports READY=1 once the producer is connected, the REST API
 * listens and every connector started; STOPPING=1 when a stop begins; WATCHDOG=1 meanwhile.
 */
import type { WorkerConfig } from '../config/worker-config.js';
import { createLogger, redactProcessOutput } from '../log.js';
import { fetchClusterId } from '../kafka/cluster-id.js';
import { LoggerRegistry } from '../logging/logger-registry.js';
import { createMetricsRegistry } from '../metrics/registry.js';
import type { MetricsSources } from '../metrics/registry.js';
import type { State } from '../runtime/status.js';
import { createRestServer } from '../rest/server.js';
import { connectorConfigProviders } from '../runtime/config-providers.js';
import { StandaloneHerder } from '../runtime/standalone-herder.js';
import { Worker } from '../runtime/worker.js';
import { ConfigException } from '../../worker-thread/sdk/config-def.js';
import { FileOffsetBackingStore } from '../storage/file-offset-backing-store.js';
import { VERSION } from '../../shared/version.js';
import { failedStart, fatalExit, onUncaught, releaseWithin, startupStep } from './fatal.js';
import { EXIT_INVALID_CONFIG, formatProblem } from './problems.js';
import type { RestSecurity } from './rest-security.js';
import { SystemdNotifier } from './systemd-notify.js';

/** `restSecurity`: the REST API's TLS key and certificate and basic-auth users (see rest-security.ts). */
export async function runStandalone(
  config: WorkerConfig,
  connectorConfigs: Record<string, string>[],
  restSecurity: RestSecurity = {},
): Promise<number> {
  const logger = createLogger(config.logLevel, undefined, { format: config.logFormat });
  // Plugin code's console output reaches the daemon's stdout and stderr beside the logger.
  redactProcessOutput();
  const systemd = SystemdNotifier.fromEnvironment(process.env, logger);
  systemd?.startWatchdog();
  const offsetStore = new FileOffsetBackingStore(config.offsetStorageFile);
  const loggers = new LoggerRegistry(logger);
  const worker = new Worker({ config, offsetStore, logger: loggers.get('connectd.runtime.Worker'), loggers });
  const herder = new StandaloneHerder(worker, offsetStore, loggers.get('connectd.runtime.Herder'), connectorConfigProviders(config));
  const metrics = workerMetrics(worker, herder);
  let health: 'starting' | 'healthy' | 'unhealthy' = 'starting';
  let clusterId: string | null = null;
  const rest = createRestServer({
    herder,
    loggers,
    worker,
    metrics,
    kafkaClusterId: () => clusterId,
    health: () => (health === 'healthy' ? worker.kafkaHealth() : health),
    ...restSecurity,
  });

  let stopping: Promise<number> | undefined;
  const shutdown = (signal: string): Promise<number> => {
    stopping ??= (async () => {
      logger.info({ signal }, 'stopping: draining in-flight records and committing offsets');
      // Tasks get the graceful timeout, then offsets and the producer one flush timeout each.
      systemd?.stopping(
        'stopping: draining in-flight records, committing offsets',
        config.taskShutdownGracefulTimeoutMs + 2 * config.offsetFlushTimeoutMs + 10_000,
      );
      // Bounded by the time systemd is told: a Kafka client that stopped delivering (issue 13) must
      // not hold the stop for ever. Past it, what is still closing is left behind (offsets that
      // were not committed by then are polled again at the next start: at least once).
      await releaseWithin(
        async () => {
          await herder.stop();
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

  logger.info({ version: VERSION, bootstrapServers: config.bootstrapServers }, 'connectd starting in standalone mode');
  for (const { key, reason } of config.ignoredKeys)
    logger.warn({ key }, `worker config key ${key} is a Kafka Connect setting that connectd does not apply: ${reason}`);
  systemd?.status(`starting: connecting to Kafka (${config.bootstrapServers})`);
  try {
    await startupStep(
      () => worker.start(),
      (err) => `bootstrap.servers=${config.bootstrapServers}: Kafka not reachable (${err.message})`,
    );
    clusterId = await fetchClusterId(config.bootstrapServers, config.kafkaClientDefaults['security.protocol']);
    const address = await startupStep(
      () => rest.listen({ host: config.listener.host, port: config.listener.port }),
      (err) =>
        `listeners=${config.listener.protocol}://${config.listener.host}:${config.listener.port}: cannot listen for the REST API (${err.message})`,
    );
    logger.info({ rest: address, metrics: `${address}/metrics` }, 'REST API listening');

    for (const connectorConfig of connectorConfigs) {
      try {
        await herder.createConnector(connectorConfig);
      } catch (err) {
        if (err instanceof ConfigException) {
          logger.error({ problems: err.problems }, err.message);
          const source = `connector ${connectorConfig.name ?? '(no name)'}`;
          process.stderr.write(
            `connectd: invalid configuration, stopping:\n${err.problems.map((p) => `  ${formatProblem({ source, ...p })}\n`).join('')}`,
          );
          await releaseWithin(() => shutdown('config-error'), releaseTimeoutMs, logger);
          return EXIT_INVALID_CONFIG;
        }
        throw err;
      }
    }
    health = 'healthy';
    logger.info({ connectors: herder.connectorNames() }, 'connectd started');
    systemd?.ready(`running: ${herder.connectorNames().length} connector(s), REST API on ${address}`);
  } catch (err) {
    return failedStart(err, logger, () => shutdown('start-failure'), releaseTimeoutMs);
  }
  return stopped;
}

/** The worker's Prometheus registry: its tasks, producers and threads, and what the herder runs here. */
export function workerMetrics(
  worker: Worker,
  herder: { taskCount(): number; connectorStates(): { name: string; state: State }[] },
  rebalance?: MetricsSources['rebalance'],
): ReturnType<typeof createMetricsRegistry> {
  return createMetricsRegistry({
    sourceTasks: () => worker.sourceTasks(),
    taskMetrics: () => worker.sourceTaskMetrics(),
    sinkTasks: () => worker.sinkTasks(),
    sinkTaskMetrics: () => {
      // The consumer lag comes from librdkafka's statistics; read it at scrape time.
      for (const t of worker.sinkTasks()) t.metrics.maxLag = t.consumerLag() ?? t.metrics.maxLag;
      return worker.sinkTaskMetrics();
    },
    producers: () => worker.producers(),
    kafkaClientErrors: () => worker.clientHealth.errorCounts(),
    worker: () => ({ taskCount: herder.taskCount(), startups: worker.startups }),
    threads: () => worker.threads(),
    connectors: () => herder.connectorStates(),
    ...(rebalance === undefined ? {} : { rebalance }),
  });
}
