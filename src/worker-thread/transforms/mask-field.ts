/**
 * MaskField (`org.apache.kafka.connect.transforms.MaskField$Key` / `$Value`): replaces the values of
 * some fields with the empty value of their type (0, false, "", an empty list or map, the epoch for
 * dates) or with `replacement` converted to the field's type (numbers and strings only).
 *
 * Kafka picks the empty value by the value's Java class. Here the field's schema says it; without a
 * schema the JavaScript type does: a bigint is an INT64, a number an INT32 when it is an integer in
 * range and a FLOAT64 otherwise, a BigDecimal a Decimal. As in Kafka, a masked field missing from a
 * schemaless map is added with a null value, and a null key or value is refused (the transform
 * does not skip tombstones).
 */
import { BigDecimal } from '../data/big-decimal.js';
import { DataException } from '../data/errors.js';
import { isPlainObject } from '../data/equality.js';
import { decimalToIntN, decimalToLong } from '../data/java-numbers.js';
import { LogicalTypeName, SchemaType } from '../data/schema.js';
import type { Schema } from '../data/schema.js';
import { Struct } from '../data/struct.js';
import { ConfigDef, NonEmptyString } from '../sdk/config-def.js';
import type { ConnectRecord, Transformation } from './transformation.js';
import { defineReplaceNullWithDefault, NON_EMPTY_LIST, REPLACE_NULL_WITH_DEFAULT, simpleConfig } from './util/config.js';
import { copyMap, mapGet, mapSet } from './util/map-value.js';
import { KEY, VALUE } from './util/record-part.js';
import type { RecordPart } from './util/record-part.js';
import { requireMap, requireStruct, typeName } from './util/requirements.js';
import { fieldValue } from './util/schema-util.js';

const PURPOSE = 'mask fields';

const CONFIG_DEF = defineReplaceNullWithDefault(
  new ConfigDef()
    .define({ name: 'fields', type: 'LIST', validator: NON_EMPTY_LIST, importance: 'HIGH', documentation: 'Names of fields to mask.' })
    .define({
      name: 'replacement',
      type: 'STRING',
      default: null,
      validator: new NonEmptyString(),
      importance: 'LOW',
      documentation: "Custom value replacement, that will be applied to all 'fields' values (numeric or non-empty string values only).",
    }),
);

/** The Java class Kafka would see for a value: what decides its empty value and how a replacement converts. */
type JavaKind =
  'Boolean' | 'Byte' | 'Short' | 'Integer' | 'Long' | 'Float' | 'Double' | 'BigDecimal' | 'Date' | 'String' | 'List' | 'Map' | 'Other';

const INT_KINDS: Partial<Record<SchemaType, JavaKind>> = {
  INT8: 'Byte',
  INT16: 'Short',
  INT32: 'Integer',
  INT64: 'Long',
  FLOAT32: 'Float',
  FLOAT64: 'Double',
  BOOLEAN: 'Boolean',
  STRING: 'String',
  ARRAY: 'List',
  MAP: 'Map',
};

function kindOf(schema: Schema | null, value: unknown): JavaKind {
  if (schema !== null) {
    if (schema.name === LogicalTypeName.DECIMAL) return 'BigDecimal';
    if (schema.name === LogicalTypeName.DATE || schema.name === LogicalTypeName.TIME || schema.name === LogicalTypeName.TIMESTAMP)
      return 'Date';
    return INT_KINDS[schema.type] ?? 'Other';
  }
  switch (typeof value) {
    case 'boolean':
      return 'Boolean';
    case 'bigint':
      return 'Long';
    case 'number':
      return Number.isInteger(value) && value >= -2147483648 && value <= 2147483647 ? 'Integer' : 'Double';
    case 'string':
      return 'String';
    default:
      break;
  }
  if (value instanceof BigDecimal) return 'BigDecimal';
  if (value instanceof Date) return 'Date';
  if (Array.isArray(value)) return 'List';
  if (value instanceof Map || isPlainObject(value)) return 'Map';
  return 'Other';
}

function emptyValue(kind: JavaKind, value: unknown): unknown {
  switch (kind) {
    case 'Boolean':
      return false;
    case 'Byte':
    case 'Short':
    case 'Integer':
    case 'Float':
    case 'Double':
      return 0;
    case 'Long':
      return 0n;
    case 'BigDecimal':
      return new BigDecimal(0n, 0);
    case 'Date':
      return new Date(0);
    case 'String':
      return '';
    case 'List':
      return [];
    case 'Map':
      return value instanceof Map ? new Map() : {};
    case 'Other':
      throw new DataException(`Cannot mask value of type: ${typeName(value)}`);
  }
}

