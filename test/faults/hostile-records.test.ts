/**
 * Fault suite (issue 13), hostile records: invalid UTF-8 under StringConverter and JsonConverter,
 * JSON nested 100,000 deep, records larger than `message.max.bytes`, an Avro schema that references
 * itself, each among good records, through a real broker and a real connectd.
 *
 * One daemon runs every class at once, each twice, as two connectors side by side:
 * `errors.tolerance=none` (the task FAILED with a trace that says why, no offset at or past the bad
 * record committed, nothing after it put by a sink or converted by a source) and
 * `errors.tolerance=all` (the task RUNNING, the bad record in the dead letter queue with its error
 * headers, every good record delivered once). What Kafka Connect does not treat as an
 * error is not one here either: invalid UTF-8 under StringConverter reads as U+FFFD (Java's
 * `new String(bytes, UTF_8)`), and a sink reads a record larger than the producer's
 * `message.max.bytes` that a topic accepted. Whatever the class: the process stays up and healthy,
 * and every wait is bounded.
 *
 * Sources: a record larger than `message.max.bytes` is refused by the producer; as in Kafka Connect
 * since KIP-779 (WorkerSourceTask.producerSendFailed), `errors.tolerance=all` skips it (stage
 * KAFKA_PRODUCE) and commits its offset, `none` fails the task. A value nested 100,000 deep fails
 * the converter's walk (the stack), which is a conversion error like any other.
 *
 * Each class leaves a reliability row from its `all` run; there "lost" counts good records only, the
 * bad ones being in the dead letter queue (checked one by one).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import avro from 'avsc';
import t from 'tap';
import type { Test } from 'tap';
import { readTopic } from '../../tools/topic-reader.js';
import type { ConsumedRecord } from '../../tools/topic-reader.js';
import { writeTopic } from '../../tools/topic-writer.js';
import type { RecordToWrite } from '../../tools/topic-writer.js';
import type { ConnectdProcess } from '../../tools/connectd-process.js';
import { FakeSchemaRegistry } from '../fixtures/avro/fake-schema-registry.js';
import { connectdHarness } from '../fixtures/connectd-harness.js';
import { audit, generatorKey, keepsPromise, recordReliability } from '../fixtures/fault-audit.js';
import type { AuditCounts } from '../fixtures/fault-audit.js';
import { readSinkOutput } from '../fixtures/plugins/test-sinks.js';
import { waitFor } from '../fixtures/wait.js';

const TEST_FILE = 'test/faults/hostile-records.test.ts';
const { cluster, root, startConnectd } = await connectdHarness(t, 'hostile-records');
const registry = await FakeSchemaRegistry.start();
t.teardown(() => registry.close());

const WORKER = { 'offset.flush.interval.ms': '500' };
/** Records per class; the hostile ones sit in the middle, so good records come before and after. */
const TOTAL = 200;
const BAD = [60, 140];
const DEPTH = 100_000;
const STRING = 'org.apache.kafka.connect.storage.StringConverter';
const JSON_CONVERTER = 'org.apache.kafka.connect.json.JsonConverter';

function tolerant(name: string): Record<string, string> {
  return {
    'errors.tolerance': 'all',
    'errors.log.enable': 'true',
    'errors.deadletterqueue.topic.name': `${name}-dlq`,
    'errors.deadletterqueue.topic.replication.factor': '1',
    'errors.deadletterqueue.context.headers.enable': 'true',
  };
}

/** Good records have seqs 0..TOTAL-1 but the bad ones: audited as one stream, renumbered. */
function auditGood(bad: readonly number[], seenSeqs: Iterable<number>): AuditCounts {
  const good = Array.from({ length: TOTAL }, (_, i) => i).filter((i) => !bad.includes(i));
  const index = new Map(good.map((seq, i) => [seq, i]));
  const seen = [...seenSeqs].map((seq): [string, number] => (index.has(seq) ? ['p0', index.get(seq)!] : [`bad-${seq}`, seq]));
  return audit(new Map([['p0', good.length]]), seen);
}

/** The process is up and says so. */
async function assertAlive(t: Test, proc: ConnectdProcess): Promise<void> {
  const exited = await Promise.race([proc.exited().then(() => true), new Promise<false>((r) => setTimeout(() => r(false), 10))]);
  t.notOk(exited, 'connectd is still running');
  const health = await fetch(`${proc.url}/health`);
  t.equal(health.status, 200, `/health answers 200 (${await health.text()})`);
}

