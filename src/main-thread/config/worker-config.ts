/**
 * The worker's configuration, from three sources, each overriding the one before:
 *   1. the worker config file (Java .properties as Kafka Connect's, or JSON),
 *   2. the environment: `CONNECTD_<KEY>` (see envVarFor: `.` → `_`, `_` → `__`, `-` → `___`),
 *   3. the command line: `--override key=value` / `-o key=value`.
 * The layering is done here, explicitly, rather than by convict (whose env handling would beat a
 * file loaded with load(), and which reads process.env behind the caller's back). convict then
 * checks every schema key; the result is validated once, with every problem named (key, value,
 * where it came from) in one WorkerConfigException, and frozen.
 *
 * Keys outside the schema: `producer.*` (settings of the producers, in Java's or librdkafka's
 * names: java-client-keys.ts), `consumer.*` (of sink tasks' consumers, likewise),
 * `key.converter.*` / `value.converter.*` (converter settings), `config.providers.<name>.class`
 * and the providers' own parameters `config.providers.<name>.param.*` (config-providers.ts),
 * and the Kafka client security settings `security.protocol`, `sasl.*`, `ssl.*` (translated to
 * librdkafka, see kafka-security.ts). Anything else is an error.
 *
 * With `config.providers`, values may hold `${provider:[path:]key}` placeholders, resolved here as
 * Kafka resolves its worker config; problems show the placeholder, never the resolved value.
 */
import os from 'node:os';
import path from 'node:path';
import convict from 'convict';
import { ConfigException } from '../../worker-thread/sdk/config-def.js';
import type { ConfigProblem } from '../../worker-thread/sdk/config-def.js';
import type { OverridePolicy } from '../runtime/client-overrides.js';
import { AllowedPaths } from '../runtime/allowed-paths.js';
import { PROVIDER_PARAMS, configProvidersFrom, defaultClass, resolveConfig } from '../runtime/config-providers.js';
import type { ConfigProvider } from '../runtime/config-providers.js';
import { readConfigFile } from './config-files.js';
import { IGNORED_WORKER_KEYS, ignoredWorkerKey } from './kafka-connect-keys.js';
import { translateClientKeys } from './java-client-keys.js';
import { isSecurityKey, translateSecurity } from './kafka-security.js';
import { displayValue, knownSecrets, secretValues } from './secrets.js';
import {
  NON_CONFIG_ENV_VARS,
  PASS_THROUGH_PREFIXES,
  WORKER_CONFIG_KEYS,
  WORKER_CONFIG_SCHEMA,
  keyForEnvVar,
  workerKeyDefinition,
} from './worker-config-schema.js';
import type { WorkerConfigKey } from './worker-config-schema.js';

export type LogFormat = 'auto' | 'json' | 'pretty';

export type WorkerMode = 'standalone' | 'distributed';

/** Distributed mode's settings (Kafka Connect's DistributedConfig). */
export interface DistributedSettings {
  readonly groupId: string;
  readonly configTopic: string;
  readonly configReplicationFactor: number;
  readonly offsetTopic: string;
  readonly offsetReplicationFactor: number;
  readonly offsetPartitions: number;
  readonly statusTopic: string;
  readonly statusReplicationFactor: number;
  readonly statusPartitions: number;
  readonly sessionTimeoutMs: number;
  readonly heartbeatIntervalMs: number;
  readonly rebalanceTimeoutMs: number;
  readonly membershipTopic: string;
  readonly membershipPartitions: number;
  /** This worker's REST URL as other workers reach it. */
  readonly advertisedUrl: string;
}

