/**
 * The generator's keys, values and rate limit. The task is driven directly (as the task host does)
 * for exact checks of content and determinism, with a real clock for the rate limit's upper bound
 * (a limit is "no more than", which a slow machine cannot break); then once through the daemon and
 * a real broker, with the JsonConverter writing the Struct values' schema.
 */
import t from 'tap';
import {
  GENERATOR_VALUE_SCHEMA,
  GeneratorSourceConnector,
  GeneratorSourceTask,
  generatedKey,
  generatedStruct,
  generatedValue,
} from '../../../src/worker-thread/connectors/generator/generator-source-connector.js';
import { Struct, schemasEqual } from '../../../src/worker-thread/sdk/index.js';
import type { SourceRecord } from '../../../src/worker-thread/sdk/index.js';
import { readTopic } from '../../../tools/topic-reader.js';
import { connectdHarness } from '../../fixtures/connectd-harness.js';
import { waitFor } from '../../fixtures/wait.js';

/** The task configs the connector gives for `props`, each started as the task host would. */
async function startTasks(props: Record<string, string>, maxTasks: number): Promise<GeneratorSourceTask[]> {
  const connector = new GeneratorSourceConnector();
  connector.start(props);
  const tasks: GeneratorSourceTask[] = [];
  for (const config of connector.taskConfigs(maxTasks)) {
    const task = new GeneratorSourceTask();
    task.initialize({ configs: () => config, offsetStorageReader: () => ({ offset: async () => null, offsets: async () => new Map() }) });
    await task.start(config);
    tasks.push(task);
  }
  return tasks;
}

/** Every record the tasks produce until each returns null (a bounded generator has ended). */
async function drain(tasks: GeneratorSourceTask[]): Promise<SourceRecord[]> {
  const all: SourceRecord[] = [];
  for (const task of tasks) {
    for (;;) {
      // A finished task waits a second before returning null; stop it once it has nothing left.
      const records = await Promise.race([task.poll(), new Promise<null>((r) => setImmediate(() => r(null)))]);
      if (records === null || records.length === 0) break;
      all.push(...records);
    }
    task.stop();
  }
  return all;
}

const base = { name: 'gen', 'connector.class': 'GeneratorSource', topic: 'gen' };

t.test('key.cardinality: keys cycle over exactly N values across partitions; 0 keeps one key per record', async (t) => {
  const records = await drain(
    await startTasks({ ...base, 'source.partitions': '3', 'records.per.partition': '10', 'key.cardinality': '7' }, 2),
  );
  t.equal(records.length, 30);
  const keys = new Set(records.map((r) => r.key));
  t.same([...keys].sort(), ['key-0', 'key-1', 'key-2', 'key-3', 'key-4', 'key-5', 'key-6'], 'exactly 7 distinct keys');
  for (const r of records) {
    const p = Number(r.sourcePartition.partition);
    const seq = Number(r.sourceOffset.seq);
    if (r.key !== `key-${(seq * 3 + p) % 7}`) t.fail(`record ${p}/${seq} has key ${String(r.key)}`);
  }
  const unique = await drain(await startTasks({ ...base, 'source.partitions': '2', 'records.per.partition': '5' }, 1));
  t.same(
    unique.map((r) => r.key).sort(),
    ['p0-0', 'p0-1', 'p0-2', 'p0-3', 'p0-4', 'p1-0', 'p1-1', 'p1-2', 'p1-3', 'p1-4'],
    'key.cardinality=0: p<p>-<n>, as before',
  );
  t.equal(generatedKey(1, 4, 2, 0), 'p1-4');
});

t.test('value.format=struct: a typed Struct with its schema, padded, deterministic given the seed', async (t) => {
  const props = {
    ...base,
    'source.partitions': '2',
    'records.per.partition': '50',
    'value.format': 'struct',
    'value.size': '40',
    seed: 's1',
  };
  const records = await drain(await startTasks(props, 2));
  t.equal(records.length, 100);
  t.ok(
    records.every((r) => r.valueSchema !== null && schemasEqual(r.valueSchema, GENERATOR_VALUE_SCHEMA)),
    'every value carries the schema',
  );
  const first = records.find((r) => r.sourcePartition.partition === 1 && r.sourceOffset.seq === 7)!;
  const value = first.value as Struct;
  t.ok(value instanceof Struct);
  t.equal(value.getInt32('partition'), 1);
  t.equal(value.getInt64('seq'), 7n);
  t.equal(value.getString('seed'), 's1');
  t.equal(value.getString('payload')!.length, 40, 'payload of value.size characters');
  t.match(value.getString('payload'), /^s1-1-7-s1-1-7-/);
  t.type(value.getBoolean('flag'), 'boolean');
  const amount = value.getFloat64('amount')!;
  t.ok(amount >= 0 && amount < 1000 && Math.round(amount * 100) === amount * 100, `amount ${amount}: two decimals below 1000`);
  t.doesNotThrow(() => value.validate(), 'valid against its schema');

  const again = await drain(await startTasks(props, 1));
  const byPosition = (rs: SourceRecord[]) => new Map(rs.map((r) => [`${r.sourcePartition.partition}/${r.sourceOffset.seq}`, r]));
  const a = byPosition(records);
  const b = byPosition(again);
  t.ok(
    [...a].every(([k, r]) => (r.value as Struct).equals(b.get(k)?.value) && r.key === b.get(k)?.key),
    'the same seed: the same records, however many tasks',
  );
  const flags = new Set(records.map((r) => (r.value as Struct).getBoolean('flag')));
  const amounts = new Set(records.map((r) => (r.value as Struct).getFloat64('amount')));
  t.same([...flags].sort(), [false, true], 'the flag varies');
  t.ok(amounts.size > 90, `the amount varies (${amounts.size} distinct of 100)`);
  const otherSeed = generatedStruct(1, 7, 's2', 40);
  t.not(otherSeed.getFloat64('amount'), amount, 'another seed, other content');
  t.ok(generatedStruct(1, 7, 's1', 40).equals(value), 'generatedStruct computes what the task sends');

  const strings = await drain(await startTasks({ ...base, 'records.per.partition': '3', 'value.size': '60' }, 1));
  t.same(
    strings.map((r) => [r.valueSchema, r.value]),
    [0, 1, 2].map((seq) => [null, generatedValue(0, seq, 'connectd', 60)]),
    'value.format=string: schemaless strings, as before',
  );
});

