/**
 * Fault suite (issue 13): every broker unreachable for longer than every client timeout in play,
 * then back. The broker is frozen with SIGSTOP, so connections hang instead of being refused (the
 * stopNode outage of test/standalone/broker-outage.test.ts sees refusals): the clients only learn
 * of it from their own timeouts. Kept short through worker keys, the pause outlasts all of them:
 *
 * - the source producer's request.timeout.ms (producer.request.timeout.ms);
 * - the sink consumer's group session (consumer.session.timeout.ms: the broker, once it runs again,
 *   finds the member's session expired and rebalances it out) and its request timeout
 *   (consumer.request.timeout.ms, librdkafka's socket.timeout.ms);
 * - the source offset commit (offset.flush.timeout.ms) and the sink's offset commits to the group,
 *   attempted every offset.flush.interval.ms through the outage;
 * - the single KRaft node's own broker session (broker.session.timeout.ms=6000 in the fixture), so
 *   the controller may fence its broker when it wakes up and the partitions are briefly leaderless.
 *
 * A GeneratorSource writes a topic that a FileStreamSink reads into a file; both run through the
 * outage, in a standalone daemon (offsets in a file) and in a one-worker distributed cluster (config,
 * offset and status stores on the frozen broker, the worker itself a group member). The audit:
 * nothing lost anywhere, no torn line; standalone, the source no duplicate (one producer session,
 * idempotent: its retries after the timeouts add none; distributed: see the bound at the end of
 * the file); the sink, judged against the topic as it is (the source's duplicates included), at
 * most once more each record after the consumer offset committed before the outage (a lost group
 * membership makes it read again from its last commit that succeeded, not older than that one).
 * That bound is loose (it allows the whole rest of the topic once); the test reports the count.
 *
 * What this test found (issue 13; the Addendum of docs/design/2026-12-07-broker-outages.md): a
 * source producer whose librdkafka client never delivered again after the outage (1 run in 7), and
 * a distributed worker that did not stop within 30 s (1 in 4). The first is what
 * `task.produce.stall.timeout.ms` is for (a fresh client takes over and sends again what the stuck
 * one held): made short here, so that a run that meets it recovers within the waits below. A
 * takeover may write again what the stuck client had written already, so the standalone source's
 * duplicates are bounded by the records handed to fresh clients
 * (`connectd_producer_resent_records_total`), 0 when none took over; the test reports the count.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import t from 'tap';
import type { Test } from 'tap';
import { ConnectdProcess } from '../../tools/connectd-process.js';
import { readTopic } from '../../tools/topic-reader.js';
import { TEST_PLUGINS, connectdHarness } from '../fixtures/connectd-harness.js';
import { audit, generatorKey, keepsPromise, recordReliability } from '../fixtures/fault-audit.js';
import type { ReliabilityRow } from '../fixtures/fault-audit.js';
import { waitFor } from '../fixtures/wait.js';

const { cluster, root } = await connectdHarness(t, 'broker-down');

const TOTAL = 12000;

/** Client timeouts in play, made short (ms); the pause outlasts the longest by a margin. */
const TIMEOUTS = {
  'producer.request.timeout.ms': 3000,
  'consumer.session.timeout.ms': 6000,
  'consumer.request.timeout.ms': 3000,
  'offset.flush.timeout.ms': 2000,
  'session.timeout.ms (distributed: the worker group)': 6000,
  'broker.session.timeout.ms (fixture)': 6000,
};
const PAUSE_MS = Math.max(...Object.values(TIMEOUTS)) * 2.5;
/** task.produce.stall.timeout.ms: a stuck producer client is replaced within about twice this once the broker is back. */
const STALL_TIMEOUT_MS = 20000;

/** Per source task: at most this many records unacknowledged (and one batch more polled). */
const INFLIGHT_LIMIT = 1000;
const SOURCE_BATCH = 50;

const WORKER = {
  'task.max.inflight.records': String(INFLIGHT_LIMIT),
  'offset.flush.interval.ms': '500',
  'offset.flush.timeout.ms': String(TIMEOUTS['offset.flush.timeout.ms']),
  'producer.request.timeout.ms': String(TIMEOUTS['producer.request.timeout.ms']),
  'consumer.session.timeout.ms': String(TIMEOUTS['consumer.session.timeout.ms']),
  'consumer.heartbeat.interval.ms': '1000',
  'consumer.request.timeout.ms': String(TIMEOUTS['consumer.request.timeout.ms']),
  // Longer than the pause: during it, and in the seconds after it while the old client recovers
  // by itself, no fresh client takes over.
  'task.produce.stall.timeout.ms': String(STALL_TIMEOUT_MS),
};

