/**
 * The sink runtime end to end against a real Kafka broker: records written into a topic reach a
 * sink task's put() through the connector's consumer group, converted on the task's worker thread;
 * offsets commit only for what was put; rebalances, crashes and rewinds lose nothing.
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import t from 'tap';
import kafka from '@confluentinc/kafka-javascript';
import { readTopic } from '../../tools/topic-reader.js';
import { writeTopic } from '../../tools/topic-writer.js';
import type { RecordToWrite } from '../../tools/topic-writer.js';
import { waitFor } from '../fixtures/wait.js';
import { connectdHarness } from '../fixtures/connectd-harness.js';
import { readSinkOutput } from '../fixtures/plugins/test-sinks.js';

const { cluster, root, startConnectd } = await connectdHarness(t, 'sink');

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

function records(count: number, partitions: number, make: (i: number) => Partial<RecordToWrite> = () => ({})): RecordToWrite[] {
  return Array.from({ length: count }, (_, i) => ({
    partition: i % partitions,
    key: `k${i}`,
    value: JSON.stringify({ n: i, text: `record ${i}` }),
    headers: { seq: String(i) },
    ...make(i),
  }));
}

/** partition/offset → times seen. */
function seen(output: readonly { partition: number; offset: number }[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of output) counts.set(`${r.partition}/${r.offset}`, (counts.get(`${r.partition}/${r.offset}`) ?? 0) + 1);
  return counts;
}

t.test('every record reaches put() once, converted, in order per partition; offsets commit to connect-<name>', async (t) => {
  await cluster.createTopic('orders', { partitions: 3 });
  const input = records(3000, 3);
  await writeTopic(cluster.bootstrapServers, 'orders', input);
  const output = path.join(root, 'orders.jsonl');
  const proc = await startConnectd('orders', [sink('orders-sink', 'orders', output)], WORKER);
  await waitFor('all records put', () => readSinkOutput(output).length >= input.length, 60000);
  const status = await proc.status('orders-sink');
  t.equal(status.type, 'sink', 'the status says sink');
  t.same(
    status.tasks.map((x) => x.state),
    ['RUNNING'],
  );
  const out = readSinkOutput(output);
  t.equal(out.length, input.length, 'no record twice');
  const byN = new Map(out.map((r) => [(r.value as { n: number }).n, r]));
  let wrong = 0;
  for (let i = 0; i < input.length; i++) {
    const r = byN.get(i);
    const ok =
      r !== undefined &&
      r.key === `k${i}` &&
      (r.value as { text: string }).text === `record ${i}` &&
      r.headers.seq === String(i) &&
      r.partition === i % 3 &&
      r.topic === 'orders';
    if (!ok && wrong++ === 0) t.fail(`record ${i} arrived as ${JSON.stringify(r)}`);
  }
  t.equal(wrong, 0, 'every key, value and header as written');
  for (let p = 0; p < 3; p++) {
    const offsets = out.filter((r) => r.partition === p).map((r) => r.offset);
    t.ok(
      offsets.every((o, i) => i === 0 || o > offsets[i - 1]!),
      `partition ${p} in offset order`,
    );
  }
  await waitFor('offsets committed to the end', async () => {
    const committed = await cluster.committedOffsets('connect-orders-sink', 'orders');
    return [0, 1, 2].every((p) => committed.get(p) === 1000);
  });
  t.equal(await proc.stop(), 0);
});

