/**
 * `connectd validate <worker-config> [connector-config…]`: a dry run for CI pipelines and
 * configuration management. Checks everything the daemon checks before it starts work — the
 * worker config (file, environment and --override, as the daemon layers them), each connector's
 * framework keys (name, connector.class, tasks.max, topic.creation.*, producer.override.*), its
 * own keys (its plugin loaded in a worker thread), the converters — and connects to nothing.
 * Prints every problem, one per line; exit 0 when all is valid, 3 when anything is not.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { ConfigFileError, readConfigFile } from '../config/config-files.js';
import { HIDDEN, displayValue, knownSecrets, secretValues } from '../config/secrets.js';
import { WorkerConfigException, layerWorkerConfig, parseWorkerConfig } from '../config/worker-config.js';
import type { LayeredWorkerConfig, WorkerConfig, WorkerMode } from '../config/worker-config.js';
import { OVERRIDE_POLICIES, consumerOverrides, producerOverrides } from '../runtime/client-overrides.js';
import { AllowedPaths, pathProblems } from '../runtime/allowed-paths.js';
import { connectorConfigProviders, resolveConfig } from '../runtime/config-providers.js';
import type { OverridePolicy } from '../runtime/client-overrides.js';
import { CONNECTOR_CONFIG_DEF } from '../runtime/standalone-herder.js';
import { TopicCreation } from '../runtime/topic-creation.js';
import { ConfigException } from '../../worker-thread/sdk/config-def.js';
import { EXIT_INVALID_CONFIG, EXIT_OK, formatProblem } from './problems.js';
import type { ReportedProblem } from './problems.js';
import { loadRestSecurity } from './rest-security.js';
import type { RestSecurity } from './rest-security.js';
import type { ThreadProblem, ValidateThreadInput, ValidateThreadOutput } from '../../shared/protocol.js';

const THREAD_ENTRY = new URL('../../../workers/validate-thread.js', import.meta.url);
const THREAD_TIMEOUT_MS = 60_000;

export interface ValidateOptions {
  workerFile: string;
  connectorFiles: readonly string[];
  /**
   * Which mode's required keys apply. Default (`connectd validate`): distributed for a config with
   * `group.id` and no `offset.storage.file.filename`, as connect-distributed.properties is; else
   * standalone.
   */
  mode?: WorkerMode;
  overrides?: Readonly<Record<string, string>>;
  env?: Readonly<Record<string, string | undefined>>;
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WritableStream;
}

/** What connector validation needs from the worker config, even when that config is invalid. */
interface WorkerContext {
  readonly pluginPath: readonly string[];
  readonly configProviders: readonly string[];
  readonly configProviderClasses: Readonly<Record<string, string>>;
  readonly configProviderParams: Readonly<Record<string, Readonly<Record<string, string>>>>;
  readonly allowedPaths: readonly string[];
  readonly topicCreationEnable: boolean;
  readonly clientOverridePolicy: OverridePolicy;
  readonly clientOverrideDestinationEnable: boolean;
  readonly converterDefaults: Readonly<Record<string, string>>;
}

export interface ConfigCheck {
  /** Every problem, worker sources first, then each connector file in order. */
  readonly problems: ReportedProblem[];
  /** The worker config, when it is valid. */
  readonly config: WorkerConfig | null;
  /** The connector files that could be read, in order, with their connector's version when its plugin loaded. */
  readonly connectors: { file: string; config: Record<string, string>; version: string | null }[];
  /** The REST API's TLS key and certificate and basic-auth users, read from their files. */
  readonly restSecurity: RestSecurity;
  /** The mode whose required keys were checked. */
  readonly mode: WorkerMode;
}

/** The mode a worker config is for, when the command does not say: a distributed worker's has a group.id and no offsets file. */
function inferredMode(props: Readonly<Record<string, string>>): WorkerMode {
  return props['group.id'] !== undefined && props['offset.storage.file.filename'] === undefined ? 'distributed' : 'standalone';
}

