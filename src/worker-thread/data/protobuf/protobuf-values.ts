/**
 * Connect values ↔ protobufjs message objects, as Confluent's ProtobufData.fromConnectData and
 * toConnectData convert them. Fields are matched by name, so a value can be written in any message
 * that has its fields (use.latest.version writes in the subject's latest schema).
 *
 * Writing follows proto3 as protobuf-java does: a singular scalar field without presence holding its
 * default (0, "", false, empty bytes, the enum's 0) is left out of the bytes, so connectd writes the
 * same bytes as Java for the same value. Reading gives such a field its default, as Java's getField
 * does; a message field that is absent reads as null, a repeated one as an empty array.
 *
 * INT64 values are bigints (schema.ts); protobufjs takes and gives 64-bit integers as {low, high}
 * pairs (Long), converted here.
 */
import type protobuf from 'protobufjs';
import { protobufjs } from './protobufjs.js';
import { BigDecimal, fromTwosComplement, toTwosComplement } from '../big-decimal.js';
import { DataException, describeValue } from '../errors.js';
import { ConnectDate, Time, Timestamp } from '../logical-types.js';
import { LogicalTypeName, SchemaType } from '../schema.js';
import type { Schema } from '../schema.js';
import { Struct } from '../struct.js';
import { isMapEntry } from './to-connect-schema.js';
import { PROTOBUF_TYPE_ENUM, PROTOBUF_TYPE_UNION_PREFIX } from './protobuf-names.js';

type ProtoObject = Record<string, unknown>;

const MILLIS_PER_DAY = 86_400_000;

function longBits(value: bigint): { low: number; high: number } {
  const v = BigInt.asUintN(64, value);
  return { low: Number(v & 0xffffffffn) | 0, high: Number(v >> 32n) | 0 };
}

function toBigInt(value: unknown, unsigned: boolean): bigint {
  if (typeof value === 'number') return BigInt(value);
  if (typeof value === 'bigint') return value;
  const long = value as { low: number; high: number };
  const bits = (BigInt(long.high >>> 0) << 32n) | BigInt(long.low >>> 0);
  return unsigned ? bits : BigInt.asIntN(64, bits);
}

function isUnsigned(type: string): boolean {
  return type === 'uint64' || type === 'fixed64';
}

function isWrapper(type: protobuf.Type): boolean {
  return type.fullName.startsWith('.google.protobuf.') && type.fullName.endsWith('Value') && type.fieldsArray.length === 1;
}

function isUnion(schema: Schema): boolean {
  return schema.type === SchemaType.STRUCT && schema.name !== null && schema.name.startsWith(PROTOBUF_TYPE_UNION_PREFIX);
}

function protoField(type: protobuf.Type, name: string, path: string): protobuf.Field {
  const field = type.fields[name];
  if (field === undefined) throw new DataException(`field "${path}" has no field of that name in message ${type.fullName.slice(1)}`);
  return field;
}

function isDefault(value: unknown): boolean {
  if (value === 0) return !Object.is(value, -0);
  if (value === '' || value === false) return true;
  if (value instanceof Uint8Array) return value.byteLength === 0;
  if (typeof value === 'object' && value !== null && 'low' in value) {
    const long = value as { low: number; high: number };
    return long.low === 0 && long.high === 0;
  }
  return false;
}

/** A Connect Struct as a protobufjs message object of `type`. */
export function toProtoMessage(schema: Schema, type: protobuf.Type, struct: Struct, path = ''): ProtoObject {
  const out: ProtoObject = {};
  for (const field of schema.fields()) {
    const fieldPath = path === '' ? field.name : `${path}.${field.name}`;
    const value = struct.get(field);
    if (value === null || value === undefined) continue;
    if (isUnion(field.schema)) {
      const union = value as Struct;
      for (const member of field.schema.fields()) {
        const memberValue = union.get(member);
        if (memberValue === null || memberValue === undefined) continue;
        const target = protoField(type, member.name, `${fieldPath}.${member.name}`);
        out[member.name] = toProtoValue(member.schema, target, memberValue, `${fieldPath}.${member.name}`);
        break;
      }
      continue;
    }
    const target = protoField(type, field.name, fieldPath);
    const converted = toProtoField(field.schema, target, value, fieldPath);
    if (converted === undefined) continue;
    // proto3 without presence: protobuf-java leaves a default out of the bytes; so do we.
    if (target.partOf === null && !target.repeated && !(target.resolvedType instanceof protobufjs().Type) && isDefault(converted)) continue;
    out[field.name] = converted;
  }
  return out;
}