export interface WorkerConfig {
  readonly bootstrapServers: string;
  readonly keyConverter: string;
  readonly valueConverter: string;
  readonly offsetStorageFile: string;
  readonly offsetFlushIntervalMs: number;
  readonly offsetFlushTimeoutMs: number;
  readonly taskShutdownGracefulTimeoutMs: number;
  readonly pluginPath: readonly string[];
  readonly listener: { readonly protocol: 'http' | 'https'; readonly host: string; readonly port: number };
  /** With an https listener: its PEM key and certificate chain, as a file holding both or as text. */
  readonly restHttps: {
    readonly keystoreLocation: string | null;
    readonly keyPem: string | null;
    readonly certificateChainPem: string | null;
    /** `listeners.https.ssl.client.authentication`. */
    readonly clientAuthentication: 'none' | 'requested' | 'required';
    /** `listeners.https.ssl.truststore.location`: PEM CA certificates, or null for the system's. */
    readonly truststoreLocation: string | null;
  } | null;
  /** `rest.basic.auth.credentials.file`: user=password lines; null when REST needs no auth. */
  readonly restBasicAuthCredentialsFile: string | null;
  readonly workerThreads: number;
  readonly taskMaxInflightRecords: number;
  readonly taskMaxInflightBytes: number;
  readonly clientOverridePolicy: OverridePolicy;
  /** `connector.client.config.override.destination.enable`: connectors may point their clients elsewhere (with their own security settings). */
  readonly clientOverrideDestinationEnable: boolean;
  readonly topicCreationEnable: boolean;
  /** Use the binding's native batch produce when it has it (task.produce.native.batch). */
  readonly taskProduceNativeBatch: boolean;
  /** `task.produce.stall.timeout.ms`: a source producer delivering nothing this long gets a fresh client (0: never). */
  readonly taskProduceStallTimeoutMs: number;
  /** `health.kafka.unreachable.threshold.ms`: every Kafka client without a broker this long → /health unhealthy. */
  readonly healthKafkaUnreachableThresholdMs: number;
  /** `health.producer.unacknowledged.threshold.ms`: a source producer's oldest unacknowledged record this old → /health unhealthy (0: off). */
  readonly healthProducerUnacknowledgedThresholdMs: number;
  readonly taskRestartOnFailure: boolean;
  readonly taskRestartBackoffInitialMs: number;
  readonly taskRestartBackoffMaxMs: number;
  readonly logLevel: string;
  readonly logFormat: LogFormat;
  readonly distributed: DistributedSettings;
  /**
   * `producer.*` keys, prefix stripped, for librdkafka; security settings among them translated to
   * librdkafka's names as in kafkaClientDefaults.
   */
  readonly producer: Readonly<Record<string, string>>;
  /** `consumer.*` keys (sink tasks' consumers), prefix stripped, translated like `producer.*`. */
  readonly consumer: Readonly<Record<string, string>>;
  /**
   * The worker's unprefixed Kafka security settings (`security.protocol`, `sasl.*`, `ssl.*`) in
   * librdkafka's names: the base of every Kafka client's config (producers and the admin client),
   * below `producer.*` and connectors' `producer.override.*`.
   */
  readonly kafkaClientDefaults: Readonly<Record<string, string>>;
  /** `key.converter*`, `value.converter*` and `header.converter*` keys as written: connector configs inherit them. */
  readonly converterDefaults: Readonly<Record<string, string>>;
  /** Kafka Connect keys that were set but do not apply in connectd (kafka-connect-keys.ts): warned about at start. */
  readonly ignoredKeys: readonly IgnoredKeyWarning[];
  /** `config.providers`: the enabled config provider names (for configProvidersFrom). */
  readonly configProviders: readonly string[];
  /** `config.providers.<name>.class` keys, by name. */
  readonly configProviderClasses: Readonly<Record<string, string>>;
  /** `config.providers.<name>.param.<param>` keys, by name and parameter (Kafka's allowed.paths, allowlist.pattern). */
  readonly configProviderParams: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** `allowed.paths`: the directories connector configs may reach (none when empty), see runtime/allowed-paths.ts. */
  readonly allowedPaths: readonly string[];
}

/** A Kafka Connect worker key that was set and that connectd does not apply, with the reason. */
export interface IgnoredKeyWarning {
  readonly key: string;
  readonly reason: string;
}

