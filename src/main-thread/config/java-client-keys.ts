/**
 * Kafka's Java producer and consumer settings, as a Kafka Connect worker.properties writes them under
 * `producer.*` / `consumer.*` (and connectors under `producer.override.*` / `consumer.override.*`),
 * translated to librdkafka's. Mirrors the settings of Kafka's ProducerConfig and ConsumerConfig that
 * Kafka Connect users set. Guarantee: every key either reaches librdkafka with the meaning the Java
 * client gives it, is ignored with a warning saying why (settings of the Java client's own
 * machinery: serializers, interceptors, JMX metrics), or is refused at config validation with what
 * to do instead; a key that is neither a Java name nor a librdkafka property is refused by name here,
 * not later by librdkafka at client creation.
 *
 * Pure data and string functions: `connectd validate` and the worker config checks run it without
 * loading the Kafka binding. Security settings (`security.protocol`, `sasl.*`, `ssl.*`) are
 * kafka-security.ts's; librdkafka's own names pass through unchanged, so either spelling works.
 */
import type { ConfigProblem } from '../../worker-thread/sdk/config-def.js';
import { displayValue } from './secrets.js';

export type ClientKind = 'producer' | 'consumer';

/** One Java client setting: translated (librdkafka name, value transform), ignored, or refused. */
export interface JavaClientKey {
  /** librdkafka's property that takes the value. */
  readonly librdkafka?: string;
  /** librdkafka's value for the Java value; throws an Error whose message says what is wrong. */
  readonly value?: (text: string) => string;
  /** How the value changes, for the README (when `value` does more than pass it on). */
  readonly valueNote?: string;
  /** Java-only: accepted and ignored, with this warning. */
  readonly ignored?: string;
  /** Refused, with this reason and what to do instead. */
  readonly refused?: string;
}

const same = (name: string): JavaClientKey => ({ librdkafka: name });

/** Java writes "use the operating system's default" as -1, librdkafka as 0. */
const socketBuffer = (name: string): JavaClientKey => ({
  librdkafka: name,
  value: (text) => (text.trim() === '-1' ? '0' : text.trim()),
  valueNote: '-1 (system default) → 0',
});

const JAVA_MACHINERY = "a setting of the Java client's own machinery, which librdkafka does not have";
const METRICS = "the Java client's JMX/telemetry metrics; connectd's clients report through /metrics";
const SERIALIZERS = "Kafka Connect sets the (de)serializers itself: record keys and values are the bytes of the connector's converters";

/** Settings both clients take. */
const COMMON: Readonly<Record<string, JavaClientKey>> = {
  'bootstrap.servers': same('bootstrap.servers'),
  'client.id': same('client.id'),
  'client.dns.lookup': same('client.dns.lookup'),
  'client.rack': same('client.rack'),
  'metadata.max.age.ms': same('metadata.max.age.ms'),
  'connections.max.idle.ms': same('connections.max.idle.ms'),
  'reconnect.backoff.ms': same('reconnect.backoff.ms'),
  'reconnect.backoff.max.ms': same('reconnect.backoff.max.ms'),
  'retry.backoff.ms': same('retry.backoff.ms'),
  'retry.backoff.max.ms': same('retry.backoff.max.ms'),
  'socket.connection.setup.timeout.ms': same('socket.connection.setup.timeout.ms'),
  'send.buffer.bytes': socketBuffer('socket.send.buffer.bytes'),
  'receive.buffer.bytes': socketBuffer('socket.receive.buffer.bytes'),
  'socket.connection.setup.timeout.max.ms': {
    ignored: `${JAVA_MACHINERY} (librdkafka bounds each connection attempt by socket.connection.setup.timeout.ms)`,
  },
  'interceptor.classes': { refused: 'Java interceptor classes cannot run in librdkafka: remove it (connectors can use SMTs)' },
  'metric.reporters': { ignored: METRICS },
  'metrics.num.samples': { ignored: METRICS },
  'metrics.sample.window.ms': { ignored: METRICS },
  'metrics.recording.level': { ignored: METRICS },
  'auto.include.jmx.reporter': { ignored: METRICS },
  'enable.metrics.push': { ignored: METRICS },
  'security.providers': { refused: 'a Java (JCA) setting; librdkafka uses OpenSSL: remove it' },
};

