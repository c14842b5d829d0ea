/**
 * The S3 source end to end: the connectd daemon (a child process) runs the connector against a real
 * S3-compatible server (S3Proxy) and a real Kafka broker; the test reads the topic back. Objects
 * added while running appear; a SIGKILL inside a large object resumes at the right line; a new
 * prefix starts new task work while the existing task keeps going; a bad JSON line fails its task
 * saying where; and the same through a local directory (file://).
 */
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import t from 'tap';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { ConnectdProcess } from '../../../tools/connectd-process.js';
import { S3Server } from '../../../tools/s3/server.js';
import { readTopic } from '../../../tools/topic-reader.js';
import type { ConsumedRecord } from '../../../tools/topic-reader.js';
import { connectdHarness } from '../../fixtures/connectd-harness.js';
import { waitFor } from '../../fixtures/wait.js';

const { cluster, startConnectd } = await connectdHarness(t, 's3-source');
const s3 = await S3Server.start();
t.teardown(() => s3.stop());
const client = s3.client();
t.teardown(() => client.destroy());

const put = (bucket: string, key: string, body: string | Buffer) =>
  client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
const lines = (name: string, from: number, to: number): string =>
  Array.from({ length: to - from + 1 }, (_, i) => `${name}-${from + i}\n`).join('');

function s3Source(name: string, bucket: string, topic: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    name,
    'connector.class': 'io.connectd.connectors.s3.S3SourceConnector',
    'tasks.max': '1',
    bucket,
    topic,
    'poll.interval.ms': '200',
    ...s3.connectorProps(),
    ...extra,
  };
}

async function written(proc: ConnectdProcess, connector: string, task?: number): Promise<number> {
  return proc.metric(
    'connectd_source_record_write_total',
    task === undefined ? `connector="${connector}"` : `connector="${connector}",task="${task}"`,
  );
}

/** Object key → the line numbers found for it, in topic order (one partition keeps that order). */
function linesByObject(records: readonly ConsumedRecord[]): Map<string, number[]> {
  const found = new Map<string, number[]>();
  for (const r of records) {
    const key = r.headers['s3.key']!;
    (found.get(key) ?? found.set(key, []).get(key)!).push(Number(r.headers['s3.line']));
  }
  return found;
}

const upTo = (n: number): number[] => Array.from({ length: n }, (_, i) => i + 1);

t.test('every line once, objects in key order, gzip detected, new objects read while running', async (t) => {
  await s3.createBucket('orders');
  await put('orders', 'day/2024-01-01.txt', lines('one', 1, 300));
  await put('orders', 'day/2024-01-02.txt.gz', gzipSync(lines('two', 1, 200)));
  await put('orders', 'elsewhere/ignored.txt', 'not in the prefix\n');
  await cluster.createTopic('orders', { partitions: 1 });
  const proc = await startConnectd('orders', [
    s3Source('orders', 'orders', 'orders', { 'prefix.whitelist': 'day/', 'key.mode': 'object-key-line', 'batch.size': '64' }),
  ]);
  await waitFor('the first two objects', async () => (await written(proc, 'orders')) === 500);
  await put('orders', 'day/2024-01-03.txt', lines('three', 1, 100));
  await waitFor('the object added while running', async () => (await written(proc, 'orders')) === 600);
  t.same(
    (await proc.status('orders')).tasks.map((task) => task.state),
    ['RUNNING'],
  );
  t.equal(await proc.stop(), 0);

  const records = await readTopic(cluster.bootstrapServers, 'orders');
  t.equal(records.length, 600, 'no line missing, none extra');
  t.same([...linesByObject(records).keys()], ['day/2024-01-01.txt', 'day/2024-01-02.txt.gz', 'day/2024-01-03.txt'], 'objects in key order');
  t.same(linesByObject(records).get('day/2024-01-02.txt.gz'), upTo(200), "the gzip object's lines, in order");
  const names = { 'day/2024-01-01.txt': 'one', 'day/2024-01-02.txt.gz': 'two', 'day/2024-01-03.txt': 'three' } as Record<string, string>;
  const wrong = records.filter(
    (r) =>
      r.value !== `${names[r.headers['s3.key']!]}-${r.headers['s3.line']}` || r.key !== `${r.headers['s3.key']}:${r.headers['s3.line']}`,
  );
  t.same(wrong, [], 'each value is its line; each key is <object key>:<line>');
  const offsets = await proc.committedOffsets('orders');
  t.match(
    offsets.get(JSON.stringify({ bucket: 'orders', prefix: 'day/' })),
    { key: 'day/2024-01-03.txt', line: 100, eof: true },
    'the committed offset is the last line of the last object',
  );
});

