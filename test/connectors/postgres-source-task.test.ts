/**
 * PostgresSourceTask on its own against a real PostgreSQL, with offsets handed in as the framework
 * would (no Kafka here: postgres-source.test.ts runs the whole pipeline): offsets in Confluent's
 * formats, microsecond and 64-bit exactness, db.timezone, timestamp.initial, and the errors that
 * name the column or key at fault.
 */
import t from 'tap';
import type { Test } from 'tap';
import { PostgresSourceTask } from '../../src/worker-thread/connectors/postgres/source-task.js';
import { encodeTaskTables } from '../../src/worker-thread/connectors/postgres/source-task.js';
import { SOURCE_CONFIG_DEF } from '../../src/worker-thread/connectors/postgres/source-config.js';
import { BigDecimal, ConfigException } from '../../src/worker-thread/sdk/index.js';
import type { SourceOffset, SourcePartition, SourceRecord, Struct } from '../../src/worker-thread/sdk/index.js';
import { testDatabase } from '../fixtures/postgres.js';

const db = await testDatabase(t, 'source_task');

/** Starts a task on `table` with offsets keyed by their partition's JSON; stopped when the test ends. */
async function startTask(
  t: Test,
  table: string,
  props: Record<string, string>,
  offsets: Record<string, SourceOffset> = {},
): Promise<PostgresSourceTask> {
  const task = new PostgresSourceTask();
  const config = {
    'connection.url': db.url,
    'topic.prefix': 'pg-',
    'poll.interval.ms': '50',
    tables: encodeTaskTables([{ schema: 'public', table }]),
    ...props,
  };
  const lookup = (p: SourcePartition): SourceOffset | null => offsets[JSON.stringify(p)] ?? null;
  task.initialize({
    configs: () => config,
    offsetStorageReader: () => ({
      offset: async (p) => lookup(p),
      offsets: async (ps) => new Map(ps.map((p) => [p, lookup(p)])),
    }),
  });
  await task.start(config);
  t.teardown(() => task.stop());
  return task;
}

/** Polls until a poll returns nothing new (the task waits poll.interval.ms between empty polls). */
async function drain(task: PostgresSourceTask): Promise<SourceRecord[]> {
  const all: SourceRecord[] = [];
  for (let empty = 0; empty < 3;) {
    const records = await task.poll();
    if (records === null || records.length === 0) empty++;
    else all.push(...records);
  }
  return all;
}

const field = (r: SourceRecord, name: string): unknown => (r.value as Struct).get(name);

t.test('offsets written by Confluent are found: its current partition first, then its protocol-0 one', async (t) => {
  await db.sql.query('CREATE TABLE legacy (id int PRIMARY KEY, label text)');
  await db.sql.query(`INSERT INTO legacy SELECT g, 'l' || g FROM generate_series(1, 5) g`);
  const v0Only = await startTask(
    t,
    'legacy',
    { mode: 'incrementing', 'incrementing.column.name': 'id' },
    { [JSON.stringify({ table: 'legacy' })]: { incrementing: 3 } },
  );
  t.same(
    (await drain(v0Only)).map((r) => field(r, 'id')),
    [4, 5],
    'resumed after the protocol-0 offset',
  );
  const both = await startTask(
    t,
    'legacy',
    { mode: 'incrementing', 'incrementing.column.name': 'id' },
    {
      [JSON.stringify({ table: 'legacy' })]: { incrementing: 1 },
      [JSON.stringify({ protocol: '1', table: 'public.legacy' })]: { incrementing: 4 },
    },
  );
  const records = await drain(both);
  t.same(
    records.map((r) => field(r, 'id')),
    [5],
    'protocol 1 wins over protocol 0',
  );
  t.same(records[0]!.sourcePartition, { protocol: '1', table: 'public.legacy' }, 'and new offsets are written under protocol 1');
});

