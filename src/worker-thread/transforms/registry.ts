/**
 * The transformations and predicates a connector config can name in `transforms.<alias>.type` and
 * `predicates.<alias>.type`: Kafka Connect's built-ins, by their full class names
 * (`org.apache.kafka.connect.transforms.InsertField$Value`) or the part after the package
 * (`InsertField$Value`, `Filter`, `TopicNameMatches`). Kafka Connect itself accepts the second form
 * only where the simple class name is unambiguous (`Filter`, not `InsertField$Value`); connectd
 * accepts it for every plugin here.
 */
import type { ConfigDef } from '../sdk/config-def.js';
import { VERSION } from '../../shared/version.js';
import { Cast } from './cast.js';
import { DropHeaders } from './drop-headers.js';
import { ExtractField } from './extract-field.js';
import { Filter } from './filter.js';
import { Flatten } from './flatten.js';
import { HeaderFrom } from './header-from.js';
import { HoistField } from './hoist-field.js';
import { InsertField } from './insert-field.js';
import { InsertHeader } from './insert-header.js';
import { MaskField } from './mask-field.js';
import { HasHeaderKey, RecordIsTombstone, TopicNameMatches } from './predicates/predicates.js';
import { RegexRouter } from './regex-router.js';
import { ReplaceField } from './replace-field.js';
import { SetSchemaMetadata } from './set-schema-metadata.js';
import { TimestampConverter } from './timestamp-converter.js';
import { TimestampRouter } from './timestamp-router.js';
import type { Predicate, Transformation } from './transformation.js';
import { ValueToKey } from './value-to-key.js';

export type TransformPluginType = 'transformation' | 'predicate';

interface PluginClass<T> {
  new (): T;
  readonly CONFIG_DEF: ConfigDef;
  readonly OVERVIEW_DOC: string;
}

export interface TransformPluginDesc {
  /** Kafka's class name, e.g. `org.apache.kafka.connect.transforms.InsertField$Value`. */
  readonly className: string;
  readonly type: TransformPluginType;
  readonly configDef: ConfigDef;
  /** Kafka's OVERVIEW_DOC (HTML). */
  readonly overview: string;
  create(): Transformation | Predicate;
}

const TRANSFORMS = 'org.apache.kafka.connect.transforms.';
const PREDICATES = 'org.apache.kafka.connect.transforms.predicates.';

function desc<T extends Transformation | Predicate>(
  className: string,
  type: TransformPluginType,
  klass: PluginClass<T>,
  overview = klass.OVERVIEW_DOC,
): TransformPluginDesc {
  return Object.freeze({ className, type, configDef: klass.CONFIG_DEF, overview, create: () => new klass() });
}

/** `Cast` → `Cast$Key` and `Cast$Value` (they inherit the base's CONFIG_DEF and OVERVIEW_DOC). */
function keyAndValue(name: string, base: { Key: PluginClass<Transformation>; Value: PluginClass<Transformation> }): TransformPluginDesc[] {
  return [desc(`${TRANSFORMS}${name}$Key`, 'transformation', base.Key), desc(`${TRANSFORMS}${name}$Value`, 'transformation', base.Value)];
}

