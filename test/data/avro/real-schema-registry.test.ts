/**
 * The AvroConverter against a real Schema Registry API: Apicurio Registry's Confluent-compatible API
 * (tools/schema-registry/server.ts), not the stand-in of the unit tests. PostgreSQL → Kafka →
 * PostgreSQL through one connectd daemon and a real broker, values in Avro:
 *
 * - the source registers its schema, and every record in the topic carries the id the registry
 *   assigned (magic byte 0, the id big-endian, then Avro that the registry's schema text decodes);
 * - the sink, a converter of its own, reads those ids back through the registry and writes the rows;
 * - with auto.register.schemas=false, a source looks the schema up (POST /subjects/{subject});
 * - a compatible change (a nullable column) registers version 2 and flows through;
 * - an incompatible one under BACKWARD (a NOT NULL column: a required field without a default) is
 *   refused by the registry, and the source task fails saying so;
 * - all of it with basic auth (`basic.auth.user.info`); wrong credentials fail the task with the
 *   registry's 401, the password shown nowhere.
 */
import { readFile } from 'node:fs/promises';
import avro from 'avsc';
import t from 'tap';
import { SchemaRegistryServer } from '../../../tools/schema-registry/server.js';
import type { RegistryAccess } from '../../../tools/schema-registry/server.js';
import { readTopic } from '../../../tools/topic-reader.js';
import type { ConnectdProcess } from '../../../tools/connectd-process.js';
import { connectdHarness } from '../../fixtures/connectd-harness.js';
import { testDatabase } from '../../fixtures/postgres.js';
import { waitFor } from '../../fixtures/wait.js';

const USER = 'connectd';
const PASSWORD = 'registry-secret-7f3a';
const WRONG_PASSWORD = 'not-the-password-91c2';

const from = await testDatabase(t, 'avro_reg_from');
const to = await testDatabase(t, 'avro_reg_to');
const { cluster, startConnectd } = await connectdHarness(t, 'avro-registry');
const registry = await SchemaRegistryServer.start({ users: { [USER]: PASSWORD } });
t.teardown(() => registry.stop());
t.comment(`Apicurio Registry ${registry.version} at ${registry.url}`);
// Confluent's default; Apicurio's is NONE.
await registry.setCompatibility('BACKWARD');

const SUBJECT = 'reg-items-value';

function avroConverter(userInfo: string): Record<string, string> {
  return {
    'value.converter': 'io.confluent.connect.avro.AvroConverter',
    'value.converter.schema.registry.url': registry.url,
    'value.converter.basic.auth.credentials.source': 'USER_INFO',
    'value.converter.basic.auth.user.info': userInfo,
  };
}

function source(name: string, prefix: string, userInfo: string): Record<string, string> {
  return {
    name,
    'connector.class': 'io.connectd.connectors.postgres.PostgresSourceConnector',
    'tasks.max': '1',
    'connection.url': from.jdbcUrl,
    'table.whitelist': 'items',
    mode: 'incrementing',
    'incrementing.column.name': 'id',
    'topic.prefix': prefix,
    'poll.interval.ms': '100',
    ...avroConverter(userInfo),
  };
}

const connectors: Record<string, string>[] = [
  source('items-from-pg', 'reg-', `${USER}:${PASSWORD}`),
  {
    name: 'items-to-pg',
    'connector.class': 'io.connectd.connectors.postgres.PostgresSinkConnector',
    'tasks.max': '1',
    topics: 'reg-items',
    'connection.url': to.jdbcUrl,
    'insert.mode': 'upsert',
    'pk.mode': 'record_value',
    'pk.fields': 'id',
    'auto.create': 'true',
    'auto.evolve': 'true',
    'table.name.format': 'items_copy',
    ...avroConverter(`${USER}:${PASSWORD}`),
  },
  source('items-bad-auth', 'bad-', `${USER}:${WRONG_PASSWORD}`),
];

interface SubjectVersion {
  id: number;
  version: number;
  schema: string;
}

const versions = async (): Promise<number[]> => (await registry.request('GET', `/subjects/${SUBJECT}/versions`)) as number[];
const version = async (v: number): Promise<SubjectVersion> =>
  (await registry.request('GET', `/subjects/${SUBJECT}/versions/${v}`)) as SubjectVersion;

async function insertItems(first: number, last: number, color: boolean): Promise<void> {
  await from.sql.query(
    `INSERT INTO items (id, name, qty${color ? ', color' : ''})
     SELECT g, 'item ' || g, CASE WHEN g % 4 = 0 THEN NULL ELSE (g * 3)::int END${color ? ", 'color ' || (g % 3)" : ''}
     FROM generate_series($1::bigint, $2::bigint) AS g`,
    [first, last],
  );
}

const copied = async (): Promise<number> =>
  Number((await to.sql.query<{ n: string }>('SELECT count(*) AS n FROM items_copy').catch(() => ({ rows: [{ n: '0' }] }))).rows[0]!.n);

