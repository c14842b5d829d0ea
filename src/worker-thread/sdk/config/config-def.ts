/**
 * ConfigDef itself (Kafka's `org.apache.kafka.common.config.ConfigDef`): keys defined, props parsed
 * (`parse`) or validated (`validateAll`, `validate`), child ConfigDefs embedded, documentation rendered.
 * The API and where it differs from Kafka: ../config-def.ts.
 */
import { documentationOrder, toEnrichedRst, toHtmlTable, toMarkdown, toRst } from './docs.js';
import { configInfos, ConfigValue } from './config-infos.js';
import type { ConfigInfos } from './config-infos.js';
import { describeGiven, makeKey, masked } from './config-key.js';
import type { ConfigKey, ConfigKeyDefinition, ParsedConfigMap, Recommender } from './config-key.js';
import { ConfigException, InvalidValue, kafkaInvalidValue } from './errors.js';
import type { ConfigProblem } from './errors.js';
import { ParsedConfig } from './parsed-config.js';
import { convertToString, javaString, javaTrim, parseTyped } from './parsing.js';
import { Password } from './types.js';
import type { ConfigProps, ConfigType, ParsedValue } from './types.js';
import { describeValidator, violationsOf } from './validators.js';
import type { ConfigValidator, Validator } from './validators.js';

/** A key's value, or why it has none: what both `parse` and `validateAll` start from. */
interface Evaluation {
  readonly raw: string | null | undefined;
  readonly value: ParsedValue;
  readonly failures: readonly Failure[];
}
interface Failure {
  readonly reason: string;
  /** The value Kafka's "Invalid value …" quotes; MISSING for a message that stands alone. */
  readonly quoted: unknown;
}
const MISSING = Symbol('missing');

/**
 * The keys a connector (or converter, transform) understands, as Kafka's ConfigDef: their types,
 * defaults, validators and documentation. `define` them, then `parse` props into a
 * {@link ParsedConfig}, or `validateAll` them for the validate endpoint.
 */
export class ConfigDef {
  readonly #keys = new Map<string, ConfigKey>();
  readonly #groups: string[] = [];