/** `connectd validate`: prints every problem (stderr) or what is valid (stdout); returns the exit code. */
export async function runValidate(opts: ValidateOptions): Promise<number> {
  const stdout = opts.stdout ?? process.stdout;
  const stderr = opts.stderr ?? process.stderr;
  const { problems, config, connectors, mode } = await checkConfigs(opts);
  for (const p of problems) stderr.write(`${formatProblem(p)}\n`);
  if (problems.length > 0 || config === null) {
    const sources = new Set(problems.map((p) => p.source)).size;
    stderr.write(
      `connectd validate: ${problems.length} problem${problems.length === 1 ? '' : 's'} in ${sources} source${sources === 1 ? '' : 's'}\n`,
    );
    return EXIT_INVALID_CONFIG;
  }
  stdout.write(`${opts.workerFile}: valid worker configuration (${mode}; Kafka ${config.bootstrapServers})\n`);
  for (const { key, reason } of config.ignoredKeys)
    stderr.write(`${opts.workerFile}: warning: ${key} is a Kafka Connect setting that connectd does not apply: ${reason}\n`);
  for (const { file, config: c, version } of connectors) {
    stdout.write(`${file}: valid connector ${c.name} (${c['connector.class']}${version === null ? '' : ` ${version}`})\n`);
  }
  return EXIT_OK;
}

/** Everything `connectd validate` checks; the daemon runs it too before it starts anything. */
export async function checkConfigs(opts: ValidateOptions): Promise<ConfigCheck> {
  const problems: ReportedProblem[] = [];
  const { config, context, origins, mode } = await validateWorker(opts, problems);
  let restSecurity: RestSecurity = {};
  if (config !== null) {
    const loaded = await loadRestSecurity(config);
    restSecurity = loaded.security;
    for (const p of loaded.problems) problems.push({ source: origins[p.name]?.source ?? opts.workerFile, ...p });
  }
  // The worker config was checked, so its providers build (none when it is invalid).
  const providers = connectorConfigProviders(context);
  const allowedPaths = new AllowedPaths(context.allowedPaths, 'allowed.paths');

  // Connector files: framework keys here, on the main thread.
  const connectors: { file: string; config: Record<string, string>; resolved: Record<string, string> }[] = [];
  const names = new Map<string, string>();
  for (const file of opts.connectorFiles) {
    let props: Record<string, string>;
    try {
      props = await readConfigFile(file);
    } catch (err) {
      if (!(err instanceof ConfigFileError)) throw err;
      problems.push({ source: file, name: null, value: null, message: err.message.slice(file.length + 2) });
      continue;
    }
    // As the Herder validates: with config provider placeholders resolved.
    const resolved = resolveConfig(props, providers);
    connectors.push({ file, config: props, resolved: resolved.config });
    // Its secrets, for redaction by value wherever a problem is printed (cli/problems.ts).
    knownSecrets.remember(file, secretValues(props));
    const report = (p: { name: string; value: string | null; message: string }): void => {
      // A value that held a placeholder is shown as written: the resolved value may be a secret.
      const value = props[p.name]?.includes('${') ? props[p.name]! : p.value;
      problems.push({ source: file, name: p.name, value, message: p.message });
    };
    resolved.problems.forEach(report);
    const add = (check: () => unknown): void => {
      try {
        check();
      } catch (err) {
        if (!(err instanceof ConfigException)) throw err;
        err.problems.forEach(report);
      }
    };
    add(() => CONNECTOR_CONFIG_DEF.parse(resolved.config));
    add(() => TopicCreation.fromConfig(resolved.config, context.topicCreationEnable));
    const overrideRules = { policy: context.clientOverridePolicy, destinations: context.clientOverrideDestinationEnable };
    add(() => producerOverrides(resolved.config, overrideRules));
    add(() => consumerOverrides(resolved.config, overrideRules));
    pathProblems(resolved.config['connector.class'] ?? '', resolved.config, allowedPaths).forEach(report);
    const name = props.name?.trim();
    if (name !== undefined && name !== '') {
      const other = names.get(name);
      if (other !== undefined)
        problems.push({ source: file, name: 'name', value: name, message: `a connector of this name is already defined in ${other}` });
      else names.set(name, file);
    }
  }

  // Plugins and converters: in a worker thread.
  const thread = await validateInWorkerThread({
    pluginPath: [...context.pluginPath],
    workerConverters: { ...context.converterDefaults },
    connectors: connectors.map(({ resolved }) => ({
      config: withWorkerConverters(resolved, context.converterDefaults),
      overridesConverters: setsConverter(resolved),
    })),
  });
  const versions: (string | null)[] = [];
  if ('error' in thread) {
    problems.push({ source: opts.workerFile, name: null, value: null, message: `connector plugins could not be checked: ${thread.error}` });
  } else {
    for (const p of thread.worker) problems.push({ source: origins[p.name]?.source ?? opts.workerFile, ...masked(p, []) });
    thread.connectors.forEach((result, i) => {
      const { file, config: written } = connectors[i]!;
      knownSecrets.remember(file, secretValues(written, new Set(result.passwordKeys)));
      for (const p of result.problems) {
        const problem = masked(p, result.passwordKeys);
        problems.push({
          source: file,
          ...problem,
          value: written[p.name]?.includes('${') && problem.value !== HIDDEN ? displayValue(p.name, written[p.name]!) : problem.value,
        });
      }
      versions.push(result.version);
    });
  }
  // Worker problems first (file, environment, command line), then each connector file in order.
  const rank = (p: ReportedProblem): number => opts.connectorFiles.indexOf(p.source) + 1;
  problems.sort((a, b) => rank(a) - rank(b));
  return {
    problems,
    config,
    connectors: connectors.map(({ file, config: c }, i) => ({ file, config: c, version: versions[i] ?? null })),
    restSecurity,
    mode,
  };
}

