/**
 * Kafka's `org.apache.kafka.connect.transforms.util.Requirements`: the checks a transform makes on
 * what it is given, with Kafka's messages. Where Kafka names a Java class (`found:
 * java.lang.String`), these name the JavaScript type (`found: string`), see {@link typeName}.
 */
import { DataException } from '../../data/errors.js';
import { isPlainObject } from '../../data/equality.js';
import type { Schema } from '../../data/schema.js';
import { Struct } from '../../data/struct.js';
import { SinkRecord } from '../../sdk/sink.js';
import type { ConnectRecord } from '../transformation.js';
import type { MapValue } from './map-value.js';

/** The JavaScript type of a value as error messages name it: `null`, `string`, `bigint`, `Uint8Array`, `Struct`, `Object`… */
export function typeName(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value !== 'object') return typeof value;
  if (Array.isArray(value)) return 'Array';
  if (isPlainObject(value)) return 'Object';
  const ctor = (value as { constructor?: { name?: unknown } }).constructor;
  return typeof ctor?.name === 'string' && ctor.name !== '' ? ctor.name : 'Object';
}

export function requireSchema(schema: Schema | null, purpose: string): Schema {
  if (schema === null) throw new DataException(`Schema required for [${purpose}]`);
  return schema;
}

/** A schemaless map: a Map or a plain object (the two forms a MAP value takes, see src/worker-thread/data/schema.ts). */
export function requireMap(value: unknown, purpose: string): MapValue {
  if (value instanceof Map || isPlainObject(value)) return value as MapValue;
  throw new DataException(`Only Map objects supported in absence of schema for [${purpose}], found: ${typeName(value)}`);
}

export function requireMapOrNull(value: unknown, purpose: string): MapValue | null {
  return value === null || value === undefined ? null : requireMap(value, purpose);
}

export function requireStruct(value: unknown, purpose: string): Struct {
  if (value instanceof Struct) return value;
  throw new DataException(`Only Struct objects supported for [${purpose}], found: ${typeName(value)}`);
}

export function requireStructOrNull(value: unknown, purpose: string): Struct | null {
  return value === null || value === undefined ? null : requireStruct(value, purpose);
}

export function requireSinkRecord(record: ConnectRecord, purpose: string): SinkRecord {
  if (record instanceof SinkRecord) return record;
  throw new DataException(`Only SinkRecord supported for [${purpose}], found: ${typeName(record)}`);
}
