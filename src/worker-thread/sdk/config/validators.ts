/**
 * Kafka's ConfigDef.Validator and its implementations (Range, ValidString, ValidList, …), checked
 * against the 4.1.1 source. Unlike Kafka's, a validator reports every violation rather than throwing
 * the first; one that throws a ConfigException is still understood.
 */
import { ConfigException } from './errors.js';
import { Password } from './types.js';
import type { ParsedValue } from './types.js';

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
  /** Every reason `value` (the parsed value of key `name`) is invalid; empty when it is valid. */
  violations(name: string, value: ParsedValue): readonly Violation[];
  /** The "Valid Values" text of the documentation. */
  toString(): string;
}

/** What a ConfigDef key's `validator` takes: a plain function or a {@link ConfigValidator}. */
export type Validator = ValidatorFunction | ConfigValidator;

/** The "Valid Values" text of a validator; a bare function has none. */
export function describeValidator(validator: Validator | undefined): string {
  return validator === undefined || typeof validator === 'function' ? '' : validator.toString();
}

export function violationsOf(validator: Validator | undefined, name: string, value: ParsedValue): Violation[] {
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

export const isNumeric = (value: unknown): value is number | bigint => typeof value === 'number' || typeof value === 'bigint';

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
  /** At least `min`, no upper bound. */
  static atLeast(min: number | bigint): Range {
    return new Range(min, undefined);
  }
  /** From `min` to `max`, both inclusive. */
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
  /** One of `validStrings`. */
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
  /** Every item one of `validStrings`. */
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
  /** One of `validStrings`, ignoring case. */
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
  /** A new instance (Kafka's factory method). */
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

/** Rejects null (a key explicitly set to null in a REST body). */
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
  /** At most `maxSize` items. */
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
  /** `check` validates; `describe` gives the "Valid Values" text. */
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
  /** All of `validators`, in order. */
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
  /** {@link Range.atLeast} */
  atLeast: (min: number | bigint): Range => Range.atLeast(min),
  /** {@link Range.between} */
  between: (min: number | bigint, max: number | bigint): Range => Range.between(min, max),
  /** {@link NonEmptyString} */
  nonEmptyString: (): NonEmptyString => new NonEmptyString(),
  /** {@link NonEmptyStringWithoutControlChars} */
  nonEmptyStringWithoutControlChars: (): NonEmptyStringWithoutControlChars => new NonEmptyStringWithoutControlChars(),
  /** {@link NonNullValidator} */
  nonNull: (): NonNullValidator => new NonNullValidator(),
  /** {@link ValidString.in} */
  validString: (...validStrings: string[]): ValidString => ValidString.in(...validStrings),
  /** {@link CaseInsensitiveValidString.in} */
  caseInsensitiveValidString: (...validStrings: string[]): CaseInsensitiveValidString => CaseInsensitiveValidString.in(...validStrings),
  /** {@link ValidList.in} */
  validList: (...validStrings: string[]): ValidList => ValidList.in(...validStrings),
  /** {@link ListSize.atMostOfSize} */
  listSize: (maxSize: number): ListSize => ListSize.atMostOfSize(maxSize),
  /** {@link CompositeValidator.of} */
  composite: (...validators: Validator[]): CompositeValidator => CompositeValidator.of(...validators),
  /** {@link LambdaValidator.with} */
  lambda: (check: ValidatorFunction, describe: () => string): LambdaValidator => LambdaValidator.with(check, describe),
};
