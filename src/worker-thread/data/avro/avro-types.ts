/**
 * Avro schemas as `org.apache.avro.Schema` models them: named types (record, enum, fixed) with a
 * namespace, fields with defaults, unions, and the extra JSON properties ("props") that Confluent's
 * AvroData reads and writes (`connect.name`, `connect.version`, `logicalType`, …). Both directions of
 * the converter go through this model: Connect schemas become AvroTypes (from-connect-schema.ts),
 * registry schemas are parsed into AvroTypes (to-connect-schema.ts reads them).
 *
 * `avroSchemaText` prints a schema as Avro Java's `Schema.toString()` does: the same member order,
 * namespaces written only where they change, a named type written in full once and by name after,
 * so that the text connectd registers is the text Kafka Connect's AvroConverter registers for the
 * same Connect schema, and the registry answers with the same id.
 */
import { DataException } from '../errors.js';
import { JsonNumber, JsonObject, parseJson } from '../json/json-text.js';
import type { JsonValue } from '../json/json-text.js';
import { jsonText } from './avro-json.js';

export type PrimitiveName = 'null' | 'boolean' | 'int' | 'long' | 'float' | 'double' | 'bytes' | 'string';
export const PRIMITIVES: ReadonlySet<string> = new Set<PrimitiveName>([
  'null',
  'boolean',
  'int',
  'long',
  'float',
  'double',
  'bytes',
  'string',
]);

/** Extra attributes of a schema or field, in the order they were added (Avro keeps a LinkedHashMap). */
export type Props = Map<string, JsonValue>;

export interface AvroPrimitive {
  readonly kind: PrimitiveName;
  readonly props: Props;
}
export interface AvroRecord {
  readonly kind: 'record';
  readonly name: string;
  readonly namespace: string | null;
  readonly doc: string | null;
  /** Set after construction: a recursive record's fields refer to the record itself. */
  fields: AvroField[];
  readonly props: Props;
}
export interface AvroEnum {
  readonly kind: 'enum';
  readonly name: string;
  readonly namespace: string | null;
  readonly doc: string | null;
  readonly symbols: readonly string[];
  readonly enumDefault: string | null;
  readonly props: Props;
}
export interface AvroFixed {
  readonly kind: 'fixed';
  readonly name: string;
  readonly namespace: string | null;
  readonly doc: string | null;
  readonly size: number;
  readonly props: Props;
}
export interface AvroArray {
  readonly kind: 'array';
  readonly items: AvroType;
  readonly props: Props;
}
export interface AvroMap {
  readonly kind: 'map';
  readonly values: AvroType;
  readonly props: Props;
}
export interface AvroUnion {
  readonly kind: 'union';
  readonly types: readonly AvroType[];
}
export type AvroNamed = AvroRecord | AvroEnum | AvroFixed;
export type AvroType = AvroPrimitive | AvroNamed | AvroArray | AvroMap | AvroUnion;

export interface AvroField {
  readonly name: string;
  readonly type: AvroType;
  readonly doc: string | null;
  /** The JSON default; undefined when the field has none (a JSON null is a null default). */
  readonly defaultValue: JsonValue | undefined;
  readonly props: Props;
}

export function isNamed(type: AvroType): type is AvroNamed {
  return type.kind === 'record' || type.kind === 'enum' || type.kind === 'fixed';
}

export function fullName(type: AvroNamed): string {
  return type.namespace === null || type.namespace === '' ? type.name : `${type.namespace}.${type.name}`;
}

/** Avro's split of a full name at its last dot: [namespace or null, name]. */
export function splitName(full: string): [string | null, string] {
  const dot = full.lastIndexOf('.');
  return dot < 0 ? [null, full] : [full.slice(0, dot), full.slice(dot + 1)];
}

/** A JSON property's text value, as Avro's getProp (null unless the property is a string). */
export function textProp(props: Props, name: string): string | null {
  const value = props.get(name);
  return typeof value === 'string' ? value : null;
}

/** Avro's addProp: adding a property that exists with another value is an error; with the same one, nothing. */
export function addProp(props: Props, name: string, value: JsonValue): void {
  const existing = props.get(name);
  if (existing !== undefined) {
    if (jsonText(existing) !== jsonText(value)) throw new DataException(`Can't overwrite property: ${name}`);
    return;
  }
  props.set(name, value);
}

// ---------------------------------------------------------------------------------------------
// Printing, as Avro Java's Schema.toString()

/** The schema's JSON as Avro Java writes it. Throws a DataException when two different types share a name. */
export function avroSchemaJson(type: AvroType): JsonValue {
  return new Printer().print(type);
}

/** The schema's text as Avro Java's `Schema.toString()`: compact JSON in Avro's member order. */
export function avroSchemaText(type: AvroType): string {
  return jsonText(avroSchemaJson(type));
}

class Printer {
  readonly #names = new Map<string, AvroNamed>();
  /** The enclosing record's namespace: names in it are written short. */
  #space: string | null = null;