t.test(
  'SIGKILL mid-stream: after a restart every record was put at least once (exactly once when deduplicated, as an upsert would)',
  async (t) => {
    const total = 20000;
    await cluster.createTopic('crash', { partitions: 4 });
    await writeTopic(cluster.bootstrapServers, 'crash', records(total, 4));
    const output = path.join(root, 'crash.jsonl');
    const config = sink('crash-sink', 'crash', output, { 'put.delay.ms': '20', 'consumer.override.max.poll.records': '200' });
    // A short session: the killed worker's consumer leaves the group 6 s after the kill, not 45 s.
    const worker = { ...WORKER, 'consumer.session.timeout.ms': '6000', 'consumer.heartbeat.interval.ms': '1000' };
    const first = await startConnectd('crash', [config], worker);
    await waitFor('a part of the records put', () => readSinkOutput(output).length >= total / 4, 60000);
    await first.kill();
    const putBeforeKill = readSinkOutput(output);
    const beforeRestart = putBeforeKill.length;
    t.ok(beforeRestart < total, `killed mid-stream (${beforeRestart} of ${total} put)`);
    const committedAtKill = await cluster.committedOffsets('connect-crash-sink', 'crash');
    // The restart resumes from the committed offsets: exactly what was put at or after them comes again.
    const expectedDuplicates = putBeforeKill.filter((r) => r.offset >= (committedAtKill.get(r.partition) ?? 0)).length;
    const second = await startConnectd('crash', [config], worker);
    await waitFor('every record put', () => seen(readSinkOutput(output)).size >= total, 120000);
    const counts = seen(readSinkOutput(output));
    t.equal(counts.size, total, 'every (partition, offset) was put');
    const duplicates = [...counts.values()].reduce((a, n) => a + n - 1, 0);
    t.equal(
      duplicates,
      expectedDuplicates,
      `the only duplicates are the records put after the last commit before the kill (${duplicates})`,
    );
    t.equal(await second.stop(), 0);
    t.comment(`put before the kill: ${beforeRestart}; duplicates after the restart: ${duplicates}`);
  },
);

t.test('tasks.max 1 → 3 while records flow: the partitions are spread over the tasks and every record is put', async (t) => {
  await cluster.createTopic('spread', { partitions: 3 });
  const output = path.join(root, 'spread.jsonl');
  const events = path.join(root, 'spread-events.jsonl');
  const config = sink('spread-sink', 'spread', output, { 'events.file': events, 'put.delay.ms': '5' });
  const proc = await startConnectd('spread', [config], WORKER);
  await writeTopic(cluster.bootstrapServers, 'spread', records(3000, 3));
  await waitFor('some records put by task 0', () => readSinkOutput(output).length >= 500);
  const res = await proc.request('PUT', '/connectors/spread-sink/config', { ...config, 'tasks.max': '3' });
  t.equal(res.status, 200);
  await writeTopic(
    cluster.bootstrapServers,
    'spread',
    records(3000, 3, (i) => ({ key: `late${i}` })),
  );
  await waitFor('every record put', () => seen(readSinkOutput(output)).size >= 6000, 120000);
  await waitFor('offsets committed to the end', async () => {
    const committed = await cluster.committedOffsets('connect-spread-sink', 'spread');
    return [0, 1, 2].every((p) => committed.get(p) === 2000);
  });
  t.equal(seen(readSinkOutput(output)).size, 6000, 'every record of both rounds put');
  const status = await proc.status('spread-sink');
  t.same(
    status.tasks.map((x) => x.state),
    ['RUNNING', 'RUNNING', 'RUNNING'],
    'three tasks',
  );
  // Once the group settled (each task holds one partition), new records go to all three.
  await waitFor('each task holds one partition', () => {
    const held = new Map<string, string[]>();
    for (const e of readSinkOutput(events) as unknown as { task: string; event: string; partitions?: string[] }[]) {
      if (e.event === 'open') held.set(e.task, [...(held.get(e.task) ?? []), ...(e.partitions ?? [])]);
      if (e.event === 'close')
        held.set(
          e.task,
          (held.get(e.task) ?? []).filter((p) => !(e.partitions ?? []).includes(p)),
        );
    }
    return ['0', '1', '2'].every((task) => held.get(task)?.length === 1);
  });
  await writeTopic(
    cluster.bootstrapServers,
    'spread',
    records(300, 3, (i) => ({ key: `last${i}` })),
  );
  await waitFor('the last records put', () => readSinkOutput(output).filter((r) => String(r.key).startsWith('last')).length >= 300);
  const last = readSinkOutput(output).filter((r) => String(r.key).startsWith('last'));
  t.same([...new Set(last.map((r) => r.task))].sort(), ['0', '1', '2'], 'records written after the rebalance went to all three tasks');
  t.equal(await proc.stop(), 0);
});

