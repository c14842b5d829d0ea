/**
 * ConfigDef: the typed description of a connector's (or the framework's) configuration, after Kafka's
 * `org.apache.kafka.common.config.ConfigDef` (checked against the 4.1.1 source). A key has a type, a
 * default (absent = required), a validator, importance, documentation and the UI metadata Kafka
 * Connect returns from `PUT /connector-plugins/{plugin}/config/validate`: group, order in group,
 * width, display name, dependents and a recommender.
 *
 * - `parse(props)` turns the string map a user wrote into typed values ({@link ParsedConfig}) or
 *   throws one {@link ConfigException} naming every problem at once.
 * - `validateAll(props)` is Kafka's: a {@link ConfigValue} per key with every error message, the
 *   recommended values and visibility. `validate(props)` shapes it as Kafka Connect's ConfigInfos.
 * - `toRst()`, `toEnrichedRst()`, `toHtmlTable()` and `toMarkdown()` render the documentation.
 *
 * Secrets (PASSWORD keys) are {@link Password} objects that print as `[hidden]`; no message, problem,
 * validation result, log line or rendering made here contains them.
 *
 * Where this differs from Kafka, and why, is said where it happens; the short list: CLASS values are
 * class names (nothing is loaded); CompositeValidator and ValidList report every failure rather than
 * the first; each key is parsed once even when it is the dependent of several keys; LONG values past
 * 2^53 are exact bigints and Range compares them exactly.
 */

export type ConfigType = 'BOOLEAN' | 'STRING' | 'INT' | 'SHORT' | 'LONG' | 'DOUBLE' | 'LIST' | 'CLASS' | 'PASSWORD';
export type Importance = 'HIGH' | 'MEDIUM' | 'LOW';
/** How wide a UI should draw the field. */
export type Width = 'NONE' | 'SHORT' | 'MEDIUM' | 'LONG';

export const CONFIG_TYPES: readonly ConfigType[] = ['BOOLEAN', 'STRING', 'INT', 'SHORT', 'LONG', 'DOUBLE', 'LIST', 'CLASS', 'PASSWORD'];
/** In Kafka's enum order, which the documentation sort uses. */
export const IMPORTANCES: readonly Importance[] = ['HIGH', 'MEDIUM', 'LOW'];
export const WIDTHS: readonly Width[] = ['NONE', 'SHORT', 'MEDIUM', 'LONG'];

/**
 * A parsed value: BOOLEAN boolean; STRING and CLASS string; INT, SHORT and DOUBLE number; LONG a
 * number, or an exact bigint when it does not fit a double exactly; LIST string[]; PASSWORD Password.
 */
export type ParsedValue = boolean | string | number | bigint | string[] | Password | null;

const INSPECT = Symbol.for('nodejs.util.inspect.custom');

/** Wraps a secret so that it never prints: String(), JSON and util.inspect all show the mask. */
export class Password {
  static readonly HIDDEN = '[hidden]';
  readonly #value: string;
  constructor(value: string) {
    this.#value = value;
  }
  value(): string {
    return this.#value;
  }
  equals(other: unknown): boolean {
    return other instanceof Password && other.#value === this.#value;
  }
  toString(): string {
    return Password.HIDDEN;
  }
  toJSON(): string {
    return Password.HIDDEN;
  }
  [Symbol.toPrimitive](): string {
    return Password.HIDDEN;
  }
  [INSPECT](): string {
    return Password.HIDDEN;
  }
}

// ---------------------------------------------------------------------------------------------
// Errors

export interface ConfigProblem {
  readonly name: string;
  /** The value as given (`[hidden]` for PASSWORD keys), or null when the key was missing. */
  readonly value: string | null;
  /** Why: Kafka's reason text, e.g. "Value must be at least 1". */
  readonly message: string;
}

/** Every problem with a configuration, each naming the key, the value given and the reason. */
export class ConfigException extends Error {
  readonly code = 'CONNECTD_ERR_INVALID_CONFIG';
  readonly problems: readonly ConfigProblem[];
  constructor(problems: readonly ConfigProblem[], context = 'configuration') {
    super(`Invalid ${context}: ${problems.map(formatProblem).join('; ')}`);
    this.name = 'ConfigException';
    this.problems = problems;
  }
}

function formatProblem(p: ConfigProblem): string {
  return p.value === null ? `${p.name}: ${p.message}` : `${p.name}=${JSON.stringify(p.value)}: ${p.message}`;
}

/** Kafka's ConfigException(name, value, message) text, which validation results carry. */
function kafkaInvalidValue(name: string, quoted: string, reason: string): string {
  return `Invalid value ${quoted} for configuration ${name}: ${reason}`;
}

/** A parse failure inside this module; becomes a ConfigProblem or a validation error message. */
class InvalidValue extends Error {}

