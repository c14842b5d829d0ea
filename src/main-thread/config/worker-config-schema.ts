/**
 * The worker's configuration keys: one convict schema, with Kafka Connect's names where Kafka
 * Connect has the setting. The README's key table and `connectd --help-config` are generated from
 * it, and the example config/connect-standalone.properties is tested against it.
 *
 * Keys are flat dotted names (convict nests on dots, so worker-config.ts hands convict a flat view).
 */
import os from 'node:os';

export type WorkerConfigGroup =
  'Kafka' | 'Converters' | 'Offsets' | 'Distributed' | 'Connectors and tasks' | 'Paths' | 'Config providers' | 'REST' | 'Logging';

export interface WorkerKeyDefinition {
  readonly doc: string;
  /** A convict format: a built-in name, a list of allowed values, a constructor or a validating function. */
  readonly format: unknown;
  readonly default: string | number | boolean;
  readonly group: WorkerConfigGroup;
  /** How the default reads in docs when it depends on the machine. */
  readonly defaultText?: string;
  /** A relative path is resolved against the directory of the file that set it. */
  readonly isPath?: boolean;
  /** Must be set (no usable default). `standalone`, `distributed`: in that mode. */
  readonly required?: true | 'standalone' | 'distributed';
}

const positiveInt =
  (name: string) =>
  (value: unknown): void => {
    if (!Number.isInteger(value) || (value as number) <= 0) throw new Error(`${name} must be a positive integer`);
  };

/** A replication factor or partition count for a new topic: a positive integer, or -1 for the broker's default. */
const topicSize =
  (name: string) =>
  (value: unknown): void => {
    if (!Number.isInteger(value) || ((value as number) <= 0 && value !== -1))
      throw new Error(`${name} must be a positive integer, or -1 for the broker's default`);
  };

/** Comma-separated absolute directories (Kafka's AllowedPaths takes absolute paths only). */
function absoluteDirectories(value: unknown): void {
  const relative = String(value)
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e !== '' && !e.startsWith('/'));
  if (relative.length > 0) throw new Error(`every entry must be an absolute directory; not absolute: ${relative.join(', ')}`);
}

/** `host:port` entries; a `proto://` prefix is tolerated, as librdkafka and Java's client do. */
const BOOTSTRAP_ENTRY = /^([a-zA-Z_]+:\/\/)?(\[[0-9a-fA-F:.%]+\]|[A-Za-z0-9._-]+):(\d{1,5})$/;

function bootstrapServers(value: unknown): void {
  const entries = String(value)
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (entries.length === 0) throw new Error('must name at least one broker as host:port');
  const bad = entries.filter((e) => {
    const match = BOOTSTRAP_ENTRY.exec(e);
    return match === null || Number(match[3]) > 65535;
  });
  if (bad.length > 0) throw new Error(`expected host:port[,host:port...]; not host:port: ${bad.join(', ')}`);
}