/** Waits for `done`; a task that FAILED meanwhile ends the wait at once, with its trace. */
async function doneUnlessFailed(proc: ConnectdProcess, connector: string, what: string, done: () => Promise<boolean>): Promise<void> {
  const outcome = await waitFor(
    `${connector}: ${what}`,
    async () => {
      if (await done()) return { failed: false, trace: '' };
      const task = (await proc.status(connector)).tasks[0];
      return task?.state === 'FAILED' ? { failed: true, trace: task.trace ?? '' } : undefined;
    },
    60000,
  );
  if (outcome.failed) throw new Error(`${connector}'s task FAILED instead: ${outcome.trace.slice(0, 2000)}`);
}

async function failedTask(proc: ConnectdProcess, connector: string): Promise<{ state: string; trace?: string }> {
  return waitFor(`${connector}'s task FAILED`, async () => {
    const task = (await proc.status(connector)).tasks[0];
    return task?.state === 'FAILED' ? task : undefined;
  });
}

interface Row {
  scenario: string;
  injected: string;
  counts: AuditCounts;
  notes: string;
}

async function writeRow(t: Test, row: Row): Promise<void> {
  await recordReliability({
    scenario: row.scenario,
    test: TEST_FILE,
    injected: row.injected,
    bound: 'none (each good record once)',
    maxDuplicates: 0,
    recoverySeconds: null,
    notes: row.notes,
    ...row.counts,
  });
  t.ok(keepsPromise({ ...row.counts, maxDuplicates: 0 }), `${row.scenario}: ${JSON.stringify(row.counts)}`);
}

interface SinkClass {
  id: string;
  injected: string;
  /** The record at `seq` (key `p0-<seq>`). */
  record: (seq: number, bad: boolean) => RecordToWrite;
  converter: Record<string, string>;
  /** For a class that is an error: the trace's expected text and the DLQ's stage. Else the bad record is delivered. */
  error?: { trace: RegExp; stage: string; message: RegExp };
  /** For a class that is not an error: what the sink sees of the hostile record's value. */
  delivered?: (value: unknown, seq: number) => boolean;
  topicConfigs?: Record<string, string>;
  producerConfig?: Record<string, string | number>;
  /** More checks on what the tolerance=all sink put. */
  alsoCheck?: (t: Test, out: ReturnType<typeof readSinkOutput>) => void;
  notes: string;
}

/** The records of a sink class, in order (key `p0-<seq>`). */
function sinkInput(c: SinkClass): RecordToWrite[] {
  return Array.from({ length: TOTAL }, (_, seq) => ({ ...c.record(seq, BAD.includes(seq)), key: `p0-${seq}`, partition: 0 }));
}

/** Writes the class's records into its topic; its two sinks, none and all, read them side by side. */
async function sinkConnectors(c: SinkClass): Promise<Record<string, string>[]> {
  const topic = `sink-${c.id}`;
  await cluster.createTopic(topic, { partitions: 1, replicationFactor: 1, configs: c.topicConfigs });
  await writeTopic(cluster.bootstrapServers, topic, sinkInput(c), c.producerConfig);
  const sink = (name: string, extra: Record<string, string>): Record<string, string> => ({
    name,
    'connector.class': 'RecordingSinkConnector',
    'tasks.max': '1',
    topics: topic,
    'output.file': path.join(root, `${name}.jsonl`),
    'key.converter': STRING,
    ...c.converter,
    ...extra,
  });
  // Polls of 40 (so 4 batches, 160 records, in flight) and a first put() that takes a second: the
  // batches after the bad record's are already queued in the worker thread when it fails, and
  // must not reach put().
  const queued = { 'consumer.override.max.poll.records': '40', 'slow.put.once.ms': '1000' };
  return [sink(`${c.id}-none`, queued), sink(`${c.id}-all`, tolerant(`${c.id}-all`))];
}