t.test('a put() slower than max.poll.interval.ms does not cost the consumer its group membership', async (t) => {
  await cluster.createTopic('slow', { partitions: 2 });
  await writeTopic(cluster.bootstrapServers, 'slow', records(400, 2));
  const output = path.join(root, 'slow.jsonl');
  const events = path.join(root, 'slow-events.jsonl');
  const proc = await startConnectd(
    'slow',
    [sink('slow-sink', 'slow', output, { 'events.file': events, 'slow.put.once.ms': '12000', 'consumer.override.max.poll.records': '50' })],
    {
      ...WORKER,
      'consumer.session.timeout.ms': '6000',
      'consumer.heartbeat.interval.ms': '1000',
      'consumer.max.poll.interval.ms': '7000',
    },
  );
  await waitFor('every record put', () => readSinkOutput(output).length >= 400, 60000);
  const log = readSinkOutput(events) as unknown as { event: string }[];
  t.same(
    log.filter((e) => e.event === 'open' || e.event === 'close').map((e) => e.event),
    ['open'],
    'one assignment, never revoked',
  );
  t.equal(readSinkOutput(output).length, 400, 'no record put twice');
  t.ok((await proc.metric('connectd_sink_backpressure_seconds_total')) > 0, 'the wait is counted as backpressure');
  t.equal(await proc.stop(), 0);
});

t.test('context.offset() rewinds a partition: the records from there are put again, none lost', async (t) => {
  await cluster.createTopic('rewind', { partitions: 1 });
  await writeTopic(cluster.bootstrapServers, 'rewind', records(500, 1));
  const output = path.join(root, 'rewind.jsonl');
  const proc = await startConnectd(
    'rewind',
    [
      sink('rewind-sink', 'rewind', output, {
        'rewind.once.at.offset': '150',
        'rewind.by': '20',
        'consumer.override.max.poll.records': '50',
      }),
    ],
    WORKER,
  );
  await waitFor('every record put', () => seen(readSinkOutput(output)).size >= 500, 60000);
  await waitFor(
    'offsets committed to the end',
    async () => (await cluster.committedOffsets('connect-rewind-sink', 'rewind')).get(0) === 500,
  );
  const counts = seen(readSinkOutput(output));
  const twice = [...counts.entries()].filter(([, n]) => n > 1).map(([k]) => Number(k.split('/')[1]));
  t.same(
    twice,
    Array.from({ length: 21 }, (_, i) => 130 + i),
    'exactly offsets 130..150 were put twice',
  );
  t.ok(
    [...counts.values()].every((n) => n <= 2),
    'nothing more than twice',
  );
  t.equal(await proc.stop(), 0);
});

t.test('pause stops put() without leaving the group; resume continues', async (t) => {
  await cluster.createTopic('pausing', { partitions: 1 });
  const output = path.join(root, 'pausing.jsonl');
  const proc = await startConnectd('pausing', [sink('pausing-sink', 'pausing', output)], WORKER);
  await writeTopic(cluster.bootstrapServers, 'pausing', records(100, 1));
  await waitFor('first records put', () => readSinkOutput(output).length >= 100);
  t.equal((await proc.request('PUT', '/connectors/pausing-sink/pause')).status, 202);
  await waitFor('task PAUSED', async () => (await proc.status('pausing-sink')).tasks[0]?.state === 'PAUSED');
  await writeTopic(
    cluster.bootstrapServers,
    'pausing',
    records(100, 1, (i) => ({ key: `p${i}` })),
  );
  // Give a running task every chance to put them: 3 s is many consume rounds.
  await new Promise((r) => setTimeout(r, 3000));
  t.equal(readSinkOutput(output).length, 100, 'nothing put while paused');
  t.equal((await proc.request('PUT', '/connectors/pausing-sink/resume')).status, 202);
  await waitFor('the rest put after resume', () => readSinkOutput(output).length >= 200);
  t.equal(readSinkOutput(output).length, 200);
  t.equal(await proc.stop(), 0);
});

