/**
 * Reading test/fixtures/vectors (written by the real Kafka Connect classes, see its README) into
 * connectd's data model, and comparing Connect values strictly: the same JavaScript types (an INT64
 * must be a bigint, an INT32 a number), numbers by Object.is (so -0.0 and 0.0 differ and NaN equals
 * NaN), maps regardless of order (Java's HashMap order means nothing).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BigDecimal } from '../../../src/worker-thread/data/big-decimal.js';
import { mapEntries } from '../../../src/worker-thread/data/equality.js';
import { ConnectSchema, Field, SchemaType, schemasEqual } from '../../../src/worker-thread/data/schema.js';
import type { Schema } from '../../../src/worker-thread/data/schema.js';
import { Struct } from '../../../src/worker-thread/data/struct.js';

function vectorsDir(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); dir !== dirname(dir); dir = dirname(dir)) {
    const candidate = join(dir, 'test', 'fixtures', 'vectors');
    if (existsSync(join(candidate, 'README.md'))) return candidate;
  }
  throw new Error('test/fixtures/vectors not found above this test');
}

export function loadVectors<T>(file: string): T {
  return JSON.parse(readFileSync(join(vectorsDir(), file), 'utf8')) as T;
}

/** A schema as Describe.schema wrote it. */
export interface SchemaDescription {
  type: SchemaType;
  optional: boolean;
  name?: string;
  version?: number;
  doc?: string;
  parameters?: Record<string, string>;
  default?: TaggedValue;
  fields?: { name: string; index: number; schema: SchemaDescription }[];
  keySchema?: SchemaDescription | null;
  valueSchema?: SchemaDescription | null;
}

/** A value as Describe.value wrote it, tagged by its Java class. */
export type TaggedValue = null | Record<string, unknown>;

export interface SchemaAndValueDescription {
  schema: SchemaDescription | null;
  value: TaggedValue;
}

export interface ErrorDescription {
  class: string;
  message: string;
  causes?: string[];
}

export function decodeSchema(d: SchemaDescription | null | undefined): Schema | null {
  if (d === null || d === undefined) return null;
  const base = {
    type: d.type,
    optional: d.optional,
    name: d.name ?? null,
    version: d.version ?? null,
    doc: d.doc ?? null,
    parameters: d.parameters === undefined ? null : new Map(Object.entries(d.parameters)),
    fields: d.fields?.map((f) => new Field(f.name, f.index, decodeSchema(f.schema)!)) ?? null,
    keySchema: decodeSchema(d.keySchema),
    valueSchema: decodeSchema(d.valueSchema),
  };
  const withoutDefault = new ConnectSchema(base);
  if (d.default === undefined) return withoutDefault;
  return new ConnectSchema({ ...base, defaultValue: decodeValue(d.default, withoutDefault) });
}

const view = new DataView(new ArrayBuffer(8));

export function float32FromBits(hex: string): number {
  view.setUint32(0, Number.parseInt(hex, 16));
  return view.getFloat32(0);
}

export function float64FromBits(hex: string): number {
  view.setBigUint64(0, BigInt(`0x${hex}`));
  return view.getFloat64(0);
}

/** The JavaScript value of a tagged Java value; `schema` builds Structs and guides nested values. */
export function decodeValue(tv: TaggedValue, schema: Schema | null): unknown {
  if (tv === null) return null;
  if ('int8' in tv || 'int16' in tv || 'int32' in tv) return tv.int8 ?? tv.int16 ?? tv.int32;
  if ('int64' in tv) return BigInt(tv.int64 as string);
  if ('float32' in tv) return float32FromBits(tv.bits as string);
  if ('float64' in tv) return float64FromBits(tv.bits as string);
  if ('boolean' in tv) return tv.boolean;
  if ('string' in tv) return tv.string;
  if ('bytes' in tv) return new Uint8Array(Buffer.from(tv.bytes as string, 'base64'));
  if ('decimal' in tv) return new BigDecimal(BigInt(tv.unscaled as string), tv.scale as number);
  if ('date' in tv) return new Date(tv.date as number);
  if ('array' in tv) return (tv.array as TaggedValue[]).map((item) => decodeValue(item, schema?.valueSchema ?? null));
  if ('map' in tv) {
    return new Map(
      (tv.map as [TaggedValue, TaggedValue][]).map(([k, v]) => [
        decodeValue(k, schema?.keySchema ?? null),
        decodeValue(v, schema?.valueSchema ?? null),
      ]),
    );
  }
  if ('struct' in tv) {
    if (schema === null) throw new Error('a struct value needs its schema');
    const struct = new Struct(schema);
    for (const [name, value] of tv.struct as [string, TaggedValue][]) {
      const field = schema.field(name)!;
      // Leave nulls unset: Java's Struct may hold a null for a required field (its validate() says so later).
      if (value !== null) struct.put(field, decodeValue(value, field.schema));
    }
    return struct;
  }
  throw new Error(`unknown tagged value ${JSON.stringify(tv)}`);
}

