/**
 * Configs written for Confluent's JDBC connectors (`io.confluent.connect.jdbc.JdbcSourceConnector`
 * and `JdbcSinkConnector`) run on connectd's PostgreSQL connectors: a real PostgreSQL, the connectd
 * daemon and a real broker copy rows table → topic → table with Confluent's keys as they are, the
 * class names kept in the stored config, the keys that do not apply named in one warning, and the
 * configs that cannot run here refused with the key named.
 */
import { readFile } from 'node:fs/promises';
import t from 'tap';
import { connectdHarness } from '../fixtures/connectd-harness.js';
import { testDatabase } from '../fixtures/postgres.js';
import { waitFor } from '../fixtures/wait.js';

const from = await testDatabase(t, 'cjdbc_from');
const to = await testDatabase(t, 'cjdbc_to');
const { cluster, startConnectd } = await connectdHarness(t, 'pg-confluent-jdbc');

const json = {
  'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
  'value.converter.schemas.enable': 'true',
  'value.converter.decimal.format': 'NUMERIC',
};

/** A Confluent JDBC source config as the Confluent docs write one, plus keys connectd does not apply. */
const source = {
  name: 'shop-jdbc-source',
  'connector.class': 'io.confluent.connect.jdbc.JdbcSourceConnector',
  'tasks.max': '1',
  'connection.url': `${from.jdbcUrl}&password=unused&reWriteBatchedInserts=true`,
  'connection.user': 'postgres',
  mode: 'incrementing',
  'incrementing.column.name': 'id',
  'table.whitelist': 'orders',
  'topic.prefix': 'cjdbc-',
  'poll.interval.ms': '100',
  'batch.max.rows': '50',
  'dialect.name': 'PostgreSqlDatabaseDialect',
  'numeric.mapping': 'none',
  'query.retry.attempts': '3',
  'poll.linger.ms': '100',
  ...json,
};

const sink = {
  name: 'shop-jdbc-sink',
  'connector.class': 'io.confluent.connect.jdbc.JdbcSinkConnector',
  'tasks.max': '1',
  topics: 'cjdbc-orders',
  'connection.url': to.jdbcUrl,
  'insert.mode': 'upsert',
  'pk.mode': 'record_value',
  'pk.fields': 'id',
  'auto.create': 'true',
  'auto.evolve': 'true',
  'table.name.format': 'orders_copy',
  'delete.enabled': 'false',
  'mssql.use.merge.holdlock': 'false',
  ...json,
};

/** The regex keys of Confluent 10.8: table.include.list with a per-table incrementing column. */
const regexSource = {
  name: 'regex-jdbc-source',
  'connector.class': 'JdbcSource',
  'tasks.max': '1',
  'connection.url': from.jdbcUrl,
  mode: 'incrementing',
  'table.include.list': 'public\\.ord.*',
  'table.exclude.list': '.*_archive',
  'incrementing.column.mapping': 'public\\.orders:id',
  'topic.prefix': 'cjdbc-regex-',
  'poll.interval.ms': '100',
  ...json,
};

const count = async (): Promise<number> =>
  Number((await to.sql.query<{ n: string }>('SELECT count(*) AS n FROM orders_copy').catch(() => ({ rows: [{ n: '0' }] }))).rows[0]!.n);

