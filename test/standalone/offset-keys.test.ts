/**
 * Source offsets whose key holds a character outside the BMP, through the real daemon, the real
 * offsets file and a real broker: a FileStreamSource connector named `orders-📦` reading a file
 * named with an emoji is stopped gracefully (SIGTERM), started again, and reads the lines appended
 * meanwhile. Every line is in the topic exactly once: the restarted task found its offset (the
 * offsets file gives keys back as the runtime builds them, Jackson's `\uD83D\uDCE6`), and the file
 * holds one key for the partition, not a second one beside it.
 */
import { appendFile, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import t from 'tap';
import type { ConnectdProcess } from '../../tools/connectd-process.js';
import { readTopic } from '../../tools/topic-reader.js';
import { waitFor } from '../fixtures/wait.js';
import { connectdHarness } from '../fixtures/connectd-harness.js';

const { cluster, root, startConnectd } = await connectdHarness(t, 'offset-keys');

const NAME = 'orders-📦';
const lines = (n: number, from = 0): string[] => Array.from({ length: n }, (_, i) => `order ${from + i} 📦 ${'x'.repeat((from + i) % 40)}`);

async function restOffsets(proc: ConnectdProcess): Promise<{ partition: Record<string, unknown>; offset: Record<string, unknown> }[]> {
  const res = await proc.request('GET', `/connectors/${encodeURIComponent(NAME)}/offsets`);
  return (res.body as { offsets: { partition: Record<string, unknown>; offset: Record<string, unknown> }[] }).offsets;
}

/** Waits until the committed position (over REST, i.e. the store) is the whole file. */
async function committedToEnd(proc: ConnectdProcess, input: string): Promise<void> {
  const size = (await stat(input)).size;
  await waitFor(`position ${size} committed`, async () => (await restOffsets(proc)).some((o) => o.offset.position === size), 120000);
}

t.test('a connector named orders-📦 resumes where it stopped: every line exactly once', async (t) => {
  await cluster.createTopic('orders', { partitions: 1 });
  const input = path.join(root, 'in-📦.txt');
  await writeFile(input, `${lines(2000).join('\n')}\n`);
  const connectors = [{ name: NAME, 'connector.class': 'FileStreamSource', 'tasks.max': '1', file: input, topic: 'orders' }];
  const worker = { 'offset.flush.interval.ms': '500' };

  const first = await startConnectd('offset-keys', connectors, worker);
  await committedToEnd(first, input);
  t.equal(await first.stop(), 0, 'SIGTERM stops with exit code 0');
  const fileText = await readFile(first.offsetsFile, 'utf8');
  t.ok(fileText.includes('"orders-\\uD83D\\uDCE6"'), 'the key is in Kafka Connect’s form (Jackson’s escapes)');

  const second = await startConnectd('offset-keys', connectors, worker);
  t.same(
    (await restOffsets(second)).map((o) => o.offset.position),
    [(await stat(input)).size],
    'the restarted daemon has the committed position',
  );
  await appendFile(input, `${lines(500, 2000).join('\n')}\n`);
  await committedToEnd(second, input);
  t.same(
    (await second.status(NAME)).tasks.map((task) => task.state),
    ['RUNNING'],
  );
  t.equal(await second.stop(), 0);

  const records = await readTopic(cluster.bootstrapServers, 'orders');
  const expected = lines(2500);
  t.equal(records.length, expected.length, `${expected.length} records: none read twice after the restart (got ${records.length})`);
  t.same(
    records.map((r) => r.value),
    expected,
    'every line once, in order',
  );
  const stored = JSON.parse(await readFile(second.offsetsFile, 'utf8')) as { offsets: [[string, unknown], unknown][] };
  t.equal(stored.offsets.filter(([[name]]) => name === NAME).length, 1, 'one key for the partition in the offsets file');
});
