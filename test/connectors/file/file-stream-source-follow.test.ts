/**
 * The file source task following its file (`tail -f`), driven directly against real files: lines
 * appended while a poll waits or between polls, a file that appears later, a truncated or replaced
 * file (as Kafka: not handled), and the change watch an idle task waits on, released at stop.
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { appendFile, mkdir, mkdtemp, rename, rm, stat, truncate, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import t from 'tap';
import type { FileStreamSourceTask } from '../../../src/worker-thread/connectors/file/file-stream-source-connector.js';
import { startFileSourceTask } from '../../fixtures/file-source-task.js';

const root = await mkdtemp(path.join(os.tmpdir(), 'connectd-file-source-follow-'));
t.teardown(() => rm(root, { recursive: true, force: true }));

/** How long an idle poll waits before it returns null (the task's IDLE_WAIT_MS, Kafka's second). */
const IDLE_WAIT_MS = 1000;

const values = (records: Awaited<ReturnType<FileStreamSourceTask['poll']>>): string[] | null =>
  records?.map((r) => String(r.value)) ?? null;

/** Polls until one returns records (or `polls` returned null). */
async function nextLines(task: FileStreamSourceTask, polls = 3): Promise<string[] | null> {
  for (let i = 0; i < polls; i++) {
    const lines = values(await task.poll());
    if (lines !== null && lines.length > 0) return lines;
  }
  return null;
}

