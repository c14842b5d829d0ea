/**
 * Kafka Connect's `org.apache.kafka.connect.data.Values`, the part SimpleHeaderConverter needs:
 * `convertToString` (how a header value is written) and `parseString` (how a header's text is read
 * back, inferring a schema), with the conversions parseString relies on to give a list or map one
 * element schema. Ported from Kafka 4.1.1 and checked against it by
 * test/fixtures/vectors/simple-header-converter.json, quirks included:
 *
 * - `42` is an INT8, `300` an INT16, `1.5` a FLOAT32 (the smallest type that holds it), `1.0` an INT8;
 *   an integer beyond 64 bits is a Decimal; `true`/`false` are booleans (`TRUE` is a string);
 * - `[1,2]` is an ARRAY, `{"a":1}` a MAP; when an element does not fit the common schema (`["a",null]`)
 *   the whole text is a STRING; anything after a complete top-level array or map is ignored;
 * - `2024-01-15`, `12:34:56.789Z`, `2024-01-15T12:34:56.789Z` are Date, Time, Timestamp (UTC, see
 *   values-text.ts);
 * - `null` reads as no value (Kafka returns a null SchemaAndValue there; this returns null too).
 *
 * Not ported: `inferSchema`, the public `convertTo*` entry points and SchemaProjector-style uses;
 * digits other than ASCII 0-9 (Java's Character.isDigit accepts every Unicode digit).
 */
import { BigDecimal } from './big-decimal.js';
import { DataException } from './errors.js';
import { isPlainObject, mapEntries } from './equality.js';
import { decimalToFloat32, decimalToIntN, decimalToLong, doubleToLong, javaDoubleToString, javaFloatToString } from './java-numbers.js';
import { ConnectDate, Decimal, Time, Timestamp } from './logical-types.js';
import { ConnectSchema, LogicalTypeName, Schema, SchemaAndValue, SchemaType } from './schema.js';
import { SchemaBuilder } from './schema-builder.js';
import { Struct } from './struct.js';
import { formatTemporal, isBlank, javaTrim, parseTemporal, temporalKindOfLength } from './values-text.js';
import { Tokenizer } from './values-tokenizer.js';

const TRUE = new SchemaAndValue(Schema.BOOLEAN_SCHEMA, true);
const FALSE = new SchemaAndValue(Schema.BOOLEAN_SCHEMA, false);
const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;
const BIGGER_THAN_LONG = 10n ** 19n;

/** The text Kafka writes for a value (Values.convertToString); null for null. The schema says whether a number is a float. */
export function convertToString(schema: Schema | null, value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return append(schema, value, false);
}

/** The schema and value a text reads as (Values.parseString); null for the text `null`. */
export function parseString(value: string): SchemaAndValue | null {
  if (value === '') return new SchemaAndValue(Schema.STRING_SCHEMA, value);
  return new ValueParser(new Tokenizer(value)).parse(false);
}

function append(schema: Schema | null, value: unknown, embedded: boolean): string {
  if (value === null || value === undefined) return 'null';
  switch (typeof value) {
    case 'number':
      if (schema?.type === SchemaType.FLOAT32) return javaFloatToString(value);
      if (schema?.type === SchemaType.FLOAT64 || !Number.isSafeInteger(value)) return javaDoubleToString(value);
      return String(value);
    case 'bigint':
    case 'boolean':
      return String(value);
    case 'string':
      return embedded ? `"${escape(value)}"` : value;
    default:
      break;
  }
  if (value instanceof BigDecimal) return value.toString();
  if (value instanceof Uint8Array) {
    const base64 = Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
    return embedded ? `"${base64}"` : base64;
  }
  if (Array.isArray(value)) return `[${value.map((v) => append(schema?.valueSchema ?? null, v, true)).join(',')}]`;
  if (value instanceof Struct) {
    return `{${value.schema
      .fields()
      .map((f) => `${append(null, f.name, true)}:${append(f.schema, value.get(f), true)}`)
      .join(',')}}`;
  }
  if (value instanceof Date) return formatTemporal(value);
  const entries = mapEntries(value);
  if (entries !== undefined) {
    const k = schema?.keySchema ?? null;
    const v = schema?.valueSchema ?? null;
    return `{${entries.map(([key, val]) => `${append(k, key, true)}:${append(v, val, true)}`).join(',')}}`;
  }
  throw new DataException(`Failed to serialize unexpected value type ${Object.prototype.toString.call(value)}`);
}

