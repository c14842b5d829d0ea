/**
 * Error handling of sink connectors against a real broker: errors.tolerance, the dead letter queue
 * with Kafka Connect's `__connect.errors.*` headers, the errant record reporter, retries.
 */
import path from 'node:path';
import t from 'tap';
import { readTopic } from '../../tools/topic-reader.js';
import { writeTopic } from '../../tools/topic-writer.js';
import type { RecordToWrite } from '../../tools/topic-writer.js';
import { waitFor } from '../fixtures/wait.js';
import { connectdHarness } from '../fixtures/connectd-harness.js';
import { readSinkOutput } from '../fixtures/plugins/test-sinks.js';

const { cluster, root, startConnectd } = await connectdHarness(t, 'sink-errors');
const WORKER = { 'offset.flush.interval.ms': '500' };

function sink(name: string, topics: string, output: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    name,
    'connector.class': 'RecordingSinkConnector',
    'tasks.max': '1',
    topics,
    'output.file': output,
    'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
    'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
    'value.converter.schemas.enable': 'false',
    ...extra,
  };
}

/** Written in order, so record i of a 2-partition topic is at partition i % 2, offset floor(i / 2). */
function poisoned(count: number, partitions: number, kind: (i: number) => 'good' | 'bad-json' | 'bad-field' | 'report'): RecordToWrite[] {
  return Array.from({ length: count }, (_, i) => {
    const value = {
      good: JSON.stringify({ n: i }),
      'bad-json': `{"n": ${i}, oops`,
      'bad-field': JSON.stringify({ n: `x${i}` }),
      report: JSON.stringify({ n: i, report: true }),
    }[kind(i)];
    return { partition: i % partitions, key: `k${i}`, value, headers: { seq: String(i) } };
  });
}

t.test(
  'errors.tolerance=all: good records reach the sink, every bad one is in the DLQ with its original bytes and error headers',
  async (t) => {
    const total = 400;
    const kind = (i: number): 'good' | 'bad-json' | 'bad-field' | 'report' =>
      i % 10 === 3 ? 'bad-json' : i % 10 === 5 ? 'bad-field' : i % 10 === 7 ? 'report' : 'good';
    await cluster.createTopic('poison', { partitions: 2 });
    const input = poisoned(total, 2, kind);
    await writeTopic(cluster.bootstrapServers, 'poison', input);
    const output = path.join(root, 'poison.jsonl');
    const proc = await startConnectd(
      'poison',
      [
        sink('poison-sink', 'poison', output, {
          'errors.tolerance': 'all',
          'errors.log.enable': 'true',
          'errors.log.include.messages': 'true',
          'errors.deadletterqueue.topic.name': 'poison-dlq',
          'errors.deadletterqueue.topic.replication.factor': '1',
          'errors.deadletterqueue.context.headers.enable': 'true',
          transforms: 'cast',
          'transforms.cast.type': 'org.apache.kafka.connect.transforms.Cast$Value',
          'transforms.cast.spec': 'n:int32',
          'report.on.value.regex': '"report":true',
        }),
      ],
      WORKER,
    );
    await waitFor('offsets committed to the end', async () => {
      const committed = await cluster.committedOffsets('connect-poison-sink', 'poison');
      return committed.get(0) === total / 2 && committed.get(1) === total / 2;
    });
    const good = readSinkOutput(output);
    const dlq = await readTopic(cluster.bootstrapServers, 'poison-dlq');
    const expectedGood = input.map((_, i) => i).filter((i) => kind(i) === 'good');
    t.same(
      good.map((r) => (r.value as { n: number }).n).sort((a, b) => a - b),
      expectedGood,
      'exactly the good records reached put(), once each',
    );
    t.equal(dlq.length, total - expectedGood.length, 'every bad record is in the DLQ, once');
    const stageOf = { 'bad-json': 'VALUE_CONVERTER', 'bad-field': 'TRANSFORMATION', report: 'TASK_PUT' } as const;
    let wrong = 0;
    for (const d of dlq) {
      const i = Number(d.headers.seq);
      const k = kind(i);
      const h = d.headers;
      const ok =
        k !== 'good' &&
        d.key === `k${i}` &&
        d.value === input[i]!.value &&
        h['__connect.errors.topic'] === 'poison' &&
        h['__connect.errors.partition'] === String(i % 2) &&
        h['__connect.errors.offset'] === String(Math.floor(i / 2)) &&
        h['__connect.errors.connector.name'] === 'poison-sink' &&
        h['__connect.errors.task.id'] === '0' &&
        h['__connect.errors.stage'] === stageOf[k] &&
        (h['__connect.errors.class.name'] ?? '') !== '' &&
        (h['__connect.errors.exception.class.name'] ?? '') !== '' &&
        (h['__connect.errors.exception.message'] ?? '') !== '' &&
        (h['__connect.errors.exception.stacktrace'] ?? '') !== '';
      if (!ok && wrong++ === 0) t.fail(`DLQ record for ${i} (${k}) is not as expected: ${JSON.stringify(d)}`);
    }
    t.equal(wrong, 0, 'each DLQ record: original key, value and headers, and the error context headers');
    t.equal(
      dlq.filter((d) => d.headers['__connect.errors.stage'] === 'TRANSFORMATION')[0]?.headers['__connect.errors.class.name'],
      'org.apache.kafka.connect.transforms.Cast$Value',
      'a transform failure names the transform class',
    );
    t.equal(await proc.metric('connectd_task_error_dlq_produce_requests_total'), total - expectedGood.length, 'the DLQ writes are counted');
    t.equal(
      await proc.metric('connectd_task_error_records_skipped_total'),
      80,
      'records skipped by tolerance (conversion and transform failures)',
    );
    t.match(
      await proc.logTail(400),
      /Error encountered in task poison-sink-0\. Executing stage 'VALUE_CONVERTER'/,
      'errors.log.enable logs each failure',
    );
    t.equal((await proc.status('poison-sink')).tasks[0]?.state, 'RUNNING', 'the task keeps running');
    t.equal(await proc.stop(), 0);
  },
);

