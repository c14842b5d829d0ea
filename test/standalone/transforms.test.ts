/**
 * Single message transforms on the source path, in the worker thread, against a real broker:
 * records are routed, re-headered, and dropped records still commit their offsets.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { KafkaCluster } from '../../tools/kafka/cluster.js';
import { ConnectdProcess } from '../../tools/connectd-process.js';
import { readTopic } from '../../tools/topic-reader.js';
import { waitFor } from '../fixtures/wait.js';

const cluster = await KafkaCluster.start();
t.teardown(() => cluster.stop());
const root = await mkdtemp(path.join(os.tmpdir(), 'connectd-smt-'));
t.teardown(() => rm(root, { recursive: true, force: true }));

t.test('route, add and drop headers; filter with a predicate; dropped offsets still commit', async (t) => {
  await cluster.createTopic('orders-dst', { partitions: 1 });
  await cluster.createTopic('noise-src', { partitions: 1 });
  const per = 500;
  const proc = await ConnectdProcess.start({
    dir: path.join(root, 'smt'),
    bootstrapServers: cluster.bootstrapServers,
    connectors: [
      {
        name: 'orders',
        'connector.class': 'GeneratorSource',
        topic: 'orders-src',
        'source.partitions': '2',
        'records.per.partition': String(per),
        transforms: 'route,hdr,drop',
        'transforms.route.type': 'org.apache.kafka.connect.transforms.RegexRouter',
        'transforms.route.regex': '(.*)-src',
        'transforms.route.replacement': '$1-dst',
        'transforms.hdr.type': 'org.apache.kafka.connect.transforms.InsertHeader',
        'transforms.hdr.header': 'pipeline',
        'transforms.hdr.value.literal': 'connectd',
        'transforms.drop.type': 'DropHeaders',
        'transforms.drop.headers': 'generator.seq',
      },
      {
        name: 'noise',
        'connector.class': 'GeneratorSource',
        topic: 'noise-src',
        'records.per.partition': String(per),
        transforms: 'filter',
        'transforms.filter.type': 'org.apache.kafka.connect.transforms.Filter',
        'transforms.filter.predicate': 'isNoise',
        predicates: 'isNoise',
        'predicates.isNoise.type': 'org.apache.kafka.connect.transforms.predicates.TopicNameMatches',
        'predicates.isNoise.pattern': 'noise-.*',
      },
    ],
  });
  t.teardown(() => proc.kill());
  await waitFor('orders written', async () => (await proc.metric('connectd_source_record_write_total', 'connector="orders"')) === 2 * per);
  await waitFor('noise dropped', async () => (await proc.metric('connectd_source_record_dropped_total', 'connector="noise"')) === per);
  await waitFor(
    'the dropped records committed their offsets',
    async () => (await proc.committedOffsets('noise')).get(JSON.stringify({ partition: 0 }))?.seq === per - 1,
  );
  t.equal(
    await proc.metric('connectd_source_record_write_total', 'connector="noise"'),
    0,
    'nothing of the filtered connector was produced',
  );
  t.equal(await proc.stop(), 0);

  const orders = await readTopic(cluster.bootstrapServers, 'orders-dst');
  t.equal(orders.length, 2 * per, 'every record routed to orders-dst');
  t.ok(
    orders.every(
      (r) =>
        r.headers.pipeline === 'connectd' && r.headers['generator.seq'] === undefined && r.headers['generator.partition'] !== undefined,
    ),
    'header added, one dropped, the other kept',
  );
  t.equal((await readTopic(cluster.bootstrapServers, 'noise-src')).length, 0, 'the filtered topic is empty');
});

t.test('a bad transform config is refused at start, every problem named', async (t) => {
  await t.rejects(
    ConnectdProcess.start({
      dir: path.join(root, 'bad'),
      bootstrapServers: cluster.bootstrapServers,
      startTimeoutMs: 15000,
      connectors: [
        {
          name: 'bad',
          'connector.class': 'GeneratorSource',
          topic: 'x',
          transforms: 'a,b',
          'transforms.a.type': 'NoSuchTransform',
          'transforms.b.type': 'RegexRouter',
        },
      ],
    }),
    /transforms\.a\.type.*transforms\.b\.regex/s,
  );
});

t.test('transformations, predicates and converters from plugin.path', async (t) => {
  await cluster.createTopic('plugged', { partitions: 1 });
  const proc = await ConnectdProcess.start({
    dir: path.join(root, 'plugged'),
    bootstrapServers: cluster.bootstrapServers,
    worker: { 'plugin.path': path.resolve(import.meta.dirname, '../fixtures/plugins') },
    connectors: [
      {
        name: 'plugged',
        'connector.class': 'GeneratorSource',
        topic: 'plugged',
        'records.per.partition': '20',
        'value.size': '0',
        'key.converter': 'test-plugins.ReversingConverter',
        transforms: 'upper',
        'transforms.upper.type': 'UpperCaseValue',
        'transforms.upper.suffix': '!',
        'transforms.upper.predicate': 'even',
        predicates: 'even',
        'predicates.even.type': 'test-plugins.EvenKey',
      },
    ],
  });
  t.teardown(() => proc.kill());
  await waitFor('all written', async () => (await proc.metric('connectd_source_record_write_total')) === 20);
  const plugins = (await proc.request('GET', '/connector-plugins?connectorsOnly=false')).body as { class: string; type: string }[];
  t.ok(
    plugins.some((p) => p.class === 'test-plugins.UpperCaseValue' && p.type === 'transformation'),
    'listed as a transformation',
  );
  t.ok(
    plugins.some((p) => p.class === 'test-plugins.EvenKey' && p.type === 'predicate'),
    'listed as a predicate',
  );
  t.ok(
    plugins.some((p) => p.class === 'test-plugins.ReversingConverter' && p.type === 'converter'),
    'listed as a converter',
  );
  t.equal(await proc.stop(), 0);
  const records = await readTopic(cluster.bootstrapServers, 'plugged');
  t.equal(records.length, 20);
  const byKey = new Map(records.map((r) => [[...r.key!].reverse().join(''), r.value!]));
  t.match(byKey.get('p0-2'), /^\{"PARTITION":0,"SEQ":2,.*\}!$/, 'even key: transformed by the plugin transformation');
  t.match(byKey.get('p0-3'), /^\{"partition":0,"seq":3,/, 'odd key: the predicate skipped it');
  t.ok(
    records.every((r) => r.key!.endsWith('0p')),
    'keys written by the plugin converter (reversed)',
  );
});
