/**
 * The file source through the real daemon and a real Kafka broker, read back from the topic: every
 * line in order with its exact bytes, CRLF and lone CR line ends, a partial last line held until its
 * end, lines appended while running, Kafka's offsets (`{"filename"}` → `{"position"}`) over REST,
 * resuming after a graceful stop (nothing missing, nothing twice) and after SIGKILL (nothing
 * missing; only lines after the committed position repeated), and Kafka Connect's class names.
 */
import { appendFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import t from 'tap';
import type { ConnectdProcess } from '../../../tools/connectd-process.js';
import { readTopic } from '../../../tools/topic-reader.js';
import { waitFor } from '../../fixtures/wait.js';
import { connectdHarness } from '../../fixtures/connectd-harness.js';

const { cluster, root, startConnectd } = await connectdHarness(t, 'file-source');

function fileSource(name: string, file: string, topic: string, extra: Record<string, string> = {}): Record<string, string> {
  return { name, 'connector.class': 'org.apache.kafka.connect.file.FileStreamSourceConnector', 'tasks.max': '1', file, topic, ...extra };
}

const metric = (proc: ConnectdProcess, name: string, connector: string): Promise<number> => proc.metric(name, `connector="${connector}"`);
const written = (proc: ConnectdProcess, connector: string): Promise<number> =>
  metric(proc, 'connectd_source_record_write_total', connector);

/**
 * Waits until `count` records are acknowledged and none is in flight, then returns how many the task
 * has polled in all. A record polled in the same batch as the last acknowledged one would be counted.
 */
async function settled(proc: ConnectdProcess, connector: string, count: number): Promise<number> {
  await waitFor(`${count} records acknowledged`, async () => (await written(proc, connector)) >= count);
  await waitFor('nothing in flight', async () => (await metric(proc, 'connectd_source_active_records', connector)) === 0);
  return metric(proc, 'connectd_source_record_poll_total', connector);
}

async function restOffsets(proc: ConnectdProcess, connector: string): Promise<unknown> {
  const res = await proc.request('GET', `/connectors/${connector}/offsets`);
  return (res.body as { offsets: unknown[] }).offsets;
}

t.test(
  'every line in order with its exact content; CRLF; appended lines; a partial last line waits for its end; Kafka offsets',
  async (t) => {
    const file = path.join(root, 'lines.txt');
    // Empty lines, spaces, tabs, non-ASCII, and the three line ends Kafka's task knows.
    const lines = Array.from({ length: 20000 }, (_, i) => (i % 1000 === 999 ? '' : `line ${i}\tünï 😀 ${'x'.repeat(i % 50)} `));
    // A lone \r before an empty line ending in \n would make one \r\n: not before an empty line.
    const ends = lines.map((_, i) => (i % 7 === 3 ? '\r\n' : i % 11 === 5 && lines[i + 1] !== '' ? '\r' : '\n'));
    const content = lines.map((line, i) => line + ends[i]!).join('');
    await writeFile(file, content);
    await cluster.createTopic('lines', { partitions: 1 });
    const proc = await startConnectd('lines', [fileSource('lines', file, 'lines')]);

    t.equal(await settled(proc, 'lines', lines.length), lines.length, 'every complete line polled once');
    // One write: the read that finds "A" finds "partial" too, so had it been emitted, it would be counted.
    await appendFile(file, 'A\npartial');
    t.equal(await settled(proc, 'lines', lines.length + 1), lines.length + 1, 'the line before the partial one, and not the partial line');
    const position = Buffer.byteLength(content + 'A\n');
    const expectedOffsets = [{ partition: { filename: file }, offset: { position } }];
    await waitFor(
      'offsets committed at the end of the last complete line',
      async () => JSON.stringify(await restOffsets(proc, 'lines')) === JSON.stringify(expectedOffsets),
    );
    t.same(await restOffsets(proc, 'lines'), expectedOffsets, 'GET /connectors/lines/offsets: {"filename": file} → {"position": bytes}');

    // The line completed; then a \r at the very end, which may be the start of a \r\n: held too.
    await appendFile(file, ' done\r\nB\r');
    t.equal(await settled(proc, 'lines', lines.length + 2), lines.length + 2, '"partial done" as one line; "B\\r" held');
    await appendFile(file, '\nC\n');
    t.equal(await settled(proc, 'lines', lines.length + 4), lines.length + 4);
    t.equal(await proc.stop(), 0);

    const records = await readTopic(cluster.bootstrapServers, 'lines');
    const expected = [...lines, 'A', 'partial done', 'B', 'C'];
    t.equal(records.length, expected.length);
    const firstWrong = records.findIndex((r, i) => r.value !== expected[i]);
    t.equal(
      firstWrong,
      -1,
      firstWrong === -1
        ? 'every line in order, exactly'
        : `record ${firstWrong} is ${JSON.stringify(records[firstWrong]?.value)}, expected ${JSON.stringify(expected[firstWrong])}`,
    );
    t.ok(
      records.every((r) => r.key === null),
      'keys are null, as in Kafka',
    );
    const committed = await proc.committedOffsets('lines');
    t.same(
      [...committed],
      [[JSON.stringify({ filename: file }), { position: Buffer.byteLength(content + 'A\npartial done\r\nB\r\nC\n') }]],
      'after the stop, the offset is the end of the file',
    );
  },
);

/** Appends numbered lines to a file in small writes until stopped; knows every line it wrote. */
class Appender {
  readonly lines: string[] = [];
  #running = true;
  readonly #done: Promise<void>;
  constructor(file: string, prefix: string) {
    this.#done = (async () => {
      await writeFile(file, '');
      while (this.#running) {
        const batch = Array.from(
          { length: 200 },
          (_, i) => `${prefix}-${this.lines.length + i}-${'w'.repeat((this.lines.length + i) % 30)}`,
        );
        await appendFile(file, batch.map((l) => `${l}\n`).join(''));
        this.lines.push(...batch);
        // Pacing only: the file grows while the connector reads it.
        await sleep(5);
      }
    })();
  }
  async stop(): Promise<void> {
    this.#running = false;
    await this.#done;
  }
  /** How many lines end at or before byte `position`; throws unless it is a line end. */
  linesBefore(position: number): number {
    let at = 0;
    for (let i = 0; i < this.lines.length; i++) {
      if (at === position) return i;
      at += Buffer.byteLength(this.lines[i]!) + 1;
    }
    if (at === position) return this.lines.length;
    throw new Error(`position ${position} is not at the end of a line`);
  }
  size(): number {
    return this.lines.reduce((sum, l) => sum + Buffer.byteLength(l) + 1, 0);
  }
}