async function rows(db: typeof from, table: string, color: boolean): Promise<string[]> {
  const result = await db.sql.query<{ r: string }>(
    `SELECT concat_ws('|', id, name, coalesce(qty::text, '<null>')${color ? ", coalesce(color, '<null>')" : ''}) AS r FROM ${table} ORDER BY id`,
  );
  return result.rows.map((x) => x.r);
}

/** The registry's id in each record's wire header, and the value decoded with that id's schema text. */
async function topicRecords(): Promise<{ magic: number; id: number; value: Record<string, unknown> }[]> {
  const schemas = new Map<number, avro.Type>();
  const out = [];
  for (const r of await readTopic(cluster.bootstrapServers, 'reg-items')) {
    const bytes = r.valueBytes!;
    const id = bytes.readUInt32BE(1);
    let type = schemas.get(id);
    if (type === undefined) {
      const { schema } = (await registry.request('GET', `/schemas/ids/${id}`)) as { schema: string };
      type = avro.Type.forSchema(JSON.parse(schema) as avro.Schema, { wrapUnions: 'auto' });
      schemas.set(id, type);
    }
    out.push({ magic: bytes[0]!, id, value: type.fromBuffer(bytes.subarray(5)) as Record<string, unknown> });
  }
  return out;
}

const schemaReads = (id: number) =>
  registry.accessLog().filter((a) => a.method === 'GET' && a.path.startsWith(`/apis/ccompat/v7/schemas/ids/${id}`) && a.status === 200);

/** Whether the access log shows such a request: its line is written as the answer goes out, so give it a moment. */
const logged = (check: (log: RegistryAccess[]) => boolean): Promise<boolean> =>
  waitFor("the registry's access log", () => check(registry.accessLog()), 10_000).then(
    () => true,
    () => false,
  );

let proc: ConnectdProcess;

t.test("the source registers its schema, the records carry the registry's id, the sink reads them back through the registry", async (t) => {
  await from.sql.query('CREATE TABLE items (id bigint PRIMARY KEY, name text NOT NULL, qty int)');
  await insertItems(1, 100, false);
  await cluster.createTopic('reg-items', { partitions: 1 });
  proc = await startConnectd('avro-registry', connectors, { 'offset.flush.interval.ms': '500' });
  await waitFor('100 rows copied', async () => (await copied()) === 100, 120_000);
  t.same(await rows(to, 'items_copy', false), await rows(from, 'items', false), 'the copy is identical');

  t.same(await versions(), [1], `one version under ${SUBJECT}`);
  const v1 = await version(1);
  t.match(
    JSON.parse(v1.schema),
    { type: 'record', name: 'items', fields: [{ name: 'id', type: 'long' }, { name: 'name', type: 'string' }, { name: 'qty' }] },
    "the schema the registry holds is the table's",
  );
  const records = await topicRecords();
  t.equal(records.length, 100);
  t.same(
    records.filter((r) => r.magic !== 0 || r.id !== v1.id),
    [],
    `every record starts with magic byte 0 and id ${v1.id}, the one the registry assigned`,
  );
  t.same(
    records.map(
      (r) => `${String(r.value.id)}|${String(r.value.name)}|${r.value.qty === null ? '<null>' : (r.value.qty as number).toString()}`,
    ),
    await rows(from, 'items', false),
    "the registry's schema text decodes the bytes to the rows",
  );

  const registrations = registry
    .accessLog()
    .filter((a) => a.method === 'POST' && a.path === `/apis/ccompat/v7/subjects/${SUBJECT}/versions`);
  t.ok(
    registrations.length >= 1 && registrations.every((a) => a.status === 200 && a.user === USER),
    'the source registered it, authenticated as the configured user',
  );
  t.ok(
    await logged(() => schemaReads(v1.id).some((a) => a.user === USER)),
    `the sink fetched schema ${v1.id} from the registry (its converter did not register it)`,
  );
});

t.test('auto.register.schemas=false: the source looks up the schema registered beforehand and writes with its id', async (t) => {
  const v1 = await version(1);
  // Registered as the converter would send it: Apicurio's look-up compares the text.
  const { id } = (await registry.request('POST', '/subjects/look-items-value/versions', { schema: v1.schema, schemaType: 'AVRO' })) as {
    id: number;
  };
  t.equal(id, v1.id, 'the same schema under another subject has the same id');
  await cluster.createTopic('look-items', { partitions: 1 });
  const config = { ...source('items-lookup', 'look-', `${USER}:${PASSWORD}`), 'value.converter.auto.register.schemas': 'false' };
  t.equal((await proc.request('PUT', '/connectors/items-lookup/config', config)).status, 201);
  await waitFor(
    '100 records in look-items',
    async () => (await proc.metric('connectd_source_record_write_total', 'connector="items-lookup"')) === 100,
    120_000,
  );
  const records = await readTopic(cluster.bootstrapServers, 'look-items');
  t.same(
    records.filter((r) => r.valueBytes![0] !== 0 || r.valueBytes!.readUInt32BE(1) !== id),
    [],
    `every record carries id ${id}`,
  );
  t.ok(
    await logged((log) =>
      log.some((a) => a.method === 'POST' && a.path === '/apis/ccompat/v7/subjects/look-items-value' && a.status === 200),
    ),
    'looked up (POST /subjects/{subject})',
  );
  t.equal(
    registry.accessLog().filter((a) => a.method === 'POST' && a.path === '/apis/ccompat/v7/subjects/look-items-value/versions').length,
    1,
    'registered once, by the test: not by the converter',
  );
  t.same(await registry.request('GET', '/subjects/look-items-value/versions'), [1]);
  // Before the table changes (next tests): its next schema is not registered, so it would fail.
  t.equal((await proc.request('DELETE', '/connectors/items-lookup')).status, 204);
});

