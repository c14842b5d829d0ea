/**
 * TimestampConverter (`org.apache.kafka.connect.transforms.TimestampConverter$Key` / `$Value`):
 * converts a timestamp field (or the whole key or value, with `field` empty) between a string
 * (`format`, a SimpleDateFormat pattern, UTC), Unix time (an INT64 in `unix.precision`), and the
 * Date, Time and Timestamp logical types.
 *
 * Without a schema the input's type says what it is: a Date is a Timestamp, a bigint (or a number
 * that is a safe integer: connectd's INT64 accepts both) Unix time, a string a formatted timestamp.
 * Unix time out of a JavaScript Date's range (±8.64e15 ms) is refused.
 */
import { DataException } from '../data/errors.js';
import { ConnectDate, Time, Timestamp } from '../data/logical-types.js';
import { LogicalTypeName, Schema, SchemaType } from '../data/schema.js';
import { SchemaBuilder } from '../data/schema-builder.js';
import { Struct } from '../data/struct.js';
import { isBlank } from '../data/values-text.js';
import { ConfigDef, ValidString } from '../sdk/config-def.js';
import type { ConnectRecord, Transformation } from './transformation.js';
import { MILLIS_PER_DAY } from './util/calendar.js';
import { configProblem, defineReplaceNullWithDefault, REPLACE_NULL_WITH_DEFAULT, simpleConfig } from './util/config.js';
import { copyMap, mapGet, mapSet } from './util/map-value.js';
import { KEY, VALUE } from './util/record-part.js';
import type { RecordPart } from './util/record-part.js';
import { requireMap, requireStructOrNull, typeName } from './util/requirements.js';
import { copySchemaBasics, fieldValue, SchemaCache } from './util/schema-util.js';
import { DateParseError, IllegalPatternError, SimpleDateFormat } from './util/simple-date-format.js';

const PURPOSE = 'converting timestamp formats';

type TimestampType = 'string' | 'unix' | 'Date' | 'Time' | 'Timestamp';
type UnixPrecision = 'seconds' | 'milliseconds' | 'microseconds' | 'nanoseconds';

const OPTIONAL_DATE_SCHEMA = ConnectDate.builder().optional().build();
const OPTIONAL_TIME_SCHEMA = Time.builder().optional().build();
const OPTIONAL_TIMESTAMP_SCHEMA = Timestamp.builder().optional().build();

const CONFIG_DEF = defineReplaceNullWithDefault(
  new ConfigDef()
    .define({
      name: 'field',
      type: 'STRING',
      default: '',
      importance: 'HIGH',
      documentation: 'The field containing the timestamp, or empty if the entire value is a timestamp',
    })
    .define({
      name: 'target.type',
      type: 'STRING',
      validator: ValidString.in('string', 'unix', 'Date', 'Time', 'Timestamp'),
      importance: 'HIGH',
      documentation: 'The desired timestamp representation: string, unix, Date, Time, or Timestamp',
    })
    .define({
      name: 'format',
      type: 'STRING',
      default: '',
      importance: 'MEDIUM',
      documentation:
        'A SimpleDateFormat-compatible format for the timestamp. Used to generate the output when type=string ' +
        'or used to parse the input if the input is a string.',
    })
    .define({
      name: 'unix.precision',
      type: 'STRING',
      default: 'milliseconds',
      validator: ValidString.in('nanoseconds', 'microseconds', 'milliseconds', 'seconds'),
      importance: 'LOW',
      documentation:
        'The desired Unix precision for the timestamp: seconds, milliseconds, microseconds, or nanoseconds. ' +
        'Used to generate the output when type=unix or used to parse the input if the input is a Long.' +
        'Note: This SMT will cause precision loss during conversions from, and to, values with sub-millisecond components.',
    }),
);

const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;
/** TimeUnit's conversions saturate at the long range. */
const saturatingMultiply = (value: bigint, factor: bigint): bigint => {
  const product = value * factor;
  return product > LONG_MAX ? LONG_MAX : product < LONG_MIN ? LONG_MIN : product;
};