t.test('a Confluent JDBC source (incrementing) and sink (upsert) copy rows end to end', async (t) => {
  await from.sql.query('CREATE TABLE orders (id bigint PRIMARY KEY, customer text NOT NULL, amount numeric(12,2) NOT NULL)');
  await from.sql.query('CREATE TABLE orders_archive (id bigint PRIMARY KEY)');
  await from.sql.query(`INSERT INTO orders SELECT g, 'customer ' || g, g * 1.25 FROM generate_series(1, 200) AS g`);
  await cluster.createTopic('cjdbc-orders', { partitions: 1 });
  const proc = await startConnectd('copy', [source, sink, regexSource], { 'offset.flush.interval.ms': '500' });

  await waitFor('the 200 rows copied', async () => (await count()) >= 200, 120000);
  await from.sql.query(`INSERT INTO orders SELECT g, 'customer ' || g, g * 1.25 FROM generate_series(201, 250) AS g`);
  await waitFor('the 50 new rows copied', async () => (await count()) >= 250, 120000);
  const copied = await to.sql.query<{ r: string }>(`SELECT concat_ws('|', id, customer, amount) AS r FROM orders_copy ORDER BY id`);
  const original = await from.sql.query<{ r: string }>(`SELECT concat_ws('|', id, customer, amount) AS r FROM orders ORDER BY id`);
  t.same(
    copied.rows.map((r) => r.r),
    original.rows.map((r) => r.r),
    'the copy is identical',
  );

  // The regex keys chose orders (not orders_archive) and read it by its mapped column.
  const regexStatus = await waitFor('the regex source running', async () => {
    const s = await proc.status('regex-jdbc-source');
    return s.tasks[0]?.state === 'RUNNING' ? s : undefined;
  });
  t.equal(regexStatus.type, 'source');
  await waitFor(
    'the regex source copied orders',
    async () => ((await proc.metric('connectd_source_record_write_total', 'connector="regex-jdbc-source"')) >= 250 ? true : undefined),
    60000,
  );

  // The config is kept as sent, Confluent's class name included; the type comes from the class.
  for (const [config, type] of [
    [source, 'source'],
    [sink, 'sink'],
  ] as const) {
    const { body } = await proc.request('GET', `/connectors/${config.name}`);
    const info = body as { config: Record<string, string>; type: string };
    t.equal(info.config['connector.class'], config['connector.class'], `${config.name}: the class as sent`);
    t.equal(info.type, type);
    const status = await proc.status(config.name);
    t.equal(status.type, type);
    t.equal(status.connector.state, 'RUNNING');
  }

  // One warning per connector naming the keys that do not apply; the honoured ones are not named.
  const log = await readFile(proc.logFile, 'utf8');
  const warnings = log.split('\n').filter((l) => l.includes('Confluent JDBC connector settings that connectd does not apply'));
  const sourceWarning = warnings.filter((l) => l.includes('"connector":"shop-jdbc-source"'));
  t.equal(sourceWarning.length, 1, 'one warning for the source');
  t.match(sourceWarning[0], /query\.retry\.attempts .*poll\.linger\.ms/);
  t.notMatch(sourceWarning[0], /dialect\.name|numeric\.mapping/);
  const sinkWarning = warnings.filter((l) => l.includes('"connector":"shop-jdbc-sink"'));
  t.equal(sinkWarning.length, 1, 'one warning for the sink');
  t.match(sinkWarning[0], /mssql\.use\.merge\.holdlock/);
  t.notOk(
    warnings.some((l) => l.includes('"connector":"regex-jdbc-source"')),
    'no warning when every key applies',
  );

  // Validate and create name the key that cannot run here, and why.
  const { status: code, body } = await proc.request(
    'PUT',
    '/connector-plugins/io.confluent.connect.jdbc.JdbcSourceConnector/config/validate',
    {
      ...source,
      name: 'v',
      'connection.url': 'jdbc:mysql://localhost:3306/shop',
      'numeric.mapping': 'best_fit',
      'query.suffix': 'LIMIT 10',
      'table.include.list': 'public\\.x',
    },
  );
  t.equal(code, 200);
  const errors = Object.fromEntries(
    (body as { configs: { value: { name: string; errors: string[] } }[] }).configs
      .filter((c) => c.value.errors.length > 0)
      .map((c) => [c.value.name, c.value.errors]),
  );
  t.match(errors, {
    'connection.url': [/jdbc:mysql: is another database.*connect only to PostgreSQL/],
    'numeric.mapping': [/best_fit would give INT or FLOAT64 fields/],
    'query.suffix': [/does not append text/],
    'table.include.list': [/may not be combined with table\.whitelist, incrementing\.column\.name/],
  });
  const created = await proc.request('POST', '/connectors', {
    name: 'mysql',
    config: { ...source, name: 'mysql', 'connection.url': 'jdbc:mysql://localhost:3306/shop' },
  });
  t.equal(created.status, 400);
  t.match((created.body as { message: string }).message, /connection\.url.*jdbc:mysql: is another database/);
  // A cross-key problem (connector.validate()) refuses a create too, as in Kafka Connect.
  const mixed = await proc.request('POST', '/connectors', {
    name: 'mixed',
    config: { ...source, name: 'mixed', 'table.include.list': 'public\\.orders' },
  });
  t.equal(mixed.status, 400);
  t.match((mixed.body as { message: string }).message, /table\.include\.list.*may not be combined with table\.whitelist/);
  const never = await proc.request('PUT', '/connectors/never/config', { ...sink, name: 'never', 'quote.sql.identifiers': 'never' });
  t.equal(never.status, 400);
  t.match((never.body as { message: string }).message, /quote\.sql\.identifiers.*fold them to lower case/);
  t.equal(await proc.stop(), 0);
});
