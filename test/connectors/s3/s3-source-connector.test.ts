/**
 * The connector on its own, over real directories (file:// buckets): its config checks, how it
 * spreads prefixes over tasks, prefix discovery, and the monitoring loop asking for
 * reconfiguration when a new prefix appears.
 */
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import t from 'tap';
import { ConfigException } from '../../../src/worker-thread/sdk/index.js';
import { LocalObjectStore } from '../../../src/worker-thread/connectors/s3/local-object-store.js';
import { decodeSpecs, discoverPartitions, encodeSpecs } from '../../../src/worker-thread/connectors/s3/prefix-discovery.js';
import { S3SourceConnector } from '../../../src/worker-thread/connectors/s3/s3-source-connector.js';
import { S3_SOURCE_CONFIG_DEF, parseSettings } from '../../../src/worker-thread/connectors/s3/s3-source-config.js';
import { DOC, withCurrentTable } from '../../../tools/s3/config-table.js';
import { waitFor } from '../../fixtures/wait.js';

const root = await mkdtemp(path.join(os.tmpdir(), 'connectd-s3-connector-'));
t.teardown(() => rm(root, { recursive: true, force: true }));
let dirs = 0;

async function bucket(keys: string[]): Promise<{ dir: string; url: string }> {
  const dir = path.join(root, `b${dirs++}`);
  await mkdir(dir);
  for (const key of keys) {
    await mkdir(path.dirname(path.join(dir, key)), { recursive: true });
    await writeFile(path.join(dir, key), `${key}\n`);
  }
  return { dir, url: pathToFileURL(dir).href };
}

function problemsOf(props: Record<string, string>): string[] {
  try {
    parseSettings(props);
    return [];
  } catch (err) {
    if (!(err instanceof ConfigException)) throw err;
    return err.problems.map((p) => `${p.name}: ${p.message}`);
  }
}

t.test('bad configs fail naming the key and the reason', async (t) => {
  const base = { bucket: 'my-bucket', topic: 'out' };
  t.same(problemsOf(base), [], 'bucket and topic are enough');
  t.match(problemsOf({ ...base, 'prefix.whitelist': 'logs/,logs/web/' }), [/^prefix\.whitelist: .*"logs\/web\/" starts with "logs\/"/]);
  t.match(problemsOf({ ...base, 'prefix.whitelist': 'a/,a/' }), [/^prefix\.whitelist: lists a prefix twice/]);
  t.match(problemsOf({ ...base, bucket: 'file:relative/dir' }), [/^bucket: .*absolute file: URL/]);
  t.match(problemsOf({ ...base, bucket: 'no/slashes' }), [/^bucket: is not a bucket name/]);
  t.match(problemsOf({ ...base, 's3.endpoint': 'ftp://x' }), [/^s3\.endpoint: must be an http or https URL/]);
  t.match(problemsOf({ ...base, 'object.format': 'csv' }), [/^object\.format: /]);
  t.match(problemsOf({ ...base, 'key.mode': 'random' }), [/^key\.mode: /]);
  t.match(problemsOf({ ...base, 'aws.access.key.id': 'AKIA' }), [/^aws\.secret\.access\.key: is required with aws\.access\.key\.id/]);
  t.match(problemsOf({ bucket: 'my-bucket' }), [/^topic: /]);

  const values = new S3SourceConnector().validate({ ...base, 'aws.access.key.id': 'AKIA' });
  t.match(
    values.get('aws.secret.access.key')?.errorMessages,
    [/required with aws\.access\.key\.id/],
    'validate() reports the cross-key problem on the key',
  );
});

t.test('an empty whitelist is the whole bucket', async (t) => {
  t.same(parseSettings({ bucket: 'b-b', topic: 'x' }).prefixes, ['']);
});

t.test('taskConfigs spreads the prefixes over min(prefixes, tasks.max) tasks, each its own', async (t) => {
  const { url } = await bucket(['a/1', 'b/1']);
  const connector = new S3SourceConnector();
  connector.initialize({ requestTaskReconfiguration: () => undefined, raiseError: () => undefined, warn: () => undefined });
  await connector.start({ bucket: url, topic: 'out', 'prefix.whitelist': 'd/,a/,c/,b/,e/' });
  t.teardown(() => connector.stop());
  const two = connector.taskConfigs(2);
  t.same(
    two.map((c) => decodeSpecs(c['task.partitions']).map((s) => s.prefix)),
    [
      ['a/', 'b/', 'c/'],
      ['d/', 'e/'],
    ],
    'sorted, contiguous groups',
  );
  t.equal(two[0]!.topic, 'out', 'the connector config travels with each task config');
  t.equal(connector.taskConfigs(10).length, 5, 'never more tasks than prefixes');
});

