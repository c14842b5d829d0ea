/**
 * The ProtobufConverter against a real Schema Registry API (Apicurio Registry's Confluent-compatible
 * API, tools/schema-registry/server.ts) through a real broker: PostgreSQL → Kafka → PostgreSQL in
 * one connectd daemon, values in Protobuf with `wrapper.for.nullables=true` (so a NULL column stays
 * null rather than becoming proto3's 0):
 *
 * - the source registers its .proto as a PROTOBUF schema, which the registry parses and keeps;
 * - every record in the topic is magic byte 0, the id the registry assigned, the message-index
 *   byte 0, then protobuf that the registry's schema text decodes (with protobufjs directly, not
 *   through the converter) to the rows;
 * - the sink, a converter of its own, fetches the schema by id from the registry and writes the
 *   rows back identical.
 */
import path from 'node:path';
import protobuf from 'protobufjs';
import t from 'tap';
import { ConnectdProcess } from '../../../tools/connectd-process.js';
import { SchemaRegistryServer } from '../../../tools/schema-registry/server.js';
import { readTopic } from '../../../tools/topic-reader.js';
import { connectdHarness } from '../../fixtures/connectd-harness.js';
import { testDatabase } from '../../fixtures/postgres.js';
import { waitFor } from '../../fixtures/wait.js';

const from = await testDatabase(t, 'proto_reg_from');
const to = await testDatabase(t, 'proto_reg_to');
const { cluster, root: workDir } = await connectdHarness(t, 'protobuf-registry');
const registry = await SchemaRegistryServer.start({});
t.teardown(() => registry.stop());
t.comment(`Apicurio Registry ${registry.version} at ${registry.url}`);

const TOPIC = 'pb-items';
const SUBJECT = `${TOPIC}-value`;

const converter = {
  'value.converter': 'io.confluent.connect.protobuf.ProtobufConverter',
  'value.converter.schema.registry.url': registry.url,
  'value.converter.wrapper.for.nullables': 'true',
};

const connectors: Record<string, string>[] = [
  {
    name: 'pb-items-from-pg',
    'connector.class': 'io.connectd.connectors.postgres.PostgresSourceConnector',
    'tasks.max': '1',
    'connection.url': from.jdbcUrl,
    'table.whitelist': 'items',
    mode: 'incrementing',
    'incrementing.column.name': 'id',
    'topic.prefix': 'pb-',
    'poll.interval.ms': '100',
    ...converter,
  },
  {
    name: 'pb-items-to-pg',
    'connector.class': 'io.connectd.connectors.postgres.PostgresSinkConnector',
    'tasks.max': '1',
    topics: TOPIC,
    'connection.url': to.jdbcUrl,
    'insert.mode': 'upsert',
    'pk.mode': 'record_value',
    'pk.fields': 'id',
    'auto.create': 'true',
    'table.name.format': 'items_copy',
    ...converter,
  },
];

async function rows(db: typeof from, table: string): Promise<string[]> {
  const result = await db.sql.query<{ r: string }>(
    `SELECT concat_ws('|', id, name, coalesce(qty::text, '<null>'), coalesce(price::text, '<null>')) AS r FROM ${table} ORDER BY id`,
  );
  return result.rows.map((x) => x.r);
}

const copied = async (): Promise<number> =>
  Number((await to.sql.query<{ n: string }>('SELECT count(*) AS n FROM items_copy').catch(() => ({ rows: [{ n: '0' }] }))).rows[0]!.n);

t.test('the source registers a PROTOBUF schema, the records carry its id and decode with its text, the sink reads them back', async (t) => {
  await from.sql.query('CREATE TABLE items (id bigint PRIMARY KEY, name text NOT NULL, qty int, price double precision)');
  await from.sql.query(
    `INSERT INTO items (id, name, qty, price)
     SELECT g, 'item ' || g, CASE WHEN g % 4 = 0 THEN NULL ELSE (g * 3 - 150)::int END, CASE WHEN g % 5 = 0 THEN NULL ELSE g / 8.0 END
     FROM generate_series(1, 100) AS g`,
  );
  await cluster.createTopic(TOPIC, { partitions: 1 });
  // Started here rather than by the harness, for a start deadline that holds on a loaded 2-core machine
  // (the harness's 30 s were not enough while other test suites ran).
  const proc = await ConnectdProcess.start({
    dir: path.join(workDir, 'protobuf-registry'),
    bootstrapServers: cluster.bootstrapServers,
    connectors,
    worker: { 'worker.threads': '2', 'allowed.paths': workDir, 'offset.flush.interval.ms': '500' },
    startTimeoutMs: 180_000,
  });
  t.teardown(() => proc.kill());
  await waitFor('100 rows copied', async () => (await copied()) === 100, 120_000);
  t.same(await rows(to, 'items_copy'), await rows(from, 'items'), 'the copy is identical, NULLs included');

  t.same(await registry.request('GET', `/subjects/${SUBJECT}/versions`), [1], `one version under ${SUBJECT}`);
  const v1 = (await registry.request('GET', `/subjects/${SUBJECT}/versions/1`)) as { id: number; schema: string; schemaType?: string };
  t.equal(v1.schemaType, 'PROTOBUF');
  t.match(v1.schema, /message items \{[\s\S]*int64 id = 1;[\s\S]*string name = 2;[\s\S]*google\.protobuf\.Int32Value qty = 3;/);

  const { root } = protobuf.parse(v1.schema, { keepCase: true });
  root.addJSON(protobuf.common.get('google/protobuf/wrappers.proto')!.nested!);
  const items = root.lookupType('items');
  const records = await readTopic(cluster.bootstrapServers, TOPIC);
  t.equal(records.length, 100);
  const decoded: string[] = [];
  for (const r of records) {
    const bytes = r.valueBytes!;
    if (bytes[0] !== 0 || bytes.readInt32BE(1) !== v1.id || bytes[5] !== 0) {
      t.fail(`record at offset ${r.offset} starts ${bytes.subarray(0, 6).toString('hex')}, not 00, id ${v1.id}, index 00`);
      continue;
    }
    const m = items.toObject(items.decode(bytes.subarray(6)), { longs: String }) as {
      id: string;
      name: string;
      qty?: { value?: number };
      price?: { value?: number };
    };
    const qty = m.qty === undefined ? '<null>' : String(m.qty.value ?? 0);
    const price = m.price === undefined ? '<null>' : String(m.price.value ?? 0);
    decoded.push(`${m.id}|${m.name}|${qty}|${price}`);
  }
  t.same(decoded, await rows(from, 'items'), "the registry's schema text decodes the bytes to the rows");
  // The access log line is written as the answer goes out, so give it a moment.
  const schemaFetched = () =>
    registry.accessLog().some((a) => a.method === 'GET' && a.path.startsWith(`/apis/ccompat/v7/schemas/ids/${v1.id}`) && a.status === 200);
  t.ok(
    await waitFor("the sink's schema fetch in the access log", schemaFetched, 10_000).then(
      () => true,
      () => false,
    ),
    'the sink, a converter of its own, fetched the schema by id from the registry',
  );
});
