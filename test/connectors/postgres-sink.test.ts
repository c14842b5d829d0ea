/**
 * PostgresSinkTask driven as the sink runtime will drive it (initialize with a SinkTaskContext,
 * start, open, put, preCommit, close, stop), against a real PostgreSQL: tables created and evolved
 * from record schemas, every Connect type written and read back, upsert idempotence, insert
 * semantics, the pk modes, deletes, a failing put leaving nothing behind, schemaless values, errors
 * that name the field or key at fault, and a lost connection retried.
 */
import t from 'tap';
import type { Test } from 'tap';
import { JsonConverter } from '../../src/worker-thread/data/json/json-converter.js';
import { PostgresSinkConnector } from '../../src/worker-thread/connectors/postgres/sink-connector.js';
import { PostgresSinkTask } from '../../src/worker-thread/connectors/postgres/sink-task.js';
import {
  BigDecimal,
  ConfigException,
  ConnectDate,
  Decimal,
  Schema,
  SchemaBuilder,
  SinkRecord,
  Struct,
  Time,
  Timestamp,
} from '../../src/worker-thread/sdk/index.js';
import type { ErrantRecordReporter, SinkTaskContext, TaskConfig, TopicPartition } from '../../src/worker-thread/sdk/index.js';
import { testDatabase } from '../fixtures/postgres.js';

const db = await testDatabase(t, 'sink');

class TestSinkTaskContext implements SinkTaskContext {
  readonly timeouts: number[] = [];
  readonly #config: TaskConfig;
  #assignment: TopicPartition[] = [];
  constructor(config: TaskConfig) {
    this.#config = config;
  }
  configs(): TaskConfig {
    return this.#config;
  }
  offset(): void {}
  timeout(timeoutMs: number): void {
    this.timeouts.push(timeoutMs);
  }
  assignment(): readonly TopicPartition[] {
    return this.#assignment;
  }
  assign(partitions: TopicPartition[]): void {
    this.#assignment = partitions;
  }
  pause(): void {}
  resume(): void {}
  requestCommit(): void {}
  errantRecordReporter(): ErrantRecordReporter | null {
    return null;
  }
}

interface Running {
  task: PostgresSinkTask;
  context: TestSinkTaskContext;
  /** put, then preCommit with the batch's next offsets, as the runtime does before committing. */
  putAndCommit: (records: SinkRecord[]) => Promise<ReadonlyMap<TopicPartition, number>>;
}

async function startTask(t: Test, props: Record<string, string>, topics: string[]): Promise<Running> {
  const config = { 'connection.url': db.jdbcUrl, ...props };
  const task = new PostgresSinkTask();
  const context = new TestSinkTaskContext(config);
  task.initialize(context);
  await task.start(config);
  const partitions = topics.map((topic) => ({ topic, partition: 0 }));
  context.assign(partitions);
  await task.open(partitions);
  t.teardown(async () => {
    await task.close(partitions);
    await task.stop();
  });
  return {
    task,
    context,
    putAndCommit: async (records) => {
      await task.put(records);
      const next = new Map<TopicPartition, number>();
      for (const r of records) {
        const tp = partitions.find((p) => p.topic === r.topic)!;
        next.set(tp, Math.max(next.get(tp) ?? 0, r.kafkaOffset + 1));
      }
      return task.preCommit(next);
    },
  };
}

let nextOffset = 0;
function record(
  topic: string,
  init: { keySchema?: Schema | null; key?: unknown; valueSchema?: Schema | null; value: unknown },
): SinkRecord {
  return new SinkRecord({ topic, kafkaPartition: 0, kafkaOffset: nextOffset++, ...init });
}

async function rows(query: string): Promise<Record<string, string | null>[]> {
  return (await db.sql.query<Record<string, string | null>>(query)).rows;
}

async function columnTypes(table: string): Promise<Record<string, string>> {
  const result = await db.sql.query<{ name: string; type: string }>(
    `SELECT attname AS name, format_type(atttypid, atttypmod) || CASE WHEN attnotnull THEN ' NOT NULL' ELSE '' END AS type
       FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum`,
    [table],
  );
  return Object.fromEntries(result.rows.map((r) => [r.name, r.type]));
}

