/**
 * Reads Kafka Connect's standalone offsets file (its FileOffsetBackingStore,
 * `offset.storage.file.filename`), for `connectd offsets import`.
 *
 * Kafka Connect 4.1's FileOffsetBackingStore.save() copies its `Map<ByteBuffer, ByteBuffer>` into a
 * `HashMap<byte[], byte[]>` (ByteBuffer is not Serializable) and writes it with one
 * ObjectOutputStream.writeObject; load() reads it back with SafeObjectInputStream. Each key is the
 * JsonConverter (schemas.enable=false) bytes of `["<connector>",{<source partition>}]`, each value
 * those of the offset `{…}`: the offsets topic's record key and value. A null array is a key or
 * offset removed (a reset partition), as a tombstone in the topic.
 *
 * This is not a Java deserializer: it accepts exactly that one shape (the stream header, a
 * java.util.HashMap with its loadFactor/threshold fields and writeObject data, then byte[] or null
 * entries) and refuses anything else with the reason and the byte position, so a file that is not
 * Kafka Connect's is never half-read into offsets. Guarantee: every entry is the exact bytes Kafka
 * Connect wrote; nothing is guessed.
 */

/** The file is not what Kafka Connect's FileOffsetBackingStore writes (or is cut short). */
export class KafkaConnectOffsetsFileError extends Error {
  readonly code = 'CONNECTD_ERR_KAFKA_CONNECT_OFFSETS_FILE';
  constructor(message: string) {
    super(message);
    this.name = 'KafkaConnectOffsetsFileError';
  }
}

/** One entry of the file: the key's and the value's bytes; null where Java wrote null. */
export interface RawOffsetEntry {
  key: Uint8Array | null;
  value: Uint8Array | null;
}

// java.io.ObjectStreamConstants
const STREAM_MAGIC = 0xaced;
const STREAM_VERSION = 5;
const TC_NULL = 0x70;
const TC_REFERENCE = 0x71;
const TC_CLASSDESC = 0x72;
const TC_OBJECT = 0x73;
const TC_ARRAY = 0x75;
const TC_ENDBLOCKDATA = 0x78;
const TC_BLOCKDATA = 0x77;
const BASE_WIRE_HANDLE = 0x7e0000;
const SC_WRITE_METHOD = 0x01;
const SC_SERIALIZABLE = 0x02;

// The serialVersionUIDs of the two classes the file holds (java.util.HashMap, byte[]), as every
// JDK since 1.2 writes them: another value means another class of the same name.
const HASHMAP_UID = 0x0507dac1c31660d1n;
const BYTE_ARRAY_UID = -0x530ce807f9f7ab20n; // 0xACF317F8060854E0 as a signed long

interface ClassDesc {
  kind: 'class';
  name: string;
}
type Handle = ClassDesc | { kind: 'array'; bytes: Uint8Array } | { kind: 'map' };

class Reader {
  #pos = 0;
  readonly #handles: Handle[] = [];

  constructor(readonly buf: Buffer) {}

  get position(): number {
    return this.#pos;
  }

  fail(reason: string, at = this.#pos): never {
    throw new KafkaConnectOffsetsFileError(`not a Kafka Connect standalone offsets file: ${reason} (at byte ${at})`);
  }

