/**
 * The JsonSchemaConverter against a real Schema Registry API: Apicurio Registry's
 * Confluent-compatible API (tools/schema-registry/server.ts). PostgreSQL → Kafka → PostgreSQL
 * through one connectd daemon and a real broker, values as Confluent JSON Schema:
 *
 * - the source registers its schema with schemaType JSON, and every record in the topic carries the
 *   id the registry assigned (magic byte 0, the id big-endian, then the JSON document), the document
 *   being the row and valid under the registry's schema text;
 * - the sink, a converter of its own with json.fail.invalid.schema=true, reads those ids back
 *   through the registry, validates each document and writes the rows;
 * - with auto.register.schemas=false, a source looks the schema up and writes with the same id;
 * - all of it with basic auth (`basic.auth.user.info`).
 */
import { Ajv } from 'ajv';
import t from 'tap';
import { SchemaRegistryServer } from '../../../tools/schema-registry/server.js';
import { readTopic } from '../../../tools/topic-reader.js';
import type { ConnectdProcess } from '../../../tools/connectd-process.js';
import { connectdHarness } from '../../fixtures/connectd-harness.js';
import { testDatabase } from '../../fixtures/postgres.js';
import { waitFor } from '../../fixtures/wait.js';

const USER = 'connectd';
const PASSWORD = 'registry-secret-json-5d1e';

const from = await testDatabase(t, 'jsonschema_reg_from');
const to = await testDatabase(t, 'jsonschema_reg_to');
const { cluster, startConnectd } = await connectdHarness(t, 'jsonschema-registry');
const registry = await SchemaRegistryServer.start({ users: { [USER]: PASSWORD } });
t.teardown(() => registry.stop());
t.comment(`Apicurio Registry ${registry.version} at ${registry.url}`);

const TOPIC = 'js-items';
const SUBJECT = `${TOPIC}-value`;

function jsonSchemaConverter(extra: Record<string, string> = {}): Record<string, string> {
  const converter: Record<string, string> = {
    'value.converter': 'io.confluent.connect.json.JsonSchemaConverter',
    'value.converter.schema.registry.url': registry.url,
    'value.converter.basic.auth.credentials.source': 'USER_INFO',
    'value.converter.basic.auth.user.info': `${USER}:${PASSWORD}`,
  };
  for (const [k, v] of Object.entries(extra)) converter[`value.converter.${k}`] = v;
  return converter;
}

function source(name: string, prefix: string, extra: Record<string, string> = {}): Record<string, string> {
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
    ...jsonSchemaConverter(extra),
  };
}

const connectors: Record<string, string>[] = [
  source('items-from-pg', 'js-'),
  {
    name: 'items-to-pg',
    'connector.class': 'io.connectd.connectors.postgres.PostgresSinkConnector',
    'tasks.max': '1',
    topics: TOPIC,
    'connection.url': to.jdbcUrl,
    'insert.mode': 'upsert',
    'pk.mode': 'record_value',
    'pk.fields': 'id',
    'auto.create': 'true',
    'table.name.format': 'items_copy',
    ...jsonSchemaConverter({ 'json.fail.invalid.schema': 'true' }),
  },
];

interface SubjectVersion {
  id: number;
  version: number;
  schema: string;
}

const copied = async (): Promise<number> =>
  Number((await to.sql.query<{ n: string }>('SELECT count(*) AS n FROM items_copy').catch(() => ({ rows: [{ n: '0' }] }))).rows[0]!.n);

async function rows(db: typeof from, table: string): Promise<string[]> {
  const result = await db.sql.query<{ r: string }>(
    `SELECT concat_ws('|', id, name, coalesce(qty::text, '<null>'), price) AS r FROM ${table} ORDER BY id`,
  );
  return result.rows.map((x) => x.r);
}

/** Each record's wire header and its document, as JSON.parse reads it (ids here stay below 2^53). */
async function topicRecords(topic: string): Promise<{ magic: number; id: number; text: string; value: Record<string, unknown> }[]> {
  return (await readTopic(cluster.bootstrapServers, topic)).map((r) => {
    const bytes = r.valueBytes!;
    const text = bytes.subarray(5).toString('utf8');
    return { magic: bytes[0]!, id: bytes.readUInt32BE(1), text, value: JSON.parse(text) as Record<string, unknown> };
  });
}

let proc: ConnectdProcess;

