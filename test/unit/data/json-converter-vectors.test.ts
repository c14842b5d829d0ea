/**
 * connectd's JsonConverter against Kafka Connect 4.1.1's own (test/fixtures/vectors/json-converter.json):
 * for every schema and value Kafka wrote, our fromConnectData must write the same bytes (or fail
 * where Kafka failed), and our toConnectData must read Kafka's bytes back into the schema and value
 * Kafka read. Every exception to byte-exactness is listed below with its reason.
 */
import t from 'tap';
import { JsonConverter } from '../../../src/worker-thread/data/json/json-converter.js';
import { JsonNumber, JsonObject, parseJson } from '../../../src/worker-thread/data/json/json-text.js';
import type { JsonValue } from '../../../src/worker-thread/data/json/json-text.js';
import { BigDecimal } from '../../../src/worker-thread/data/big-decimal.js';
import { schemasEqual } from '../../../src/worker-thread/data/schema.js';
import { SchemaBuilder } from '../../../src/worker-thread/data/schema-builder.js';
import { Struct } from '../../../src/worker-thread/data/struct.js';
import { decodeSchema, decodeValue, differenceBetween, loadVectors } from './vectors.js';
import type { ErrorDescription, SchemaAndValueDescription, SchemaDescription, TaggedValue } from './vectors.js';

interface WriteResult {
  config: Record<string, string>;
  text?: string;
  bytes?: string | null;
  read?: SchemaAndValueDescription;
  readError?: ErrorDescription;
  error?: ErrorDescription;
}

interface Vectors {
  kafkaVersion: string;
  topic: string;
  write: { name: string; schema: SchemaDescription | null; value: TaggedValue; results: WriteResult[] }[];
  read: { name: string; config: Record<string, string>; text: string; read?: SchemaAndValueDescription; error?: ErrorDescription }[];
  readNull: { config: Record<string, string>; read: SchemaAndValueDescription }[];
}

const vectors = loadVectors<Vectors>('json-converter.json');

/**
 * Cases whose bytes differ from Kafka's but mean the same JSON (numbers equal as decimals): Java's
 * schemaless values carry their class (Float 0.1f, Double 1.0); a JavaScript number does not, so
 * it is written as an integer when it is one and as a double otherwise.
 */
const SEMANTICALLY_EQUAL_WRITES = new Set(['schemaless map', 'schemaless double']);

/**
 * Cases whose read-back differs from Kafka's on purpose: Kafka writes NaN and ±Infinity as JSON
 * strings and reads them back as 0.0; connectd reads them back as NaN and ±Infinity.
 */
const NON_FINITE_READ_BACK = /^float(32|64) (NaN|Infinity|-Infinity)$/; // with a schema; without one both read the string

/**
 * Hand-written inputs where connectd deliberately reads differently from Kafka, and why.
 * "throws": Kafka's reading makes a value up (Jackson's 0/false/null for a node of the wrong kind);
 * connectd refuses the record with a DataException.
 */
const READ_DIVERGENCES: Record<string, { ours: 'throws' | 'value'; why: string }> = {
  'double from NaN string': { ours: 'value', why: 'Kafka writes NaN as "NaN" and reads it back as 0.0; connectd reads NaN' },
  'int32 from a string': { ours: 'throws', why: 'Jackson reads a string as int 0' },
  'boolean from a number': { ours: 'throws', why: 'Jackson reads a number as boolean false' },
  'string from a number': { ours: 'throws', why: 'Jackson reads a number as a null string' },
  'array from an object': { ours: 'throws', why: "Jackson iterates an object's values as if it were an array" },
  'schema invalid default': { ours: 'throws', why: 'Kafka reads the default "x" of an int32 as 0' },
  'timestamp beyond JavaScript dates': { ours: 'throws', why: 'a JavaScript Date cannot hold the instant (±8.64e15 ms)' },
  'struct default for a struct field': {
    ours: 'value',
    why: 'Kafka cannot accept any Struct default (it compares it with a SchemaBuilder); connectd can',
  },
};

/** A DataException or its DataTypeError subclass, by their codes. */
const DATA_ERROR = { code: /^CONNECTD_ERR_DATA/ };

function converter(config: Record<string, string>): JsonConverter {
  const c = new JsonConverter();
  c.configure(config, false);
  return c;
}

function configName(config: Record<string, string>): string {
  return Object.entries(config)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

/** Compares a SchemaAndValue read by connectd with the one Kafka read. */
function readDifference(actual: { schema: unknown; value: unknown }, expected: SchemaAndValueDescription): string | undefined {
  const schema = decodeSchema(expected.schema);
  if (!schemasEqual(actual.schema, schema)) return `schema: expected ${String(schema)}, got ${String(actual.schema)}`;
  return differenceBetween(actual.value, decodeValue(expected.value, schema));
}

/** Same JSON, numbers compared by value: what "semantically equal" means for the listed cases. */
function sameJson(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  if (a instanceof JsonNumber || b instanceof JsonNumber) {
    return a instanceof JsonNumber && b instanceof JsonNumber && BigDecimal.parse(a.text).compareTo(BigDecimal.parse(b.text)) === 0;
  }
  if (Array.isArray(a) || Array.isArray(b))
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => sameJson(x, b[i]));
  if (a instanceof JsonObject || b instanceof JsonObject) {
    return (
      a instanceof JsonObject && b instanceof JsonObject && a.size === b.size && [...a].every(([k, v]) => b.has(k) && sameJson(v, b.get(k)))
    );
  }
  return a === b;
}