/** A problem, with where the offending value came from (a file, an environment variable, the command line). */
export interface WorkerConfigProblem extends ConfigProblem {
  readonly source?: string;
}

export class WorkerConfigException extends ConfigException {
  declare readonly problems: readonly WorkerConfigProblem[];
  constructor(problems: readonly WorkerConfigProblem[]) {
    super(problems, 'worker configuration');
  }
}

/** Where a value came from, and the directory its relative paths are relative to. */
export interface ValueOrigin {
  readonly source: string;
  readonly baseDir: string;
}

export interface WorkerConfigSources {
  /** The worker config file, as read; relative paths in it are relative to its directory. */
  readonly file?: { readonly path: string; readonly props: Readonly<Record<string, string>> };
  /** Environment variables; only `CONNECTD_*` ones are read. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Command-line overrides, in order; relative paths are relative to the working directory. */
  readonly overrides?: Readonly<Record<string, string>>;
}

export interface LayeredWorkerConfig {
  readonly props: Record<string, string>;
  readonly origins: Record<string, ValueOrigin>;
}

/** Merges file < environment < command line, remembering where each value came from. */
export function layerWorkerConfig(sources: WorkerConfigSources): LayeredWorkerConfig {
  const props: Record<string, string> = {};
  const origins: Record<string, ValueOrigin> = {};
  const cwd = process.cwd();
  if (sources.file !== undefined) {
    const baseDir = path.dirname(path.resolve(sources.file.path));
    for (const [key, value] of Object.entries(sources.file.props)) {
      props[key] = value;
      origins[key] = { source: sources.file.path, baseDir };
    }
  }
  for (const [name, value] of Object.entries(sources.env ?? {}).sort(([a], [b]) => a.localeCompare(b))) {
    const key = keyForEnvVar(name);
    if (key === undefined || value === undefined || NON_CONFIG_ENV_VARS.has(name)) continue;
    props[key] = value;
    origins[key] = { source: `environment ${name}`, baseDir: cwd };
  }
  for (const [key, value] of Object.entries(sources.overrides ?? {})) {
    props[key] = value;
    origins[key] = { source: 'command line', baseDir: cwd };
  }
  return { props, origins };
}

/** Reads the worker config file, layers the environment and overrides on it, validates. */
export async function loadWorkerConfig(
  file: string,
  mode: WorkerMode,
  opts: { env?: Readonly<Record<string, string | undefined>>; overrides?: Readonly<Record<string, string>> } = {},
): Promise<WorkerConfig> {
  const props = await readConfigFile(file);
  const layered = layerWorkerConfig({ file: { path: file, props }, env: opts.env ?? process.env, overrides: opts.overrides });
  return parseWorkerConfig(layered.props, mode, path.dirname(path.resolve(file)), layered.origins);
}

/**
 * Validates a flat worker config: all problems are thrown at once in a WorkerConfigException.
 * Only `props` is read (no environment: see layerWorkerConfig). Relative paths resolve against the
 * directory of the source that set them (`origins`), else `baseDir`.
 */