t.test(
  "the source registers a JSON schema, the records carry the registry's id, the sink reads them back through the registry",
  async (t) => {
    await from.sql.query('CREATE TABLE items (id bigint PRIMARY KEY, name text NOT NULL, qty int, price numeric(10,2) NOT NULL)');
    await from.sql.query(
      `INSERT INTO items (id, name, qty, price)
     SELECT g, 'item ' || g, CASE WHEN g % 4 = 0 THEN NULL ELSE (g * 3)::int END, (g * 1.25)::numeric(10,2)
     FROM generate_series(1, 100) AS g`,
    );
    await cluster.createTopic(TOPIC, { partitions: 1 });
    proc = await startConnectd('jsonschema-registry', connectors, { 'offset.flush.interval.ms': '500' });
    await waitFor('100 rows copied', async () => (await copied()) === 100, 120_000);
    t.same(await rows(to, 'items_copy'), await rows(from, 'items'), 'the copy is identical');

    t.same(await registry.request('GET', `/subjects/${SUBJECT}/versions`), [1], `one version under ${SUBJECT}`);
    const v1 = (await registry.request('GET', `/subjects/${SUBJECT}/versions/1`)) as SubjectVersion & { schemaType?: string };
    t.equal(v1.schemaType, 'JSON', 'registered as a JSON schema');
    const byId = (await registry.request('GET', `/schemas/ids/${v1.id}`)) as { schemaType?: string };
    t.equal(byId.schemaType, 'JSON');
    const schema = JSON.parse(v1.schema) as Record<string, unknown>;
    t.match(
      schema,
      {
        type: 'object',
        title: 'items',
        properties: {
          id: { type: 'integer', 'connect.type': 'int64', 'connect.index': 0 },
          name: { type: 'string', 'connect.index': 1 },
          qty: { oneOf: [{ type: 'null' }, { type: 'integer', 'connect.type': 'int32' }], 'connect.index': 2 },
          price: {
            type: 'string',
            title: 'org.apache.kafka.connect.data.Decimal',
            'connect.type': 'bytes',
            'connect.parameters': { scale: '2' },
          },
        },
      },
      "the schema the registry holds is the table's, as Confluent's JsonSchemaData writes it",
    );

    const records = await topicRecords(TOPIC);
    t.equal(records.length, 100);
    t.same(
      records.filter((r) => r.magic !== 0 || r.id !== v1.id),
      [],
      `every record starts with magic byte 0 and id ${v1.id}, the one the registry assigned`,
    );
    t.same(records[3]!.value, { id: 4, name: 'item 4', qty: null, price: 'AfQ=' }, 'the document is the row (5.00 as base64 of 500)');
    const validate = new Ajv({ strict: false }).compile(schema);
    t.same(
      records.filter((r) => !validate(r.value)).map((r) => r.text),
      [],
      "every document is valid under the registry's schema text",
    );
    const reads = registry
      .accessLog()
      .filter((a) => a.method === 'GET' && a.path.startsWith(`/apis/ccompat/v7/schemas/ids/${v1.id}`) && a.status === 200);
    t.ok(
      reads.some((a) => a.user === USER),
      `the sink fetched schema ${v1.id} from the registry, authenticated`,
    );
  },
);

t.test('auto.register.schemas=false: the source looks up the schema registered beforehand and writes with its id', async (t) => {
  const v1 = (await registry.request('GET', `/subjects/${SUBJECT}/versions/1`)) as SubjectVersion;
  // Registered as the converter sends it: Apicurio's look-up compares the text.
  const { id } = (await registry.request('POST', '/subjects/jslook-items-value/versions', { schema: v1.schema, schemaType: 'JSON' })) as {
    id: number;
  };
  await cluster.createTopic('jslook-items', { partitions: 1 });
  const config = source('items-lookup', 'jslook-', { 'auto.register.schemas': 'false' });
  t.equal((await proc.request('PUT', '/connectors/items-lookup/config', config)).status, 201);
  await waitFor(
    '100 records in jslook-items',
    async () => (await proc.metric('connectd_source_record_write_total', 'connector="items-lookup"')) === 100,
    120_000,
  );
  const records = await topicRecords('jslook-items');
  t.equal(records.length, 100);
  t.same(
    records.filter((r) => r.id !== id),
    [],
    `every record carries id ${id}`,
  );
  const lookups = registry.accessLog().filter((a) => a.method === 'POST' && a.path === '/apis/ccompat/v7/subjects/jslook-items-value');
  t.ok(
    lookups.length >= 1 && lookups.every((a) => a.status === 200),
    'the source looked the schema up (POST /subjects/{subject}) instead of registering it',
  );
  t.same(await registry.request('GET', '/subjects/jslook-items-value/versions'), [1], 'and registered nothing');
  t.equal((await proc.request('DELETE', '/connectors/items-lookup')).status, 204);
  t.equal(await proc.stop(), 0);
});
