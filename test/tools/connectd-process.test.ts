/**
 * tools/connectd-process.ts, the way tests, the demo and the benchmark start connectd: the daemon
 * never outlives the process that started it, even when that process is SIGKILLed (a benchmark
 * killed with kill -9, a test file killed by tap's timeout).
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { waitFor } from '../fixtures/wait.js';

const CONNECTD_PROCESS = path.resolve(import.meta.dirname, '../../tools/connectd-process.js');
const KAFKA_CLUSTER = path.resolve(import.meta.dirname, '../../tools/kafka/cluster.js');

/** Running, and not a zombie waiting for its parent to reap it. */
function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

t.test(
  'connectd dies with the process that started it, even when that process is SIGKILLed',
  { skip: process.platform === 'linux' ? false : 'reads /proc' },
  async (t) => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'connectd-process-tied-'));
    t.teardown(() => rm(dir, { recursive: true, force: true }));
    // A separate Node process starts a broker and a connectd, as the benchmark harness does, and
    // prints their pids; we SIGKILL that process.
    const script = `
    const { KafkaCluster } = await import(${JSON.stringify(KAFKA_CLUSTER)});
    const { ConnectdProcess } = await import(${JSON.stringify(CONNECTD_PROCESS)});
    const cluster = await KafkaCluster.start();
    const connectd = await ConnectdProcess.start({ dir: ${JSON.stringify(path.join(dir, 'connectd'))}, bootstrapServers: cluster.bootstrapServers, connectors: [] });
    console.log(JSON.stringify({ connectd: connectd.pid, broker: cluster.nodes[0].pid }));
    setInterval(() => {}, 1000);
  `;
    const parent = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    t.teardown(() => {
      parent.kill('SIGKILL');
    });
    const pids = await new Promise<{ connectd: number; broker: number }>((resolve, reject) => {
      let out = '';
      parent.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('\n')) resolve(JSON.parse(out.split('\n')[0]!) as { connectd: number; broker: number });
      });
      parent.once('exit', (code) => reject(new Error(`the parent exited early (${code})`)));
    });
    t.ok(alive(pids.connectd), `connectd runs (pid ${pids.connectd})`);
    t.match(
      readFileSync(`/proc/${pids.connectd}/cmdline`, 'utf8'),
      /main\.js\0standalone\0/,
      'that pid is the daemon itself, not its wrapper',
    );

    parent.kill('SIGKILL');
    const killedAt = performance.now();
    await waitFor('connectd gone', () => !alive(pids.connectd), 5000, 50);
    t.pass(`connectd gone ${Math.round(performance.now() - killedAt)} ms after its parent was SIGKILLed`);
    await waitFor('the broker gone', () => !alive(pids.broker), 5000, 50);
    t.pass('and the broker too');
  },
);
