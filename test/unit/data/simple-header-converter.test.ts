/**
 * SimpleHeaderConverter against Kafka 4.1.1's (test/fixtures/vectors/simple-header-converter.json):
 * the text each value is written as, and the schema and value Values.parseString infers when
 * reading a header's text, quirks included.
 */
import t from 'tap';
import { ConnectDate, Time, Timestamp } from '../../../src/worker-thread/data/logical-types.js';
import { Schema, SchemaAndValue, schemasEqual } from '../../../src/worker-thread/data/schema.js';
import { SimpleHeaderConverter } from '../../../src/worker-thread/data/simple-header-converter.js';
import { parseString } from '../../../src/worker-thread/data/values.js';
import { decodeSchema, decodeValue, differenceBetween, loadVectors } from './vectors.js';
import type { ErrorDescription, SchemaAndValueDescription, SchemaDescription, TaggedValue } from './vectors.js';

interface Vectors {
  write: { schema: SchemaDescription | null; value: TaggedValue; text: string | null; read?: SchemaAndValueDescription }[];
  read: { text?: string | null; hex?: string; read?: SchemaAndValueDescription | null; error?: ErrorDescription }[];
}
const vectors = loadVectors<Vectors>('simple-header-converter.json');
const converter = new SimpleHeaderConverter();
converter.configure();

function readDifference(actual: SchemaAndValue, expected: SchemaAndValueDescription | null | undefined): string | undefined {
  // Kafka returns a null reference for the text "null"; connectd returns SchemaAndValue.NULL.
  const e = expected ?? { schema: null, value: null };
  const schema = decodeSchema(e.schema);
  if (!schemasEqual(actual.schema, schema)) return `schema: expected ${String(schema)}, got ${String(actual.schema)}`;
  return differenceBetween(actual.value, decodeValue(e.value, schema));
}

t.test('fromConnectHeader writes the text Kafka writes, and that text reads back as in Kafka', async (t) => {
  for (const v of vectors.write) {
    const schema = decodeSchema(v.schema);
    const value = decodeValue(v.value, schema);
    const written = converter.fromConnectHeader('t', 'h', schema, value);
    t.equal(written === null ? null : Buffer.from(written).toString('utf8'), v.text, `${String(schema)} → ${v.text}`);
    if (v.text !== null)
      t.equal(readDifference(converter.toConnectHeader('t', 'h', written), v.read), undefined, `${v.text} reads back as in Kafka`);
  }
});

t.test('toConnectHeader infers the schema Kafka infers from each text', async (t) => {
  for (const r of vectors.read) {
    const bytes =
      r.hex !== undefined
        ? new Uint8Array(Buffer.from(r.hex, 'hex'))
        : r.text === null
          ? null
          : new Uint8Array(Buffer.from(r.text!, 'utf8'));
    const label = r.hex !== undefined ? `hex ${r.hex}` : JSON.stringify(r.text);
    t.equal(r.error, undefined, `${label}: Kafka reads every header text`);
    t.equal(readDifference(converter.toConnectHeader('t', 'h', bytes), r.read), undefined, `${label} reads as in Kafka`);
  }
});

t.test('the inference, spelled out', async (t) => {
  const schemaOf = (s: string): string | undefined => {
    const sv = parseString(s);
    return sv?.schema === null || sv === null ? undefined : (sv.schema.name ?? sv.schema.type);
  };
  t.equal(schemaOf('42'), 'INT8');
  t.equal(schemaOf('300'), 'INT16');
  t.equal(schemaOf('2147483648'), 'INT64');
  t.equal(parseString('9223372036854775807')!.value, 2n ** 63n - 1n, 'an INT64 header reads as an exact bigint');
  t.equal(schemaOf('1.5'), 'FLOAT32');
  t.equal(schemaOf('1e39'), 'FLOAT64');
  t.equal(schemaOf('99999999999999999999'), 'org.apache.kafka.connect.data.Decimal');
  t.equal(schemaOf('2024-01-15'), ConnectDate.LOGICAL_NAME);
  t.equal(schemaOf('12:34:56.789Z'), Time.LOGICAL_NAME);
  t.equal(schemaOf('2024-01-15T12:34:56.789Z'), Timestamp.LOGICAL_NAME);
  t.equal(schemaOf('true'), 'BOOLEAN');
  t.equal(schemaOf('[1,2]'), 'ARRAY');
  t.equal(schemaOf('{"a":1}'), 'MAP');
  t.equal(schemaOf('hello, world'), 'STRING');
  t.equal(parseString('null'), null);
  t.equal(converter.toConnectHeader('t', 'h', new Uint8Array(Buffer.from('null'))), SchemaAndValue.NULL);
  t.equal(converter.fromConnectHeader('t', 'h', Schema.STRING_SCHEMA, null), null);
  t.equal(Buffer.from(converter.fromConnectHeader('t', 'h', null, 1.5)!).toString(), '1.5');
  t.equal(Buffer.from(converter.fromConnectHeader('t', 'h', null, { a: [1n, 'x'] })!).toString(), '{"a":[1,"x"]}');
});