/** Checks both sinks of a class, and writes its row. */
async function checkSink(t: Test, c: SinkClass, proc: ConnectdProcess): Promise<void> {
  const topic = `sink-${c.id}`;
  const input = sinkInput(c);
  const none = `${c.id}-none`;
  const all = `${c.id}-all`;
  await doneUnlessFailed(
    proc,
    all,
    'its offsets committed to the end',
    async () => (await cluster.committedOffsets(`connect-${all}`, topic)).get(0) === TOTAL,
  );
  const out = readSinkOutput(path.join(root, `${all}.jsonl`));
  const dlq = await readTopic(cluster.bootstrapServers, `${all}-dlq`).catch(() => [] as ConsumedRecord[]);
  const seqOf = (key: unknown): number => generatorKey(typeof key === 'string' ? key : null)[1];
  t.equal((await proc.status(all)).tasks[0]?.state, 'RUNNING', 'tolerance=all: the task is RUNNING');

  c.alsoCheck?.(t, out);
  let counts: AuditCounts;
  if (c.error !== undefined) {
    counts = auditGood(
      BAD,
      out.map((r) => seqOf(r.key)),
    );
    t.same(
      dlq.map((d) => seqOf(d.key)),
      BAD,
      'tolerance=all: the bad records, and only them, are in the DLQ',
    );
    for (const d of dlq) {
      const seq = seqOf(d.key);
      t.equal(d.value, Buffer.from(input[seq]!.value!).toString('utf8'), `DLQ record ${seq}: its original value`);
      t.equal(d.headers['__connect.errors.stage'], c.error.stage, `DLQ record ${seq}: the stage`);
      t.equal(d.headers['__connect.errors.offset'], String(seq), `DLQ record ${seq}: its offset`);
      t.match(d.headers['__connect.errors.exception.message'] ?? '', c.error.message, `DLQ record ${seq}: the reason`);
    }
    const failed = await failedTask(proc, none);
    t.match(failed.trace ?? '', c.error.trace, 'tolerance=none: the task FAILED, its trace says why');
    const committed = (await cluster.committedOffsets(`connect-${none}`, topic)).get(0) ?? 0;
    t.ok(committed <= BAD[0]!, `tolerance=none: nothing past the bad record committed (${committed})`);
    const put = readSinkOutput(path.join(root, `${none}.jsonl`));
    const late = put.filter((r) => r.offset >= BAD[0]!).map((r) => r.offset);
    t.same(late, [], 'tolerance=none: nothing at or after the bad record was put');
  } else {
    counts = auditGood(
      [],
      out.map((r) => seqOf(r.key)),
    );
    t.same(dlq, [], 'tolerance=all: nothing in the DLQ');
    const hostile = out.filter((r) => BAD.includes(seqOf(r.key)));
    t.ok(
      hostile.length === BAD.length && hostile.every((r) => c.delivered!(r.value, seqOf(r.key))),
      'the hostile records are delivered as Kafka Connect delivers them',
    );
    await waitFor(
      `${none} committed to the end`,
      async () => (await cluster.committedOffsets(`connect-${none}`, topic)).get(0) === TOTAL,
      60000,
    );
    t.equal((await proc.status(none)).tasks[0]?.state, 'RUNNING', 'tolerance=none: the task is RUNNING too');
    const noneOut = readSinkOutput(path.join(root, `${none}.jsonl`));
    t.same(
      auditGood(
        [],
        noneOut.map((r) => seqOf(r.key)),
      ),
      { ...counts, recordsOut: noneOut.length },
      'tolerance=none: every record delivered once',
    );
  }
  await assertAlive(t, proc);
  await writeRow(t, { scenario: `hostile-${c.id}`, injected: c.injected, counts, notes: c.notes });
}

interface SourceClass {
  id: string;
  injected: string;
  hostile: string;
  converter: Record<string, string>;
  extra?: Record<string, string>;
  trace: RegExp;
  stage: string;
  message: RegExp;
  notes: string;
}

/** Its two sources, none and all, each writing its own topic. */
async function sourceConnectors(c: SourceClass): Promise<Record<string, string>[]> {
  const source = (name: string, extra: Record<string, string>): Record<string, string> => ({
    name,
    'connector.class': 'HostileSourceConnector',
    'tasks.max': '1',
    topic: `${name}-out`,
    records: String(TOTAL),
    hostile: c.hostile,
    'hostile.seqs': BAD.join(','),
    'key.converter': STRING,
    ...c.converter,
    ...c.extra,
    ...extra,
  });
  const none = `${c.id}-none`;
  const all = `${c.id}-all`;
  for (const name of [none, all]) await cluster.createTopic(`${name}-out`, { partitions: 1, replicationFactor: 1 });
  return [source(none, {}), source(all, tolerant(all))];
}

