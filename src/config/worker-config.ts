/**
 * The worker's configuration: one convict schema with Kafka Connect's key names, loaded from a
 * `.properties` or JSON file, then the environment (`CONNECTD_<KEY>` with dots as underscores),
 * validated once at start (every problem named at once) and frozen.
 *
 * Prefixed pass-through keys are not in the schema: `producer.*` goes to librdkafka as is, and
 * `key.converter.*` / `value.converter.*` configure the converters.
 */
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import convict from 'convict';
import { ConfigException } from '../sdk/config-def.js';
import type { ConfigProblem } from '../sdk/config-def.js';
import { parseProperties } from './properties.js';
import type { OverridePolicy } from '../runtime/client-overrides.js';

const positiveInt = (name: string) => (value: unknown): void => {
  if (!Number.isInteger(value) || (value as number) <= 0) throw new Error(`${name} must be a positive integer`);
};

const schema = {
  'bootstrap.servers': { doc: 'Kafka brokers to connect to, host:port[,host:port...].', format: String, default: 'localhost:9092', env: 'CONNECTD_BOOTSTRAP_SERVERS' },
  'key.converter': { doc: 'Default converter class for record keys.', format: String, default: '', env: 'CONNECTD_KEY_CONVERTER' },
  'value.converter': { doc: 'Default converter class for record values.', format: String, default: '', env: 'CONNECTD_VALUE_CONVERTER' },
  'offset.storage.file.filename': { doc: 'Standalone: file holding source offsets.', format: String, default: '', env: 'CONNECTD_OFFSET_STORAGE_FILE_FILENAME' },
  'offset.flush.interval.ms': { doc: 'How often source offsets are committed.', format: 'nat', default: 60000, env: 'CONNECTD_OFFSET_FLUSH_INTERVAL_MS' },
  'offset.flush.timeout.ms': { doc: 'How long a commit may take before it is abandoned and retried.', format: 'nat', default: 5000, env: 'CONNECTD_OFFSET_FLUSH_TIMEOUT_MS' },
  'task.shutdown.graceful.timeout.ms': { doc: 'How long tasks get to stop (drain, commit) before they are abandoned.', format: 'nat', default: 5000, env: 'CONNECTD_TASK_SHUTDOWN_GRACEFUL_TIMEOUT_MS' },
  'plugin.path': { doc: 'Comma-separated directories or modules with connector plugins.', format: String, default: '', env: 'CONNECTD_PLUGIN_PATH' },
  listeners: { doc: 'REST listener, e.g. http://127.0.0.1:8083 (empty host = all interfaces).', format: String, default: 'http://:8083', env: 'CONNECTD_LISTENERS' },
  'worker.threads': { doc: 'Worker threads hosting connectors and tasks (default: available parallelism).', format: positiveInt('worker.threads'), default: os.availableParallelism(), env: 'CONNECTD_WORKER_THREADS' },
  'task.max.inflight.records': { doc: 'Per task: records polled and not yet acknowledged by Kafka before poll() waits.', format: positiveInt('task.max.inflight.records'), default: 10000, env: 'CONNECTD_TASK_MAX_INFLIGHT_RECORDS' },
  'task.max.inflight.bytes': { doc: 'Per task: payload bytes polled and not yet acknowledged before poll() waits.', format: positiveInt('task.max.inflight.bytes'), default: 16 * 1024 * 1024, env: 'CONNECTD_TASK_MAX_INFLIGHT_BYTES' },
  'connector.client.config.override.policy': { doc: 'Which producer.override.* keys connectors may set: All, None or Principal.', format: ['All', 'None', 'Principal'], default: 'All', env: 'CONNECTD_CONNECTOR_CLIENT_CONFIG_OVERRIDE_POLICY' },
  'topic.creation.enable': { doc: "Allow source connectors to create their topics (Kafka Connect's KIP-158 topic.creation.* keys).", format: Boolean, default: true, env: 'CONNECTD_TOPIC_CREATION_ENABLE' },
  'task.restart.on.failure': { doc: 'connectd: restart FAILED tasks by themselves (Kafka Connect never does), with capped exponential backoff.', format: Boolean, default: false, env: 'CONNECTD_TASK_RESTART_ON_FAILURE' },
  'task.restart.backoff.initial.ms': { doc: 'First automatic restart delay; doubles per consecutive failure.', format: 'nat', default: 1000, env: 'CONNECTD_TASK_RESTART_BACKOFF_INITIAL_MS' },
  'task.restart.backoff.max.ms': { doc: 'Cap of the automatic restart delay.', format: 'nat', default: 60000, env: 'CONNECTD_TASK_RESTART_BACKOFF_MAX_MS' },
  'log.level': { doc: 'Log level.', format: ['trace', 'debug', 'info', 'warn', 'error', 'fatal'], default: 'info', env: 'CONNECTD_LOG_LEVEL' },
} as const;