async function primaryKey(table: string): Promise<string[]> {
  const result = await db.sql.query<{ name: string }>(
    `SELECT a.attname AS name FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
      WHERE i.indrelid = $1::regclass AND i.indisprimary ORDER BY array_position(i.indkey::int2[], a.attnum)`,
    [table],
  );
  return result.rows.map((r) => r.name);
}

const ALL_TYPES = SchemaBuilder.struct()
  .name('all_types')
  .field('id', Schema.INT64_SCHEMA)
  .field('i8', Schema.INT8_SCHEMA)
  .field('i16', Schema.INT16_SCHEMA)
  .field('i32', Schema.INT32_SCHEMA)
  .field('f32', Schema.OPTIONAL_FLOAT32_SCHEMA)
  .field('f64', Schema.OPTIONAL_FLOAT64_SCHEMA)
  .field('flag', Schema.OPTIONAL_BOOLEAN_SCHEMA)
  .field('name', Schema.OPTIONAL_STRING_SCHEMA)
  .field('raw', Schema.OPTIONAL_BYTES_SCHEMA)
  .field('amount', Decimal.builder(2).optional().build())
  .field('day', ConnectDate.builder().optional().build())
  .field('at', Time.builder().optional().build())
  .field('ts', Timestamp.builder().optional().build())
  .field('tags', SchemaBuilder.array(Schema.OPTIONAL_STRING_SCHEMA).optional().build())
  .build();

t.test('auto.create makes the table from the schema; every Connect type is written and reads back exactly', async (t) => {
  const { putAndCommit } = await startTask(t, { 'auto.create': 'true', 'pk.mode': 'record_value', 'pk.fields': 'id' }, ['all_types']);
  const full = new Struct(ALL_TYPES)
    .put('id', 9007199254740993n)
    .put('i8', -5)
    .put('i16', 300)
    .put('i32', 70000)
    .put('f32', 1.5)
    .put('f64', 0.1)
    .put('flag', true)
    .put('name', `héllo 'quoted' "twice" 🎉`)
    .put('raw', Buffer.from([0, 1, 255]))
    .put('amount', BigDecimal.parse('-12345.67'))
    .put('day', new Date(Date.UTC(2024, 1, 29)))
    .put('at', new Date((13 * 3600 + 14 * 60 + 15) * 1000 + 123))
    .put('ts', new Date('2024-05-01T12:34:56.789Z'))
    .put('tags', ['a', 'b,c', '"q"', null]);
  const sparse = new Struct(ALL_TYPES).put('id', 2n).put('i8', 0).put('i16', 0).put('i32', 0);
  const committed = await putAndCommit([
    record('all_types', { valueSchema: ALL_TYPES, value: full }),
    record('all_types', { valueSchema: ALL_TYPES, value: sparse }),
  ]);
  t.same([...committed.values()], [nextOffset], 'preCommit: everything put is durable once put returns');

  t.same(await columnTypes('all_types'), {
    id: 'bigint NOT NULL',
    i8: 'smallint NOT NULL',
    i16: 'smallint NOT NULL',
    i32: 'integer NOT NULL',
    f32: 'real',
    f64: 'double precision',
    flag: 'boolean',
    name: 'text',
    raw: 'bytea',
    amount: 'numeric',
    day: 'date',
    at: 'time without time zone',
    ts: 'timestamp without time zone',
    tags: 'text[]',
  });
  t.same(await primaryKey('all_types'), ['id']);
  const [first, second] = await rows(
    `SELECT id::text, i8::text, i16::text, i32::text, f32::text, f64::text, flag::text, name, raw::text, amount::text, day::text, at::text, ts::text, tags::text FROM all_types ORDER BY id DESC`,
  );
  t.same(first, {
    id: '9007199254740993',
    i8: '-5',
    i16: '300',
    i32: '70000',
    f32: '1.5',
    f64: '0.1',
    flag: 'true',
    name: `héllo 'quoted' "twice" 🎉`,
    raw: '\\x0001ff',
    amount: '-12345.67',
    day: '2024-02-29',
    at: '13:14:15.123',
    ts: '2024-05-01 12:34:56.789',
    tags: '{a,"b,c","\\"q\\"",NULL}',
  });
  t.same(second, {
    id: '2',
    i8: '0',
    i16: '0',
    i32: '0',
    f32: null,
    f64: null,
    flag: null,
    name: null,
    raw: null,
    amount: null,
    day: null,
    at: null,
    ts: null,
    tags: null,
  });
});