/** Strict equality of Connect values (see the module comment); returns a description of the first difference, or undefined. */
export function differenceBetween(actual: unknown, expected: unknown, where = 'value'): string | undefined {
  if (expected === null || expected === undefined) return actual === null ? undefined : `${where}: expected null, got ${show(actual)}`;
  if (typeof expected !== 'object') {
    if (typeof actual !== typeof expected)
      return `${where}: expected a ${typeof expected} ${show(expected)}, got ${typeof actual} ${show(actual)}`;
    return Object.is(actual, expected) ? undefined : `${where}: expected ${show(expected)}, got ${show(actual)}`;
  }
  if (expected instanceof BigDecimal)
    return expected.equals(actual) ? undefined : `${where}: expected BigDecimal ${expected.toString()}, got ${show(actual)}`;
  if (expected instanceof Date) {
    return actual instanceof Date && actual.getTime() === expected.getTime()
      ? undefined
      : `${where}: expected Date ${expected.getTime()}, got ${show(actual)}`;
  }
  if (expected instanceof Uint8Array) {
    return actual instanceof Uint8Array && Buffer.from(actual).equals(Buffer.from(expected))
      ? undefined
      : `${where}: expected bytes ${Buffer.from(expected).toString('hex')}, got ${show(actual)}`;
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length)
      return `${where}: expected an array of ${expected.length}, got ${show(actual)}`;
    for (let i = 0; i < expected.length; i++) {
      const d = differenceBetween(actual[i], expected[i], `${where}[${i}]`);
      if (d !== undefined) return d;
    }
    return undefined;
  }
  if (expected instanceof Struct) {
    if (!(actual instanceof Struct)) return `${where}: expected a Struct, got ${show(actual)}`;
    if (!schemasEqual(actual.schema, expected.schema)) return `${where}: Struct schemas differ`;
    for (const field of expected.schema.fields()) {
      const d = differenceBetween(actual.getWithoutDefault(field.name), expected.getWithoutDefault(field.name), `${where}.${field.name}`);
      if (d !== undefined) return d;
    }
    return undefined;
  }
  const expectedEntries = mapEntries(expected);
  if (expectedEntries !== undefined) {
    if (!(actual instanceof Map)) return `${where}: expected a Map, got ${show(actual)}`;
    const actualEntries = [...(actual as Map<unknown, unknown>).entries()];
    if (actualEntries.length !== expectedEntries.length)
      return `${where}: expected ${expectedEntries.length} entries, got ${actualEntries.length}`;
    for (const [k, v] of expectedEntries) {
      const match = actualEntries.find(([ak]) => differenceBetween(ak, k) === undefined);
      if (match === undefined) return `${where}: key ${show(k)} missing`;
      const d = differenceBetween(match[1], v, `${where}{${show(k)}}`);
      if (d !== undefined) return d;
    }
    return undefined;
  }
  return `${where}: cannot compare ${show(expected)}`;
}

export function show(value: unknown): string {
  if (typeof value === 'bigint') return `${value}n`;
  if (Object.is(value, -0)) return '-0';
  if (value instanceof Uint8Array) return `bytes(${Buffer.from(value).toString('hex')})`;
  if (value instanceof Struct || value instanceof BigDecimal) return value.toString();
  if (value instanceof Map) return `Map(${[...(value as Map<unknown, unknown>)].map(([k, v]) => `${show(k)}=>${show(v)}`).join(', ')})`;
  if (Array.isArray(value)) return `[${value.map(show).join(', ')}]`;
  if (value instanceof Date) return `Date(${value.getTime()})`;
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

export { SchemaType };
