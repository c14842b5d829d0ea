/**
 * What the REST API asks of a herder (Kafka Connect's `Herder`), and the parts both herders share
 * (Kafka Connect's AbstractHerder): validation, secrets masking, worker defaults, the KIP-875 offset
 * request checks. StandaloneHerder keeps its state in memory; DistributedHerder in Kafka topics.
 */
import { ConfigException } from '../../worker-thread/sdk/config-def.js';
import type { ConfigInfos, ConfigProblem } from '../../worker-thread/sdk/config-def.js';
import { SecretValues, displayValue, knownSecrets, maskValue, secretValues } from '../config/secrets.js';
import type { TaskConfig } from '../../worker-thread/sdk/connector.js';
import { aliasesFor } from '../../shared/plugins.js';
import { CONNECTOR_CONFIG_DEF } from '../../shared/connector-config.js';
import { TopicCreation } from './topic-creation.js';
import { consumerOverrides, producerOverrides } from './client-overrides.js';
import { resolveConfig } from './config-providers.js';
import { AllowedPaths, pathProblems } from './allowed-paths.js';
import type { ConfigProvider } from './config-providers.js';
import { HerderError } from './errors.js';
import { connectJson, offsetKey } from '../../shared/offset-json.js';
import type { State } from './status.js';
import type { TargetState } from '../storage/kafka-config-backing-store.js';
import type { Worker } from './worker.js';

// One definition: the target states the config topic stores (Kafka Connect's TargetState).
export type { TargetState } from '../storage/kafka-config-backing-store.js';

/** A source partition and its offset, as Kafka Connect's offsets REST API shows them. */
export interface ConnectorOffset {
  partition: Record<string, unknown>;
  offset: Record<string, unknown> | null;
}

/**
 * GET /connectors/{name}/status (Kafka Connect's REST ConnectorStateInfo). Not the record the
 * status topic stores, which is storage's ConnectorStatus.
 */
export interface ConnectorStateInfo {
  name: string;
  /** `version`: the plugin's version() (Kafka Connect 4.1, KIP-891); null until it started. */
  connector: { state: State; worker_id: string; version: string | null; trace?: string };
  tasks: { id: number; state: State; worker_id: string; version: string | null; trace?: string }[];
  type: 'source' | 'sink';
}

export interface ConnectorInfo {
  name: string;
  config: Record<string, string>;
  tasks: { connector: string; task: number }[];
  type: 'source' | 'sink';
}

export interface RestartOptions {
  includeTasks: boolean;
  onlyFailed: boolean;
}

type MaybeAsync<T> = T | Promise<T>;

/** The operations behind the REST API. Reads may answer at once or after a lookup. */
export interface Herder {
  connectorNames(): string[];
  connectorInfo(name: string): MaybeAsync<ConnectorInfo>;
  connectorConfig(name: string): MaybeAsync<Record<string, string>>;
  taskInfos(name: string): MaybeAsync<{ id: { connector: string; task: number }; config: TaskConfig }[]>;
  status(name: string): MaybeAsync<ConnectorStateInfo>;
  taskStatus(name: string, task: number): ConnectorStateInfo['tasks'][number];
  activeTopics(name: string): string[];
  resetActiveTopics(name: string): MaybeAsync<void>;
  createConnector(config: Record<string, string>, initialState?: TargetState): Promise<void>;
  putConnectorConfig(name: string, config: Record<string, string>): Promise<{ created: boolean }>;
  patchConnectorConfig(name: string, patch: Record<string, string | null>): Promise<void>;
  deleteConnector(name: string): Promise<void>;
  pauseConnector(name: string): Promise<void>;
  resumeConnector(name: string): Promise<void>;
  stopConnector(name: string): Promise<void>;
  restartConnector(name: string, opts: RestartOptions): Promise<void>;
  restartTask(name: string, task: number): Promise<void>;
  offsets(name: string): Promise<ConnectorOffset[]>;
  alterOffsets(name: string, offsets: ConnectorOffset[] | null): Promise<void>;
  validateForPlugin(plugin: string, config: Record<string, string>): Promise<ConfigInfos>;
}

// The one rule for secrets lives in config/secrets.ts; the herders mask with it.
export { isSecret, maskConfig, unmaskConfig } from '../config/secrets.js';

/**
 * Kafka Connect's reverseTransform: a task config value that a config provider resolved is shown
 * (and stored) as the connector's placeholder again, so a resolved secret never leaves the worker.
 */