/** Checks both sources of a class, and writes its row. */
async function checkSource(t: Test, c: SourceClass, proc: ConnectdProcess): Promise<void> {
  const none = `${c.id}-none`;
  const all = `${c.id}-all`;

  await doneUnlessFailed(
    proc,
    all,
    'its offset committed at the last record',
    async () => (await proc.committedOffsets(all)).get(JSON.stringify({ partition: 0 }))?.seq === TOTAL - 1,
  );
  const produced = await readTopic(cluster.bootstrapServers, `${all}-out`);
  const counts = auditGood(
    BAD,
    produced.map((r) => generatorKey(r.key)[1]),
  );
  t.equal((await proc.status(all)).tasks[0]?.state, 'RUNNING', 'tolerance=all: the task is RUNNING');
  const dlq = await waitFor(`${all}'s DLQ written`, async () => {
    const records = await readTopic(cluster.bootstrapServers, `${all}-dlq`).catch(() => [] as ConsumedRecord[]);
    return records.length >= BAD.length ? records : undefined;
  });
  t.same(
    dlq.map((d) => (JSON.parse(d.value ?? '{}') as { sourceOffset?: { seq?: number } }).sourceOffset?.seq),
    BAD,
    'tolerance=all: the bad records, and only them, are in the DLQ',
  );
  for (const d of dlq) {
    t.equal(d.headers['__connect.errors.stage'], c.stage, 'the DLQ record names the stage');
    t.match(d.headers['__connect.errors.exception.message'] ?? '', c.message, 'the DLQ record says why');
  }

  const failed = await failedTask(proc, none);
  t.match(failed.trace ?? '', c.trace, 'tolerance=none: the task FAILED, its trace says why');
  const noneSeqs = (await readTopic(cluster.bootstrapServers, `${none}-out`)).map((r) => generatorKey(r.key)[1]);
  if (c.stage === 'KAFKA_PRODUCE') {
    // The records after it were handed to the producer before it refused this one, as in Kafka
    // Connect: in the topic, but their offsets are not committed (a restart sends them again).
    t.notOk(noneSeqs.includes(BAD[0]!), 'tolerance=none: the refused record is not in the topic');
  } else {
    t.same(
      noneSeqs.filter((seq) => seq >= BAD[0]!),
      [],
      'tolerance=none: nothing at or after the bad record produced',
    );
  }
  const committed = (await proc.committedOffsets(none)).get(JSON.stringify({ partition: 0 }))?.seq;
  t.ok(
    committed === undefined || (committed as number) < BAD[0]!,
    `tolerance=none: no offset at or past the bad record committed (${String(committed)})`,
  );
  await assertAlive(t, proc);
  await writeRow(t, { scenario: `hostile-${c.id}`, injected: c.injected, counts, notes: c.notes });
}

const good = (seq: number): string => JSON.stringify({ n: seq });
const DLQ_NOTE =
  'lost counts good records only: the bad ones are in the dead letter queue (checked one by one); errors.tolerance=none fails the task at the first bad record, nothing past it committed.';

const deepJson = '['.repeat(DEPTH) + ']'.repeat(DEPTH);
const LARGE = 2_000_000;

const goodAvro = avro.Type.forSchema({ type: 'record', name: 'Good', fields: [{ name: 'n', type: 'int' }] });
const nodeSchema = {
  type: 'record',
  name: 'Node',
  fields: [
    { name: 'v', type: 'int' },
    { name: 'next', type: ['null', 'Node'], default: null },
  ],
} as const;
const nodeAvro = avro.Type.forSchema(nodeSchema as unknown as avro.Schema);
const goodId = registry.add('sink-avro-recursive-value', JSON.stringify(goodAvro.schema()));
const nodeId = registry.add('sink-avro-recursive-value', JSON.stringify(nodeSchema));

function confluentWire(id: number, body: Buffer): Buffer {
  const head = Buffer.alloc(5);
  head.writeInt32BE(id, 1);
  return Buffer.concat([head, body]);
}

