/**
 * Confluent's JsonSchemaConverter (`io.confluent.connect.json.JsonSchemaConverter`): Connect data as
 * a JSON document in Schema Registry's wire format,
 *
 *     byte 0: magic 0 | bytes 1-4: schema id, big-endian | the JSON document, UTF-8
 *
 * with the JSON Schema registered (`"schemaType":"JSON"`) or looked up under the subject the subject
 * name strategy gives. Schemas convert as Confluent's JsonSchemaData converts them
 * (from-connect-schema.ts, to-connect-schema.ts), values as json-schema-values.ts, so that data
 * written here reads in Kafka Connect with Confluent's converter and the other way round.
 *
 * Asynchronous only on a cache miss (the Converter contract, converter.ts): `fromConnectData`
 * returns bytes at once when it knows the schema's id for the topic, and a Promise when it has to ask
 * the registry; `toConnectData` likewise for an id it has not seen. A value that does not fit its
 * schema, or a schema JSON Schema cannot express, throws at once, before any registry call.
 *
 * `json.fail.invalid.schema=true` validates every document against its JSON Schema (ajv; the
 * latest schema's with use.latest.version), writing and reading, as Confluent's serializer and
 * deserializer do; a failure names the property (`/items/0/price must be number`).
 *
 * A null value is written as Confluent writes it: with no schema, a null record (a tombstone); under
 * a schema with a default, the default; under an optional schema, the JSON document `null` with the
 * schema's id (not a tombstone: Confluent's JsonSchemaConverterTest.testNull reads it back with its
 * schema); under a required schema without a default, a null record.
 *
 * Not done: Confluent's deserializer gives the top-level schema read back the subject's version
 * (one more registry call per id) when the schema has no `connect.version`; connectd's leaves it
 * without a version.
 *
 * Not a HeaderConverter (Confluent's is not either). Schemaless data is refused: JSON Schema needs
 * a schema, and guessing one per value would register a schema per shape.
 */
import { createRequire } from 'node:module';
import type { Ajv, ValidateFunction } from 'ajv';
import type { Ajv2019 } from 'ajv/dist/2019.js';
import type { Ajv2020 } from 'ajv/dist/2020.js';
import type { ConfigDef } from '../../sdk/config-def.js';
import type { Converter } from '../converter.js';
import { DataException } from '../errors.js';
import { parseJson } from '../json/json-text.js';
import { LruCache } from '../lru-cache.js';
import { SchemaAndValue } from '../schema.js';
import type { Schema } from '../schema.js';
import type { SchemaRegistryClient } from '../schema-registry/schema-registry-client.js';
import { lookUpHint, registryClientOf, wrapRegistryError } from '../schema-registry/registry-converter-support.js';
import { subjectName } from '../schema-registry/subject-name-strategy.js';
import { fromConnectSchema, jsonSchemaText } from './from-connect-schema.js';
import { jsonSchemaConverterConfigDef, parseJsonSchemaConverterConfig } from './json-schema-converter-config.js';
import type { JsonSchemaConverterSettings } from './json-schema-converter-config.js';
import { readJsonSchemaValue, writeJsonSchemaValue } from './json-schema-values.js';
import { toConnectSchemaFromText } from './to-connect-schema.js';

export const MAGIC_BYTE = 0;
/** Magic byte and schema id. */
export const WIRE_HEADER_BYTES = 5;

/** A JSON Schema as this converter writes it, shared by every Connect schema that gives the same text. */
interface WriterSchema {
  readonly text: string;
  /** The schema's `title`, the record name of the record subject name strategies. */
  readonly recordName: string | null;
  /** What to write under, per topic (the subject depends on the topic and this schema only). */
  readonly targets: Map<string, WriteTarget>;
}

interface WriteTarget {
  readonly id: number;
  /** The schema values are validated against (json.fail.invalid.schema): ours, or the latest one. */
  readonly schemaText: string;
}