t.test(
  'errors.tolerance=none: the task fails at the first bad record; once fixed it resumes from that record, nothing skipped',
  async (t) => {
    const total = 200;
    const bad = 120;
    await cluster.createTopic('strict', { partitions: 1 });
    const input = poisoned(total, 1, (i) => (i === bad ? 'bad-json' : 'good'));
    const output = path.join(root, 'strict.jsonl');
    // Written in two steps so the bad record is not in the first batches.
    await writeTopic(cluster.bootstrapServers, 'strict', input.slice(0, 100));
    const proc = await startConnectd('strict', [sink('strict-sink', 'strict', output)], WORKER);
    await waitFor(
      'the first 100 records put and committed',
      async () => (await cluster.committedOffsets('connect-strict-sink', 'strict')).get(0) === 100,
    );
    await writeTopic(cluster.bootstrapServers, 'strict', input.slice(100));
    const failed = await waitFor('the task FAILED', async () => {
      const task = (await proc.status('strict-sink')).tasks[0];
      return task?.state === 'FAILED' ? task : undefined;
    });
    t.match(failed.trace ?? '', /Tolerance exceeded in error handler/, 'the trace says why');
    const before = readSinkOutput(output);
    t.ok(
      before.every((r) => r.offset < bad),
      'nothing at or after the bad record was put',
    );
    const committed = (await cluster.committedOffsets('connect-strict-sink', 'strict')).get(0) ?? 0;
    t.ok(committed <= bad, `nothing past the bad record committed (committed ${committed})`);

    const res = await proc.request('PUT', '/connectors/strict-sink/config', {
      ...sink('strict-sink', 'strict', output),
      'errors.tolerance': 'all',
      'errors.deadletterqueue.topic.name': 'strict-dlq',
      'errors.deadletterqueue.topic.replication.factor': '1',
    });
    t.equal(res.status, 200, 'config fixed');
    await waitFor(
      'offsets committed to the end',
      async () => (await cluster.committedOffsets('connect-strict-sink', 'strict')).get(0) === total,
    );
    const after = readSinkOutput(output);
    const put = new Set(after.map((r) => r.offset));
    const missing = input.map((_, i) => i).filter((i) => i !== bad && !put.has(i));
    t.same(missing, [], 'every good record was put');
    const dlq = await readTopic(cluster.bootstrapServers, 'strict-dlq');
    t.same(
      dlq.map((d) => d.value),
      [input[bad]!.value],
      'the bad record, and only it, went to the DLQ',
    );
    t.equal(await proc.stop(), 0);
  },
);

t.test('a put() that fails retriably N times succeeds: every record once, nothing in the DLQ', async (t) => {
  const total = 300;
  await cluster.createTopic('flaky', { partitions: 2 });
  const input = poisoned(total, 2, () => 'good');
  await writeTopic(cluster.bootstrapServers, 'flaky', input);
  const output = path.join(root, 'flaky.jsonl');
  const proc = await startConnectd(
    'flaky',
    [
      sink('flaky-sink', 'flaky', output, {
        'retriable.failures': '3',
        'retry.timeout.ms': '100',
        'errors.tolerance': 'all',
        'errors.deadletterqueue.topic.name': 'flaky-dlq',
        'errors.deadletterqueue.topic.replication.factor': '1',
      }),
    ],
    WORKER,
  );
  await waitFor('offsets committed to the end', async () => {
    const committed = await cluster.committedOffsets('connect-flaky-sink', 'flaky');
    return committed.get(0) === total / 2 && committed.get(1) === total / 2;
  });
  const out = readSinkOutput(output);
  t.equal(out.length, total, 'no duplicates');
  t.equal(new Set(out.map((r) => `${r.partition}/${r.offset}`)).size, total, 'every record once');
  t.same(await readTopic(cluster.bootstrapServers, 'flaky-dlq'), [], 'the DLQ is empty');
  t.equal(await proc.metric('connectd_task_error_retries_total'), 3, 'the retries are counted');
  t.equal((await proc.status('flaky-sink')).tasks[0]?.state, 'RUNNING');
  t.equal(await proc.stop(), 0);
});
