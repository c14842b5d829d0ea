/**
 * Confluent's ProtobufConverter (`io.confluent.connect.protobuf.ProtobufConverter`): Connect data as
 * Protobuf in Schema Registry's wire format (message-indexes.ts),
 *
 *     byte 0: magic 0 | bytes 1-4: schema id, big-endian | message indexes | protobuf binary
 *
 * with the .proto schema registered (or looked up) in the registry with `schemaType: "PROTOBUF"`
 * under the subject the subject name strategy gives (the record strategies use the message's full
 * name). Schemas convert as Confluent's ProtobufData converts them (from-connect-schema.ts,
 * to-connect-schema.ts), so data written here reads in Kafka Connect and the other way round.
 *
 * Like the AvroConverter, asynchronous only on a cache miss: `fromConnectData` returns bytes at once
 * when it knows the schema's id for the topic, a Promise when it must ask the registry;
 * `toConnectData` likewise for an id it has not seen. A value that does not fit its schema, or a
 * schema protobuf cannot express, throws at once, before any registry call. Caches are bounded by
 * `schemas.cache.config` and `max.schemas.per.subject`; a schema this converter registered reads back
 * without a registry call.
 *
 * Not a HeaderConverter; schemaless values are refused (protobuf needs a schema); the root schema
 * must be a STRUCT, as in Confluent's. Schema references other than the well-known imports
 * (known-protos.ts) are not resolved yet: reading such a schema fails with a DataException saying so.
 */
import type protobuf from 'protobufjs';
import { protobufjs } from './protobufjs.js';
import type { ConfigDef } from '../../sdk/config-def.js';
import type { Converter } from '../converter.js';
import { DataException } from '../errors.js';
import { LruCache } from '../lru-cache.js';
import { SchemaAndValue } from '../schema.js';
import type { Schema } from '../schema.js';
import { Struct, validateValue } from '../struct.js';
import { SchemaRegistryClient, SchemaRegistryException } from '../schema-registry/schema-registry-client.js';
import { lookUpHint, registryClientOf } from '../schema-registry/registry-converter-support.js';
import { subjectName } from '../schema-registry/subject-name-strategy.js';
import { fromConnectSchema } from './from-connect-schema.js';
import { MAGIC_BYTE, WIRE_HEADER_BYTES, decodeMessageIndexes, encodeMessageIndexes } from './message-indexes.js';
import { parseProtobufConverterConfig, protobufConverterConfigDef } from './protobuf-converter-config.js';
import type { ProtobufConverterSettings } from './protobuf-converter-config.js';
import { fromProtoMessage, toProtoMessage } from './protobuf-values.js';
import { indexesOf, messageAt, parseProto, toConnectSchema } from './to-connect-schema.js';
import type { ProtoFile } from './to-connect-schema.js';

/** A .proto text as this converter writes it, shared by every Connect schema that gives that text. */
interface WriterSchema {
  readonly text: string;
  readonly messageName: string;
  readonly type: protobuf.Type;
  /** What to write under, per topic. */
  readonly targets: Map<string, WriteTarget>;
}

interface WriteTarget {
  readonly id: number;
  /** The message written: ours, or with use.latest.version the latest schema's message of our name. */
  readonly type: protobuf.Type;
  readonly indexes: Uint8Array;
}

interface ReaderEntry {
  readonly file: ProtoFile;
  /** Connect schema and message per message-index path (`"0"`, `"1.0"`). */
  readonly messages: Map<string, { readonly schema: Schema; readonly type: protobuf.Type }>;
}

const FIRST_MESSAGE = encodeMessageIndexes([0]);

export class ProtobufConverter implements Converter {
  #settings: ProtobufConverterSettings | undefined;
  #client: SchemaRegistryClient | undefined;
  #writers = new LruCache<Schema, WriterSchema>(1000);
  #writerSchemas = new LruCache<string, WriterSchema>(1000);
  /** `subject \0 schema text` → target: what the registry said, for any Connect schema that gives that text. */
  #ids = new LruCache<string, WriteTarget>(1000);
  #readers = new LruCache<number, ReaderEntry>(1000);
  /** Schema texts this converter registered or looked up, by id, so reading them needs no GET. */
  #knownTexts = new LruCache<number, string>(1000);
  readonly #pendingTargets = new Map<string, Promise<WriteTarget>>();
  readonly #pendingReaders = new Map<number, Promise<ReaderEntry>>();

