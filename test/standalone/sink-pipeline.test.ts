/**
 * The sink runtime end to end against a real Kafka broker: records written into a topic reach a
 * sink task's put() through the connector's consumer group, converted on the task's worker thread;
 * offsets commit only for what was put; rebalances, crashes and rewinds lose nothing.
 */
import path from 'node:path';
import { rm } from 'node:fs/promises';
import t from 'tap';
import { writeTopic } from '../../tools/topic-writer.js';
import type { RecordToWrite } from '../../tools/topic-writer.js';
import { waitFor } from '../fixtures/wait.js';
import { connectdHarness } from '../fixtures/connectd-harness.js';
import { readSinkOutput, touch } from '../fixtures/plugins/test-sinks.js';

const { cluster, root, startConnectd } = await connectdHarness(t, 'sink');

const WORKER = { 'offset.flush.interval.ms': '500' };

function sink(name: string, topics: string, output: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    name,
    'connector.class': 'RecordingSinkConnector',
    'tasks.max': '1',
    topics,
    'output.file': output,
    'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
    'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
    'value.converter.schemas.enable': 'false',
    ...extra,
  };
}

function records(count: number, partitions: number, make: (i: number) => Partial<RecordToWrite> = () => ({})): RecordToWrite[] {
  return Array.from({ length: count }, (_, i) => ({ partition: i % partitions, key: `k${i}`, value: JSON.stringify({ n: i, text: `record ${i}` }), headers: { seq: String(i) }, ...make(i) }));
}

/** partition/offset → times seen. */
function seen(output: readonly { partition: number; offset: number }[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of output) counts.set(`${r.partition}/${r.offset}`, (counts.get(`${r.partition}/${r.offset}`) ?? 0) + 1);
  return counts;
}

t.test('every record reaches put() once, converted, in order per partition; offsets commit to connect-<name>', async (t) => {
  await cluster.createTopic('orders', { partitions: 3 });
  const input = records(3000, 3);
  await writeTopic(cluster.bootstrapServers, 'orders', input);
  const output = path.join(root, 'orders.jsonl');
  const proc = await startConnectd('orders', [sink('orders-sink', 'orders', output)], WORKER);
  await waitFor('all records put', () => readSinkOutput(output).length >= input.length, 60000);
  const status = await proc.status('orders-sink');
  t.equal(status.type, 'sink', 'the status says sink');
  t.same(status.tasks.map((x) => x.state), ['RUNNING']);
  const out = readSinkOutput(output);
  t.equal(out.length, input.length, 'no record twice');
  const byN = new Map(out.map((r) => [(r.value as { n: number }).n, r]));
  let wrong = 0;
  for (let i = 0; i < input.length; i++) {
    const r = byN.get(i);
    const ok = r !== undefined && r.key === `k${i}` && (r.value as { text: string }).text === `record ${i}` && r.headers.seq === String(i) && r.partition === i % 3 && r.topic === 'orders';
    if (!ok && wrong++ === 0) t.fail(`record ${i} arrived as ${JSON.stringify(r)}`);
  }
  t.equal(wrong, 0, 'every key, value and header as written');
  for (let p = 0; p < 3; p++) {
    const offsets = out.filter((r) => r.partition === p).map((r) => r.offset);
    t.ok(offsets.every((o, i) => i === 0 || o > offsets[i - 1]!), `partition ${p} in offset order`);
  }
  await waitFor('offsets committed to the end', async () => {
    const committed = await cluster.committedOffsets('connect-orders-sink', 'orders');
    return [0, 1, 2].every((p) => committed.get(p) === 1000);
  });
  t.equal(await proc.stop(), 0);
});
