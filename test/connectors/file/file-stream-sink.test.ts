/**
 * The file sink task, driven the way the sink runtime drives a SinkTask (initialize, start, open,
 * put batches, preCommit, close, stop) against real files: one line per record in order, values
 * rendered as documented, writes buffered, and everything put written and fsynced before preCommit
 * resolves, i.e. before the framework may commit offsets. (Tests through Kafka come with the sink
 * runtime.)
 */
import { mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { FileStreamSinkConnector, FileStreamSinkTask } from '../../../src/worker-thread/connectors/file/file-stream-sink-connector.js';
import { BigDecimal, Decimal, Schema, SchemaBuilder, SinkRecord, Struct, Timestamp } from '../../../src/worker-thread/sdk/index.js';
import type { SinkTaskContext, TaskConfig, TopicPartition } from '../../../src/worker-thread/sdk/index.js';

const root = await mkdtemp(path.join(os.tmpdir(), 'connectd-file-sink-'));
t.teardown(() => rm(root, { recursive: true, force: true }));

const TP0: TopicPartition = { topic: 'in', partition: 0 };

/** The little a sink runtime gives a task; this test needs only configs and the assignment. */
function context(config: TaskConfig, assignment: TopicPartition[]): SinkTaskContext {
  return {
    configs: () => config,
    offset: () => undefined,
    timeout: () => undefined,
    assignment: () => assignment,
    pause: () => undefined,
    resume: () => undefined,
    requestCommit: () => undefined,
    errantRecordReporter: () => null,
  };
}

async function startedTask(file: string, assignment: TopicPartition[] = [TP0]): Promise<FileStreamSinkTask> {
  const config = { name: 'sink', 'connector.class': 'FileStreamSink', topics: 'in', file };
  const task = new FileStreamSinkTask();
  task.initialize(context(config, assignment));
  await task.start(config);
  await task.open(assignment);
  return task;
}

function records(values: readonly unknown[], firstOffset = 0, partition = 0, valueSchema: Schema | null = null): SinkRecord[] {
  return values.map(
    (value, i) => new SinkRecord({ topic: 'in', kafkaPartition: partition, kafkaOffset: firstOffset + i, value, valueSchema }),
  );
}

/** Records the writes and fsyncs made through any FileHandle while `fn` runs. */
async function spyOnFileHandles<T>(fn: (events: string[]) => Promise<T>): Promise<T> {
  const probe = await open(path.join(root, 'probe'), 'w');
  const proto = Object.getPrototypeOf(probe) as { write: (...args: unknown[]) => unknown; sync: () => Promise<void> };
  await probe.close();
  const write = proto.write;
  const sync = proto.sync;
  const events: string[] = [];
  proto.write = function (this: FileHandle, ...args: unknown[]) {
    events.push('write');
    return write.apply(this, args);
  };
  proto.sync = async function (this: FileHandle) {
    await sync.call(this);
    events.push('sync');
  };
  try {
    return await fn(events);
  } finally {
    proto.write = write;
    proto.sync = sync;
  }
}

t.test('one line per record, in order; nothing is written before preCommit, which writes and fsyncs it all first', async (t) => {
  const file = path.join(root, 'ordered.txt');
  await spyOnFileHandles(async (events) => {
    const task = await startedTask(file);
    t.same(events, ['sync'], 'a new file: its directory is fsynced at start, so the file itself survives a crash');
    events.length = 0;
    await task.put(records(['first', 'second']));
    await task.put(records(['third'], 2));
    t.equal(await readFile(file, 'utf8'), '', 'buffered: nothing written yet, so nothing can be half-written either');
    t.same(events, [], 'no write and no fsync yet');
    const offsets = new Map([[TP0, 3]]);
    const committable = await task.preCommit(offsets);
    t.same(events, ['write', 'sync'], 'one write for the three records, then the fsync, all before preCommit resolved');
    t.same([...committable], [[TP0, 3]], 'preCommit hands back the offsets: everything put is durable');
    t.equal(await readFile(file, 'utf8'), 'first\nsecond\nthird\n');

    await task.put(records(['fourth'], 3));
    await task.close([TP0]);
    await task.stop();
    t.same(events.slice(2), ['write', 'sync'], 'stop writes and fsyncs what was put after the last commit');
    t.equal(await readFile(file, 'utf8'), 'first\nsecond\nthird\nfourth\n');
  });
});

t.test('appends to an existing file and creates a missing one', async (t) => {
  const existing = path.join(root, 'existing.txt');
  await writeFile(existing, 'already here\n');
  const task = await startedTask(existing);
  await task.put(records(['new']));
  await task.preCommit(new Map([[TP0, 1]]));
  await task.stop();
  t.equal(await readFile(existing, 'utf8'), 'already here\nnew\n', 'appended, not truncated');

  const fresh = path.join(root, 'fresh.txt');
  const second = await startedTask(fresh);
  t.equal(await readFile(fresh, 'utf8'), '', 'created at start');
  await second.stop();
});

t.test('a line torn by a crash in the middle of a write is cut at start; its records come again whole', async (t) => {
  // What SIGKILL leaves: Linux stops a write() to a regular file at a page boundary once the signal
  // is pending, so the file ends inside a line. Those records were never flushed, hence never
  // committed: the restarted task gets them again from the committed offset (2 here).
  const file = path.join(root, 'torn.txt');
  await writeFile(file, 'first\nsecond\nthi');
  const task = await startedTask(file);
  t.equal(await readFile(file, 'utf8'), 'first\nsecond\n', 'the torn tail is gone at start');
  await task.put(records(['third', 'fourth'], 2));
  await task.preCommit(new Map([[TP0, 4]]));
  await task.stop();
  t.equal(await readFile(file, 'utf8'), 'first\nsecond\nthird\nfourth\n', 'no line glued to a fragment');

  // A torn first line, longer than one read back: nothing of it is left.
  const long = path.join(root, 'torn-long.txt');
  await writeFile(long, 'x'.repeat(200_000));
  const second = await startedTask(long);
  t.equal(await readFile(long, 'utf8'), '', 'a file holding only a torn line is emptied');
  await second.stop();
  // A long torn line after whole ones.
  const after = path.join(root, 'torn-after.txt');
  await writeFile(after, `kept\n${'y'.repeat(150_000)}`);
  const third = await startedTask(after);
  t.equal(await readFile(after, 'utf8'), 'kept\n');
  await third.stop();
});

t.test('values: text as is, null as "null", numbers as Java prints them, bytes raw, structured values as JSON', async (t) => {
  const file = path.join(root, 'values.txt');
  const task = await startedTask(file);
  const inner = SchemaBuilder.struct().name('Inner').field('flag', Schema.BOOLEAN_SCHEMA).build();
  const schema = SchemaBuilder.struct()
    .name('Outer')
    .field('id', Schema.INT64_SCHEMA)
    .field('name', Schema.STRING_SCHEMA)
    .field('score', Schema.FLOAT64_SCHEMA)
    .field('missing', Schema.OPTIONAL_STRING_SCHEMA)
    .field('tags', SchemaBuilder.array(Schema.STRING_SCHEMA).build())
    .field('counts', SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.INT32_SCHEMA).build())
    .field('raw', Schema.BYTES_SCHEMA)
    .field('price', Decimal.schema(2))
    .field('at', Timestamp.SCHEMA)
    .field('inner', inner)
    .build();
  const struct = new Struct(schema)
    .put('id', 1234567890123456789n)
    .put('name', 'quote " and \\ and\ttab')
    .put('score', 2)
    .put('tags', ['a', 'b'])
    .put('counts', new Map([['x', 1]]))
    .put('raw', Buffer.from([0xff, 0x00, 0x41]))
    .put('price', BigDecimal.parse('12.50'))
    .put('at', new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 6)))
    .put('inner', new Struct(inner).put('flag', true));
  const batch = [
    ...records(['plain text', 'ünïcödé 😀', '', null]),
    new SinkRecord({ topic: 'in', kafkaPartition: 0, kafkaOffset: 4, value: 42 }),
    new SinkRecord({ topic: 'in', kafkaPartition: 0, kafkaOffset: 5, value: 2, valueSchema: Schema.FLOAT64_SCHEMA }),
    new SinkRecord({ topic: 'in', kafkaPartition: 0, kafkaOffset: 6, value: 1.5 }),
    new SinkRecord({ topic: 'in', kafkaPartition: 0, kafkaOffset: 7, value: 9007199254740993n }),
    new SinkRecord({ topic: 'in', kafkaPartition: 0, kafkaOffset: 8, value: false }),
    new SinkRecord({ topic: 'in', kafkaPartition: 0, kafkaOffset: 9, value: Buffer.from('raw bytes\u00e9') }),
    new SinkRecord({ topic: 'in', kafkaPartition: 0, kafkaOffset: 10, value: struct, valueSchema: schema }),
    new SinkRecord({ topic: 'in', kafkaPartition: 0, kafkaOffset: 11, value: { k: [1, null, 'v'], n: NaN } }),
    new SinkRecord({ topic: 'in', kafkaPartition: 0, kafkaOffset: 12, value: new Map<unknown, unknown>([[1, 'one']]) }),
  ];
  await task.put(batch);
  await task.preCommit(new Map([[TP0, 13]]));
  await task.stop();
  const expectedStruct =
    '{"id":1234567890123456789,"name":"quote \\" and \\\\ and\\ttab","score":2.0,"missing":null,"tags":["a","b"],' +
    '"counts":{"x":1},"raw":"/wBB","price":12.50,"at":"2026-01-02T03:04:05.006Z","inner":{"flag":true}}';
  t.equal(
    await readFile(file, 'utf8'),
    [
      'plain text',
      'ünïcödé 😀',
      '',
      'null',
      '42',
      '2.0',
      '1.5',
      '9007199254740993',
      'false',
      'raw bytes\u00e9',
      expectedStruct,
      '{"k":[1,null,"v"],"n":"NaN"}',
      '{"1":"one"}',
      '',
    ].join('\n'),
  );
  t.same(
    JSON.parse(expectedStruct.replace('1234567890123456789', '1')),
    {
      id: 1,
      name: 'quote " and \\ and\ttab',
      score: 2,
      missing: null,
      tags: ['a', 'b'],
      counts: { x: 1 },
      raw: '/wBB',
      price: 12.5,
      at: '2026-01-02T03:04:05.006Z',
      inner: { flag: true },
    },
    'the struct line is valid JSON',
  );
});