  config(): ConfigDef {
    return protobufConverterConfigDef();
  }

  configure(configs: Readonly<Record<string, string>>, isKey: boolean): void {
    const settings = parseProtobufConverterConfig(configs, isKey);
    this.#settings = settings;
    this.#client = registryClientOf(settings);
    this.#writers = new LruCache(settings.schemasCacheSize);
    this.#writerSchemas = new LruCache(settings.schemasCacheSize);
    this.#readers = new LruCache(settings.schemasCacheSize);
    this.#ids = new LruCache(settings.maxSchemasPerSubject);
    this.#knownTexts = new LruCache(settings.maxSchemasPerSubject);
  }

  fromConnectData(topic: string, schema: Schema | null, value: unknown): Uint8Array | null | Promise<Uint8Array | null> {
    const settings = this.#configured();
    const which = settings.isKey ? 'key' : 'value';
    if (schema === null) {
      if (value === null || value === undefined) return null;
      throw new DataException(
        `Failed to serialize Protobuf data from topic ${topic}: the ${which} has no schema, and Protobuf needs one ` +
          '(give the record a keySchema/valueSchema, or use a converter for schemaless data such as JsonConverter)',
      );
    }
    if (value === null || value === undefined) {
      if (schema.isOptional) return null;
      throw new DataException(`Failed to serialize Protobuf data from topic ${topic}: Found null value for non-optional schema`);
    }
    const context = `Failed to serialize Protobuf data from topic ${topic}`;
    let writer: WriterSchema;
    try {
      validateValue(schema, value);
      writer = this.#writerSchema(schema);
    } catch (err) {
      throw prefixed(err, context);
    }
    const target = writer.targets.get(topic) ?? this.#knownTarget(writer, topic);
    if (target !== undefined) return this.#frame(schema, value as Struct, target, context);
    // Encode now in our own message, so that a value protobuf refuses fails before the registry call.
    this.#encode(schema, value as Struct, { id: 0, type: writer.type, indexes: FIRST_MESSAGE }, context);
    return this.#resolveTarget(writer, topic).then((t) => this.#frame(schema, value as Struct, t, context));
  }