async function committedPosition(proc: ConnectdProcess, connector: string, file: string): Promise<number> {
  const offset = (await proc.committedOffsets(connector)).get(JSON.stringify({ filename: file }));
  return Number(offset?.position ?? 0);
}

t.test('graceful stop while the file grows, then restart: every line exactly once, in order', async (t) => {
  const file = path.join(root, 'graceful.txt');
  const appender = new Appender(file, 'g');
  await cluster.createTopic('graceful', { partitions: 1 });
  const config = fileSource('graceful', file, 'graceful', { 'batch.size': '500' });
  const first = await startConnectd('graceful', [config]);
  await waitFor('lines flowing', async () => (await written(first, 'graceful')) >= 10000);
  t.equal(await first.stop(), 0);
  const stoppedAt = await committedPosition(first, 'graceful', file);
  t.ok(stoppedAt > 0, `stopped at byte ${stoppedAt}, line ${appender.linesBefore(stoppedAt)}`);

  const second = await startConnectd('graceful', [config]);
  await waitFor('the second run reading', async () => (await written(second, 'graceful')) > 0);
  await appender.stop();
  t.ok(stoppedAt < appender.size(), 'lines were appended after the stop');
  await waitFor('the whole file committed', async () => (await committedPosition(second, 'graceful', file)) === appender.size());
  t.equal(await second.stop(), 0);

  const values = (await readTopic(cluster.bootstrapServers, 'graceful')).map((r) => r.value);
  t.equal(values.length, appender.lines.length, `${appender.lines.length} lines, no more, no fewer`);
  const firstWrong = values.findIndex((v, i) => v !== appender.lines[i]);
  t.equal(
    firstWrong,
    -1,
    firstWrong === -1 ? 'each line once, in order, across the restart' : `record ${firstWrong} is ${values[firstWrong]}`,
  );
});