t.test('KIP-875 offsets of a sink connector: read from its group, altered and reset while STOPPED', async (t) => {
  await cluster.createTopic('ledger', { partitions: 2 });
  await writeTopic(cluster.bootstrapServers, 'ledger', records(200, 2));
  const output = path.join(root, 'ledger.jsonl');
  const proc = await startConnectd('ledger', [sink('ledger-sink', 'ledger', output)], WORKER);
  const offsets = async (): Promise<unknown> =>
    ((await proc.request('GET', '/connectors/ledger-sink/offsets')).body as { offsets: unknown }).offsets;
  const atEnd = [
    { partition: { kafka_topic: 'ledger', kafka_partition: 0 }, offset: { kafka_offset: 100 } },
    { partition: { kafka_topic: 'ledger', kafka_partition: 1 }, offset: { kafka_offset: 100 } },
  ];
  await waitFor('GET offsets shows the group at the end', async () => JSON.stringify(await offsets()) === JSON.stringify(atEnd));
  t.same(await offsets(), atEnd, "Kafka Connect's sink offset shape");

  const refused = await proc.request('PATCH', '/connectors/ledger-sink/offsets', {
    offsets: [{ partition: { kafka_topic: 'ledger', kafka_partition: 0 }, offset: { kafka_offset: 90 } }],
  });
  t.equal(refused.status, 400, 'altering needs the connector STOPPED');
  t.equal((await proc.request('PUT', '/connectors/ledger-sink/stop')).status, 204);
  const bad = await proc.request('PATCH', '/connectors/ledger-sink/offsets', {
    offsets: [{ partition: { kafka_topic: 'ledger', kafka_partition: -1 }, offset: { kafka_offset: 90 } }],
  });
  t.equal(bad.status, 400);
  t.match((bad.body as { message: string }).message, /offsets\[0\]\.partition\.kafka_partition/, 'a bad partition is named');
  const altered = await proc.request('PATCH', '/connectors/ledger-sink/offsets', {
    offsets: [{ partition: { kafka_topic: 'ledger', kafka_partition: 0 }, offset: { kafka_offset: 90 } }],
  });
  t.equal(altered.status, 200, JSON.stringify(altered.body));
  t.same(await offsets(), [{ ...atEnd[0], offset: { kafka_offset: 90 } }, atEnd[1]], 'partition 0 moved back to 90');
  t.equal((await proc.request('PUT', '/connectors/ledger-sink/resume')).status, 202);
  await waitFor('the last 10 records of partition 0 put again', () => readSinkOutput(output).length >= 210);
  const again = readSinkOutput(output).slice(200);
  t.same(
    again.map((r) => `${r.partition}/${r.offset}`),
    Array.from({ length: 10 }, (_, i) => `0/${90 + i}`),
    'exactly offsets 90..99 of partition 0 again',
  );

  t.equal((await proc.request('PUT', '/connectors/ledger-sink/stop')).status, 204);
  const reset = await proc.request('DELETE', '/connectors/ledger-sink/offsets');
  t.equal(reset.status, 200, JSON.stringify(reset.body));
  t.same(await offsets(), [], 'reset: the group has no offsets');
  t.equal(await proc.stop(), 0);
});