interface ReaderEntry {
  readonly connectSchema: Schema;
  readonly text: string;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

export class JsonSchemaConverter implements Converter {
  #settings: JsonSchemaConverterSettings | undefined;
  #client: SchemaRegistryClient | undefined;
  #writers = new LruCache<Schema, WriterSchema>(1000);
  #writerSchemas = new LruCache<string, WriterSchema>(1000);
  #ids = new LruCache<string, WriteTarget>(1000);
  #readers = new LruCache<number, ReaderEntry>(1000);
  /** Schema texts this converter registered or looked up, by id, so reading them needs no GET. */
  #knownTexts = new LruCache<number, string>(1000);
  #validators = new LruCache<string, ValidateFunction>(1000);
  readonly #pendingTargets = new Map<string, Promise<WriteTarget>>();
  readonly #pendingReaders = new Map<number, Promise<ReaderEntry>>();

  config(): ConfigDef {
    return jsonSchemaConverterConfigDef();
  }

  configure(configs: Readonly<Record<string, string>>, isKey: boolean): void {
    const settings = parseJsonSchemaConverterConfig(configs, isKey);
    this.#settings = settings;
    this.#client = registryClientOf(settings);
    this.#writers = new LruCache(settings.schemasCacheSize);
    this.#writerSchemas = new LruCache(settings.schemasCacheSize);
    this.#readers = new LruCache(settings.schemasCacheSize);
    this.#validators = new LruCache(settings.schemasCacheSize);
    this.#ids = new LruCache(settings.maxSchemasPerSubject);
    this.#knownTexts = new LruCache(settings.maxSchemasPerSubject);
  }

  /**
   * The wire bytes of a value, or a Promise of them when the schema's id is not known yet for this
   * topic (one registry call; later records of that schema and topic convert synchronously).
   */
  fromConnectData(topic: string, schema: Schema | null, value: unknown): Uint8Array | null | Promise<Uint8Array | null> {
    const settings = this.#configured();
    const failed = `Converting Kafka Connect data to byte[] failed for topic ${topic}`;
    if (schema === null) {
      if (value === null || value === undefined) return null;
      throw new DataException(
        `${failed}: the ${settings.isKey ? 'key' : 'value'} has no schema, and JSON Schema needs one ` +
          '(give the record a keySchema/valueSchema, or use JsonConverter for schemaless data)',
      );
    }
    const writer = this.#writerSchema(schema, topic);
    let document: string | undefined;
    try {
      document = writeJsonSchemaValue(schema, value, settings.data);
    } catch (err) {
      if (err instanceof DataException) err.message = `${failed}: ${err.message}`;
      throw err;
    }
    if (document === undefined) return null;
    const payload = encoder.encode(document);
    const target = writer.targets.get(topic) ?? this.#knownTarget(writer, topic);
    const finish = (t: WriteTarget): Uint8Array => {
      if (settings.failInvalidSchema) this.#validate(t.schemaText, document, `${failed}: the value is not valid under schema id ${t.id}`);
      return frame(payload, t.id);
    };
    if (target !== undefined) return finish(target);
    return this.#resolveTarget(writer, topic).then(finish);
  }

  /** The schema and value of wire bytes, or a Promise of them when the schema id is new to this converter. */
  toConnectData(topic: string, value: Uint8Array | null): SchemaAndValue | Promise<SchemaAndValue> {
    const settings = this.#configured();
    if (value === null) return SchemaAndValue.NULL;
    const failed = `Converting byte[] to Kafka Connect data failed for topic ${topic}`;
    if (value.byteLength < WIRE_HEADER_BYTES || value[0] !== MAGIC_BYTE) throw new DataException(`${failed}: Unknown magic byte!`);
    const id = new DataView(value.buffer, value.byteOffset, value.byteLength).getInt32(1, false);
    const reader = this.#readers.get(id);
    if (reader !== undefined) return this.#read(reader, value, id, failed);
    const known = this.#knownTexts.get(id);
    if (known !== undefined) return this.#read(this.#buildReader(id, known, failed), value, id, failed);
    return this.#readerFor(id, failed).then(
      (r) => this.#read(r, value, id, failed),
      (err: unknown) => {
        throw wrapRegistryError(err, `${failed}: Error retrieving JSON Schema ${settings.isKey ? 'key' : 'value'} schema for id ${id}`);
      },
    );
  }

  close(): void {
    this.#writers.clear();
    this.#writerSchemas.clear();
    this.#ids.clear();
    this.#readers.clear();
    this.#knownTexts.clear();
    this.#validators.clear();
  }