t.test("wrong credentials: the task fails with the registry's 401, the password shown nowhere", async (t) => {
  const status = await waitFor('the bad-auth task FAILED', async () => {
    const s = await proc.status('items-bad-auth');
    return s.tasks[0]?.state === 'FAILED' ? s : undefined;
  });
  const trace = status.tasks[0]!.trace ?? '';
  t.comment(`task error: ${trace.split('\n')[0]}`);
  t.match(
    trace,
    /answered 401: Unauthorized; error code: 401 \(the registry refused the credentials: check basic\.auth\.credentials\.source and basic\.auth\.user\.info/,
    "the trace has the registry's 401, its reason (the body is empty) and what to check",
  );
  t.match(trace, /bad-items-value/, 'and names the subject');
  t.notOk(trace.includes(WRONG_PASSWORD) || trace.includes(PASSWORD), 'no password in the trace');
  const log = await readFile(proc.logFile, 'utf8');
  t.notOk(log.includes(WRONG_PASSWORD) || log.includes(PASSWORD), "nor in the daemon's log");
  t.ok(await logged((log) => log.some((a) => a.status === 401 && a.path.includes('bad-items-value'))), 'the registry refused it');
  t.same(
    ((await registry.request('GET', '/subjects')) as string[]).filter((s) => s.startsWith('bad-')),
    [],
    'nothing registered for it',
  );
});

t.test('a compatible change registers version 2 and flows through; an incompatible one under BACKWARD fails the source task', async (t) => {
  const v1 = await version(1);
  // A nullable column: an optional field with default null, which readers of the new schema can fill in for old records.
  await from.sql.query('ALTER TABLE items ADD COLUMN color text');
  await insertItems(101, 150, true);
  await waitFor('150 rows copied, the new column added by the sink', async () => (await copied()) === 150, 120_000);
  t.same(await rows(to, 'items_copy', true), await rows(from, 'items', true), 'the copy is identical, new column included');
  t.same(await versions(), [1, 2], 'the evolved schema is version 2');
  const v2 = await version(2);
  t.not(v2.id, v1.id, 'with an id of its own');
  t.match(JSON.parse(v2.schema), {
    fields: [{ name: 'id' }, { name: 'name' }, { name: 'qty' }, { name: 'color', type: ['null', 'string'], default: null }],
  });
  const records = await topicRecords();
  t.same(
    records.map((r) => r.id),
    [...Array<number>(100).fill(v1.id), ...Array<number>(50).fill(v2.id)],
    `records 1-100 carry id ${v1.id}, 101-150 id ${v2.id}`,
  );
  t.same(
    records.slice(100).map((r) => r.value.color),
    Array.from({ length: 50 }, (_, i) => `color ${(101 + i) % 3}`),
    'the new field is in the bytes',
  );
  t.ok(await logged(() => schemaReads(v2.id).length >= 1), `the sink fetched schema ${v2.id} from the registry`);

  // A NOT NULL column: a required field without a default, which a reader of the new schema cannot fill in for old records.
  await from.sql.query("ALTER TABLE items ADD COLUMN sku text NOT NULL DEFAULT 'none'");
  await from.sql.query("INSERT INTO items (id, name, qty, color, sku) VALUES (151, 'item 151', 1, 'red', 'SKU-151')");
  const status = await waitFor(
    'the source task FAILED',
    async () => {
      const s = await proc.status('items-from-pg');
      return s.tasks[0]?.state === 'FAILED' ? s : undefined;
    },
    120_000,
  );
  const trace = status.tasks[0]!.trace ?? '';
  t.comment(`task error: ${trace.split('\n')[0]}`);
  t.match(trace, new RegExp(`Failed to register the Avro schema under subject "${SUBJECT}"`), 'the task error names the subject');
  t.match(trace, /answered 409/, "and the registry's 409");
  t.match(trace, /Incompatible/i, 'and its reason');
  t.ok(
    await logged((log) =>
      log.some((a) => a.method === 'POST' && a.path === `/apis/ccompat/v7/subjects/${SUBJECT}/versions` && a.status === 409),
    ),
    'the registry refused the registration',
  );
  t.same(await versions(), [1, 2], 'no version 3');
  t.equal((await topicRecords()).length, 150, 'nothing written with the refused schema');
  t.same(
    (await proc.status('items-to-pg')).tasks.map((task) => task.state),
    ['RUNNING'],
    'the sink still runs',
  );
  t.equal(await proc.stop(), 0);
});
