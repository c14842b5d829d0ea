/**
 * Error handling of source connectors against a real broker: a polled record that fails a transform
 * or its conversion fails the task with errors.tolerance=none; with all it is skipped (its offset
 * still commits, in order), logged, and written to the connector's dead letter queue (connectd's
 * extension; Kafka Connect has no DLQ for sources).
 */
import t from 'tap';
import { readTopic } from '../../tools/topic-reader.js';
import { waitFor } from '../fixtures/wait.js';
import { connectdHarness } from '../fixtures/connectd-harness.js';

const { cluster, startConnectd } = await connectdHarness(t, 'source-errors');

function generator(name: string, topic: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    name,
    'connector.class': 'GeneratorSource',
    'tasks.max': '1',
    topic,
    'source.partitions': '1',
    'records.per.partition': '1000',
    'batch.size': '100',
    'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
    'value.converter.schemas.enable': 'true',
    transforms: 'poison',
    'transforms.poison.type': 'test-plugins.PoisonByKey',
    // Keys are p0-<seq>: seq ending in 3 fails in the transform, ending in 7 fails in the converter.
    'transforms.poison.fail.key.regex': '3$',
    'transforms.poison.poison.key.regex': '7$',
    ...extra,
  };
}

t.test('errors.tolerance=all: bad records skipped and in the DLQ, good ones produced, offsets to the end', async (t) => {
  await cluster.createTopic('gen', { partitions: 1 });
  const proc = await startConnectd('tolerant', [
    generator('tolerant', 'gen', {
      'errors.tolerance': 'all',
      'errors.log.enable': 'true',
      'errors.deadletterqueue.topic.name': 'gen-dlq',
      'errors.deadletterqueue.topic.replication.factor': '1',
      'errors.deadletterqueue.context.headers.enable': 'true',
    }),
  ]);
  await waitFor(
    'the offset committed at the last record',
    async () => (await proc.committedOffsets('tolerant')).get(JSON.stringify({ partition: 0 }))?.seq === 999,
    60000,
  );
  const produced = await readTopic(cluster.bootstrapServers, 'gen');
  const seqs = produced.map((r) => Number(r.key!.split('-')[1]));
  const expected = Array.from({ length: 1000 }, (_, i) => i).filter((i) => i % 10 !== 3 && i % 10 !== 7);
  t.same(seqs, expected, 'every good record, in order, once');
  const dlq = await readTopic(cluster.bootstrapServers, 'gen-dlq');
  t.equal(dlq.length, 200, 'every bad record in the DLQ');
  const stages = new Map<string, number>();
  for (const d of dlq) stages.set(d.headers['__connect.errors.stage']!, (stages.get(d.headers['__connect.errors.stage']!) ?? 0) + 1);
  t.same(Object.fromEntries(stages), { TRANSFORMATION: 100, VALUE_CONVERTER: 100 }, 'the stage of each failure');
  const sample = dlq.find((d) => d.key === 'p0-3');
  t.equal(sample?.headers['__connect.errors.class.name'], 'test-plugins.PoisonByKey', 'the transform named');
  t.match(sample?.headers['__connect.errors.exception.message'] ?? '', /refusing record p0-3/);
  t.match(
    JSON.parse(sample?.value ?? '{}'),
    { topic: 'gen', sourcePartition: { partition: 0 }, sourceOffset: { seq: 3 } },
    'the DLQ value says where the record came from',
  );
  t.equal(await proc.metric('connectd_task_error_records_skipped_total', 'connector="tolerant"'), 200);
  t.equal((await proc.status('tolerant')).tasks[0]?.state, 'RUNNING');
  t.equal(await proc.stop(), 0);
});

t.test('errors.tolerance=none: the first bad record fails the task; nothing at or after it is committed', async (t) => {
  await cluster.createTopic('strict-gen', { partitions: 1 });
  const proc = await startConnectd('strict', [
    generator('strict', 'strict-gen', { 'transforms.poison.fail.key.regex': '^p0-150$', 'transforms.poison.poison.key.regex': '^$' }),
  ]);
  const failed = await waitFor('the task FAILED', async () => {
    const task = (await proc.status('strict')).tasks[0];
    return task?.state === 'FAILED' ? task : undefined;
  });
  t.match(
    failed.trace ?? '',
    /Tolerance exceeded in error handler \(stage TRANSFORMATION, class test-plugins.PoisonByKey\): refusing record p0-150/,
  );
  const committed = (await proc.committedOffsets('strict')).get(JSON.stringify({ partition: 0 }))?.seq;
  t.ok(committed === undefined || Number(committed) < 150, `nothing at or past the bad record committed (${String(committed)})`);
  const produced = await readTopic(cluster.bootstrapServers, 'strict-gen');
  t.ok(
    produced.every((r) => Number(r.key!.split('-')[1]) < 150),
    'nothing at or after the bad record produced',
  );
  await proc.stop();
});