function escape(value: string): string {
  return value.replaceAll('\\', '\\\\').replaceAll('"', '\\"');
}

// ---- Values.convertTo and the conversions it dispatches to, as parseString uses them (no "from" schema).

function convertTo(toSchema: Schema, value: unknown): unknown {
  if (value === null || value === undefined) {
    if (toSchema.isOptional) return null;
    throw new DataException('Unable to convert a null value to a schema that requires a value');
  }
  switch (toSchema.type) {
    case SchemaType.BYTES:
      return toSchema.name === LogicalTypeName.DECIMAL ? convertToDecimal(toSchema, value) : convertToBytes(toSchema, value);
    case SchemaType.STRING:
      return append(null, value, false);
    case SchemaType.BOOLEAN:
      return convertToBoolean(value);
    case SchemaType.INT8:
      return Number(BigInt.asIntN(8, asLong(value)));
    case SchemaType.INT16:
      return Number(BigInt.asIntN(16, asLong(value)));
    case SchemaType.INT32:
      if (toSchema.name === LogicalTypeName.DATE)
        return convertToTemporal(value, (n) => ConnectDate.toLogical(toSchema, Number(BigInt.asIntN(32, n))));
      if (toSchema.name === LogicalTypeName.TIME)
        return convertToTemporal(value, (n) => Time.toLogical(toSchema, Number(BigInt.asIntN(32, n))));
      return Number(BigInt.asIntN(32, asLong(value)));
    case SchemaType.INT64:
      if (toSchema.name === LogicalTypeName.TIMESTAMP) return convertToTemporal(value, (n) => Timestamp.toLogical(toSchema, n));
      return asLong(value);
    case SchemaType.FLOAT32:
      return Math.fround(asDouble(value));
    case SchemaType.FLOAT64:
      return asDouble(value);
    case SchemaType.ARRAY:
      return convertToContainer(toSchema, value, (v) => Array.isArray(v));
    case SchemaType.MAP:
      return convertToContainer(toSchema, value, (v) => v instanceof Map || isPlainObject(v));
    case SchemaType.STRUCT:
      if (value instanceof Struct) return value;
      throw unableToConvert(value, toSchema);
  }
}

function unableToConvert(value: unknown, toSchema: Schema | null): DataException {
  return new DataException(`Unable to convert ${String(value)} to ${toSchema === null ? 'a number' : String(toSchema)}`);
}

function convertToBoolean(value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') {
    const parsed = parseString(value);
    if (typeof parsed?.value === 'boolean') return parsed.value;
  }
  return asLong(value) !== 0n;
}

function convertToDecimal(toSchema: Schema, value: unknown): BigDecimal {
  if (value instanceof Uint8Array) return Decimal.toLogical(toSchema, value);
  if (value instanceof BigDecimal) return value;
  if (typeof value === 'number' || typeof value === 'bigint') return BigDecimal.parse(javaDoubleToString(Number(value)));
  if (typeof value === 'string') return BigDecimal.parse(value);
  throw unableToConvert(value, toSchema);
}

function convertToBytes(toSchema: Schema, value: unknown): Uint8Array {
  if (value instanceof Uint8Array) return value;
  if (value instanceof BigDecimal) return Decimal.fromLogical(toSchema, value);
  throw unableToConvert(value, toSchema);
}