t.test('offsets are exact: microseconds in timestamp_nanos, and ids past 2^53', async (t) => {
  await db.sql.query('CREATE TABLE micro (id bigint PRIMARY KEY, at timestamptz NOT NULL)');
  await db.sql.query(
    `INSERT INTO micro VALUES (1, '2024-01-01 00:00:00.000001+00'), (2, '2024-01-01 00:00:00.000002+00'), (3, '2024-01-01 00:00:00.000003+00')`,
  );
  const fromSecond = await startTask(
    t,
    'micro',
    { mode: 'timestamp', 'timestamp.column.name': 'at' },
    {
      [JSON.stringify({ protocol: '1', table: 'public.micro' })]: { timestamp: Date.UTC(2024, 0, 1), timestamp_nanos: 2000 },
    },
  );
  const records = await drain(fromSecond);
  t.same(
    records.map((r) => field(r, 'id')),
    [3n],
    'only the row after the offset, though all three share a millisecond',
  );
  t.same(records[0]!.sourceOffset, { timestamp: Date.UTC(2024, 0, 1), timestamp_nanos: 3000 });

  await db.sql.query('CREATE TABLE huge (id bigint PRIMARY KEY)');
  await db.sql.query('INSERT INTO huge VALUES (9007199254740992), (9007199254740993), (9007199254740995)');
  const first = await startTask(t, 'huge', { mode: 'incrementing', 'incrementing.column.name': 'id', 'batch.max.rows': '2' });
  const page = await first.poll();
  t.same(
    page?.map((r) => r.sourceOffset),
    [{ incrementing: 9007199254740992 }, { incrementing: '9007199254740993' }],
    'an id a JSON number cannot hold is a string',
  );
  const resumed = await startTask(
    t,
    'huge',
    { mode: 'incrementing', 'incrementing.column.name': 'id' },
    { [JSON.stringify({ protocol: '1', table: 'public.huge' })]: { incrementing: '9007199254740993' } },
  );
  t.same(
    (await drain(resumed)).map((r) => field(r, 'id')),
    [9007199254740995n],
    'and it resumes from that string exactly',
  );
});

t.test("one task, several tables: pages taken in turn; in bulk mode, one table's pass whole before the next", async (t) => {
  await db.sql.query('CREATE TABLE left_side (id int PRIMARY KEY)');
  await db.sql.query('CREATE TABLE right_side (id int PRIMARY KEY)');
  await db.sql.query('INSERT INTO left_side SELECT generate_series(1, 5)');
  await db.sql.query('INSERT INTO right_side SELECT generate_series(101, 105)');
  const tables = encodeTaskTables([
    { schema: 'public', table: 'left_side' },
    { schema: 'public', table: 'right_side' },
  ]);
  const turns = await drain(
    await startTask(t, 'left_side', { mode: 'incrementing', 'incrementing.column.name': 'id', 'batch.max.rows': '2', tables }),
  );
  t.same(
    turns.map((r) => `${r.topic}:${String(field(r, 'id'))}`),
    [
      'pg-left_side:1',
      'pg-left_side:2',
      'pg-right_side:101',
      'pg-right_side:102',
      'pg-left_side:3',
      'pg-left_side:4',
      'pg-right_side:103',
      'pg-right_side:104',
      'pg-left_side:5',
      'pg-right_side:105',
    ],
    'a table with more rows does not starve the other',
  );

  const bulk = await startTask(t, 'left_side', { mode: 'bulk', 'batch.max.rows': '2', 'poll.interval.ms': '60000', tables });
  const pass = await drain(bulk);
  t.same(
    pass.map((r) => `${r.topic}:${String(field(r, 'id'))}`),
    [
      'pg-left_side:1',
      'pg-left_side:2',
      'pg-left_side:3',
      'pg-left_side:4',
      'pg-left_side:5',
      'pg-right_side:101',
      'pg-right_side:102',
      'pg-right_side:103',
      'pg-right_side:104',
      'pg-right_side:105',
    ],
    "each table's cursor read to its end in one snapshot",
  );
  t.same(pass[0]!.sourceOffset, {}, 'bulk records carry no position');
});

