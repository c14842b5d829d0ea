/**
 * The binding's native batch methods (patches/kafka-javascript-batch-produce.patch) against a real
 * broker: what produceBatch writes is exactly what its rows describe (keys or none, null and empty
 * values, headers, explicit partitions, timestamps), it stops at QUEUE_FULL or a refused record and
 * reports where, and the batched delivery reports name each record once with where Kafka put it.
 * The binding's own produce() keeps working beside it.
 */
import t from 'tap';
import type { Test } from 'tap';
import kafka from '@confluentinc/kafka-javascript';
import { KafkaCluster } from '../../tools/kafka/cluster.js';
import { readTopic } from '../../tools/topic-reader.js';
import { nativeBatchOf } from '../../src/main-thread/kafka/native-batch.js';
import type { NativeBatchProducer } from '../../src/main-thread/kafka/native-batch.js';
import { LAYOUT_HEADER_FIELDS, LAYOUT_RECORD_FIELDS } from '../../src/main-thread/kafka/record-batch-layout.js';
import { waitFor } from '../fixtures/wait.js';

const QUEUE_FULL = kafka.CODES.ERRORS.ERR__QUEUE_FULL;
const MSG_SIZE_TOO_LARGE = kafka.CODES.ERRORS.ERR_MSG_SIZE_TOO_LARGE;
const INVALID_ARG = kafka.CODES.ERRORS.ERR__INVALID_ARG;

const cluster = await KafkaCluster.start();
t.teardown(() => cluster.stop());

interface TestRecord {
  topic: number;
  partition?: number;
  key: string | null;
  value: string | null;
  timestamp?: number;
  headers?: [string, string][];
  opaque: number;
}

/** The rows produceBatch takes, over one data buffer (as record-batch-layout.ts builds them). */
function rowsOf(records: TestRecord[]): { data: Uint8Array; rows: Int32Array; timestamps: Float64Array; headers: Int32Array } {
  const chunks: Buffer[] = [];
  let size = 0;
  const put = (text: string): number => {
    const bytes = Buffer.from(text);
    chunks.push(bytes);
    size += bytes.length;
    return size - bytes.length;
  };
  const rows = new Int32Array(records.length * LAYOUT_RECORD_FIELDS);
  const timestamps = new Float64Array(records.length);
  const headerRows: number[] = [];
  records.forEach((r, i) => {
    const row = i * LAYOUT_RECORD_FIELDS;
    rows[row] = r.topic;
    rows[row + 1] = r.partition ?? -1;
    rows[row + 2] = r.key === null ? 0 : put(r.key);
    rows[row + 3] = r.key === null ? -1 : Buffer.byteLength(r.key);
    rows[row + 4] = r.value === null ? 0 : put(r.value);
    rows[row + 5] = r.value === null ? -1 : Buffer.byteLength(r.value);
    rows[row + 6] = headerRows.length / LAYOUT_HEADER_FIELDS;
    rows[row + 7] = r.headers?.length ?? 0;
    rows[row + 8] = r.opaque;
    timestamps[i] = r.timestamp ?? Number.NaN;
    for (const [key, value] of r.headers ?? []) headerRows.push(put(key), Buffer.byteLength(key), put(value), Buffer.byteLength(value));
  });
  return { data: new Uint8Array(Buffer.concat(chunks)), rows, timestamps, headers: Int32Array.from(headerRows) };
}

interface Report {
  opaque: number;
  error: number;
  partition: number;
  offset: number;
}

async function connectedProducer(
  t: Test,
  config: Record<string, string | number | boolean> = {},
): Promise<{ producer: InstanceType<typeof kafka.Producer>; native: NativeBatchProducer; reports: Report[]; calls: number[] }> {
  const producer = new kafka.Producer({ 'bootstrap.servers': cluster.bootstrapServers, dr_cb: true, 'linger.ms': 5, ...config });
  const native = nativeBatchOf(producer);
  if (native === undefined)
    throw new Error(
      'the Kafka binding lacks produceBatch: run tools/bootstrap.sh (it applies patches/kafka-javascript-batch-produce.patch)',
    );
  const reports: Report[] = [];
  const calls: number[] = [];
  native.setDeliveryBatchCallback((opaques, errors, partitions, offsets) => {
    calls.push(opaques.length);
    for (let i = 0; i < opaques.length; i++)
      reports.push({ opaque: opaques[i]!, error: errors[i]!, partition: partitions[i]!, offset: offsets[i]! });
  });
  await new Promise<void>((resolve, reject) =>
    producer.connect({ timeout: 30000 }, (err) => (err ? reject(new Error(err.message)) : resolve())),
  );
  producer.setPollInBackground(true);
  t.teardown(() => new Promise<void>((resolve) => producer.disconnect(5000, () => resolve())));
  return { producer, native, reports, calls };
}

