/**
 * What one `Producer.produce()` call costs on the calling thread, by the form of its arguments:
 * the raw contender's (key string, header values strings, no opaque) against connectd's
 * SourceProducer's (key, value and header values as Buffer views into the batch's ArrayBuffer,
 * one `{ [key]: value }` object per header, and a numeric opaque `seq · 2^20 + index`, which is a
 * heap number once seq ≥ 1024 and is held by a V8 global handle until its delivery report).
 *
 *   node dist/bench/lib/produce-args-microbench.js [records per variant] [bootstrap.servers]
 *
 * Without bootstrap.servers it starts its own one-node Kafka (tools/kafka/cluster.ts).
 *
 * Each variant produces its records in one synchronous loop (delivery reports are dispatched after
 * the loop, so they are not in the time), then waits for all of them; variants are interleaved
 * over several rounds and medians reported. With the patched binding
 * (patches/kafka-javascript-batch-produce.patch) a last variant produces the same records with
 * `produceBatch`, 1000 per call, its rows filled in the timed loop as connectd fills them.
 */
import kafka from '@confluentinc/kafka-javascript';
import { generatedValue } from '../../src/worker-thread/connectors/generator/generator-source-connector.js';
import { KafkaCluster } from '../../tools/kafka/cluster.js';
import { nativeBatchOf } from '../../src/main-thread/kafka/native-batch.js';
import { LAYOUT_HEADER_FIELDS, LAYOUT_RECORD_FIELDS } from '../../src/main-thread/kafka/record-batch-layout.js';
import { CONNECTD_PRODUCER_DEFAULTS } from './producer-settings.js';
import { median } from './stats.js';

type Produce = (producer: InstanceType<typeof kafka.Producer>, topic: string, i: number) => void;
/** Produces records [from, to) at once (a batch variant). */
type ProduceMany = (producer: InstanceType<typeof kafka.Producer>, topic: string, from: number, to: number) => void;
const BATCH = 1000;

const SEED = 'connectd';
const perVariant = Number(process.argv[2] ?? 100000);
const cluster = process.argv[3] === undefined ? await KafkaCluster.start() : undefined;
const bootstrap = process.argv[3] ?? cluster!.bootstrapServers;

/** One ArrayBuffer holding `n` records as connectd's batch does (key, value, header values). */
function batchBuffer(n: number): {
  buffer: ArrayBuffer;
  at: { key: number; keyLen: number; value: number; valueLen: number; h1: number; h1Len: number; h2: number; h2Len: number }[];
} {
  const enc = new TextEncoder();
  const parts: Uint8Array[] = [];
  const at = [];
  let pos = 0;
  const put = (s: string): [number, number] => {
    const b = enc.encode(s);
    parts.push(b);
    const r: [number, number] = [pos, b.byteLength];
    pos += b.byteLength;
    return r;
  };
  for (let i = 0; i < n; i++) {
    const p = i % 4;
    const seq = i >> 2;
    const [key, keyLen] = put(`p${p}-${seq}`);
    const [value, valueLen] = put(generatedValue(p, seq, SEED, 100));
    const [h1, h1Len] = put(String(p));
    const [h2, h2Len] = put(String(seq));
    at.push({ key, keyLen, value, valueLen, h1, h1Len, h2, h2Len });
  }
  const buffer = new ArrayBuffer(pos);
  const bytes = new Uint8Array(buffer);
  let o = 0;
  for (const part of parts) {
    bytes.set(part, o);
    o += part.byteLength;
  }
  return { buffer, at };
}

const { buffer, at } = batchBuffer(perVariant);
const headerKeyA: string = 'generator.partition';
const headerKeyB: string = 'generator.seq';

const variants: Record<string, Produce> = {
  'raw (key string, header strings, no opaque)': (producer, topic, i) => {
    const p = i % 4;
    const seq = i >> 2;
    producer.produce(topic, null, Buffer.from(generatedValue(p, seq, SEED, 100)), `p${p}-${seq}`, undefined, undefined, [
      { 'generator.partition': String(p) },
      { 'generator.seq': String(seq) },
    ]);
  },
  'connectd (Buffer views, computed-key headers, heap-number opaque)': (producer, topic, i) => {
    const r = at[i]!;
    const headers = [{ [headerKeyA]: Buffer.from(buffer, r.h1, r.h1Len) }, { [headerKeyB]: Buffer.from(buffer, r.h2, r.h2Len) }];
    producer.produce(
      topic,
      null,
      Buffer.from(buffer, r.value, r.valueLen),
      Buffer.from(buffer, r.key, r.keyLen),
      undefined,
      5000 * 2 ** 20 + i,
      headers,
    );
  },
  'connectd, Smi opaque (< 2^30)': (producer, topic, i) => {
    const r = at[i]!;
    const headers = [{ [headerKeyA]: Buffer.from(buffer, r.h1, r.h1Len) }, { [headerKeyB]: Buffer.from(buffer, r.h2, r.h2Len) }];
    producer.produce(topic, null, Buffer.from(buffer, r.value, r.valueLen), Buffer.from(buffer, r.key, r.keyLen), undefined, i, headers);
  },
  'connectd, no opaque': (producer, topic, i) => {
    const r = at[i]!;
    const headers = [{ [headerKeyA]: Buffer.from(buffer, r.h1, r.h1Len) }, { [headerKeyB]: Buffer.from(buffer, r.h2, r.h2Len) }];
    producer.produce(
      topic,
      null,
      Buffer.from(buffer, r.value, r.valueLen),
      Buffer.from(buffer, r.key, r.keyLen),
      undefined,
      undefined,
      headers,
    );
  },
  'connectd, no opaque, no headers': (producer, topic, i) => {
    const r = at[i]!;
    producer.produce(
      topic,
      null,
      Buffer.from(buffer, r.value, r.valueLen),
      Buffer.from(buffer, r.key, r.keyLen),
      undefined,
      undefined,
      undefined,
    );
  },
};

