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
 * over several rounds and medians reported.
 */
import kafka from '@confluentinc/kafka-javascript';
import { generatedValue } from '../../src/connectors/generator/generator-source-connector.js';
import { KafkaCluster } from '../../tools/kafka/cluster.js';
import { CONNECTD_PRODUCER_DEFAULTS } from './producer-settings.js';
import { median } from './stats.js';

type Produce = (producer: InstanceType<typeof kafka.Producer>, topic: string, i: number) => void;

const SEED = 'connectd';
const perVariant = Number(process.argv[2] ?? 100000);
const cluster = process.argv[3] === undefined ? await KafkaCluster.start() : undefined;
const bootstrap = process.argv[3] ?? cluster!.bootstrapServers;

/** One ArrayBuffer holding `n` records as connectd's batch does (key, value, header values). */
function batchBuffer(n: number): { buffer: ArrayBuffer; at: { key: number; keyLen: number; value: number; valueLen: number; h1: number; h1Len: number; h2: number; h2Len: number }[] } {
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
    producer.produce(topic, null, Buffer.from(generatedValue(p, seq, SEED, 100)), `p${p}-${seq}`, undefined, undefined, [{ 'generator.partition': String(p) }, { 'generator.seq': String(seq) }]);
  },
  'connectd (Buffer views, computed-key headers, heap-number opaque)': (producer, topic, i) => {
    const r = at[i]!;
    const headers = [{ [headerKeyA]: Buffer.from(buffer, r.h1, r.h1Len) }, { [headerKeyB]: Buffer.from(buffer, r.h2, r.h2Len) }];
    producer.produce(topic, null, Buffer.from(buffer, r.value, r.valueLen), Buffer.from(buffer, r.key, r.keyLen), undefined, 5000 * 2 ** 20 + i, headers);
  },
  'connectd, Smi opaque (< 2^30)': (producer, topic, i) => {
    const r = at[i]!;
    const headers = [{ [headerKeyA]: Buffer.from(buffer, r.h1, r.h1Len) }, { [headerKeyB]: Buffer.from(buffer, r.h2, r.h2Len) }];
    producer.produce(topic, null, Buffer.from(buffer, r.value, r.valueLen), Buffer.from(buffer, r.key, r.keyLen), undefined, i, headers);
  },
  'connectd, no opaque': (producer, topic, i) => {
    const r = at[i]!;
    const headers = [{ [headerKeyA]: Buffer.from(buffer, r.h1, r.h1Len) }, { [headerKeyB]: Buffer.from(buffer, r.h2, r.h2Len) }];
    producer.produce(topic, null, Buffer.from(buffer, r.value, r.valueLen), Buffer.from(buffer, r.key, r.keyLen), undefined, undefined, headers);
  },
  'connectd, no opaque, no headers': (producer, topic, i) => {
    const r = at[i]!;
    producer.produce(topic, null, Buffer.from(buffer, r.value, r.valueLen), Buffer.from(buffer, r.key, r.keyLen), undefined, undefined, undefined);
  },
};

const producer = new kafka.Producer({ ...CONNECTD_PRODUCER_DEFAULTS, 'bootstrap.servers': bootstrap, dr_cb: true });
let acked = 0;
let waiting: { target: number; resolve: () => void } | undefined;
producer.on('delivery-report', () => {
  acked++;
  if (waiting !== undefined && acked >= waiting.target) waiting.resolve();
});
await new Promise<void>((resolve, reject) => producer.connect({ timeout: 30000 }, (err) => (err ? reject(new Error(err.message)) : resolve())));
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
}
for (const [name, micros] of Object.entries(results)) console.log(`${median(micros).toFixed(2).padStart(6)} µs/record  ${name}  (runs: ${micros.map((m) => m.toFixed(2)).join(', ')})`);
await new Promise<void>((resolve) => producer.disconnect(() => resolve()));
await cluster?.stop();
