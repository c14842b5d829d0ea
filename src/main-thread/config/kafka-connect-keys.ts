/**
 * Kafka Connect 4.1 worker keys that connectd accepts without applying them, so a team's existing
 * `connect-standalone.properties` / `connect-distributed.properties` starts unchanged. Each is
 * accepted with one warning at start that names the key and why it does not apply (the README's
 * table of them is generated from this list). The list is checked against Kafka Connect's own
 * StandaloneConfig and DistributedConfig definitions by test/unit/config/kafka-connect-keys.test.ts.
 *
 * Some keys are refused instead, where ignoring them would weaken what the operator asked for:
 * a REST extension that adds authentication, exactly-once source support. Typos and keys that
 * exist in neither Kafka Connect nor connectd stay errors (exit 3, with "did you mean").
 */

export interface IgnoredWorkerKey {
  /** Why the key has no effect in connectd, and what to use instead where there is something. */
  readonly reason: string;
  /**
   * The value is refused, not ignored, when this returns a message: the operator asked for a
   * guarantee connectd does not give.
   */
  readonly refuse?: (value: string) => string | undefined;
}

const CLIENT =
  "a setting of Kafka Connect's own Java clients; connectd's clients are librdkafka's: set it under producer.* or consumer.* (in Java's spelling where java-client-keys.ts translates it, else in librdkafka's)";
const JMX = 'connectd has no JMX: every metric is on GET /metrics in the Prometheus format (docs/metrics.md)';
const INTER_WORKER =
  "Kafka Connect signs the task configs a follower forwards to its leader; connectd's workers forward only REST calls (with the caller's credentials) and write task configs to the config topic themselves";

export const IGNORED_WORKER_KEYS: Readonly<Record<string, IgnoredWorkerKey>> = {
  'client.id': { reason: CLIENT },
  'client.dns.lookup': { reason: CLIENT },
  'metadata.max.age.ms': { reason: CLIENT },
  'metadata.recovery.strategy': { reason: CLIENT },
  'metadata.recovery.rebootstrap.trigger.ms': { reason: CLIENT },
  'send.buffer.bytes': { reason: CLIENT },
  'receive.buffer.bytes': { reason: CLIENT },
  'reconnect.backoff.ms': { reason: CLIENT },
  'reconnect.backoff.max.ms': { reason: CLIENT },
  'socket.connection.setup.timeout.ms': { reason: CLIENT },
  'socket.connection.setup.timeout.max.ms': { reason: CLIENT },
  'retry.backoff.ms': { reason: CLIENT },
  'retry.backoff.max.ms': { reason: CLIENT },
  'request.timeout.ms': { reason: CLIENT },
  'connections.max.idle.ms': { reason: CLIENT },
  'metrics.sample.window.ms': { reason: JMX },
  'metrics.num.samples': { reason: JMX },
  'metrics.recording.level': { reason: JMX },
  'metric.reporters': { reason: JMX },
  'plugin.discovery': {
    reason: 'connectd loads JavaScript plugins from plugin.path by their exports; there is no ServiceLoader manifest to scan',
  },
  'header.converter.plugin.version': { reason: 'connectd has one version of each plugin (the one on plugin.path or built in)' },
  'key.converter.plugin.version': { reason: 'connectd has one version of each plugin (the one on plugin.path or built in)' },
  'value.converter.plugin.version': { reason: 'connectd has one version of each plugin (the one on plugin.path or built in)' },
  'topic.tracking.enable': { reason: 'connectd always tracks the topics each connector uses (GET /connectors/{name}/topics)' },
  'topic.tracking.allow.reset': { reason: 'connectd always allows PUT /connectors/{name}/topics/reset' },
  'access.control.allow.origin': { reason: 'connectd sends no CORS headers: browsers on other origins cannot call its REST API' },
  'access.control.allow.methods': { reason: 'connectd sends no CORS headers: browsers on other origins cannot call its REST API' },
  'response.http.headers.config': { reason: 'connectd does not add configured headers to REST responses' },
  'admin.listeners': { reason: 'connectd serves /admin/loggers on the REST listener (listeners), behind the same TLS and basic auth' },
  'rest.extension.classes': {
    reason: 'Java REST extensions do not run in connectd; its basic auth is built in (rest.basic.auth.credentials.file)',
    refuse: (value) =>
      /BasicAuthSecurityRestExtension/.test(value)
        ? 'BasicAuthSecurityRestExtension does not run in connectd, and ignoring it would leave the REST API without authentication: remove it and set rest.basic.auth.credentials.file to a file of user=password lines (the PropertyFileLoginModule file of your JAAS config)'
        : undefined,
  },
  'worker.sync.timeout.ms': {
    reason:
      "connectd's distributed herder has no separate config-topic sync timeout: a worker that cannot catch up with the config topic rejoins the group",
  },
  'worker.unsync.backoff.ms': {
    reason:
      "connectd's distributed herder has no separate config-topic sync timeout: a worker that cannot catch up with the config topic rejoins the group",
  },
  'connect.protocol': {
    reason:
      "connectd's workers assign connectors and tasks with their own protocol over a Kafka consumer group (docs/design/2026-11-25-distributed-mode.md), whatever this says",
  },
  'scheduled.rebalance.max.delay.ms': {
    reason: 'connectd reassigns the units of a departed worker at once; it has no delayed reassignment',
  },
  'inter.worker.key.ttl.ms': { reason: INTER_WORKER },
  'inter.worker.key.generation.algorithm': { reason: INTER_WORKER },
  'inter.worker.key.size': { reason: INTER_WORKER },
  'inter.worker.signature.algorithm': { reason: INTER_WORKER },
  'inter.worker.verification.algorithms': { reason: INTER_WORKER },
  'exactly.once.source.support': {
    reason: 'connectd delivers source records at least once; only disabled is accepted',
    refuse: (value) =>
      value.trim().toLowerCase() === 'disabled'
        ? undefined
        : `connectd does not implement exactly-once source support yet: only disabled is accepted (got ${JSON.stringify(value)}); source records are delivered at least once`,
  },
};