t.test('SIGKILL while the file grows, then restart: no line missing; only lines after the committed position repeated', async (t) => {
  const file = path.join(root, 'killed.txt');
  const appender = new Appender(file, 'k');
  await cluster.createTopic('killed', { partitions: 1 });
  const config = fileSource('killed', file, 'killed', { 'batch.size': '500' });
  const worker = { 'offset.flush.interval.ms': '300' };
  const first = await startConnectd('killed', [config], worker);
  await waitFor(
    'lines flowing and offsets committed',
    async () => (await written(first, 'killed')) >= 10000 && (await committedPosition(first, 'killed', file)) > 0,
  );
  await first.kill();
  const committedAtKill = appender.linesBefore(await committedPosition(first, 'killed', file));

  const second = await startConnectd('killed', [config], worker);
  await waitFor('the second run reading', async () => (await written(second, 'killed')) > 0);
  await appender.stop();
  await waitFor('the whole file committed', async () => (await committedPosition(second, 'killed', file)) === appender.size());
  t.equal(await second.stop(), 0);

  const lines = appender.lines;
  const values = (await readTopic(cluster.bootstrapServers, 'killed')).map((r) => r.value!);
  const index = new Map(lines.map((l, i) => [l, i]));
  const counts = new Array<number>(lines.length).fill(0);
  for (const v of values) {
    const i = index.get(v);
    if (i !== undefined) counts[i]!++;
  }
  t.equal(counts.indexOf(0), -1, 'no line missing');
  t.ok(
    counts.slice(0, committedAtKill).every((n) => n === 1),
    `the ${committedAtKill} lines committed before the kill: exactly once`,
  );
  t.ok(
    values.every((v) => index.has(v)),
    'nothing that is not a line of the file',
  );
  const resumed = values.slice(values.length - (lines.length - committedAtKill));
  t.same(resumed, lines.slice(committedAtKill), 'the restarted task read on from the committed position, in order');
  const beforeRestart = values.slice(0, values.length - resumed.length).map((v) => index.get(v)!);
  t.ok(
    beforeRestart.every((i, n) => i === n),
    'before the kill: a gap-free run from the first line',
  );
  t.comment(`lines: ${lines.length}; committed at the kill: ${committedAtKill}; repeated: ${values.length - lines.length}`);
});

t.test('names and config: Kafka Connect aliases, one task, a file that appears later, errors naming the key', async (t) => {
  await cluster.createTopic('late', { partitions: 1 });
  const proc = await startConnectd('names', []);
  const plugins = (await proc.request('GET', '/connector-plugins')).body as { class: string }[];
  t.ok(
    plugins.some((p) => p.class === 'io.connectd.connectors.file.FileStreamSourceConnector'),
    'the source is listed',
  );
  t.ok(
    plugins.some((p) => p.class === 'io.connectd.connectors.file.FileStreamSinkConnector'),
    'the sink is listed',
  );

  const late = path.join(root, 'late.txt');
  const created = await proc.request('PUT', '/connectors/late/config', {
    'connector.class': 'FileStreamSource',
    'tasks.max': '4',
    file: late,
    topic: 'late',
  });
  t.equal(created.status, 201, 'the alias FileStreamSource resolves');
  await waitFor('running, with one task whatever tasks.max says', async () => {
    const s = await proc.status('late');
    return s.connector.state === 'RUNNING' && s.tasks.length === 1 && s.tasks[0]!.state === 'RUNNING';
  });
  await writeFile(late, 'first\nsecond\n');
  await waitFor('the lines of the file created after the start', async () => (await written(proc, 'late')) === 2);

  const kafkaName = await proc.request(
    'PUT',
    '/connector-plugins/org.apache.kafka.connect.file.FileStreamSourceConnector/config/validate',
    {
      'connector.class': 'org.apache.kafka.connect.file.FileStreamSourceConnector',
      name: 'v',
      topic: 'a,b',
    },
  );
  t.equal(kafkaName.status, 200, "Kafka's class name validates");
  const body = kafkaName.body as { name: string; error_count: number; configs: { value: { name: string; errors: string[] } | null }[] };
  t.equal(body.name, 'io.connectd.connectors.file.FileStreamSourceConnector');
  const errors = (key: string): string[] => body.configs.find((c) => c.value?.name === key)?.value?.errors ?? [];
  t.match(errors('file'), [/Missing required configuration "file"/]);
  t.match(errors('topic'), [/Invalid value a,b for configuration topic: must name exactly one topic/]);
  t.equal(body.error_count, 2);

  const refused = await proc.request('PUT', '/connectors/bad/config', {
    'connector.class': 'FileStreamSource',
    file: '',
    topic: 'late',
    'batch.size': '0',
  });
  t.equal(refused.status, 400);
  const message = (refused.body as { message: string }).message;
  t.match(message, /file="": String must be non-empty/);
  t.match(message, /batch\.size="0": Value must be at least 1/);
  t.equal(await proc.stop(), 0);
  t.same(
    (await readTopic(cluster.bootstrapServers, 'late')).map((r) => r.value),
    ['first', 'second'],
  );
});