t.test('records.per.second: the connector never exceeds its rate, shared by its tasks; polls wait instead of spinning', async (t) => {
  const rate = 400;
  const tasks = await startTasks({ ...base, 'source.partitions': '4', 'records.per.second': String(rate), 'batch.size': '1000' }, 2);
  const counts = [0, 0];
  const polls = [0, 0];
  const started = performance.now();
  await Promise.all(
    tasks.map(async (task, i) => {
      while (performance.now() - started < 1500) {
        const records = await task.poll();
        polls[i]!++;
        counts[i]! += records?.length ?? 0;
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  for (const task of tasks) task.stop();
  const total = counts[0]! + counts[1]!;
  // Each task's bucket holds at most 100 ms of its share, and starts full.
  const ceiling = rate * elapsed + 2 * Math.ceil(rate / 2 / 10);
  t.ok(
    total <= ceiling,
    `${total} records in ${elapsed.toFixed(2)} s: at most ${ceiling.toFixed(0)} (the whole connector's rate, not each task's)`,
  );
  t.ok(
    counts.every((n) => n > 0),
    `both tasks produced (${counts.join(', ')})`,
  );
  t.ok(
    polls.every((n, i) => n <= counts[i]! / 20 + 2),
    `polls (${polls.join(', ')}) wait for a batch of about 100 ms of tokens rather than return empty`,
  );
});

t.test('bad values name the key and the reason', async (t) => {
  const connector = new GeneratorSourceConnector();
  const problems = (props: Record<string, string>): string => {
    try {
      connector.config().parse({ ...base, ...props });
      return '';
    } catch (err) {
      return (err as Error).message;
    }
  };
  t.match(
    problems({ 'records.per.second': '-2' }),
    /records\.per\.second="-2": must be -1 or 0 \(no limit\), or a positive number of records a second/,
  );
  t.match(problems({ 'records.per.second': 'fast' }), /records\.per\.second="fast": Not a number of type DOUBLE/);
  t.match(problems({ 'key.cardinality': '-1' }), /key\.cardinality="-1": Value must be at least 0/);
  t.match(problems({ 'value.format': 'xml' }), /value\.format="xml": String must be one of: string, struct/);
  t.equal(problems({ 'records.per.second': '0.5', 'key.cardinality': '0', 'value.format': 'struct' }), '', 'good values pass');
});

t.test('through the daemon and a broker: Struct values with their schema (JsonConverter), cycling keys, rate-limited', async (t) => {
  const { cluster, startConnectd } = await connectdHarness(t, 'generator');
  await cluster.createTopic('structs', { partitions: 2 });
  const proc = await startConnectd('structs', [
    {
      ...base,
      name: 'structs',
      topic: 'structs',
      'tasks.max': '2',
      'source.partitions': '2',
      'records.per.partition': '300',
      'records.per.second': '2000',
      'key.cardinality': '5',
      'value.format': 'struct',
      'value.size': '20',
      'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
      'value.converter.schemas.enable': 'true',
    },
  ]);
  await waitFor('all 600 records acknowledged', async () => (await proc.metric('connectd_source_record_write_total')) === 600);
  t.equal(await proc.stop(), 0);
  const records = await readTopic(cluster.bootstrapServers, 'structs');
  t.equal(records.length, 600);
  t.same([...new Set(records.map((r) => r.key))].sort(), ['key-0', 'key-1', 'key-2', 'key-3', 'key-4']);
  const envelope = JSON.parse(records[0]!.value!) as {
    schema: { type: string; name: string; fields: { field: string; type: string }[] };
    payload: unknown;
  };
  t.match(envelope.schema, { type: 'struct', name: 'io.connectd.connectors.generator.Value', version: 1 });
  t.same(
    envelope.schema.fields.map((f) => [f.field, f.type]),
    [
      ['partition', 'int32'],
      ['seq', 'int64'],
      ['seed', 'string'],
      ['flag', 'boolean'],
      ['amount', 'double'],
      ['payload', 'string'],
    ],
  );
  let wrong = 0;
  for (const r of records) {
    const payload = (JSON.parse(r.value!) as { payload: { partition: number; seq: number } }).payload;
    const expected = generatedStruct(payload.partition, payload.seq, 'connectd', 20);
    const same =
      JSON.stringify(payload) ===
      JSON.stringify({
        partition: payload.partition,
        seq: payload.seq,
        seed: 'connectd',
        flag: expected.getBoolean('flag'),
        amount: expected.getFloat64('amount'),
        payload: expected.getString('payload'),
      });
    if (!same && wrong++ === 0) t.fail(`record ${r.value} is not as generated`);
    if (r.key !== generatedKey(payload.partition, payload.seq, 2, 5) && wrong++ === 0) t.fail(`record ${r.value} has key ${r.key}`);
  }
  t.equal(wrong, 0, 'every payload and key as generated');
});
