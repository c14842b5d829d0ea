/**
 * A full disk (ENOSPC from a real tmpfs, mounted by the test) under the two writers that must not
 * lose or tear anything: the standalone offsets file and the file sink. While the disk is full the
 * offsets file keeps its last good content and no temp file stays; the file sink's output holds
 * only whole lines, each once; the tasks stay RUNNING (as Kafka Connect's: a failed offset commit
 * or flush is logged and retried). Once space is back, everything is written exactly once.
 *
 * Needs root (mount); skipped otherwise, saying so.
 */
import { appendFile, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import t from 'tap';
import { FileStreamSinkTask } from '../../src/worker-thread/connectors/file/file-stream-sink-connector.js';
import { SinkRecord } from '../../src/worker-thread/sdk/index.js';
import type { SinkTaskContext, TaskConfig, TopicPartition } from '../../src/worker-thread/sdk/index.js';
import { FileOffsetBackingStore } from '../../src/main-thread/storage/file-offset-backing-store.js';
import { connectJson, offsetKey } from '../../src/shared/offset-json.js';
import { readTopic } from '../../tools/topic-reader.js';
import type { ConnectdProcess } from '../../tools/connectd-process.js';
import { connectdHarness } from '../fixtures/connectd-harness.js';
import { audit, recordReliability } from '../fixtures/fault-audit.js';
import { fillDisk, mountTmpfs } from '../fixtures/tmpfs.js';
import { waitFor } from '../fixtures/wait.js';

const skip = process.getuid?.() === 0 ? false : 'mounting a tmpfs needs root; the full-disk tests cannot run as this user';

const readLines = async (file: string): Promise<string[]> => {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text === '' ? [] : text.split('\n');
};

/** Every element once: the ones that are there more than once. */
function repeated(items: readonly string[]): string[] {
  const seen = new Set<string>();
  const twice = new Set<string>();
  for (const i of items) (seen.has(i) ? twice : seen).add(i);
  return [...twice];
}

t.test(
  'offsets file: a write that fails with ENOSPC leaves the old file and no temp file; the next one carries everything',
  { skip },
  async (t) => {
    const disk = (await mountTmpfs(t, '256k'))!;
    const file = path.join(disk, 'connect.offsets');
    const key = (i: number): string => offsetKey('orders-📦', connectJson({ filename: `in-${i}.txt` }));
    const store = new FileOffsetBackingStore(file);
    await store.start();
    await store.set(new Map([[key(0), '{"position":10}']]));
    const before = await readFile(file, 'utf8');

    const free = await fillDisk(disk);
    // About 60 KB of offsets: more than the disk has left, whatever the filler could not take.
    const many = new Map(
      Array.from({ length: 600 }, (_, i) => [key(i), connectJson({ position: 1000 + i, padding: 'p'.repeat(40) })] as [string, string]),
    );
    await t.rejects(store.set(many), { code: 'ENOSPC' }, 'the commit fails with ENOSPC');
    t.same((await readdir(disk)).sort(), ['connect.offsets', 'filler'], 'no temp file left behind');
    t.equal(await readFile(file, 'utf8'), before, 'the previous offsets file is intact');
    await t.rejects(store.set(new Map([[key(0), '{"position":20}']])), { code: 'ENOSPC' }, 'and again while the disk stays full');
    t.same((await readdir(disk)).sort(), ['connect.offsets', 'filler']);

    await free();
    await store.set(new Map([[key(1), '{"position":30}']]));
    await store.stop();
    const again = new FileOffsetBackingStore(file);
    await again.start();
    t.same(
      again.get([key(0), key(1), key(599)]),
      ['{"position":20}', '{"position":30}', many.get(key(599))],
      'the first write after space is back carries what the failed ones had',
    );
    t.same(await readdir(disk), ['connect.offsets']);
    await again.stop();
  },
);

const TP0: TopicPartition = { topic: 'in', partition: 0 };

function context(config: TaskConfig): SinkTaskContext {
  return {
    configs: () => config,
    offset: () => undefined,
    timeout: () => undefined,
    assignment: () => [TP0],
    pause: () => undefined,
    resume: () => undefined,
    requestCommit: () => undefined,
    errantRecordReporter: () => null,
  };
}

const line = (i: number): string => `record ${i} ${'é'.repeat(i % 5)}${'x'.repeat(i % 97)}`;
const sinkRecords = (from: number, to: number): SinkRecord[] =>
  Array.from(
    { length: to - from },
    (_, k) => new SinkRecord({ topic: 'in', kafkaPartition: 0, kafkaOffset: from + k, value: line(from + k) }),
  );
const expectedLines = (to: number): string[] => Array.from({ length: to }, (_, i) => line(i));

t.test(
  'file sink: a flush that fails part-way leaves whole lines only; what the framework puts again after its rewind is not written twice',
  { skip },
  async (t) => {
    const disk = (await mountTmpfs(t, '256k'))!;
    const file = path.join(disk, 'out.txt');
    const config = { name: 'sink', 'connector.class': 'FileStreamSink', topics: 'in', file };
    const task = new FileStreamSinkTask();
    task.initialize(context(config));
    await task.start(config);
    await task.open([TP0]);
    await task.put(sinkRecords(0, 100));
    await task.flush(new Map([[TP0, 100]]));

    // Room for part of the next flush only: the kernel writes what fits, then says ENOSPC.
    const free = await fillDisk(disk, 8192);
    await task.put(sinkRecords(100, 1100));
    await t.rejects(task.flush(new Map([[TP0, 1100]])), { name: 'RetriableException', message: /ENOSPC/ }, 'flush fails, saying why');
    const during = await readLines(file);
    t.equal(during.at(-1), '', 'the file ends with a whole line (no torn tail)');
    const written = during.slice(0, -1);
    t.ok(written.length > 100 && written.length < 1100, `part of the flush reached the file (${written.length} lines)`);
    t.same(written, expectedLines(written.length), 'what is there is each line once, in order, whole');

    // As WorkerSinkTask after a failed preCommit: back to the last committed offset (100), put again, then more.
    await task.put(sinkRecords(100, 600));
    await task.put(sinkRecords(600, 1100));
    await task.put(sinkRecords(1100, 1200));
    await t.rejects(task.flush(new Map([[TP0, 1200]])), { name: 'RetriableException' }, 'still full: fails again');
    t.same(repeated(await readLines(file)), [], 'no line twice while full');

    await free();
    await task.put(sinkRecords(1200, 1300));
    await task.flush(new Map([[TP0, 1300]]));
    t.same(await readLines(file), [...expectedLines(1300), ''], 'space back: every line once, in order, none torn');
    await task.stop();
  },
);

t.test('file sink: a put whose write fails asks to be retried; the retried put writes nothing twice', { skip }, async (t) => {
  // Larger than the 1 MiB at which put() writes without waiting for flush().
  const disk = (await mountTmpfs(t, '4m'))!;
  const file = path.join(disk, 'out.txt');
  const config = { name: 'sink', 'connector.class': 'FileStreamSink', topics: 'in', file };
  const task = new FileStreamSinkTask();
  task.initialize(context(config));
  await task.start(config);
  await task.open([TP0]);
  const free = await fillDisk(disk, 64 * 1024);
  const batch = sinkRecords(0, 20000);
  await t.rejects(
    task.put(batch),
    { name: 'RetriableException', message: /ENOSPC/ },
    'put fails with a RetriableException: the framework puts the same records again',
  );
  const during = await readLines(file);
  t.equal(during.at(-1), '', 'no torn tail');
  t.same(during.slice(0, -1), expectedLines(during.length - 1), 'whole lines, once, in order');
  await t.rejects(task.put(batch), { name: 'RetriableException' }, 'the retry fails too while the disk is full');
  await free();
  await task.put(batch);
  await task.flush(new Map([[TP0, 20000]]));
  t.same(await readLines(file), [...expectedLines(20000), ''], 'space back: every line once');
  await task.stop();
});

t.test(
  'the daemon with its offsets file and a file sink on a full disk: tasks stay RUNNING, nothing is lost, repeated or torn',
  { skip },
  async (t) => {
    const { cluster, root, startConnectd } = await connectdHarness(t, 'disk-full');
    // Room for more than the 1 MiB the sink buffers before put() itself writes.
    const disk = (await mountTmpfs(t, '4m'))!;
    const offsetsFile = path.join(disk, 'offsets.json');
    const input = path.join(root, 'in.txt');
    const output = path.join(disk, 'out.txt');
    const text = (i: number): string => `line ${i} ${'x'.repeat(60 + (i % 50))}`;
    const lines = (n: number, from = 0): string[] => Array.from({ length: n }, (_, k) => text(from + k));
    await cluster.createTopic('full', { partitions: 1 });
    await writeFile(input, `${lines(1000).join('\n')}\n`);
    const connectors: Record<string, string>[] = [
      { name: 'src', 'connector.class': 'FileStreamSource', 'tasks.max': '1', file: input, topic: 'full' },
      { name: 'sink', 'connector.class': 'FileStreamSink', 'tasks.max': '1', file: output, topics: 'full' },
    ];
    const worker = {
      'allowed.paths': `${root},${disk}`,
      'offset.storage.file.filename': offsetsFile,
      'offset.flush.interval.ms': '500',
      'consumer.session.timeout.ms': '6000',
      'consumer.heartbeat.interval.ms': '1000',
    };
    const proc = await startConnectd('disk-full', connectors, worker);
    const sourcePosition = async (): Promise<unknown> => {
      const res = await proc.request('GET', '/connectors/src/offsets');
      return (res.body as { offsets: { offset: { position?: number } }[] }).offsets[0]?.offset.position;
    };
    const states = async (p: ConnectdProcess): Promise<string[]> =>
      [...(await p.status('src')).tasks, ...(await p.status('sink')).tasks].map((task) => task.state);
    const firstSize = (await stat(input)).size;
    await waitFor('the first 1000 lines in the sink file', async () => (await readLines(output)).length === 1001, 120000);
    await waitFor('the source position committed', async () => (await sourcePosition()) === firstSize, 60000);
    const offsetsBefore = await readFile(offsetsFile, 'utf8');

    const free = await fillDisk(disk);
    // First about 200 kB, well under the sink's 1 MiB buffer: its flushes fail (and rewind). Only
    // then the rest, about 1.2 MB: the buffer grows past 1 MiB and put() fails too. In one go, a
    // quiet machine delivers more than 1 MiB before the first flush, and put() fails first: once
    // put() is being retried, no flush comes, so the flush path would go untested.
    await appendFile(input, `${lines(2000, 1000).join('\n')}\n`);
    const log = (): Promise<string> => readFile(proc.logFile, 'utf8');
    await waitFor(
      'the source task’s offset commit failed',
      async () => (await log()).includes('offset commit failed; will retry at the next flush'),
      60000,
    );
    await waitFor(
      'the sink task’s flush failed',
      async () => (await log()).includes('Offset commit failed, rewinding to last committed offsets'),
      60000,
    );
    await appendFile(input, `${lines(13000, 3000).join('\n')}\n`);
    await waitFor(
      'the sink task’s put failed and is retried',
      async () => (await log()).includes('RetriableException from SinkTask'),
      120000,
    );
    t.match(await log(), /ENOSPC/, 'the log says why');
    // A few more flush intervals on the full disk.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    t.same(await states(proc), ['RUNNING', 'RUNNING'], 'both tasks RUNNING while the disk is full');
    t.same(
      (await readdir(disk)).filter((n) => n.includes('.tmp-')),
      [],
      'no temp file left behind',
    );
    t.equal(await readFile(offsetsFile, 'utf8'), offsetsBefore, 'the offsets file is its last good version');
    const during = await readLines(output);
    t.equal(during.at(-1), '', 'the sink file ends with a whole line');
    t.same(during.slice(0, -1), lines(during.length - 1), 'the sink file holds whole lines, each once, in order');

    const count = (text: string, what: string): number => text.split(what).length - 1;
    const fullLog = await log();
    t.comment(
      `while full: ${count(fullLog, 'offset commit failed; will retry')} failed source commits, ${count(fullLog, 'Offset commit failed, rewinding')} failed sink flushes, ${count(fullLog, 'RetriableException from SinkTask')} retried puts, ${during.length - 1} lines in the sink file`,
    );
    await free();
    const freedAt = Date.now();
    const fullSize = (await stat(input)).size;
    await waitFor('every line in the sink file', async () => (await readLines(output)).length >= 16001, 120000);
    const recoverySeconds = Math.round((Date.now() - freedAt) / 100) / 10;
    await waitFor('the source position committed to the end', async () => (await sourcePosition()) === fullSize, 60000);
    t.same(await readLines(output), [...lines(16000), ''], 'space back: every line once, in order, none torn');
    t.same(await states(proc), ['RUNNING', 'RUNNING'], 'both tasks RUNNING');
    t.equal(await proc.stop(), 0);
    t.same(await readdir(disk), ['offsets.json', 'out.txt'], 'no temp file at the end');
    const records = await readTopic(cluster.bootstrapServers, 'full');
    t.same(
      records.map((r) => r.value),
      lines(16000),
      'the topic has every line once (the source committed nothing twice)',
    );

    // The fault suite's rows (docs/reliability.md): the topic, and the sink's file.
    const lineNo = (l: string | null | undefined): [string, number] => ['in.txt', Number(/^line (\d+) /.exec(l ?? '')?.[1] ?? -1)];
    const expected = new Map([['in.txt', 16000]]);
    const injected =
      'the disk of the standalone offsets file and the file sink full (a 4 MiB tmpfs filled) while 15,000 lines arrive, then space back';
    await recordReliability({
      scenario: 'disk-full-source',
      test: 'test/standalone/disk-full.test.ts',
      injected: `${injected}: FileStreamSource → topic`,
      bound: 'none (offsets kept, committed once space is back)',
      maxDuplicates: 0,
      recoverySeconds,
      ...audit(
        expected,
        records.map((r) => lineNo(r.value)),
      ),
    });
    const sinkLines = (await readLines(output)).slice(0, -1);
    await recordReliability({
      scenario: 'disk-full-sink',
      test: 'test/standalone/disk-full.test.ts',
      injected: `${injected}: topic → FileStreamSink`,
      bound: 'none (failed flushes rewind; nothing torn or written twice)',
      maxDuplicates: 0,
      recoverySeconds,
      ...audit(expected, sinkLines.map(lineNo)),
    });
  },
);