  toConnectData(topic: string, value: Uint8Array | null): SchemaAndValue | Promise<SchemaAndValue> {
    const settings = this.#configured();
    if (value === null) return SchemaAndValue.NULL;
    const context = `Failed to deserialize data for topic ${topic} to Protobuf`;
    if (value.byteLength < WIRE_HEADER_BYTES || value[0] !== MAGIC_BYTE) throw new DataException(`${context}: Unknown magic byte!`);
    const bytes = Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
    const id = bytes.readInt32BE(1);
    const reader = this.#readers.get(id);
    if (reader !== undefined) return this.#read(reader, bytes, id, context);
    const known = this.#knownTexts.get(id);
    if (known !== undefined) return this.#read(this.#buildReader(id, known), bytes, id, context);
    return this.#readerFor(id).then(
      (r) => this.#read(r, bytes, id, context),
      (err: unknown) => {
        throw wrapRegistryError(err, `${context}: Error retrieving Protobuf ${settings.isKey ? 'key' : 'value'} schema for id ${id}`);
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

  #configured(): ProtobufConverterSettings {
    if (this.#settings === undefined) throw new Error('ProtobufConverter: configure() must be called before converting');
    return this.#settings;
  }

  #writerSchema(schema: Schema): WriterSchema {
    let writer = this.#writers.get(schema);
    if (writer !== undefined) return writer;
    const { text, messageName } = fromConnectSchema(schema, this.#settings!.data);
    writer = this.#writerSchemas.get(text);
    if (writer === undefined) {
      const file = parseProto(text);
      writer = { text, messageName, type: file.messages[0]!, targets: new Map() };
      this.#writerSchemas.set(text, writer);
    }
    this.#writers.set(schema, writer);
    return writer;
  }

  #subject(writer: WriterSchema, topic: string): string {
    const settings = this.#settings!;
    return subjectName(settings.subjectNameStrategy, topic, settings.isKey, writer.messageName);
  }

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
        const id = await client.register(subject, writer.text, 'PROTOBUF');
        this.#knownTexts.set(id, writer.text);
        return { id, type: writer.type, indexes: FIRST_MESSAGE };
      } catch (err) {
        throw wrapRegistryError(err, `Failed to register the Protobuf schema under subject "${subject}"`);
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
      if (latest.schema === writer.text) return { id: latest.id, type: writer.type, indexes: FIRST_MESSAGE };
      const file = parseProto(latest.schema);
      const type = findMessage(file, writer.messageName) ?? file.messages[0]!;
      return { id: latest.id, type, indexes: encodeMessageIndexes(indexesOf(file, type)) };
    }
    try {
      const found = await client.lookUp(subject, writer.text, 'PROTOBUF');
      this.#knownTexts.set(found.id, writer.text);
      return { id: found.id, type: writer.type, indexes: FIRST_MESSAGE };
    } catch (err) {
      throw wrapRegistryError(err, `Failed to look up the Protobuf schema under subject "${subject}"${lookUpHint(err)}`);
    }
  }

  #encode(schema: Schema, struct: Struct, target: WriteTarget, context: string): Uint8Array {
    try {
      return target.type.encode(toProtoMessage(schema, target.type, struct)).finish();
    } catch (err) {
      throw prefixed(err, target.id === 0 ? context : `${context} in schema id ${target.id}`);
    }
  }

  /** Magic byte, id, message indexes and the protobuf binary, in one buffer of exactly that size. */
  #frame(schema: Schema, struct: Struct, target: WriteTarget, context: string): Uint8Array {
    const payload = this.#encode(schema, struct, target, context);
    const out = new Uint8Array(WIRE_HEADER_BYTES + target.indexes.byteLength + payload.byteLength);
    out[0] = MAGIC_BYTE;
    new DataView(out.buffer).setInt32(1, target.id);
    out.set(target.indexes, WIRE_HEADER_BYTES);
    out.set(payload, WIRE_HEADER_BYTES + target.indexes.byteLength);
    return out;
  }

  #readerFor(id: number): Promise<ReaderEntry> {
    let pending = this.#pendingReaders.get(id);
    if (pending === undefined) {
      pending = this.#client!.schemaById(id, 'PROTOBUF')
        .then((text) => this.#buildReader(id, text))
        .finally(() => this.#pendingReaders.delete(id));
      this.#pendingReaders.set(id, pending);
    }
    return pending;
  }

  #buildReader(id: number, text: string): ReaderEntry {
    const entry: ReaderEntry = { file: parseProto(text), messages: new Map() };
    this.#readers.set(id, entry);
    return entry;
  }

  #read(reader: ReaderEntry, bytes: Buffer, id: number, context: string): SchemaAndValue {
    try {
      const { indexes, offset } = decodeMessageIndexes(bytes, WIRE_HEADER_BYTES);
      const key = indexes.join('.');
      let message = reader.messages.get(key);
      if (message === undefined) {
        const type = messageAt(reader.file, indexes);
        message = { type, schema: toConnectSchema(type, this.#settings!.data) };
        reader.messages.set(key, message);
      }
      let decoded: protobuf.Message;
      try {
        decoded = message.type.decode(bytes.subarray(offset));
      } catch (err) {
        throw new DataException(`schema id ${id}: ${(err as Error).message}`, { cause: err });
      }
      return new SchemaAndValue(
        message.schema,
        fromProtoMessage(message.schema, message.type, decoded as unknown as Record<string, unknown>),
      );
    } catch (err) {
      throw prefixed(err, context);
    }
  }
}

function findMessage(file: ProtoFile, fullName: string): protobuf.Type | undefined {
  try {
    const found = file.root.lookup(fullName);
    return found instanceof protobufjs().Type ? found : undefined;
  } catch {
    return undefined;
  }
}

function prefixed(err: unknown, context: string): Error {
  if (err instanceof DataException) {
    if (!err.message.startsWith(context)) err.message = `${context}: ${err.message}`;
    return err;
  }
  return err instanceof Error ? err : new Error(String(err));
}

function wrapRegistryError(err: unknown, context: string): Error {
  if (err instanceof SchemaRegistryException)
    return new SchemaRegistryException(`${context}: ${err.message}`, err.status, err.errorCode, { cause: err });
  return prefixed(err, context);
}
