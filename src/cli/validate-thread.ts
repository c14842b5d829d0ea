/**
 * The worker-thread entry of `connectd validate` (a plain worker_threads Worker, one per run):
 * loads each connector's class from plugin.path and checks the config against the connector's own
 * ConfigDef, and checks that the converters are known and accept their settings. Plugin code runs
 * here, never on the main thread — and, as in the task host, the Kafka binding may not be loaded.
 */
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { createConverter } from '../data/converters.js';
import { loadConnectorClass } from '../runtime/plugins.js';
import { connectorConfigProblems } from '../runtime/connector-validation.js';
import type { OtherPlugin } from '../runtime/plugins.js';
import { pluginConverter, usePluginPath } from '../runtime/plugin-path.js';
import { transformationConfigProblems } from '../transforms/chain.js';
import { ConfigException } from '../sdk/config-def.js';

export interface ThreadProblem {
  name: string;
  value: string | null;
  message: string;
}

export interface ValidateThreadInput {
  pluginPath: string[];
  /** The worker's key.converter*, value.converter* keys. */
  workerConverters: Record<string, string>;
  /** Each connector's config as the runtime would see it (worker converter defaults filled in). */
  connectors: { config: Record<string, string>; overridesConverters: boolean }[];
}

export interface ValidateThreadOutput {
  worker: ThreadProblem[];
  connectors: { problems: ThreadProblem[]; passwordKeys: string[]; version: string | null }[];
}

const KAFKA_BINDING = /kafka-javascript|node-librdkafka|rdkafka/i;

if (!isMainThread) {
  const dlopen = process.dlopen.bind(process);
  process.dlopen = (module: { exports: unknown }, filename: string, flags?: number): void => {
    if (KAFKA_BINDING.test(filename)) throw new Error(`the Kafka binding (${filename}) must not be loaded in a worker thread`);
    dlopen(module, filename, flags);
  };
}

function problemsOf(check: () => unknown): ThreadProblem[] {
  try {
    check();
    return [];
  } catch (err) {
    if (err instanceof ConfigException) return err.problems.map((p) => ({ name: p.name, value: p.value, message: p.message }));
    return [{ name: '(connector)', value: null, message: `threw ${(err as Error).name}: ${(err as Error).message}` }];
  }
}

function converterProblems(config: Record<string, string>, plugins: readonly OtherPlugin[]): ThreadProblem[] {
  return (['key.converter', 'value.converter'] as const).flatMap((prefix) =>
    // A converter names its own keys without the prefix (schemas.enable): name them as written.
    problemsOf(() => pluginConverter(plugins, config, prefix) ?? createConverter(config, prefix)).map((p) =>
      p.name === prefix || p.name.startsWith(`${prefix}.`) ? p : { ...p, name: `${prefix}.${p.name}` },
    ),
  );
}

export async function validateInThread(input: ValidateThreadInput): Promise<ValidateThreadOutput> {
  // A plugin module that cannot load is reported below, by the connector that names it.
  const plugins = await usePluginPath(input.pluginPath).catch((): OtherPlugin[] => []);
  const output: ValidateThreadOutput = { worker: converterProblems(input.workerConverters, plugins), connectors: [] };
  for (const { config, overridesConverters } of input.connectors) {
    const problems: ThreadProblem[] = overridesConverters ? converterProblems(config, plugins) : [];
    // Transforms and predicates, the plugin-path ones included (registered above).
    problems.push(...transformationConfigProblems(config).map((p) => ({ name: p.name, value: p.value, message: p.message })));
    let passwordKeys: string[] = [];
    let version: string | null = null;
    const className = (config['connector.class'] ?? '').trim();
    if (className !== '') {
      try {
        const Klass = await loadConnectorClass(className, input.pluginPath);
        const connector = new Klass();
        const def = connector.config();
        passwordKeys = def.keys().filter((k) => k.type === 'PASSWORD').map((k) => k.name);
        try {
          problems.push(...connectorConfigProblems(connector, config));
        } catch (err) {
          problems.push(...problemsOf(() => {
            throw err;
          }));
        }
        version = connector.version();
      } catch (err) {
        const message = (err as Error).message.replace(`connector.class=${className}: `, '');
        problems.push({ name: 'connector.class', value: className, message });
      }
    }
    output.connectors.push({ problems, passwordKeys, version });
  }
  return output;
}

if (!isMainThread && parentPort !== null) {
  const port = parentPort;
  validateInThread(workerData as ValidateThreadInput).then(
    (output) => port.postMessage({ ok: output }),
    (err: unknown) => port.postMessage({ error: (err as Error).stack ?? String(err) }),
  );
}
