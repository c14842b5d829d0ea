/**
 * Plugins on `plugin.path` that are not connectors: converters, header converters, transformations
 * and predicates. Used in worker threads only (plugin code never runs on the supervisor's thread):
 * by the task host and by `connectd validate`.
 */
import type { Converter, HeaderConverter } from '../worker-thread/data/converter.js';
import { registerTransformPlugin } from '../worker-thread/transforms/registry.js';
import type { Predicate, Transformation } from '../worker-thread/transforms/transformation.js';
import { listOtherPlugins } from './plugins.js';
import type { OtherPlugin } from './plugins.js';

const registered = new Map<string, Promise<OtherPlugin[]>>();

/**
 * Loads the plugin-path plugins that are not connectors, once per thread and plugin path, and makes
 * its transformations and predicates known to the transform registry.
 */
export function usePluginPath(pluginPath: readonly string[]): Promise<OtherPlugin[]> {
  const key = pluginPath.join('\0');
  let done = registered.get(key);
  if (done === undefined) {
    done = listOtherPlugins(pluginPath).then((others) => {
      for (const plugin of others) {
        if (plugin.type === 'transformation' || plugin.type === 'predicate') {
          registerTransformPlugin(plugin.fullName, plugin.type, () => new plugin.klass() as Transformation | Predicate);
        }
      }
      return others;
    });
    registered.set(key, done);
  }
  return done;
}

const simpleName = (fullName: string): string => fullName.slice(fullName.lastIndexOf('.') + 1);

function findOther(plugins: readonly OtherPlugin[], type: OtherPlugin['type'], name: string | undefined): OtherPlugin | undefined {
  if (name === undefined) return undefined;
  return plugins.find((p) => p.type === type && (p.fullName === name || simpleName(p.fullName) === name));
}

function ownKeys(config: Readonly<Record<string, string>>, prefix: string): Record<string, string> {
  const own: Record<string, string> = {};
  for (const [k, v] of Object.entries(config)) if (k.startsWith(`${prefix}.`)) own[k.slice(prefix.length + 1)] = v;
  return own;
}

/** A plugin-path converter named by `prefix`, configured as Kafka Connect does; undefined if none. */
export function pluginConverter(
  plugins: readonly OtherPlugin[],
  config: Readonly<Record<string, string>>,
  prefix: 'key.converter' | 'value.converter',
): Converter | undefined {
  const found = findOther(plugins, 'converter', config[prefix]);
  if (found === undefined) return undefined;
  const converter = new found.klass() as Converter;
  converter.configure(ownKeys(config, prefix), prefix === 'key.converter');
  return converter;
}

export function pluginHeaderConverter(
  plugins: readonly OtherPlugin[],
  config: Readonly<Record<string, string>>,
): HeaderConverter | undefined {
  const found = findOther(plugins, 'header_converter', config['header.converter']);
  if (found === undefined) return undefined;
  const converter = new found.klass() as HeaderConverter;
  converter.configure(ownKeys(config, 'header.converter'));
  return converter;
}