/** Values.convertToDate/Time/Timestamp without a "from" schema: a Date stays, a text is parsed, a number is the logical type's number. */
function convertToTemporal(value: unknown, fromNumber: (n: bigint) => Date): Date {
  const v = typeof value === 'string' ? parseString(value)?.value : value;
  if (v instanceof Date) return v;
  return fromNumber(asLong(v));
}

function convertToContainer(toSchema: Schema, value: unknown, accepts: (v: unknown) => boolean): unknown {
  const v = typeof value === 'string' ? parseString(value)?.value : value;
  if (accepts(v)) return v;
  throw unableToConvert(value, toSchema);
}

/** Values.asLong: a Java Number's longValue(), or a text's. */
function asLong(value: unknown): bigint {
  if (typeof value === 'bigint') return BigInt.asIntN(64, value);
  if (typeof value === 'number') return doubleToLong(value);
  if (value instanceof BigDecimal) return decimalToLong(value);
  if (typeof value === 'string') {
    const parsed = BigDecimal.tryParse(value);
    if (parsed !== undefined) return decimalToLong(parsed);
  }
  throw unableToConvert(value, null);
}

/** Values.asDouble. */
function asDouble(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof BigDecimal) return value.toNumber();
  if (typeof value === 'string') {
    const parsed = BigDecimal.tryParse(value);
    if (parsed !== undefined) return parsed.toNumber();
  }
  return Number(asLong(value));
}

// ---- Values.ValueParser

class ValueParser {
  constructor(private readonly parser: Tokenizer) {}

