/**
 * The worker → supervisor batch codec: what encodeBatch writes, RecordBatchReader must give back.
 */
import t from 'tap';
import { ByteArrayConverter, StringConverter } from '../../../src/worker-thread/data/converters.js';
import { BATCH_MAGIC, RecordBatchReader, decodeOffsetJson, encodeBatch } from '../../../src/shared/record-batch.js';
import type { EncodedBatch } from '../../../src/shared/record-batch.js';
import { SourceRecord } from '../../../src/worker-thread/sdk/records.js';
import type { SourceOffset, SourceRecordInit } from '../../../src/worker-thread/sdk/records.js';
import { connectJson } from '../../../src/shared/offset-json.js';

const str = new StringConverter();
const bytes = new ByteArrayConverter();

interface Decoded {
  timestamp: number | undefined;
  kafkaPartition: number;
  topic: string;
  sourcePartition: string;
  key: Buffer | null;
  value: Buffer | null;
  offset: string;
  headers: [string, Buffer][] | undefined;
}

function decodeAll(batch: EncodedBatch): Decoded[] {
  const reader = new RecordBatchReader(batch.buffer);
  const out: Decoded[] = [];
  let expectedIndex = 0;
  while (reader.next()) {
    if (reader.index !== expectedIndex++) throw new Error(`reader.index ${reader.index} out of sequence`);
    out.push({
      timestamp: reader.timestamp,
      kafkaPartition: reader.kafkaPartition,
      topic: batch.topics[reader.topicIndex]!,
      sourcePartition: batch.sourcePartitions[reader.sourcePartitionIndex]!,
      // Copies: the reader's buffers are views that the next record must not disturb.
      key: reader.key === null ? null : Buffer.from(reader.key),
      value: reader.value === null ? null : Buffer.from(reader.value),
      offset: decodeOffsetJson(batch.buffer, reader.offsetStart, reader.offsetLength),
      headers: reader.headers?.map((h) => {
        const entries = Object.entries(h);
        if (entries.length !== 1) throw new Error('one key per header object');
        return [entries[0]![0], Buffer.from(entries[0]![1])];
      }),
    });
  }
  if (reader.next()) throw new Error('next() must stay false after the end');
  if (out.length !== batch.count) throw new Error(`reader yielded ${out.length} records, batch.count is ${batch.count}`);
  return out;
}

const rec = (init: Partial<SourceRecordInit>): SourceRecord =>
  new SourceRecord({ sourcePartition: { file: 'a' }, sourceOffset: { pos: 0 }, topic: 'topic', value: 'v', ...init });

t.test('keys and values: null, empty, ASCII, multi-byte UTF-8', async (t) => {
  const records = [
    rec({ key: null, value: null }),
    rec({ key: '', value: '' }),
    rec({ key: 'k1', value: 'plain value' }),
    rec({ key: 'clé', value: 'emoji 🚀👩‍👩‍👧 and ü and 中文' }),
    rec({ key: undefined, value: 42 }),
  ];
  const batch = encodeBatch(records, str, str);
  t.equal(batch.count, 5);
  t.equal(new DataView(batch.buffer).getUint32(0, true), BATCH_MAGIC);
  const d = decodeAll(batch);
  t.equal(d[0]!.key, null);
  t.equal(d[0]!.value, null);
  t.same(d[1]!.key, Buffer.alloc(0), 'empty key is empty, not null');
  t.same(d[1]!.value, Buffer.alloc(0), 'empty value is empty, not null');
  t.equal(d[2]!.key!.toString('utf8'), 'k1');
  t.equal(d[2]!.value!.toString('utf8'), 'plain value');
  t.equal(d[3]!.key!.toString('utf8'), 'clé');
  t.equal(d[3]!.value!.toString('utf8'), 'emoji 🚀👩‍👩‍👧 and ü and 中文');
  t.equal(d[3]!.value!.byteLength, Buffer.byteLength('emoji 🚀👩‍👩‍👧 and ü and 中文'), 'exact UTF-8 length, no padding');
  t.equal(d[4]!.key, null, 'an absent key is null');
  t.equal(d[4]!.value!.toString(), '42');
});