t.test('upsert: the same batch put twice leaves the same rows; a key repeated in a batch keeps its last value', async (t) => {
  // Values as the JsonConverter with schemas hands them over.
  const keys = new JsonConverter();
  keys.configure({ 'schemas.enable': 'true' }, true);
  const values = new JsonConverter();
  values.configure({ 'schemas.enable': 'true', 'decimal.format': 'NUMERIC' }, false);
  const keySchema = '{"type":"struct","fields":[{"field":"sku","type":"string","optional":false}],"optional":false}';
  const valueSchema =
    '{"type":"struct","fields":[{"field":"qty","type":"int32","optional":false},{"field":"price","type":"bytes","optional":true,"name":"org.apache.kafka.connect.data.Decimal","parameters":{"scale":"2"}}],"optional":false,"name":"stock"}';
  const stock = (sku: string, qty: number, price: string): SinkRecord => {
    const key = keys.toConnectData('stock', Buffer.from(`{"schema":${keySchema},"payload":{"sku":"${sku}"}}`));
    const value = values.toConnectData('stock', Buffer.from(`{"schema":${valueSchema},"payload":{"qty":${qty},"price":${price}}}`));
    return record('stock', { keySchema: key.schema, key: key.value, valueSchema: value.schema, value: value.value });
  };
  const { task } = await startTask(t, { 'auto.create': 'true', 'insert.mode': 'upsert', 'pk.mode': 'record_key' }, ['stock']);
  const batch = [stock('a', 1, '1.10'), stock('b', 2, '2.20'), stock('c', 3, '3.30')];
  const read = (): Promise<Record<string, string | null>[]> => rows('SELECT sku, qty::text, price::text FROM stock ORDER BY sku');

  await task.put(batch);
  const once = await read();
  t.same(once, [
    { sku: 'a', qty: '1', price: '1.10' },
    { sku: 'b', qty: '2', price: '2.20' },
    { sku: 'c', qty: '3', price: '3.30' },
  ]);
  await task.put(batch);
  t.same(await read(), once, 'redelivery changes nothing');

  await task.put([stock('b', 20, '2.00'), stock('d', 4, '4.40'), stock('b', 21, '2.10')]);
  t.same(await read(), [
    { sku: 'a', qty: '1', price: '1.10' },
    { sku: 'b', qty: '21', price: '2.10' },
    { sku: 'c', qty: '3', price: '3.30' },
    { sku: 'd', qty: '4', price: '4.40' },
  ]);
  t.same(await primaryKey('stock'), ['sku']);
});

const ITEM = SchemaBuilder.struct().name('item').field('id', Schema.INT32_SCHEMA).field('label', Schema.STRING_SCHEMA).build();
const item = (topic: string, id: number, label: string): SinkRecord =>
  record(topic, { valueSchema: ITEM, value: new Struct(ITEM).put('id', id).put('label', label) });

t.test('insert mode: plain INSERTs, so a redelivered batch is written twice, or violates the key and writes nothing', async (t) => {
  const { task: keyless } = await startTask(t, { 'auto.create': 'true' }, ['log']);
  const batch = [item('log', 1, 'one'), item('log', 2, 'two')];
  await keyless.put(batch);
  await keyless.put(batch);
  t.same(await rows('SELECT id::text, label FROM log ORDER BY id, label'), [
    { id: '1', label: 'one' },
    { id: '1', label: 'one' },
    { id: '2', label: 'two' },
    { id: '2', label: 'two' },
  ]);
  t.same(await primaryKey('log'), [], 'pk.mode=none: no primary key');

  const { task: keyed } = await startTask(t, { 'auto.create': 'true', 'pk.mode': 'record_value', 'pk.fields': 'id' }, ['keyed']);
  await keyed.put([item('keyed', 1, 'one'), item('keyed', 2, 'two')]);
  const err = (await keyed.put([item('keyed', 3, 'three'), item('keyed', 2, 'again')]).then(
    () => null,
    (e: unknown) => e,
  )) as Error;
  t.ok(err instanceof Error, 'a duplicate key fails the put');
  t.equal(err.name, 'ConnectException', 'not retriable: retrying cannot help');
  t.match(err.message, /"public"\."keyed"/);
  t.match(err.message, /duplicate key value/);
  t.same(
    await rows('SELECT id::text FROM keyed ORDER BY id'),
    [{ id: '1' }, { id: '2' }],
    'row 3 of the failed put was rolled back with it',
  );
});