export function parseWorkerConfig(
  rawProps: Readonly<Record<string, string>>,
  mode: WorkerMode,
  baseDir = process.cwd(),
  origins: Readonly<Record<string, ValueOrigin>> = {},
): WorkerConfig {
  const problems: ConfigProblem[] = [];
  const providers = parseConfigProviders(rawProps, problems);
  const withoutProviderKeys = Object.fromEntries(
    Object.entries(rawProps).filter(([k]) => k !== 'config.providers' && !k.startsWith('config.providers.')),
  );
  const resolved = resolveConfig(withoutProviderKeys, providers.enabled);
  problems.push(...resolved.problems);
  const props = resolved.config;
  // The worker's secrets (client passwords, JAAS configs, converter credentials) are redacted by
  // value from every log line, trace and answer from here on (config/secrets.ts).
  knownSecrets.remember('worker', [...secretValues(rawProps), ...secretValues(props)]);
  const known: Partial<Record<WorkerConfigKey, string>> = {};
  const producerRaw: Record<string, string> = {};
  const consumerRaw: Record<string, string> = {};
  const security: Record<string, string> = {};
  const converterDefaults: Record<string, string> = {};
  const ignored: string[] = [];
  if (rawProps['config.providers'] !== undefined) known['config.providers'] = rawProps['config.providers'];
  for (const [key, value] of Object.entries(props)) {
    if (key.startsWith('producer.')) producerRaw[key.slice('producer.'.length)] = value;
    else if (key.startsWith('consumer.')) consumerRaw[key.slice('consumer.'.length)] = value;
    else if (ignoredWorkerKey(key) !== undefined && (key.endsWith('.plugin.version') || key.startsWith('admin.'))) ignored.push(key);
    else if (
      key === 'key.converter' ||
      key === 'value.converter' ||
      key.startsWith('key.converter.') ||
      key.startsWith('value.converter.')
    ) {
      converterDefaults[key] = value;
      if (key === 'key.converter' || key === 'value.converter') known[key] = value;
    } else if (key === 'header.converter' || key.startsWith('header.converter.')) converterDefaults[key] = value;
    else if (workerKeyDefinition(key) !== undefined) known[key as WorkerConfigKey] = value;
    else if (isSecurityKey(key)) security[key] = value;
    else if (ignoredWorkerKey(key) !== undefined) ignored.push(key);
    else problems.push({ name: key, value: displayValue(key, value), message: unknownKeyMessage(key) });
  }
  // Kafka Connect keys connectd does not implement: a warning each, or a problem where ignoring
  // the value would give the operator less than they asked for.
  const ignoredKeys: IgnoredKeyWarning[] = [];
  for (const key of ignored) {
    const entry = ignoredWorkerKey(key)!;
    const refusal = entry.refuse?.(props[key]!);
    if (refusal !== undefined) problems.push({ name: key, value: displayValue(key, rawProps[key] ?? props[key]!), message: refusal });
    else ignoredKeys.push({ key, reason: entry.reason });
  }

  // Kafka client settings: the unprefixed security keys, and those among producer.*.
  const clientDefaults = translateSecurity(security);
  problems.push(...clientDefaults.problems);
  const securityIgnored: IgnoredKeyWarning[] = [...clientDefaults.ignored];
  const producer: Record<string, string> = {};
  const producerSecurity: Record<string, string> = {};
  for (const [key, value] of Object.entries(producerRaw)) {
    if (isSecurityKey(key)) producerSecurity[key] = value;
    else producer[key] = value;
  }
  // The rest in Java's names (buffer.memory, fetch.max.wait.ms…) become librdkafka's, see java-client-keys.ts.
  const clientKeysIgnored: IgnoredKeyWarning[] = [];
  const clientKeys = (raw: Record<string, string>, kind: 'producer' | 'consumer'): void => {
    const translated = translateClientKeys(raw, kind, `${kind}.`);
    problems.push(...translated.problems);
    clientKeysIgnored.push(...translated.ignored);
    for (const key of Object.keys(raw)) delete raw[key];
    Object.assign(raw, translated.config);
  };
  clientKeys(producer, 'producer');
  const producerTranslated = translateSecurity(producerSecurity, 'producer.');
  problems.push(...producerTranslated.problems);
  securityIgnored.push(...producerTranslated.ignored);
  Object.assign(producer, producerTranslated.config);
  const consumer: Record<string, string> = {};
  const consumerSecurity: Record<string, string> = {};
  for (const [key, value] of Object.entries(consumerRaw)) {
    if (isSecurityKey(key)) consumerSecurity[key] = value;
    else consumer[key] = value;
  }
  clientKeys(consumer, 'consumer');
  const consumerTranslated = translateSecurity(consumerSecurity, 'consumer.');
  problems.push(...consumerTranslated.problems);
  securityIgnored.push(...consumerTranslated.ignored);
  Object.assign(consumer, consumerTranslated.config);

  // convict treats dots as nesting; the schema keys are flat names, so give it a flat view.
  const flat = (key: string): string => key.replaceAll('.', '_');
  const flatSchema: Record<string, unknown> = {};
  const flatValues: Record<string, unknown> = {};
  for (const key of WORKER_CONFIG_KEYS) {
    const def = WORKER_CONFIG_SCHEMA[key];
    flatSchema[flat(key)] = { doc: def.doc, format: def.format, default: def.default };
    const text = known[key];
    if (text !== undefined) flatValues[flat(key)] = coerce(def.default, text, key, problems);
  }
  const config = convict(flatSchema as convict.Schema<Record<string, unknown>>);
  config.load(flatValues);
  try {
    config.validate({ allowed: 'strict' });
  } catch (err) {
    for (const line of (err as Error).message.split('\n')) {
      const match = /^([a-z_]+): (.*?)(?:: value was .*)?$/.exec(line.trim());
      const key = match === null ? undefined : WORKER_CONFIG_KEYS.find((k) => flat(k) === match[1]);
      if (match === null || key === undefined) problems.push({ name: 'worker config', value: null, message: line });
      else problems.push({ name: key, value: displayValue(key, known[key] ?? String(config.get(match[1]))), message: match[2]! });
    }
  }
  const get = <T>(key: WorkerConfigKey): T => config.get(flat(key)) as T;

  for (const key of WORKER_CONFIG_KEYS) {
    const required = workerKeyDefinition(key)!.required;
    if ((required === true || required === mode) && String(get(key)).trim() === '') {
      const why = required === true ? '' : ` (${required} mode needs it)`;
      problems.push({ name: key, value: null, message: `Missing required configuration with no default value${why}` });
    }
  }
  const [initialBackoff, maxBackoff] = [get<number>('task.restart.backoff.initial.ms'), get<number>('task.restart.backoff.max.ms')];
  if (initialBackoff > maxBackoff) {
    problems.push({
      name: 'task.restart.backoff.initial.ms',
      value: String(initialBackoff),
      message: `must not exceed task.restart.backoff.max.ms (${maxBackoff})`,
    });
  }
  const listener = parseListener(get<string>('listeners'), problems);
  const https = {
    keystoreLocation: get<string>('listeners.https.ssl.keystore.location') || null,
    keyPem: get<string>('listeners.https.ssl.keystore.key') || null,
    certificateChainPem: get<string>('listeners.https.ssl.keystore.certificate.chain') || null,
  };
  const clientAuthentication = get<'none' | 'requested' | 'required'>('listeners.https.ssl.client.authentication');
  const truststoreLocation = get<string>('listeners.https.ssl.truststore.location') || null;
  const httpsKeys = [
    'listeners.https.ssl.keystore.location',
    'listeners.https.ssl.keystore.key',
    'listeners.https.ssl.keystore.certificate.chain',
    'listeners.https.ssl.client.authentication',
    'listeners.https.ssl.truststore.location',
  ] as const;
  if (listener?.protocol === 'https' && clientAuthentication !== 'none' && truststoreLocation === null) {
    problems.push({
      name: 'listeners.https.ssl.client.authentication',
      value: clientAuthentication,
      message: 'needs listeners.https.ssl.truststore.location (a PEM file of the CA certificates that sign client certificates)',
    });
  }
  if (listener?.protocol === 'https') {
    if (https.keystoreLocation === null && (https.keyPem === null || https.certificateChainPem === null)) {
      problems.push({
        name: 'listeners',
        value: get<string>('listeners'),
        message:
          'an https listener needs listeners.https.ssl.keystore.location (a PEM file with key and certificate chain), or listeners.https.ssl.keystore.key and listeners.https.ssl.keystore.certificate.chain',
      });
    } else if (https.keystoreLocation !== null && (https.keyPem !== null || https.certificateChainPem !== null)) {
      problems.push({
        name: 'listeners.https.ssl.keystore.location',
        value: https.keystoreLocation,
        message: 'give either a keystore file or the key and certificate chain as text, not both',
      });
    }
  } else if (listener !== undefined) {
    for (const key of httpsKeys)
      if (known[key] !== undefined)
        problems.push({
          name: key,
          value: displayValue(key, known[key]),
          message: `only with an https listener (listeners=${get<string>('listeners')})`,
        });
  }
  if (problems.length > 0) {
    // A value that held a placeholder is shown as written: the resolved value may be a secret.
    const asWritten = (p: ConfigProblem): ConfigProblem =>
      rawProps[p.name]?.includes('${') ? { ...p, value: displayValue(p.name, rawProps[p.name]!) } : p;
    throw new WorkerConfigException(
      problems.map(asWritten).map((p) => (origins[p.name] === undefined ? p : { ...p, source: origins[p.name]!.source })),
    );
  }

  const dirFor = (key: WorkerConfigKey): string => origins[key]?.baseDir ?? baseDir;
  const pluginPath = get<string>('plugin.path')
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '')
    .map((p) => path.resolve(dirFor('plugin.path'), p));
  return Object.freeze({
    bootstrapServers: get<string>('bootstrap.servers'),
    keyConverter: get<string>('key.converter'),
    valueConverter: get<string>('value.converter'),
    offsetStorageFile: path.resolve(dirFor('offset.storage.file.filename'), get<string>('offset.storage.file.filename')),
    offsetFlushIntervalMs: get<number>('offset.flush.interval.ms'),
    offsetFlushTimeoutMs: get<number>('offset.flush.timeout.ms'),
    taskShutdownGracefulTimeoutMs: get<number>('task.shutdown.graceful.timeout.ms'),
    pluginPath: Object.freeze(pluginPath),
    listener: Object.freeze(listener!),
    restHttps:
      listener!.protocol === 'https'
        ? Object.freeze({
            ...https,
            keystoreLocation:
              https.keystoreLocation === null
                ? null
                : path.resolve(dirFor('listeners.https.ssl.keystore.location'), https.keystoreLocation),
            clientAuthentication,
            truststoreLocation:
              truststoreLocation === null ? null : path.resolve(dirFor('listeners.https.ssl.truststore.location'), truststoreLocation),
          })
        : null,
    restBasicAuthCredentialsFile:
      get<string>('rest.basic.auth.credentials.file') === ''
        ? null
        : path.resolve(dirFor('rest.basic.auth.credentials.file'), get<string>('rest.basic.auth.credentials.file')),
    workerThreads: get<number>('worker.threads'),
    taskMaxInflightRecords: get<number>('task.max.inflight.records'),
    taskMaxInflightBytes: get<number>('task.max.inflight.bytes'),
    clientOverridePolicy: get<OverridePolicy>('connector.client.config.override.policy'),
    clientOverrideDestinationEnable: get<boolean>('connector.client.config.override.destination.enable'),
    topicCreationEnable: get<boolean>('topic.creation.enable'),
    taskProduceNativeBatch: get<boolean>('task.produce.native.batch'),
    taskProduceStallTimeoutMs: get<number>('task.produce.stall.timeout.ms'),
    healthKafkaUnreachableThresholdMs: get<number>('health.kafka.unreachable.threshold.ms'),
    healthProducerUnacknowledgedThresholdMs: get<number>('health.producer.unacknowledged.threshold.ms'),
    taskRestartOnFailure: get<boolean>('task.restart.on.failure'),
    taskRestartBackoffInitialMs: get<number>('task.restart.backoff.initial.ms'),
    taskRestartBackoffMaxMs: get<number>('task.restart.backoff.max.ms'),
    logLevel: get<string>('log.level'),
    logFormat: get<LogFormat>('log.format'),
    distributed: Object.freeze({
      groupId: get<string>('group.id'),
      configTopic: get<string>('config.storage.topic'),
      configReplicationFactor: get<number>('config.storage.replication.factor'),
      offsetTopic: get<string>('offset.storage.topic'),
      offsetReplicationFactor: get<number>('offset.storage.replication.factor'),
      offsetPartitions: get<number>('offset.storage.partitions'),
      statusTopic: get<string>('status.storage.topic'),
      statusReplicationFactor: get<number>('status.storage.replication.factor'),
      statusPartitions: get<number>('status.storage.partitions'),
      sessionTimeoutMs: get<number>('session.timeout.ms'),
      heartbeatIntervalMs: get<number>('heartbeat.interval.ms'),
      rebalanceTimeoutMs: get<number>('rebalance.timeout.ms'),
      membershipTopic: get<string>('membership.topic') || `connectd-members-${get<string>('group.id')}`,
      membershipPartitions: get<number>('membership.topic.partitions'),
      advertisedUrl: advertisedUrl(
        listener!,
        get<string>('rest.advertised.listener'),
        get<string>('rest.advertised.host.name'),
        get<number>('rest.advertised.port'),
      ),
    }),
    producer: Object.freeze(producer),
    consumer: Object.freeze(consumer),
    kafkaClientDefaults: Object.freeze(clientDefaults.config),
    converterDefaults: Object.freeze(converterDefaults),
    ignoredKeys: Object.freeze([...ignoredKeys, ...clientKeysIgnored, ...securityIgnored]),
    configProviders: Object.freeze(providers.names),
    configProviderClasses: Object.freeze(providers.classes),
    configProviderParams: Object.freeze(providers.params),
    allowedPaths: Object.freeze(
      new AllowedPaths(
        get<string>('allowed.paths')
          .split(',')
          .map((p) => p.trim())
          .filter((p) => p !== ''),
        'allowed.paths',
      ).dirs,
    ),
  });
}

