/**
 * The service unit's sandbox, checked rather than hoped for: `systemd-analyze security` scores
 * systemd/connectd.service at 2.0 or lower, and the restrictions it sets are ones connectd lives
 * with. There is no systemd to run the unit here, so each restriction that could break the daemon
 * is reproduced around a real connectd (a source and a sink against a real broker, REST calls, a
 * graceful stop):
 * - SystemCallFilter: every system call the daemon makes, listed by strace, is in the filter's
 *   allow list as `systemd-analyze syscall-filter` expands it;
 * - ProcSubset=pid and ProtectProc=invisible: the daemon runs in a PID namespace whose /proc is
 *   mounted with `subset=pid,hidepid=invisible`, as systemd mounts it.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import t from 'tap';
import type { Test } from 'tap';
import { KafkaCluster } from '../../tools/kafka/cluster.js';
import { ConnectdProcess } from '../../tools/connectd-process.js';
import { readTopic } from '../../tools/topic-reader.js';
import { waitFor } from '../fixtures/wait.js';

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '../../..');
const UNIT = readFileSync(path.join(ROOT, 'systemd', 'connectd.service'), 'utf8');
const service = UNIT.split(/^\[/m).find((s) => s.startsWith('Service]')) ?? '';
const setting = (key: string): string[] => [...service.matchAll(new RegExp(`^${key}=(.*)$`, 'gm'))].map((m) => m[1]!.trim());

const dir = await mkdtemp(path.join(os.tmpdir(), 'connectd-hardening-'));
t.teardown(() => rm(dir, { recursive: true, force: true }));

const cluster = await KafkaCluster.start();
t.teardown(() => cluster.stop());

t.test('systemd-analyze security scores the unit 2.0 or lower', async (t) => {
  const file = path.join(dir, 'connectd.service');
  await writeFile(file, UNIT);
  const { stdout } = await run('systemd-analyze', ['security', '--offline=true', '--no-pager', file], { timeout: 60000 }).catch(
    (err: { stdout?: string; stderr?: string }) => ({ stdout: `${err.stdout ?? ''}${err.stderr ?? ''}` }),
  );
  const score = /Overall exposure level for connectd\.service: ([0-9.]+)/.exec(stdout);
  t.ok(score !== null, `systemd-analyze printed a score:\n${stdout.slice(-500)}`);
  t.ok(Number(score?.[1]) <= 2.0, `exposure ${score?.[1]} ≤ 2.0`);
});

/** The system calls a `SystemCallFilter=` group or name stands for, groups expanded. */
async function expandFilter(item: string, seen = new Set<string>()): Promise<Set<string>> {
  const out = new Set<string>();
  if (!item.startsWith('@')) return out.add(item);
  if (seen.has(item)) return out;
  seen.add(item);
  const { stdout } = await run('systemd-analyze', ['syscall-filter', '--no-pager', item]);
  for (const line of stdout.split('\n').slice(1)) {
    const name = line.trim();
    if (name === '' || name.startsWith('#')) continue;
    for (const s of await expandFilter(name, seen)) out.add(s);
  }
  return out;
}

/** A source into a topic, a sink out of it, a few REST calls, then a graceful stop. */
async function exercise(t: Test, name: string, wrap: string[]): Promise<void> {
  const topic = `hardening-${name}`;
  await cluster.createTopic(topic, { partitions: 2 });
  const sinkFile = path.join(dir, `${name}-sink.txt`);
  const proc = await ConnectdProcess.start({
    dir: path.join(dir, name),
    bootstrapServers: cluster.bootstrapServers,
    wrap,
    startTimeoutMs: 60000,
    worker: { 'allowed.paths': dir },
    connectors: [
      {
        name: 'gen',
        'connector.class': 'GeneratorSource',
        topic,
        'source.partitions': '2',
        'tasks.max': '2',
        'batch.size': '50',
        'records.per.second': '2000',
      },
      { name: 'sink', 'connector.class': 'FileStreamSink', topics: topic, file: sinkFile },
    ],
  });
  t.teardown(() => proc.kill());
  await waitFor(
    'the source and the sink running',
    async () => {
      const [gen, sink] = [await proc.status('gen'), await proc.status('sink')];
      return gen.tasks.length === 2 && gen.tasks.every((x) => x.state === 'RUNNING') && sink.tasks[0]?.state === 'RUNNING';
    },
    60000,
  );
  await waitFor(
    'records through the sink',
    async () => (await readFile(sinkFile, 'utf8').catch(() => '')).split('\n').length > 1000,
    60000,
  );
  const metrics = await (await fetch(`${proc.url}/metrics`)).text();
  t.match(metrics, /^connectd_process_open_fds \d+/m, 'process metrics read from /proc/self');
  t.match(metrics, /^connectd_process_resident_memory_bytes \d+/m);
  t.equal((await proc.request('PUT', '/connectors/gen/pause')).status, 202);
  t.equal((await proc.request('PUT', '/connectors/gen/resume')).status, 202);
  t.equal(await proc.stop(), 0, 'a graceful stop exits 0');
  const records = await readTopic(cluster.bootstrapServers, topic);
  t.ok(records.length > 1000, `${records.length} records in the topic`);
}

t.test("every system call the daemon makes passes the unit's SystemCallFilter", async (t) => {
  const filters = setting('SystemCallFilter');
  t.ok(filters.length > 0, 'the unit filters system calls');
  t.equal(setting('SystemCallErrorNumber')[0], 'EPERM', 'a call outside the filter fails with EPERM instead of killing the service');
  const allowed = new Set<string>();
  for (const line of filters) {
    const deny = line.startsWith('~');
    for (const item of (deny ? line.slice(1) : line).split(/\s+/).filter((x) => x !== '')) {
      for (const call of await expandFilter(item)) {
        if (deny) allowed.delete(call);
        else allowed.add(call);
      }
    }
  }
  t.ok(allowed.has('read') && allowed.has('epoll_wait') && !allowed.has('reboot'), `the filter expands (${allowed.size} calls)`);
  const summary = path.join(dir, 'strace.txt');
  try {
    await run('strace', ['-V']);
  } catch {
    return t.fail('strace is not installed (apt-get install strace)');
  }
  await exercise(t, 'strace', ['strace', '-f', '-qq', '-c', '-o', summary, '--']);
  // strace -c: a table whose last column is the call's name, between dashed rules, then "total".
  const used = (await readFile(summary, 'utf8'))
    .split('\n')
    .map((line) => line.trim().split(/\s+/).at(-1) ?? '')
    .filter((name) => /^[a-z_][a-z0-9_]*$/.test(name) && name !== 'total' && name !== 'syscall');
  t.ok(used.length > 30, `strace listed ${used.length} system calls`);
  const outside = used.filter((call) => !allowed.has(call));
  t.same(outside, [], 'no call outside the filter');
});

t.test('the daemon runs with /proc as ProcSubset=pid and ProtectProc=invisible mount it', async (t) => {
  t.equal(setting('ProcSubset')[0], 'pid');
  t.equal(setting('ProtectProc')[0], 'invisible');
  // A PID and mount namespace of its own, with a /proc that has only process directories.
  const mountProc = 'mount -t proc -o subset=pid,hidepid=invisible proc /proc && test ! -e /proc/cpuinfo && exec "$@"';
  await exercise(t, 'procsubset', ['unshare', '--mount', '--pid', '--fork', '--', 'sh', '-c', mountProc, 'sh']);
});