export function reverseTransform(
  raw: Readonly<Record<string, string>>,
  effective: Readonly<Record<string, string>>,
  config: TaskConfig,
): TaskConfig {
  const out: TaskConfig = { ...config };
  for (const [k, value] of Object.entries(raw)) {
    if (value.includes('${') && out[k] !== undefined && out[k] === effective[k] && value !== out[k]) out[k] = value;
  }
  return out;
}

/** Converter keys: the connector's own when it names a converter, else the worker's defaults; placeholders resolved. */
export function withWorkerDefaults(
  worker: Worker,
  providers: ReadonlyMap<string, ConfigProvider>,
  config: Readonly<Record<string, string>>,
): Record<string, string> {
  const effective: Record<string, string> = {};
  const defaults = worker.config.converterDefaults;
  for (const prefix of ['key.converter', 'value.converter', 'header.converter']) {
    if (config[prefix] !== undefined) continue;
    for (const [k, v] of Object.entries(defaults)) if (k === prefix || k.startsWith(`${prefix}.`)) effective[k] = v;
  }
  effective['key.converter'] ??= worker.config.keyConverter;
  effective['value.converter'] ??= worker.config.valueConverter;
  // Placeholders resolve here, for the connector and its tasks only; the stored config keeps them.
  return resolveConfig({ ...effective, ...config }, providers).config;
}

/**
 * The config a connector instance starts with: its own, placeholders resolved, without the
 * worker's converter defaults. As in Kafka Connect, where the worker's converters are the tasks'
 * business: a connector that hands its config on as task configs (FileStreamSource) then shows
 * no worker keys in GET /connectors/{c}/tasks.
 */
export function connectorStartConfig(
  providers: ReadonlyMap<string, ConfigProvider>,
  config: Readonly<Record<string, string>>,
): Record<string, string> {
  return resolveConfig({ ...config }, providers).config;
}

/**
 * Validates a connector config: the framework's keys here, the connector's own keys (and that its
 * class exists) in a worker thread. Throws ConfigException with every problem; returns the
 * connector's PASSWORD keys and whether it is a source or a sink.
 */
export async function validateConnector(
  worker: Worker,
  providers: ReadonlyMap<string, ConfigProvider>,
  rawConfig: Record<string, string>,
): Promise<{ passwordKeys: Set<string>; connectorType: 'source' | 'sink' }> {
  const { config, problems, secrets } = resolveConfig(rawConfig, providers);
  knownSecrets.remember(rawConfig.name ?? '(validated)', secretValues(rawConfig));
  const collect = (check: () => unknown): void => {
    try {
      check();
    } catch (err) {
      if (err instanceof ConfigException) problems.push(...err.problems);
      else throw err;
    }
  };
  collect(() => CONNECTOR_CONFIG_DEF.parse(config));
  collect(() => TopicCreation.fromConfig(config, worker.config.topicCreationEnable));
  const overrideRules = { policy: worker.config.clientOverridePolicy, destinations: worker.config.clientOverrideDestinationEnable };
  collect(() => producerOverrides(config, overrideRules));
  collect(() => consumerOverrides(config, overrideRules));
  // Here, not in the connector's ConfigDef: the allowlist is the worker's, and plugin code (in a
  // worker thread) has no say in it.
  problems.push(...pathProblems(config['connector.class'] ?? '', config, new AllowedPaths(worker.config.allowedPaths, 'allowed.paths')));
  let passwordKeys: string[] = [];
  let connectorType: 'source' | 'sink' = 'source';
  if ((config['connector.class'] ?? '').trim() !== '') {
    try {
      const result = await worker.validateConnectorConfig(config);
      problems.push(...result.problems);
      passwordKeys = result.passwordKeys;
      connectorType = result.connectorType;
    } catch (err) {
      problems.push({ name: 'connector.class', value: config['connector.class'] ?? null, message: (err as Error).message });
    }
  }
  const keys = new Set(passwordKeys);
  if (problems.length > 0)
    throw new ConfigException(
      problems.map((p) => shownProblem(p, rawConfig, keys, secrets)),
      `configuration of connector ${config.name ?? '(no name)'}`,
    );
  return { passwordKeys: keys, connectorType };
}

/**
 * A problem as the 400 shows it: a value that held a placeholder as written (the resolved value
 * may be a secret, as Kafka Connect's reverse transform shows task configs), every value masked by
 * the one rule, and the message without this config's secrets — checked here, so the answer does
 * not depend on the REST layer's redaction of remembered secrets.
 */