const PRODUCER: Readonly<Record<string, JavaClientKey>> = {
  ...COMMON,
  // librdkafka reads "all" too, but as -1 the value means the same in every librdkafka version.
  acks: { librdkafka: 'acks', value: (text) => acks(text), valueNote: 'all → -1' },
  'linger.ms': same('linger.ms'),
  // Java bounds the bytes of one partition's batch; librdkafka the bytes of one MessageSet (one partition's batch).
  'batch.size': same('batch.size'),
  'compression.type': { librdkafka: 'compression.type', value: (text) => oneOf(text, ['none', 'gzip', 'snappy', 'lz4', 'zstd']) },
  'max.request.size': same('message.max.bytes'),
  'buffer.memory': {
    librdkafka: 'queue.buffering.max.kbytes',
    value: (text) => String(Math.max(1, Math.ceil(bytes(text) / 1024))),
    valueNote: 'bytes → KiB, rounded up',
  },
  'delivery.timeout.ms': same('delivery.timeout.ms'),
  'request.timeout.ms': same('request.timeout.ms'),
  retries: same('retries'),
  'enable.idempotence': same('enable.idempotence'),
  'max.in.flight.requests.per.connection': same('max.in.flight.requests.per.connection'),
  'transactional.id': same('transactional.id'),
  'transaction.timeout.ms': same('transaction.timeout.ms'),
  'max.block.ms': {
    ignored:
      "connectd never blocks on the producer's buffer: a source task waits on its in-flight bound (task.max.inflight.records / task.max.inflight.bytes) instead",
  },
  'key.serializer': { ignored: SERIALIZERS },
  'value.serializer': { ignored: SERIALIZERS },
  'metadata.max.idle.ms': { ignored: JAVA_MACHINERY },
  'compression.gzip.level': {
    ignored: "Java's per-codec level; librdkafka has one compression.level for the codec in use: set that instead",
  },
  'compression.lz4.level': {
    ignored: "Java's per-codec level; librdkafka has one compression.level for the codec in use: set that instead",
  },
  'compression.zstd.level': {
    ignored: "Java's per-codec level; librdkafka has one compression.level for the codec in use: set that instead",
  },
  // Ignoring a partitioner would move records to other partitions than the user asked for.
  'partitioner.class': {
    refused:
      "a Java class; librdkafka cannot load it: set librdkafka's partitioner instead (murmur2_random hashes keys as Java's default partitioner does)",
  },
  'partitioner.ignore.keys': { refused: "Java's built-in partitioner setting: set librdkafka's partitioner instead (random ignores keys)" },
  'partitioner.adaptive.partitioning.enable': { ignored: "Java's built-in partitioner tuning; librdkafka's partitioner has none" },
  'partitioner.availability.timeout.ms': { ignored: "Java's built-in partitioner tuning; librdkafka's partitioner has none" },
};

/** Java's assignor classes and their librdkafka strategies. */
const ASSIGNORS: Readonly<Record<string, string>> = {
  RangeAssignor: 'range',
  RoundRobinAssignor: 'roundrobin',
  CooperativeStickyAssignor: 'cooperative-sticky',
};

const CONSUMER: Readonly<Record<string, JavaClientKey>> = {
  ...COMMON,
  'group.id': same('group.id'),
  'group.instance.id': same('group.instance.id'),
  'group.protocol': same('group.protocol'),
  'group.remote.assignor': same('group.remote.assignor'),
  'fetch.min.bytes': same('fetch.min.bytes'),
  'fetch.max.bytes': same('fetch.max.bytes'),
  'fetch.max.wait.ms': same('fetch.wait.max.ms'),
  'max.partition.fetch.bytes': same('max.partition.fetch.bytes'),
  'auto.offset.reset': { librdkafka: 'auto.offset.reset', value: (text) => offsetReset(text), valueNote: 'none → error' },
  'isolation.level': { librdkafka: 'isolation.level', value: (text) => oneOf(text, ['read_uncommitted', 'read_committed']) },
  'session.timeout.ms': same('session.timeout.ms'),
  'heartbeat.interval.ms': same('heartbeat.interval.ms'),
  'max.poll.interval.ms': same('max.poll.interval.ms'),
  'enable.auto.commit': same('enable.auto.commit'),
  'auto.commit.interval.ms': same('auto.commit.interval.ms'),
  'check.crcs': same('check.crcs'),
  'allow.auto.create.topics': same('allow.auto.create.topics'),
  'partition.assignment.strategy': {
    librdkafka: 'partition.assignment.strategy',
    value: (text) => assignors(text),
    valueNote: 'RangeAssignor → range, RoundRobinAssignor → roundrobin, CooperativeStickyAssignor → cooperative-sticky',
  },
  // Java's consumer request timeout; librdkafka's request.timeout.ms is a producer setting.
  'request.timeout.ms': same('socket.timeout.ms'),
  // Not a librdkafka setting: connectd hands sink tasks at most this many records per batch itself.
  'max.poll.records': same('max.poll.records'),
  'default.api.timeout.ms': { ignored: `${JAVA_MACHINERY} (connectd bounds its own calls)` },
  'exclude.internal.topics': { ignored: 'librdkafka has no such setting; sink connectors name their topics (topics, topics.regex)' },
  'key.deserializer': { ignored: SERIALIZERS },
  'value.deserializer': { ignored: SERIALIZERS },
};

