/**
 * Connect values ↔ the values avsc encodes and decodes, as Confluent's `AvroData.fromConnectData`
 * and `toConnectData` convert them. A conversion is compiled once per schema into a tree of small
 * functions (a "plan"), walking the Connect schema beside the avsc Type, so that converting a record
 * does no schema lookups.
 *
 * | Connect                     | avsc value                                             |
 * |-----------------------------|--------------------------------------------------------|
 * | INT8, INT16, INT32          | number (int); INT8/INT16 narrow on reading, as Java's casts |
 * | INT64                       | bigint (connectd's long type; a safe-integer number is accepted) |
 * | FLOAT32, FLOAT64, BOOLEAN, STRING | number, boolean, string (an enum symbol is a string) |
 * | BYTES                       | Buffer (a view of the Uint8Array; copied on reading)  |
 * | Decimal / Date / Time / Timestamp | unscaled two's-complement bytes / days / ms of day / ms (bigint) |
 * | ARRAY                       | array                                                  |
 * | MAP, STRING keys            | object                                                 |
 * | MAP, other keys             | array of {key, value}                                  |
 * | STRUCT                      | object with the fields                                 |
 * | STRUCT io.confluent.connect.avro.Union | the value of its one non-null field (wrapped `{branch: value}` when avsc wraps the union) |
 *
 * Writing takes a field's default when its value is null (Kafka's Struct.get), and refuses a null
 * for a required schema ("Found null value for non-optional schema"), as Confluent does. Errors
 * name where the value sits: `(at items[2].price)`.
 */
import type { Type } from 'avsc';
import { BigDecimal } from '../big-decimal.js';
import { DataException, DataTypeError, describeValue } from '../errors.js';
import { mapEntries } from '../equality.js';
import { ConnectDate, Decimal, Time, Timestamp } from '../logical-types.js';
import { LogicalTypeName, SchemaType, structSchemasMatch } from '../schema.js';
import type { Schema } from '../schema.js';
import { Struct, typeProblem } from '../struct.js';
import { KEY_FIELD, VALUE_FIELD } from './avro-data-names.js';
import { isUnionSchema, nonOptional } from './from-connect-schema.js';

export type ValuePlan = (value: unknown) => unknown;

interface AvscRecordType extends Type {
  readonly fields: readonly { readonly name: string; readonly type: Type }[];
}
interface AvscUnionType extends Type {
  readonly types: readonly Type[];
}

const PATH = Symbol('avro value path');
type Located = DataException & { [PATH]?: { reason: string; segments: string[] } };

/** Adds where the failing value sits to a DataException on its way up; other errors pass through. */
function locate(err: unknown, segment: string): never {
  if (!(err instanceof DataException)) throw err;
  const located = err as Located;
  const path = (located[PATH] ??= { reason: err.message, segments: [] });
  path.segments.unshift(segment);
  const where = path.segments.reduce((acc, s) => (s.startsWith('[') || acc === '' ? acc + s : `${acc}.${s}`), '');
  located.message = `${path.reason} (at ${where})`;
  throw err;
}

function isUnion(type: Type): type is AvscUnionType {
  return type.typeName === 'union:wrapped' || type.typeName === 'union:unwrapped';
}

function nonNullMembers(type: AvscUnionType): Type[] {
  return type.types.filter((t) => t.typeName !== 'null');
}

function requireChild(child: Schema | null, parent: Schema): Schema {
  if (child === null) throw new DataException(`${parent.type} schema without its element schema`);
  return child;
}

function nullFor(schema: Schema): null {
  if (!schema.isOptional) throw new DataException('Found null value for non-optional schema');
  return null;
}