// ---------------------------------------------------------------------------------------------
// Validators

/**
 * One reason a value is invalid. `value` is what the message quotes in Kafka's "Invalid value <value>
 * for configuration <name>: <message>"; when absent, the whole value checked (ValidList quotes the
 * offending item).
 */
export interface Violation {
  readonly message: string;
  readonly value?: unknown;
}

/** A validator as a plain function: returns why the value is invalid, or undefined when it is valid. */
export type ValidatorFunction = (name: string, value: ParsedValue) => string | undefined;

/**
 * Kafka's ConfigDef.Validator. Returns every violation instead of throwing the first (throwing a
 * ConfigException still works and is reported the same way); `toString()` is the "Valid Values" text
 * of the documentation.
 */
export interface ConfigValidator {
  violations(name: string, value: ParsedValue): readonly Violation[];
  toString(): string;
}

export type Validator = ValidatorFunction | ConfigValidator;

/** The "Valid Values" text of a validator; a bare function has none. */
function describeValidator(validator: Validator | undefined): string {
  return validator === undefined || typeof validator === 'function' ? '' : validator.toString();
}

function violationsOf(validator: Validator | undefined, name: string, value: ParsedValue): Violation[] {
  if (validator === undefined) return [];
  try {
    if (typeof validator === 'function') {
      const reason = validator(name, value);
      return reason === undefined ? [] : [{ message: reason, value }];
    }
    return validator.violations(name, value).map((v) => ({ message: v.message, value: v.value === undefined ? value : v.value }));
  } catch (err) {
    // Kafka-style validators throw; any other error is a bug in the validator and propagates.
    if (err instanceof ConfigException) return err.problems.map((p) => ({ message: p.message, value: p.value }));
    throw err;
  }
}

const isNumeric = (value: unknown): value is number | bigint => typeof value === 'number' || typeof value === 'bigint';

/**
 * Numeric bounds, inclusive. Unlike Kafka, which compares doubles, a bigint LONG is compared exactly:
 * atLeast(2^53 + 1) rejects 2^53.
 */