/** The Java names connectd understands, by client. */
export const JAVA_CLIENT_KEYS: Readonly<Record<ClientKind, Readonly<Record<string, JavaClientKey>>>> = {
  producer: PRODUCER,
  consumer: CONSUMER,
};

/**
 * librdkafka's properties (global and topic) in the bundled librdkafka's CONFIGURATION.md, but
 * those set through its C API (callbacks, opaques): names that pass through unchanged.
 */
export const LIBRDKAFKA_KEYS: ReadonlySet<string> = new Set([
  'acks',
  'allow.auto.create.topics',
  'api.version.fallback.ms',
  'api.version.request',
  'api.version.request.timeout.ms',
  'auto.commit.enable',
  'auto.commit.interval.ms',
  'auto.offset.reset',
  'batch.num.messages',
  'batch.size',
  'bootstrap.servers',
  'broker.address.family',
  'broker.address.ttl',
  'broker.version.fallback',
  'builtin.features',
  'check.crcs',
  'client.dns.lookup',
  'client.id',
  'client.rack',
  'compression.codec',
  'compression.level',
  'compression.type',
  'connections.max.idle.ms',
  'consume.callback.max.messages',
  'coordinator.query.interval.ms',
  'debug',
  'delivery.report.only.error',
  'delivery.timeout.ms',
  'enable.auto.commit',
  'enable.auto.offset.store',
  'enable.gapless.guarantee',
  'enable.idempotence',
  'enable.metrics.push',
  'enable.partition.eof',
  'enable.random.seed',
  'enable.sasl.oauthbearer.unsecure.jwt',
  'enable.ssl.certificate.verification',
  'enabled_events',
  'fetch.error.backoff.ms',
  'fetch.max.bytes',
  'fetch.message.max.bytes',
  'fetch.min.bytes',
  'fetch.queue.backoff.ms',
  'fetch.wait.max.ms',
  'group.id',
  'group.instance.id',
  'group.protocol',
  'group.protocol.type',
  'group.remote.assignor',
  'heartbeat.interval.ms',
  'https.ca.location',
  'https.ca.pem',
  'interceptors',
  'internal.termination.signal',
  'isolation.level',
  'linger.ms',
  'log.connection.close',
  'log.queue',
  'log.thread.name',
  'log_level',
  'max.in.flight',
  'max.in.flight.requests.per.connection',
  'max.partition.fetch.bytes',
  'max.poll.interval.ms',
  'max.poll.records',
  'message.copy.max.bytes',
  'message.max.bytes',
  'message.send.max.retries',
  'message.timeout.ms',
  'metadata.broker.list',
  'metadata.max.age.ms',
  'metadata.recovery.rebootstrap.trigger.ms',
  'metadata.recovery.strategy',
  'msg_order_cmp',
  'offset.store.method',
  'offset.store.path',
  'offset.store.sync.interval.ms',
  'partition.assignment.strategy',
  'partitioner',
  'plugin.library.paths',
  'produce.offset.report',
  'queue.buffering.backpressure.threshold',
  'queue.buffering.max.kbytes',
  'queue.buffering.max.messages',
  'queue.buffering.max.ms',
  'queued.max.messages.kbytes',
  'queued.min.messages',
  'queuing.strategy',
  'receive.message.max.bytes',
  'reconnect.backoff.jitter.ms',
  'reconnect.backoff.max.ms',
  'reconnect.backoff.ms',
  'request.required.acks',
  'request.timeout.ms',
  'retries',
  'retry.backoff.max.ms',
  'retry.backoff.ms',
  'sasl.kerberos.keytab',
  'sasl.kerberos.kinit.cmd',
  'sasl.kerberos.min.time.before.relogin',
  'sasl.kerberos.principal',
  'sasl.kerberos.service.name',
  'sasl.mechanism',
  'sasl.mechanisms',
  'sasl.oauthbearer.assertion.algorithm',
  'sasl.oauthbearer.assertion.claim.aud',
  'sasl.oauthbearer.assertion.claim.exp.seconds',
  'sasl.oauthbearer.assertion.claim.iss',
  'sasl.oauthbearer.assertion.claim.jti.include',
  'sasl.oauthbearer.assertion.claim.nbf.seconds',
  'sasl.oauthbearer.assertion.claim.sub',
  'sasl.oauthbearer.assertion.file',
  'sasl.oauthbearer.assertion.jwt.template.file',
  'sasl.oauthbearer.assertion.private.key.file',
  'sasl.oauthbearer.assertion.private.key.passphrase',
  'sasl.oauthbearer.assertion.private.key.pem',
  'sasl.oauthbearer.client.credentials.client.id',
  'sasl.oauthbearer.client.credentials.client.secret',
  'sasl.oauthbearer.client.id',
  'sasl.oauthbearer.client.secret',
  'sasl.oauthbearer.config',
  'sasl.oauthbearer.extensions',
  'sasl.oauthbearer.grant.type',
  'sasl.oauthbearer.metadata.authentication.type',
  'sasl.oauthbearer.method',
  'sasl.oauthbearer.scope',
  'sasl.oauthbearer.sub.claim.name',
  'sasl.oauthbearer.token.endpoint.url',
  'sasl.password',
  'sasl.username',
  'security.protocol',
  'session.timeout.ms',
  'share.acknowledgement.mode',
  'socket.blocking.max.ms',
  'socket.connection.setup.timeout.ms',
  'socket.keepalive.enable',
  'socket.max.fails',
  'socket.nagle.disable',
  'socket.receive.buffer.bytes',
  'socket.send.buffer.bytes',
  'socket.timeout.ms',
  'ssl.ca.certificate.stores',
  'ssl.ca.location',
  'ssl.ca.pem',
  'ssl.certificate.location',
  'ssl.certificate.pem',
  'ssl.cipher.suites',
  'ssl.crl.location',
  'ssl.curves.list',
  'ssl.endpoint.identification.algorithm',
  'ssl.engine.id',
  'ssl.engine.location',
  'ssl.key.location',
  'ssl.key.password',
  'ssl.key.pem',
  'ssl.keystore.location',
  'ssl.keystore.password',
  'ssl.providers',
  'ssl.sigalgs.list',
  'ssl_ca',
  'ssl_certificate',
  'ssl_engine_callback_data',
  'ssl_key',
  'statistics.interval.ms',
  'sticky.partitioning.linger.ms',
  'topic.blacklist',
  'topic.metadata.propagation.max.ms',
  'topic.metadata.refresh.fast.cnt',
  'topic.metadata.refresh.fast.interval.ms',
  'topic.metadata.refresh.interval.ms',
  'topic.metadata.refresh.sparse',
  'transaction.timeout.ms',
  'transactional.id',
]);