/** Distributed mode: the config, offset and status stores are Kafka topics, and the worker is a group member. */
const DISTRIBUTED_WORKER = {
  ...WORKER,
  'group.id': 'down-cluster',
  'config.storage.topic': 'down-configs',
  'offset.storage.topic': 'down-offsets',
  'status.storage.topic': 'down-status',
  'config.storage.replication.factor': '1',
  'offset.storage.replication.factor': '1',
  'status.storage.replication.factor': '1',
  'session.timeout.ms': String(TIMEOUTS['session.timeout.ms (distributed: the worker group)']),
  'heartbeat.interval.ms': '1000',
  'plugin.path': TEST_PLUGINS,
  'worker.threads': '2',
  'allowed.paths': root,
};

/** The sink's lines as (stream, seq): the generator's values name their partition and sequence number. */
async function sinkRecords(file: string): Promise<{ parsed: [string, number][]; torn: string[] }> {
  const text = await readFile(file, 'utf8').catch(() => '');
  const lines = text.split('\n');
  const torn: string[] = [];
  if (lines.at(-1) === '') lines.pop();
  else torn.push(lines.pop()!);
  const parsed: [string, number][] = [];
  for (const line of lines) {
    try {
      const value = JSON.parse(line) as { partition: number; seq: number };
      parsed.push([`p${value.partition}`, value.seq]);
    } catch {
      torn.push(line);
      parsed.push(['?torn', -1]);
    }
  }
  return { parsed, torn };
}