function checked(schema: Schema, value: unknown): void {
  const problem = typeProblem(schema, value);
  if (problem === undefined) return;
  const message = `Invalid value for ${schema.type}: ${describeValue(value)}: ${problem.reason}`;
  throw problem.wrongType ? new DataTypeError(message) : new DataException(message);
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

// ---------------------------------------------------------------------------------------------
// Connect → avsc

/** The plan that turns a Connect value of `schema` into what `type` encodes. */
export function toAvroPlan(schema: Schema, type: Type): ValuePlan {
  if (isUnion(type)) return unionToAvro(schema, type);
  const core = coreToAvro(schema, type);
  return (value) => (value === null || value === undefined ? nullFor(schema) : core(value));
}

function unionToAvro(schema: Schema, type: AvscUnionType): ValuePlan {
  const wrapped = type.typeName === 'union:wrapped';
  const members = nonNullMembers(type);
  if (!isUnionSchema(schema)) {
    const member = members[0];
    if (member === undefined || members.length !== 1)
      throw new DataException(`A union of ${type.types.length} types for a ${schema.type} schema`);
    const inner = toAvroPlan(schema, member);
    const branch = member.branchName!;
    return wrapped ? (value) => (value === null || value === undefined ? nullFor(schema) : { [branch]: inner(value) }) : inner;
  }
  const fields = schema.fields();
  if (fields.length !== members.length)
    throw new DataException(`Union schema with ${fields.length} fields for an Avro union of ${members.length} types`);
  const plans = fields.map((f, i) => toAvroPlan(nonOptional(f.schema), members[i]!));
  const branches = members.map((m) => m.branchName!);
  return (value) => {
    if (value === null || value === undefined) return nullFor(schema);
    checked(schema, value);
    const struct = value as Struct;
    for (let i = 0; i < fields.length; i++) {
      const fieldValue = struct.get(fields[i]!);
      if (fieldValue === null || fieldValue === undefined) continue;
      let converted: unknown;
      try {
        converted = plans[i]!(fieldValue);
      } catch (err) {
        locate(err, fields[i]!.name);
      }
      return wrapped ? { [branches[i]!]: converted } : converted;
    }
    return nullFor(schema);
  };
}

function coreToAvro(schema: Schema, type: Type): ValuePlan {
  switch (schema.name) {
    case LogicalTypeName.DECIMAL:
      return (value) => {
        if (!(value instanceof BigDecimal))
          throw new DataTypeError(`Invalid type for Decimal, expected BigDecimal but was ${describeValue(value)}`);
        return asBuffer(Decimal.fromLogical(schema, value));
      };
    case LogicalTypeName.DATE:
      return (value) => ConnectDate.fromLogical(schema, value as Date);
    case LogicalTypeName.TIME:
      return (value) => Time.fromLogical(schema, value as Date);
    case LogicalTypeName.TIMESTAMP:
      return (value) => Timestamp.fromLogical(schema, value as Date);
    default:
      break;
  }
  switch (schema.type) {
    case SchemaType.INT8:
    case SchemaType.INT16:
    case SchemaType.INT32:
      return (value) => {
        checked(schema, value);
        return typeof value === 'bigint' ? Number(value) : value;
      };
    case SchemaType.INT64:
      return (value) => {
        checked(schema, value);
        return typeof value === 'bigint' ? value : BigInt(value as number);
      };
    case SchemaType.FLOAT32:
    case SchemaType.FLOAT64:
    case SchemaType.BOOLEAN:
    case SchemaType.STRING:
      return (value) => {
        checked(schema, value);
        return value;
      };
    case SchemaType.BYTES:
      return (value) => {
        checked(schema, value);
        return asBuffer(value as Uint8Array);
      };
    case SchemaType.ARRAY: {
      const items = toAvroPlan(requireChild(schema.valueSchema, schema), (type as Type & { itemsType: Type }).itemsType);
      return (value) => {
        checked(schema, value);
        const list = value as readonly unknown[];
        const out = new Array<unknown>(list.length);
        for (let i = 0; i < list.length; i++) {
          try {
            out[i] = items(list[i]);
          } catch (err) {
            locate(err, `[${i}]`);
          }
        }
        return out;
      };
    }
    case SchemaType.MAP:
      return mapToAvro(schema, type);
    case SchemaType.STRUCT:
      return structToAvro(schema, type as AvscRecordType);
  }
}

function mapToAvro(schema: Schema, type: Type): ValuePlan {
  const keySchema = requireChild(schema.keySchema, schema);
  const valueSchema = requireChild(schema.valueSchema, schema);
  if (type.typeName === 'map') {
    const values = toAvroPlan(valueSchema, (type as Type & { valuesType: Type }).valuesType);
    return (value) => {
      checked(schema, value);
      const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
      for (const [k, v] of mapEntries(value)!) {
        if (typeof k !== 'string') throw new DataTypeError(`Invalid key for a map with STRING keys: ${describeValue(k)}`);
        try {
          out[k] = values(v);
        } catch (err) {
          locate(err, k);
        }
      }
      return out;
    };
  }
  const entry = (type as Type & { itemsType: AvscRecordType }).itemsType;
  const keys = toAvroPlan(keySchema, entry.fields.find((f) => f.name === KEY_FIELD)!.type);
  const values = toAvroPlan(valueSchema, entry.fields.find((f) => f.name === VALUE_FIELD)!.type);
  return (value) => {
    checked(schema, value);
    const entries = mapEntries(value)!;
    const out = new Array<unknown>(entries.length);
    for (let i = 0; i < entries.length; i++) {
      const [k, v] = entries[i]!;
      try {
        out[i] = { key: keys(k), value: values(v) };
      } catch (err) {
        locate(err, `[${i}]`);
      }
    }
    return out;
  };
}

function structToAvro(schema: Schema, type: AvscRecordType): ValuePlan {
  const fields = schema.fields();
  const plans = fields.map((field) => {
    const avroField = type.fields.find((f) => f.name === field.name);
    if (avroField === undefined) throw new DataException(`Avro record ${type.name} has no field ${field.name}`);
    return toAvroPlan(field.schema, avroField.type);
  });
  return (value) => {
    checked(schema, value);
    const struct = value as Struct;
    if (!structSchemasMatch(struct.schema, schema)) throw new DataException('Mismatching struct schema');
    const out: Record<string, unknown> = {};
    for (let i = 0; i < fields.length; i++) {
      const field = fields[i]!;
      try {
        out[field.name] = plans[i]!(struct.get(field));
      } catch (err) {
        locate(err, field.name);
      }
    }
    return out;
  };
}

// ---------------------------------------------------------------------------------------------
// avsc → Connect

/** The plan that turns what `type` decoded into a Connect value of `schema`. */
export function fromAvroPlan(schema: Schema, type: Type): ValuePlan {
  if (isUnion(type)) return unionFromAvro(schema, type);
  const core = coreFromAvro(schema, type);
  return (value) => (value === null || value === undefined ? nullFor(schema) : core(value));
}

function unionFromAvro(schema: Schema, type: AvscUnionType): ValuePlan {
  const wrapped = type.typeName === 'union:wrapped';
  const members = nonNullMembers(type);
  if (!isUnionSchema(schema)) {
    const member = members[0]!;
    const inner = fromAvroPlan(schema, member);
    const branch = member.branchName!;
    return wrapped
      ? (value) => (value === null || value === undefined ? nullFor(schema) : inner((value as Record<string, unknown>)[branch]))
      : inner;
  }
  const fields = schema.fields();
  const plans = fields.map((f, i) => fromAvroPlan(f.schema, members[i]!));
  const branches = members.map((m) => m.branchName!);
  return (value) => {
    if (value === null || value === undefined) return nullFor(schema);
    let index = -1;
    let member: unknown = value;
    if (wrapped) {
      const branch = Object.keys(value)[0];
      index = branch === undefined ? -1 : branches.indexOf(branch);
      if (index >= 0) member = (value as Record<string, unknown>)[branch!];
    } else {
      index = members.findIndex((m) => m.isValid(value));
    }
    if (index < 0) throw new DataException(`Did not find matching union field for data: ${describeValue(value)}`);
    return new Struct(schema).put(fields[index]!, plans[index]!(member));
  };
}

function coreFromAvro(schema: Schema, type: Type): ValuePlan {
  switch (schema.name) {
    case LogicalTypeName.DECIMAL:
      return (value) => Decimal.toLogical(schema, value as Uint8Array);
    case LogicalTypeName.DATE:
      return (value) => ConnectDate.toLogical(schema, value as number);
    case LogicalTypeName.TIME:
      return (value) => Time.toLogical(schema, value as number);
    case LogicalTypeName.TIMESTAMP:
      return (value) => Timestamp.toLogical(schema, value as bigint);
    default:
      break;
  }
  switch (schema.type) {
    case SchemaType.INT8:
      return (value) => ((value as number) << 24) >> 24;
    case SchemaType.INT16:
      return (value) => ((value as number) << 16) >> 16;
    case SchemaType.INT32:
    case SchemaType.INT64:
    case SchemaType.FLOAT32:
    case SchemaType.FLOAT64:
    case SchemaType.BOOLEAN:
    case SchemaType.STRING:
      return (value) => value;
    case SchemaType.BYTES:
      // avsc's bytes share the message's memory; a copy keeps the value independent of it.
      return (value) => Buffer.from(value as Buffer);
    case SchemaType.ARRAY: {
      const items = fromAvroPlan(requireChild(schema.valueSchema, schema), (type as Type & { itemsType: Type }).itemsType);
      return (value) =>
        (value as unknown[]).map((item, i) => {
          try {
            return items(item);
          } catch (err) {
            return locate(err, `[${i}]`);
          }
        });
    }
    case SchemaType.MAP:
      return mapFromAvro(schema, type);
    case SchemaType.STRUCT:
      return structFromAvro(schema, type as AvscRecordType);
  }
}

function mapFromAvro(schema: Schema, type: Type): ValuePlan {
  const keySchema = requireChild(schema.keySchema, schema);
  const valueSchema = requireChild(schema.valueSchema, schema);
  if (type.typeName === 'map') {
    const values = fromAvroPlan(valueSchema, (type as Type & { valuesType: Type }).valuesType);
    return (value) => {
      const out = new Map<string, unknown>();
      for (const k of Object.keys(value as object)) {
        try {
          out.set(k, values((value as Record<string, unknown>)[k]));
        } catch (err) {
          locate(err, k);
        }
      }
      return out;
    };
  }
  const entry = (type as Type & { itemsType: AvscRecordType }).itemsType;
  const keys = fromAvroPlan(keySchema, entry.fields.find((f) => f.name === KEY_FIELD)!.type);
  const values = fromAvroPlan(valueSchema, entry.fields.find((f) => f.name === VALUE_FIELD)!.type);
  return (value) => {
    const out = new Map<unknown, unknown>();
    (value as { key: unknown; value: unknown }[]).forEach((e, i) => {
      try {
        out.set(keys(e.key), values(e.value));
      } catch (err) {
        locate(err, `[${i}]`);
      }
    });
    return out;
  };
}

function structFromAvro(schema: Schema, type: AvscRecordType): ValuePlan {
  const fields = schema.fields();
  const plans = fields.map((field) => {
    const avroField = type.fields.find((f) => f.name === field.name);
    if (avroField === undefined) throw new DataException(`Avro record ${type.name} has no field ${field.name}`);
    return fromAvroPlan(field.schema, avroField.type);
  });
  return (value) => {
    const record = value as Record<string, unknown>;
    const struct = new Struct(schema);
    for (let i = 0; i < fields.length; i++) {
      const field = fields[i]!;
      try {
        struct.put(field, plans[i]!(record[field.name]));
      } catch (err) {
        locate(err, field.name);
      }
    }
    return struct;
  };
}