t.test('pk.mode: kafka coordinates, a primitive record key, value fields; wrong pk.fields named', async (t) => {
  const { task: kafka } = await startTask(t, { 'auto.create': 'true', 'insert.mode': 'upsert', 'pk.mode': 'kafka' }, ['events']);
  const events = [item('events', 1, 'x'), item('events', 1, 'y')];
  await kafka.put(events);
  await kafka.put(events);
  t.same(await primaryKey('events'), ['__connect_topic', '__connect_partition', '__connect_offset']);
  t.same(
    await rows(
      'SELECT __connect_topic AS topic, __connect_partition::text AS partition, __connect_offset::text AS "offset", label FROM events ORDER BY __connect_offset',
    ),
    events.map((r) => ({ topic: 'events', partition: '0', offset: String(r.kafkaOffset), label: (r.value as Struct).getString('label') })),
    'one row per Kafka record, however often it is delivered',
  );

  const { task: byKey } = await startTask(
    t,
    { 'auto.create': 'true', 'insert.mode': 'upsert', 'pk.mode': 'record_key', 'pk.fields': 'code' },
    ['codes'],
  );
  const coded = (code: string, id: number, label: string): SinkRecord =>
    record('codes', {
      keySchema: Schema.STRING_SCHEMA,
      key: code,
      valueSchema: ITEM,
      value: new Struct(ITEM).put('id', id).put('label', label),
    });
  await byKey.put([coded('A', 1, 'first'), coded('B', 2, 'second'), coded('A', 3, 'third')]);
  t.same(await primaryKey('codes'), ['code']);
  t.same(await columnTypes('codes'), { code: 'text NOT NULL', id: 'integer NOT NULL', label: 'text NOT NULL' });
  t.same(await rows('SELECT code, id::text, label FROM codes ORDER BY code'), [
    { code: 'A', id: '3', label: 'third' },
    { code: 'B', id: '2', label: 'second' },
  ]);

  const { task: noName } = await startTask(t, { 'auto.create': 'true', 'pk.mode': 'record_key' }, ['codes2']);
  await t.rejects(
    noName.put([
      record('codes2', {
        keySchema: Schema.STRING_SCHEMA,
        key: 'A',
        valueSchema: ITEM,
        value: new Struct(ITEM).put('id', 1).put('label', 'l'),
      }),
    ]),
    {
      message:
        /pk\.fields: the key of the record at topic codes2, partition 0, offset \d+ is a primitive, so pk\.fields must name its one column/,
    },
  );
  const { task: wrongField } = await startTask(t, { 'auto.create': 'true', 'pk.mode': 'record_value', 'pk.fields': 'id,nope' }, ['wrong']);
  await t.rejects(wrongField.put([item('wrong', 1, 'l')]), {
    message: /pk\.fields: field "nope" is not in the value of the record at topic wrong, partition 0, offset \d+ \(fields: id, label\)/,
  });
  t.same(await rows(`SELECT to_regclass('wrong')::text AS t`), [{ t: null }], 'nothing created for a record that cannot be a row');
});