async function validateWorker(
  opts: ValidateOptions,
  problems: ReportedProblem[],
): Promise<{ config: WorkerConfig | null; context: WorkerContext; origins: LayeredWorkerConfig['origins']; mode: WorkerMode }> {
  let layered: LayeredWorkerConfig = { props: {}, origins: {} };
  let config: WorkerConfig | null = null;
  let mode: WorkerMode = opts.mode ?? 'standalone';
  try {
    const props = await readConfigFile(opts.workerFile);
    layered = layerWorkerConfig({ file: { path: opts.workerFile, props }, env: opts.env ?? process.env, overrides: opts.overrides });
    mode = opts.mode ?? inferredMode(layered.props);
    config = parseWorkerConfig(layered.props, mode, path.dirname(path.resolve(opts.workerFile)), layered.origins);
  } catch (err) {
    if (err instanceof ConfigFileError)
      problems.push({ source: opts.workerFile, name: null, value: null, message: err.message.slice(opts.workerFile.length + 2) });
    else if (err instanceof WorkerConfigException) {
      for (const p of err.problems)
        problems.push({ source: p.source ?? opts.workerFile, name: p.name, value: p.value, message: p.message });
    } else throw err;
  }
  const context = config ?? lenientContext(layered, opts.workerFile);
  const missing = await pluginPathProblems(context.pluginPath);
  for (const p of missing) problems.push({ source: layered.origins['plugin.path']?.source ?? opts.workerFile, ...p });
  // The entries that exist, so that connectors are still checked against them.
  const pluginPath = context.pluginPath.filter((entry) => !missing.some((p) => p.message.startsWith(`${entry} `)));
  return { config, context: { ...context, pluginPath }, origins: layered.origins, mode };
}