t.test('SIGKILL inside a large object, then restart: resumes at the line after the last commit', async (t) => {
  const total = 400_000;
  await s3.createBucket('big');
  await put('big', 'in/a-big.txt', lines('big', 1, total));
  await put('big', 'in/b-after.txt', lines('after', 1, 10));
  await cluster.createTopic('big', { partitions: 1 });
  const config = s3Source('big', 'big', 'big', { 'prefix.whitelist': 'in/', 'batch.size': '200' });
  const partition = JSON.stringify({ bucket: 'big', prefix: 'in/' });
  const first = await startConnectd('big', [config], { 'offset.flush.interval.ms': '300' });
  await waitFor(
    'a tenth of the lines acknowledged and an offset committed',
    async () => (await written(first, 'big')) >= total / 10 && (await first.committedOffsets('big')).has(partition),
  );
  await first.kill();
  const atKill = (await first.committedOffsets('big')).get(partition)!;
  t.match(atKill, { key: 'in/a-big.txt', eof: false }, 'killed inside the large object');
  const committedLine = Number(atKill.line);
  t.ok(committedLine > 0 && committedLine < total, `committed at line ${committedLine} of ${total}`);
  t.equal(atKill.position, Buffer.byteLength(lines('big', 1, committedLine)), "the offset's byte position is right after that line");

  const second = await startConnectd('big', [config], { 'offset.flush.interval.ms': '300' });
  await waitFor(
    'the next object read to its end',
    async () =>
      (await second.committedOffsets('big')).get(partition)?.key === 'in/b-after.txt' &&
      (await second.committedOffsets('big')).get(partition)?.eof === true,
    180_000,
  );
  t.equal(await second.stop(), 0);

  const found = linesByObject(await readTopic(cluster.bootstrapServers, 'big'));
  const counts = new Map<number, number>();
  for (const line of found.get('in/a-big.txt') ?? []) counts.set(line, (counts.get(line) ?? 0) + 1);
  let missing = 0;
  let duplicatedBeforeCommit = 0;
  let duplicates = 0;
  for (let line = 1; line <= total; line++) {
    const n = counts.get(line) ?? 0;
    if (n === 0) missing++;
    if (n > 1) {
      duplicates += n - 1;
      if (line <= committedLine) duplicatedBeforeCommit++;
    }
  }
  t.equal(missing, 0, 'no line missing');
  t.equal(duplicatedBeforeCommit, 0, 'no line up to the committed one read again (the restart did not start the object over)');
  t.same(found.get('in/b-after.txt'), upTo(10), 'then the next object, once');
  t.comment(`lines produced again after the last commit: ${duplicates}`);
});