/**
 * Prefixes of Kafka Connect worker keys that configure its Java admin client; connectd's admin
 * client is librdkafka's and takes the worker's bootstrap and security settings.
 */
export const IGNORED_WORKER_PREFIXES: Readonly<Record<string, IgnoredWorkerKey>> = {
  'admin.': {
    reason:
      "a setting of Kafka Connect's Java admin client; connectd's admin client uses bootstrap.servers and the worker's security settings",
  },
};

/** How connectd treats a Kafka Connect worker key it does not implement, or undefined for any other key. */
export function ignoredWorkerKey(key: string): IgnoredWorkerKey | undefined {
  const exact = IGNORED_WORKER_KEYS[key];
  if (exact !== undefined) return exact;
  for (const [prefix, entry] of Object.entries(IGNORED_WORKER_PREFIXES))
    if (key.startsWith(prefix) && key.length > prefix.length) return entry;
  return undefined;
}

/** The README's table of these keys (regenerated with `connectd --help-config --markdown`). */
export function ignoredWorkerKeysMarkdown(): string {
  const rows = [
    ...Object.entries(IGNORED_WORKER_KEYS).map(([key, entry]) => [`\`${key}\``, entry]),
    ...Object.entries(IGNORED_WORKER_PREFIXES).map(([prefix, entry]) => [`\`${prefix}*\``, entry]),
  ] as [string, IgnoredWorkerKey][];
  const lines = ['| Kafka Connect key | what connectd does |', '|---|---|'];
  for (const [key, entry] of rows)
    lines.push(
      `| ${key} | ${entry.refuse === undefined ? 'accepted, ignored with a warning' : 'refused where it asks for more (see why), else ignored'}: ${entry.reason.replaceAll('|', '\\|')} |`,
    );
  return `${lines.join('\n')}\n`;
}
