/**
 * The connector config keys of transformations and predicates, as Kafka Connect's ConnectorConfig
 * defines them: `transforms` and `predicates` (lists of unique aliases), and for each alias its
 * `.type` and the keys of the plugin it names, embedded under `transforms.<alias>.` or
 * `predicates.<alias>.` (Kafka's `ConnectorConfig.enrich`). A transformation's keys also include
 * the implicit `predicate` and `negate`.
 *
 * What connectd leaves out: the 4.1 `plugin.version` keys (connectd's plugins have one version).
 */
import { CompositeValidator, ConfigDef, NonNullValidator } from '../sdk/config-def.js';
import type { ConfigProps, ParsedValue, Recommender } from '../sdk/config-def.js';
import { resolveTransformPlugin, transformPlugins } from './registry.js';
import type { TransformPluginType } from './registry.js';

export const TRANSFORMS_CONFIG = 'transforms';
export const PREDICATES_CONFIG = 'predicates';
export const PREDICATE_CONFIG = 'predicate';
export const NEGATE_CONFIG = 'negate';

const KINDS = {
  transformation: { listKey: TRANSFORMS_CONFIG, group: 'Transforms', kind: 'Transformation' },
  predicate: { listKey: PREDICATES_CONFIG, group: 'Predicates', kind: 'Predicate' },
} as const;

/** Kafka's aliasValidator: a list without duplicates. */
function aliasValidator(kind: string): CompositeValidator {
  return CompositeValidator.of(new NonNullValidator(), {
    violations: (_name: string, value: ParsedValue) =>
      Array.isArray(value) && new Set(value).size < value.length ? [{ message: 'Duplicate alias provided.' }] : [],
    toString: () => `unique ${kind} aliases`,
  });
}

/**
 * Adds `transforms` and `predicates` as Kafka Connect's connector ConfigDef has them (group
 * Transforms/Predicates, order 12/13 after the Common keys), unless `def` has them already.
 */
export function defineTransformsAndPredicates(def: ConfigDef): ConfigDef {
  const names = def.names();
  if (!names.has(TRANSFORMS_CONFIG)) {
    def.define({
      name: TRANSFORMS_CONFIG,
      type: 'LIST',
      default: [],
      validator: aliasValidator('transformation'),
      importance: 'LOW',
      documentation: 'Aliases for the transformations to be applied to records.',
      group: 'Transforms',
      orderInGroup: 12,
      width: 'LONG',
      displayName: 'Transforms',
    });
  }
  if (!names.has(PREDICATES_CONFIG)) {
    def.define({
      name: PREDICATES_CONFIG,
      type: 'LIST',
      default: [],
      validator: aliasValidator('predicate'),
      importance: 'LOW',
      documentation: 'Aliases for the predicates used by transformations.',
      group: 'Predicates',
      orderInGroup: 13,
      width: 'LONG',
      displayName: 'Predicates',
    });
  }
  return def;
}

/** The aliases a list key gives, each once, in order; [] when the value is not a list. */
export function aliasesIn(props: ConfigProps, listKey: string): string[] {
  try {
    const value = ConfigDef.parseType(listKey, props[listKey] ?? null, 'LIST');
    return Array.isArray(value) ? [...new Set(value)] : [];
  } catch {
    return [];
  }
}

/** Kafka's ClassRecommender: every plugin class of the type. */
function classRecommender(type: TransformPluginType): Recommender {
  return {
    validValues: () =>
      transformPlugins()
        .filter((p) => p.type === type)
        .map((p) => p.className),
    visible: () => true,
  };
}

/** A transformation's own keys, after the implicit `predicate` and `negate`, which mask any of the same name. */
function withImplicitKeys(pluginDef: ConfigDef): ConfigDef {
  const def = new ConfigDef()
    .define({
      name: PREDICATE_CONFIG,
      type: 'STRING',
      default: null,
      importance: 'MEDIUM',
      documentation: 'The alias of a predicate used to determine whether to apply this transformation.',
    })
    .define({
      name: NEGATE_CONFIG,
      type: 'BOOLEAN',
      default: false,
      importance: 'MEDIUM',
      documentation: 'Whether the configured predicate should be negated.',
    });
  for (const key of pluginDef.keys()) if (key.name !== PREDICATE_CONFIG && key.name !== NEGATE_CONFIG) def.define(key);
  return def;
}

/**
 * Kafka's `ConnectorConfig.enrich(plugins, base, props, false)`: `base` (or an empty ConfigDef) with
 * `transforms` and `predicates`, and for each alias in them its `.type` key and, when the type names
 * a plugin of the right kind, that plugin's keys. Validating props with the result gives Kafka
 * Connect's validation of these keys, each error on its key; transformationConfigProblems adds
 * what only configuring the plugins finds.
 */
export function transformsConfigDef(props: ConfigProps, base?: ConfigDef): ConfigDef {
  const def = defineTransformsAndPredicates(base === undefined ? new ConfigDef() : new ConfigDef(base));
  for (const type of ['transformation', 'predicate'] as const) {
    const { listKey, group: groupName, kind } = KINDS[type];
    for (const alias of aliasesIn(props, listKey)) {
      const prefix = `${listKey}.${alias}.`;
      const typeKey = `${prefix}type`;
      const group = `${groupName}: ${alias}`;
      if (def.names().has(typeKey)) continue;
      def.define({
        name: typeKey,
        type: 'CLASS',
        validator: {
          violations: (_name: string, value: ParsedValue) => {
            const problems: { message: string }[] = [];
            if (
              type === 'transformation' &&
              Object.hasOwn(props, `${prefix}${NEGATE_CONFIG}`) &&
              !Object.hasOwn(props, `${prefix}${PREDICATE_CONFIG}`)
            ) {
              problems.push({
                message: `Config '${prefix}${NEGATE_CONFIG}' was provided but there is no config '${prefix}${PREDICATE_CONFIG}' defining a predicate to be negated.`,
              });
            }
            if (typeof value === 'string') {
              const resolved = resolveTransformPlugin(value, type);
              if (typeof resolved === 'string') problems.push({ message: resolved });
            }
            return problems;
          },
          toString: () => `valid configs for ${alias} ${type}`,
        },
        importance: 'HIGH',
        documentation: `Class for the '${alias}' ${type}.`,
        group,
        orderInGroup: 0,
        width: 'LONG',
        displayName: `${kind} type for ${alias}`,
        recommender: classRecommender(type),
      });
      const className = props[typeKey];
      if (typeof className !== 'string') continue;
      const plugin = resolveTransformPlugin(className.trim(), type);
      if (typeof plugin === 'string') continue;
      // Kafka numbers the plugin's keys after `type` (0) and `plugin.version` (1).
      def.embed(prefix, group, 2, type === 'transformation' ? withImplicitKeys(plugin.configDef) : plugin.configDef);
    }
  }
  return def;
}