t.test('discovery: sub-prefixes under each whitelisted prefix, plus the objects directly under it', async (t) => {
  const { url } = await bucket(['logs/web/2024/1', 'logs/web/2025/1', 'logs/db/1', 'logs/readme', 'other/x', 'top']);
  const store = new LocalObjectStore(url);
  t.same(await discoverPartitions(store, ['logs/'], '/'), [
    { prefix: 'logs/', delimiter: '/' },
    { prefix: 'logs/db/' },
    { prefix: 'logs/web/' },
  ]);
  t.same(await discoverPartitions(store, [''], '/'), [{ prefix: '', delimiter: '/' }, { prefix: 'logs/' }, { prefix: 'other/' }]);
  t.same(
    await discoverPartitions(store, ['logs/web/', 'zzz/'], ''),
    [{ prefix: 'logs/web/' }, { prefix: 'zzz/' }],
    'no delimiter: the whitelist as it is',
  );
  const specs = [{ prefix: 'a,b/' }, { prefix: 'x"y/', delimiter: '/' }];
  t.same(decodeSpecs(encodeSpecs(specs)), specs, 'any character survives the task config');
});

t.test('the monitoring loop asks for reconfiguration when a new prefix appears, and only then', async (t) => {
  const { dir, url } = await bucket(['tenants/acme/1.log']);
  let requests = 0;
  const errors: Error[] = [];
  const connector = new S3SourceConnector();
  connector.initialize({ requestTaskReconfiguration: () => requests++, raiseError: (e) => errors.push(e), warn: () => undefined });
  await connector.start({
    bucket: url,
    topic: 'out',
    'prefix.whitelist': 'tenants/',
    'prefix.discovery.delimiter': '/',
    'poll.interval.ms': '20',
  });
  t.teardown(() => connector.stop());
  t.same(
    connector.taskConfigs(4).map((c) => c['task.partitions']),
    [encodeSpecs([{ prefix: 'tenants/acme/' }])],
  );

  await writeFile(path.join(dir, 'tenants/acme/2.log'), 'more in a known prefix\n');
  await mkdir(path.join(dir, 'tenants/globex'));
  await writeFile(path.join(dir, 'tenants/globex/1.log'), 'x\n');
  await waitFor('a reconfiguration request', () => requests === 1);
  const configs = connector.taskConfigs(4).map((c) => c['task.partitions']);
  t.same(
    configs,
    [encodeSpecs([{ prefix: 'tenants/acme/' }]), encodeSpecs([{ prefix: 'tenants/globex/' }])],
    "the existing task's config is unchanged; the new prefix gets a task",
  );
  // More objects in known prefixes change nothing; the next new prefix is the next request. The
  // connector updates its partitions and asks in one step, so once a task config has the new
  // prefix, a request made for the new object would have been counted too.
  await writeFile(path.join(dir, 'tenants/acme/3.log'), 'x\n');
  await writeFile(path.join(dir, 'tenants/globex/2.log'), 'x\n');
  await mkdir(path.join(dir, 'tenants/initech'));
  await writeFile(path.join(dir, 'tenants/initech/1.log'), 'x\n');
  await waitFor('the third prefix in the task configs', () => connector.taskConfigs(4).length === 3);
  t.equal(requests, 2, 'one request per new prefix, none for new objects');
  t.same(errors, []);
});

t.test('start fails clearly when the bucket cannot be listed', async (t) => {
  const connector = new S3SourceConnector();
  connector.initialize({ requestTaskReconfiguration: () => undefined, raiseError: () => undefined, warn: () => undefined });
  await t.rejects(
    connector.start({ bucket: pathToFileURL(path.join(root, 'missing')).href, topic: 'out' }),
    /cannot list file:\/\/\/.*missing: no such directory/,
  );
});

t.test("the config table in docs/connectors/s3-source.md is the ConfigDef's (node dist/tools/s3/config-table.js)", async (t) => {
  const doc = readFileSync(DOC, 'utf8');
  t.equal(doc, withCurrentTable(doc), 'up to date');
  for (const key of S3_SOURCE_CONFIG_DEF.names()) t.match(doc, `| \`${key}\` |`, `${key} documented`);
});