t.test('the vectors are what they claim', async (t) => {
  t.equal(vectors.kafkaVersion, '4.1.1');
  t.ok(vectors.write.length >= 100, `${vectors.write.length} write cases`);
  t.ok(vectors.read.length >= 60, `${vectors.read.length} read cases`);
});

t.test('fromConnectData writes the bytes Kafka writes; toConnectData reads them as Kafka does', async (t) => {
  let byteExact = 0;
  let semantic = 0;
  let errors = 0;
  for (const c of vectors.write) {
    const schema = decodeSchema(c.schema);
    let value: unknown;
    try {
      // Kafka's schemaless Struct carries its own schema, which the vector does not describe: any will do.
      value = c.name === 'schemaless struct' ? new Struct(SchemaBuilder.struct().build()) : decodeValue(c.value, schema);
    } catch (err) {
      t.fail(`${c.name}: cannot build the input: ${(err as Error).message}`);
      continue;
    }
    for (const r of c.results) {
      const label = `${c.name} [${configName(r.config)}]`;
      const conv = converter(r.config);
      if (r.error !== undefined) {
        t.throws(
          () => conv.fromConnectData(vectors.topic, schema, value),
          DATA_ERROR,
          `${label}: fails as Kafka fails (${r.error.message})`,
        );
        errors++;
        continue;
      }
      let written: Uint8Array | null;
      try {
        written = conv.fromConnectData(vectors.topic, schema, value);
      } catch (err) {
        t.fail(`${label}: threw ${(err as Error).message}`);
        continue;
      }
      if (r.bytes === null) {
        t.equal(written, null, `${label}: no bytes (tombstone)`);
      } else if (SEMANTICALLY_EQUAL_WRITES.has(c.name)) {
        const ours = Buffer.from(written!).toString('utf8');
        t.ok(sameJson(parseJson(ours), parseJson(r.text!)), `${label}: the same JSON (${ours} vs Kafka's ${r.text})`);
        semantic++;
      } else {
        const ours = written === null ? null : Buffer.from(written).toString('base64');
        if (ours === r.bytes) byteExact++;
        else t.equal(written === null ? null : Buffer.from(written).toString('utf8'), r.text, `${label}: byte-exact`);
      }
      const kafkaBytes = r.bytes === null || r.bytes === undefined ? null : new Uint8Array(Buffer.from(r.bytes, 'base64'));
      if (r.readError !== undefined) {
        t.throws(() => conv.toConnectData(vectors.topic, kafkaBytes), DATA_ERROR, `${label}: reading fails as in Kafka`);
        continue;
      }
      const read = conv.toConnectData(vectors.topic, kafkaBytes);
      const difference = readDifference(read, r.read!);
      if (NON_FINITE_READ_BACK.test(c.name) && r.config['schemas.enable'] === 'true') {
        t.ok(difference !== undefined && Object.is(read.value, value), `${label}: reads back ${String(value)} (Kafka: 0.0)`);
      } else {
        t.equal(difference, undefined, `${label}: reads Kafka's bytes as Kafka does`);
      }
    }
  }
  t.ok(byteExact > 200, `${byteExact} results byte-exact, ${semantic} semantically equal, ${errors} errors as in Kafka`);
});

t.test('hand-written JSON is read as Kafka reads it, or differently on purpose', async (t) => {
  for (const c of vectors.read) {
    const conv = converter(c.config);
    const bytes = new Uint8Array(Buffer.from(c.text, 'utf8'));
    const divergence = READ_DIVERGENCES[c.name];
    if (divergence?.ours === 'throws') {
      t.throws(
        () => conv.toConnectData(vectors.topic, bytes),
        DATA_ERROR,
        `${c.name}: throws where Kafka reads a made-up value (${divergence.why})`,
      );
      continue;
    }
    if (c.error !== undefined && divergence === undefined) {
      t.throws(
        () => conv.toConnectData(vectors.topic, bytes),
        DATA_ERROR,
        `${c.name}: fails as Kafka fails (${c.error.message.slice(0, 80)})`,
      );
      continue;
    }
    let read;
    try {
      read = conv.toConnectData(vectors.topic, bytes);
    } catch (err) {
      t.fail(`${c.name}: threw ${(err as Error).message}`);
      continue;
    }
    if (divergence !== undefined) {
      t.not(c.read === undefined ? 'error' : readDifference(read, c.read), undefined, `${c.name}: differs from Kafka (${divergence.why})`);
      continue;
    }
    t.equal(readDifference(read, c.read!), undefined, `${c.name}: read as Kafka reads it`);
  }
});

t.test('null bytes read as SchemaAndValue.NULL', async (t) => {
  for (const n of vectors.readNull) {
    const read = converter(n.config).toConnectData(vectors.topic, null);
    t.equal(readDifference(read, n.read), undefined, configName(n.config));
  }
});