t.test('topics.regex, a task pausing and resuming partitions, requestCommit, and the sink metrics', async (t) => {
  await cluster.createTopic('metrics-a', { partitions: 2 });
  await cluster.createTopic('metrics-b', { partitions: 1 });
  await writeTopic(cluster.bootstrapServers, 'metrics-a', records(400, 2));
  await writeTopic(
    cluster.bootstrapServers,
    'metrics-b',
    records(100, 1, (i) => ({ key: `b${i}` })),
  );
  const output = path.join(root, 'metrics.jsonl');
  const config = sink('metrics-sink', '', output, {
    'topics.regex': 'metrics-.*',
    'pause.topic': 'metrics-b',
    'resume.after.records': '400',
  });
  delete config.topics;
  // A long flush interval: only requestCommit() can commit before the test ends.
  const proc = await startConnectd('metrics', [config], { 'offset.flush.interval.ms': '600000' });
  await waitFor('every record of both topics put', () => readSinkOutput(output).length >= 500, 60000);
  const out = readSinkOutput(output);
  const firstB = out.findIndex((r) => r.topic === 'metrics-b');
  t.equal(firstB, 400, "the paused topic's records came only after the task resumed it, after all 400 of the other");
  await waitFor(
    'requestCommit() committed',
    async () => (await cluster.committedOffsets('connect-metrics-sink', 'metrics-a')).get(0) === 200,
  );
  const metric = (name: string): Promise<number> => proc.metric(name, 'connector="metrics-sink"');
  t.equal(await metric('connectd_sink_record_read_total'), 500, 'records read');
  t.equal(await metric('connectd_sink_record_send_total'), 500, 'records put');
  t.equal(await metric('connectd_sink_assigned_partitions'), 3, 'partitions assigned (two topics by regex)');
  t.equal(await metric('connectd_sink_active_records'), 0, 'nothing in flight');
  t.ok((await metric('connectd_sink_put_batch_seconds_count')) > 0, 'put batches timed');
  t.ok((await metric('connectd_sink_offset_commit_success_total')) >= 1, 'commits counted');
  t.equal(await proc.stop(), 0);
});

t.test('a task still in start() when the first offset flush is due: nothing reaches it before start() returns', async (t) => {
  await cluster.createTopic('slow-start', { partitions: 2 });
  await writeTopic(cluster.bootstrapServers, 'slow-start', records(200, 2));
  const output = path.join(root, 'slow-start.jsonl');
  const events = path.join(root, 'slow-start.events.jsonl');
  // Flushes every 100 ms while start() takes 3 s.
  const proc = await startConnectd(
    'slow-start',
    [sink('slow-start-sink', 'slow-start', output, { 'start.delay.ms': '3000', 'events.file': events })],
    { 'offset.flush.interval.ms': '100' },
  );
  await waitFor('every record put', () => readSinkOutput(output).length >= 200, 60000);
  await waitFor('offsets committed to the end', async () => {
    const committed = await cluster.committedOffsets('connect-slow-start-sink', 'slow-start');
    return committed.get(0) === 100 && committed.get(1) === 100;
  });
  const seenEvents = (await readFile(events, 'utf8'))
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => (JSON.parse(l) as { event: string }).event);
  t.same(seenEvents.slice(0, 3), ['start', 'started', 'open'], 'open, preCommit and put only after start() returned');
  t.same(
    (await proc.status('slow-start-sink')).tasks.map((x) => x.state),
    ['RUNNING'],
  );
  t.equal(readSinkOutput(output).length, 200, 'every record once');
  t.equal(await proc.stop(), 0);
});

t.test(
  'a preCommit that throws does not fail the task: it rewinds to the last commit and the records are put again (as Kafka Connect)',
  async (t) => {
    await cluster.createTopic('flaky-flush', { partitions: 1 });
    await writeTopic(cluster.bootstrapServers, 'flaky-flush', records(300, 1));
    const output = path.join(root, 'flaky-flush.jsonl');
    const events = path.join(root, 'flaky-flush.events.jsonl');
    const unavailable = path.join(root, 'flaky-flush.unavailable');
    await writeFile(unavailable, '');
    const proc = await startConnectd(
      'flaky-flush',
      [sink('flaky-flush-sink', 'flaky-flush', output, { 'fail.precommit.while.file.exists': unavailable, 'events.file': events })],
      WORKER,
    );
    type Event = { event: string; offsets?: [string, number][] };
    const readEvents = async (): Promise<Event[]> =>
      (await readFile(events, 'utf8').catch(() => ''))
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => JSON.parse(l) as Event);
    // A failed preCommit that was asked to commit all 300: every record had been put once by then.
    await waitFor(
      'a preCommit failed after every record was put',
      async () => (await readEvents()).some((e) => e.event === 'preCommitFailed' && e.offsets?.[0]?.[1] === 300),
      60000,
    );
    t.same(
      (await proc.status('flaky-flush-sink')).tasks.map((x) => x.state),
      ['RUNNING'],
      'the task keeps running',
    );
    t.equal((await cluster.committedOffsets('connect-flaky-flush-sink', 'flaky-flush')).size, 0, 'nothing committed while preCommit fails');
    t.ok((await proc.metric('connectd_sink_offset_commit_failure_total', 'connector="flaky-flush-sink"')) >= 1, 'the failures are counted');
    t.match(await readFile(proc.logFile, 'utf8'), /Offset commit failed, rewinding to last committed offsets/, 'and logged');

    await rm(unavailable);
    await waitFor(
      'offsets committed to the end',
      async () => (await cluster.committedOffsets('connect-flaky-flush-sink', 'flaky-flush')).get(0) === 300,
      60000,
    );
    // The commit of 300 came from puts made after the last rewind (to offset 0): each record was put again.
    const counts = seen(readSinkOutput(output));
    t.equal(counts.size, 300, 'every record put');
    t.ok(
      [...counts.values()].every((n) => n >= 2),
      'every record put again after the rewind',
    );
    t.equal(await proc.stop(), 0);
  },
);