t.test('auto.evolve adds missing optional columns (and required ones with a default); the rest is refused by name', async (t) => {
  await db.sql.query('CREATE TABLE people (id integer PRIMARY KEY, name text NOT NULL)');
  await db.sql.query(`INSERT INTO people VALUES (0, 'before')`);
  const evolved = SchemaBuilder.struct()
    .field('id', Schema.INT32_SCHEMA)
    .field('name', Schema.STRING_SCHEMA)
    .field('email', Schema.OPTIONAL_STRING_SCHEMA)
    .field('score', Schema.OPTIONAL_FLOAT64_SCHEMA)
    .field('status', SchemaBuilder.string().defaultValue('new').build())
    .build();
  const person = new Struct(evolved)
    .put('id', 1)
    .put('name', 'Ada')
    .put('email', 'ada@example.org')
    .put('score', 9.5)
    .put('status', 'active');

  const { task: fixed } = await startTask(t, { 'pk.mode': 'record_value', 'pk.fields': 'id' }, ['people']);
  await t.rejects(fixed.put([record('people', { valueSchema: evolved, value: person })]), {
    message:
      /Table "public"\."people" has no column "email", "score", "status" for the fields of the record at topic people, partition 0, offset \d+, and auto\.evolve is false/,
  });

  const { task } = await startTask(t, { 'auto.evolve': 'true', 'pk.mode': 'record_value', 'pk.fields': 'id' }, ['people']);
  await task.put([record('people', { valueSchema: evolved, value: person })]);
  t.same(await columnTypes('people'), {
    id: 'integer NOT NULL',
    name: 'text NOT NULL',
    email: 'text',
    score: 'double precision',
    status: 'text NOT NULL',
  });
  t.same(await rows('SELECT id::text, name, email, score::text, status FROM people ORDER BY id'), [
    { id: '0', name: 'before', email: null, score: null, status: 'new' },
    { id: '1', name: 'Ada', email: 'ada@example.org', score: '9.5', status: 'active' },
  ]);

  const required = SchemaBuilder.struct()
    .field('id', Schema.INT32_SCHEMA)
    .field('name', Schema.STRING_SCHEMA)
    .field('badge', Schema.INT32_SCHEMA)
    .build();
  await t.rejects(
    task.put([record('people', { valueSchema: required, value: new Struct(required).put('id', 2).put('name', 'Bob').put('badge', 7) })]),
    {
      message: /Cannot add column "badge" to "public"\."people" \(auto\.evolve\): field "badge" is required and has no default/,
    },
  );
  t.notOk('badge' in (await columnTypes('people')));
});

t.test('a put that fails mid-batch rolls back all of it, across statements; the next put starts clean', async (t) => {
  await db.sql.query('CREATE TABLE stockroom (id integer PRIMARY KEY, qty integer NOT NULL CHECK (qty >= 0))');
  const schema = SchemaBuilder.struct().field('id', Schema.INT32_SCHEMA).field('qty', Schema.INT32_SCHEMA).build();
  const line = (id: number, qty: number): SinkRecord =>
    record('stockroom', { valueSchema: schema, value: new Struct(schema).put('id', id).put('qty', qty) });
  // batch.size=1: one INSERT per record, so the first three are written before the fourth fails.
  const { task } = await startTask(t, { 'batch.size': '1', 'pk.mode': 'record_value', 'pk.fields': 'id' }, ['stockroom']);
  const err = (await task.put([line(1, 1), line(2, 2), line(3, 3), line(4, -1), line(5, 5)]).then(
    () => null,
    (e: unknown) => e,
  )) as Error;
  t.ok(err instanceof Error);
  t.match(
    err.message,
    /Writing 5 record\(s\) \(from topic stockroom, partition 0, offset \d+ to topic stockroom, partition 0, offset \d+\) to "public"\."stockroom" failed/,
  );
  t.match(err.message, /constraint "stockroom_qty_check"/);
  t.same(await rows('SELECT count(*)::text AS n FROM stockroom'), [{ n: '0' }], 'nothing of the failed put is in the table');

  await task.put([line(1, 1), line(2, 2)]);
  t.same(await rows('SELECT id::text, qty::text FROM stockroom ORDER BY id'), [
    { id: '1', qty: '1' },
    { id: '2', qty: '2' },
  ]);
});

