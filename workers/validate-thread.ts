/**
 * The worker-thread entry of `connectd validate` (a plain worker_threads Worker, one per run):
 * loads each connector's class from plugin.path and checks the config against the connector's own
 * ConfigDef, and checks that the converters are known and accept their settings. Plugin code runs
 * here, never on the main thread — and, as in the task host, the Kafka binding may not be loaded.
 */
import './kafka-guard.js';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { createConverter } from '../src/worker-thread/data/converters.js';
import { loadConnectorClass } from '../src/shared/plugins.js';
import { connectorConfigProblems } from '../src/shared/connector-validation.js';
import type { OtherPlugin } from '../src/shared/plugins.js';
import { pluginConverter, usePluginPath } from '../src/shared/plugin-path.js';
import { transformationConfigProblems } from '../src/worker-thread/transforms/chain.js';
import { ConfigException } from '../src/worker-thread/sdk/config-def.js';
import type { ThreadProblem, ValidateThreadInput, ValidateThreadOutput } from '../src/shared/protocol.js';

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
        passwordKeys = def
          .keys()
          .filter((k) => k.type === 'PASSWORD')
          .map((k) => k.name);
        try {
          problems.push(...connectorConfigProblems(connector, config));
        } catch (err) {
          problems.push(
            ...problemsOf(() => {
              throw err;
            }),
          );
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