t.test('another member joining and leaving the group again and again while records flow: no record skipped', async (t) => {
  // Each join and each leave is an eager rebalance in which the task's consumer gets some of its
  // partitions back. A consume call in flight when the revocation came can span the re-assignment
  // and return the re-assigned partitions' first records; they were dropped with the rest, and the
  // consumer went on after them: up to hundreds of records never put, with their offsets committed.
  await cluster.createTopic('churn', { partitions: 3 });
  const output = path.join(root, 'churn.jsonl');
  const proc = await startConnectd(
    'churn',
    [
      {
        name: 'churn-gen',
        'connector.class': 'GeneratorSource',
        'source.partitions': '3',
        'tasks.max': '1',
        'records.per.second': '1000',
        'batch.size': '20',
        topic: 'churn',
      },
      sink('churn-sink', 'churn', output, { 'value.converter': 'org.apache.kafka.connect.storage.StringConverter' }),
    ],
    WORKER,
  );
  await waitFor('records put', () => readSinkOutput(output).length >= 500);
  for (let round = 0; round < 4; round++) {
    const other = new kafka.KafkaConsumer(
      { 'bootstrap.servers': cluster.bootstrapServers, 'group.id': 'connect-churn-sink', 'enable.auto.commit': false, log_level: 0 },
      { 'auto.offset.reset': 'earliest' },
    );
    await new Promise<void>((resolve, reject) =>
      other.connect({ timeout: 10000 }, (err) => (err ? reject(new Error(err.message)) : resolve())),
    );
    other.subscribe(['churn']);
    await waitFor(
      'the other member has partitions',
      async () => {
        await new Promise<void>((resolve) => other.consume(1, () => resolve()));
        return other.assignments().length > 0;
      },
      30000,
      0,
    );
    await new Promise<void>((resolve) => other.disconnect(() => resolve()));
    await waitFor(
      'the task holds every partition again',
      async () => (await proc.metric('connectd_sink_assigned_partitions', 'connector="churn-sink"')) === 3,
      30000,
      50,
    ).catch(() => undefined);
  }
  t.equal((await proc.request('PUT', '/connectors/churn-gen/stop')).status, 204);
  await waitFor('the generator stopped', async () => (await proc.status('churn-gen')).tasks.length === 0);
  const inTopic = await readTopic(cluster.bootstrapServers, 'churn');
  const missing = (): string[] => {
    const put = seen(readSinkOutput(output));
    return inTopic.filter((r) => !put.has(`${r.partition}/${r.offset}`)).map((r) => `${r.partition}/${r.offset}`);
  };
  await waitFor('every record in the topic put', () => missing().length === 0, 60000, 500).catch(() => undefined);
  const left = missing();
  t.same(left.slice(0, 20), [], `every one of the ${inTopic.length} records put (${left.length} never were)`);
  t.equal(await proc.stop(), 0);
});