/** Values.convertToX(null, replacement) for a number kind: Java's `new BigDecimal(text)`, narrowed. */
function numberFromText(kind: JavaKind, text: string): number | bigint {
  const decimal = BigDecimal.tryParse(text);
  if (decimal === undefined) throw new DataException(`Unable to convert ${text} (string) to a number`);
  switch (kind) {
    case 'Byte':
      return Number(decimalToIntN(decimal, 8));
    case 'Short':
      return Number(decimalToIntN(decimal, 16));
    case 'Integer':
      return Number(decimalToIntN(decimal, 32));
    case 'Long':
      return decimalToLong(decimal);
    case 'Float':
      return Math.fround(decimal.toNumber());
    default:
      return decimal.toNumber();
  }
}

function replacementValue(kind: JavaKind, value: unknown, replacement: string): unknown {
  switch (kind) {
    case 'Byte':
    case 'Short':
    case 'Integer':
    case 'Long':
    case 'Float':
    case 'Double':
      return numberFromText(kind, replacement);
    case 'String':
      return replacement;
    case 'BigDecimal': {
      const decimal = BigDecimal.tryParse(replacement);
      if (decimal === undefined) throw new DataException(`Unable to convert ${replacement} (string) to number`);
      return decimal;
    }
    default:
      throw new DataException(`Cannot mask value of type ${typeName(value)} with custom replacement.`);
  }
}

export abstract class MaskField implements Transformation {
  static readonly OVERVIEW_DOC =
    'Mask specified fields with a valid null value for the field type (i.e. 0, false, empty string, and so on).' +
    '<p/>For numeric and string fields, an optional replacement value can be specified that is converted to the correct type.' +
    '<p/>Use the concrete transformation type designed for the record key (<code>org.apache.kafka.connect.transforms.MaskField$Key</code>) ' +
    'or value (<code>org.apache.kafka.connect.transforms.MaskField$Value</code>).';
  static readonly CONFIG_DEF = CONFIG_DEF;
  static readonly Key = class Key extends MaskField {
    constructor() {
      super(KEY);
    }
  };
  static readonly Value = class Value extends MaskField {
    constructor() {
      super(VALUE);
    }
  };

  readonly #part: RecordPart;
  #maskedFields: ReadonlySet<string> = new Set();
  #replacement: string | null = null;
  #replaceNullWithDefault = true;

  protected constructor(part: RecordPart) {
    this.#part = part;
  }

  configure(configs: Readonly<Record<string, string>>): void {
    const config = simpleConfig(CONFIG_DEF, configs);
    this.#maskedFields = new Set(config.getList('fields'));
    this.#replacement = config.get('replacement') as string | null;
    this.#replaceNullWithDefault = config.getBoolean(REPLACE_NULL_WITH_DEFAULT);
  }

  apply<R extends ConnectRecord>(record: R): R {
    return this.#part.schema(record) === null ? this.#applySchemaless(record) : this.#applyWithSchema(record);
  }

  #applySchemaless<R extends ConnectRecord>(record: R): R {
    const map = requireMap(this.#part.value(record), PURPOSE);
    const updated = copyMap(map);
    for (const field of this.#maskedFields) mapSet(updated, field, this.#masked(null, mapGet(map, field)));
    return this.#part.with(record, null, updated);
  }

  #applyWithSchema<R extends ConnectRecord>(record: R): R {
    const struct = requireStruct(this.#part.value(record), PURPOSE);
    const updated = new Struct(struct.schema);
    for (const field of struct.schema.fields()) {
      const original = fieldValue(struct, field, this.#replaceNullWithDefault);
      updated.put(field, this.#maskedFields.has(field.name) ? this.#masked(field.schema, original) : original);
    }
    return this.#part.with(record, this.#part.schema(record), updated);
  }

  #masked(schema: Schema | null, value: unknown): unknown {
    if (value === null || value === undefined) return null;
    const kind = kindOf(schema, value);
    return this.#replacement === null ? emptyValue(kind, value) : replacementValue(kind, value, this.#replacement);
  }

  config(): ConfigDef {
    return CONFIG_DEF;
  }

  close(): void {}
}