function toProtoField(schema: Schema, target: protobuf.Field, value: unknown, path: string): unknown {
  if (schema.type === SchemaType.ARRAY) {
    const array = value as unknown[];
    if (array.length === 0) return undefined;
    return array.map((element, i) => {
      if (element === null || element === undefined) throw new DataException(`field "${path}"[${i}]: protobuf arrays cannot hold null`);
      return toProtoValue(schema.valueSchema!, target, element, `${path}[${i}]`);
    });
  }
  if (schema.type === SchemaType.MAP) {
    const entries = value instanceof Map ? [...(value as Map<unknown, unknown>).entries()] : Object.entries(value as object);
    if (entries.length === 0) return undefined;
    if (target instanceof protobufjs().MapField) {
      const out: Record<string, unknown> = {};
      for (const [k, v] of entries) {
        if (v === null || v === undefined)
          throw new DataException(`field "${path}": protobuf maps cannot hold a null value (key ${String(k)})`);
        out[String(k)] = toProtoValue(schema.valueSchema!, target, v, `${path}[${String(k)}]`);
      }
      return out;
    }
    const entryType = target.resolvedType;
    if (!(entryType instanceof protobufjs().Type) || !isMapEntry(entryType)) {
      throw new DataException(`field "${path}" is a MAP but ${target.name} in the protobuf schema is not a map`);
    }
    const keyField = entryType.fields.key!;
    const valueField = entryType.fields.value!;
    return entries.map(([k, v]) => {
      const entry: ProtoObject = {};
      if (k !== null && k !== undefined) {
        const key = toProtoField(schema.keySchema!, keyField, k, `${path}.key`);
        if (key !== undefined && !isDefault(key)) entry.key = key;
      }
      if (v !== null && v !== undefined) {
        const val = toProtoField(schema.valueSchema!, valueField, v, `${path}[${String(k)}]`);
        if (val !== undefined && (valueField.resolvedType instanceof protobufjs().Type || !isDefault(val))) entry.value = val;
      }
      return entry;
    });
  }
  return toProtoValue(schema, target, value, path);
}

