/**
 * Finds connector classes by the name a config gives in `connector.class`: a full name or a short
 * alias, as Kafka Connect accepts (`FileStreamSourceConnector` or `FileStreamSource`). Built-ins are
 * listed below; `plugin.path` adds modules (a .js/.mjs file, or a directory that is an npm package
 * or holds several). Runs in worker threads: connector code is never loaded on the supervisor's thread.
 */
import { existsSync, readFileSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Connector } from '../worker-thread/sdk/connector.js';
import { useHostSdk } from './sdk-resolution.js';

export type ConnectorClass = new () => Connector;

export class PluginNotFoundError extends Error {
  readonly code = 'CONNECTD_ERR_PLUGIN_NOT_FOUND';
}

interface BuiltIn {
  fullName: string;
  module: string;
  exportName: string;
  /**
   * Other full names the class answers to, each with its aliases: Kafka Connect's class names for
   * the connectors connectd reimplements, so configs written for Kafka Connect work unchanged.
   */
  compatibleNames?: readonly string[];
}

const BUILT_INS: readonly BuiltIn[] = [
  {
    fullName: 'io.connectd.connectors.generator.GeneratorSourceConnector',
    module: '../worker-thread/connectors/generator/generator-source-connector.js',
    exportName: 'GeneratorSourceConnector',
  },
  {
    fullName: 'io.connectd.connectors.file.FileStreamSourceConnector',
    module: '../worker-thread/connectors/file/file-stream-source-connector.js',
    exportName: 'FileStreamSourceConnector',
    compatibleNames: ['org.apache.kafka.connect.file.FileStreamSourceConnector'],
  },
  {
    fullName: 'io.connectd.connectors.file.FileStreamSinkConnector',
    module: '../worker-thread/connectors/file/file-stream-sink-connector.js',
    exportName: 'FileStreamSinkConnector',
    compatibleNames: ['org.apache.kafka.connect.file.FileStreamSinkConnector'],
  },
  {
    fullName: 'io.connectd.connectors.s3.S3SourceConnector',
    module: '../worker-thread/connectors/s3/s3-source-connector.js',
    exportName: 'S3SourceConnector',
  },
  {
    fullName: 'io.connectd.connectors.postgres.PostgresSourceConnector',
    module: '../worker-thread/connectors/postgres/source-connector.js',
    exportName: 'PostgresSourceConnector',
    // Confluent's JDBC source, whose keys it shares; a URL of another database is refused.
    compatibleNames: ['io.confluent.connect.jdbc.JdbcSourceConnector'],
  },
  {
    fullName: 'io.connectd.connectors.postgres.PostgresSinkConnector',
    module: '../worker-thread/connectors/postgres/sink-connector.js',
    exportName: 'PostgresSinkConnector',
    compatibleNames: ['io.confluent.connect.jdbc.JdbcSinkConnector'],
  },
];

/**
 * Whether a connector is a source or a sink, from its task class: a sink task has `put`. Duck-typed
 * like the rest of plugin discovery.
 */
export function connectorTypeOf(klass: ConnectorClass): 'source' | 'sink' {
  const taskClass = new klass().taskClass() as unknown as { prototype?: Record<string, unknown> };
  return typeof taskClass.prototype?.put === 'function' ? 'sink' : 'source';
}

/** Names a connector class answers to: its full name, its simple name, and that minus "Connector". */
export function aliasesFor(fullName: string): string[] {
  const simple = fullName.slice(fullName.lastIndexOf('.') + 1);
  const names = [fullName, simple];
  if (simple.endsWith('Connector') && simple.length > 'Connector'.length) names.push(simple.slice(0, -'Connector'.length));
  return [...new Set(names)];
}

function isConnectorClass(value: unknown): value is ConnectorClass {
  if (typeof value !== 'function') return false;
  const proto = (value as { prototype?: unknown }).prototype as Record<string, unknown> | undefined;
  // Duck-typed: a plugin may have been built against another copy of the SDK module.
  return proto !== undefined && typeof proto.taskConfigs === 'function' && typeof proto.taskClass === 'function';
}

