/**
 * Java's grammar for config values: Kafka's ConfigDef.parseType (strings trimmed as String.trim()
 * does, then read as Integer.parseInt, Double.parseDouble, … would), and values printed back as
 * Java's toString() prints them, which Kafka's messages and REST bodies carry.
 */
import { InvalidValue } from './errors.js';
import { Password } from './types.js';
import type { ConfigType, ParsedValue } from './types.js';

/** Java's String.trim(): every char up to U+0020 (all ASCII controls), nothing else. */
export function javaTrim(s: string): string {
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

export function parseTyped(value: unknown, type: ConfigType): ParsedValue {
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
export function javaString(value: unknown, type?: ConfigType): string {
  if (value === null || value === undefined) return 'null';
  if (value instanceof Password) return Password.HIDDEN;
  if (Array.isArray(value)) return `[${value.map((v) => javaString(v)).join(', ')}]`;
  if (typeof value === 'number') return type === 'DOUBLE' || !Number.isInteger(value) ? javaDouble(value) : String(value);
  if (typeof value === 'string') return value;
  if (typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value) ?? typeof value;
}

/** Kafka's ConfigDef.convertToString. */
export function convertToString(value: ParsedValue, type?: ConfigType): string | null {
  if (value === null) return null;
  if (type === 'LIST' && Array.isArray(value)) return value.join(',');
  if (type === 'PASSWORD') return Password.HIDDEN;
  if (type === undefined) return javaString(value);
  if (typeof value === 'number' && type === 'DOUBLE') return javaDouble(value);
  return javaString(value, type);
}