async function scenario(t: Test, mode: 'standalone' | 'distributed'): Promise<void> {
  const SOURCE = `${mode}-source`;
  const SINK = `${mode}-sink`;
  const TOPIC = `${mode}-down`;
  const SINK_FILE = path.join(root, `${mode}-sink.txt`);
  // One source partition into one topic partition: the sink's Kafka offset of a record is its seq.
  await cluster.createTopic(TOPIC, { partitions: 1 });
  const connectors: Record<string, string>[] = [
    {
      name: SOURCE,
      'connector.class': 'GeneratorSource',
      topic: TOPIC,
      'records.per.partition': String(TOTAL),
      'records.per.second': '500',
      'batch.size': String(SOURCE_BATCH),
    },
    { name: SINK, 'connector.class': 'FileStreamSink', topics: TOPIC, file: SINK_FILE },
  ];
  let proc: ConnectdProcess;
  if (mode === 'standalone') {
    // 60 s to start, as the distributed worker below: on a loaded machine (the whole suite beside
    // other builds) a daemon once took longer than the harness's 30 s.
    proc = await ConnectdProcess.start({
      dir: path.join(root, mode),
      bootstrapServers: cluster.bootstrapServers,
      connectors,
      worker: { 'plugin.path': TEST_PLUGINS, 'worker.threads': '2', 'allowed.paths': root, ...WORKER },
      startTimeoutMs: 60000,
    });
    t.teardown(() => proc.kill());
  } else {
    proc = await ConnectdProcess.start({
      dir: path.join(root, mode),
      bootstrapServers: cluster.bootstrapServers,
      connectors: [],
      worker: DISTRIBUTED_WORKER,
      mode,
      startTimeoutMs: 60000,
    });
    t.teardown(() => proc.kill());
    for (const config of connectors) {
      // A worker just started answers 409 until it has joined its group, and 500 until its config
      // log has started ("KafkaBasedLog … is not running (new)"): retried until then.
      const res = await waitFor(
        `${config.name} created`,
        async () => {
          const r = await proc.request('POST', '/connectors', { name: config.name, config });
          return r.status === 409 || r.status === 500 ? undefined : r;
        },
        60000,
        500,
      );
      t.equal(res.status, 201, `${config.name} created: ${JSON.stringify(res.body)}`);
    }
  }
  const sourceSeq = async (): Promise<number> => {
    const { body } = await proc.request('GET', `/connectors/${SOURCE}/offsets`);
    return Number((body as { offsets: { offset: { seq?: number } }[] }).offsets[0]?.offset.seq ?? -1);
  };
  const sinkCommitted = async (): Promise<number> => (await cluster.committedOffsets(`connect-${SINK}`, TOPIC, 1)).get(0) ?? 0;
  await waitFor('records flowing through both connectors', async () => (await sinkCommitted()) >= 1000, 60000, 500);

  const committedBefore = await sinkCommitted();
  // Read in this order, each can only have moved on since the one before: the bound below can only
  // come out larger.
  const sourceSeqBefore = await sourceSeq();
  const writtenBefore = await proc.metric('connectd_source_record_write_total');
  const node = cluster.nodes[0]!.nodeId;
  cluster.pauseNode(node);
  const pausedAt = Date.now();
  try {
    // Through the outage a standalone daemon stays up, answers, and keeps its tasks RUNNING. (A
    // distributed worker's REST answers may wait on the stores: only the outcome is judged there.)
    while (mode === 'standalone' && Date.now() - pausedAt < PAUSE_MS) {
      for (const name of [SOURCE, SINK]) {
        const states = (await proc.status(name)).tasks.map((task) => task.state);
        t.ok(
          states.every((s) => s === 'RUNNING'),
          `${name}: tasks RUNNING ${Math.round((Date.now() - pausedAt) / 1000)} s into the outage (${states.join(', ')})`,
        );
      }
      await new Promise((r) => setTimeout(r, 2000));
    }
    if (mode === 'distributed') await new Promise((r) => setTimeout(r, PAUSE_MS));
  } finally {
    cluster.resumeNode(node);
  }
  const resumedAt = Date.now();
  t.comment(
    `paused ${resumedAt - pausedAt} ms; source had written ${writtenBefore} and committed seq ${sourceSeqBefore}, sink had committed ${committedBefore}`,
  );

  // Recovered once both write again.
  const [sinkBack, sourceBack] = await Promise.all([
    waitFor('the sink commits again after the outage', async () => (await sinkCommitted()) > committedBefore, 120000, 500).then(() => ({
      at: Date.now(),
    })),
    waitFor(
      'the source writes again after the outage',
      async () => (await proc.metric('connectd_source_record_write_total')) > writtenBefore,
      120000,
      500,
    ).then(() => Date.now()),
  ]).catch(async (err: unknown) => {
    t.comment(`connectd's log:\n${await proc.logTail(80)}`);
    throw err;
  });
  const recoverySeconds = (Math.max(sinkBack.at, sourceBack) - resumedAt) / 1000;
  t.comment(
    `the source wrote again ${sourceBack - resumedAt} ms after the resume, the sink committed again after ${sinkBack.at - resumedAt} ms`,
  );

  await waitFor(
    'every record written and put',
    async () => {
      if ((await sourceSeq()) !== TOTAL - 1) return false;
      // The sink is done at the topic's end, duplicates included (the distributed case has some).
      const end = (await readTopic(cluster.bootstrapServers, TOPIC)).length;
      return (await sinkCommitted()) === end;
    },
    180000,
    1000,
  ).catch(async (err: unknown) => {
    const held = await proc.metric('connectd_producer_unacknowledged_records').catch(() => Number.NaN);
    t.comment(
      `source committed seq ${await sourceSeq().catch(() => Number.NaN)}, written ${await proc.metric('connectd_source_record_write_total').catch(() => Number.NaN)}, producer holds ${held} unacknowledged; sink committed ${await sinkCommitted()}`,
    );
    t.comment(`connectd's log:\n${await proc.logTail(120)}`);
    throw err;
  });
  for (const name of [SOURCE, SINK])
    t.same(
      (await proc.status(name)).tasks.map((task) => task.state),
      ['RUNNING'],
      `${name}: its task RUNNING after the outage`,
    );
  t.equal(await proc.metric('connectd_source_record_failed_total'), 0, 'no source record failed');
  const resent = await proc.metric('connectd_producer_resent_records_total');
  const replacements = await proc.metric('connectd_producer_replacements_total');
  t.comment(
    `producer clients replaced after delivering nothing for ${STALL_TIMEOUT_MS} ms: ${replacements}, records sent again through them: ${resent}`,
  );
  const stopStarted = Date.now();
  const code = await proc.stop();
  t.equal(code, 0, `stops gracefully (in ${Date.now() - stopStarted} ms)`);
  if (code !== 0) t.comment(`connectd's log (and, when it did not stop, its native stacks):\n${await proc.logTail(600)}`);

  const expected = new Map([['p0', TOTAL]]);
  const topicRecords = await readTopic(cluster.bootstrapServers, TOPIC);
  const injected = `broker frozen with SIGSTOP for ${PAUSE_MS / 1000} s (longer than ${Object.entries(TIMEOUTS)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ')}), then SIGCONT; connectd ${mode}; GeneratorSource at 500 records/s into a topic that a FileStreamSink reads`;
  const sourceRow: ReliabilityRow = {
    scenario: `broker-sigstop-${mode}-source`,
    test: 'test/faults/broker-down.test.ts',
    injected,
    ...audit(
      expected,
      topicRecords.map((r) => generatorKey(r.key)),
    ),
    ...(mode === 'standalone'
      ? {
          bound:
            'none (no restart; idempotent producer), but for the records a fresh producer client sent again if one replaced a stuck one (task.produce.stall.timeout.ms)',
          maxDuplicates: resent,
        }
      : {
          bound:
            '≤ records not committed when the outage began: acknowledged since the last offset commit, plus in flight (task.max.inflight.records + one batch), plus any record a fresh producer client sent again (task.produce.stall.timeout.ms)',
          maxDuplicates: writtenBefore - (sourceSeqBefore + 1) + INFLIGHT_LIMIT + SOURCE_BATCH + resent,
        }),
    recoverySeconds,
  };
  // The sink copies the topic, the source's duplicates included: its lines are matched to the
  // topic's records (one partition, offsets 0..n-1), the k-th line of a seq to the k-th record of
  // that seq (a line beyond the topic's copies counts against the last one, as a duplicate).
  const sink = await sinkRecords(SINK_FILE);
  const offsetsOfSeq = new Map<number, number[]>();
  for (const r of topicRecords) {
    const [, seq] = generatorKey(r.key);
    offsetsOfSeq.set(seq, [...(offsetsOfSeq.get(seq) ?? []), r.offset]);
  }
  const copiesUsed = new Map<number, number>();
  const sinkSeen = sink.parsed.map(([stream, seq]): [string, number] => {
    const offsets = offsetsOfSeq.get(seq);
    if (stream !== 'p0' || offsets === undefined) return ['?', -1];
    const k = copiesUsed.get(seq) ?? 0;
    copiesUsed.set(seq, k + 1);
    return ['offset', offsets[Math.min(k, offsets.length - 1)]!];
  });
  // A lost group membership makes the sink read again from its last commit that succeeded, which
  // is not older than the one before the outage: each record it puts twice is at or after that.
  const sinkBound = new Set(sinkSeen.filter(([, offset]) => offset >= committedBefore).map(([, offset]) => offset)).size;
  const sinkRow: ReliabilityRow = {
    scenario: `broker-sigstop-${mode}-sink`,
    test: 'test/faults/broker-down.test.ts',
    injected,
    ...audit(new Map([['offset', topicRecords.length]]), sinkSeen),
    bound: '≤ records after the consumer offset committed before the outage (one redelivery at most)',
    maxDuplicates: sinkBound,
    recoverySeconds,
    notes: `torn lines: ${sink.torn.length}`,
  };
  await recordReliability(sourceRow);
  await recordReliability(sinkRow);
  for (const [name, row] of [
    [`${mode} source`, sourceRow],
    [`${mode} sink`, sinkRow],
  ] as const) {
    t.comment(
      `${name}: in ${row.recordsIn}, out ${row.recordsOut}, lost ${row.lost}, duplicated ${row.duplicated} (bound ${row.maxDuplicates}), unexpected ${row.unexpected}; recovered in ${recoverySeconds} s`,
    );
    t.equal(row.lost, 0, `${name}: nothing lost (e.g. ${row.lostExamples.join(', ')})`);
    t.equal(row.unexpected, 0, `${name}: nothing unexpected`);
    t.ok(row.duplicated <= row.maxDuplicates, `${name}: ${row.duplicated} duplicates within the bound ${row.maxDuplicates}`);
    t.ok(keepsPromise(row), `${name}: keeps its promise`);
  }
  t.same(sink.torn.slice(0, 3), [], `sink: no torn line (${sink.torn.length})`);
}