export const WORKER_CONFIG_SCHEMA = {
  'bootstrap.servers': {
    doc: 'Kafka brokers to connect to, host:port[,host:port...]. Security settings (security.protocol, sasl.*, ssl.*) go beside it, unprefixed, in Java or librdkafka spelling (see below).',
    format: bootstrapServers,
    default: 'localhost:9092',
    group: 'Kafka',
  },
  'health.kafka.unreachable.threshold.ms': {
    doc: 'connectd: GET /health answers unhealthy (500, naming the reason) once every Kafka client of the worker (source producers, sink consumers, dead letter queue producers) has had no broker for this long; healthy again when one reconnects. The clients keep retrying meanwhile, and source producers keep every record (no delivery timeout by default: see producer.delivery.timeout.ms).',
    format: 'nat',
    default: 30000,
    group: 'Kafka',
  },
  'health.producer.unacknowledged.threshold.ms': {
    doc: 'connectd: GET /health answers unhealthy (500, naming the producer) while a source producer holds a record that Kafka has not acknowledged for this long: a cluster out of reach, or a producer that stopped delivering (it still counts as connected). 0 turns the check off. connectd_producer_oldest_unacknowledged_seconds shows the age.',
    format: 'nat',
    default: 120000,
    group: 'Kafka',
  },
  'key.converter': {
    doc: 'Converter class for record keys, e.g. org.apache.kafka.connect.json.JsonConverter; key.converter.* configures it. Connectors may override it.',
    format: String,
    default: '',
    group: 'Converters',
    required: true,
  },
  'value.converter': {
    doc: 'Converter class for record values; value.converter.* configures it. Connectors may override it.',
    format: String,
    default: '',
    group: 'Converters',
    required: true,
  },
  'offset.storage.file.filename': {
    doc: 'Standalone mode: the file holding source offsets (written atomically). The systemd unit keeps it in its StateDirectory.',
    format: String,
    default: '',
    group: 'Offsets',
    isPath: true,
    required: 'standalone',
  },
  'offset.flush.interval.ms': {
    doc: 'How often source offsets are committed.',
    format: 'nat',
    default: 60000,
    group: 'Offsets',
  },
  'offset.flush.timeout.ms': {
    doc: 'How long one offset commit may take before it is abandoned and retried at the next flush.',
    format: 'nat',
    default: 5000,
    group: 'Offsets',
  },
  'group.id': {
    doc: 'Distributed mode: the cluster this worker belongs to. Workers with the same group.id share connectors and tasks (a Kafka consumer group of that name coordinates them).',
    format: String,
    default: '',
    group: 'Distributed',
    required: 'distributed',
  },
  'config.storage.topic': {
    doc: "Distributed mode: the compacted topic of connector configs, task configs and target states (one partition), in Kafka Connect's record format.",
    format: String,
    default: '',
    group: 'Distributed',
    required: 'distributed',
  },
  'config.storage.replication.factor': {
    doc: 'Replication factor of config.storage.topic when connectd creates it (-1: the broker default).',
    format: topicSize('config.storage.replication.factor'),
    default: 3,
    group: 'Distributed',
  },
  'offset.storage.topic': {
    doc: "Distributed mode: the compacted topic of source offsets, in Kafka Connect's record format (offsets can move between the two).",
    format: String,
    default: '',
    group: 'Distributed',
    required: 'distributed',
  },
  'offset.storage.replication.factor': {
    doc: 'Replication factor of offset.storage.topic when connectd creates it (-1: the broker default).',
    format: topicSize('offset.storage.replication.factor'),
    default: 3,
    group: 'Distributed',
  },
  'offset.storage.partitions': {
    doc: 'Partitions of offset.storage.topic when connectd creates it (-1: the broker default).',
    format: topicSize('offset.storage.partitions'),
    default: 25,
    group: 'Distributed',
  },
  'status.storage.topic': {
    doc: 'Distributed mode: the compacted topic of connector and task statuses.',
    format: String,
    default: '',
    group: 'Distributed',
    required: 'distributed',
  },
  'status.storage.replication.factor': {
    doc: 'Replication factor of status.storage.topic when connectd creates it (-1: the broker default).',
    format: topicSize('status.storage.replication.factor'),
    default: 3,
    group: 'Distributed',
  },
  'status.storage.partitions': {
    doc: 'Partitions of status.storage.topic when connectd creates it (-1: the broker default).',
    format: topicSize('status.storage.partitions'),
    default: 5,
    group: 'Distributed',
  },
  'session.timeout.ms': {
    doc: "Distributed mode: how long the group coordinator waits for a worker's heartbeat before it declares the worker dead and its connectors and tasks move to the others.",
    format: positiveInt('session.timeout.ms'),
    default: 10000,
    group: 'Distributed',
  },
  'heartbeat.interval.ms': {
    doc: 'Distributed mode: how often a worker sends heartbeats to the group coordinator (well under session.timeout.ms).',
    format: positiveInt('heartbeat.interval.ms'),
    default: 3000,
    group: 'Distributed',
  },
  'rebalance.timeout.ms': {
    doc: "Distributed mode: how long a rebalance waits for every worker to stop its tasks and rejoin; a worker slower than this is dropped from the group (librdkafka's max.poll.interval.ms of the membership consumer).",
    format: positiveInt('rebalance.timeout.ms'),
    default: 60000,
    group: 'Distributed',
  },
  'membership.topic': {
    doc: 'connectd, distributed mode: the topic whose partition assignment tells each worker its place in the cluster (never written to). Default: connectd-members-<group.id>.',
    format: String,
    default: '',
    group: 'Distributed',
  },
  'membership.topic.partitions': {
    doc: 'connectd, distributed mode: partitions of membership.topic when connectd creates it; a cluster may have at most half as many workers.',
    format: positiveInt('membership.topic.partitions'),
    default: 64,
    group: 'Distributed',
  },
  'rest.advertised.host.name': {
    doc: "Distributed mode: the host name other workers use to reach this REST API (requests are forwarded to the worker that runs a connector or task). Default: the listener host, else this machine's host name.",
    format: String,
    default: '',
    group: 'REST',
  },
  'rest.advertised.port': {
    doc: 'Distributed mode: the port other workers use to reach this REST API (0: the listener port).',
    format: 'port',
    default: 0,
    group: 'REST',
  },
  'rest.advertised.listener': {
    doc: 'Distributed mode: http or https, as other workers reach this REST API (default: the listener protocol).',
    format: ['', 'http', 'https'],
    default: '',
    group: 'REST',
  },
  'plugin.path': {
    doc: 'Comma-separated directories or modules with connector plugins (.js modules or npm packages).',
    format: String,
    default: '',
    group: 'Connectors and tasks',
    isPath: true,
  },
  'worker.threads': {
    doc: 'Worker threads hosting connectors and tasks (the pool size).',
    format: positiveInt('worker.threads'),
    default: os.availableParallelism(),
    defaultText: 'available parallelism',
    group: 'Connectors and tasks',
  },
  'task.max.inflight.records': {
    doc: 'Per task: records polled and not yet acknowledged by Kafka before poll() waits.',
    format: positiveInt('task.max.inflight.records'),
    default: 10000,
    group: 'Connectors and tasks',
  },
  'task.max.inflight.bytes': {
    doc: 'Per task: payload bytes polled and not yet acknowledged by Kafka before poll() waits.',
    format: positiveInt('task.max.inflight.bytes'),
    default: 16 * 1024 * 1024,
    group: 'Connectors and tasks',
  },
  'task.shutdown.graceful.timeout.ms': {
    doc: 'How long tasks get to stop (drain in-flight records, commit offsets) before they are abandoned.',
    format: 'nat',
    default: 5000,
    group: 'Connectors and tasks',
  },
  'task.produce.native.batch': {
    doc: 'connectd: hand each polled batch to librdkafka in one native call and take its delivery reports in batches, when the Kafka binding was built with patches/kafka-javascript-batch-produce.patch (else, and when false: one produce() per record).',
    format: Boolean,
    default: true,
    group: 'Connectors and tasks',
  },
  'task.produce.stall.timeout.ms': {
    doc: "connectd: a source producer (and, in distributed mode, the producer of each of the config, offset and status topics) that has delivered nothing for this long while holding records Kafka has not acknowledged (the oldest waiting as long) connects a fresh Kafka client; once that one has reached the cluster, the old one gets this long again to deliver anything, else the fresh one takes over and sends every unacknowledged record again (at least once: some may be written twice). Guards against a librdkafka client that stops delivering after a broker outage without reporting anything; during a plain outage only the fresh client's connection attempts happen. 0 turns it off. connectd_producer_replacements_total counts the takeovers.",
    format: 'nat',
    default: 120000,
    group: 'Connectors and tasks',
  },
  'task.restart.on.failure': {
    doc: 'connectd: restart FAILED tasks by themselves (Kafka Connect never does), with capped exponential backoff.',
    format: Boolean,
    default: false,
    group: 'Connectors and tasks',
  },
  'task.restart.backoff.initial.ms': {
    doc: 'First automatic restart delay; doubles per consecutive failure.',
    format: 'nat',
    default: 1000,
    group: 'Connectors and tasks',
  },
  'task.restart.backoff.max.ms': {
    doc: 'Cap of the automatic restart delay.',
    format: 'nat',
    default: 60000,
    group: 'Connectors and tasks',
  },
  'connector.client.config.override.policy': {
    doc: 'Which producer.override.* and consumer.override.* keys connectors may set: All, None or Principal (sasl.jaas.config, sasl.mechanism, security.protocol).',
    format: ['All', 'None', 'Principal'],
    default: 'All',
    group: 'Connectors and tasks',
  },
  'connector.client.config.override.destination.enable': {
    doc: "connectd: let connectors override where their clients connect or authenticate (bootstrap.servers, metadata.broker.list, client.dns.lookup, sasl.oauthbearer.token.endpoint.url). Such a client never inherits the worker's security settings (security.protocol, sasl.*, ssl.*); false refuses these overrides.",
    format: Boolean,
    default: true,
    group: 'Connectors and tasks',
  },
  'topic.creation.enable': {
    doc: "Let source connectors create their topics (Kafka Connect's KIP-158 topic.creation.* keys).",
    format: Boolean,
    default: true,
    group: 'Connectors and tasks',
  },
  'allowed.paths': {
    doc: "Directories connector configs may make the worker read or write, comma-separated, absolute: the file source's and sink's `file`, the S3 source's `file://` bucket, and `${file:…}` / `${directory:…}` placeholders in connector configs (unless the provider's own `config.providers.<name>.param.allowed.paths`, Kafka's KIP-993, is set). A path counts as under a directory after `..` and symbolic links are resolved. Empty: connectors may use no path at all (Kafka: any). `/`: any path. Checked when a config is submitted (400 naming the key) and again when a connector or task starts. Never list a directory holding the worker's own files (its config, offsets, credentials): docs/security.md.",
    format: absoluteDirectories,
    default: '',
    group: 'Paths',
  },
  'config.providers': {
    doc: "Config providers to enable, comma-separated: env, file, directory (Kafka's EnvVar, File and DirectoryConfigProvider), or names given a class by config.providers.<name>.class. Values may then hold ${provider:[path:]key} placeholders: connector configs (resolved when a connector starts; REST shows the placeholder) and this worker config.",
    format: String,
    default: '',
    group: 'Config providers',
  },
  listeners: {
    doc: 'REST listener, http://host:port or https://host:port (empty host: all interfaces). Of a comma-separated list, the first is used.',
    format: String,
    default: 'http://:8083',
    group: 'REST',
  },
  'listeners.https.ssl.keystore.type': {
    doc: "Format of the HTTPS listener's key and certificate: PEM (convert a JKS or PKCS12 keystore with openssl).",
    format: ['PEM'],
    default: 'PEM',
    group: 'REST',
  },
  'listeners.https.ssl.keystore.location': {
    doc: 'HTTPS listener: a PEM file holding the private key and the certificate chain.',
    format: String,
    default: '',
    group: 'REST',
    isPath: true,
  },
  'listeners.https.ssl.keystore.key': {
    doc: 'HTTPS listener: the private key as PEM text (instead of a keystore file).',
    format: String,
    default: '',
    group: 'REST',
  },
  'listeners.https.ssl.keystore.certificate.chain': {
    doc: 'HTTPS listener: the certificate chain as PEM text (with listeners.https.ssl.keystore.key).',
    format: String,
    default: '',
    group: 'REST',
  },
  'listeners.https.ssl.client.authentication': {
    doc: "HTTPS listener: client certificates, as Kafka Connect's ssl.client.authentication: required (no request without a certificate the truststore's CAs signed), requested (a certificate, when sent, must be valid), none.",
    format: ['none', 'requested', 'required'],
    default: 'none',
    group: 'REST',
  },
  'listeners.https.ssl.truststore.type': {
    doc: "Format of the HTTPS listener's truststore: PEM.",
    format: ['PEM'],
    default: 'PEM',
    group: 'REST',
  },
  'listeners.https.ssl.truststore.location': {
    doc: "HTTPS listener: a PEM file of CA certificates. Clients' certificates must be signed by one (with ssl.client.authentication); requests forwarded to other workers trust only these CAs and present this listener's certificate.",
    format: String,
    default: '',
    group: 'REST',
    isPath: true,
  },
  'rest.basic.auth.credentials.file': {
    doc: "When set, every REST request needs HTTP basic auth: a .properties file of user=password lines, as Kafka Connect's BasicAuthSecurityRestExtension reads with PropertyFileLoginModule.",
    format: String,
    default: '',
    group: 'REST',
    isPath: true,
  },
  'log.level': {
    doc: 'Log level.',
    format: ['trace', 'debug', 'info', 'warn', 'error', 'fatal'],
    default: 'info',
    group: 'Logging',
  },
  'log.format': {
    doc: 'json: one JSON object per line (pino); pretty: human-readable; auto: pretty when standard output is a terminal, else json.',
    format: ['auto', 'json', 'pretty'],
    default: 'auto',
    group: 'Logging',
  },
} as const satisfies Record<string, WorkerKeyDefinition>;