t.test('a field with no PostgreSQL type is refused by name, and no table is created', async (t) => {
  const address = SchemaBuilder.struct().field('city', Schema.STRING_SCHEMA).build();
  const nested = SchemaBuilder.struct().field('id', Schema.INT32_SCHEMA).field('address', address).build();
  const withMap = SchemaBuilder.struct()
    .field('id', Schema.INT32_SCHEMA)
    .field('attrs', SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.STRING_SCHEMA).build())
    .build();
  const { task } = await startTask(t, { 'auto.create': 'true' }, ['nested', 'mapped']);
  await t.rejects(
    task.put([
      record('nested', {
        valueSchema: nested,
        value: new Struct(nested).put('id', 1).put('address', new Struct(address).put('city', 'Oslo')),
      }),
    ]),
    {
      message: 'Cannot create column "address" of "public"."nested": field "address" is a STRUCT, which has no PostgreSQL type',
    },
  );
  await t.rejects(
    task.put([record('mapped', { valueSchema: withMap, value: new Struct(withMap).put('id', 1).put('attrs', { a: 'b' }) })]),
    {
      message: 'Cannot create column "attrs" of "public"."mapped": field "attrs" is a MAP, which has no PostgreSQL type',
    },
  );
  t.same(await rows(`SELECT to_regclass('nested')::text AS a, to_regclass('mapped')::text AS b`), [{ a: null, b: null }]);
});

t.test('schemaless maps: column types inferred from the values; a nested value is refused by name', async (t) => {
  const json = new JsonConverter();
  json.configure({ 'schemas.enable': 'false' }, false);
  const doc = (text: string): SinkRecord => {
    const { schema, value } = json.toConnectData('docs', Buffer.from(text));
    return record('docs', { valueSchema: schema, value });
  };
  const { task } = await startTask(
    t,
    { 'auto.create': 'true', 'auto.evolve': 'true', 'insert.mode': 'upsert', 'pk.mode': 'record_value', 'pk.fields': 'id' },
    ['docs'],
  );
  await task.put([doc('{"id": 1, "name": "one", "price": 2.5, "ok": true, "note": null}')]);
  t.same(
    await columnTypes('docs'),
    { id: 'bigint NOT NULL', name: 'text', price: 'double precision', ok: 'boolean' },
    'a field that is only ever null has no type, and no column',
  );
  await task.put([
    doc('{"id": 2, "name": "two", "price": 3, "ok": false, "note": "now typed"}'),
    doc('{"id": 1, "name": "uno", "price": 2.5, "ok": true, "note": null}'),
  ]);
  t.same(await rows('SELECT id::text, name, price::text, ok::text, note FROM docs ORDER BY id'), [
    { id: '1', name: 'uno', price: '2.5', ok: 'true', note: null },
    { id: '2', name: 'two', price: '3', ok: 'false', note: 'now typed' },
  ]);
  await t.rejects(task.put([doc('{"id": 3, "address": {"city": "Oslo"}}')]), {
    message:
      /field "address" of the value of the record at topic docs, partition 0, offset \d+: a schemaless map has no column type to infer/,
  });
});

t.test('delete.enabled: a tombstone deletes its key, in order with the writes around it', async (t) => {
  const keySchema = SchemaBuilder.struct().field('id', Schema.INT32_SCHEMA).build();
  const valueSchema = SchemaBuilder.struct().field('label', Schema.STRING_SCHEMA).build();
  const key = (id: number): Struct => new Struct(keySchema).put('id', id);
  const upsert = (id: number, label: string): SinkRecord =>
    record('things', { keySchema, key: key(id), valueSchema, value: new Struct(valueSchema).put('label', label) });
  const tombstone = (id: number): SinkRecord => record('things', { keySchema, key: key(id), valueSchema: null, value: null });
  const { task } = await startTask(
    t,
    { 'auto.create': 'true', 'insert.mode': 'upsert', 'pk.mode': 'record_key', 'delete.enabled': 'true' },
    ['things'],
  );
  await task.put([upsert(1, 'a'), upsert(2, 'b'), upsert(3, 'c')]);
  await task.put([tombstone(1), upsert(3, 'c1'), tombstone(3), upsert(3, 'c2'), upsert(4, 'd'), tombstone(4)]);
  t.same(await rows('SELECT id::text, label FROM things ORDER BY id'), [
    { id: '2', label: 'b' },
    { id: '3', label: 'c2' },
  ]);

  const { task: noDeletes } = await startTask(t, { 'insert.mode': 'upsert', 'pk.mode': 'record_key' }, ['things']);
  await t.rejects(noDeletes.put([tombstone(2)]), { message: /has a null value \(a tombstone\): set delete\.enabled=true/ });
});