t.test('byte keys and values through ByteArrayConverter', async (t) => {
  const raw = Uint8Array.from([0, 1, 2, 255, 254, 0]);
  const batch = encodeBatch([rec({ key: Buffer.from('bk'), value: raw }), rec({ key: null, value: new Uint8Array(0) })], bytes, bytes);
  const d = decodeAll(batch);
  t.same([...d[0]!.value!], [...raw]);
  t.equal(d[0]!.key!.toString(), 'bk');
  t.equal(d[1]!.key, null);
  t.same(d[1]!.value, Buffer.alloc(0));
  t.equal(batch.payloadBytes, 2 + raw.byteLength, 'payload bytes count key and value bytes');
});

t.test('headers: string, bytes, null (as empty buffer), multi-byte keys and values', async (t) => {
  const records = [
    rec({ headers: [] }),
    rec({
      headers: [
        { key: 'trace-id', value: 'abc-123' },
        { key: 'bin', value: Uint8Array.from([9, 8, 7]) },
        { key: 'nothing', value: null },
        { key: 'ключ', value: 'значение 🎉' },
        { key: '', value: '' },
        { key: 'trace-id', value: 'duplicate keys are kept' },
      ],
    }),
    rec({ value: 'after headers', headers: [{ key: 'only', value: 'one' }] }),
  ];
  const d = decodeAll(encodeBatch(records, str, str));
  t.equal(d[0]!.headers, undefined, 'no headers → undefined');
  t.same(d[1]!.headers, [
    ['trace-id', Buffer.from('abc-123')],
    ['bin', Buffer.from([9, 8, 7])],
    ['nothing', Buffer.alloc(0)],
    ['ключ', Buffer.from('значение 🎉')],
    ['', Buffer.alloc(0)],
    ['trace-id', Buffer.from('duplicate keys are kept')],
  ]);
  t.equal(d[2]!.value!.toString(), 'after headers', 'the record after a headered record is read from the right place');
  t.same(d[2]!.headers, [['only', Buffer.from('one')]]);
});

t.test('timestamps and Kafka partitions', async (t) => {
  const records = [
    rec({ timestamp: null }),
    rec({}),
    rec({ timestamp: 0 }),
    rec({ timestamp: 1767225600123 }),
    rec({ kafkaPartition: null }),
    rec({ kafkaPartition: 0 }),
    rec({ kafkaPartition: 11 }),
  ];
  const d = decodeAll(encodeBatch(records, str, str));
  t.same(
    d.map((r) => r.timestamp),
    [undefined, undefined, 0, 1767225600123, undefined, undefined, undefined],
  );
  t.same(
    d.map((r) => r.kafkaPartition),
    [-1, -1, -1, -1, -1, 0, 11],
  );
});

t.test('topic and source partition tables are deduplicated', async (t) => {
  const shared = { file: 'a.txt' };
  const records = [
    rec({ topic: 't1', sourcePartition: shared, sourceOffset: { pos: 1 } }),
    rec({ topic: 't2', sourcePartition: shared, sourceOffset: { pos: 2 } }), // same object
    rec({ topic: 't1', sourcePartition: { file: 'a.txt' }, sourceOffset: { pos: 3 } }), // equal, distinct
    rec({ topic: 't1', sourcePartition: { file: 'b.txt' }, sourceOffset: { pos: 1 } }),
    rec({ topic: 't3', sourcePartition: { file: 'a.txt' }, sourceOffset: { pos: 4 } }),
    rec({ topic: 't2', sourcePartition: shared, sourceOffset: { pos: 5 } }),
  ];
  const batch = encodeBatch(records, str, str);
  t.same(batch.topics, ['t1', 't2', 't3']);
  t.same(batch.sourcePartitions, ['{"file":"a.txt"}', '{"file":"b.txt"}']);
  const d = decodeAll(batch);
  t.same(
    d.map((r) => r.topic),
    ['t1', 't2', 't1', 't1', 't3', 't2'],
  );
  t.same(
    d.map((r) => r.sourcePartition),
    ['{"file":"a.txt"}', '{"file":"a.txt"}', '{"file":"a.txt"}', '{"file":"b.txt"}', '{"file":"a.txt"}', '{"file":"a.txt"}'],
  );
});