function typeSchema(type: TimestampType, optional: boolean): Schema {
  switch (type) {
    case 'string':
      return optional ? Schema.OPTIONAL_STRING_SCHEMA : Schema.STRING_SCHEMA;
    case 'unix':
      return optional ? Schema.OPTIONAL_INT64_SCHEMA : Schema.INT64_SCHEMA;
    case 'Date':
      return optional ? OPTIONAL_DATE_SCHEMA : ConnectDate.SCHEMA;
    case 'Time':
      return optional ? OPTIONAL_TIME_SCHEMA : Time.SCHEMA;
    case 'Timestamp':
      return optional ? OPTIONAL_TIMESTAMP_SCHEMA : Timestamp.SCHEMA;
  }
}

/** The format of a timestamp of this schema (Kafka's timestampTypeFromSchema). */
function timestampTypeFromSchema(schema: Schema): TimestampType {
  if (schema.name === LogicalTypeName.TIMESTAMP) return 'Timestamp';
  if (schema.name === LogicalTypeName.DATE) return 'Date';
  if (schema.name === LogicalTypeName.TIME) return 'Time';
  if (schema.type === SchemaType.STRING) return 'string';
  if (schema.type === SchemaType.INT64) return 'unix';
  throw new DataException(`Schema ${String(schema)} does not correspond to a known timestamp type format`);
}

/** The format of a schemaless timestamp (Kafka's inferTimestampType). */
function inferTimestampType(timestamp: unknown): TimestampType {
  if (timestamp instanceof Date) return 'Timestamp';
  if (typeof timestamp === 'bigint' || Number.isSafeInteger(timestamp)) return 'unix';
  if (typeof timestamp === 'string') return 'string';
  throw new DataException(`TimestampConverter does not support ${typeName(timestamp)} objects as timestamps`);
}

export abstract class TimestampConverter implements Transformation {
  static readonly OVERVIEW_DOC =
    'Convert timestamps between different formats such as Unix epoch, strings, and Connect Date/Timestamp types.' +
    'Applies to individual fields or to the entire value.' +
    '<p/>Use the concrete transformation type designed for the record key (<code>org.apache.kafka.connect.transforms.TimestampConverter$Key</code>) ' +
    'or value (<code>org.apache.kafka.connect.transforms.TimestampConverter$Value</code>).';
  static readonly CONFIG_DEF = CONFIG_DEF;
  static readonly Key = class Key extends TimestampConverter {
    constructor() {
      super(KEY);
    }
  };
  static readonly Value = class Value extends TimestampConverter {
    constructor() {
      super(VALUE);
    }
  };

  readonly #part: RecordPart;
  #field = '';
  #type: TimestampType = 'Timestamp';
  #format: SimpleDateFormat | null = null;
  #unixPrecision: UnixPrecision = 'milliseconds';
  #replaceNullWithDefault = true;
  readonly #schemaCache = new SchemaCache();

  protected constructor(part: RecordPart) {
    this.#part = part;
  }

  configure(configs: Readonly<Record<string, string>>): void {
    const config = simpleConfig(CONFIG_DEF, configs);
    this.#field = config.getString('field');
    this.#type = config.getString('target.type') as TimestampType;
    const pattern = config.getString('format');
    this.#unixPrecision = config.getString('unix.precision') as UnixPrecision;
    this.#replaceNullWithDefault = config.getBoolean(REPLACE_NULL_WITH_DEFAULT);
    if (this.#type === 'string' && isBlank(pattern)) {
      throw configProblem('TimestampConverter requires format option to be specified when using string timestamps', 'format', pattern);
    }
    this.#format = null;
    if (!isBlank(pattern)) {
      try {
        this.#format = new SimpleDateFormat(pattern);
      } catch (err) {
        if (!(err instanceof IllegalPatternError)) throw err;
        throw configProblem(
          `TimestampConverter requires a SimpleDateFormat-compatible pattern for string timestamps: ${pattern} (${err.message})`,
          'format',
          pattern,
        );
      }
    }
  }

  apply<R extends ConnectRecord>(record: R): R {
    const schema = this.#part.schema(record);
    return schema === null ? this.#applySchemaless(record) : this.#applyWithSchema(record, schema);
  }