  print(type: AvroType): JsonValue {
    switch (type.kind) {
      case 'union':
        return type.types.map((t) => this.print(t));
      case 'array':
        return this.#object(
          [
            ['type', 'array'],
            ['items', this.print(type.items)],
          ],
          type.props,
        );
      case 'map':
        return this.#object(
          [
            ['type', 'map'],
            ['values', this.print(type.values)],
          ],
          type.props,
        );
      case 'record':
      case 'enum':
      case 'fixed':
        return this.#named(type);
      default:
        return type.props.size === 0 ? type.kind : this.#object([['type', type.kind]], type.props);
    }
  }

  #object(members: [string, JsonValue][], props: Props): JsonObject {
    const out = new JsonObject(members);
    for (const [k, v] of props) out.set(k, v);
    return out;
  }

  #named(type: AvroNamed): JsonValue {
    const full = fullName(type);
    const seen = this.#names.get(full);
    if (seen !== undefined) {
      if (seen !== type && !sameDefinition(seen, type)) throw new DataException(`Can't redefine: ${full}`);
      return this.#qualified(type);
    }
    this.#names.set(full, type);
    const out = new JsonObject([['type', type.kind]]);
    out.set('name', type.name);
    const space = type.namespace === '' ? null : type.namespace;
    if (space !== null) {
      if (space !== this.#space) out.set('namespace', space);
    } else if (this.#space !== null) {
      out.set('namespace', '');
    }
    if (type.doc !== null) out.set('doc', type.doc);
    switch (type.kind) {
      case 'record': {
        const saved = this.#space;
        this.#space = space;
        out.set(
          'fields',
          type.fields.map((f) => this.#field(f)),
        );
        for (const [k, v] of type.props) out.set(k, v);
        this.#space = saved;
        break;
      }
      case 'enum':
        out.set('symbols', [...type.symbols]);
        if (type.enumDefault !== null) out.set('default', type.enumDefault);
        for (const [k, v] of type.props) out.set(k, v);
        break;
      case 'fixed':
        out.set('size', new JsonNumber(String(type.size), true));
        for (const [k, v] of type.props) out.set(k, v);
        break;
    }
    return out;
  }

  #field(field: AvroField): JsonObject {
    const out = new JsonObject([
      ['name', field.name],
      ['type', this.print(field.type)],
    ]);
    if (field.doc !== null) out.set('doc', field.doc);
    if (field.defaultValue !== undefined) out.set('default', field.defaultValue);
    for (const [k, v] of field.props) out.set(k, v);
    return out;
  }

  /** Avro's Name.getQualified: the short name inside its own namespace, unless it reads as a primitive. */
  #qualified(type: AvroNamed): string {
    const space = type.namespace === '' ? null : type.namespace;
    if (space !== null && space === this.#space && !PRIMITIVES.has(type.name)) return type.name;
    return fullName(type);
  }
}

/** Whether two named types print the same: Avro Java's Schema.equals for the cases that matter here. */
function sameDefinition(a: AvroNamed, b: AvroNamed): boolean {
  return a.kind === b.kind && jsonText(new Printer().print(a)) === jsonText(new Printer().print(b));
}

// ---------------------------------------------------------------------------------------------
// Parsing a registry's schema text

/**
 * Parses Avro schema text (what the registry returns for an id) into AvroTypes, resolving named
 * references with Avro's namespace rules. Throws a DataException naming what is wrong.
 */
export function parseAvroSchema(text: string): AvroType {
  let node: JsonValue | undefined;
  try {
    node = parseJson(text);
  } catch (err) {
    throw new DataException(`Invalid Avro schema: ${(err as Error).message}`, { cause: err });
  }
  if (node === undefined) throw new DataException('Invalid Avro schema: empty text');
  return new Parser().parse(node, null);
}

const RESERVED_PROPS: Readonly<Record<string, ReadonlySet<string>>> = {
  record: new Set(['type', 'name', 'namespace', 'doc', 'fields', 'aliases']),
  error: new Set(['type', 'name', 'namespace', 'doc', 'fields', 'aliases']),
  enum: new Set(['type', 'name', 'namespace', 'doc', 'symbols', 'aliases', 'default']),
  fixed: new Set(['type', 'name', 'namespace', 'doc', 'size', 'aliases']),
  array: new Set(['type', 'items']),
  map: new Set(['type', 'values']),
};
const FIELD_RESERVED = new Set(['name', 'type', 'doc', 'default', 'order', 'aliases']);
const PRIMITIVE_RESERVED = new Set(['type']);

class Parser {
  readonly #names = new Map<string, AvroNamed>();