t.test("decodeOffsetJson gives back the offset as Kafka Connect's Jackson writes it (connectJson)", async (t) => {
  const offsets: SourceOffset[] = [
    { pos: 1 },
    { file: 'naïve 🚀.txt', line: 12345678901, done: false, cursor: null },
    {},
    { pos: -0.5, quote: 'a "quoted" \\ thing\n' },
  ];
  const records = offsets.map((o, i) => rec({ sourceOffset: o, value: i % 2 === 0 ? null : 'x'.repeat(i * 100) }));
  const d = decodeAll(encodeBatch(records, str, str));
  t.same(
    d.map((r) => r.offset),
    offsets.map((o) => connectJson(o)),
  );
  t.equal(
    d[1]!.offset,
    '{"file":"naïve \\uD83D\\uDE80.txt","line":12345678901,"done":false,"cursor":null}',
    'a character outside the BMP escaped as Jackson does',
  );
  t.same(
    d.map((r) => JSON.parse(r.offset) as unknown),
    offsets,
  );
});

t.test('an empty batch', async (t) => {
  const batch = encodeBatch([], str, str);
  t.equal(batch.count, 0);
  t.equal(batch.payloadBytes, 0);
  t.same(batch.topics, []);
  t.same(batch.sourcePartitions, []);
  const reader = new RecordBatchReader(batch.buffer);
  t.equal(reader.count, 0);
  t.equal(reader.next(), false);
});

t.test('a buffer that is not a batch is refused', async (t) => {
  t.throws(() => new RecordBatchReader(new ArrayBuffer(4)), /bad magic/);
  t.throws(() => new RecordBatchReader(new ArrayBuffer(64)), /bad magic/);
});

t.test('a large batch round trips', async (t) => {
  const records: SourceRecord[] = [];
  for (let i = 0; i < 2000; i++) {
    records.push(
      rec({
        topic: `t${i % 7}`,
        sourcePartition: { shard: i % 13 },
        sourceOffset: { seq: i },
        key: i % 5 === 0 ? null : `key-${i}`,
        value: `value-${i}-${'é'.repeat(i % 17)}`,
        timestamp: i % 3 === 0 ? null : 1_700_000_000_000 + i,
        kafkaPartition: i % 4 === 0 ? null : i % 4,
        headers: i % 6 === 0 ? [{ key: `h${i}`, value: i % 12 === 0 ? null : `hv${i}` }] : [],
      }),
    );
  }
  const batch = encodeBatch(records, str, str);
  t.equal(batch.topics.length, 7);
  t.equal(batch.sourcePartitions.length, 13);
  const d = decodeAll(batch);
  let mismatches = 0;
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!;
    const got = d[i]!;
    const ok =
      got.topic === r.topic &&
      got.sourcePartition === JSON.stringify(r.sourcePartition) &&
      got.offset === JSON.stringify(r.sourceOffset) &&
      (got.key === null ? r.key === null : got.key.toString() === r.key) &&
      got.value!.toString() === r.value &&
      got.timestamp === (r.timestamp ?? undefined) &&
      got.kafkaPartition === (r.kafkaPartition ?? -1) &&
      JSON.stringify(got.headers?.map(([k, v]) => [k, v.toString()])) ===
        JSON.stringify(r.headers.length === 0 ? undefined : r.headers.map((h) => [h.key, h.value ?? '']));
    if (!ok) mismatches++;
  }
  t.equal(mismatches, 0, 'every record decodes to what was encoded');
});

t.test('converter errors propagate, naming the topic', async (t) => {
  t.throws(() => encodeBatch([rec({ topic: 'bytes-only', value: 'a string' })], str, bytes), {
    name: 'TypeError',
    message: /ByteArrayConverter.*bytes-only/,
  });
  t.throws(
    () => encodeBatch([rec({ value: Buffer.from('ok') }), rec({ topic: 'keyed', key: 123, value: Buffer.from('x') })], bytes, bytes),
    {
      name: 'TypeError',
      message: /keyed/,
    },
    'a bad key in a later record fails the whole batch',
  );
});