// What this test found, all fixed (issue 13): a source producer's client that never delivered
// again after the outage (replaced after task.produce.stall.timeout.ms; a run met it and
// recovered); a distributed worker's unbounded stop; the distributed stores' producers stalling the
// same way (kafka-based-log.ts); an admin client made while the broker was fenced at the resume
// that never asked again (admin.ts: fresh client per attempt); a distributed worker whose group
// membership never reached its coordinator again ("no broker available for coordinator query" for
// minutes; 1 distributed run in 12 on 2026-12-08): librdkafka took a fenced broker's Metadata answer
// listing no broker as the cluster's broker list and dropped every broker it knew (the librdkafka
// bundled is patched: patches/librdkafka-empty-metadata.patch, test/kafka/empty-metadata.test.ts).
// A distributed worker that logged "stopped" but whose process did not exit (a libuv thread in
// rd_kafka_consumer_close; 1 run in 5, then 1 in 8, before that patch) was not seen again in the
// runs after it (see the issue's notes).
t.test(
  `standalone: the broker frozen (SIGSTOP) for ${PAUSE_MS / 1000} s, longer than every client timeout, with a source and a sink running`,
  (t) => scenario(t, 'standalone'),
);
// Distributed: the worker's own group session expires during the outage too. It gives up its work
// while the broker is still frozen: its source task stops with records in flight that it cannot
// commit (the offset store is a topic on the frozen broker), and the worker's producer delivers
// them once the broker is back. The task's next instance starts from the offset committed before
// the outage and produces them again: at least once, as Kafka Connect (whose task producer, closed
// without waiting, loses only what it had not sent yet). The bound is what was not committed when
// the outage began: acknowledged since the last commit, plus the in-flight window.
t.test(`distributed (Kafka-based config, offset and status stores; one worker): the same outage`, (t) => scenario(t, 'distributed'));