t.test('table.name.format: schema-qualified tables; a topic with dots must be quoted', async (t) => {
  await db.sql.query('CREATE SCHEMA archive');
  const { task } = await startTask(t, { 'auto.create': 'true', 'table.name.format': 'archive.${topic}_copy' }, ['orders']);
  await task.put([item('orders', 1, 'x')]);
  t.same(await rows('SELECT id::text, label FROM archive.orders_copy'), [{ id: '1', label: 'x' }]);

  const { task: dotted } = await startTask(t, { 'auto.create': 'true' }, ['server.public.users']);
  await t.rejects(dotted.put([item('server.public.users', 1, 'x')]), {
    message: /table\.name\.format: the table name "server\.public\.users" \(topic server\.public\.users\) has 3 dotted parts/,
  });
  const { task: quoted } = await startTask(t, { 'auto.create': 'true', 'table.name.format': '"${topic}"' }, ['server.public.users']);
  await quoted.put([item('server.public.users', 1, 'x')]);
  t.same(await rows('SELECT label FROM "server.public.users"'), [{ label: 'x' }]);
});

t.test('bad configurations are refused with the key and the reason', async (t) => {
  const task = new PostgresSinkTask();
  task.initialize(new TestSinkTaskContext({}));
  const err = (await Promise.resolve(task.start({ 'connection.url': db.jdbcUrl, 'insert.mode': 'upsert', 'batch.size': '0' })).then(
    () => null,
    (e: unknown) => e,
  )) as ConfigException;
  t.ok(err instanceof ConfigException);
  t.match(err.message, /batch\.size="0": Value must be at least 1/);
  const upsertWithoutKey = (await Promise.resolve(task.start({ 'connection.url': db.jdbcUrl, 'insert.mode': 'upsert' })).then(
    () => null,
    (e: unknown) => e,
  )) as ConfigException;
  t.match(upsertWithoutKey.message, /insert\.mode="upsert": upsert needs a primary key: set pk\.mode/);

  const values = new PostgresSinkConnector().validate({
    'connection.url': 'mysql://localhost/db',
    'delete.enabled': 'true',
    'pk.mode': 'record_value',
  });
  t.match(values.get('connection.url')?.errorMessages, [
    /expected jdbc:postgresql:\/\/host:port\/database or postgres:\/\/host:port\/database/,
  ]);
  t.same(values.get('delete.enabled')?.errorMessages, ['deletes need pk.mode=record_key (pk.mode is record_value)']);
  t.same(values.get('pk.mode')?.errorMessages, []);
});

t.test('a lost connection fails the put as retriable, after asking for retry.backoff.ms; the redelivered put succeeds', async (t) => {
  const { task, context } = await startTask(
    t,
    {
      'auto.create': 'true',
      'insert.mode': 'upsert',
      'pk.mode': 'record_value',
      'pk.fields': 'id',
      'retry.backoff.ms': '1234',
      'max.retries': '1',
    },
    ['resilient'],
  );
  await task.put([item('resilient', 1, 'before')]);
  t.ok((await db.terminateOtherSessions()) >= 1, "the task's session was ended by the server");
  const batch = [item('resilient', 2, 'during'), item('resilient', 3, 'during')];
  await t.rejects(task.put(batch), { name: 'RetriableException', code: 'CONNECTD_ERR_RETRIABLE', message: /retrying \(0 retries left\)/ });
  t.same(context.timeouts, [1234]);
  await task.put(batch);
  t.same(await rows('SELECT id::text, label FROM resilient ORDER BY id'), [
    { id: '1', label: 'before' },
    { id: '2', label: 'during' },
    { id: '3', label: 'during' },
  ]);
  t.same(context.timeouts, [1234], 'a success asks for no more waiting');
});