const PLUGINS: readonly TransformPluginDesc[] = [
  ...keyAndValue('Cast', Cast),
  desc(`${TRANSFORMS}DropHeaders`, 'transformation', DropHeaders),
  ...keyAndValue('ExtractField', ExtractField),
  desc(`${TRANSFORMS}Filter`, 'transformation', Filter),
  ...keyAndValue('Flatten', Flatten),
  ...keyAndValue('HeaderFrom', HeaderFrom),
  ...keyAndValue('HoistField', HoistField),
  ...keyAndValue('InsertField', InsertField),
  desc(`${TRANSFORMS}InsertHeader`, 'transformation', InsertHeader),
  ...keyAndValue('MaskField', MaskField),
  desc(`${TRANSFORMS}RegexRouter`, 'transformation', RegexRouter),
  ...keyAndValue('ReplaceField', ReplaceField),
  ...keyAndValue('SetSchemaMetadata', SetSchemaMetadata),
  ...keyAndValue('TimestampConverter', TimestampConverter),
  desc(`${TRANSFORMS}TimestampRouter`, 'transformation', TimestampRouter),
  desc(`${TRANSFORMS}ValueToKey`, 'transformation', ValueToKey),
  desc(`${PREDICATES}HasHeaderKey`, 'predicate', HasHeaderKey),
  desc(`${PREDICATES}RecordIsTombstone`, 'predicate', RecordIsTombstone),
  desc(`${PREDICATES}TopicNameMatches`, 'predicate', TopicNameMatches),
].sort((a, b) => (a.className < b.className ? -1 : a.className > b.className ? 1 : 0));

/** The abstract bases Kafka refuses with "Did you mean …$Key, …$Value?". */
const ABSTRACT = [
  'Cast',
  'ExtractField',
  'Flatten',
  'HeaderFrom',
  'HoistField',
  'InsertField',
  'MaskField',
  'ReplaceField',
  'SetSchemaMetadata',
  'TimestampConverter',
];

const shortName = (className: string): string => className.slice(className.lastIndexOf('.') + 1);

const BY_NAME: ReadonlyMap<string, TransformPluginDesc> = new Map(
  PLUGINS.flatMap((p) => [[p.className, p] as const, [shortName(p.className), p] as const]),
);

/** Every built-in transformation and predicate, sorted by class name. */
export function transformPlugins(): readonly TransformPluginDesc[] {
  return PLUGINS;
}

/** What GET /connector-plugins?connectorsOnly=false lists for them. */
export function listTransformPlugins(): { class: string; type: TransformPluginType; version: string }[] {
  return PLUGINS.map((p) => ({ class: p.className, type: p.type, version: VERSION }));
}

/** The plugin a class name or alias names, of any type; undefined when none does. */
export function findTransformPlugin(name: string): TransformPluginDesc | undefined {
  return BY_NAME.get(name) ?? FROM_PLUGIN_PATH.get(name);
}

/** Transformations and predicates found on `plugin.path` (per thread: registered where they load). */
const FROM_PLUGIN_PATH = new Map<string, TransformPluginDesc>();

/**
 * Makes plugin-path transformations and predicates known by their full name and their simple name.
 * Built-ins keep their names: a plugin cannot shadow one.
 */
export function registerTransformPlugin(className: string, type: TransformPluginType, create: () => Transformation | Predicate): void {
  const probe = create();
  const plugin: TransformPluginDesc = Object.freeze({ className, type, configDef: probe.config(), overview: '', create });
  probe.close();
  for (const name of [className, shortName(className)])
    if (!BY_NAME.has(name) && !FROM_PLUGIN_PATH.has(name)) FROM_PLUGIN_PATH.set(name, plugin);
}

/**
 * The plugin of `type` that `name` names, or Kafka's reason it cannot be used: "Class X could not be
 * found.", an abstract base ("This class is abstract and cannot be created. Did you mean …?"), or a
 * plugin of the other type.
 */
export function resolveTransformPlugin(name: string, type: TransformPluginType): TransformPluginDesc | string {
  const found = findTransformPlugin(name);
  if (found !== undefined) {
    if (found.type === type) return found;
    return `Class ${found.className} does not implement the ${type === 'transformation' ? 'Transformation' : 'Predicate'} interface`;
  }
  const base = name.startsWith(TRANSFORMS) ? name.slice(TRANSFORMS.length) : name;
  if (ABSTRACT.includes(base)) {
    if (type === 'predicate') return `Class ${TRANSFORMS}${base} does not implement the Predicate interface`;
    return `This class is abstract and cannot be created. Did you mean ${TRANSFORMS}${base}$Key, ${TRANSFORMS}${base}$Value?`;
  }
  return `Class ${name} could not be found.`;
}