/** One value (not an array or map) in the protobuf form of `target`'s type. */
function toProtoValue(schema: Schema, target: protobuf.Field, value: unknown, path: string): unknown {
  const resolved = target.resolvedType;
  switch (schema.name) {
    case LogicalTypeName.DECIMAL: {
      if (!(value instanceof BigDecimal))
        throw new DataException(`field "${path}": expected a BigDecimal for Decimal, got ${describeValue(value)}`);
      const out: ProtoObject = { value: toTwosComplement(value.unscaled), precision: value.precision() };
      if (value.scale !== 0) out.scale = value.scale;
      return out;
    }
    case LogicalTypeName.DATE: {
      const millis = ConnectDate.fromLogical(schema, value as Date) * MILLIS_PER_DAY;
      const date = new Date(millis);
      return { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() };
    }
    case LogicalTypeName.TIME: {
      const millis = Time.fromLogical(schema, value as Date);
      const out: ProtoObject = {};
      const hours = Math.floor(millis / 3_600_000);
      const minutes = Math.floor((millis % 3_600_000) / 60_000);
      const seconds = Math.floor((millis % 60_000) / 1000);
      const nanos = (millis % 1000) * 1_000_000;
      if (hours !== 0) out.hours = hours;
      if (minutes !== 0) out.minutes = minutes;
      if (seconds !== 0) out.seconds = seconds;
      if (nanos !== 0) out.nanos = nanos;
      return out;
    }
    case LogicalTypeName.TIMESTAMP: {
      const millis = Timestamp.fromLogical(schema, value as Date);
      let seconds = millis / 1000n;
      let rest = millis % 1000n;
      if (rest < 0n) {
        seconds -= 1n;
        rest += 1000n;
      }
      const out: ProtoObject = {};
      if (seconds !== 0n) out.seconds = longBits(seconds);
      if (rest !== 0n) out.nanos = Number(rest) * 1_000_000;
      return out;
    }
  }
  if (resolved instanceof protobufjs().Enum) {
    if (typeof value !== 'string') throw new DataException(`field "${path}": expected a string enum symbol, got ${describeValue(value)}`);
    const number = resolved.values[value];
    if (number === undefined) {
      throw new DataException(
        `field "${path}": ${JSON.stringify(value)} is not a symbol of enum ${resolved.name} (${Object.keys(resolved.values).join(', ')})`,
      );
    }
    return number;
  }
  if (resolved instanceof protobufjs().Type && schema.type !== SchemaType.STRUCT && schema.type !== SchemaType.MAP) {
    if (!isWrapper(resolved))
      throw new DataException(`field "${path}": a ${schema.type} cannot be written as message ${resolved.fullName.slice(1)}`);
    return { value: toProtoValue(schema, resolved.fields.value!, value, path) };
  }
  switch (schema.type) {
    case SchemaType.INT64:
      return longBits(typeof value === 'bigint' ? value : BigInt(value as number));
    case SchemaType.STRUCT: {
      if (!(resolved instanceof protobufjs().Type))
        throw new DataException(`field "${path}": a STRUCT needs a message field, ${target.name} is ${target.type}`);
      return toProtoMessage(schema, resolved, value as Struct, path);
    }
    case SchemaType.BYTES:
      return value instanceof Uint8Array ? value : new Uint8Array(value as ArrayBuffer);
    default:
      return value;
  }
}

/** A decoded protobufjs message as a Connect Struct of `schema` (made by toConnectSchema for its type). */
export function fromProtoMessage(schema: Schema, type: protobuf.Type, message: ProtoObject): Struct {
  const struct = new Struct(schema);
  for (const field of schema.fields()) {
    if (isUnion(field.schema)) {
      for (const member of field.schema.fields()) {
        if (!Object.prototype.hasOwnProperty.call(message, member.name) || message[member.name] === null) continue;
        const union = new Struct(field.schema);
        union.put(member, fromProtoValue(member.schema, type.fields[member.name]!, message[member.name]));
        struct.put(field, union);
        break;
      }
      continue;
    }
    const source = type.fields[field.name];
    if (source === undefined) continue;
    const raw = message[field.name];
    if (field.schema.type === SchemaType.ARRAY) {
      struct.put(
        field,
        ((raw as unknown[] | undefined) ?? []).map((e) => fromProtoValue(field.schema.valueSchema!, source, e)),
      );
    } else if (field.schema.type === SchemaType.MAP) {
      struct.put(field, fromProtoMap(field.schema, source, raw));
    } else if (source.resolvedType instanceof protobufjs().Type) {
      // A message field is null unless it was in the bytes.
      if (Object.prototype.hasOwnProperty.call(message, field.name) && raw !== null && raw !== undefined) {
        struct.put(field, fromProtoValue(field.schema, source, raw));
      }
    } else {
      struct.put(field, fromProtoValue(field.schema, source, raw));
    }
  }
  return struct;
}