/** Keys whose sub-keys pass through to another component rather than being validated here. */
const PASS_THROUGH_PREFIXES = ['producer.', 'key.converter.', 'value.converter.'] as const;

export interface WorkerConfig {
  readonly bootstrapServers: string;
  readonly keyConverter: string;
  readonly valueConverter: string;
  readonly offsetStorageFile: string;
  readonly offsetFlushIntervalMs: number;
  readonly offsetFlushTimeoutMs: number;
  readonly taskShutdownGracefulTimeoutMs: number;
  readonly pluginPath: readonly string[];
  readonly listener: { readonly protocol: 'http'; readonly host: string; readonly port: number };
  readonly workerThreads: number;
  readonly taskMaxInflightRecords: number;
  readonly taskMaxInflightBytes: number;
  readonly clientOverridePolicy: OverridePolicy;
  readonly topicCreationEnable: boolean;
  readonly taskRestartOnFailure: boolean;
  readonly taskRestartBackoffInitialMs: number;
  readonly taskRestartBackoffMaxMs: number;
  readonly logLevel: string;
  /** `producer.*` keys, prefix stripped, for librdkafka. */
  readonly producer: Readonly<Record<string, string>>;
  /** `key.converter*` and `value.converter*` keys as written: connector configs inherit them. */
  readonly converterDefaults: Readonly<Record<string, string>>;
}

export async function loadWorkerConfigFile(file: string): Promise<Record<string, string>> {
  const text = await readFile(file, 'utf8');
  if (file.endsWith('.json')) {
    const parsed = JSON.parse(text) as Record<string, unknown>;
    return Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
  }
  return parseProperties(text);
}