/** Missing plugin.path entries, which would fail every connector at start. */
export async function pluginPathProblems(pluginPath: readonly string[]): Promise<ThreadProblem[]> {
  const problems: ThreadProblem[] = [];
  for (const entry of pluginPath) {
    if ((await stat(entry).catch(() => null)) === null)
      problems.push({ name: 'plugin.path', value: pluginPath.join(','), message: `${entry} does not exist` });
  }
  return problems;
}

/** The worker settings connector checks depend on, from an invalid worker config: its values where usable, else defaults. */
function lenientContext(layered: LayeredWorkerConfig, workerFile: string): WorkerContext {
  const { props, origins } = layered;
  const baseDir = origins['plugin.path']?.baseDir ?? path.dirname(path.resolve(workerFile));
  const policy = props['connector.client.config.override.policy']?.trim() as OverridePolicy | undefined;
  const converterDefaults: Record<string, string> = {};
  for (const [k, v] of Object.entries(props)) if (/^(key|value)\.converter(\.|$)/.test(k)) converterDefaults[k] = v;
  return {
    pluginPath: (props['plugin.path'] ?? '')
      .split(',')
      .map((p) => p.trim())
      .filter((p) => p !== '')
      .map((p) => path.resolve(baseDir, p)),
    configProviders: [],
    configProviderClasses: {},
    configProviderParams: {},
    // Its absolute entries, so a file connector is not refused for the worker config's other faults.
    allowedPaths: (props['allowed.paths'] ?? '')
      .split(',')
      .map((p) => p.trim())
      .filter((p) => path.isAbsolute(p)),
    topicCreationEnable: props['topic.creation.enable']?.trim().toLowerCase() !== 'false',
    clientOverridePolicy: policy !== undefined && OVERRIDE_POLICIES.includes(policy) ? policy : 'All',
    clientOverrideDestinationEnable: props['connector.client.config.override.destination.enable']?.trim().toLowerCase() !== 'false',
    converterDefaults,
  };
}

const setsConverter = (config: Readonly<Record<string, string>>): boolean =>
  Object.keys(config).some((k) => /^(key|value)\.converter(\.|$)/.test(k));

/** The connector config with the worker's converter settings for the converters it does not name (as the Herder does). */
function withWorkerConverters(config: Record<string, string>, defaults: Readonly<Record<string, string>>): Record<string, string> {
  const effective: Record<string, string> = {};
  for (const prefix of ['key.converter', 'value.converter']) {
    if (config[prefix] !== undefined) continue;
    for (const [k, v] of Object.entries(defaults)) if (k === prefix || k.startsWith(`${prefix}.`)) effective[k] = v;
  }
  return { ...effective, ...config };
}

function masked(p: ThreadProblem, passwordKeys: readonly string[]): Omit<ReportedProblem, 'source'> {
  return { name: p.name, value: displayValue(p.name, p.value, new Set(passwordKeys)), message: p.message };
}

function validateInWorkerThread(input: ValidateThreadInput): Promise<ValidateThreadOutput | { error: string }> {
  return new Promise((resolve) => {
    const worker = new Worker(THREAD_ENTRY, { workerData: input });
    let settled = false;
    const finish = (result: ValidateThreadOutput | { error: string }): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
      // Plugin modules may have left timers or handles behind; the answer is all that is needed.
      void worker.terminate();
    };
    const timer = setTimeout(
      () => finish({ error: `no answer within ${THREAD_TIMEOUT_MS / 1000} s (a plugin module hangs while loading?)` }),
      THREAD_TIMEOUT_MS,
    );
    worker.once('message', (message: { ok?: ValidateThreadOutput; error?: string }) =>
      finish(message.ok ?? { error: message.error ?? 'no result' }),
    );
    worker.once('error', (err) => finish({ error: err.stack ?? err.message }));
    worker.once('exit', (code) => finish({ error: `the validation thread exited (code ${code}) without an answer` }));
  });
}