t.test('db.timezone: timestamp (without time zone) values are wall-clock time there, both ways', async (t) => {
  await db.sql.query('CREATE TABLE local_times (id int PRIMARY KEY, at timestamp NOT NULL)');
  await db.sql.query(
    `INSERT INTO local_times VALUES (1, '2024-01-15 07:00:00'), (2, '2024-07-01 08:00:00'), (3, '2024-07-01 09:30:00.25')`,
  );
  const zone = { mode: 'timestamp', 'timestamp.column.name': 'at', 'db.timezone': 'America/New_York' };
  const all = await drain(await startTask(t, 'local_times', zone));
  t.same(
    all.map((r) => (field(r, 'at') as Date).toISOString()),
    ['2024-01-15T12:00:00.000Z', '2024-07-01T12:00:00.000Z', '2024-07-01T13:30:00.250Z'],
    'EST in winter, EDT in summer',
  );
  t.same(all[1]!.sourceOffset, { timestamp: Date.UTC(2024, 6, 1, 12), timestamp_nanos: 0 });
  const resumed = await startTask(t, 'local_times', zone, {
    [JSON.stringify({ protocol: '1', table: 'public.local_times' })]: all[1]!.sourceOffset,
  });
  t.same(
    (await drain(resumed)).map((r) => field(r, 'id')),
    [3],
    'the offset instant compared as New York wall time',
  );
});

t.test('timestamp.initial: where the timestamp modes start without an offset', async (t) => {
  await db.sql.query('CREATE TABLE history (id int PRIMARY KEY, at timestamptz NOT NULL)');
  await db.sql.query(`INSERT INTO history VALUES (1, '2020-01-01 00:00:00+00'), (2, '2024-06-01 00:00:00+00')`);
  const all = await drain(await startTask(t, 'history', { mode: 'timestamp', 'timestamp.column.name': 'at' }));
  t.same(
    all.map((r) => field(r, 'id')),
    [1, 2],
    'by default, from the earliest row',
  );
  const since2023 = await drain(
    await startTask(t, 'history', { mode: 'timestamp', 'timestamp.column.name': 'at', 'timestamp.initial': String(Date.UTC(2023, 0, 1)) }),
  );
  t.same(
    since2023.map((r) => field(r, 'id')),
    [2],
  );
  const fromNow = await drain(
    await startTask(t, 'history', {
      mode: 'timestamp+incrementing',
      'timestamp.column.name': 'at',
      'incrementing.column.name': 'id',
      'timestamp.initial': '-1',
    }),
  );
  t.same(fromNow, [], '-1: from the time the task started');
});

t.test('numerics without a scale, types Connect lacks as text; values it cannot hold fail naming the column', async (t) => {
  await db.sql.query(`CREATE TABLE odd (id int PRIMARY KEY, free numeric, span interval, born date, at timestamptz, price numeric(6,2))`);
  await db.sql.query(
    `INSERT INTO odd VALUES (1, 3.14159265358979323846264338327950288, '1 day 02:03:04', '0044-03-15 BC', '2024-01-01 00:00:00+00', 1.5)`,
  );
  const records = await drain(await startTask(t, 'odd', { mode: 'incrementing', 'incrementing.column.name': 'id' }));
  const value = records[0]!.value as Struct;
  const free = value.get('free') as BigDecimal;
  t.equal(free.scale, 127, "a numeric without a scale: Confluent's scale 127");
  t.equal(free.compareTo(BigDecimal.parse('3.14159265358979323846264338327950288')), 0, 'and its exact value');
  t.equal(records[0]!.valueSchema!.field('free')!.schema.parameters?.get('scale'), '127');
  t.equal(value.get('span'), '1 day 02:03:04');
  t.equal((value.get('born') as Date).toISOString(), '-000043-03-15T00:00:00.000Z', '44 BC is year -43');
  t.equal(String(value.get('price')), '1.50');

  await db.sql.query(`INSERT INTO odd (id, at) VALUES (2, 'infinity')`);
  await t.rejects(
    drain(
      await startTask(
        t,
        'odd',
        { mode: 'incrementing', 'incrementing.column.name': 'id' },
        { [JSON.stringify({ protocol: '1', table: 'public.odd' })]: { incrementing: 1 } },
      ),
    ),
    {
      message: /^Reading "public"\."odd" failed: Column "at": cannot read "infinity" as a timestamp/,
    },
  );
  await db.sql.query(`UPDATE odd SET at = NULL, price = 'NaN' WHERE id = 2`);
  await t.rejects(
    drain(
      await startTask(
        t,
        'odd',
        { mode: 'incrementing', 'incrementing.column.name': 'id' },
        { [JSON.stringify({ protocol: '1', table: 'public.odd' })]: { incrementing: 1 } },
      ),
    ),
    {
      message: 'Reading "public"."odd" failed: Column "price": NaN has no Connect Decimal value',
    },
  );
});