  #applyWithSchema<R extends ConnectRecord>(record: R, schema: Schema): R {
    const value = this.#part.value(record);
    if (this.#field === '') {
      return this.#part.with(record, typeSchema(this.#type, schema.isOptional), this.#convert(value, timestampTypeFromSchema(schema)));
    }
    const struct = requireStructOrNull(value, PURPOSE);
    const updatedSchema = this.#schemaCache.getOrBuild(schema, (s) => this.#updatedSchema(s));
    return this.#part.with(record, updatedSchema, this.#convertStruct(struct, updatedSchema));
  }

  #updatedSchema(schema: Schema): Schema {
    const builder = copySchemaBasics(schema, SchemaBuilder.struct());
    for (const field of schema.fields()) {
      builder.field(field.name, field.name === this.#field ? typeSchema(this.#type, field.schema.isOptional) : field.schema);
    }
    if (schema.isOptional) builder.optional();
    if (schema.defaultValue !== null) builder.defaultValue(this.#convertStruct(schema.defaultValue as Struct, builder.build()));
    return builder.build();
  }

  #convertStruct(struct: Struct | null, updatedSchema: Schema): Struct | null {
    if (struct === null) return null;
    const updated = new Struct(updatedSchema);
    for (const field of struct.schema.fields()) {
      const original = fieldValue(struct, field, this.#replaceNullWithDefault);
      updated.put(field.name, field.name === this.#field ? this.#convert(original, timestampTypeFromSchema(field.schema)) : original);
    }
    return updated;
  }

  #applySchemaless<R extends ConnectRecord>(record: R): R {
    const raw = this.#part.value(record);
    if (raw === null || raw === undefined || this.#field === '') return this.#part.with(record, null, this.#convert(raw));
    const map = requireMap(raw, PURPOSE);
    const updated = copyMap(map);
    mapSet(updated, this.#field, this.#convert(mapGet(map, this.#field)));
    return this.#part.with(record, null, updated);
  }

  /** Kafka's convertTimestamp: the timestamp in the target type; `from` is inferred when absent. */
  #convert(timestamp: unknown, from?: TimestampType): unknown {
    if (timestamp === null || timestamp === undefined) return null;
    return this.#toType(this.#toRaw(timestamp, from ?? inferTimestampType(timestamp)));
  }

  #toRaw(timestamp: unknown, from: TimestampType): Date {
    switch (from) {
      case 'string': {
        if (typeof timestamp !== 'string')
          throw new DataException(`Expected string timestamp to be a String, but found ${typeName(timestamp)}`);
        const format = this.#format;
        if (format === null) throw new DataException(`Could not parse timestamp: value (${timestamp}) does not match pattern ()`);
        try {
          return format.parse(timestamp);
        } catch (err) {
          if (!(err instanceof DateParseError)) throw err;
          throw new DataException(`Could not parse timestamp: value (${timestamp}) does not match pattern (${format.toPattern()})`, {
            cause: err,
          });
        }
      }
      case 'unix': {
        if (typeof timestamp !== 'bigint' && !Number.isSafeInteger(timestamp)) {
          throw new DataException(`Expected Unix timestamp to be a Long, but found ${typeName(timestamp)}`);
        }
        const unixTime = BigInt(timestamp as number | bigint);
        switch (this.#unixPrecision) {
          case 'seconds':
            return Timestamp.toLogical(Timestamp.SCHEMA, saturatingMultiply(unixTime, 1000n));
          case 'microseconds':
            return Timestamp.toLogical(Timestamp.SCHEMA, unixTime / 1000n);
          case 'nanoseconds':
            return Timestamp.toLogical(Timestamp.SCHEMA, unixTime / 1_000_000n);
          default:
            return Timestamp.toLogical(Timestamp.SCHEMA, unixTime);
        }
      }
      default:
        if (!(timestamp instanceof Date))
          throw new DataException(`Expected ${from} to be a java.util.Date, but found ${typeName(timestamp)}`);
        return timestamp;
    }
  }

  #toType(raw: Date): unknown {
    const millis = raw.getTime();
    switch (this.#type) {
      case 'string':
        return this.#format!.format(raw);
      case 'unix': {
        const unixMillis = BigInt(millis);
        switch (this.#unixPrecision) {
          case 'seconds':
            return unixMillis / 1000n;
          case 'microseconds':
            return saturatingMultiply(unixMillis, 1000n);
          case 'nanoseconds':
            return saturatingMultiply(unixMillis, 1_000_000n);
          default:
            return unixMillis;
        }
      }
      case 'Date':
        return new Date(Math.floor(millis / MILLIS_PER_DAY) * MILLIS_PER_DAY);
      case 'Time':
        return new Date(millis - Math.floor(millis / MILLIS_PER_DAY) * MILLIS_PER_DAY);
      case 'Timestamp':
        return raw;
    }
  }

  config(): ConfigDef {
    return CONFIG_DEF;
  }

  close(): void {}
}