export interface ClientKeyTranslation {
  /** librdkafka names and values. */
  readonly config: Record<string, string>;
  readonly problems: ConfigProblem[];
  /** Java-only settings that were set and are ignored, with the reason. */
  readonly ignored: { readonly key: string; readonly reason: string }[];
}

/**
 * Translates a client's non-security settings (keys without prefix) to librdkafka's. Problems and
 * warnings name keys as `keyPrefix + key`, e.g. `producer.override.buffer.memory`.
 */
export function translateClientKeys(props: Readonly<Record<string, string>>, kind: ClientKind, keyPrefix: string): ClientKeyTranslation {
  const table = JAVA_CLIENT_KEYS[kind];
  const config: Record<string, string> = {};
  const problems: ConfigProblem[] = [];
  const ignored: { key: string; reason: string }[] = [];
  const setBy: Record<string, string> = {};
  const problem = (key: string, message: string): void => {
    problems.push({ name: keyPrefix + key, value: displayValue(keyPrefix + key, props[key] ?? null), message });
  };
  for (const [key, text] of Object.entries(props)) {
    const entry = Object.hasOwn(table, key) ? table[key] : undefined;
    if (entry?.refused !== undefined) {
      problem(key, `not supported: ${entry.refused}`);
      continue;
    }
    if (entry?.ignored !== undefined) {
      ignored.push({ key: keyPrefix + key, reason: entry.ignored });
      continue;
    }
    const target = entry?.librdkafka ?? (LIBRDKAFKA_KEYS.has(key) ? key : undefined);
    if (target === undefined) {
      problem(
        key,
        `unknown Kafka ${kind} setting: neither a Java client name connectd translates nor a librdkafka property (the README lists both)`,
      );
      continue;
    }
    // Two spellings of one librdkafka setting (max.request.size and message.max.bytes): librdkafka
    // would keep whichever came last, which a properties file does not say.
    const other = setBy[target];
    if (other !== undefined) {
      problem(key, `sets librdkafka's ${target}, as ${keyPrefix}${other} does: keep one of them`);
      continue;
    }
    try {
      config[target] = entry?.value === undefined ? text : entry.value(text);
      setBy[target] = key;
    } catch (err) {
      problem(key, (err as Error).message);
    }
  }
  return { config, problems, ignored };
}