export type WorkerConfigKey = keyof typeof WORKER_CONFIG_SCHEMA;

export const WORKER_CONFIG_KEYS = Object.keys(WORKER_CONFIG_SCHEMA) as WorkerConfigKey[];

export function workerKeyDefinition(key: string): WorkerKeyDefinition | undefined {
  return (WORKER_CONFIG_SCHEMA as Record<string, WorkerKeyDefinition>)[key];
}

/**
 * Keys whose sub-keys pass through to another component rather than being validated against the
 * schema: `producer.*` to librdkafka (security settings translated, see kafka-security.ts),
 * `key.converter.*` / `value.converter.*` to the converters, `config.providers.<name>.class`.
 */
export const PASS_THROUGH_PREFIXES = ['producer.', 'key.converter.', 'value.converter.', 'config.providers.'] as const;

/** The environment variable for a key: `CONNECTD_` + upper case, `.` → `_`, `_` → `__`, `-` → `___`. */
export function envVarFor(key: string): string {
  return `CONNECTD_${key.replaceAll('-', '\u0001').replaceAll('_', '__').replaceAll('.', '_').replaceAll('\u0001', '___').toUpperCase()}`;
}

/** The key an environment variable sets (the inverse of envVarFor), or undefined for another name. */
export function keyForEnvVar(name: string): string | undefined {
  if (!name.startsWith('CONNECTD_') || name.length === 'CONNECTD_'.length) return undefined;
  return name
    .slice('CONNECTD_'.length)
    .replaceAll('___', '\u0001')
    .replaceAll('__', '\u0002')
    .replaceAll('_', '.')
    .replaceAll('\u0001', '-')
    .replaceAll('\u0002', '_')
    .toLowerCase();
}

/**
 * `CONNECTD_*` variables that are not worker configuration: the build id shown by `GET /`, and
 * the connector files the systemd unit passes on the command line.
 */
export const NON_CONFIG_ENV_VARS: ReadonlySet<string> = new Set(['CONNECTD_COMMIT', 'CONNECTD_CONNECTOR_CONFIGS']);