t.test('a new prefix found by discovery starts new task work; the existing task keeps going', async (t) => {
  await s3.createBucket('tenants');
  await put('tenants', 'by-tenant/acme/0001.log', lines('acme', 1, 50));
  await cluster.createTopic('tenants', { partitions: 1 });
  const proc = await startConnectd('tenants', [
    s3Source('tenants', 'tenants', 'tenants', { 'tasks.max': '4', 'prefix.whitelist': 'by-tenant/', 'prefix.discovery.delimiter': '/' }),
  ]);
  await waitFor(
    'one task, the first tenant read',
    async () => (await proc.status('tenants')).tasks.length === 1 && (await written(proc, 'tenants')) === 50,
  );
  const before = (await proc.request('GET', '/connectors/tenants/tasks')).body as { config: Record<string, string> }[];

  await put('tenants', 'by-tenant/globex/0001.log', lines('globex', 1, 30));
  await waitFor('a second task', async () => (await proc.status('tenants')).tasks.length === 2);
  await put('tenants', 'by-tenant/acme/0002.log', lines('acme', 51, 70));
  await waitFor('both tenants read, the existing one further', async () => (await written(proc, 'tenants')) === 100);
  const after = (await proc.request('GET', '/connectors/tenants/tasks')).body as { config: Record<string, string> }[];
  t.same(after[0]?.config, before[0]?.config, "task 0's config did not change, so it was not restarted");
  t.match(after[1]?.config['task.partitions'], /by-tenant\/globex\//, 'task 1 reads the new prefix');
  t.equal(await written(proc, 'tenants', 1), 30, 'the new task read the new tenant');
  t.same(
    (await proc.status('tenants')).tasks.map((task) => task.state),
    ['RUNNING', 'RUNNING'],
  );
  t.equal(await proc.stop(), 0);

  const found = linesByObject(await readTopic(cluster.bootstrapServers, 'tenants'));
  t.same(found.get('by-tenant/acme/0001.log'), upTo(50));
  t.same(found.get('by-tenant/acme/0002.log'), upTo(20));
  t.same(found.get('by-tenant/globex/0001.log'), upTo(30));
});

t.test('jsonl: each line a schemaless JSON value; a line that is not JSON fails the task, naming the object and line', async (t) => {
  await s3.createBucket('events');
  await put('events', 'e/1-good.jsonl', '{"n":1,"tags":["a"]}\n\n{"n":2}\n');
  await put('events', 'e/2-bad.jsonl', '{"n":3}\nnot json\n{"n":4}\n');
  await cluster.createTopic('events', { partitions: 1 });
  const proc = await startConnectd('events', [
    s3Source('events', 'events', 'events', {
      'object.format': 'jsonl',
      'key.mode': 'none',
      'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
      'value.converter.schemas.enable': 'false',
    }),
  ]);
  const status = await waitFor('the task FAILED', async () => {
    const s = await proc.status('events');
    return s.tasks[0]?.state === 'FAILED' ? s : undefined;
  });
  t.match(status.tasks[0]!.trace, /s3:\/\/events\/e\/2-bad\.jsonl line 2: not JSON/, 'the trace names the object and the line');
  await waitFor('the lines before it acknowledged', async () => (await written(proc, 'events')) === 3);
  const partition = JSON.stringify({ bucket: 'events', prefix: '' });
  const committed = await waitFor('their offset committed', async () => (await proc.committedOffsets('events')).get(partition));
  t.match(committed, { key: 'e/2-bad.jsonl', line: 1, eof: false }, 'committed up to the line before the bad one: a restart begins at it');
  t.equal(await proc.stop(), 0);
  const values = (await readTopic(cluster.bootstrapServers, 'events')).map((r) => JSON.parse(r.value!) as unknown);
  t.same(
    values,
    [{ n: 1, tags: ['a'] }, { n: 2 }, { n: 3 }],
    'JSON values, the blank line skipped, everything before the bad line, nothing after',
  );
});

t.test('file:// bucket: a local directory, new files while running, a restart without duplicates', async (t) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'connectd-s3-local-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  await mkdir(path.join(dir, 'in'));
  await writeFile(path.join(dir, 'in', '001.txt'), lines('f1', 1, 40));
  await cluster.createTopic('local', { partitions: 1 });
  const config = {
    name: 'local',
    'connector.class': 'S3Source',
    'tasks.max': '1',
    bucket: pathToFileURL(dir).href,
    topic: 'local',
    'prefix.whitelist': 'in/',
    'poll.interval.ms': '200',
  };
  const first = await startConnectd('local', [config], { 'allowed.paths': dir });
  await waitFor('the first file', async () => (await written(first, 'local')) === 40);
  // Written under a dot-name, then renamed into place: a half-written file is never listed.
  await writeFile(path.join(dir, 'in', '.002.txt.tmp'), lines('f2', 1, 25));
  await rename(path.join(dir, 'in', '.002.txt.tmp'), path.join(dir, 'in', '002.txt'));
  await waitFor('the file added while running', async () => (await written(first, 'local')) === 65);
  t.equal(await first.stop(), 0);

  await writeFile(path.join(dir, 'in', '003.txt'), lines('f3', 1, 5));
  const second = await startConnectd('local', [config], { 'allowed.paths': dir });
  await waitFor('the file added while stopped', async () => (await written(second, 'local')) === 5);
  t.equal(await second.stop(), 0);
  const found = linesByObject(await readTopic(cluster.bootstrapServers, 'local'));
  t.same(
    [...found.entries()],
    [
      ['in/001.txt', upTo(40)],
      ['in/002.txt', upTo(25)],
      ['in/003.txt', upTo(5)],
    ],
    'every line of every file once, in order',
  );
});