const SINK_CLASSES: { title: string; c: SinkClass }[] = [
  {
    title: 'invalid UTF-8 under StringConverter reads as U+FFFD, as in Kafka Connect: delivered, not an error',
    c: {
      id: 'utf8-string',
      injected: `${BAD.length} of ${TOTAL} record values with invalid UTF-8 (0xFF, a truncated 2-byte sequence), read by a sink under StringConverter`,
      record: (seq, bad) => ({
        value: bad ? Buffer.concat([Buffer.from(`bad ${seq} `), Buffer.from([0xff, 0xc3, 0x28]), Buffer.from(' end')]) : good(seq),
      }),
      converter: { 'value.converter': STRING },
      delivered: (value, seq) => value === `bad ${seq} \uFFFD\uFFFD( end`,
      notes:
        'Not an error, as in Kafka Connect (new String(bytes, UTF_8)): each invalid sequence reads as U+FFFD; both tolerances deliver every record.',
    },
  },
  {
    title: 'invalid UTF-8 under JsonConverter: a conversion error',
    c: {
      id: 'utf8-json',
      injected: `${BAD.length} of ${TOTAL} record values with invalid UTF-8 inside a JSON string, read by a sink under JsonConverter`,
      record: (seq, bad) => ({
        value: bad ? Buffer.concat([Buffer.from(`{"n": ${seq}, "s": "`), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]) : good(seq),
      }),
      converter: { 'value.converter': JSON_CONVERTER, 'value.converter.schemas.enable': 'false' },
      error: {
        trace: /Tolerance exceeded in error handler[\s\S]*VALUE_CONVERTER[\s\S]*not valid for encoding utf-8/,
        stage: 'VALUE_CONVERTER',
        message: /not valid for encoding utf-8/,
      },
      notes: DLQ_NOTE,
    },
  },
  {
    title:
      'JSON nested 100,000 deep under JsonConverter: refused past depth 1000, as Jackson does; after it, nothing is put (tolerance=none)',
    c: {
      id: 'deep-json',
      injected: `${BAD.length} of ${TOTAL} record values a JSON array nested ${DEPTH} deep (200 KB), plus the same text in a header of the good records beside them, read by a sink under JsonConverter`,
      // The good records beside the bad ones carry the same text in a header. SimpleHeaderConverter
      // falls back to the raw bytes for what it cannot parse (as Kafka's catches the
      // StackOverflowError): they still arrive.
      record: (seq, bad) => ({
        value: bad ? deepJson : good(seq),
        headers: BAD.includes(seq - 1) || BAD.includes(seq + 1) ? { deep: deepJson } : undefined,
      }),
      converter: { 'value.converter': JSON_CONVERTER, 'value.converter.schemas.enable': 'false' },
      error: {
        trace: /Tolerance exceeded in error handler[\s\S]*nesting depth exceeds the maximum allowed \(1000\)/,
        stage: 'VALUE_CONVERTER',
        message: /nesting depth exceeds the maximum allowed \(1000\)/,
      },
      alsoCheck: (t, out) => {
        const beside = out.filter((r) => r.headers.deep !== undefined);
        t.ok(
          beside.length === 2 * BAD.length && beside.every((r) => r.headers.deep === deepJson),
          'the good records with a 100,000-deep header arrive, the header as its bytes',
        );
      },
      notes: `${DLQ_NOTE} The good records beside the bad ones carry the same 100,000-deep text in a header: read as bytes, delivered.`,
    },
  },
  {
    title: 'a record larger than message.max.bytes, accepted by its topic: a sink reads it whole',
    c: {
      id: 'large-sink',
      injected: `${BAD.length} of ${TOTAL} record values of ${LARGE} bytes (the producer default message.max.bytes is 1,000,000; the topic accepts 3 MB), read by a sink under JsonConverter`,
      record: (seq, bad) => ({ value: bad ? JSON.stringify(`${seq}:${'x'.repeat(LARGE)}`) : good(seq) }),
      converter: { 'value.converter': JSON_CONVERTER, 'value.converter.schemas.enable': 'false' },
      delivered: (value, seq) =>
        typeof value === 'string' && value.length === LARGE + String(seq).length + 1 && value.startsWith(`${seq}:`),
      topicConfigs: { 'max.message.bytes': '3000000' },
      producerConfig: { 'message.max.bytes': 3_000_000 },
      notes:
        'Not an error: librdkafka fetches a record larger than max.partition.fetch.bytes whole (KIP-74); both tolerances deliver every record.',
    },
  },
  {
    title: 'an Avro schema that references itself: refused by the AvroConverter with a DataException',
    c: {
      id: 'avro-recursive',
      injected: `${BAD.length} of ${TOTAL} record values written with a recursive Avro schema (record Node whose field next is ["null","Node"]), read by a sink under AvroConverter`,
      record: (seq, bad) => ({
        value: bad
          ? confluentWire(nodeId, nodeAvro.toBuffer({ v: seq, next: { v: seq + 1, next: null } }))
          : confluentWire(goodId, goodAvro.toBuffer({ n: seq })),
      }),
      converter: { 'value.converter': 'io.confluent.connect.avro.AvroConverter', 'value.converter.schema.registry.url': registry.url },
      error: {
        trace: /Tolerance exceeded in error handler[\s\S]*Recursive Avro schemas are not supported: record Node contains itself/,
        stage: 'VALUE_CONVERTER',
        message: /Recursive Avro schemas are not supported/,
      },
      notes: `${DLQ_NOTE} The schema registry is the test's stand-in (test/fixtures/avro/fake-schema-registry.ts).`,
    },
  },
];