t.test('writes are buffered: a hundred thousand records take a handful of writes, all in order', async (t) => {
  const file = path.join(root, 'many.txt');
  const total = 100_000;
  const values = Array.from({ length: total }, (_, i) => `record ${i} ${'y'.repeat(40)}`);
  await spyOnFileHandles(async (events) => {
    const task = await startedTask(file);
    events.length = 0;
    for (let at = 0; at < total; at += 500) await task.put(records(values.slice(at, at + 500), at));
    await task.preCommit(new Map([[TP0, total]]));
    await task.stop();
    const writes = events.filter((e) => e === 'write').length;
    t.ok(writes >= 1 && writes <= 10, `${writes} writes for ${total} records`);
    t.equal(events.at(-1), 'sync');
  });
  t.equal(await readFile(file, 'utf8'), values.map((v) => `${v}\n`).join(''));
});

t.test('several tasks appending to one file (tasks.max copies, as Kafka): whole lines, each task in order', async (t) => {
  const file = path.join(root, 'shared.txt');
  const connector = new FileStreamSinkConnector();
  connector.start({ name: 'shared', 'connector.class': 'FileStreamSink', topics: 'in', file });
  const configs = connector.taskConfigs(3);
  t.equal(configs.length, 3, 'one config per task, as Kafka gives');
  t.ok(configs.every((c) => c.file === file));
  const tasks = await Promise.all([0, 1, 2].map((p) => startedTask(file, [{ topic: 'in', partition: p }])));
  const perTask = 20_000;
  await Promise.all(
    tasks.map(async (task, p) => {
      for (let at = 0; at < perTask; at += 1000) {
        await task.put(
          records(
            Array.from({ length: 1000 }, (_, i) => `p${p}-${at + i}-${'z'.repeat(60)}`),
            at,
            p,
          ),
        );
        if (at % 5000 === 0) await task.preCommit(new Map([[{ topic: 'in', partition: p }, at + 1000]]));
      }
      await task.stop();
    }),
  );
  const lines = (await readFile(file, 'utf8')).split('\n');
  t.equal(lines.pop(), '', 'the file ends with a line end');
  t.equal(lines.length, 3 * perTask, 'every line');
  const next = [0, 0, 0];
  let bad = 0;
  for (const line of lines) {
    const m = /^p(\d)-(\d+)-z{60}$/.exec(line);
    if (m === null || Number(m[2]) !== next[Number(m[1])]!++) bad++;
  }
  t.equal(bad, 0, "every line whole, and each task's lines in the order put");
});

t.test('config problems name the key and the reason; an unwritable path fails start naming the file', async (t) => {
  const connector = new FileStreamSinkConnector();
  t.throws(() => connector.start({ name: 'x' }), { name: 'ConfigException', message: /file: Missing required configuration "file"/ });
  t.throws(() => connector.start({ name: 'x', file: '' }), { name: 'ConfigException', message: /file="": String must be non-empty/ });
  const missingDir = path.join(root, 'no-such-dir', 'out.txt');
  const task = new FileStreamSinkTask();
  task.initialize(context({ file: missingDir }, []));
  await t.rejects(task.start({ file: missingDir }), new RegExp(`cannot open ${missingDir.replaceAll('/', '\\/')} for appending: ENOENT`));
});
