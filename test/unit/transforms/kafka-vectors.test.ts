/**
 * Every transformation and predicate against what the real connect-transforms 4.1.1 did with the
 * same config and record (test/unit/transforms/vectors, written by TransformVectors.java): the
 * resulting topic, partition, timestamp, key and value with their schemas, and each header as the
 * text SimpleHeaderConverter writes; or the error, its message compared after naming Java classes
 * the way connectd names JavaScript types. The few places where connectd differs on purpose are
 * listed in DEVIATIONS, each checked for what connectd does instead.
 */
import t from 'tap';
import type { Test } from 'tap';
import { mapEntries } from '../../../src/worker-thread/data/equality.js';
import { schemasEqual } from '../../../src/worker-thread/data/schema.js';
import type { Schema } from '../../../src/worker-thread/data/schema.js';
import { Struct } from '../../../src/worker-thread/data/struct.js';
import { SourceRecord } from '../../../src/worker-thread/sdk/records.js';
import { SinkRecord } from '../../../src/worker-thread/sdk/sink.js';
import { findTransformPlugin, transformPlugins } from '../../../src/worker-thread/transforms/registry.js';
import type { ConnectRecord, Predicate, Transformation } from '../../../src/worker-thread/transforms/transformation.js';
import { decodeSchema, decodeValue, differenceBetween, show } from '../data/vectors.js';
import { transformVectors } from './vectors.js';
import type { RecordDescription } from './vectors.js';

function buildRecord(d: RecordDescription): ConnectRecord {
  const keySchema = decodeSchema(d.keySchema);
  const valueSchema = decodeSchema(d.valueSchema);
  const common = {
    topic: d.topic,
    keySchema,
    key: decodeValue(d.key, keySchema),
    valueSchema,
    value: decodeValue(d.value, valueSchema),
    timestamp: d.timestamp,
    headers: d.headers.map((h) => ({ key: h.key, value: h.text })),
  };
  if (d.kind === 'sink') return new SinkRecord({ ...common, kafkaPartition: d.partition ?? 0, kafkaOffset: d.offset ?? 0 });
  return new SourceRecord({ ...common, sourcePartition: {}, sourceOffset: {}, kafkaPartition: d.partition });
}

/** Plain objects as Maps, recursively: the vectors describe every map as a Java Map. */
function asMaps(value: unknown): unknown {
  if (value instanceof Struct || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(asMaps);
  const entries = mapEntries(value);
  return entries === undefined ? value : new Map(entries.map(([k, v]) => [k, asMaps(v)]));
}

/** Kafka's message with its Java class names as connectd names the JavaScript types. */
function javaScriptWording(message: string): string {
  return message
    .replace(/(class )?\[B/g, 'Uint8Array')
    .replace(/(class )?java\.lang\.String/g, 'string')
    .replace(/(class )?java\.lang\.(Integer|Double)/g, 'number')
    .replace(/(class )?java\.lang\.Long/g, 'bigint')
    .replace(/(class )?java\.lang\.Boolean/g, 'boolean')
    .replace(/(class )?java\.math\.BigDecimal/g, 'BigDecimal')
    .replace(/(class )?java\.util\.Date/g, 'Date')
    .replace(/(class )?org\.apache\.kafka\.connect\.data\.Struct/g, 'Struct')
    .replace(/(class )?org\.apache\.kafka\.connect\.source\.SourceRecord/g, 'SourceRecord');
}

/** Where connectd differs from Kafka on purpose; each checks what connectd does instead. */
const DEVIATIONS: Record<string, (t: Test, run: () => ConnectRecord | null) => void> = {
  // A number that is a safe integer is an INT64 in connectd (schema.ts); Kafka refuses an Integer.
  'TimestampConverter schemaless int': (t, run) => t.equal(run()?.value, 5n),
  // Java's Date reaches ±2^63 ms; a JavaScript Date ±8.64e15 ms (Long.MIN_VALUE ms after saturation here).
  'TimestampConverter unix seconds to Timestamp': (t, run) => t.throws(run, /outside the range of a JavaScript Date/),
  // The record is described without its key and value (they may hold data not meant for logs).
  'TimestampRouter no timestamp': (t, run) =>
    t.throws(run, { message: "Timestamp missing on record: SourceRecord{topic='t', kafkaPartition=null, timestamp=null}" }),
};

function compareRecord(t: Test, actual: ConnectRecord, expected: RecordDescription): void {
  t.equal(actual.topic, expected.topic, 'topic');
  t.equal(actual.kafkaPartition, expected.partition, 'partition');
  t.equal(actual.timestamp, expected.timestamp, 'timestamp');
  t.equal(actual.constructor, expected.kind === 'sink' ? SinkRecord : SourceRecord, 'the same kind of record');
  for (const part of ['key', 'value'] as const) {
    const expectedSchema = decodeSchema(expected[`${part}Schema`]);
    const actualSchema: Schema | null = actual[`${part}Schema`];
    t.ok(
      schemasEqual(actualSchema, expectedSchema) || (actualSchema === null && expectedSchema === null),
      `${part} schema: ${String(actualSchema)} vs ${String(expectedSchema)}`,
    );
    const difference = differenceBetween(asMaps(actual[part]), decodeValue(expected[part], expectedSchema), part);
    t.equal(difference, undefined, `${part}: ${show(actual[part])}`);
  }
  t.same(
    actual.headers.map((h) => ({ key: h.key, text: h.value })),
    expected.headers,
    'headers, as SimpleHeaderConverter writes them',
  );
}

const vectors = transformVectors().transforms;

t.test('the vectors cover every built-in plugin', async (t) => {
  const classes = new Set(vectors.map((v) => v.class));
  t.same(
    [...classes].sort(),
    transformPlugins().map((p) => p.className),
    'every transformation and predicate class',
  );
  for (const className of classes) t.ok(findTransformPlugin(className), className);
});

for (const vector of vectors) {
  t.test(vector.name, async (t) => {
    const plugin = findTransformPlugin(vector.class);
    if (plugin === undefined) return t.fail(`no plugin ${vector.class}`);
    const instance = plugin.create();
    instance.configure(vector.config);
    const record = buildRecord(vector.record);
    if (vector.test !== undefined) {
      t.equal((instance as Predicate).test(record), vector.test);
      return;
    }
    const run = (): ConnectRecord | null => (instance as Transformation).apply(record);
    const deviation = DEVIATIONS[vector.name];
    if (deviation !== undefined) return deviation(t, run);
    if (vector.error !== undefined) {
      t.throws(run, { message: javaScriptWording(vector.error.message) }, `${vector.error.class}: ${vector.error.message}`);
      return;
    }
    const result = run();
    if (vector.result === null || vector.result === undefined) {
      t.equal(result, null, 'dropped');
      return;
    }
    if (result === null) return t.fail('dropped, expected a record');
    compareRecord(t, result, vector.result);
  });
}
