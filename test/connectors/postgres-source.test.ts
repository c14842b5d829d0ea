/**
 * PostgresSourceConnector end to end: a real PostgreSQL, the connectd daemon (real runtime, worker
 * threads) and a real Kafka broker, the topics read back as ground truth. Rows arrive with their
 * schema (JsonConverter, schemas.enable=true); each mode reads what it should, ties and late
 * commits included; a table created or dropped reconfigures the tasks without restarting the
 * others; a SIGKILL loses no row; bad configurations are named.
 */
import pg from 'pg';
import t from 'tap';
import type { ConnectdProcess } from '../../tools/connectd-process.js';
import { readTopic } from '../../tools/topic-reader.js';
import { connectdHarness } from '../fixtures/connectd-harness.js';
import { testDatabase } from '../fixtures/postgres.js';
import { waitFor } from '../fixtures/wait.js';

const db = await testDatabase(t, 'source');
const { cluster, startConnectd } = await connectdHarness(t, 'pg-source');

function source(name: string, extra: Record<string, string>): Record<string, string> {
  return {
    name,
    'connector.class': 'io.connectd.connectors.postgres.PostgresSourceConnector',
    'tasks.max': '4',
    'connection.url': db.jdbcUrl,
    'topic.prefix': `${name}-`,
    'poll.interval.ms': '200',
    'table.poll.interval.ms': '500',
    'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
    'value.converter.schemas.enable': 'true',
    'value.converter.decimal.format': 'NUMERIC',
    'topic.creation.default.replication.factor': '1',
    'topic.creation.default.partitions': '1',
    ...extra,
  };
}

interface Message {
  schema: {
    type: string;
    name?: string;
    fields: { field: string; type: string; optional: boolean; name?: string; parameters?: Record<string, string> }[];
  };
  payload: Record<string, unknown>;
}

/** The topic's records as JSON envelopes, with the raw text kept for exact decimals. */
async function messages(topic: string): Promise<(Message & { raw: string; key: string | null })[]> {
  return (await readTopic(cluster.bootstrapServers, topic)).map((r) => ({
    ...(JSON.parse(r.value!) as Message),
    raw: r.value!,
    key: r.key,
  }));
}

async function waitForMessages(
  topic: string,
  atLeast: number,
  timeoutMs = 60000,
): Promise<(Message & { raw: string; key: string | null })[]> {
  return waitFor(
    `${atLeast} records in ${topic}`,
    async () => {
      const all = await messages(topic);
      return all.length >= atLeast ? all : undefined;
    },
    timeoutMs,
  );
}

const written = (proc: ConnectdProcess, connector: string): Promise<number> =>
  proc.metric('connectd_source_record_write_total', `connector="${connector}"`);
const days = (y: number, m: number, d: number): number => Date.UTC(y, m - 1, d) / 86_400_000;