function shownProblem(
  p: ConfigProblem,
  raw: Readonly<Record<string, string>>,
  passwordKeys: ReadonlySet<string>,
  resolved: readonly string[],
): ConfigProblem {
  const own = new SecretValues();
  own.remember('config', [...secretValues(raw, passwordKeys), ...resolved]);
  const written = raw[p.name];
  const value = written?.includes('${') ? written : p.value;
  const shown = displayValue(p.name, value, passwordKeys);
  return { ...p, value: shown === null ? null : own.redact(shown), message: own.redact(p.message) };
}

/**
 * PUT /connector-plugins/{plugin}/config/validate: Kafka Connect's ConfigInfos, errors and all.
 *
 * Placeholders are resolved before validation, as Kafka Connect does (its
 * AbstractHerder.validateConnectorConfig runs the worker's ConfigTransformer first) and as a create
 * does here: the answer lists what a create's 400 would, a placeholder the providers cannot resolve
 * or may not read included. What it shows differs from Kafka Connect's, which quotes the resolved
 * values: a value that held a placeholder shows as written, and the resolved values are redacted
 * from every error text.
 */
export async function validateForPlugin(
  worker: Worker,
  providers: ReadonlyMap<string, ConfigProvider>,
  plugin: string,
  rawConfig: Record<string, string>,
): Promise<ConfigInfos> {
  const given = rawConfig['connector.class'];
  if (given !== undefined && given !== plugin && !aliasesFor(given).includes(plugin) && !aliasesFor(plugin).includes(given)) {
    throw new HerderError(400, 'CONNECTD_ERR_BAD_REQUEST', `Included connector type ${given} does not match request type ${plugin}`);
  }
  const { config, problems: unresolved, secrets } = resolveConfig(rawConfig, providers);
  let result;
  try {
    // The request's plugin unless the config names it (checked above as written, validated resolved).
    result = await worker.validateConnectorConfig({ 'connector.class': plugin, ...config });
  } catch (err) {
    throw new HerderError(400, 'CONNECTD_ERR_PLUGIN_NOT_FOUND', (err as Error).message);
  }
  // The ConfigDef shows PASSWORD values as `[hidden]`; the one rule masks the rest (secrets by
  // name, URL passwords) and keeps this config's secrets, resolved ones included, out of the error
  // texts: checked here, so the answer does not depend on what the process remembered.
  const passwordKeys = new Set(result.passwordKeys);
  const own = new SecretValues();
  own.remember('config', [...secretValues(rawConfig, passwordKeys), ...secretValues(config, passwordKeys), ...secrets]);
  // Problems found here rather than by the plugin: unresolvable placeholders, and path keys refused
  // as a create would refuse them.
  const extra = [...unresolved, ...pathProblems(given ?? plugin, config, new AllowedPaths(worker.config.allowedPaths, 'allowed.paths'))];
  const configs = result.configInfos.configs.map((info) => {
    const mine = extra.filter((p) => p.name === info.value?.name);
    return mine.length === 0 || info.value === null
      ? info
      : { ...info, value: { ...info.value, errors: [...info.value.errors, ...mine.map((p) => p.message)] } };
  });
  // A problem on a key the plugin does not define gets an entry of its own, as Kafka Connect's
  // generateResult lists a value without a definition.
  for (const p of extra) {
    if (configs.some((info) => info.value?.name === p.name)) continue;
    configs.push({
      definition: null,
      value: {
        name: p.name,
        value: p.value,
        recommended_values: [],
        errors: extra.filter((q) => q.name === p.name).map((q) => q.message),
        visible: true,
      },
    });
  }
  const shown = configs.map((info) => {
    if (info.value === null) return info;
    const written = rawConfig[info.value.name];
    const value = written?.includes('${') ? written : info.value.value;
    // A recommender computes its values from the (resolved) config: redacted as the errors are.
    const shownValue = value === null ? null : own.redact(maskValue(info.value.name, value, passwordKeys));
    return {
      ...info,
      value: {
        ...info.value,
        value: shownValue,
        recommended_values: own.redactDeep(info.value.recommended_values),
        errors: info.value.errors.map((e) => own.redact(e)),
      },
    };
  });
  return { ...result.configInfos, error_count: result.configInfos.error_count + extra.length, configs: shown };
}

/** KIP-875: offsets may change only while the connector is STOPPED (no task can commit over them). */
export const notStopped = (name: string): HerderError =>
  new HerderError(
    400,
    'CONNECTD_ERR_NOT_STOPPED',
    `Connectors must be in the STOPPED state before their offsets can be modified. This can be done for the specified connector by issuing a 'PUT' request to the '/connectors/${name}/stop' endpoint`,
  );