  parse(node: JsonValue, space: string | null): AvroType {
    if (typeof node === 'string') return this.#reference(node, space);
    if (Array.isArray(node)) return { kind: 'union', types: node.map((n) => this.parse(n, space)) };
    if (!(node instanceof JsonObject)) throw new DataException(`Invalid Avro schema: ${jsonText(node)} is not a schema`);
    const type = node.get('type');
    if (typeof type !== 'string') {
      if (type instanceof JsonObject || Array.isArray(type)) return this.parse(type, space);
      throw new DataException(`Invalid Avro schema: no "type" in ${jsonText(node)}`);
    }
    if (PRIMITIVES.has(type)) return { kind: type as PrimitiveName, props: props(node, PRIMITIVE_RESERVED) };
    switch (type) {
      case 'array':
        return { kind: 'array', items: this.parse(required(node, 'items'), space), props: props(node, RESERVED_PROPS.array!) };
      case 'map':
        return { kind: 'map', values: this.parse(required(node, 'values'), space), props: props(node, RESERVED_PROPS.map!) };
      case 'record':
      case 'error':
      case 'enum':
      case 'fixed':
        return this.#named(node, type, space);
      default:
        return this.#reference(type, space);
    }
  }

  #named(node: JsonObject, type: 'record' | 'error' | 'enum' | 'fixed', space: string | null): AvroNamed {
    const nameNode = node.get('name');
    if (typeof nameNode !== 'string' || nameNode === '') throw new DataException(`Invalid Avro schema: a ${type} needs a name`);
    const namespaceNode = node.get('namespace');
    const [declared, name] = splitName(nameNode);
    let namespace = declared;
    if (namespace === null) namespace = typeof namespaceNode === 'string' ? namespaceNode : space;
    if (namespace === '') namespace = null;
    const doc = node.get('doc');
    const docText = typeof doc === 'string' ? doc : null;
    const full = namespace === null ? name : `${namespace}.${name}`;
    if (this.#names.has(full) || PRIMITIVES.has(full)) throw new DataException(`Invalid Avro schema: can't redefine ${full}`);
    let result: AvroNamed;
    switch (type) {
      case 'record':
      case 'error': {
        const record: AvroRecord = {
          kind: 'record',
          name,
          namespace,
          doc: docText,
          fields: [],
          props: props(node, RESERVED_PROPS.record!),
        };
        this.#names.set(full, record);
        const fields = node.get('fields');
        if (!Array.isArray(fields)) throw new DataException(`Invalid Avro schema: record ${full} has no "fields" array`);
        record.fields = fields.map((f) => this.#field(f, namespace, full));
        return record;
      }
      case 'enum': {
        const symbols = node.get('symbols');
        if (!Array.isArray(symbols) || !symbols.every((s): s is string => typeof s === 'string')) {
          throw new DataException(`Invalid Avro schema: enum ${full} needs a "symbols" array of strings`);
        }
        const enumDefault = node.get('default');
        result = {
          kind: 'enum',
          name,
          namespace,
          doc: docText,
          symbols,
          enumDefault: typeof enumDefault === 'string' ? enumDefault : null,
          props: props(node, RESERVED_PROPS.enum!),
        };
        break;
      }
      case 'fixed': {
        const size = node.get('size');
        if (!(size instanceof JsonNumber) || !size.integral)
          throw new DataException(`Invalid Avro schema: fixed ${full} needs an integer "size"`);
        result = { kind: 'fixed', name, namespace, doc: docText, size: Number(size.text), props: props(node, RESERVED_PROPS.fixed!) };
        break;
      }
    }
    this.#names.set(full, result);
    return result;
  }

  #field(node: JsonValue, space: string | null, record: string): AvroField {
    if (!(node instanceof JsonObject)) throw new DataException(`Invalid Avro schema: a field of ${record} is not an object`);
    const name = node.get('name');
    if (typeof name !== 'string') throw new DataException(`Invalid Avro schema: a field of ${record} has no name`);
    const type = node.get('type');
    if (type === undefined) throw new DataException(`Invalid Avro schema: field ${record}.${name} has no type`);
    const doc = node.get('doc');
    return {
      name,
      type: this.parse(type, space),
      doc: typeof doc === 'string' ? doc : null,
      defaultValue: node.has('default') ? node.get('default')! : undefined,
      props: props(node, FIELD_RESERVED),
    };
  }

  #reference(name: string, space: string | null): AvroType {
    if (PRIMITIVES.has(name)) return { kind: name as PrimitiveName, props: new Map() };
    const found = (name.includes('.') || space === null ? undefined : this.#names.get(`${space}.${name}`)) ?? this.#names.get(name);
    if (found === undefined) throw new DataException(`Invalid Avro schema: undefined name: ${name}`);
    return found;
  }
}

function required(node: JsonObject, member: string): JsonValue {
  const value = node.get(member);
  if (value === undefined) throw new DataException(`Invalid Avro schema: no "${member}" in ${jsonText(node)}`);
  return value;
}

function props(node: JsonObject, reserved: ReadonlySet<string>): Props {
  const out: Props = new Map();
  for (const [k, v] of node) if (!reserved.has(k)) out.set(k, v);
  return out;
}
