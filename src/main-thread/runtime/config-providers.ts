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
 *
 * What they may read (docs/security.md, "Paths"), with Kafka's parameters:
 * - `file`, `directory`: `config.providers.<name>.param.allowed.paths` (KIP-993) bounds every use;
 *   without it, connector configs are bound by the worker's `allowed.paths` (empty: nothing), and
 *   the worker config's own placeholders, written by the operator, are not bound.
 * - `env`: `config.providers.<name>.param.allowlist.pattern` (KIP-887; a regex found anywhere in
 *   the name, as Kafka's Pattern.asPredicate) bounds every use; without it, connector configs get
 *   no variable at all (Kafka: every one). `CONNECTD_*` variables are the worker's configuration,
 *   its SASL login among them: never available to connector configs, whatever the pattern.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseProperties } from '../config/properties.js';
import type { ConfigProblem } from '../../worker-thread/sdk/config-def.js';
import { knownSecrets } from '../config/secrets.js';
import { AllowedPaths } from './allowed-paths.js';

export interface ConfigProvider {
  /** The value of `key` under `path` ('' when the placeholder has no path); throws naming what is missing. */
  get(path: string, key: string): string;
}

const PLACEHOLDER = /\$\{([^}:]+):(?:([^}]*):)?([^}:]+)\}/g;

const ENV_CLASS = 'org.apache.kafka.common.config.provider.EnvVarConfigProvider';
const FILE_CLASS = 'org.apache.kafka.common.config.provider.FileConfigProvider';
const DIRECTORY_CLASS = 'org.apache.kafka.common.config.provider.DirectoryConfigProvider';

/** A provider's bounds: where its placeholders appear, and its own parameters. */
interface ProviderBounds {
  /** Its `config.providers.<name>.param.*` values, `param.` stripped. */
  readonly params: Readonly<Record<string, string>>;
  /** Set for connector configs: the worker's `allowed.paths`. Unset: the worker config's own placeholders. */
  readonly connectorAllowedPaths?: AllowedPaths;
}

/** The parameters each provider class takes (Kafka's names); any other is refused. */
export const PROVIDER_PARAMS: Readonly<Record<string, readonly string[]>> = {
  [ENV_CLASS]: ['allowlist.pattern'],
  [FILE_CLASS]: ['allowed.paths'],
  [DIRECTORY_CLASS]: ['allowed.paths'],
};

/** The allowlist of a file or directory provider named `name`, or undefined when nothing bounds it. */
function pathBounds(name: string, bounds: ProviderBounds): AllowedPaths | undefined {
  const own = bounds.params['allowed.paths'];
  if (own !== undefined) return AllowedPaths.parse(own, `config.providers.${name}.param.allowed.paths`);
  return bounds.connectorAllowedPaths;
}

const checkPath = (allowed: AllowedPaths | undefined, file: string): void => {
  const refusal = allowed?.refusal(file);
  if (refusal !== undefined) throw new Error(`${file}: ${refusal}`);
};

export const PROVIDER_CLASSES: Readonly<Record<string, (name: string, bounds: ProviderBounds) => ConfigProvider>> = {
  [ENV_CLASS]: (name, bounds) => {
    const setting = `config.providers.${name}.param.allowlist.pattern`;
    const text = bounds.params['allowlist.pattern'];
    const pattern = text === undefined ? undefined : new RegExp(text);
    const forConnectors = bounds.connectorAllowedPaths !== undefined;
    return {
      get(_path, key) {
        // Checked before the variable is looked up: a refusal does not tell whether it is set.
        if (forConnectors && key.startsWith('CONNECTD_'))
          throw new Error(`${key}: CONNECTD_* variables hold the worker's own configuration and are never available to connector configs`);
        if (pattern === undefined && forConnectors)
          throw new Error(`${key}: connector configs may read no environment variable until ${setting} matches it`);
        if (pattern !== undefined && !pattern.test(key)) throw new Error(`${key} does not match ${setting} (${text})`);
        const value = process.env[key];
        if (value === undefined) throw new Error(`environment variable ${key} is not set`);
        return value;
      },
    };
  },
  [FILE_CLASS]: (name, bounds) => {
    const allowed = pathBounds(name, bounds);
    return {
      get(file, key) {
        if (file === '') throw new Error('a file placeholder needs a path: ${file:/path/to.properties:key}');
        checkPath(allowed, file);
        const props = parseProperties(readFileSync(file, 'utf8'));
        const value = props[key];
        if (value === undefined) throw new Error(`${file} has no key ${key}`);
        return value;
      },
    };
  },
  [DIRECTORY_CLASS]: (name, bounds) => {
    const allowed = pathBounds(name, bounds);
    return {
      get(dir, key) {
        if (key.includes('/') || key.includes('\\\\'))
          throw new Error(`${key}: a directory placeholder names a file directly in the directory`);
        // The file itself is checked: a symbolic link in an allowed directory may lead out of it.
        const file = path.join(dir, key);
        checkPath(allowed, file);
        return readFileSync(file, 'utf8');
      },
    };
  },
};

export interface ProviderOptions {
  /** `config.providers.<name>.param.*` by provider name, `param.` stripped. */
  readonly params?: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /**
   * For the providers that resolve connector configs: the worker's `allowed.paths`. Without it the
   * providers resolve the worker config (the operator's own), bound only by their parameters.
   */
  readonly connectorAllowedPaths?: AllowedPaths;
}

/** Builds the enabled providers from `config.providers`, `config.providers.<name>.class` and their parameters. */
export function configProvidersFrom(
  names: readonly string[],
  classes: Readonly<Record<string, string>>,
  opts: ProviderOptions = {},
): Map<string, ConfigProvider> {
  const providers = new Map<string, ConfigProvider>();
  for (const name of names) {
    const className = classes[name] ?? defaultClass(name);
    const make = className === undefined ? undefined : PROVIDER_CLASSES[className];
    if (make === undefined)
      throw new Error(
        `config.providers.${name}.class=${className ?? ''}: unknown config provider (known: ${Object.keys(PROVIDER_CLASSES).join(', ')})`,
      );
    providers.set(name, make(name, { params: opts.params?.[name] ?? {}, connectorAllowedPaths: opts.connectorAllowedPaths }));
  }
  return providers;
}

/** The providers that resolve connector configs, from the worker config. */
export function connectorConfigProviders(config: {
  readonly configProviders: readonly string[];
  readonly configProviderClasses: Readonly<Record<string, string>>;
  readonly configProviderParams: Readonly<Record<string, Readonly<Record<string, string>>>>;
  readonly allowedPaths: readonly string[];
}): Map<string, ConfigProvider> {
  return configProvidersFrom(config.configProviders, config.configProviderClasses, {
    params: config.configProviderParams,
    connectorAllowedPaths: new AllowedPaths(config.allowedPaths, 'allowed.paths'),
  });
}

/** The class a provider name has without `config.providers.<name>.class`: Kafka's three by their usual names. */
export function defaultClass(name: string): string | undefined {
  return { env: ENV_CLASS, file: FILE_CLASS, directory: DIRECTORY_CLASS }[name];
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