/** Validates a flat worker config (file keys; the environment fills the rest). Throws every problem at once. */
export function parseWorkerConfig(props: Readonly<Record<string, string>>, mode: 'standalone', baseDir = process.cwd()): WorkerConfig {
  const schemaKeys = new Set(Object.keys(schema));
  const problems: ConfigProblem[] = [];
  const known: Record<string, unknown> = {};
  const producer: Record<string, string> = {};
  const converterDefaults: Record<string, string> = {};
  for (const [key, value] of Object.entries(props)) {
    if (key.startsWith('producer.')) producer[key.slice('producer.'.length)] = value;
    else if (key === 'key.converter' || key === 'value.converter' || key.startsWith('key.converter.') || key.startsWith('value.converter.')) {
      converterDefaults[key] = value;
      if (schemaKeys.has(key)) known[key] = value;
    } else if (schemaKeys.has(key)) known[key] = value;
    else problems.push({ name: key, value, message: `unknown worker configuration key (known: ${[...schemaKeys].join(', ')}; prefixes ${PASS_THROUGH_PREFIXES.join(', ')})` });
  }

  // convict treats dots as nesting; the schema keys are flat names, so give it a flat view.
  const flatSchema: Record<string, unknown> = {};
  const flatValues: Record<string, unknown> = {};
  for (const [key, def] of Object.entries(schema)) {
    const flat = key.replaceAll('.', '_');
    flatSchema[flat] = def;
    if (key in known) flatValues[flat] = coerce(def.default, known[key], key, problems);
  }
  const config = convict(flatSchema as convict.Schema<Record<string, unknown>>);
  config.load(flatValues);
  try {
    config.validate({ allowed: 'strict' });
  } catch (err) {
    for (const line of (err as Error).message.split('\n')) {
      const match = /^([a-z_]+): (.*)$/.exec(line.trim());
      const name = match ? match[1]!.replaceAll('_', '.') : 'worker config';
      problems.push({ name, value: match ? String(config.get(match[1])) : null, message: match ? match[2]! : line });
    }
  }
  const get = <T>(key: keyof typeof schema): T => config.get(key.replaceAll('.', '_')) as T;

  const keyConverter = get<string>('key.converter');
  const valueConverter = get<string>('value.converter');
  if (keyConverter === '') problems.push({ name: 'key.converter', value: null, message: 'Missing required configuration with no default value' });
  if (valueConverter === '') problems.push({ name: 'value.converter', value: null, message: 'Missing required configuration with no default value' });
  const offsetFile = get<string>('offset.storage.file.filename');
  if (mode === 'standalone' && offsetFile === '') {
    problems.push({ name: 'offset.storage.file.filename', value: null, message: 'Missing required configuration with no default value (standalone mode keeps offsets in this file)' });
  }
  const listenerText = get<string>('listeners');
  const listener = parseListener(listenerText, problems);
  if (problems.length > 0) throw new ConfigException(problems, 'worker configuration');

  const pluginPath = get<string>('plugin.path').split(',').map((p) => p.trim()).filter((p) => p !== '').map((p) => path.resolve(baseDir, p));
  return Object.freeze({
    bootstrapServers: get<string>('bootstrap.servers'),
    keyConverter,
    valueConverter,
    offsetStorageFile: path.resolve(baseDir, offsetFile),
    offsetFlushIntervalMs: get<number>('offset.flush.interval.ms'),
    offsetFlushTimeoutMs: get<number>('offset.flush.timeout.ms'),
    taskShutdownGracefulTimeoutMs: get<number>('task.shutdown.graceful.timeout.ms'),
    pluginPath,
    listener: listener!,
    workerThreads: get<number>('worker.threads'),
    taskMaxInflightRecords: get<number>('task.max.inflight.records'),
    taskMaxInflightBytes: get<number>('task.max.inflight.bytes'),
    clientOverridePolicy: get<OverridePolicy>('connector.client.config.override.policy'),
    topicCreationEnable: get<boolean>('topic.creation.enable'),
    taskRestartOnFailure: get<boolean>('task.restart.on.failure'),
    taskRestartBackoffInitialMs: get<number>('task.restart.backoff.initial.ms'),
    taskRestartBackoffMaxMs: get<number>('task.restart.backoff.max.ms'),
    logLevel: get<string>('log.level'),
    producer: Object.freeze(producer),
    converterDefaults: Object.freeze(converterDefaults),
  });
}

function coerce(defaultValue: unknown, value: unknown, key: string, problems: ConfigProblem[]): unknown {
  if (typeof defaultValue === 'boolean') {
    const text = String(value).trim().toLowerCase();
    if (text === 'true' || text === 'false') return text === 'true';
    problems.push({ name: key, value: String(value), message: 'Expected value to be either true or false' });
    return defaultValue;
  }
  if (typeof defaultValue !== 'number') return value;
  const text = String(value).trim();
  if (!/^-?\d+$/.test(text)) {
    problems.push({ name: key, value: String(value), message: 'must be an integer' });
    return defaultValue;
  }
  return Number(text);
}

function parseListener(text: string, problems: ConfigProblem[]): WorkerConfig['listener'] | undefined {
  const first = text.split(',')[0]!.trim();
  const match = /^(https?):\/\/(\[[^\]]*\]|[^:/]*):(\d+)\/?$/.exec(first);
  if (match === null) {
    problems.push({ name: 'listeners', value: text, message: 'expected a URL like http://host:port (empty host listens on all interfaces)' });
    return undefined;
  }
  if (match[1] !== 'http') {
    problems.push({ name: 'listeners', value: text, message: 'https listeners are not supported yet' });
    return undefined;
  }
  const port = Number(match[3]);
  if (port > 65535) problems.push({ name: 'listeners', value: text, message: 'port must be at most 65535' });
  const host = match[2] === '' ? '0.0.0.0' : match[2]!.replace(/^\[|\]$/g, '');
  return { protocol: 'http', host, port };
}