t.test('incrementing mode: rows with their schema; a new table is picked up, a dropped one let go, other tasks untouched', async (t) => {
  await db.sql.query(`CREATE TABLE accounts (
    id bigserial PRIMARY KEY, name text NOT NULL, balance numeric(12,2) NOT NULL, opened date, created timestamptz NOT NULL,
    flag boolean, data bytea, doc jsonb, ratio double precision, small smallint, tags text[], nick varchar(20), local timestamp)`);
  await db.sql.query(`CREATE TABLE orders (id serial PRIMARY KEY, account_id bigint NOT NULL, total numeric(10,2) NOT NULL)`);
  await db.sql.query(`INSERT INTO accounts (name, balance, opened, created, flag, data, doc, ratio, small, tags, nick, local) VALUES
    ('alice', 1234.50, '2020-02-29', '2024-05-01 12:34:56.789123+00', true, '\\x00ff', '{"a": [1, 2]}', 0.25, -3, '{x,"y z"}', 'al', '2024-01-01 08:00:00.5'),
    ('bob', -0.01, NULL, '2024-05-02 00:00:00+02', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)`);
  await db.sql.query(`INSERT INTO orders (account_id, total) SELECT 1 + g % 2, g * 1.5 FROM generate_series(1, 20) g`);

  const proc = await startConnectd('incrementing', [
    source('inc', { mode: 'incrementing', 'table.whitelist': 'accounts, public.orders, zeta' }),
  ]);
  const accounts = await waitForMessages('inc-accounts', 2);
  await waitForMessages('inc-orders', 20);
  t.same(
    (await proc.status('inc')).tasks.map((task) => task.state),
    ['RUNNING', 'RUNNING'],
    'two tables, two tasks',
  );

  const [alice, bob] = accounts;
  t.equal(alice!.key, null, 'no key, as Confluent');
  t.match(alice!.schema, {
    type: 'struct',
    name: 'accounts',
    fields: [
      { field: 'id', type: 'int64', optional: false },
      { field: 'name', type: 'string', optional: false },
      { field: 'balance', type: 'bytes', optional: false, name: 'org.apache.kafka.connect.data.Decimal', parameters: { scale: '2' } },
      { field: 'opened', type: 'int32', optional: true, name: 'org.apache.kafka.connect.data.Date' },
      { field: 'created', type: 'int64', optional: false, name: 'org.apache.kafka.connect.data.Timestamp' },
      { field: 'flag', type: 'boolean', optional: true },
      { field: 'data', type: 'bytes', optional: true },
      { field: 'doc', type: 'string', optional: true },
      { field: 'ratio', type: 'double', optional: true },
      { field: 'small', type: 'int16', optional: true },
      { field: 'tags', type: 'string', optional: true },
      { field: 'nick', type: 'string', optional: true },
      { field: 'local', type: 'int64', optional: true, name: 'org.apache.kafka.connect.data.Timestamp' },
    ],
  });
  t.equal(alice!.schema.fields.length, 13);
  t.same(alice!.payload, {
    id: 1,
    name: 'alice',
    balance: 1234.5,
    opened: days(2020, 2, 29),
    created: Date.UTC(2024, 4, 1, 12, 34, 56, 789),
    flag: true,
    data: 'AP8=',
    doc: '{"a": [1, 2]}',
    ratio: 0.25,
    small: -3,
    tags: '{x,"y z"}',
    nick: 'al',
    local: Date.UTC(2024, 0, 1, 8, 0, 0, 500),
  });
  t.match(alice!.raw, /"balance":1234\.50[,}]/, 'the decimal keeps its scale');
  t.same(bob!.payload, {
    id: 2,
    name: 'bob',
    balance: -0.01,
    opened: null,
    created: Date.UTC(2024, 4, 1, 22),
    flag: null,
    data: null,
    doc: null,
    ratio: null,
    small: null,
    tags: null,
    nick: null,
    local: null,
  });

  await db.sql.query(`INSERT INTO accounts (name, balance, created) VALUES ('carol', 7, now())`);
  const three = await waitForMessages('inc-accounts', 3);
  t.same(
    three.map((m) => m.payload.name),
    ['alice', 'bob', 'carol'],
    'a new row, once, after the others',
  );
  const offsets = await waitFor('the offsets of accounts committed', async () => {
    const committed = await proc.committedOffsets('inc');
    return committed.get(JSON.stringify({ protocol: '1', table: 'public.accounts' }))?.incrementing === 3 ? committed : undefined;
  });
  t.same(
    offsets.get(JSON.stringify({ protocol: '1', table: 'public.orders' })),
    { incrementing: 20 },
    "Confluent's partition and offset format",
  );

  // A table created later (whitelisted already): the monitor sees it and asks for new task configs.
  const startedBefore = await proc.metric('connectd_worker_task_startup_success_total');
  await db.sql.query(`CREATE TABLE zeta (id int GENERATED ALWAYS AS IDENTITY, label text)`);
  await db.sql.query(`INSERT INTO zeta (label) VALUES ('z1'), ('z2')`);
  const zeta = await waitForMessages('inc-zeta', 2);
  t.same(
    zeta.map((m) => m.payload),
    [
      { id: 1, label: 'z1' },
      { id: 2, label: 'z2' },
    ],
    'the identity column found by itself',
  );
  t.same(
    (await proc.status('inc')).tasks.map((task) => task.state),
    ['RUNNING', 'RUNNING', 'RUNNING'],
  );
  t.equal(
    (await proc.metric('connectd_worker_task_startup_success_total')) - startedBefore,
    1,
    'only the new task started; the tasks of accounts and orders kept running',
  );
  await db.sql.query(`INSERT INTO accounts (name, balance, created) VALUES ('dave', 8, now())`);
  await waitForMessages('inc-accounts', 4);

  await db.sql.query('DROP TABLE orders');
  await waitFor('two tasks once orders is dropped', async () => (await proc.status('inc')).tasks.length === 2);
  await db.sql.query(`INSERT INTO zeta (label) VALUES ('z3')`);
  await waitForMessages('inc-zeta', 3);
  t.equal((await messages('inc-zeta')).length, 3, 'zeta moved to another task and resumed from its offset');
  t.equal((await messages('inc-accounts')).length, 4, 'nothing read twice across the reconfigurations');
  t.equal(await proc.stop(), 0);
});

