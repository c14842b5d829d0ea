/**
 * The AvroConverter where connectd calls it: named in a connector config, converting a poll's
 * records in encodeBatch on the task's thread. A batch that meets a schema the converter has not
 * registered yet comes back as a Promise (the thread keeps serving its other tasks meanwhile); the
 * next batches of known schemas come back synchronously, as with any other converter. What the
 * supervisor reads out of the batch is Confluent's wire format, which the converter reads back.
 */
import t from 'tap';
import type { Test } from 'tap';
import { AvroConverter } from '../../../../src/worker-thread/data/avro/avro-converter.js';
import {
  StringConverter,
  createConverter,
  createHeaderConverter,
  knownConverterClasses,
} from '../../../../src/worker-thread/data/converters.js';
import { Timestamp } from '../../../../src/worker-thread/data/logical-types.js';
import { Schema, schemasEqual } from '../../../../src/worker-thread/data/schema.js';
import { SchemaBuilder } from '../../../../src/worker-thread/data/schema-builder.js';
import { Struct } from '../../../../src/worker-thread/data/struct.js';
import { RecordBatchReader, encodeBatch } from '../../../../src/shared/record-batch.js';
import type { EncodedBatch } from '../../../../src/shared/record-batch.js';
import { SourceRecord } from '../../../../src/worker-thread/sdk/records.js';
import { ConfigException } from '../../../../src/worker-thread/sdk/config-def.js';
import { FakeSchemaRegistry } from '../../../fixtures/avro/fake-schema-registry.js';

const orderSchema = SchemaBuilder.struct()
  .name('shop.Order')
  .field('id', Schema.INT64_SCHEMA)
  .field('at', Timestamp.SCHEMA)
  .field('note', Schema.OPTIONAL_STRING_SCHEMA)
  .build();
const refundSchema = SchemaBuilder.struct().name('shop.Refund').field('order', Schema.INT64_SCHEMA).build();

const order = (id: number, topic = 'orders'): SourceRecord =>
  new SourceRecord({
    sourcePartition: { shop: 'a' },
    sourceOffset: { id },
    topic,
    keySchema: Schema.STRING_SCHEMA,
    key: `order-${id}`,
    valueSchema: orderSchema,
    value: new Struct(orderSchema)
      .put('id', BigInt(id))
      .put('at', new Date(1_700_000_000_000 + id))
      .put('note', id % 2 === 0 ? null : `n${id}`),
  });
const refund = (id: number): SourceRecord =>
  new SourceRecord({
    sourcePartition: { shop: 'a' },
    sourceOffset: { id },
    topic: 'refunds',
    key: `refund-${id}`,
    valueSchema: refundSchema,
    value: new Struct(refundSchema).put('order', BigInt(id)),
  });

async function converters(
  t: Test,
): Promise<{ registry: FakeSchemaRegistry; key: ReturnType<typeof createConverter>; value: ReturnType<typeof createConverter> }> {
  const registry = await FakeSchemaRegistry.start();
  t.teardown(() => registry.close());
  const config = {
    'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
    'value.converter': 'io.confluent.connect.avro.AvroConverter',
    'value.converter.schema.registry.url': registry.url,
  };
  return { registry, key: createConverter(config, 'key.converter'), value: createConverter(config, 'value.converter') };
}

/** The records as the supervisor reads them, values read back by the converter. */
async function decode(
  batch: EncodedBatch,
  reader: AvroConverter,
): Promise<{ topic: string; key: string; offset: string; value: Struct }[]> {
  const out = [];
  const r = new RecordBatchReader(batch.buffer);
  while (r.next()) {
    const read = await reader.toConnectData(batch.topics[r.topicIndex]!, Buffer.from(r.value!));
    out.push({
      topic: batch.topics[r.topicIndex]!,
      key: r.key!.toString('utf8'),
      offset: Buffer.from(batch.buffer, r.offsetStart, r.offsetLength).toString('utf8'),
      value: read.value as Struct,
    });
  }
  return out;
}

t.test("the registry knows the converter by Confluent's class name and aliases; it is no header converter", async (t) => {
  for (const name of ['io.confluent.connect.avro.AvroConverter', 'AvroConverter', 'Avro']) {
    t.ok(
      createConverter(
        { 'value.converter': name, 'value.converter.schema.registry.url': 'http://localhost:8081' },
        'value.converter',
      ) instanceof AvroConverter,
      name,
    );
  }
  t.ok(knownConverterClasses().includes('io.confluent.connect.avro.AvroConverter'));
  t.throws(() => createConverter({ 'value.converter': 'AvroConverter' }, 'value.converter'), {
    name: 'ConfigException',
    message: /schema.registry.url: Missing required configuration/,
  });
  t.throws(() => createHeaderConverter({ 'header.converter': 'io.confluent.connect.avro.AvroConverter' }), ConfigException);
});