const producer = new kafka.Producer({ ...CONNECTD_PRODUCER_DEFAULTS, 'bootstrap.servers': bootstrap, dr_cb: true });
let acked = 0;
let waiting: { target: number; resolve: () => void } | undefined;
producer.on('delivery-report', () => {
  acked++;
  if (waiting !== undefined && acked >= waiting.target) waiting.resolve();
});
const batchVariants: Record<string, ProduceMany> = {};
const native = nativeBatchOf(producer);
if (native !== undefined) {
  native.setDeliveryBatchCallback((opaques) => {
    acked += opaques.length;
    if (waiting !== undefined && acked >= waiting.target) waiting.resolve();
  });
  const data = new Uint8Array(buffer);
  const rows = new Int32Array(BATCH * LAYOUT_RECORD_FIELDS);
  const timestamps = new Float64Array(BATCH).fill(Number.NaN);
  const headerRows = new Int32Array(BATCH * 2 * LAYOUT_HEADER_FIELDS);
  const keyA = new TextEncoder().encode(headerKeyA);
  const keyB = new TextEncoder().encode(headerKeyB);
  // The header keys' bytes, once, after the records (a connectd batch keeps them in a table).
  const withKeys = new Uint8Array(data.byteLength + keyA.byteLength + keyB.byteLength);
  withKeys.set(data);
  withKeys.set(keyA, data.byteLength);
  withKeys.set(keyB, data.byteLength + keyA.byteLength);
  const result = new Int32Array(1);
  const topics = [''];
  batchVariants['connectd native batch (produceBatch, 1000 per call)'] = (_producer, topic, from, to) => {
    topics[0] = topic;
    for (let start = from; start < to; start += BATCH) {
      const end = Math.min(to, start + BATCH);
      for (let i = start; i < end; i++) {
        const r = at[i]!;
        const row = (i - start) * LAYOUT_RECORD_FIELDS;
        rows[row] = 0;
        rows[row + 1] = -1;
        rows[row + 2] = r.key;
        rows[row + 3] = r.keyLen;
        rows[row + 4] = r.value;
        rows[row + 5] = r.valueLen;
        rows[row + 6] = (i - start) * 2;
        rows[row + 7] = 2;
        rows[row + 8] = i - start;
        const h = (i - start) * 2 * LAYOUT_HEADER_FIELDS;
        headerRows[h] = data.byteLength;
        headerRows[h + 1] = keyA.byteLength;
        headerRows[h + 2] = r.h1;
        headerRows[h + 3] = r.h1Len;
        headerRows[h + 4] = data.byteLength + keyA.byteLength;
        headerRows[h + 5] = keyB.byteLength;
        headerRows[h + 6] = r.h2;
        headerRows[h + 7] = r.h2Len;
      }
      const n = native.produceBatch(withKeys, topics, rows, timestamps, headerRows, 0, end - start, result);
      if (n !== end - start) throw new Error(`produceBatch stopped at ${n}: error ${result[0]}`);
    }
  };
}
await new Promise<void>((resolve, reject) =>
  producer.connect({ timeout: 30000 }, (err) => (err ? reject(new Error(err.message)) : resolve())),
);
producer.setPollInBackground(true);
const topic = `produce-args-${Date.now()}`;
let sent = 0;
const results: Record<string, number[]> = {};
for (let round = 0; round < 5; round++) {
  for (const [name, produce] of Object.entries(variants)) {
    const start = performance.now();
    for (let i = 0; i < perVariant; i++) produce(producer, topic, i);
    const micros = ((performance.now() - start) * 1000) / perVariant;
    sent += perVariant;
    await new Promise<void>((resolve) => (waiting = { target: sent, resolve }));
    if (round > 0) (results[name] ??= []).push(micros);
  }
  for (const [name, produceMany] of Object.entries(batchVariants)) {
    const start = performance.now();
    produceMany(producer, topic, 0, perVariant);
    const micros = ((performance.now() - start) * 1000) / perVariant;
    sent += perVariant;
    await new Promise<void>((resolve) => (waiting = { target: sent, resolve }));
    if (round > 0) (results[name] ??= []).push(micros);
  }
}
for (const [name, micros] of Object.entries(results))
  console.log(`${median(micros).toFixed(2).padStart(6)} µs/record  ${name}  (runs: ${micros.map((m) => m.toFixed(2)).join(', ')})`);
await new Promise<void>((resolve) => producer.disconnect(() => resolve()));
await cluster?.stop();