interface Registry {
  /** Every name a class answers to → the class. */
  byName: Map<string, ConnectorClass>;
  /** Each class once, under its full name, in discovery order. */
  plugins: { fullName: string; klass: ConnectorClass }[];
  /** Converters, header converters, transformations and predicates found on plugin.path. */
  others: OtherPlugin[];
}

export type OtherPluginType = 'converter' | 'header_converter' | 'transformation' | 'predicate';
export interface OtherPlugin {
  fullName: string;
  type: OtherPluginType;
  klass: new () => unknown;
}

/** What kind of plugin a class is, by the methods its instances have (duck-typed, as for connectors). */
function otherPluginTypes(value: unknown): OtherPluginType[] {
  if (typeof value !== 'function') return [];
  const proto = (value as { prototype?: Record<string, unknown> }).prototype;
  if (proto === undefined) return [];
  const has = (...names: string[]): boolean => names.every((n) => typeof proto[n] === 'function');
  const types: OtherPluginType[] = [];
  if (has('fromConnectData', 'toConnectData', 'configure')) types.push('converter');
  if (has('fromConnectHeader', 'toConnectHeader', 'configure')) types.push('header_converter');
  if (has('apply', 'config', 'configure', 'close')) types.push('transformation');
  if (has('test', 'config', 'configure', 'close') && !types.includes('transformation')) types.push('predicate');
  return types;
}

/** The converters, header converters, transformations and predicates on plugin.path. */
export async function listOtherPlugins(pluginPath: readonly string[]): Promise<OtherPlugin[]> {
  return (await registryFor(pluginPath)).others;
}

/** Per-thread cache: plugin modules are imported once per worker thread and plugin path. */
const registries = new Map<string, Promise<Registry>>();

function registryFor(pluginPath: readonly string[]): Promise<Registry> {
  const cacheKey = pluginPath.join('\0');
  let registry = registries.get(cacheKey);
  if (registry === undefined) {
    registry = buildRegistry(pluginPath);
    registries.set(cacheKey, registry);
  }
  return registry;
}

export async function loadConnectorClass(name: string, pluginPath: readonly string[]): Promise<ConnectorClass> {
  const registry = await registryFor(pluginPath);
  const found = registry.byName.get(name);
  if (found === undefined) {
    const known = [...registry.byName.keys()].sort().join(', ');
    throw new PluginNotFoundError(`connector.class=${name}: no such connector plugin (known: ${known})`);
  }
  return found;
}

/** The connector plugins on this worker, each once, under its full name. */
export async function listConnectorPlugins(pluginPath: readonly string[]): Promise<{ fullName: string; klass: ConnectorClass }[]> {
  return (await registryFor(pluginPath)).plugins;
}

/** The full name of a class, as GET /connector-plugins lists it. */
export async function fullNameOf(klass: ConnectorClass, pluginPath: readonly string[]): Promise<string> {
  return (await registryFor(pluginPath)).plugins.find((p) => p.klass === klass)?.fullName ?? klass.name;
}

