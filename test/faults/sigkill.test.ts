/**
 * Fault suite (issue 13): SIGKILL connectd at 20 seeded random moments in one run, restarting it on
 * the same data directory each time, with a source and a sink connector in the same daemon.
 *
 * - Source: GeneratorSource, a fixed number of records per source partition, into a topic.
 * - Sink: FileStreamSink, reading a prefilled topic into a file.
 *
 * Then it runs to the end and both outputs are audited: nothing lost, no torn line, and duplicates
 * within what a crash may redo, derived from what was committed at each kill:
 *
 * - Source: a restart resumes after the offsets in the offsets file (written atomically, by rename).
 *   The records run k wrote with a sequence number above what the file held when it was killed are
 *   the ones run k+1 produces again; nothing else may come twice (the producer is idempotent, so its
 *   own retries add none). Each run stamps its records with a header (InsertHeader `run=run-<k>`), so
 *   they are counted from the topic itself, late arrivals included (records still in the dead
 *   process's socket that the broker appended after the kill).
 * - Sink: a restart reads from the consumer group's committed offsets, and FileStreamSink fsyncs in
 *   flush() before the framework commits. The lines run k wrote for offsets at or above what was
 *   committed when it was killed are the ones run k+1 writes again. A run's lines are those the file
 *   gained while it ran (the file is measured once the process is dead, so nothing is in flight).
 *
 * The bound is the sum over the kills, and is exact when nothing else duplicates; the test asserts
 * the promise (≤) and reports both. The seed comes from FAULT_SEED, or is drawn and printed: a failure
 * names it, and FAULT_SEED=<seed> replays the same kill moments (the machine's timing still varies).
 */
import { execFile } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import kafka from '@confluentinc/kafka-javascript';
import t from 'tap';
import { kafkaLibsDir } from '../../tools/kafka/cluster.js';
import { readTopic } from '../../tools/topic-reader.js';
import { writeTopic } from '../../tools/topic-writer.js';
import { connectdHarness } from '../fixtures/connectd-harness.js';
import { audit, generatorKey, keepsPromise, recordReliability } from '../fixtures/fault-audit.js';
import type { ReliabilityRow } from '../fixtures/fault-audit.js';
import { waitFor } from '../fixtures/wait.js';

const KILLS = 20;
/** A run lives this long at most (uniform from 0) after its REST API answered. */
const MAX_UPTIME_MS = 2000;

const seedText = process.env.FAULT_SEED ?? String(randomInt(2 ** 31));
if (!/^\d+$/.test(seedText)) throw new Error(`FAULT_SEED must be a non-negative integer, got ${JSON.stringify(seedText)}`);
const seed = Number(seedText);
t.comment(`FAULT_SEED=${seed}`);
const seedNote = `FAULT_SEED=${seed}`;