const SOURCE_CLASSES: { title: string; c: SourceClass }[] = [
  {
    title: 'a source value nested 100,000 deep: a conversion error, skipped and reported with tolerance=all, never a dead task or thread',
    c: {
      id: 'deep-source',
      injected: `${BAD.length} of ${TOTAL} source record values an array nested ${DEPTH} deep, written under JsonConverter`,
      hostile: 'deep-array',
      converter: { 'value.converter': JSON_CONVERTER, 'value.converter.schemas.enable': 'false' },
      trace: /Tolerance exceeded in error handler[\s\S]*VALUE_CONVERTER[\s\S]*nested too deeply/,
      stage: 'VALUE_CONVERTER',
      message: /nested too deeply/,
      notes: `${DLQ_NOTE} The DLQ record of a source (connectd's extension) holds the source partition and offset.`,
    },
  },
  {
    title: 'a source record larger than message.max.bytes: skipped with errors.tolerance=all (KIP-779), fails the task with none',
    c: {
      id: 'large-source',
      injected: `${BAD.length} of ${TOTAL} source record values of ${LARGE} bytes, past the producer's message.max.bytes (1,000,000)`,
      hostile: 'large',
      extra: { 'large.bytes': String(LARGE) },
      converter: { 'value.converter': STRING },
      trace: /MSG_SIZE_TOO_LARGE/,
      stage: 'KAFKA_PRODUCE',
      message: /MSG_SIZE_TOO_LARGE/,
      notes: `${DLQ_NOTE} As Kafka Connect since KIP-779: the producer refuses the record; tolerance=all logs it, skips it and commits its offset (its DLQ record holds the source partition and offset, not the value too large for Kafka).`,
    },
  },
];

// One daemon runs every class at once: 14 connectors, two worker threads. A hostile record that
// took down a thread or the process would show in every class, not only its own.
const connectors = (
  await Promise.all([...SINK_CLASSES.map(({ c }) => sinkConnectors(c)), ...SOURCE_CLASSES.map(({ c }) => sourceConnectors(c))])
).flat();
const proc = await startConnectd('hostile', connectors, WORKER);

for (const { title, c } of SINK_CLASSES) t.test(title, (t) => checkSink(t, c, proc));
for (const { title, c } of SOURCE_CLASSES) t.test(title, (t) => checkSource(t, c, proc));

t.test('after every class: connectd is up and healthy, every tolerant task still runs, and it stops cleanly', async (t) => {
  await assertAlive(t, proc);
  const tasks = await Promise.all(connectors.map(async (c) => ({ name: c.name!, task: (await proc.status(c.name!)).tasks[0] })));
  t.same(
    tasks.filter(({ name, task }) => name.endsWith('-all') && task?.state !== 'RUNNING').map(({ name }) => name),
    [],
    'every errors.tolerance=all task is still RUNNING',
  );
  // A worker thread that died would have failed every task it hosted, the tolerant ones too.
  t.notMatch(await readFile(proc.logFile, 'utf8'), /"level":60/, 'nothing fatal in the log (an error nothing handled is logged at fatal)');
  t.equal(await proc.stop(), 0, 'a clean stop');
});
