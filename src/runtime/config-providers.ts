/**
 * Kafka's config providers (KIP-297, KIP-887): a connector config value may be or contain
 * `${provider:path:key}` (or `${provider:key}`), resolved when the connector starts, so secrets stay
 * out of REST payloads and of the stored config, which keeps the placeholder.
 *
 * - `env`  (org.apache.kafka.common.config.provider.EnvVarConfigProvider): `${env:NAME}`
 * - `file` (org.apache.kafka.common.config.provider.FileConfigProvider): `${file:/path/to.properties:key}`
 * - `directory` (org.apache.kafka.common.config.provider.DirectoryConfigProvider): `${directory:/dir:file}`
 *
 * Providers are off unless the worker enables them (`config.providers=env,file`), as in Kafka:
 * otherwise anyone who may POST a connector config could read the worker's files and environment.
 * A placeholder naming a provider that is not enabled stays as it is, as in Kafka.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseProperties } from '../config/properties.js';
import type { ConfigProblem } from '../sdk/config-def.js';
import { knownSecrets } from '../config/secrets.js';

export interface ConfigProvider {
  /** The value of `key` under `path` ('' when the placeholder has no path); throws naming what is missing. */
  get(path: string, key: string): string;
}

const PLACEHOLDER = /\$\{([^}:]+):(?:([^}]*):)?([^}:]+)\}/g;

export const PROVIDER_CLASSES: Readonly<Record<string, () => ConfigProvider>> = {
  'org.apache.kafka.common.config.provider.EnvVarConfigProvider': () => ({
    get(_path, key) {
      const value = process.env[key];
      if (value === undefined) throw new Error(`environment variable ${key} is not set`);
      return value;
    },
  }),
  'org.apache.kafka.common.config.provider.FileConfigProvider': () => ({
    get(file, key) {
      if (file === '') throw new Error('a file placeholder needs a path: ${file:/path/to.properties:key}');
      const props = parseProperties(readFileSync(file, 'utf8'));
      const value = props[key];
      if (value === undefined) throw new Error(`${file} has no key ${key}`);
      return value;
    },
  }),
  'org.apache.kafka.common.config.provider.DirectoryConfigProvider': () => ({
    get(dir, key) {
      if (key.includes('/') || key.includes('\\\\')) throw new Error(`${key}: a directory placeholder names a file directly in the directory`);
      return readFileSync(path.join(dir, key), 'utf8');
    },
  }),
};

/** Builds the enabled providers from `config.providers` and `config.providers.<name>.class`. */
export function configProvidersFrom(names: readonly string[], classes: Readonly<Record<string, string>>): Map<string, ConfigProvider> {
  const providers = new Map<string, ConfigProvider>();
  for (const name of names) {
    const className = classes[name] ?? defaultClass(name);
    const make = className === undefined ? undefined : PROVIDER_CLASSES[className];
    if (make === undefined) throw new Error(`config.providers.${name}.class=${className ?? ''}: unknown config provider (known: ${Object.keys(PROVIDER_CLASSES).join(', ')})`);
    providers.set(name, make());
  }
  return providers;
}

function defaultClass(name: string): string | undefined {
  return { env: 'org.apache.kafka.common.config.provider.EnvVarConfigProvider', file: 'org.apache.kafka.common.config.provider.FileConfigProvider', directory: 'org.apache.kafka.common.config.provider.DirectoryConfigProvider' }[name];
}

/**
 * Resolves every placeholder of enabled providers; problems name the key and what was missing.
 * `secrets`: every value a provider gave, each a secret (config/secrets.ts), wherever it ends up.
 */
export function resolveConfig(
  config: Readonly<Record<string, string>>,
  providers: ReadonlyMap<string, ConfigProvider>,
): { config: Record<string, string>; problems: ConfigProblem[]; secrets: string[] } {
  const resolved: Record<string, string> = {};
  const problems: ConfigProblem[] = [];
  const secrets: string[] = [];
  for (const [key, value] of Object.entries(config)) {
    if (providers.size === 0 || !value.includes('${')) {
      resolved[key] = value;
      continue;
    }
    resolved[key] = value.replace(PLACEHOLDER, (whole, provider: string, where: string | undefined, name: string) => {
      const p = providers.get(provider);
      if (p === undefined) return whole;
      try {
        const value = p.get(where ?? '', name);
        secrets.push(value);
        return value;
      } catch (err) {
        // The placeholder, not a secret, is what the message shows.
        problems.push({ name: key, value, message: `cannot resolve ${whole}: ${(err as Error).message}` });
        return whole;
      }
    });
  }
  // From here on no trace, message or log line may show them.
  knownSecrets.remember('config-providers', secrets);
  return { config: resolved, problems, secrets };
}