/** The inodes this process's inotify instances watch (Linux: /proc/self/fdinfo of each inotify fd). */
function inotifyWatchedInodes(): number[] {
  const inodes: number[] = [];
  for (const fd of readdirSync('/proc/self/fd')) {
    let target: string;
    try {
      target = readlinkSync(`/proc/self/fd/${fd}`);
    } catch {
      continue;
    }
    if (target !== 'anon_inode:inotify') continue;
    for (const match of readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8').matchAll(/^inotify wd:\S+ ino:([0-9a-f]+)/gm))
      inodes.push(Number.parseInt(match[1]!, 16));
  }
  return inodes;
}

t.test('a poll waiting at the end of the file returns a line appended meanwhile at once, not after its idle second', async (t) => {
  const file = path.join(root, 'wait.txt');
  await writeFile(file, 'first\n');
  const { task } = startFileSourceTask(file, null);
  t.teardown(() => task.stop());
  t.same(values(await task.poll()), ['first']);
  const started = performance.now();
  const waiting = task.poll();
  await sleep(100);
  await appendFile(file, 'second\n');
  t.same(values(await waiting), ['second'], 'the waiting poll returns the appended line');
  t.ok(performance.now() - started < IDLE_WAIT_MS, `within the poll's idle wait (${Math.round(performance.now() - started)} ms)`);
});

t.test('lines appended between polls are read by the next poll, every time; a partial line waits for its end', async (t) => {
  const file = path.join(root, 'between.txt');
  await writeFile(file, '');
  const { task } = startFileSourceTask(file, null);
  t.teardown(() => task.stop());
  t.equal(await task.poll(), null, 'an empty file: nothing');
  const got: string[] = [];
  for (let i = 0; i < 20; i++) {
    await appendFile(file, `line ${i}\n`);
    got.push(...(values(await task.poll()) ?? [`(poll ${i} returned nothing)`]));
  }
  t.same(
    got,
    Array.from({ length: 20 }, (_, i) => `line ${i}`),
    'each appended line, by the poll after it',
  );
  await appendFile(file, 'par');
  t.equal(await task.poll(), null, 'a line without its end is held');
  await appendFile(file, 'tial\nnext\n');
  t.same(await nextLines(task), ['partial', 'next']);
  t.equal(await task.poll(), null, 'and then nothing: no line twice');
});

t.test('a file that does not exist yet: nothing until it is created, then its lines, also when written after it was created', async (t) => {
  const file = path.join(root, 'later', 'late.txt');
  await mkdir(path.dirname(file));
  const { task } = startFileSourceTask(file, null);
  t.teardown(() => task.stop());
  t.equal(await task.poll(), null, 'no file: nothing, and no error');
  const waiting = task.poll();
  await sleep(100);
  await writeFile(file, 'a\nb\n');
  t.same(values(await waiting), ['a', 'b'], 'the poll waiting for the file returns its lines');

  const other = path.join(root, 'later', 'empty-first.txt');
  const second = startFileSourceTask(other, null).task;
  t.teardown(() => second.stop());
  t.equal(await second.poll(), null);
  await writeFile(other, '');
  t.equal(await second.poll(), null, 'created empty: nothing');
  await appendFile(other, 'c\n');
  t.same(await nextLines(second), ['c'], 'the line written after the file was created');
});

t.test('a file in a folder that does not exist: nothing, no error, and its lines once both are created', async (t) => {
  const file = path.join(root, 'no-such-folder', 'x.txt');
  const { task } = startFileSourceTask(file, null);
  t.teardown(() => task.stop());
  t.equal(await task.poll(), null);
  await mkdir(path.dirname(file));
  await writeFile(file, 'x\n');
  t.same(await nextLines(task), ['x']);
});

t.test(
  'truncated below the position: nothing until the file grows past it, then the bytes after the position (as Kafka: truncation is not handled)',
  async (t) => {
    const file = path.join(root, 'truncated.txt');
    await writeFile(file, 'aaaa\nbbbb\n');
    const { task } = startFileSourceTask(file, null);
    t.teardown(() => task.stop());
    t.same(values(await task.poll()), ['aaaa', 'bbbb']);
    await truncate(file, 0);
    await appendFile(file, 'cc\n');
    t.equal(await task.poll(), null, 'shorter than the position (10): nothing');
    await appendFile(file, 'dddddddd\nee\n');
    t.same(await nextLines(task), ['d', 'ee'], 'read on from byte 10 of the new content');
  },
);

t.test('replaced by another file (renamed over it): the task stays on the file it opened, as before', async (t) => {
  const file = path.join(root, 'replaced.txt');
  await writeFile(file, 'old\n');
  const { task } = startFileSourceTask(file, null);
  t.teardown(() => task.stop());
  t.same(values(await task.poll()), ['old']);
  const replacement = path.join(root, 'replacement.txt');
  await writeFile(replacement, 'new 1\nnew 2\n');
  await rename(replacement, file);
  await appendFile(file, 'new 3\n');
  t.equal(await task.poll(), null, 'nothing from the new file, and no error');
  t.equal(await task.poll(), null);
});

t.test(
  'the change watch: one on the file while the task runs, none after stop, over many start/poll/stop cycles',
  { skip: process.platform === 'linux' ? false : 'reads inotify watches from /proc' },
  async (t) => {
    const file = path.join(root, 'cycles.txt');
    await writeFile(file, 'one\n');
    const missing = path.join(root, 'cycles-missing', 'never.txt');
    await mkdir(path.dirname(missing));
    const fileInode = (await stat(file)).ino;
    const folderInode = (await stat(path.dirname(missing))).ino;
    const before = inotifyWatchedInodes().length;

    const { task } = startFileSourceTask(file, null);
    t.same(values(await task.poll()), ['one']);
    t.ok(inotifyWatchedInodes().includes(fileInode), 'the file is watched while the task runs (inotify)');
    await task.stop();
    t.notOk(inotifyWatchedInodes().includes(fileInode), 'its watch is removed by stop');

    const absent = startFileSourceTask(missing, null).task;
    t.equal(await absent.poll(), null);
    t.ok(inotifyWatchedInodes().includes(folderInode), 'a file that does not exist yet: its folder is watched');
    await absent.stop();
    t.notOk(inotifyWatchedInodes().includes(folderInode), 'and released by stop');

    const pendingPolls: unknown[] = [];
    for (let i = 0; i < 100; i++) {
      // In turn: stopped between polls, stopped while a poll waits, and (a missing file) stopped before any poll.
      const { task } = startFileSourceTask(i % 3 === 2 ? missing : file, null);
      if (i % 3 !== 2) await task.poll();
      const waiting = i % 3 === 1 ? task.poll() : null;
      await task.stop();
      if (waiting !== null) pendingPolls.push(await waiting);
    }
    t.ok(
      pendingPolls.every((r) => r === null),
      'each poll pending at stop returned null',
    );
    t.equal(inotifyWatchedInodes().length, before, 'after 100 cycles: no watch left behind');
  },
);