/** mulberry32: a small seeded PRNG, uniform in [0, 1). */
function prng(state: number): () => number {
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let x = Math.imul(state ^ (state >>> 15), 1 | state);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

// The sink's quota (below) averages over quota.window.num windows of quota.window.size.seconds: the
// defaults (11 × 1 s) let a consumer that was down for a while (a restart) burst through 10 s of
// its rate at once. Two windows keep it paced.
const { cluster, root, startConnectd } = await connectdHarness(t, 'sigkill', {
  serverProperties: { 'quota.window.num': '2', 'quota.window.size.seconds': '1' },
});

const SOURCE = 'sigkill-source';
const SOURCE_TOPIC = 'sigkill-source-out';
const SOURCE_PARTITIONS = 2;
const PER_SOURCE_PARTITION = 12000;
const SINK = 'sigkill-sink';
const SINK_TOPIC = 'sigkill-sink-in';
const SINK_PARTITIONS = 2;
const PER_SINK_PARTITION = 15000;
const SINK_FILE = path.join(root, 'sink.txt');
/** Every sink line has this length, so a torn line (a fragment, or a fragment glued to the next line) shows. */
const LINE_LENGTH = 100;

function sinkLine(partition: number, offset: number): string {
  const head = `p${partition}-${offset}-`;
  return head + 'x'.repeat(LINE_LENGTH - head.length);
}

/** A sink line as (stream, seq); a line that is not exactly one written record is `?torn`. */
function parseSinkLine(line: string): [string, number] {
  const m = /^p(\d+)-(\d+)-x+$/.exec(line);
  if (m === null || line.length !== LINE_LENGTH) return ['?torn', -1];
  return [`p${m[1]!}`, Number(m[2])];
}

const WORKER = {
  // Commits often, so a crash redoes little and the bound is tested on many commits.
  'offset.flush.interval.ms': '500',
};

function connectors(run: number): Record<string, string>[] {
  return [
    {
      name: SOURCE,
      'connector.class': 'GeneratorSource',
      'tasks.max': String(SOURCE_PARTITIONS),
      topic: SOURCE_TOPIC,
      'source.partitions': String(SOURCE_PARTITIONS),
      'records.per.partition': String(PER_SOURCE_PARTITION),
      'records.per.second': '1000',
      'batch.size': '50',
      transforms: 'run',
      'transforms.run.type': 'org.apache.kafka.connect.transforms.InsertHeader',
      'transforms.run.header': 'run',
      'transforms.run.value.literal': `run-${run}`,
    },
    {
      name: SINK,
      'connector.class': 'FileStreamSink',
      'tasks.max': '1',
      topics: SINK_TOPIC,
      file: SINK_FILE,
      // Static membership: a restarted consumer takes its killed predecessor's place at once, rather
      // than the group waiting a session timeout for the dead member before it assigns anything.
      'consumer.override.group.instance.id': `${SINK}-0`,
      'consumer.override.session.timeout.ms': '10000',
      // Small fetches, so the broker's byte-rate quota (below) paces the sink evenly.
      'consumer.override.max.partition.fetch.bytes': '16384',
    },
  ];
}

/** The sink group's committed offsets, read by one consumer kept for the whole test (it joins no group). */
const groupReader = new kafka.KafkaConsumer(
  { 'bootstrap.servers': cluster.bootstrapServers, 'group.id': `connect-${SINK}`, 'enable.auto.commit': false, log_level: 0 },
  {},
);
await new Promise<void>((resolve, reject) =>
  groupReader.connect({ timeout: 30000 }, (err) => (err ? reject(new Error(err.message)) : resolve())),
);
t.teardown(() => new Promise<void>((resolve) => groupReader.disconnect(() => resolve())));
async function sinkCommitted(): Promise<Map<string, number>> {
  const partitions = Array.from({ length: SINK_PARTITIONS }, (_, partition) => ({ topic: SINK_TOPIC, partition }));
  const committed = await new Promise<{ partition: number; offset?: number }[]>((resolve, reject) =>
    groupReader.committed(partitions, 10000, (err, result) => (err ? reject(new Error(err.message)) : resolve(result))),
  );
  return new Map(committed.filter((c) => c.offset !== undefined && c.offset >= 0).map((c) => [`p${c.partition}`, c.offset!]));
}

async function sinkFileLines(): Promise<string[]> {
  const text = await readFile(SINK_FILE, 'utf8').catch(() => '');
  const lines = text.split('\n');
  // After the last line end: '' when the file ends with a whole line, else a torn tail.
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

t.test(`${KILLS} SIGKILLs of a daemon running a source and a sink, restarted each time`, async (t) => {
  const started = Date.now();
  await cluster.createTopic(SOURCE_TOPIC, { partitions: 2 });
  await cluster.createTopic(SINK_TOPIC, { partitions: SINK_PARTITIONS });
  const prefill = Array.from({ length: SINK_PARTITIONS * PER_SINK_PARTITION }, (_, i) => {
    const partition = i % SINK_PARTITIONS;
    return { partition, value: sinkLine(partition, Math.floor(i / SINK_PARTITIONS)) };
  });
  await Promise.all([
    // Small batches: a fetch returns at least one whole batch, and a big one would make the quota
    // pace the sink in long stalls.
    writeTopic(cluster.bootstrapServers, SINK_TOPIC, prefill, { 'batch.num.messages': 100 }),
    // The sink would read the whole backlog in a second or two and most kills would find it idle:
    // a consumer byte-rate quota (about 800 records/s) keeps it reading through all of them.
    promisify(execFile)('java', [
      '-cp',
      `${kafkaLibsDir()}/*`,
      'kafka.admin.ConfigCommand',
      '--bootstrap-server',
      cluster.bootstrapServers,
      '--alter',
      '--entity-type',
      'clients',
      '--entity-name',
      `connector-consumer-${SINK}-0`,
      '--add-config',
      'consumer_byte_rate=100000',
    ]),
  ]);

  const random = prng(seed);
  const uptimes = Array.from({ length: KILLS }, () => Math.floor(random() * MAX_UPTIME_MS));
  t.comment(`kill moments (ms after the REST API answered): ${uptimes.join(' ')}`);
  /** Per kill: the source offsets file's seq per stream, the sink group's committed offset per stream, the sink file's line count. */
  const atKill: { sourceSeq: Map<string, number>; sinkCommitted: Map<string, number>; sinkLines: number }[] = [];
  for (const [run, uptime] of uptimes.entries()) {
    const t0 = Date.now();
    const proc = await startConnectd('daemon', connectors(run), WORKER);
    const t1 = Date.now();
    await sleep(uptime);
    await proc.kill();
    const t2 = Date.now();
    const sourceSeq = new Map<string, number>();
    for (const [partition, offset] of await proc.committedOffsets(SOURCE))
      sourceSeq.set(`p${(JSON.parse(partition) as { partition: number }).partition}`, Number(offset.seq));
    atKill.push({ sourceSeq, sinkCommitted: await sinkCommitted(), sinkLines: (await sinkFileLines()).length });
    const { sinkCommitted: committed, sinkLines } = atKill.at(-1)!;
    t.comment(
      `kill ${run + 1} (${((Date.now() - started) / 1000).toFixed(1)} s; start ${t1 - t0} ms, kill ${t2 - t1 - uptime} ms, read ${Date.now() - t2} ms): source offsets ${JSON.stringify([...sourceSeq])}, sink committed ${JSON.stringify([...committed])}, sink lines ${sinkLines}`,
    );
  }
  const killsEnded = Date.now();

  const last = await startConnectd('daemon', connectors(KILLS), WORKER);
  const sourceDone = async (): Promise<boolean> => {
    const committed = await last.committedOffsets(SOURCE);
    return committed.size === SOURCE_PARTITIONS && [...committed.values()].every((o) => Number(o.seq) === PER_SOURCE_PARTITION - 1);
  };
  const sinkDone = async (): Promise<boolean> => {
    const committed = await sinkCommitted();
    return Array.from({ length: SINK_PARTITIONS }, (_, p) => committed.get(`p${p}`)).every((o) => o === PER_SINK_PARTITION);
  };
  await waitFor(
    `both connectors committed their last record (${seedNote})`,
    async () => (await sourceDone()) && (await sinkDone()),
    120000,
    1000,
  );
  const recoverySeconds = (Date.now() - killsEnded) / 1000;
  for (const name of [SOURCE, SINK])
    t.same(
      (await last.status(name)).tasks.map((task) => task.state),
      name === SOURCE ? ['RUNNING', 'RUNNING'] : ['RUNNING'],
      `${name}: tasks RUNNING`,
    );
  t.equal(await last.stop(), 0, 'the last run stops gracefully');

  // Source audit.
  const records = await readTopic(cluster.bootstrapServers, SOURCE_TOPIC);
  const sourceExpected = new Map(Array.from({ length: SOURCE_PARTITIONS }, (_, p) => [`p${p}`, PER_SOURCE_PARTITION]));
  const sourceCounts = audit(
    sourceExpected,
    records.map((r) => generatorKey(r.key)),
  );
  let sourceBound = 0;
  const withoutRun: string[] = [];
  for (const r of records) {
    const run = /^run-(\d+)$/.exec(r.headers.run ?? '');
    if (run === null) withoutRun.push(`${r.partition}/${r.offset}: ${JSON.stringify(r.headers)}`);
    const k = Number(run?.[1] ?? KILLS);
    if (k >= KILLS) continue;
    const [stream, seq] = generatorKey(r.key);
    if (seq > (atKill[k]!.sourceSeq.get(stream) ?? -1)) sourceBound++;
  }
  const sourceRow: ReliabilityRow = {
    scenario: 'sigkill-20-source',
    test: 'test/faults/sigkill.test.ts',
    injected: `SIGKILL of connectd at ${KILLS} seeded random moments (0–${MAX_UPTIME_MS} ms after start), restarted on the same offsets file each time; GeneratorSource at 1000 records/s`,
    ...sourceCounts,
    bound: '≤ records written after the offsets committed at each kill (offset.flush.interval.ms=500)',
    maxDuplicates: sourceBound,
    recoverySeconds,
    notes: seedNote,
  };
  await recordReliability(sourceRow);
  t.same(withoutRun.slice(0, 3), [], `every source record names its run (${withoutRun.length} do not)`);

  // Sink audit.
  const lines = await sinkFileLines();
  const torn = lines.filter((l) => parseSinkLine(l)[1] < 0);
  const sinkExpected = new Map(Array.from({ length: SINK_PARTITIONS }, (_, p) => [`p${p}`, PER_SINK_PARTITION]));
  const sinkCounts = audit(sinkExpected, lines.map(parseSinkLine));
  let sinkBound = 0;
  let from = 0;
  for (const kill of atKill) {
    for (const line of lines.slice(from, kill.sinkLines)) {
      const [stream, offset] = parseSinkLine(line);
      if (offset >= (kill.sinkCommitted.get(stream) ?? 0)) sinkBound++;
    }
    from = kill.sinkLines;
  }
  const sinkRow: ReliabilityRow = {
    scenario: 'sigkill-20-sink',
    test: 'test/faults/sigkill.test.ts',
    injected: `SIGKILL of connectd at ${KILLS} seeded random moments (0–${MAX_UPTIME_MS} ms after start), restarted each time; FileStreamSink reading a prefilled topic (consumer quota about 800 records/s)`,
    ...sinkCounts,
    bound: '≤ lines written for offsets at or after the consumer offsets committed at each kill (offset.flush.interval.ms=500)',
    maxDuplicates: sinkBound,
    recoverySeconds,
    notes: `${seedNote}; torn lines: ${torn.length}`,
  };
  await recordReliability(sinkRow);

  for (const [name, row] of [
    ['source', sourceRow],
    ['sink', sinkRow],
  ] as const) {
    t.comment(
      `${name}: in ${row.recordsIn}, out ${row.recordsOut}, lost ${row.lost}, duplicated ${row.duplicated} (bound ${row.maxDuplicates}), unexpected ${row.unexpected}`,
    );
    t.equal(row.lost, 0, `${name}: nothing lost (${seedNote}; e.g. ${row.lostExamples.join(', ')})`);
    t.equal(row.unexpected, 0, `${name}: nothing unexpected (${seedNote})`);
    t.ok(row.duplicated <= row.maxDuplicates, `${name}: ${row.duplicated} duplicates within the bound ${row.maxDuplicates} (${seedNote})`);
    t.ok(keepsPromise(row), `${name}: keeps its promise (${seedNote})`);
  }
  t.same(torn.slice(0, 3), [], `sink: no torn line (${torn.length} found; ${seedNote})`);
  t.comment(`whole scenario: ${((Date.now() - started) / 1000).toFixed(1)} s`);
});
