/**
 * Kafka's ConfigDef.ConfigKey: one key's type, default, validator, documentation and UI metadata,
 * as `define` accepts it and as it is kept (every field filled in, the default parsed and checked).
 */
import { ConfigException, InvalidValue } from './errors.js';
import { convertToString, javaString, parseTyped } from './parsing.js';
import { CONFIG_TYPES, IMPORTANCES, Password, WIDTHS } from './types.js';
import type { ConfigType, Importance, ParsedValue, Width } from './types.js';
import { violationsOf } from './validators.js';
import type { Validator } from './validators.js';

/** The values of the other keys, parsed (null where missing or invalid), as a recommender sees them. */
export type ParsedConfigMap = Readonly<Record<string, ParsedValue>>;

/**
 * Valid values and visibility of a key given the values of the others (Kafka's ConfigDef.Recommender).
 * Called by `validateAll`, never by `parse`. Throwing a ConfigException reports an error on the key.
 */
export interface Recommender {
  /** The values key `name` may take given the others; [] for no recommendation. */
  validValues(name: string, parsedConfig: ParsedConfigMap): readonly ParsedValue[];
  /** Whether a UI should show key `name` given the others. */
  visible(name: string, parsedConfig: ParsedConfigMap): boolean;
}

/** What `define` accepts. Only name, type, importance and documentation are required. */
export interface ConfigKeyDefinition {
  name: string;
  type: ConfigType;
  /**
   * Absent (or undefined) means the key is required; `null` is a valid default meaning "unset". A
   * string is parsed by type; a typed value must already have the type (10 for INT, [] for LIST).
   * The default must pass the validator: `define` checks it, as Kafka does.
   */
  default?: ParsedValue | readonly string[] | undefined;
  validator?: Validator | undefined;
  importance: Importance;
  documentation: string;
  /** Null (the default) sorts before every group in the documentation. */
  group?: string | null;
  /** -1 (the default) when unordered. */
  orderInGroup?: number;
  width?: Width;
  /** Defaults to the name. */
  displayName?: string;
  /** Keys whose recommendations depend on this one (Kafka Connect UIs refresh them). */
  dependents?: readonly string[];
  recommender?: Recommender | undefined;
  /** Kafka's defineInternal: validated like any key, left out of the documentation. */
  internal?: boolean;
}

/** A defined key: every field filled in, the default parsed. It can be passed to `define` again. */
export interface ConfigKey extends ConfigKeyDefinition {
  /** The parsed default; absent when the key is required. */
  readonly default?: ParsedValue;
  readonly group: string | null;
  readonly orderInGroup: number;
  readonly width: Width;
  readonly displayName: string;
  readonly dependents: readonly string[];
  readonly internal: boolean;
}

export const isRequired = (key: ConfigKey): boolean => key.default === undefined;

export function makeKey(def: ConfigKeyDefinition): ConfigKey {
  if (typeof def.name !== 'string' || def.name === '') throw new TypeError('ConfigDef: a key needs a non-empty name');
  const where = `ConfigDef key ${def.name}`;
  if (!CONFIG_TYPES.includes(def.type)) throw new TypeError(`${where}: type must be one of ${CONFIG_TYPES.join(', ')}`);
  if (!IMPORTANCES.includes(def.importance)) throw new TypeError(`${where}: importance must be one of ${IMPORTANCES.join(', ')}`);
  const width = def.width ?? 'NONE';
  if (!WIDTHS.includes(width)) throw new TypeError(`${where}: width must be one of ${WIDTHS.join(', ')}`);
  const key: ConfigKey = {
    name: def.name,
    type: def.type,
    validator: def.validator,
    importance: def.importance,
    documentation: def.documentation,
    group: def.group ?? null,
    orderInGroup: def.orderInGroup ?? -1,
    width,
    displayName: def.displayName ?? def.name,
    dependents: Object.freeze([...(def.dependents ?? [])]),
    recommender: def.recommender,
    internal: def.internal ?? false,
  };
  if (def.default === undefined) return Object.freeze(key);

  // A default that does not parse or validate is a bug in the definition: fail now, as Kafka does.
  const context = `default value of configuration ${def.name}`;
  let parsed: ParsedValue;
  try {
    parsed = parseTyped(def.default, def.type);
  } catch (err) {
    if (!(err instanceof InvalidValue)) throw err;
    throw new ConfigException([{ name: def.name, value: masked(def.type, describeGiven(def.default)), message: err.message }], context);
  }
  const violations = violationsOf(def.validator, def.name, parsed);
  if (violations.length > 0) {
    const shown = masked(def.type, convertToString(parsed, def.type));
    throw new ConfigException(
      violations.map((v) => ({ name: def.name, value: shown, message: v.message })),
      context,
    );
  }
  return Object.freeze({ ...key, default: parsed });
}

export function describeGiven(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return typeof value === 'string' ? value : javaString(value);
}

export function masked(type: ConfigType, text: string | null): string | null {
  return type === 'PASSWORD' && text !== null ? Password.HIDDEN : text;
}