/** Kafka Connect's advertised URL: rest.advertised.* where set, else the listener, else this host's name. */
function advertisedUrl(listener: WorkerConfig['listener'], protocol: string, host: string, port: number): string {
  const name = host || (listener.host === '' || listener.host === '0.0.0.0' || listener.host === '::' ? os.hostname() : listener.host);
  const bracketed = name.includes(':') && !name.startsWith('[') ? `[${name}]` : name;
  return `${protocol || listener.protocol}://${bracketed}:${port || listener.port}`;
}

/**
 * `config.providers`, `config.providers.<name>.class` and `config.providers.<name>.param.*`,
 * checked by building the providers (for this worker config: bound by their parameters only).
 */
function parseConfigProviders(
  props: Readonly<Record<string, string>>,
  problems: ConfigProblem[],
): {
  names: string[];
  classes: Record<string, string>;
  params: Record<string, Record<string, string>>;
  enabled: Map<string, ConfigProvider>;
} {
  const names = (props['config.providers'] ?? '')
    .split(',')
    .map((n) => n.trim())
    .filter((n) => n !== '');
  const classes: Record<string, string> = {};
  const paramKeys: [key: string, name: string, param: string][] = [];
  for (const [key, value] of Object.entries(props)) {
    if (!key.startsWith('config.providers.')) continue;
    const match = /^config\.providers\.([^.]+)\.(class|param\.(.+))$/.exec(key);
    if (match === null)
      problems.push({
        name: key,
        value,
        message:
          'unknown worker configuration key (config.providers.<name>.class names a provider class, config.providers.<name>.param.<param> sets its parameters)',
      });
    else if (!names.includes(match[1]!))
      problems.push({ name: key, value: displayValue(key, value), message: `provider ${match[1]} is not enabled in config.providers` });
    else if (match[2] === 'class') classes[match[1]!] = value.trim();
    else paramKeys.push([key, match[1]!, match[3]!]);
  }
  const params: Record<string, Record<string, string>> = {};
  for (const [key, name, param] of paramKeys) {
    const className = classes[name] ?? defaultClass(name) ?? '';
    const known = PROVIDER_PARAMS[className];
    const value = props[key]!;
    const refusal =
      known === undefined
        ? undefined
        : !known.includes(param)
          ? `unknown parameter ${param} of ${className} (connectd's takes: ${known.join(', ')})`
          : paramProblem(param, value);
    if (refusal !== undefined) {
      // Left out, so the provider still builds and its placeholders are still checked.
      problems.push({ name: key, value: displayValue(key, value), message: refusal });
    } else (params[name] ??= {})[param] = param === 'allowed.paths' ? value.trim() : value;
  }
  const enabled = new Map<string, ConfigProvider>();
  for (const name of names) {
    try {
      for (const [n, provider] of configProvidersFrom([name], classes, { params })) enabled.set(n, provider);
    } catch (err) {
      const key = classes[name] === undefined ? 'config.providers' : `config.providers.${name}.class`;
      problems.push({
        name: key,
        value: classes[name] ?? props['config.providers'] ?? '',
        message: `${(err as Error).message.replace(/^config\.providers\.[^:]*: /, '')}${classes[name] === undefined ? ` (name its class with config.providers.${name}.class)` : ''}`,
      });
    }
  }
  return { names, classes, params, enabled };
}