t.test('the rows are produced as described; one delivery report per record, in few calls', async (t) => {
  await cluster.createTopic('nb-a', { partitions: 3 });
  await cluster.createTopic('nb-b', { partitions: 1 });
  const { native, reports, calls } = await connectedProducer(t);
  const records: TestRecord[] = [
    { topic: 0, partition: 2, key: 'k0', value: 'with key, explicit partition', timestamp: 1_700_000_000_000, opaque: 100 },
    { topic: 0, partition: 2, key: null, value: 'no key', opaque: 101 },
    { topic: 0, partition: 2, key: 'k2', value: null, opaque: 102 },
    { topic: 0, partition: 2, key: '', value: '', opaque: 103 },
    {
      topic: 0,
      partition: 2,
      key: 'k4',
      value: 'headers',
      headers: [
        ['h1', 'v1'],
        ['h2', ''],
        ['h1', 'again'],
      ],
      opaque: 104,
    },
    { topic: 1, key: 'k5', value: 'other topic, partitioner', headers: [['only', 'one']], opaque: 105 },
    { topic: 0, key: 'k6', value: 'partitioner', opaque: -7 },
  ];
  const { data, rows, timestamps, headers } = rowsOf(records);
  const result = new Int32Array(1).fill(99);
  const enqueued = native.produceBatch(data, ['nb-a', 'nb-b'], rows, timestamps, headers, 0, records.length, result);
  t.equal(enqueued, records.length, 'every record enqueued');
  t.equal(result[0], 0, 'no error');
  await waitFor('every delivery report', () => reports.length === records.length, 30000);
  t.ok(calls.length < records.length, `${records.length} reports in ${calls.length} call(s)`);
  t.same(
    reports.map((r) => r.opaque).sort((a, b) => a - b),
    records.map((r) => r.opaque).sort((a, b) => a - b),
    'each opaque once (negative ones too)',
  );
  t.ok(
    reports.every((r) => r.error === 0),
    'all delivered',
  );

  const a = await readTopic(cluster.bootstrapServers, 'nb-a');
  const b = await readTopic(cluster.bootstrapServers, 'nb-b');
  const onTwo = a.filter((r) => r.partition === 2).sort((x, y) => x.offset - y.offset);
  t.same(
    onTwo.map((r) => [r.key, r.value]),
    [
      ['k0', 'with key, explicit partition'],
      [null, 'no key'],
      ['k2', null],
      ['', ''],
      ['k4', 'headers'],
    ],
    'explicit partition: in order; null key, null value and empty ones kept apart',
  );
  t.equal(onTwo[0]!.timestamp, 1_700_000_000_000, 'the given timestamp');
  t.ok(Math.abs(onTwo[1]!.timestamp! - Date.now()) < 60_000, 'no timestamp: now');
  t.same(onTwo[4]!.headers, { h1: 'again', h2: '' }, 'headers (the reader keeps the last of a repeated key)');
  t.same(
    b.map((r) => [r.key, r.value, r.headers]),
    [['k5', 'other topic, partitioner', { only: 'one' }]],
    'the second topic',
  );
  t.ok(
    a.some((r) => r.key === 'k6'),
    'the partitioner picked a partition',
  );
  for (const report of reports) {
    const record = records.find((r) => r.opaque === report.opaque)!;
    const stored = (record.topic === 0 ? a : b).find((r) => r.partition === report.partition && r.offset === report.offset);
    t.equal(stored?.key, record.key, `report of opaque ${report.opaque} points at its record`);
  }
});