function oneOf(text: string, values: readonly string[]): string {
  const value = text.trim().toLowerCase();
  if (!values.includes(value)) throw new Error(`must be one of ${values.join(', ')}`);
  return value;
}

function acks(text: string): string {
  const value = text.trim().toLowerCase();
  if (value === 'all' || value === '-1') return '-1';
  if (/^\d+$/.test(value)) return value;
  throw new Error('must be all, -1, 0 or a number of replicas');
}

function bytes(text: string): number {
  const value = text.trim();
  if (!/^\d+$/.test(value) || Number(value) === 0) throw new Error('must be a positive number of bytes');
  return Number(value);
}

function offsetReset(text: string): string {
  const value = text.trim().toLowerCase();
  // Java's none fails the consumer where the group has no offset; librdkafka's error does.
  if (value === 'none') return 'error';
  if (value.startsWith('by_duration:'))
    throw new Error(
      "librdkafka has no by_duration reset: use earliest or latest (or reset the group's offsets with PATCH /connectors/<name>/offsets)",
    );
  return oneOf(value, ['earliest', 'latest', 'smallest', 'largest', 'beginning', 'end', 'error']);
}

function assignors(text: string): string {
  const names = text
    .split(',')
    .map((n) => n.trim())
    .filter((n) => n !== '');
  if (names.length === 0) throw new Error('must name at least one assignor');
  return names
    .map((name) => {
      const simple = name.slice(name.lastIndexOf('.') + 1);
      const translated = ASSIGNORS[simple];
      if (translated !== undefined && (simple === name || name === `org.apache.kafka.clients.consumer.${simple}`)) return translated;
      if (['range', 'roundrobin', 'cooperative-sticky'].includes(name)) return name;
      if (simple === 'StickyAssignor')
        throw new Error('librdkafka has no eager sticky assignor: use CooperativeStickyAssignor (cooperative-sticky)');
      throw new Error(
        `${name} is not an assignor librdkafka has (RangeAssignor, RoundRobinAssignor, CooperativeStickyAssignor, or librdkafka's range, roundrobin, cooperative-sticky)`,
      );
    })
    .join(',');
}

/** The README's table of Java names (generated, checked by test/unit/config/java-client-keys.test.ts). */
export function javaClientKeysMarkdown(): string {
  const rows: string[] = ['| Java client setting | Client | librdkafka |', '|---|---|---|'];
  const keys = [...new Set([...Object.keys(PRODUCER), ...Object.keys(CONSUMER)])].sort();
  for (const key of keys) {
    const producer = Object.hasOwn(PRODUCER, key) ? PRODUCER[key] : undefined;
    const consumer = Object.hasOwn(CONSUMER, key) ? CONSUMER[key] : undefined;
    const describe = (entry: JavaClientKey): string =>
      entry.refused !== undefined
        ? `refused: ${entry.refused}`
        : entry.ignored !== undefined
          ? `ignored with a warning: ${entry.ignored}`
          : key === 'max.poll.records'
            ? 'applied by connectd (not a librdkafka setting)'
            : `\`${entry.librdkafka!}\`${entry.valueNote === undefined ? '' : ` (${entry.valueNote})`}`;
    if (producer !== undefined && consumer !== undefined && describe(producer) === describe(consumer))
      rows.push(`| \`${key}\` | both | ${describe(producer)} |`);
    else {
      if (producer !== undefined) rows.push(`| \`${key}\` | producer | ${describe(producer)} |`);
      if (consumer !== undefined) rows.push(`| \`${key}\` | consumer | ${describe(consumer)} |`);
    }
  }
  return `${rows.join('\n')}\n`;
}