  /** A copy of `base`, to add keys to (Kafka's `new ConfigDef(base)`). */
  constructor(base?: ConfigDef) {
    if (base === undefined) return;
    for (const [name, key] of base.#keys) this.#keys.set(name, key);
    this.#groups.push(...base.#groups);
  }

  /** Adds a key; throws if a key of that name is already defined. Returns this, to chain. */
  define(definition: ConfigKeyDefinition): this {
    const key = makeKey(definition);
    if (this.#keys.has(key.name)) throw new Error(`Configuration ${key.name} is defined twice.`);
    if (key.group !== null && !this.#groups.includes(key.group)) this.#groups.push(key.group);
    this.#keys.set(key.name, key);
    return this;
  }

  /** Every key in definition order. */
  keys(): readonly ConfigKey[] {
    return [...this.#keys.values()];
  }
  /** Every key by name, in definition order. */
  configKeys(): ReadonlyMap<string, ConfigKey> {
    return new Map(this.#keys);
  }
  /** Every key's name. */
  names(): ReadonlySet<string> {
    return new Set(this.#keys.keys());
  }
  /** Group names in the order their first key was defined. */
  groups(): readonly string[] {
    return [...this.#groups];
  }
  /** The parsed default of every key that has one. */
  defaultValues(): Record<string, ParsedValue> {
    const defaults: Record<string, ParsedValue> = {};
    for (const key of this.#keys.values()) if (key.default !== undefined) defaults[key.name] = key.default;
    return defaults;
  }

  /**
   * Parses and validates `props`; unknown keys are kept as strings in `originals`, not rejected.
   * Throws one ConfigException with a problem per invalid key (Kafka's parse stops at the first).
   * `context` names what is configured in the message ("Invalid configuration of connector x: …").
   */
  parse(props: ConfigProps, context?: string): ParsedConfig {
    const problems: ConfigProblem[] = this.#undefinedDependents().map((name) => ({
      name,
      value: null,
      message: `${name} is referred in the dependents, but not defined.`,
    }));
    const values = new Map<string, ParsedValue>();
    for (const key of this.#keys.values()) {
      const { raw, value, failures } = evaluate(key, props, false);
      for (const failure of failures) {
        const given = raw === undefined ? (failure.quoted === MISSING ? null : convertToString(value, key.type)) : raw;
        problems.push({ name: key.name, value: masked(key.type, given), message: scrubSecret(key, raw, value, failure.reason) });
      }
      if (failures.length === 0) values.set(key.name, value);
    }
    if (problems.length > 0) throw new ConfigException(problems, context);
    return new ParsedConfig(values, props);
  }

  /**
   * Kafka's validateAll: a ConfigValue for every key (and for every dependent that names no key), with
   * the parsed value (null when missing or invalid), every error message in Kafka's wording, and the
   * recommender's valid values and visibility. Never throws for bad input.
   */
  validateAll(props: ConfigProps): Map<string, ConfigValue> {
    const results = new Map<string, ConfigValue>();
    for (const name of this.#keys.keys()) results.set(name, new ConfigValue(name));
    for (const name of this.#undefinedDependents()) {
      const result = new ConfigValue(name);
      result.addErrorMessage(`${name} is referred in the dependents, but not defined.`);
      result.visible = false;
      results.set(name, result);
    }

    // Kafka walks from the keys no key depends on down their dependents; every key is reached once
    // here instead, so a key with two parents gets its errors once and a cycle of dependents is not
    // skipped. Recommenders run after every key is parsed, so the order does not matter otherwise.
    const parsed: Record<string, ParsedValue> = Object.create(null) as Record<string, ParsedValue>;
    for (const key of this.#keys.values()) {
      const result = results.get(key.name) ?? new ConfigValue(key.name);
      const { raw, value, failures } = evaluate(key, props, true);
      for (const failure of failures) {
        const text = failure.quoted === MISSING ? failure.reason : kafkaInvalidValue(key.name, quote(key, failure.quoted), failure.reason);
        result.addErrorMessage(scrubSecret(key, raw, value, text));
      }
      result.value = value;
      parsed[key.name] = value;
    }
    for (const key of this.#keys.values()) {
      const result = results.get(key.name);
      if (key.recommender === undefined || result === undefined) continue;
      try {
        result.recommendedValues = [...key.recommender.validValues(key.name, parsed)];
        result.visible = key.recommender.visible(key.name, parsed);
      } catch (err) {
        if (!(err instanceof ConfigException)) throw err;
        for (const p of err.problems) result.addErrorMessage(kafkaInvalidValue(p.name, p.value ?? 'null', p.message));
      }
    }
    return results;
  }

  /**
   * `validateAll` shaped as Kafka Connect's ConfigInfos (the validate endpoint's body). `name` is the
   * plugin's name, by default `props['connector.class']` as Kafka Connect reports it.
   */
  validate(props: ConfigProps, name?: string): ConfigInfos {
    const pluginName = name ?? (Object.hasOwn(props, 'connector.class') ? (props['connector.class'] ?? '') : '');
    return configInfos(pluginName, this.#keys.values(), this.validateAll(props).values(), this.#groups);
  }

  /**
   * Adds `child`'s keys under `keyPrefix`, in `groupPrefix` (": " and the child's group appended),
   * numbered from `startingOrd` in the child's documentation order; Kafka Connect embeds each
   * transformation's ConfigDef this way. Validators and recommenders see the unprefixed names.
   */
  embed(keyPrefix: string, groupPrefix: string, startingOrd: number, child: ConfigDef): this {
    let orderInGroup = startingOrd;
    for (const key of child.#sorted()) {
      const base = key.recommender;
      this.define({
        ...key,
        name: keyPrefix + key.name,
        validator: key.validator === undefined ? undefined : embeddedValidator(keyPrefix, key.validator),
        group: groupPrefix + (key.group === null ? '' : `: ${key.group}`),
        orderInGroup: orderInGroup++,
        dependents: key.dependents.map((d) => keyPrefix + d),
        recommender: base === undefined ? undefined : embeddedRecommender(keyPrefix, base),
      });
    }
    return this;
  }

  /** Parses one value as Kafka's ConfigDef.parseType: strings are trimmed, then read by type. */
  static parseType(name: string, value: unknown, type: ConfigType): ParsedValue {
    try {
      return parseTyped(value, type);
    } catch (err) {
      if (!(err instanceof InvalidValue)) throw err;
      throw new ConfigException([{ name, value: masked(type, describeGiven(value)), message: err.message }]);
    }
  }

  /** A parsed value as the string Kafka would write (LIST joined by ",", DOUBLE as Java prints it). */
  static convertToString(value: ParsedValue, type?: ConfigType): string | null {
    return convertToString(value, type);
  }

  // --- documentation -------------------------------------------------------------------------

  /** Kafka's toRst(): one entry per key, in documentation order. */
  toRst(): string {
    return toRst(this.#documented());
  }

  /** Kafka's toEnrichedRst(): toRst with a heading per group and each key's dependents. */
  toEnrichedRst(): string {
    return toEnrichedRst(this.#documented());
  }

  /**
   * Kafka's toHtmlTable(), with an "Dynamic Update Mode" column when modes are given. Kafka's output
   * closes every cell twice (`</td></td>`); this closes it once. Cells are not escaped: documentation
   * is HTML by Kafka's convention.
   */
  toHtmlTable(dynamicUpdateModes: Readonly<Record<string, string>> = {}): string {
    return toHtmlTable(this.#documented(), dynamicUpdateModes);
  }

  /** A GitHub-flavoured Markdown table with toHtmlTable's columns and order. */
  toMarkdown(): string {
    return toMarkdown(this.#documented());
  }

  /** The keys in Kafka's documentation order (see {@link documentationOrder}). */
  #sorted(): ConfigKey[] {
    return documentationOrder(this.#keys.values(), this.#groups);
  }

  #documented(): ConfigKey[] {
    return this.#sorted().filter((key) => !key.internal);
  }

  #undefinedDependents(): string[] {
    const undefinedNames = new Set<string>();
    for (const key of this.#keys.values()) for (const d of key.dependents) if (!this.#keys.has(d)) undefinedNames.add(d);
    return [...undefinedNames];
  }
}

function evaluate(key: ConfigKey, props: ConfigProps, forValidation: boolean): Evaluation {
  const given = Object.hasOwn(props, key.name) && props[key.name] !== undefined;
  const raw = given ? (props[key.name] ?? null) : undefined;
  const failures: Failure[] = [];
  let value: ParsedValue = null;
  if (raw !== undefined) {
    try {
      value = parseTyped(raw, key.type);
    } catch (err) {
      if (!(err instanceof InvalidValue)) throw err;
      failures.push({ reason: err.message, quoted: raw });
    }
  } else if (key.default === undefined) {
    failures.push({ reason: `Missing required configuration "${key.name}" which has no default value.`, quoted: MISSING });
  } else {
    value = key.default;
  }
  // Kafka's validate runs the validator even on the null left by a missing or unparsable value (so
  // Range adds "Value must be non-null"); its parse stops at the first failure.
  if (forValidation || failures.length === 0) {
    for (const v of violationsOf(key.validator, key.name, value)) failures.push({ reason: v.message, quoted: v.value });
  }
  return { raw, value, failures };
}

function quote(key: ConfigKey, quoted: unknown): string {
  if (key.type === 'PASSWORD') return quoted === null || quoted === undefined ? 'null' : Password.HIDDEN;
  return javaString(quoted, key.type);
}

/** Defence in depth: a custom validator on a PASSWORD key may still echo the secret. */
function scrubSecret(key: ConfigKey, raw: string | null | undefined, value: ParsedValue, text: string): string {
  if (key.type !== 'PASSWORD') return text;
  const secrets = new Set<string>();
  if (typeof raw === 'string') secrets.add(raw).add(javaTrim(raw));
  if (value instanceof Password) secrets.add(value.value());
  let out = text;
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) if (secret !== '') out = out.replaceAll(secret, Password.HIDDEN);
  return out;
}

function embeddedValidator(prefix: string, base: Validator): ConfigValidator {
  return {
    violations: (name, value) => violationsOf(base, name.slice(prefix.length), value),
    toString: () => describeValidator(base),
  };
}

function embeddedRecommender(prefix: string, base: Recommender): Recommender {
  const unprefixed = (parsed: ParsedConfigMap): ParsedConfigMap => {
    const out: Record<string, ParsedValue> = Object.create(null) as Record<string, ParsedValue>;
    for (const [k, v] of Object.entries(parsed)) if (k.startsWith(prefix)) out[k.slice(prefix.length)] = v;
    return out;
  };
  return {
    validValues: (name, parsed) => base.validValues(name.slice(prefix.length), unprefixed(parsed)),
    visible: (name, parsed) => base.visible(name.slice(prefix.length), unprefixed(parsed)),
  };
}