t.test('configuration and schema problems name the key, the column and the reason', async (t) => {
  await db.sql.query('CREATE TABLE loose (id int, at timestamptz, n int NOT NULL)');
  const start = (props: Record<string, string>): Promise<unknown> => startTask(t, 'loose', props).then(() => null);
  await t.rejects(start({ mode: 'incrementing', 'incrementing.column.name': 'id' }), {
    message: 'incrementing.column.name: column "id" of "public"."loose" is nullable; make it NOT NULL or set validate.non.null=false',
  });
  await t.resolves(start({ mode: 'incrementing', 'incrementing.column.name': 'id', 'validate.non.null': 'false' }));
  await t.rejects(start({ mode: 'incrementing' }), {
    message: 'incrementing.column.name: table "public"."loose" has no identity or serial column to use; name the incrementing column',
  });
  await t.rejects(start({ mode: 'timestamp', 'timestamp.column.name': 'n' }), {
    message: 'timestamp.column.name: column "n" of "public"."loose" is not a timestamp or timestamptz column',
  });
  await t.rejects(start({ mode: 'timestamp', 'timestamp.column.name': 'at' }), {
    message: 'timestamp.column.name: "at" of "public"."loose" is nullable; make one NOT NULL or set validate.non.null=false',
  });

  const err = t.throws(() =>
    SOURCE_CONFIG_DEF.parse({
      'connection.url': 'jdbc:postgresql://a:5432,b:5432/db',
      mode: 'sometimes',
      'topic.prefix': 'x',
      'batch.max.rows': '0',
    }),
  ) as ConfigException;
  t.ok(err instanceof ConfigException);
  t.same(
    err.problems.map((p) => `${p.name}: ${p.message}`),
    [
      'connection.url: several hosts (failover URLs) are not supported: name one host',
      'mode: String must be one of: bulk, incrementing, timestamp, timestamp+incrementing',
      'batch.max.rows: Value must be at least 1',
    ],
  );
});

t.test('query mode runs exactly one statement, read-only, in every mode', async (t) => {
  await db.sql.query('CREATE TABLE orders_q (id int PRIMARY KEY, label text NOT NULL)');
  await db.sql.query(`INSERT INTO orders_q SELECT g, 'o' || g FROM generate_series(1, 3) g`);
  await db.sql.query('CREATE TABLE victim (id int)');
  await db.sql.query('INSERT INTO victim VALUES (1)');
  // A function that writes: only a read-only transaction stops it (a single statement can call it).
  await db.sql.query(`CREATE FUNCTION sneaky_write() RETURNS int LANGUAGE sql VOLATILE AS 'INSERT INTO victim VALUES (2) RETURNING 0'`);
  const victimRows = async () => (await db.sql.query<{ n: string }>('SELECT count(*) AS n FROM victim')).rows[0]!.n;

  for (const mode of ['bulk', 'incrementing']) {
    const props = { mode, 'incrementing.column.name': 'id', tables: '' };
    // A second statement smuggled after the subquery the connector wraps the query in.
    const smuggled = { ...props, query: 'SELECT * FROM orders_q) AS a; DROP TABLE victim; SELECT * FROM (SELECT * FROM orders_q' };
    const failure = await startTask(t, 'orders_q', smuggled)
      .then(drain)
      .then(
        () => null,
        (err: unknown) => err as Error,
      );
    t.ok(failure !== null, `${mode}: a query with a second statement fails`);
    t.equal(await victimRows(), '1', `${mode}: and the second statement never ran`);

    const writing = { ...props, query: 'SELECT id, label, sneaky_write() AS w FROM orders_q' };
    const readOnly = await startTask(t, 'orders_q', writing)
      .then(drain)
      .then(
        () => null,
        (err: unknown) => err as Error,
      );
    t.match(
      readOnly?.message ?? '',
      /read-only transaction/,
      `${mode}: a query that writes through a function fails: the transaction is read-only`,
    );
    t.equal(await victimRows(), '1', `${mode}: nothing was written`);

    const plain = await startTask(t, 'orders_q', { ...props, query: 'SELECT id, label FROM orders_q' });
    const records = mode === 'bulk' ? ((await plain.poll()) ?? []) : await drain(plain);
    t.same(
      records.map((r) => field(r, 'id')),
      [1, 2, 3],
      `${mode}: an ordinary query still reads every row`,
    );
  }
});