  #canParseSingleTokenLiteral(embedded: boolean, literal: string): boolean {
    const start = this.parser.mark();
    // A literal stands alone at the top level: "true}" is the string "true}", not true.
    if (this.parser.canConsume(literal) && (embedded || !this.parser.hasNext())) return true;
    this.parser.rewindTo(start);
    return false;
  }

  parse(embedded: boolean): SchemaAndValue | null {
    const parser = this.parser;
    if (!parser.hasNext()) return null;
    if (embedded && parser.canConsume('"')) return this.#parseQuotedString();
    if (this.#canParseSingleTokenLiteral(embedded, 'null')) return null;
    if (this.#canParseSingleTokenLiteral(embedded, 'true')) return TRUE;
    if (this.#canParseSingleTokenLiteral(embedded, 'false')) return FALSE;

    const start = parser.mark();
    try {
      if (parser.canConsume('[')) return this.#parseArray();
      if (parser.canConsume('{')) return this.#parseMap();
    } catch (err) {
      if (!(err instanceof DataException)) throw err;
      // Not a well-formed array or map: read it as a string.
      parser.rewindTo(start);
    }
    const token = parser.next();
    if (isBlank(token)) return new SchemaAndValue(Schema.STRING_SCHEMA, token);
    return this.#parseNextToken(embedded, javaTrim(token));
  }

  #parseNextToken(embedded: boolean, token: string): SchemaAndValue {
    const first = token.charCodeAt(0);
    const firstIsDigit = first >= 0x30 && first <= 0x39;
    // Temporal types are more restrictive, so try them first.
    if (firstIsDigit) {
      const temporal = this.#parseMultipleTokensAsTemporal(token);
      if (temporal !== null) return temporal;
    }
    if (firstIsDigit || first === 0x2b /* + */ || first === 0x2d /* - */) {
      const number = parseAsNumber(token);
      if (number !== null) return number;
    }
    if (embedded) throw new DataException('Failed to parse embedded value');
    return new SchemaAndValue(Schema.STRING_SCHEMA, this.parser.original);
  }

  #parseQuotedString(): SchemaAndValue {
    let content = '';
    while (this.parser.hasNext()) {
      if (this.parser.canConsume('"')) break;
      content += this.parser.next();
    }
    return parseAsTemporal(content) ?? new SchemaAndValue(Schema.STRING_SCHEMA, content);
  }

  #parseArray(): SchemaAndValue {
    const parser = this.parser;
    let result: unknown[] = [];
    const elementSchema = new SchemaMerger();
    while (parser.hasNext()) {
      if (parser.canConsume(']')) {
        const common = elementSchema.schema();
        if (common !== null) {
          const listSchema = SchemaBuilder.array(common).build();
          result = result.map((v) => convertTo(common, v));
          return new SchemaAndValue(listSchema, result);
        }
        // Every element is null, or the elements have no common schema.
        return new SchemaAndValue(new ConnectSchema({ type: SchemaType.ARRAY }), result);
      }
      if (parser.canConsume(',')) throw new DataException(`Unable to parse an empty array element: ${parser.original}`);
      const element = this.parse(true);
      elementSchema.merge(element);
      result.push(element !== null ? element.value : null);
      const current = parser.mark();
      if (parser.canConsume(']')) parser.rewindTo(current);
      else if (!parser.canConsume(',')) throw new DataException("Array elements missing ',' delimiter");
    }
    if (parser.previous() === ',') throw new DataException(`Array is missing element after ',': ${parser.original}`);
    throw new DataException(`Array is missing terminating ']': ${parser.original}`);
  }

  #parseMap(): SchemaAndValue {
    const parser = this.parser;
    let result = new Map<unknown, unknown>();
    const keySchema = new SchemaMerger();
    const valueSchema = new SchemaMerger();
    while (parser.hasNext()) {
      if (parser.canConsume('}')) {
        const keys = keySchema.schema();
        const values = valueSchema.schema();
        if (keys !== null && values !== null) {
          result = new Map([...result].map(([k, v]) => [convertTo(keys, k), convertTo(values, v)]));
          return new SchemaAndValue(SchemaBuilder.map(keys, values).build(), result);
        }
        if (keys !== null) {
          result = new Map([...result].map(([k, v]) => [convertTo(keys, k), v]));
          return new SchemaAndValue(new ConnectSchema({ type: SchemaType.MAP, keySchema: keys }), result);
        }
        return new SchemaAndValue(new ConnectSchema({ type: SchemaType.MAP }), result);
      }
      if (parser.canConsume(',')) throw new DataException(`Unable to parse a map entry with no key or value: ${parser.original}`);
      const key = this.parse(true);
      if (key === null || key.value === null) throw new DataException(`Map entry may not have a null key: ${parser.original}`);
      if (!parser.canConsume(':')) throw new DataException(`Map entry is missing ':' at ${parser.position()} in ${parser.original}`);
      const value = this.parse(true);
      result.set(key.value, value !== null ? value.value : null);
      parser.canConsume(',');
      keySchema.merge(key);
      valueSchema.merge(value);
    }
    if (parser.previous() === ',') throw new DataException(`Map is missing element after ',': ${parser.original}`);
    throw new DataException(`Map is missing terminating '}': ${parser.original}`);
  }

  #parseMultipleTokensAsTemporal(token: string): SchemaAndValue | null {
    // A time or timestamp is split into 5 tokens by its unescaped colons; its first is a number.
    const position = this.parser.mark();
    const remainder = this.parser.nextTokens(4);
    if (remainder !== null) {
      const temporal = parseAsTemporal(token + remainder);
      if (temporal !== null) return temporal;
    }
    this.parser.rewindTo(position);
    return parseAsTemporal(token);
  }
}

function parseAsTemporal(text: string): SchemaAndValue | null {
  const token = text.replaceAll('\\:', ':');
  const kind = temporalKindOfLength(token.length);
  if (kind === undefined) return null;
  const date = parseTemporal(token, kind);
  if (date === undefined) return null;
  return new SchemaAndValue(kind === 'date' ? ConnectDate.SCHEMA : kind === 'time' ? Time.SCHEMA : Timestamp.SCHEMA, date);
}