t.test('timestamp+incrementing: rows sharing a timestamp each once, in (timestamp, id) order; updates read again', async (t) => {
  await db.sql.query(`CREATE TABLE events (id serial PRIMARY KEY, updated_at timestamptz NOT NULL, payload text NOT NULL)`);
  // Ten rows with one timestamp (microseconds included), inserted in an order unlike their ids.
  await db.sql.query(
    `INSERT INTO events (id, updated_at, payload) SELECT g, '2024-01-01 00:00:00.123456+00', 'v' || g FROM generate_series(10, 1, -1) g`,
  );
  await db.sql.query(`INSERT INTO events (id, updated_at, payload) VALUES (11, '2023-12-31 23:59:59+00', 'earlier')`);
  const proc = await startConnectd('ts-inc', [
    source('tsinc', {
      mode: 'timestamp+incrementing',
      'timestamp.column.name': 'updated_at',
      'incrementing.column.name': 'id',
      'batch.max.rows': '3',
      'table.whitelist': 'events',
    }),
  ]);
  const first = await waitForMessages('tsinc-events', 11);
  t.same(
    first.map((m) => m.payload.id),
    [11, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
    'ordered by timestamp then id, across pages of 3 that split the tie',
  );
  await waitFor(
    'the offset of the last row committed',
    async () => (await proc.committedOffsets('tsinc')).get(JSON.stringify({ protocol: '1', table: 'public.events' }))?.incrementing === 10,
  );
  t.same((await proc.committedOffsets('tsinc')).get(JSON.stringify({ protocol: '1', table: 'public.events' })), {
    incrementing: 10,
    timestamp: Date.UTC(2024, 0, 1, 0, 0, 0, 123),
    timestamp_nanos: 123456000,
  });

  await db.sql.query(`UPDATE events SET payload = 'v5 again', updated_at = '2024-01-02 00:00:00+00' WHERE id = 5`);
  const all = await waitForMessages('tsinc-events', 12);
  t.same(all[11]!.payload, { id: 5, updated_at: Date.UTC(2024, 0, 2), payload: 'v5 again' }, 'an update is a new version of the row');
  t.equal(await proc.stop(), 0);
  t.equal((await messages('tsinc-events')).length, 12, 'nothing else');
});

t.test('timestamp mode: a tie across the page boundary is read whole; timestamp.delay.interval.ms catches a late commit', async (t) => {
  await db.sql.query(`CREATE TABLE ticks (id serial, at timestamptz NOT NULL DEFAULT now(), label text NOT NULL)`);
  await db.sql.query(`INSERT INTO ticks (at, label) SELECT '2024-03-01 10:00:00+00', 'tie' || g FROM generate_series(1, 5) g`);
  await db.sql.query(`INSERT INTO ticks (at, label) VALUES ('2024-03-01 09:00:00+00', 'first'), ('2024-03-01 11:00:00+00', 'last')`);
  const ticks = (name: string, delayMs: number): Record<string, string> =>
    source(name, {
      mode: 'timestamp',
      'timestamp.column.name': 'at',
      'batch.max.rows': '2',
      'table.whitelist': 'ticks',
      'timestamp.delay.interval.ms': String(delayMs),
    });
  // Two readers of one table: one without a delay, one waiting 10 s behind now().
  const proc = await startConnectd('ts', [ticks('eager', 0), ticks('patient', 10000)]);
  const eager = await waitForMessages('eager-ticks', 7);
  t.same(
    eager.map((m) => m.payload.label),
    ['first', ...eager.slice(1, 6).map((m) => m.payload.label), 'last'],
    'the five tied rows between first and last',
  );
  t.same(
    new Set(eager.slice(1, 6).map((m) => m.payload.label)),
    new Set(['tie1', 'tie2', 'tie3', 'tie4', 'tie5']),
    'each tied row once, though pages hold 2 rows',
  );

  // A transaction takes its timestamp (now()) first and commits after a later row was read.
  const slow = new pg.Client({ connectionString: db.url });
  await slow.connect();
  t.teardown(() => slow.end());
  await slow.query('BEGIN');
  await slow.query(`INSERT INTO ticks (label) VALUES ('slow')`);
  await db.sql.query(`INSERT INTO ticks (label) VALUES ('fast')`);
  await waitFor('the eager reader to read the later row', async () =>
    (await messages('eager-ticks')).some((m) => m.payload.label === 'fast'),
  );
  await slow.query('COMMIT');
  await db.sql.query(`INSERT INTO ticks (label) VALUES ('marker')`);

  const patient = await waitForMessages('patient-ticks', 10, 90000);
  t.same(
    patient.slice(7).map((m) => m.payload.label),
    ['slow', 'fast', 'marker'],
    'the delayed reader has the late row, in timestamp order',
  );
  await waitFor('the eager reader to read the marker', async () =>
    (await messages('eager-ticks')).some((m) => m.payload.label === 'marker'),
  );
  t.notOk(
    (await messages('eager-ticks')).some((m) => m.payload.label === 'slow'),
    'without the delay, the row committed late is behind the offset and never read: the pitfall the delay exists for',
  );
  t.equal(await proc.stop(), 0);
});

t.test('query mode and bulk mode', async (t) => {
  await db.sql.query(`CREATE TABLE customers (id int PRIMARY KEY, name text NOT NULL)`);
  await db.sql.query(
    `CREATE TABLE purchases (id serial PRIMARY KEY, customer_id int NOT NULL REFERENCES customers, total numeric(8,2) NOT NULL)`,
  );
  await db.sql.query(`INSERT INTO customers VALUES (1, 'ann'), (2, 'ben')`);
  await db.sql.query(`INSERT INTO purchases (customer_id, total) VALUES (1, 5), (2, 50), (1, 500), (2, 1)`);
  await db.sql.query(`CREATE TABLE settings (key text PRIMARY KEY, value text)`);
  await db.sql.query(`INSERT INTO settings VALUES ('a', '1'), ('b', '2'), ('c', NULL)`);
  const proc = await startConnectd('query-bulk', [
    source('big-purchases', {
      mode: 'incrementing',
      query: 'SELECT p.id AS purchase_id, c.name, p.total FROM purchases p JOIN customers c ON c.id = p.customer_id WHERE p.total > 10;',
      'incrementing.column.name': 'purchase_id',
      'topic.prefix': 'big-purchases',
    }),
    source('settings', { mode: 'bulk', 'table.whitelist': 'settings', 'poll.interval.ms': '300' }),
  ]);
  const big = await waitForMessages('big-purchases', 2);
  t.same(
    big.map((m) => m.payload),
    [
      { purchase_id: 2, name: 'ben', total: 50 },
      { purchase_id: 3, name: 'ann', total: 500 },
    ],
    "the query's own WHERE applies; its records go to topic.prefix itself",
  );
  t.equal(big[0]!.schema.name, undefined, "a query's schema has no name");
  await db.sql.query(`INSERT INTO purchases (customer_id, total) VALUES (1, 99)`);
  await waitForMessages('big-purchases', 3);
  await waitFor(
    'the query offset committed',
    async () => (await proc.committedOffsets('big-purchases')).get(JSON.stringify({ query: 'query' }))?.incrementing === 5,
  );

  // Bulk never stops producing, and the topic reader waits for a pause in a topic: stop first.
  await waitFor('three bulk passes', async () => (await written(proc, 'settings')) >= 9);
  t.equal(await proc.stop(), 0);
  const settings = await messages('settings-settings');
  for (let pass = 0; pass < 3; pass++) {
    t.same(
      settings.slice(pass * 3, pass * 3 + 3).map((m) => m.payload),
      [
        { key: 'a', value: '1' },
        { key: 'b', value: '2' },
        { key: 'c', value: null },
      ],
      `bulk pass ${pass + 1}: the whole table`,
    );
  }
});

t.test('SIGKILL mid-stream, then restart: every row is in the topic, duplicates only after the last committed offset', async (t) => {
  const rows = 50000;
  await db.sql.query(`CREATE TABLE stream (id bigint PRIMARY KEY, payload text NOT NULL)`);
  await db.sql.query(`INSERT INTO stream SELECT g, 'row ' || g FROM generate_series(1, $1::int) g`, [rows]);
  const config = source('crash', {
    mode: 'incrementing',
    'incrementing.column.name': 'id',
    'table.whitelist': 'stream',
    'batch.max.rows': '50',
  });
  const worker = { 'offset.flush.interval.ms': '300' };
  const first = await startConnectd('crash', [config], worker);
  await waitFor('a tenth of the rows acknowledged', async () => (await written(first, 'crash')) >= rows / 10);
  await first.kill();
  const partition = JSON.stringify({ protocol: '1', table: 'public.stream' });
  const committedAtKill = Number((await first.committedOffsets('crash')).get(partition)?.incrementing ?? 0);
  t.ok(committedAtKill < rows, `killed mid-stream (offset ${committedAtKill} committed)`);

  const second = await startConnectd('crash', [config], worker);
  await waitFor(
    'the last row committed',
    async () => (await second.committedOffsets('crash')).get(partition)?.incrementing === rows,
    120000,
  );
  t.equal(await second.stop(), 0);

  const counts = new Map<number, number>();
  for (const m of await messages('crash-stream')) counts.set(m.payload.id as number, (counts.get(m.payload.id as number) ?? 0) + 1);
  let missing = 0;
  let duplicatedBeforeCommit = 0;
  for (let id = 1; id <= rows; id++) {
    const n = counts.get(id) ?? 0;
    if (n === 0) missing++;
    if (n > 1 && id <= committedAtKill) duplicatedBeforeCommit++;
  }
  t.equal(missing, 0, 'no row missing');
  t.equal(duplicatedBeforeCommit, 0, 'no row whose offset was committed before the kill is read again');
  t.equal(counts.size, rows);
});

t.test('bad configurations: each problem named with its key, at validation and when a task starts', async (t) => {
  await db.sql.query(`CREATE TABLE plain (id int, name text)`);
  const proc = await startConnectd('bad', [
    source('nocolumn', { mode: 'incrementing', 'incrementing.column.name': 'nope', 'table.whitelist': 'plain' }),
  ]);
  const status = await waitFor('the task to fail', async () => {
    const s = await proc.status('nocolumn');
    return s.tasks[0]?.state === 'FAILED' ? s : undefined;
  });
  t.match(status.tasks[0]!.trace, /incrementing\.column\.name: column "nope" is not in table "public"\."plain" \(columns: id, name\)/);

  const { status: code, body } = await proc.request('PUT', '/connector-plugins/PostgresSource/config/validate', {
    'connector.class': 'PostgresSource',
    name: 'v',
    'connection.url': 'jdbc:mysql://localhost/db',
    'table.whitelist': 'a',
    'table.blacklist': 'b',
    mode: 'timestamp',
    'topic.prefix': 'bad prefix',
  });
  t.equal(code, 200);
  const errors = Object.fromEntries(
    (body as { configs: { value: { name: string; errors: string[] } }[] }).configs
      .filter((c) => c.value.errors.length > 0)
      .map((c) => [c.value.name, c.value.errors]),
  );
  t.match(errors, {
    'connection.url': [/a JDBC URL must start with jdbc:postgresql:/],
    'table.blacklist': ['table.whitelist and table.blacklist are exclusive: set one of them'],
    'timestamp.column.name': ['mode=timestamp needs at least one timestamp column'],
    'topic.prefix': [/must not contain any character other than ASCII alphanumerics/],
  });
  t.equal(await proc.stop(), 0);
});
