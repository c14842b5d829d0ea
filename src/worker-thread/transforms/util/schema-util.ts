/**
 * Kafka's `SchemaUtil.copySchemaBasics` and the schema cache the transforms keep (Kafka's
 * `SynchronizedCache<>(new LRUCache<>(16))`, keyed by Schema.equals).
 */
import { schemasEqual, SchemaType } from '../../data/schema.js';
import type { Field, Schema } from '../../data/schema.js';
import type { Struct } from '../../data/struct.js';
import { SchemaBuilder } from '../../data/schema-builder.js';

/** A builder of the source's type (an ARRAY keeps its element schema) with its name, version, doc and parameters. */
export function copySchemaBasics(source: Schema, builder?: SchemaBuilder): SchemaBuilder {
  const target =
    builder ??
    (source.type === SchemaType.ARRAY && source.valueSchema !== null
      ? SchemaBuilder.array(source.valueSchema)
      : new SchemaBuilder(source.type));
  if (source.name !== null) target.name(source.name);
  if (source.version !== null) target.version(source.version);
  if (source.doc !== null) target.doc(source.doc);
  if (source.parameters !== null) target.parameters(source.parameters);
  return target;
}

/**
 * The last 16 schemas a transform derived a new schema from, and what it derived. A hit by identity
 * costs one comparison; an equal schema in another object (a connector that builds its schema per
 * record) is found by Kafka's equality, so the derived schema is the same object each time.
 */
export class SchemaCache {
  static readonly SIZE = 16;
  readonly #keys: Schema[] = [];
  readonly #values: Schema[] = [];

  get(schema: Schema): Schema | undefined {
    const keys = this.#keys;
    for (let i = 0; i < keys.length; i++) if (keys[i] === schema) return this.#values[i];
    for (let i = 0; i < keys.length; i++) {
      if (schemasEqual(keys[i], schema)) {
        const value = this.#values[i]!;
        this.put(schema, value);
        return value;
      }
    }
    return undefined;
  }

  put(schema: Schema, derived: Schema): void {
    this.#keys.unshift(schema);
    this.#values.unshift(derived);
    if (this.#keys.length > SchemaCache.SIZE) {
      this.#keys.pop();
      this.#values.pop();
    }
  }

  /** The derived schema of `schema`, built by `build` on a miss. */
  getOrBuild(schema: Schema, build: (schema: Schema) => Schema): Schema {
    const cached = this.get(schema);
    if (cached !== undefined) return cached;
    const built = build(schema);
    this.put(schema, built);
    return built;
  }
}

/** A field's value, its schema's default standing for a null when `replaceNullWithDefault` (Kafka's getFieldValue). */
export function fieldValue(struct: Struct, field: Field | string, replaceNullWithDefault: boolean): unknown {
  return replaceNullWithDefault ? struct.get(field) : struct.getWithoutDefault(field);
}