/** What is wrong with a provider parameter's value, if anything. */
function paramProblem(param: string, value: string): string | undefined {
  if (param === 'allowed.paths') {
    // Kafka reads an empty list as "any path"; connectd never does: `/` says so.
    if (value.trim() === '') return 'must list at least one absolute directory (`/` allows every path)';
    try {
      AllowedPaths.parse(value, param);
    } catch (err) {
      return (err as Error).message;
    }
  }
  if (param === 'allowlist.pattern') {
    try {
      new RegExp(value);
    } catch (err) {
      return `not a regular expression: ${(err as Error).message}`;
    }
  }
  return undefined;
}

function unknownKeyMessage(key: string): string {
  const candidates = [...WORKER_CONFIG_KEYS, ...Object.keys(IGNORED_WORKER_KEYS), ...PASS_THROUGH_PREFIXES.map((p) => `${p}…`)];
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const d = editDistance(key, candidate.replace('…', ''));
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  const hint = best !== undefined && bestDistance <= Math.max(2, Math.floor(key.length / 6)) ? ` (did you mean ${best}?)` : '';
  return `unknown worker configuration key${hint}; \`connectd --help-config\` lists every key (prefixes: ${PASS_THROUGH_PREFIXES.join(', ')}; Kafka security: security.protocol, sasl.*, ssl.*)`;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

function coerce(defaultValue: unknown, text: string, key: string, problems: ConfigProblem[]): unknown {
  if (typeof defaultValue === 'boolean') {
    const lower = text.trim().toLowerCase();
    if (lower === 'true' || lower === 'false') return lower === 'true';
    problems.push({ name: key, value: text, message: 'Expected value to be either true or false' });
    return defaultValue;
  }
  if (typeof defaultValue !== 'number') return text.trim();
  const trimmed = text.trim();
  if (!/^-?\d+$/.test(trimmed)) {
    problems.push({ name: key, value: text, message: 'must be an integer' });
    return defaultValue;
  }
  return Number(trimmed);
}

function parseListener(text: string, problems: ConfigProblem[]): WorkerConfig['listener'] | undefined {
  const first = text.split(',')[0]!.trim();
  const match = /^(https?):\/\/(\[[^\]]*\]|[^:/]*):(\d+)\/?$/.exec(first);
  if (match === null) {
    problems.push({
      name: 'listeners',
      value: text,
      message: 'expected a URL like http://host:port (empty host listens on all interfaces)',
    });
    return undefined;
  }
  const port = Number(match[3]);
  if (port > 65535) {
    problems.push({ name: 'listeners', value: text, message: 'port must be at most 65535' });
    return undefined;
  }
  const host = match[2] === '' ? '0.0.0.0' : match[2]!.replace(/^\[|\]$/g, '');
  return { protocol: match[1] as 'http' | 'https', host, port };
}