/** The offsets-store changes of a KIP-875 request for a source connector: key → offset JSON (null deletes). */
export function sourceOffsetChanges(name: string, offsets: ConnectorOffset[]): Map<string, string | null> {
  const changes = new Map<string, string | null>();
  for (const [i, entryOffset] of offsets.entries()) {
    if (typeof entryOffset.partition !== 'object' || entryOffset.partition === null || Array.isArray(entryOffset.partition)) {
      throw new HerderError(400, 'CONNECTD_ERR_BAD_REQUEST', `offsets[${i}].partition must be a JSON object`);
    }
    if (entryOffset.offset !== null && (typeof entryOffset.offset !== 'object' || Array.isArray(entryOffset.offset))) {
      throw new HerderError(400, 'CONNECTD_ERR_BAD_REQUEST', `offsets[${i}].offset must be a JSON object or null`);
    }
    for (const [field, map] of [
      ['partition', entryOffset.partition],
      ['offset', entryOffset.offset ?? {}],
    ] as const) {
      for (const [k, v] of Object.entries(map)) {
        if (v !== null && typeof v === 'object') {
          throw new HerderError(
            400,
            'CONNECTD_ERR_BAD_REQUEST',
            `offsets[${i}].${field}.${k}: values must be primitive (string, number, boolean or null), as in Kafka Connect`,
          );
        }
      }
    }
    changes.set(offsetKey(name, connectJson(entryOffset.partition)), entryOffset.offset === null ? null : connectJson(entryOffset.offset));
  }
  return changes;
}

/** Kafka Connect's sink offsets in a KIP-875 request: `{kafka_topic, kafka_partition}` → `{kafka_offset}`. */
export function sinkOffsetsFrom(offsets: ConnectorOffset[]): { topic: string; partition: number; offset: number }[] {
  return offsets.map((o, i) => {
    const p = o.partition as { kafka_topic?: unknown; kafka_partition?: unknown } | null;
    if (p === null || typeof p !== 'object' || typeof p.kafka_topic !== 'string' || p.kafka_topic === '') {
      throw new HerderError(400, 'CONNECTD_ERR_BAD_REQUEST', `offsets[${i}].partition.kafka_topic must be a topic name`);
    }
    if (!Number.isInteger(p.kafka_partition) || (p.kafka_partition as number) < 0) {
      throw new HerderError(
        400,
        'CONNECTD_ERR_BAD_REQUEST',
        `offsets[${i}].partition.kafka_partition must be a partition number (an integer >= 0)`,
      );
    }
    if (o.offset === null) {
      throw new HerderError(
        400,
        'CONNECTD_ERR_BAD_REQUEST',
        `offsets[${i}].offset: resetting single partitions of a sink connector is not supported yet; DELETE /connectors/{name}/offsets resets them all`,
      );
    }
    const offset = (o.offset as { kafka_offset?: unknown }).kafka_offset;
    if (!Number.isInteger(offset) || (offset as number) < 0) {
      throw new HerderError(400, 'CONNECTD_ERR_BAD_REQUEST', `offsets[${i}].offset.kafka_offset must be an offset (an integer >= 0)`);
    }
    return { topic: p.kafka_topic, partition: p.kafka_partition as number, offset: offset as number };
  });
}

/** The sink connector's committed offsets as Kafka Connect's SinkUtils shows them. */
export function sinkOffsetsView(committed: { topic: string; partition: number; offset: number }[]): ConnectorOffset[] {
  return committed
    .sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition)
    .map((o) => ({ partition: { kafka_topic: o.topic, kafka_partition: o.partition }, offset: { kafka_offset: o.offset } }));
}

export function sameConfig(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}

/** The automatic-restart delay after `consecutive` restarts: doubling from the initial, capped. */
export function restartDelay(worker: Worker, consecutive: number): number {
  const { taskRestartBackoffInitialMs: initial, taskRestartBackoffMaxMs: max } = worker.config;
  return Math.min(max, initial * 2 ** consecutive);
}

/** Whether failed tasks of this connector restart by themselves (its own setting, else the worker's). */
export function autoRestart(worker: Worker, config: Readonly<Record<string, string>>): boolean {
  const own = config['task.restart.on.failure'];
  return own === 'true' || ((own === undefined || own === '') && worker.config.taskRestartOnFailure);
}