function fromProtoMap(schema: Schema, source: protobuf.Field, raw: unknown): Map<unknown, unknown> {
  const out = new Map<unknown, unknown>();
  if (source instanceof protobufjs().MapField) {
    for (const [k, v] of Object.entries((raw as Record<string, unknown> | undefined) ?? {})) {
      out.set(mapKey(schema.keySchema!, source.keyType, k), fromProtoValue(schema.valueSchema!, source, v));
    }
    return out;
  }
  const entryType = source.resolvedType as protobuf.Type;
  const keyField = entryType.fields.key!;
  const valueField = entryType.fields.value!;
  for (const entry of (raw as ProtoObject[] | undefined) ?? []) {
    const value =
      valueField.resolvedType instanceof protobufjs().Type && !Object.prototype.hasOwnProperty.call(entry, 'value')
        ? null
        : fromProtoValue(schema.valueSchema!, valueField, entry.value);
    out.set(fromProtoValue(schema.keySchema!, keyField, entry.key), value);
  }
  return out;
}

/** protobufjs keys map objects by text; 64-bit keys by an 8-character hash. */
function mapKey(schema: Schema, keyType: string, key: string): unknown {
  switch (keyType) {
    case 'bool':
      return key === 'true';
    case 'string':
      return key;
    case 'int64':
    case 'uint64':
    case 'sint64':
    case 'fixed64':
    case 'sfixed64': {
      const bits = protobufjs().util.LongBits.fromHash(key);
      return toBigInt({ low: bits.lo, high: bits.hi }, isUnsigned(keyType));
    }
    case 'uint32':
    case 'fixed32':
      return BigInt(Number(key) >>> 0);
    default:
      return schema.type === SchemaType.INT64 ? BigInt(key) : Number(key);
  }
}

function fromProtoValue(schema: Schema, source: protobuf.Field, raw: unknown): unknown {
  const resolved = source.resolvedType;
  switch (schema.name) {
    case LogicalTypeName.DECIMAL: {
      const m = raw as { value?: Uint8Array; scale?: number };
      const bytes = m.value ?? new Uint8Array(0);
      return new BigDecimal(bytes.byteLength === 0 ? 0n : fromTwosComplement(bytes), m.scale ?? 0);
    }
    case LogicalTypeName.DATE: {
      const m = raw as { year?: number; month?: number; day?: number };
      const date = new Date(0);
      date.setUTCFullYear(m.year ?? 0, (m.month ?? 0) - 1, m.day ?? 0);
      return date;
    }
    case LogicalTypeName.TIME: {
      const m = raw as { hours?: number; minutes?: number; seconds?: number; nanos?: number };
      const millis = (((m.hours ?? 0) * 60 + (m.minutes ?? 0)) * 60 + (m.seconds ?? 0)) * 1000 + Math.floor((m.nanos ?? 0) / 1_000_000);
      return Time.toLogical(schema, millis);
    }
    case LogicalTypeName.TIMESTAMP: {
      const m = raw as { seconds?: unknown; nanos?: number };
      const seconds = m.seconds === undefined ? 0n : toBigInt(m.seconds, false);
      return Timestamp.toLogical(schema, seconds * 1000n + BigInt(Math.floor((m.nanos ?? 0) / 1_000_000)));
    }
  }
  if (resolved instanceof protobufjs().Enum) {
    if (typeof raw === 'string') return raw;
    return resolved.valuesById[raw as number] ?? String(raw);
  }
  if (schema.parameters?.has(PROTOBUF_TYPE_ENUM) === true) return String(raw);
  if (resolved instanceof protobufjs().Type && schema.type !== SchemaType.STRUCT && schema.type !== SchemaType.MAP) {
    return fromProtoValue(schema, resolved.fields.value!, (raw as ProtoObject).value ?? resolved.fields.value!.typeDefault);
  }
  switch (schema.type) {
    case SchemaType.INT64:
      return toBigInt(raw ?? 0, isUnsigned(source.type)) & (source.type === 'uint32' || source.type === 'fixed32' ? 0xffffffffn : -1n);
    case SchemaType.BYTES:
      // protobufjs reads bytes as a view of the record's buffer: copy, so the value outlives it.
      return new Uint8Array(raw as Uint8Array);
    case SchemaType.STRUCT:
      return fromProtoMessage(schema, resolved as protobuf.Type, raw as ProtoObject);
    case SchemaType.MAP:
      return fromProtoMap(schema, source, raw);
    default:
      return raw;
  }
}