t.test('QUEUE_FULL mid-batch: the call stops there and says so; the rest goes after reports free space', async (t) => {
  await cluster.createTopic('nb-full', { partitions: 1 });
  const { native, reports } = await connectedProducer(t, { 'queue.buffering.max.messages': 10, 'linger.ms': 50 });
  const records: TestRecord[] = Array.from({ length: 35 }, (_, i) => ({ topic: 0, key: String(i), value: `v${i}`, opaque: i }));
  const { data, rows, timestamps, headers } = rowsOf(records);
  const result = new Int32Array(1);
  let next = native.produceBatch(data, ['nb-full'], rows, timestamps, headers, 0, records.length, result);
  t.equal(next, 10, 'ten enqueued: the queue holds ten');
  t.equal(result[0], QUEUE_FULL, 'stopped by QUEUE_FULL');
  let fullStops = 1;
  while (next < records.length) {
    await new Promise((r) => setTimeout(r, 20));
    next += native.produceBatch(data, ['nb-full'], rows, timestamps, headers, next, records.length, result);
    if (next < records.length) {
      t.equal(result[0], QUEUE_FULL, 'only ever QUEUE_FULL');
      fullStops++;
    }
  }
  t.equal(result[0], 0, 'the last call enqueued the rest');
  await waitFor('every delivery report', () => reports.length === records.length, 30000);
  const stored = await readTopic(cluster.bootstrapServers, 'nb-full');
  t.same(
    stored.map((r) => r.key),
    records.map((r) => r.key),
    `all ${records.length} in order, none twice (${fullStops} QUEUE_FULL stops)`,
  );
});

t.test('a record librdkafka refuses stops the call at its index; the caller goes on after it', async (t) => {
  await cluster.createTopic('nb-refused', { partitions: 1 });
  const { native, reports } = await connectedProducer(t, { 'message.max.bytes': 2000 });
  const records: TestRecord[] = [
    { topic: 0, key: 'a', value: 'small', opaque: 1 },
    { topic: 0, key: 'b', value: 'x'.repeat(5000), opaque: 2 },
    { topic: 0, key: 'c', value: 'small again', opaque: 3 },
  ];
  const { data, rows, timestamps, headers } = rowsOf(records);
  const result = new Int32Array(1);
  t.equal(native.produceBatch(data, ['nb-refused'], rows, timestamps, headers, 0, 3, result), 1, 'stops at the second');
  t.equal(result[0], MSG_SIZE_TOO_LARGE, 'which is too large');
  t.equal(native.produceBatch(data, ['nb-refused'], rows, timestamps, headers, 2, 3, result), 1, 'the third goes');
  t.equal(result[0], 0);
  await waitFor('two delivery reports', () => reports.length === 2, 30000);
  t.same(reports.map((r) => r.opaque).sort(), [1, 3], 'no report for the refused record');

  // Rows that point outside the data are refused before librdkafka sees them.
  const bad = Int32Array.from(rows);
  bad[5] = data.length + 1;
  t.equal(native.produceBatch(data, ['nb-refused'], bad, timestamps, headers, 0, 1, result), 0, 'nothing enqueued');
  t.equal(result[0], INVALID_ARG, 'an out-of-range value is an invalid argument');
  t.throws(
    () => native.produceBatch(data, ['nb-refused'], rows, timestamps, headers, 0, 4, result),
    RangeError,
    'end past the rows throws',
  );
});

t.test('produce() and its delivery-report event work as before on the same producer', async (t) => {
  await cluster.createTopic('nb-mixed', { partitions: 1 });
  const { producer, native, reports } = await connectedProducer(t);
  const perRecord: { opaque: unknown; err: unknown }[] = [];
  producer.on('delivery-report', (err, report) => perRecord.push({ opaque: report.opaque, err }));
  producer.produce('nb-mixed', null, Buffer.from('one'), 'k1', undefined, { mine: 1 }, [{ h: Buffer.from('v') }]);
  const { data, rows, timestamps, headers } = rowsOf([{ topic: 0, key: 'k2', value: 'two', opaque: 2 }]);
  native.produceBatch(data, ['nb-mixed'], rows, timestamps, headers, 0, 1, new Int32Array(1));
  producer.produce('nb-mixed', null, Buffer.from('three'), 'k3', undefined, { mine: 3 });
  await waitFor('both kinds of report', () => perRecord.length === 2 && reports.length === 1, 30000);
  t.same(
    perRecord,
    [
      { opaque: { mine: 1 }, err: null },
      { opaque: { mine: 3 }, err: null },
    ],
    'produce(): its opaque objects, per record',
  );
  t.same(
    reports.map((r) => r.opaque),
    [2],
    'produceBatch: its batch callback only',
  );
  const stored = await readTopic(cluster.bootstrapServers, 'nb-mixed');
  t.same(
    stored.map((r) => r.value),
    ['one', 'two', 'three'],
    'in the order produced',
  );
});