export class Range implements ConfigValidator {
  readonly #min: number | bigint | undefined;
  readonly #max: number | bigint | undefined;
  private constructor(min: number | bigint | undefined, max: number | bigint | undefined) {
    this.#min = min;
    this.#max = max;
  }
  static atLeast(min: number | bigint): Range {
    return new Range(min, undefined);
  }
  static between(min: number | bigint, max: number | bigint): Range {
    return new Range(min, max);
  }
  violations(_name: string, value: ParsedValue): Violation[] {
    if (value === null) return [{ message: 'Value must be non-null' }];
    // Kafka fails with a ClassCastException here; a message is kinder.
    if (!isNumeric(value)) return [{ message: 'Value must be a number' }];
    if (this.#min !== undefined && value < this.#min) return [{ message: `Value must be at least ${this.#min}` }];
    if (this.#max !== undefined && value > this.#max) return [{ message: `Value must be no more than ${this.#max}` }];
    return [];
  }
  toString(): string {
    if (this.#min === undefined && this.#max === undefined) return '[...]';
    if (this.#min === undefined) return `[...,${this.#max}]`;
    if (this.#max === undefined) return `[${this.#min},...]`;
    return `[${this.#min},...,${this.#max}]`;
  }
}

/** The value must be one of these strings, exactly (case-sensitive); null is rejected, as in Kafka. */
export class ValidString implements ConfigValidator {
  readonly #valid: readonly string[];
  private constructor(valid: readonly string[]) {
    this.#valid = valid;
  }
  static in(...validStrings: string[]): ValidString {
    return new ValidString([...validStrings]);
  }
  violations(_name: string, value: ParsedValue): Violation[] {
    return typeof value === 'string' && this.#valid.includes(value)
      ? []
      : [{ message: `String must be one of: ${this.#valid.join(', ')}` }];
  }
  toString(): string {
    return `[${this.#valid.join(', ')}]`;
  }
}

/**
 * Every item of a LIST must be one of these strings. Reports each bad item (Kafka stops at the first)
 * and accepts null (Kafka throws a NullPointerException).
 */
export class ValidList implements ConfigValidator {
  readonly #validString: ValidString;
  private constructor(validString: ValidString) {
    this.#validString = validString;
  }
  static in(...validStrings: string[]): ValidList {
    return new ValidList(ValidString.in(...validStrings));
  }
  violations(name: string, value: ParsedValue): Violation[] {
    if (value === null) return [];
    if (!Array.isArray(value)) return [{ message: 'Expected a comma separated list.' }];
    return value.flatMap((item) => this.#validString.violations(name, item).map((v) => ({ message: v.message, value: item })));
  }
  toString(): string {
    return this.#validString.toString();
  }
}

/**
 * One of these strings, ignoring case. Kafka keeps them upper-cased in a HashSet, so its message lists
 * them upper-cased in hash order; here they are upper-cased in the order given.
 */
export class CaseInsensitiveValidString implements ConfigValidator {
  readonly #valid: readonly string[];
  private constructor(valid: readonly string[]) {
    this.#valid = [...new Set(valid.map((s) => s.toUpperCase()))];
  }
  static in(...validStrings: string[]): CaseInsensitiveValidString {
    return new CaseInsensitiveValidString(validStrings);
  }
  violations(_name: string, value: ParsedValue): Violation[] {
    return typeof value === 'string' && this.#valid.includes(value.toUpperCase())
      ? []
      : [{ message: `String must be one of (case insensitive): ${this.#valid.join(', ')}` }];
  }
  toString(): string {
    return `(case insensitive) [${this.#valid.join(', ')}]`;
  }
}

/** Rejects the empty string; null passes (a missing required key is reported as missing). */
export class NonEmptyString implements ConfigValidator {
  violations(_name: string, value: ParsedValue): Violation[] {
    // A PASSWORD must not be empty either (Kafka would fail with a ClassCastException).
    const text = value instanceof Password ? value.value() : value;
    return text === '' ? [{ message: 'String must be non-empty' }] : [];
  }
  toString(): string {
    return 'non-empty string';
  }
}

const isIsoControl = (codePoint: number): boolean => codePoint <= 0x1f || (codePoint >= 0x7f && codePoint <= 0x9f);

/** Kafka's check for connector names: not empty, no ISO control characters; null passes. */
export class NonEmptyStringWithoutControlChars implements ConfigValidator {
  static nonEmptyStringWithoutControlChars(): NonEmptyStringWithoutControlChars {
    return new NonEmptyStringWithoutControlChars();
  }
  violations(_name: string, value: ParsedValue): Violation[] {
    if (typeof value !== 'string') return [];
    if (value === '') return [{ message: 'String may not be empty' }];
    const found: number[] = [];
    // Kafka walks UTF-16 indexes and reads the code point at each; the same here.
    for (let i = 0; i < value.length; i++) {
      const cp = value.codePointAt(i) ?? 0;
      if (isIsoControl(cp)) found.push(cp);
    }
    return found.length === 0
      ? []
      : [{ message: `String may not contain control sequences but had the following ASCII chars: ${found.join(', ')}` }];
  }
  toString(): string {
    return 'non-empty string without ISO control characters';
  }
}

export class NonNullValidator implements ConfigValidator {
  violations(_name: string, value: ParsedValue): Violation[] {
    return value === null ? [{ message: 'entry must be non null', value: null }] : [];
  }
  toString(): string {
    return 'non-null string';
  }
}

/** A LIST of at most `maxSize` items; null passes (Kafka throws a NullPointerException). */
export class ListSize implements ConfigValidator {
  readonly #maxSize: number;
  private constructor(maxSize: number) {
    this.#maxSize = maxSize;
  }
  static atMostOfSize(maxSize: number): ListSize {
    return new ListSize(maxSize);
  }
  violations(_name: string, value: ParsedValue): Violation[] {
    return Array.isArray(value) && value.length > this.#maxSize ? [{ message: `exceeds maximum list size of [${this.#maxSize}].` }] : [];
  }
  toString(): string {
    return `List containing maximum of ${this.#maxSize} elements`;
  }
}

/** A custom check with a description for the documentation. */
export class LambdaValidator implements ConfigValidator {
  readonly #check: ValidatorFunction;
  readonly #describe: () => string;
  private constructor(check: ValidatorFunction, describe: () => string) {
    this.#check = check;
    this.#describe = describe;
  }
  static with(check: ValidatorFunction, describe: () => string): LambdaValidator {
    return new LambdaValidator(check, describe);
  }
  violations(name: string, value: ParsedValue): Violation[] {
    return violationsOf(this.#check, name, value);
  }
  toString(): string {
    return this.#describe();
  }
}

/** All of these validators; reports the violations of every one (Kafka stops at the first). */
export class CompositeValidator implements ConfigValidator {
  readonly #validators: readonly Validator[];
  private constructor(validators: readonly Validator[]) {
    this.#validators = validators;
  }
  static of(...validators: Validator[]): CompositeValidator {
    return new CompositeValidator([...validators]);
  }
  violations(name: string, value: ParsedValue): Violation[] {
    return this.#validators.flatMap((v) => violationsOf(v, name, value));
  }
  toString(): string {
    return this.#validators.map(describeValidator).join(', ');
  }
}

/** Shorthands for the validators above (the SDK's first API; the classes are Kafka's names). */
export const Validators = {
  atLeast: (min: number | bigint): Range => Range.atLeast(min),
  between: (min: number | bigint, max: number | bigint): Range => Range.between(min, max),
  nonEmptyString: (): NonEmptyString => new NonEmptyString(),
  nonEmptyStringWithoutControlChars: (): NonEmptyStringWithoutControlChars => new NonEmptyStringWithoutControlChars(),
  nonNull: (): NonNullValidator => new NonNullValidator(),
  validString: (...validStrings: string[]): ValidString => ValidString.in(...validStrings),
  caseInsensitiveValidString: (...validStrings: string[]): CaseInsensitiveValidString => CaseInsensitiveValidString.in(...validStrings),
  validList: (...validStrings: string[]): ValidList => ValidList.in(...validStrings),
  listSize: (maxSize: number): ListSize => ListSize.atMostOfSize(maxSize),
  composite: (...validators: Validator[]): CompositeValidator => CompositeValidator.of(...validators),
  lambda: (check: ValidatorFunction, describe: () => string): LambdaValidator => LambdaValidator.with(check, describe),
};

// ---------------------------------------------------------------------------------------------
// Keys

/** The values of the other keys, parsed (null where missing or invalid), as a recommender sees them. */
export type ParsedConfigMap = Readonly<Record<string, ParsedValue>>;

/**
 * Valid values and visibility of a key given the values of the others (Kafka's ConfigDef.Recommender).
 * Called by `validateAll`, never by `parse`. Throwing a ConfigException reports an error on the key.
 */
export interface Recommender {
  validValues(name: string, parsedConfig: ParsedConfigMap): readonly ParsedValue[];
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

const isRequired = (key: ConfigKey): boolean => key.default === undefined;

function makeKey(def: ConfigKeyDefinition): ConfigKey {
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

function describeGiven(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return typeof value === 'string' ? value : javaString(value);
}

function masked(type: ConfigType, text: string | null): string | null {
  return type === 'PASSWORD' && text !== null ? Password.HIDDEN : text;
}

// ---------------------------------------------------------------------------------------------
// Validation results (Kafka's ConfigValue) and Kafka Connect's ConfigInfos

/** The validation result of one key, as Kafka's ConfigValue: mutable, so a caller may add errors. */
export class ConfigValue {
  readonly name: string;
  value: ParsedValue;
  recommendedValues: ParsedValue[];
  readonly errorMessages: string[];
  visible = true;
  constructor(name: string, value: ParsedValue = null, recommendedValues: ParsedValue[] = [], errorMessages: string[] = []) {
    this.name = name;
    this.value = value;
    this.recommendedValues = recommendedValues;
    this.errorMessages = errorMessages;
  }
  addErrorMessage(message: string): void {
    this.errorMessages.push(message);
  }
}

/**
 * A key as `GET /connector-plugins/{p}/config` and the validate endpoint return it. The field order is
 * the order Kafka Connect's Jackson writes them in (`order` last: its getter is named differently from
 * its constructor parameter `order_in_group`, which is accepted on input only).
 */
export interface ConfigKeyInfo {
  name: string;
  type: ConfigType;
  required: boolean;
  default_value: string | null;
  importance: Importance;
  documentation: string | null;
  group: string | null;
  width: Width;
  display_name: string;
  dependents: string[];
  order: number;
}

export interface ConfigValueInfo {
  name: string;
  value: string | null;
  recommended_values: (string | null)[];
  errors: string[];
  visible: boolean;
}

export interface ConfigInfo {
  definition: ConfigKeyInfo | null;
  value: ConfigValueInfo | null;
}

/** The body of `PUT /connector-plugins/{plugin}/config/validate`. */
export interface ConfigInfos {
  name: string;
  error_count: number;
  groups: string[];
  configs: ConfigInfo[];
}

/** Kafka Connect's AbstractHerder.convertConfigKey. */
export function configKeyInfo(key: ConfigKey): ConfigKeyInfo {
  return {
    name: key.name,
    type: key.type,
    required: isRequired(key),
    default_value: key.default === undefined ? null : convertToString(key.default, key.type),
    importance: key.importance,
    documentation: key.documentation,
    group: key.group,
    width: key.width,
    display_name: key.displayName,
    dependents: [...key.dependents],
    order: key.orderInGroup,
  };
}

/** Kafka Connect's AbstractHerder.convertConfigValue; a PASSWORD value is always `[hidden]`. */
export function configValueInfo(value: ConfigValue, type: ConfigType | undefined): ConfigValueInfo {
  const recommendedType = type === 'LIST' ? 'STRING' : type;
  return {
    name: value.name,
    value: convertToString(value.value, type),
    recommended_values: value.recommendedValues.map((v) => convertToString(v, recommendedType)),
    errors: [...value.errorMessages],
    visible: value.visible,
  };
}

/**
 * Kafka Connect's AbstractHerder.generateResult: validation results that match no key come first,
 * with a null definition; then every key in definition order. error_count counts error messages.
 * Exported so the herder can merge the framework's keys with a connector's, as Kafka Connect does.
 */
export function configInfos(name: string, keys: Iterable<ConfigKey>, values: Iterable<ConfigValue>, groups: Iterable<string>): ConfigInfos {
  const keyMap = new Map<string, ConfigKey>();
  for (const key of keys) keyMap.set(key.name, key);
  const valueMap = new Map<string, ConfigValue>();
  const configs: ConfigInfo[] = [];
  let errorCount = 0;
  for (const value of values) {
    valueMap.set(value.name, value);
    if (!keyMap.has(value.name)) {
      configs.push({ definition: null, value: configValueInfo(value, undefined) });
      errorCount += value.errorMessages.length;
    }
  }
  for (const key of keyMap.values()) {
    const value = valueMap.get(key.name);
    if (value !== undefined) errorCount += value.errorMessages.length;
    configs.push({ definition: configKeyInfo(key), value: value === undefined ? null : configValueInfo(value, key.type) });
  }
  return { name, error_count: errorCount, groups: [...groups], configs };
}

// ---------------------------------------------------------------------------------------------
// ConfigDef

/** Props as given: strings; a null value (possible in a REST body) is parsed as null, as in Kafka. */
export type ConfigProps = Readonly<Record<string, string | null | undefined>>;

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

export class ConfigDef {
  readonly #keys = new Map<string, ConfigKey>();
  readonly #groups: string[] = [];

  /** A copy of `base`, to add keys to (Kafka's `new ConfigDef(base)`). */
  constructor(base?: ConfigDef) {
    if (base === undefined) return;
    for (const [name, key] of base.#keys) this.#keys.set(name, key);
    this.#groups.push(...base.#groups);
  }

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
  configKeys(): ReadonlyMap<string, ConfigKey> {
    return new Map(this.#keys);
  }
  names(): ReadonlySet<string> {
    return new Set(this.#keys.keys());
  }
  /** Group names in the order their first key was defined. */
  groups(): readonly string[] {
    return [...this.#groups];
  }
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
    return this.#documented()
      .map((key) => `${rstEntry(key)}\n`)
      .join('');
  }

  /** Kafka's toEnrichedRst(): toRst with a heading per group and each key's dependents. */
  toEnrichedRst(): string {
    let out = '';
    let lastGroup = '';
    for (const key of this.#documented()) {
      if (key.group !== null) {
        if (lastGroup.toLowerCase() !== key.group.toLowerCase()) out += `${key.group}\n${'^'.repeat(key.group.length)}\n\n`;
        lastGroup = key.group;
      }
      out += rstEntry(key);
      if (key.dependents.length > 0) out += `  * Dependents: ${key.dependents.map((d) => `\`\`${d}\`\``).join(', ')}\n`;
      out += '\n';
    }
    return out;
  }

  /**
   * Kafka's toHtmlTable(), with an "Dynamic Update Mode" column when modes are given. Kafka's output
   * closes every cell twice (`</td></td>`); this closes it once. Cells are not escaped: documentation
   * is HTML by Kafka's convention.
   */
  toHtmlTable(dynamicUpdateModes: Readonly<Record<string, string>> = {}): string {
    const withModes = Object.keys(dynamicUpdateModes).length > 0;
    const headers = withModes ? [...DOC_HEADERS, 'Dynamic Update Mode'] : DOC_HEADERS;
    let out = '<table class="data-table"><tbody>\n<tr>\n';
    for (const header of headers) out += `<th>${header}</th>\n`;
    out += '</tr>\n';
    for (const key of this.#documented()) {
      out += '<tr>\n';
      for (const header of DOC_HEADERS) out += `<td>${docCell(key, header)}</td>`;
      const mode = Object.hasOwn(dynamicUpdateModes, key.name) ? dynamicUpdateModes[key.name] : undefined;
      if (withModes) out += `<td>${mode ?? 'read-only'}</td>`;
      out += '</tr>\n';
    }
    return `${out}</tbody></table>`;
  }

  /** A GitHub-flavoured Markdown table with toHtmlTable's columns and order. */
  toMarkdown(): string {
    const row = (cells: readonly string[]): string => `| ${cells.join(' | ')} |\n`;
    let out = row(DOC_HEADERS) + row(DOC_HEADERS.map(() => '---'));
    for (const key of this.#documented()) {
      out += row(
        DOC_HEADERS.map((h) => {
          const cell = markdownCell(docCell(key, h));
          return h === 'Name' ? `\`${cell}\`` : cell;
        }),
      );
    }
    return out;
  }

  /**
   * Kafka's documentation order: keys without a group first, then groups in definition order; within
   * one, by orderInGroup, then required before optional, then importance (HIGH first), then name.
   */
  #sorted(): ConfigKey[] {
    const groupOrder = new Map(this.#groups.map((g, i) => [g, i]));
    const rank = (key: ConfigKey): number => (key.group === null ? -1 : (groupOrder.get(key.group) ?? 0));
    return [...this.#keys.values()].sort(
      (a, b) =>
        rank(a) - rank(b) ||
        a.orderInGroup - b.orderInGroup ||
        Number(!isRequired(a)) - Number(!isRequired(b)) ||
        IMPORTANCES.indexOf(a.importance) - IMPORTANCES.indexOf(b.importance) ||
        // Java's String.compareTo: UTF-16 code units, as JS relational operators compare strings.
        (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
    );
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

// ---------------------------------------------------------------------------------------------
// Parsing by type (Kafka's ConfigDef.parseType)

/** Java's String.trim(): every char up to U+0020 (all ASCII controls), nothing else. */
function javaTrim(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && s.charCodeAt(start) <= 0x20) start++;
  while (end > start && s.charCodeAt(end - 1) <= 0x20) end--;
  return s.slice(start, end);
}

/** Java regex `\s*,\s*` (`\s` is ASCII whitespace only in Java). */
const LIST_SEPARATOR = /[ \t\n\v\f\r]*,[ \t\n\v\f\r]*/;
const INTEGER = /^[+-]?\d+$/;
const BOUNDS = { INT: 2n ** 31n, SHORT: 2n ** 15n, LONG: 2n ** 63n } as const;

function jsTypeName(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (value instanceof Password) return 'Password';
  if (typeof value === 'number' || typeof value === 'bigint') return `${typeof value} ${value}`;
  return typeof value;
}

function parseTyped(value: unknown, type: ConfigType): ParsedValue {
  if (value === null) return null;
  const trimmed = typeof value === 'string' ? javaTrim(value) : undefined;
  switch (type) {
    case 'BOOLEAN':
      if (trimmed !== undefined) {
        const lower = trimmed.toLowerCase();
        if (lower === 'true') return true;
        if (lower === 'false') return false;
      } else if (typeof value === 'boolean') {
        return value;
      }
      throw new InvalidValue('Expected value to be either true or false');
    case 'PASSWORD':
      // Kafka trims passwords like every other string.
      if (value instanceof Password) return value;
      if (trimmed !== undefined) return new Password(trimmed);
      throw new InvalidValue(`Expected value to be a string, but it was a ${jsTypeName(value)}`);
    case 'STRING':
      if (trimmed !== undefined) return trimmed;
      throw new InvalidValue(`Expected value to be a string, but it was a ${jsTypeName(value)}`);
    case 'CLASS':
      // Kafka loads the class; a connectd plugin is named, not loaded, here. An empty name can name
      // nothing, and Kafka's message for it is kept.
      if (typeof value === 'string') {
        const className = javaTrim(value);
        if (className === '') throw new InvalidValue(`Class ${value} could not be found.`);
        return className;
      }
      throw new InvalidValue('Expected a Class instance or class name.');
    case 'INT':
    case 'SHORT': {
      const what = type === 'INT' ? 'a 32-bit integer' : 'a 16-bit integer (short)';
      const bound = BOUNDS[type];
      if (typeof value === 'number' && Number.isInteger(value) && BigInt(value) >= -bound && BigInt(value) < bound) return value;
      if (trimmed === undefined) throw new InvalidValue(`Expected value to be ${what}, but it was a ${jsTypeName(value)}`);
      return Number(parseInteger(trimmed, bound, type));
    }
    case 'LONG': {
      let exact: bigint;
      if (trimmed !== undefined) exact = parseInteger(trimmed, BOUNDS.LONG, type);
      else if (typeof value === 'bigint' || (typeof value === 'number' && Number.isInteger(value))) exact = BigInt(value);
      else throw new InvalidValue(`Expected value to be a 64-bit integer (long), but it was a ${jsTypeName(value)}`);
      if (exact < -BOUNDS.LONG || exact >= BOUNDS.LONG)
        throw new InvalidValue(`Expected value to be a 64-bit integer (long), but it was a ${jsTypeName(value)}`);
      return Number.isSafeInteger(Number(exact)) ? Number(exact) : exact;
    }
    case 'DOUBLE':
      if (typeof value === 'number') return value;
      if (typeof value === 'bigint') return Number(value);
      if (trimmed !== undefined) return parseJavaDouble(trimmed);
      throw new InvalidValue(`Expected value to be a double, but it was a ${jsTypeName(value)}`);
    case 'LIST':
      if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return [...value];
      if (trimmed !== undefined) return trimmed === '' ? [] : trimmed.split(LIST_SEPARATOR);
      throw new InvalidValue('Expected a comma separated list.');
  }
}

/**
 * Integer.parseInt / Short.parseShort / Long.parseLong: an optional sign and decimal digits. (Java also
 * accepts non-ASCII Unicode digits; only ASCII ones are accepted here.)
 */
function parseInteger(text: string, bound: bigint, type: ConfigType): bigint {
  if (INTEGER.test(text)) {
    const n = BigInt(text);
    if (n >= -bound && n < bound) return n;
  }
  throw new InvalidValue(`Not a number of type ${type}`);
}

const JAVA_DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?[fFdD]?$/;
const JAVA_SPECIAL = /^[+-]?(?:NaN|Infinity)$/;
const JAVA_HEX = /^([+-]?)0[xX]([0-9a-fA-F]*)\.?([0-9a-fA-F]*)[pP]([+-]?\d+)[fFdD]?$/;

/** Double.parseDouble's grammar (JS's Number() accepts "", "0x10" and "1_0"-free forms Java does not). */
function parseJavaDouble(text: string): number {
  if (JAVA_SPECIAL.test(text)) return Number(text);
  if (JAVA_DECIMAL.test(text)) return Number(text.replace(/[fFdD]$/, ''));
  const hex = JAVA_HEX.exec(text);
  if (hex !== null && `${hex[2]}${hex[3]}` !== '') {
    const [, sign = '', whole = '', fraction = '', exponent = '0'] = hex;
    const mantissa = parseInt(`${whole}${fraction}` || '0', 16);
    return (sign === '-' ? -1 : 1) * mantissa * 2 ** (Number(exponent) - 4 * fraction.length);
  }
  throw new InvalidValue('Not a number of type DOUBLE');
}

// ---------------------------------------------------------------------------------------------
// Values as Java prints them

/** Double.toString: "2.0", "0.001", "1.0E7", "1.0E-4", "NaN", "Infinity". */
function javaDouble(d: number): string {
  if (Number.isNaN(d)) return 'NaN';
  if (d === Infinity) return 'Infinity';
  if (d === -Infinity) return '-Infinity';
  if (d === 0) return Object.is(d, -0) ? '-0.0' : '0.0';
  const abs = Math.abs(d);
  if (abs >= 1e-3 && abs < 1e7) {
    const plain = String(d);
    return plain.includes('.') ? plain : `${plain}.0`;
  }
  const [mantissa = '', exponent = '0'] = d.toExponential().split('e');
  return `${mantissa.includes('.') ? mantissa : `${mantissa}.0`}E${Number(exponent)}`;
}

/** A value as Java's toString() would show it in an "Invalid value …" message. */
function javaString(value: unknown, type?: ConfigType): string {
  if (value === null || value === undefined) return 'null';
  if (value instanceof Password) return Password.HIDDEN;
  if (Array.isArray(value)) return `[${value.map((v) => javaString(v)).join(', ')}]`;
  if (typeof value === 'number') return type === 'DOUBLE' || !Number.isInteger(value) ? javaDouble(value) : String(value);
  if (typeof value === 'string') return value;
  if (typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value) ?? typeof value;
}

/** Kafka's ConfigDef.convertToString. */
function convertToString(value: ParsedValue, type?: ConfigType): string | null {
  if (value === null) return null;
  if (type === 'LIST' && Array.isArray(value)) return value.join(',');
  if (type === 'PASSWORD') return Password.HIDDEN;
  if (type === undefined) return javaString(value);
  if (typeof value === 'number' && type === 'DOUBLE') return javaDouble(value);
  return javaString(value, type);
}

// ---------------------------------------------------------------------------------------------
// Documentation cells (Kafka's headers() and getConfigValue())

const DOC_HEADERS = ['Name', 'Description', 'Type', 'Default', 'Valid Values', 'Importance'] as const;
type DocHeader = (typeof DOC_HEADERS)[number];

function docCell(key: ConfigKey, header: DocHeader): string {
  switch (header) {
    case 'Name':
      return key.name;
    case 'Description':
      return key.documentation;
    case 'Type':
      return key.type.toLowerCase();
    case 'Default': {
      if (key.default === undefined) return '';
      if (key.default === null) return 'null';
      const text = convertToString(key.default, key.type) ?? 'null';
      if (text === '') return '""';
      if (!isNumeric(key.default)) return text;
      if (key.name.endsWith('.bytes')) return text + niceMemoryUnits(toLong(key.default));
      if (key.name.endsWith('.ms')) return text + niceTimeUnits(toLong(key.default));
      return text;
    }
    case 'Valid Values':
      return describeValidator(key.validator);
    case 'Importance':
      return key.importance.toLowerCase();
  }
}

const toLong = (n: number | bigint): bigint => (typeof n === 'bigint' ? n : BigInt(Math.trunc(n)));

function niceMemoryUnits(bytes: bigint): string {
  let value = bytes;
  let i = 0;
  while (value !== 0n && i < 4 && value % 1024n === 0n) {
    value /= 1024n;
    i++;
  }
  const unit = ['', 'kibibyte', 'mebibyte', 'gibibyte', 'tebibyte'][i];
  return i === 0 ? '' : ` (${value} ${unit}${value === 1n ? ')' : 's)'}`;
}

function niceTimeUnits(millis: bigint): string {
  const divisors = [1000n, 60n, 60n, 24n];
  const units = ['second', 'minute', 'hour', 'day'];
  let value = millis;
  let i = 0;
  while (value !== 0n && i < 4 && value % (divisors[i] ?? 1n) === 0n) {
    value /= divisors[i] ?? 1n;
    i++;
  }
  return i === 0 ? '' : ` (${value} ${units[i - 1]}${value > 1n ? 's)' : ')'}`;
}

function rstEntry(key: ConfigKey): string {
  let out = `\`\`${key.name}\`\`\n`;
  for (const line of key.documentation.split('\n')) if (line !== '') out += `  ${line}\n\n`;
  out += `  * Type: ${docCell(key, 'Type')}\n`;
  if (!isRequired(key)) out += `  * Default: ${docCell(key, 'Default')}\n`;
  if (key.validator !== undefined) out += `  * Valid Values: ${docCell(key, 'Valid Values')}\n`;
  return `${out}  * Importance: ${docCell(key, 'Importance')}\n`;
}

function markdownCell(text: string): string {
  return text.replaceAll('|', '\\|').replace(/\r?\n/g, '<br>');
}

// ---------------------------------------------------------------------------------------------
// ParsedConfig (Kafka's AbstractConfig, without the config providers)

/**
 * Typed access to a parsed configuration. Getters throw on a key the ConfigDef did not define.
 * util.inspect and JSON.stringify of a ParsedConfig mask every secret. `originals` holds the props as
 * given, secrets included (connectors hand them on to tasks); util.inspect masks the secrets in it too,
 * but JSON.stringify does not, because originals are data that may be stored or sent.
 */
export class ParsedConfig {
  readonly #values: ReadonlyMap<string, ParsedValue>;
  readonly originals: Readonly<Record<string, string>>;

  constructor(values: ReadonlyMap<string, ParsedValue>, originals: ConfigProps) {
    this.#values = new Map(values);
    const copy: Record<string, string> = {};
    for (const [k, v] of Object.entries(originals)) if (typeof v === 'string') copy[k] = v;
    Object.defineProperty(copy, INSPECT, { value: () => this.#maskedOriginals(), enumerable: false });
    this.originals = Object.freeze(copy);
  }

  get(name: string): ParsedValue {
    if (!this.#values.has(name)) throw new Error(`Unknown configuration '${name}'`);
    return this.#values.get(name) ?? null;
  }
  /** The value as a string; '' for null (Kafka returns null); `[hidden]` for a PASSWORD. */
  getString(name: string): string {
    const v = this.get(name);
    return v === null ? '' : String(v);
  }
  getInt(name: string): number {
    return Number(this.get(name));
  }
  getShort(name: string): number {
    return Number(this.get(name));
  }
  /** A number, or a bigint when the value does not fit a double exactly. */
  getLong(name: string): number | bigint {
    const v = this.get(name);
    return typeof v === 'bigint' ? v : Number(v);
  }
  getDouble(name: string): number {
    return Number(this.get(name));
  }
  getBoolean(name: string): boolean {
    return this.get(name) === true;
  }
  getList(name: string): string[] {
    const v = this.get(name);
    return Array.isArray(v) ? v : [];
  }
  getPassword(name: string): Password | null {
    const v = this.get(name);
    return v instanceof Password ? v : null;
  }
  /** The class name (connectd does not load classes), or null. */
  getClass(name: string): string | null {
    const v = this.get(name);
    return v === null ? null : String(v);
  }

  /** Every defined key's parsed value (secrets stay Password objects). */
  values(): Record<string, ParsedValue> {
    return Object.fromEntries(this.#values);
  }

  /** The props as given whose key starts with `prefix` (and is longer), the prefix removed by default. */
  originalsWithPrefix(prefix: string, strip = true): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(this.originals)) {
      if (k.startsWith(prefix) && k.length > prefix.length) out[strip ? k.slice(prefix.length) : k] = v;
    }
    return out;
  }

  toJSON(): { values: Record<string, ParsedValue>; originals: Record<string, string> } {
    return { values: this.values(), originals: this.#maskedOriginals() };
  }

  [INSPECT](): object {
    return { values: this.values(), originals: this.#maskedOriginals() };
  }

  #maskedOriginals(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(this.originals)) out[k] = this.#values.get(k) instanceof Password ? Password.HIDDEN : v;
    return out;
  }
}
