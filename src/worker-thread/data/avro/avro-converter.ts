/**
 * Confluent's AvroConverter (`io.confluent.connect.avro.AvroConverter`): Connect data as Avro in
 * Schema Registry's wire format,
 *
 *     byte 0: magic 0 | bytes 1-4: schema id, big-endian | Avro binary of the value
 *
 * with the schema registered (or looked up) in the registry under the subject the subject name
 * strategy gives. Schemas convert as Confluent's AvroData converts them (from-connect-schema.ts,
 * to-connect-schema.ts), so data written here reads in Kafka Connect and the other way round.
 *
 * Asynchronous only on a cache miss (the Converter contract, converter.ts): `fromConnectData`
 * returns bytes at once when it knows the schema's id for the topic, and a Promise when it has to ask
 * the registry; `toConnectData` likewise for an id it has not seen. Everything else (a value that
 * does not fit its schema, a schema Avro cannot express, a record strategy without a record) throws
 * at once, before any registry call. Caches, all bounded (`schemas.cache.config`,
 * `max.schemas.per.subject`): Connect schema → Avro schema and compiled conversions (by identity,
 * then by the Avro text, so an equal schema rebuilt per record is cheap), (subject, schema) → id,
 * and id → Connect schema. A schema this converter registered reads back without a registry call.
 *
 * Not a HeaderConverter (Confluent's is not either). Schemaless data (a value without a schema) is
 * refused: Avro needs a schema, and guessing one per value would register a schema per shape.
 */
import avro from 'avsc';
import type { Type } from 'avsc';
import type { ConfigDef } from '../../sdk/config-def.js';
import type { Converter } from '../converter.js';
import { DataException } from '../errors.js';
import type { JsonValue } from '../json/json-text.js';
import { SchemaAndValue } from '../schema.js';
import type { Schema } from '../schema.js';
import { avroConverterConfigDef, parseAvroConverterConfig } from './avro-converter-config.js';
import type { AvroConverterSettings } from './avro-converter-config.js';
import { jsonPlain, jsonText } from './avro-json.js';
import { LONG_TYPE_HOOK } from './avro-long.js';
import { avroSchemaJson, fullName, isNamed, parseAvroSchema } from './avro-types.js';
import type { AvroType } from './avro-types.js';
import { fromAvroPlan, toAvroPlan } from './avro-values.js';
import type { ValuePlan } from './avro-values.js';
import { fromConnectSchema } from './from-connect-schema.js';
import type { SchemaRegistryClient } from '../schema-registry/schema-registry-client.js';
import { lookUpHint, registryClientOf, wrapRegistryError } from '../schema-registry/registry-converter-support.js';
import { subjectName } from '../schema-registry/subject-name-strategy.js';
import { LruCache } from '../lru-cache.js';
import { toConnectSchema } from './to-connect-schema.js';

export const MAGIC_BYTE = 0;
/** Magic byte and schema id. */
export const WIRE_HEADER_BYTES = 5;

/** An Avro schema as this converter writes it, shared by every Connect schema that gives the same text. */
interface WriterSchema {
  readonly text: string;
  readonly type: Type;
  /** The top-level named type's full name, for the record subject name strategies. */
  readonly recordName: string | null;
  /** What to write under, per topic (the subject depends on the topic and this schema only). */
  readonly targets: Map<string, WriteTarget>;
}

interface WriteTarget {
  readonly id: number;
  /** Set with use.latest.version when the latest schema is not ours: the value is rewritten in it. */
  readonly latest?: { readonly type: Type; readonly resolver: unknown };
}

interface WriterEntry {
  readonly schema: WriterSchema;
  readonly toAvro: ValuePlan;
}

interface ReaderEntry {
  readonly connectSchema: Schema;
  readonly type: Type;
  readonly fromAvro: ValuePlan;
}

/** avsc's Type of an Avro schema's JSON, with connectd's bigint longs. */
function avscType(schema: JsonValue): Type {
  try {
    return avro.Type.forSchema(jsonPlain(schema) as avro.Schema, { typeHook: LONG_TYPE_HOOK, wrapUnions: 'auto' });
  } catch (err) {
    throw new DataException(`Avro cannot hold this schema: ${(err as Error).message}`, { cause: err });
  }
}

function causeMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export class AvroConverter implements Converter {
  #settings: AvroConverterSettings | undefined;
  #client: SchemaRegistryClient | undefined;
  #writers = new LruCache<Schema, WriterEntry>(1000);
  #writerSchemas = new LruCache<string, WriterSchema>(1000);
  /** `subject \0 schema text` → id: what the registry said, for any Connect schema that gives that text. */
  #ids = new LruCache<string, WriteTarget>(1000);
  #readers = new LruCache<number, ReaderEntry>(1000);
  /** Schema texts this converter registered or looked up, by id, so reading them needs no GET. */
  #knownTexts = new LruCache<number, string>(1000);
  readonly #pendingTargets = new Map<string, Promise<WriteTarget>>();
  readonly #pendingReaders = new Map<number, Promise<ReaderEntry>>();
  /** Where values are encoded before the exact-size copy: reused, grown as needed. */
  #scratch = Buffer.allocUnsafe(4096);

  config(): ConfigDef {
    return avroConverterConfigDef();
  }

  configure(configs: Readonly<Record<string, string>>, isKey: boolean): void {
    const settings = parseAvroConverterConfig(configs, isKey);
    this.#settings = settings;
    this.#client = registryClientOf(settings);
    this.#writers = new LruCache(settings.schemasCacheSize);
    this.#writerSchemas = new LruCache(settings.schemasCacheSize);
    this.#readers = new LruCache(settings.schemasCacheSize);
    this.#ids = new LruCache(settings.maxSchemasPerSubject);
    this.#knownTexts = new LruCache(settings.maxSchemasPerSubject);
  }

  /**
   * The wire bytes of a value, or a Promise of them when the schema's id is not known yet for this
   * topic (one registry call; later records of that schema and topic convert synchronously).
   */
  fromConnectData(topic: string, schema: Schema | null, value: unknown): Uint8Array | null | Promise<Uint8Array | null> {
    const settings = this.#configured();
    if (schema === null) {
      if (value === null || value === undefined) return null;
      throw new DataException(
        `Failed to serialize Avro data from topic ${topic}: the ${settings.isKey ? 'key' : 'value'} has no schema, and Avro needs one ` +
          '(give the record a keySchema/valueSchema, or use a converter for schemaless data such as JsonConverter)',
      );
    }
    if (value === null || value === undefined) {
      if (schema.isOptional) return null;
      throw new DataException(`Failed to serialize Avro data from topic ${topic}: Found null value for non-optional schema`);
    }
    const entry = this.#writerEntry(schema, topic);
    let avroValue: unknown;
    try {
      avroValue = entry.toAvro(value);
    } catch (err) {
      if (err instanceof DataException) {
        err.message = `Failed to serialize Avro data from topic ${topic}: ${err.message}`;
        throw err;
      }
      throw err;
    }
    const target = entry.schema.targets.get(topic) ?? this.#knownTarget(entry.schema, topic);
    if (target !== undefined && target.latest === undefined) return this.#frame(entry.schema.type, avroValue, target.id, topic);
    // Encode now, so that a value avsc refuses fails here and not after the registry answered.
    const encoded = target === undefined ? this.#frame(entry.schema.type, avroValue, 0, topic) : null;
    const pending = target ?? this.#resolveTarget(entry.schema, topic);
    const finish = (t: WriteTarget): Uint8Array => {
      if (t.latest !== undefined) return this.#rewriteInLatest(entry.schema.type, avroValue, t, topic);
      const bytes = encoded ?? this.#frame(entry.schema.type, avroValue, t.id, topic);
      writeId(bytes, t.id);
      return bytes;
    };
    return pending instanceof Promise ? pending.then(finish) : finish(pending);
  }

  /** The schema and value of wire bytes, or a Promise of them when the schema id is new to this converter. */
  toConnectData(topic: string, value: Uint8Array | null): SchemaAndValue | Promise<SchemaAndValue> {
    const settings = this.#configured();
    if (value === null) return SchemaAndValue.NULL;
    if (value.byteLength < WIRE_HEADER_BYTES || value[0] !== MAGIC_BYTE) {
      throw new DataException(`Failed to deserialize data for topic ${topic} to Avro: Unknown magic byte!`);
    }
    const bytes = Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
    const id = bytes.readInt32BE(1);
    const reader = this.#readers.get(id);
    if (reader !== undefined) return this.#read(reader, bytes, topic, id);
    const known = this.#knownTexts.get(id);
    if (known !== undefined) return this.#read(this.#buildReader(id, known, settings), bytes, topic, id);
    return this.#readerFor(id, settings).then(
      (r) => this.#read(r, bytes, topic, id),
      (err: unknown) => {
        throw wrapRegistryError(
          err,
          `Failed to deserialize data for topic ${topic} to Avro: Error retrieving Avro ${settings.isKey ? 'key' : 'value'} schema for id ${id}`,
        );
      },
    );
  }

  close(): void {
    this.#writers.clear();
    this.#writerSchemas.clear();
    this.#ids.clear();
    this.#readers.clear();
    this.#knownTexts.clear();
  }

  /** For tests and metrics: how much each cache holds. */
  get cacheSizes(): { writers: number; writerSchemas: number; ids: number; readers: number } {
    return { writers: this.#writers.size, writerSchemas: this.#writerSchemas.size, ids: this.#ids.size, readers: this.#readers.size };
  }

  #configured(): AvroConverterSettings {
    if (this.#settings === undefined) throw new Error('AvroConverter: configure() must be called before converting');
    return this.#settings;
  }

  #writerEntry(schema: Schema, topic: string): WriterEntry {
    let entry = this.#writers.get(schema);
    if (entry !== undefined) return entry;
    const options = this.#settings!.data;
    let avroType: AvroType;
    let json: JsonValue;
    try {
      avroType = fromConnectSchema(schema, options);
      json = avroSchemaJson(avroType);
    } catch (err) {
      if (err instanceof DataException) err.message = `Failed to convert the Connect schema of topic ${topic} to Avro: ${err.message}`;
      throw err;
    }
    const text = jsonText(json);
    let writerSchema = this.#writerSchemas.get(text);
    if (writerSchema === undefined) {
      writerSchema = { text, type: avscType(json), recordName: isNamed(avroType) ? fullName(avroType) : null, targets: new Map() };
      this.#writerSchemas.set(text, writerSchema);
    }
    entry = { schema: writerSchema, toAvro: toAvroPlan(schema, writerSchema.type) };
    this.#writers.set(schema, entry);
    return entry;
  }

  /** A target the registry already gave for this subject and schema text (under another Connect schema object). */
  #knownTarget(writerSchema: WriterSchema, topic: string): WriteTarget | undefined {
    const subject = subjectName(this.#settings!.subjectNameStrategy, topic, this.#settings!.isKey, writerSchema.recordName);
    const target = this.#ids.get(`${subject}\u0000${writerSchema.text}`);
    if (target !== undefined) this.#remember(writerSchema, topic, target);
    return target;
  }

  #remember(writerSchema: WriterSchema, topic: string, target: WriteTarget): void {
    if (writerSchema.targets.size >= this.#settings!.maxSchemasPerSubject) writerSchema.targets.clear();
    writerSchema.targets.set(topic, target);
  }

  #resolveTarget(writerSchema: WriterSchema, topic: string): Promise<WriteTarget> {
    const settings = this.#settings!;
    const subject = subjectName(settings.subjectNameStrategy, topic, settings.isKey, writerSchema.recordName);
    const key = `${subject}\u0000${writerSchema.text}`;
    let pending = this.#pendingTargets.get(key);
    if (pending === undefined) {
      pending = this.#askRegistry(subject, writerSchema).finally(() => this.#pendingTargets.delete(key));
      this.#pendingTargets.set(key, pending);
    }
    return pending.then((target) => {
      this.#ids.set(key, target);
      this.#remember(writerSchema, topic, target);
      return target;
    });
  }

  /** auto.register.schemas wins over use.latest.version, as in Confluent's serializer; else a lookup. */
  async #askRegistry(subject: string, writerSchema: WriterSchema): Promise<WriteTarget> {
    const settings = this.#settings!;
    const client = this.#client!;
    if (settings.autoRegister) {
      try {
        const id = await client.register(subject, writerSchema.text);
        this.#knownTexts.set(id, writerSchema.text);
        return { id };
      } catch (err) {
        throw wrapRegistryError(err, `Failed to register the Avro schema under subject "${subject}"`);
      }
    }
    if (settings.useLatestVersion) {
      let latest;
      try {
        latest = await client.latestVersion(subject);
      } catch (err) {
        throw wrapRegistryError(err, `Failed to get the latest version of subject "${subject}" (use.latest.version=true)`);
      }
      this.#knownTexts.set(latest.id, latest.schema);
      if (latest.schema === writerSchema.text) return { id: latest.id };
      const latestType = avscType(avroSchemaJson(parseAvroSchema(latest.schema)));
      let resolver: unknown;
      try {
        resolver = latestType.createResolver(writerSchema.type);
      } catch (err) {
        throw new DataException(
          `The latest version ${latest.version} of subject "${subject}" (id ${latest.id}) cannot read values of this record's schema: ${causeMessage(err)}`,
          { cause: err },
        );
      }
      return { id: latest.id, latest: { type: latestType, resolver } };
    }
    try {
      const found = await client.lookUp(subject, writerSchema.text);
      this.#knownTexts.set(found.id, writerSchema.text);
      return { id: found.id };
    } catch (err) {
      throw wrapRegistryError(err, `Failed to look up the Avro schema under subject "${subject}"${lookUpHint(err)}`);
    }
  }

  /** Magic byte, id and the Avro binary of `avroValue`, in a buffer of exactly that size. */
  #frame(type: Type, avroValue: unknown, id: number, topic: string): Uint8Array {
    let scratch = this.#scratch;
    let end: number;
    try {
      end = type.encode(avroValue, scratch, WIRE_HEADER_BYTES);
      while (end < 0) {
        // avsc answers how many bytes were missing; leave room for the next value too.
        scratch = Buffer.allocUnsafe(Math.max(scratch.length * 2, scratch.length - end));
        end = type.encode(avroValue, scratch, WIRE_HEADER_BYTES);
      }
    } catch (err) {
      throw new DataException(`Failed to serialize Avro data from topic ${topic}: ${causeMessage(err)}`, { cause: err });
    }
    this.#scratch = scratch;
    const out = new Uint8Array(end);
    out.set(scratch.subarray(0, end));
    out[0] = MAGIC_BYTE;
    writeId(out, id);
    return out;
  }

  #rewriteInLatest(ownType: Type, avroValue: unknown, target: WriteTarget, topic: string): Uint8Array {
    const latest = target.latest!;
    let latestValue: unknown;
    try {
      latestValue = latest.type.fromBuffer(ownType.toBuffer(avroValue), latest.resolver as never);
    } catch (err) {
      throw new DataException(
        `Failed to serialize Avro data from topic ${topic} in the latest schema (id ${target.id}): ${causeMessage(err)}`,
        { cause: err },
      );
    }
    return this.#frame(latest.type, latestValue, target.id, topic);
  }

  #readerFor(id: number, settings: AvroConverterSettings): Promise<ReaderEntry> {
    let pending = this.#pendingReaders.get(id);
    if (pending === undefined) {
      pending = this.#client!.schemaById(id)
        .then((text) => this.#buildReader(id, text, settings))
        .finally(() => this.#pendingReaders.delete(id));
      this.#pendingReaders.set(id, pending);
    }
    return pending;
  }

  #buildReader(id: number, text: string, settings: AvroConverterSettings): ReaderEntry {
    const avroType = parseAvroSchema(text);
    const connectSchema = toConnectSchema(avroType, settings.data);
    const type = avscType(avroSchemaJson(avroType));
    const entry: ReaderEntry = { connectSchema, type, fromAvro: fromAvroPlan(connectSchema, type) };
    this.#readers.set(id, entry);
    return entry;
  }

  #read(reader: ReaderEntry, bytes: Buffer, topic: string, id: number): SchemaAndValue {
    let decoded: { value: unknown; offset: number };
    try {
      decoded = reader.type.decode(bytes, WIRE_HEADER_BYTES);
    } catch (err) {
      throw new DataException(`Failed to deserialize data for topic ${topic} to Avro: schema id ${id}: ${causeMessage(err)}`, {
        cause: err,
      });
    }
    if (decoded.offset < 0)
      throw new DataException(
        `Failed to deserialize data for topic ${topic} to Avro: schema id ${id}: the data ends early (truncated message)`,
      );
    try {
      return new SchemaAndValue(reader.connectSchema, reader.fromAvro(decoded.value));
    } catch (err) {
      if (err instanceof DataException) err.message = `Failed to deserialize data for topic ${topic} to Avro: ${err.message}`;
      throw err;
    }
  }
}

function writeId(bytes: Uint8Array, id: number): void {
  bytes[1] = (id >>> 24) & 0xff;
  bytes[2] = (id >>> 16) & 0xff;
  bytes[3] = (id >>> 8) & 0xff;
  bytes[4] = id & 0xff;
}