  #configured(): JsonSchemaConverterSettings {
    if (this.#settings === undefined) throw new Error('JsonSchemaConverter: configure() must be called before converting');
    return this.#settings;
  }

  #writerSchema(schema: Schema, topic: string): WriterSchema {
    let writer = this.#writers.get(schema);
    if (writer !== undefined) return writer;
    let text: string;
    let title: unknown;
    try {
      const node = fromConnectSchema(schema, this.#settings!.data);
      text = jsonSchemaText(node);
      title = node.title;
    } catch (err) {
      if (err instanceof DataException)
        err.message = `Failed to convert the Connect schema of topic ${topic} to JSON Schema: ${err.message}`;
      throw err;
    }
    writer = this.#writerSchemas.get(text);
    if (writer === undefined) {
      writer = { text, recordName: typeof title === 'string' ? title : null, targets: new Map() };
      this.#writerSchemas.set(text, writer);
    }
    this.#writers.set(schema, writer);
    return writer;
  }

  #subject(writer: WriterSchema, topic: string): string {
    return subjectName(this.#settings!.subjectNameStrategy, topic, this.#settings!.isKey, writer.recordName);
  }

  /** A target the registry already gave for this subject and schema text (under another Connect schema object). */
  #knownTarget(writer: WriterSchema, topic: string): WriteTarget | undefined {
    const target = this.#ids.get(`${this.#subject(writer, topic)}\u0000${writer.text}`);
    if (target !== undefined) this.#remember(writer, topic, target);
    return target;
  }

  #remember(writer: WriterSchema, topic: string, target: WriteTarget): void {
    if (writer.targets.size >= this.#settings!.maxSchemasPerSubject) writer.targets.clear();
    writer.targets.set(topic, target);
  }

  #resolveTarget(writer: WriterSchema, topic: string): Promise<WriteTarget> {
    const subject = this.#subject(writer, topic);
    const key = `${subject}\u0000${writer.text}`;
    let pending = this.#pendingTargets.get(key);
    if (pending === undefined) {
      pending = this.#askRegistry(subject, writer).finally(() => this.#pendingTargets.delete(key));
      this.#pendingTargets.set(key, pending);
    }
    return pending.then((target) => {
      this.#ids.set(key, target);
      this.#remember(writer, topic, target);
      return target;
    });
  }

  /** auto.register.schemas wins over use.latest.version, as in Confluent's serializer; else a lookup. */
  async #askRegistry(subject: string, writer: WriterSchema): Promise<WriteTarget> {
    const settings = this.#settings!;
    const client = this.#client!;
    if (settings.autoRegister) {
      try {
        const id = await client.register(subject, writer.text, 'JSON');
        this.#knownTexts.set(id, writer.text);
        return { id, schemaText: writer.text };
      } catch (err) {
        throw wrapRegistryError(err, `Failed to register the JSON Schema under subject "${subject}"`);
      }
    }
    if (settings.useLatestVersion) {
      try {
        const latest = await client.latestVersion(subject);
        this.#knownTexts.set(latest.id, latest.schema);
        return { id: latest.id, schemaText: latest.schema };
      } catch (err) {
        throw wrapRegistryError(err, `Failed to get the latest version of subject "${subject}" (use.latest.version=true)`);
      }
    }
    try {
      const found = await client.lookUp(subject, writer.text, 'JSON');
      this.#knownTexts.set(found.id, writer.text);
      return { id: found.id, schemaText: writer.text };
    } catch (err) {
      throw wrapRegistryError(err, `Failed to look up the JSON Schema under subject "${subject}"${lookUpHint(err)}`);
    }
  }

  #readerFor(id: number, failed: string): Promise<ReaderEntry> {
    let pending = this.#pendingReaders.get(id);
    if (pending === undefined) {
      pending = this.#client!.schemaById(id, 'JSON')
        .then((text) => this.#buildReader(id, text, failed))
        .finally(() => this.#pendingReaders.delete(id));
      this.#pendingReaders.set(id, pending);
    }
    return pending;
  }

  #buildReader(id: number, text: string, failed: string): ReaderEntry {
    let connectSchema: Schema;
    try {
      connectSchema = toConnectSchemaFromText(text, this.#settings!.data);
    } catch (err) {
      if (err instanceof DataException) err.message = `${failed}: schema id ${id}: ${err.message}`;
      throw err;
    }
    const entry: ReaderEntry = { connectSchema, text };
    this.#readers.set(id, entry);
    return entry;
  }

  #read(reader: ReaderEntry, bytes: Uint8Array, id: number, failed: string): SchemaAndValue {
    let document: string;
    try {
      document = decoder.decode(bytes.subarray(WIRE_HEADER_BYTES));
    } catch (err) {
      throw new DataException(`${failed}: schema id ${id}: the document is not UTF-8`, { cause: err });
    }
    try {
      const node = parseJson(document);
      if (node === undefined) throw new DataException(`schema id ${id}: the document is empty`);
      if (node === null) return new SchemaAndValue(reader.connectSchema, null);
      if (this.#settings!.failInvalidSchema) this.#validate(reader.text, document, `the document is not valid under schema id ${id}`);
      return new SchemaAndValue(reader.connectSchema, readJsonSchemaValue(reader.connectSchema, node, this.#settings!.data));
    } catch (err) {
      if (err instanceof DataException) err.message = `${failed}: ${err.message}`;
      throw err;
    }
  }

  /** Throws a DataException listing where `document` breaks the JSON Schema `schemaText`. */
  #validate(schemaText: string, document: string, context: string): void {
    let validate = this.#validators.get(schemaText);
    if (validate === undefined) {
      validate = compileValidator(schemaText);
      this.#validators.set(schemaText, validate);
    }
    if (validate(JSON.parse(document))) return;
    const problems = (validate.errors ?? []).map(
      (e) => `${e.instancePath === '' ? '(the document)' : e.instancePath} ${e.message ?? 'is invalid'}`,
    );
    throw new DataException(`${context}: ${problems.join('; ')}`);
  }
}

/**
 * An ajv validator for a JSON Schema text. The draft follows `$schema` as in Confluent's provider
 * (2019-09 and 2020-12 by name, anything else as draft 7, Confluent's default). Not strict: the
 * `connect.*` keywords are annotations, and formats are not checked (ajv has none built in).
 */
let ajvClasses: { draft7: typeof Ajv; draft2019: typeof Ajv2019; draft2020: typeof Ajv2020 } | undefined;

/**
 * ajv, loaded on the first validation: every worker thread loads the converter registry, and most
 * converters never validate (json.fail.invalid.schema is off by default).
 */
function ajv(): NonNullable<typeof ajvClasses> {
  if (ajvClasses === undefined) {
    const require = createRequire(import.meta.url);
    ajvClasses = {
      draft7: (require('ajv') as { Ajv: typeof Ajv }).Ajv,
      draft2019: (require('ajv/dist/2019.js') as { Ajv2019: typeof Ajv2019 }).Ajv2019,
      draft2020: (require('ajv/dist/2020.js') as { Ajv2020: typeof Ajv2020 }).Ajv2020,
    };
  }
  return ajvClasses;
}

function compileValidator(schemaText: string): ValidateFunction {
  const schema = JSON.parse(schemaText) as Record<string, unknown>;
  const dialect = typeof schema.$schema === 'string' ? schema.$schema : '';
  const options = { strict: false, validateFormats: false, allErrors: true, logger: false } as const;
  const classes = ajv();
  try {
    if (dialect.includes('2020-12')) return new classes.draft2020(options).compile(schema);
    if (dialect.includes('2019-09')) return new classes.draft2019(options).compile(schema);
    const { $schema: _ignored, ...draft7 } = schema;
    return new classes.draft7(options).compile(draft7);
  } catch (err) {
    throw new DataException(`The JSON Schema cannot be compiled for validation: ${(err as Error).message}`, { cause: err });
  }
}

function frame(payload: Uint8Array, id: number): Uint8Array {
  const out = new Uint8Array(WIRE_HEADER_BYTES + payload.byteLength);
  out[0] = MAGIC_BYTE;
  new DataView(out.buffer).setInt32(1, id, false);
  out.set(payload, WIRE_HEADER_BYTES);
  return out;
}