  #need(n: number): void {
    if (this.#pos + n > this.buf.length)
      this.fail(`the file ends after ${this.buf.length} bytes, inside the map (truncated?)`, this.buf.length);
  }
  u8(): number {
    this.#need(1);
    return this.buf[this.#pos++]!;
  }
  u16(): number {
    this.#need(2);
    const v = this.buf.readUInt16BE(this.#pos);
    this.#pos += 2;
    return v;
  }
  i32(): number {
    this.#need(4);
    const v = this.buf.readInt32BE(this.#pos);
    this.#pos += 4;
    return v;
  }
  i64(): bigint {
    this.#need(8);
    const v = this.buf.readBigInt64BE(this.#pos);
    this.#pos += 8;
    return v;
  }
  bytes(n: number): Uint8Array {
    this.#need(n);
    const v = this.buf.subarray(this.#pos, this.#pos + n);
    this.#pos += n;
    return v;
  }
  /** A class or field name (modified UTF-8; the names here are ASCII). */
  utf(): string {
    return this.bytes(this.u16()).toString();
  }
  expect(byte: number, what: string): void {
    const at = this.#pos;
    const got = this.u8();
    if (got !== byte) this.fail(`expected ${what}, found byte 0x${got.toString(16).padStart(2, '0')}`, at);
  }

  newHandle(h: Handle): void {
    this.#handles.push(h);
  }
  handle(): Handle {
    const at = this.#pos;
    const index = this.i32() - BASE_WIRE_HANDLE;
    const h = this.#handles[index];
    if (h === undefined) this.fail('a back reference to nothing written before', at);
    return h;
  }

  /** A class descriptor (new or a back reference) that must name `name` with flags and fields as given. */
  classDesc(name: string, uid: bigint, flags: number, fields: [string, string][]): void {
    const at = this.#pos;
    const tc = this.u8();
    if (tc === TC_REFERENCE) {
      const h = this.handle();
      if (h.kind !== 'class' || h.name !== name)
        this.fail(`expected class ${name}, found a reference to ${h.kind === 'class' ? h.name : `an ${h.kind}`}`, at);
      return;
    }
    if (tc !== TC_CLASSDESC) this.fail(`expected the class descriptor of ${name}, found byte 0x${tc.toString(16)}`, at);
    const found = this.utf();
    if (found !== name) this.fail(`expected class ${name}, found ${JSON.stringify(found)}`, at + 1);
    const gotUid = this.i64();
    if (gotUid !== uid) this.fail(`class ${name} has serialVersionUID ${gotUid}, not ${uid}`, at);
    this.newHandle({ kind: 'class', name });
    const gotFlags = this.u8();
    if (gotFlags !== flags) this.fail(`class ${name} has flags 0x${gotFlags.toString(16)}, not 0x${flags.toString(16)}`, at);
    const count = this.u16();
    if (count !== fields.length) this.fail(`class ${name} has ${count} fields, not ${fields.length}`, at);
    for (const [type, field] of fields) {
      const fieldAt = this.position;
      const gotType = String.fromCharCode(this.u8());
      const gotName = this.utf();
      if (gotType !== type || gotName !== field)
        this.fail(`class ${name}: expected field ${type} ${field}, found ${gotType} ${gotName}`, fieldAt);
    }
    this.expect(TC_ENDBLOCKDATA, `the end of class ${name}'s annotations`);
    this.expect(TC_NULL, `no superclass of ${name}`);
  }

  /** A byte[] (new or a back reference) or null. */
  byteArrayOrNull(): Uint8Array | null {
    const at = this.#pos;
    const tc = this.u8();
    if (tc === TC_NULL) return null;
    if (tc === TC_REFERENCE) {
      const h = this.handle();
      if (h.kind !== 'array') this.fail('a map entry refers back to something not a byte[]', at);
      return h.bytes;
    }
    if (tc !== TC_ARRAY) this.fail(`a map entry is not a byte[] (type code 0x${tc.toString(16)})`, at);
    this.classDesc('[B', BYTE_ARRAY_UID, SC_SERIALIZABLE, []);
    const handleIndex = this.#handles.length;
    this.newHandle({ kind: 'map' }); // placeholder: the array's handle is assigned before its contents
    const length = this.i32();
    if (length < 0) this.fail(`a byte[] of length ${length}`, at);
    const bytes = this.bytes(length);
    this.#handles[handleIndex] = { kind: 'array', bytes };
    return bytes;
  }
}

/** The [key, value] byte arrays of a Kafka Connect standalone offsets file, in the file's order. */
export function readKafkaConnectOffsetsFile(buf: Buffer): RawOffsetEntry[] {
  const r = new Reader(buf);
  if (buf.length < 4 || buf.readUInt16BE(0) !== STREAM_MAGIC) {
    r.fail('it does not start with the Java serialization magic number 0xACED', 0);
  }
  r.u16();
  const version = r.u16();
  if (version !== STREAM_VERSION) r.fail(`Java serialization stream version ${version}, not ${STREAM_VERSION}`, 2);
  r.expect(TC_OBJECT, 'an object (java.util.HashMap)');
  r.classDesc('java.util.HashMap', HASHMAP_UID, SC_SERIALIZABLE | SC_WRITE_METHOD, [
    ['F', 'loadFactor'],
    ['I', 'threshold'],
  ]);
  r.newHandle({ kind: 'map' });
  r.bytes(8); // loadFactor, threshold: how Java sized its table, nothing about the entries
  // HashMap.writeObject: one block of (buckets, size), then size key/value objects.
  const blockAt = r.position;
  r.expect(TC_BLOCKDATA, "HashMap's block of bucket count and size");
  if (r.u8() !== 8) r.fail("HashMap's block of bucket count and size is not 8 bytes long", blockAt);
  r.i32();
  const sizeAt = r.position;
  const size = r.i32();
  if (size < 0) r.fail(`a HashMap of ${size} entries`, sizeAt);
  const entries: RawOffsetEntry[] = [];
  for (let i = 0; i < size; i++) {
    const key = r.byteArrayOrNull();
    const value = r.byteArrayOrNull();
    entries.push({ key, value });
  }
  r.expect(TC_ENDBLOCKDATA, `the end of the HashMap after its ${size} entries`);
  if (r.position !== buf.length) r.fail(`${buf.length - r.position} bytes follow the HashMap`);
  return entries;
}

/** One source offset of the file, parsed: the connector, its source partition and the offset. */
export interface ImportedOffset {
  connector: string;
  partition: Record<string, unknown>;
  offset: Record<string, unknown>;
}

/**
 * The source offsets a Kafka Connect standalone offsets file holds. Entries with a null offset
 * (a partition whose offset was reset) are left out, as Kafka Connect's store drops them on load.
 * A key or value that is not the JSON Kafka Connect writes is an error naming the entry.
 */
export function kafkaConnectOffsets(buf: Buffer): ImportedOffset[] {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const parse = (bytes: Uint8Array, what: string, index: number): unknown => {
    try {
      return JSON.parse(decoder.decode(bytes)) as unknown;
    } catch (err) {
      throw new KafkaConnectOffsetsFileError(
        `not a Kafka Connect standalone offsets file: entry ${index + 1}'s ${what} is not UTF-8 JSON (${(err as Error).message})`,
      );
    }
  };
  const result: ImportedOffset[] = [];
  readKafkaConnectOffsetsFile(buf).forEach(({ key, value }, index) => {
    if (key === null || value === null) return;
    const k = parse(key, 'key', index);
    if (
      !Array.isArray(k) ||
      k.length !== 2 ||
      typeof k[0] !== 'string' ||
      typeof k[1] !== 'object' ||
      k[1] === null ||
      Array.isArray(k[1])
    ) {
      throw new KafkaConnectOffsetsFileError(
        `not a Kafka Connect standalone offsets file: entry ${index + 1}'s key is not ["<connector>",{<source partition>}]: ${decoder.decode(key).slice(0, 200)}`,
      );
    }
    const v = parse(value, 'value', index);
    if (typeof v !== 'object' || v === null || Array.isArray(v)) {
      throw new KafkaConnectOffsetsFileError(
        `not a Kafka Connect standalone offsets file: entry ${index + 1}'s offset is not a JSON object: ${decoder.decode(value).slice(0, 200)}`,
      );
    }
    result.push({ connector: k[0], partition: k[1] as Record<string, unknown>, offset: v as Record<string, unknown> });
  });
  return result;
}