t.test('a batch with a new schema waits once; known schemas encode synchronously', async (t) => {
  const { registry, key, value } = await converters(t);
  const reader = new AvroConverter();
  reader.configure({ 'schema.registry.url': registry.url }, false);

  const first = encodeBatch([order(1), order(2), order(3)], key, value);
  t.ok(first instanceof Promise, 'the first batch waits for the registration');
  const batch = await first;
  t.equal(registry.requests.length, 1, 'one registration for three records');
  const records = await decode(batch, reader);
  t.same(
    records.map((r) => [r.topic, r.key, r.offset]),
    [
      ['orders', 'order-1', '{"id":1}'],
      ['orders', 'order-2', '{"id":2}'],
      ['orders', 'order-3', '{"id":3}'],
    ],
  );
  t.ok(
    records.every((r, i) => r.value.equals(order(i + 1).value)),
    'every value reads back',
  );
  t.ok(schemasEqual(records[0]!.value.schema, orderSchema));

  const second = encodeBatch([order(4), order(5)], key, value);
  t.notOk(second instanceof Promise, 'the next batch of that schema is synchronous');
  t.equal(registry.requests.filter((r) => r.method === 'POST').length, 1, 'with no registry call');
  t.ok((await decode(second as EncodedBatch, reader))[1]!.value.equals(order(5).value));
});

t.test('new schemas in the middle of a batch: the batch waits for each, in record order', async (t) => {
  const { registry, key, value } = await converters(t);
  await encodeBatch([order(0)], key, value);
  const batch = encodeBatch([order(1), refund(2), order(3), order(4, 'archive'), refund(5)], key, value);
  t.ok(batch instanceof Promise);
  const decoded = await decode(
    await batch,
    (() => {
      const r = new AvroConverter();
      r.configure({ 'schema.registry.url': registry.url }, false);
      return r;
    })(),
  );
  t.same(
    decoded.map((r) => [r.topic, r.key]),
    [
      ['orders', 'order-1'],
      ['refunds', 'refund-2'],
      ['orders', 'order-3'],
      ['archive', 'order-4'],
      ['refunds', 'refund-5'],
    ],
  );
  t.same(registry.subjects(), ['orders-value', 'refunds-value', 'archive-value']);
  t.ok(decoded[1]!.value.equals(refund(2).value) && decoded[3]!.value.equals(order(4).value));
});

t.test('failures after a wait reject the batch: a bad value, or the registry', async (t) => {
  const { registry, key, value } = await converters(t);
  const bad = new SourceRecord({
    sourcePartition: {},
    sourceOffset: {},
    topic: 'orders',
    key: 'x',
    valueSchema: orderSchema,
    value: new Struct(orderSchema).put('id', 1n),
  });
  await t.rejects(Promise.resolve(encodeBatch([order(1), bad], key, value)), {
    name: 'DataException',
    message: /topic orders: Found null value for non-optional schema \(at at\)/,
  });
  t.throws(
    () => encodeBatch([order(2), bad], key, value),
    { name: 'DataException' },
    'once the schema is known, the same error is thrown synchronously',
  );
  registry.incompatible.add('refunds-value');
  await t.rejects(Promise.resolve(encodeBatch([order(3), refund(4)], key, value)), {
    name: 'SchemaRegistryException',
    message: /subject "refunds-value"/,
  });
});

t.test('Avro keys: the key converter registers under <topic>-key', async (t) => {
  const registry = await FakeSchemaRegistry.start();
  t.teardown(() => registry.close());
  const config = {
    'key.converter': 'Avro',
    'key.converter.schema.registry.url': registry.url,
    'value.converter': 'Avro',
    'value.converter.schema.registry.url': registry.url,
  };
  const key = createConverter(config, 'key.converter');
  const value = createConverter(config, 'value.converter');
  const record = new SourceRecord({
    sourcePartition: {},
    sourceOffset: {},
    topic: 't',
    keySchema: Schema.INT64_SCHEMA,
    key: 7n,
    valueSchema: orderSchema,
    value: new Struct(orderSchema).put('id', 7n).put('at', new Date(0)),
  });
  const batch = await encodeBatch([record], key, value);
  t.same(registry.subjects(), ['t-key', 't-value']);
  const r = new RecordBatchReader(batch.buffer);
  r.next();
  t.equal(r.key!.toString('hex'), '00' + '00000001' + '0e', 'the key: magic, id 1, long 7');
  t.equal((await key.toConnectData('t', Buffer.from(r.key!))).value, 7n);
});

t.test('sync converters keep the synchronous path', async (t) => {
  const str = new StringConverter();
  const batch = encodeBatch([new SourceRecord({ sourcePartition: {}, sourceOffset: {}, topic: 't', key: 'k', value: 'v' })], str, str);
  t.notOk((batch as unknown) instanceof Promise);
  t.equal(batch.count, 1);
});