/** The smallest integer type that holds the number exactly, else FLOAT32, FLOAT64 or a Decimal; null when it is not a number. */
function parseAsNumber(token: string): SchemaAndValue | null {
  const decimal = BigDecimal.tryParse(token);
  if (decimal === undefined) return null;
  const exact = parseAsExactInteger(decimal);
  if (exact !== null) return exact;
  if (decimal.scale !== 0) {
    // BigDecimal.floatValue(): rounded once from the exact decimal, not through a double.
    const f = decimalToFloat32(decimal.toString());
    if (Number.isFinite(f)) return new SchemaAndValue(Schema.FLOAT32_SCHEMA, f);
    const d = decimal.toNumber();
    if (Number.isFinite(d)) return new SchemaAndValue(Schema.FLOAT64_SCHEMA, d);
  }
  return new SchemaAndValue(Decimal.schema(decimal.scale), decimal);
}

function parseAsExactInteger(decimal: BigDecimal): SchemaAndValue | null {
  const unscaledAbs = decimal.unscaled < 0n ? -decimal.unscaled : decimal.unscaled;
  const abs = new BigDecimal(unscaledAbs, decimal.scale);
  if (abs.compareTo(new BigDecimal(BIGGER_THAN_LONG, 0)) > 0) return null;
  if (unscaledAbs !== 0n && abs.compareTo(new BigDecimal(1n, 0)) < 0) return null;
  if (!isWholeNumber(decimal)) return null;
  const integral = decimalToIntN(decimal, 128);
  if (integral < LONG_MIN || integral > LONG_MAX) return null;
  if (integral === BigInt.asIntN(8, integral)) return new SchemaAndValue(Schema.INT8_SCHEMA, Number(integral));
  if (integral === BigInt.asIntN(16, integral)) return new SchemaAndValue(Schema.INT16_SCHEMA, Number(integral));
  if (integral === BigInt.asIntN(32, integral)) return new SchemaAndValue(Schema.INT32_SCHEMA, Number(integral));
  return new SchemaAndValue(Schema.INT64_SCHEMA, integral);
}

function isWholeNumber(d: BigDecimal): boolean {
  if (d.unscaled === 0n || d.scale <= 0) return true;
  return d.unscaled % 10n ** BigInt(d.scale) === 0n;
}

// ---- Values.SchemaMerger: the common schema of a list's elements or a map's keys or values.

class SchemaMerger {
  #common: Schema | null = null;
  #compatible = true;

  merge(latest: SchemaAndValue | null): void {
    if (latest === null || latest.schema === null || !this.#compatible) return;
    if (this.#common === null) {
      this.#common = latest.schema;
    } else {
      this.#common = mergeSchemas(this.#common, latest.schema);
      this.#compatible = this.#common !== null;
    }
  }

  /** The common schema, or null when there is none. */
  schema(): Schema | null {
    return this.#common;
  }
}

const WIDENING: Readonly<Partial<Record<SchemaType, readonly SchemaType[]>>> = {
  // For each type, the types it widens to; any narrower numeric type merges into it.
  INT8: ['INT16', 'INT32', 'INT64', 'FLOAT32', 'FLOAT64'],
  INT16: ['INT32', 'INT64', 'FLOAT32', 'FLOAT64'],
  INT32: ['INT64', 'FLOAT32', 'FLOAT64'],
  INT64: ['FLOAT32', 'FLOAT64'],
  FLOAT32: ['FLOAT64'],
  FLOAT64: [],
};

function mergeSchemas(previous: Schema, next: Schema): Schema | null {
  if (previous.type !== next.type) {
    const widensTo = WIDENING[previous.type];
    if (widensTo === undefined) return null;
    if (widensTo.includes(next.type)) return next;
    if (WIDENING[next.type]?.includes(previous.type)) return previous;
    return null;
  }
  if (previous.isOptional === next.isOptional) return previous.isOptional ? previous : next;
  return previous.equals(next) ? previous : null;
}
