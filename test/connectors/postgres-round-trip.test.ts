/**
 * PostgreSQL → Kafka → PostgreSQL through one connectd daemon and a real broker: rows inserted into
 * a source table appear in a sink table created by the sink (auto.create), identical, and stay
 * identical — no row missing, none twice — across a SIGKILL of connectd in the middle (the source
 * resumes from its committed offset; the sink's upsert makes redelivery idempotent).
 */
import t from 'tap';
import { waitFor } from '../fixtures/wait.js';
import { connectdHarness } from '../fixtures/connectd-harness.js';
import { testDatabase } from '../fixtures/postgres.js';

const from = await testDatabase(t, 'rt_from');
const to = await testDatabase(t, 'rt_to');
const { cluster, startConnectd } = await connectdHarness(t, 'pg-round-trip');

const json = {
  'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
  'value.converter.schemas.enable': 'true',
  'value.converter.decimal.format': 'NUMERIC',
};
const connectors: Record<string, string>[] = [
  {
    name: 'orders-from-pg',
    'connector.class': 'io.connectd.connectors.postgres.PostgresSourceConnector',
    'tasks.max': '1',
    'connection.url': from.jdbcUrl,
    'table.whitelist': 'orders',
    mode: 'incrementing',
    'incrementing.column.name': 'id',
    'topic.prefix': 'pg-',
    'poll.interval.ms': '100',
    'batch.max.rows': '500',
    ...json,
  },
  {
    name: 'orders-to-pg',
    'connector.class': 'io.connectd.connectors.postgres.PostgresSinkConnector',
    'tasks.max': '1',
    topics: 'pg-orders',
    'connection.url': to.jdbcUrl,
    'insert.mode': 'upsert',
    'pk.mode': 'record_value',
    'pk.fields': 'id',
    'auto.create': 'true',
    'table.name.format': 'orders_copy',
    ...json,
  },
];
const worker = { 'offset.flush.interval.ms': '500', 'consumer.session.timeout.ms': '6000', 'consumer.heartbeat.interval.ms': '1000' };

async function insertOrders(first: number, count: number): Promise<void> {
  await from.sql.query(
    `INSERT INTO orders (id, customer, amount, placed, note)
     SELECT g, 'customer ' || (g % 97), (g * 7 % 100000) / 100.0, timestamptz '2026-01-01 00:00:00+00' + g * interval '1 second 123 milliseconds',
            CASE WHEN g % 5 = 0 THEN NULL ELSE 'note ' || g END
     FROM generate_series($1::bigint, $2::bigint) AS g`,
    [first, first + count - 1],
  );
}

/** Each row as text, so the comparison is exact (amount as numeric text, time to the millisecond). */
async function rows(db: typeof from, table: string): Promise<string[]> {
  const result = await db.sql.query<{ r: string }>(
    `SELECT concat_ws('|', id, customer, amount::numeric(12,2)::text, floor(extract(epoch FROM placed) * 1000)::bigint, coalesce(note, '<null>')) AS r FROM ${table} ORDER BY id`,
  );
  return result.rows.map((x) => x.r);
}

const count = async (): Promise<number> =>
  Number((await to.sql.query<{ n: string }>('SELECT count(*) AS n FROM orders_copy').catch(() => ({ rows: [{ n: '0' }] }))).rows[0]!.n);

t.test('rows flow from one database to the other, identical, across a SIGKILL of connectd', async (t) => {
  await from.sql.query(
    'CREATE TABLE orders (id bigint PRIMARY KEY, customer text NOT NULL, amount numeric(12,2) NOT NULL, placed timestamptz NOT NULL, note text)',
  );
  await cluster.createTopic('pg-orders', { partitions: 1 });
  await insertOrders(1, 3000);
  const first = await startConnectd('round-trip', connectors, worker);
  await waitFor('the first 3000 rows copied', async () => (await count()) >= 3000, 120000);
  t.same(await rows(to, 'orders_copy'), await rows(from, 'orders'), 'the copy is identical');

  // More rows while connectd is killed in the middle of copying them.
  await insertOrders(3001, 6000);
  await waitFor('some of the new rows copied', async () => (await count()) > 4000, 120000);
  await first.kill();
  const second = await startConnectd('round-trip', connectors, worker);
  await waitFor('every row copied', async () => (await count()) >= 9000, 180000);
  const copy = await rows(to, 'orders_copy');
  t.equal(copy.length, 9000, 'no row missing, none twice');
  t.same(copy, await rows(from, 'orders'), 'the copy is identical after the crash');
  t.equal(await second.stop(), 0);
});