async function buildRegistry(pluginPath: readonly string[]): Promise<Registry> {
  const registry = new Map<string, ConnectorClass>();
  const plugins: Registry['plugins'] = [];
  const others: OtherPlugin[] = [];
  const add = (fullName: string, klass: ConnectorClass, compatibleNames: readonly string[] = []): void => {
    if (!plugins.some((p) => p.klass === klass)) plugins.push({ fullName, klass });
    for (const name of [fullName, ...compatibleNames])
      for (const alias of aliasesFor(name)) if (!registry.has(alias)) registry.set(alias, klass);
  };
  for (const builtIn of BUILT_INS) {
    const mod = (await import(new URL(builtIn.module, import.meta.url).href)) as Record<string, unknown>;
    const klass = mod[builtIn.exportName];
    if (!isConnectorClass(klass)) throw new Error(`built-in plugin ${builtIn.fullName} did not load`);
    add(builtIn.fullName, klass, builtIn.compatibleNames);
  }
  const modules: { file: string; namespace: string; entry: string }[] = [];
  for (const entry of pluginPath) {
    const resolved = path.resolve(entry);
    for (const found of await pluginModules(resolved)) modules.push({ ...found, entry: resolved });
  }
  // Plugins' `connectd/sdk` imports must reach this thread's copy of the SDK (sdk-resolution.ts):
  // only packages that depend on connectd can import it, and the hook costs every import of the
  // thread, so it is registered only when one of them is there.
  if (modules.some(({ file, entry }) => dependsOnConnectd(file, entry))) useHostSdk();
  for (const { file, namespace } of modules) {
    const mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
    for (const [exportName, value] of Object.entries(mod)) {
      const fullName = `${namespace}.${exportName === 'default' ? (value as { name?: string }).name : exportName}`;
      if (isConnectorClass(value)) add(fullName, value);
      else for (const type of otherPluginTypes(value)) others.push({ fullName, type, klass: value as new () => unknown });
    }
  }
  return { byName: registry, plugins, others };
}

/**
 * Whether the plugin module `file` belongs to a package that depends on connectd (its package.json,
 * between the file and its plugin.path entry, names connectd in any dependencies, or ships a
 * node_modules/connectd): only such a module can import `connectd/sdk`.
 */
function dependsOnConnectd(file: string, entry: string): boolean {
  for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'node_modules', 'connectd'))) return true;
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as Record<string, unknown>;
        const lists = [pkg.dependencies, pkg.peerDependencies, pkg.devDependencies, pkg.optionalDependencies];
        if (lists.some((deps) => typeof deps === 'object' && deps !== null && 'connectd' in deps)) return true;
      } catch {
        // an unreadable package.json: its module fails to load with its own error
      }
    }
    if (dir === entry || !dir.startsWith(entry) || path.dirname(dir) === dir) return false;
  }
}

/** The modules one `plugin.path` entry contributes, each with the namespace of its full names. */
async function pluginModules(entry: string): Promise<{ file: string; namespace: string }[]> {
  const info = await stat(entry).catch(() => null);
  if (info === null) throw new Error(`plugin.path entry ${entry} does not exist`);
  if (info.isFile()) return isModuleFile(entry) ? [{ file: entry, namespace: moduleStem(entry) }] : [];
  const asPackage = await packageEntry(entry);
  if (asPackage !== null) return [asPackage];
  const found: { file: string; namespace: string }[] = [];
  for (const dirent of (await readdir(entry, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
    const full = path.join(entry, dirent.name);
    if (dirent.isFile() && isModuleFile(full)) found.push({ file: full, namespace: moduleStem(full) });
    else if (dirent.isDirectory()) {
      const pkg = await packageEntry(full);
      if (pkg !== null) found.push(pkg);
    }
  }
  return found;
}

async function packageEntry(dir: string): Promise<{ file: string; namespace: string } | null> {
  const text = await readFile(path.join(dir, 'package.json'), 'utf8').catch(() => null);
  if (text === null) return null;
  const pkg = JSON.parse(text) as { name?: string; main?: string; exports?: unknown };
  const exported = typeof pkg.exports === 'string' ? pkg.exports : undefined;
  const main = exported ?? pkg.main ?? 'index.js';
  return { file: path.join(dir, main), namespace: pkg.name ?? path.basename(dir) };
}

function isModuleFile(file: string): boolean {
  return /\.(m?js|cjs)$/.test(file) && !file.endsWith('.d.ts') && !file.endsWith('.map');
}

function moduleStem(file: string): string {
  return path.basename(file).replace(/\.(m?js|cjs)$/, '');
}
