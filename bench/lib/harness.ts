/**
 * What every benchmark run needs around it on a shared 2-core machine: a quiet moment before it,
 * a repeat when other processes disturbed it, fresh topics, and a record of the machine and the
 * versions it ran on (after Conduit benchi's METHODOLOGY.md).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import kafka from '@confluentinc/kafka-javascript';
import type { KafkaCluster } from '../../tools/kafka/cluster.js';
import { foreignLoad, sampleMachine } from './proc-stats.js';
import type { ForeignLoad } from './proc-stats.js';
import { round } from './stats.js';

/**
 * The machine is shared (other engineers' tests run on the same 2 cores): a run during which
 * processes other than the contender, the broker and the harness used more than this many cores
 * on average is repeated and left out of the medians.
 */
export const FOREIGN_LOAD_LIMIT_CORES = 0.15;
/** Before each run: half a second in which other processes used less than this. */
export const QUIET_CORES = 0.1;

export function log(line: string): void {
  process.stdout.write(`[${new Date().toISOString().slice(11, 19)}] ${line}\n`);
}

export function brokerPid(cluster: KafkaCluster): number {
  const pid = cluster.nodes[0]?.pid;
  if (pid === undefined) throw new Error('broker pid unknown');
  return pid;
}

/**
 * Waits (up to `maxMs`) for a half second in which other processes on the machine used less than
 * QUIET_CORES: another engineer's broker or test suite on the same 2 cores skews whoever runs then.
 * Returns the ms waited (none when `maxMs` is 0).
 */
export async function waitForQuiet(cluster: KafkaCluster, maxMs: number): Promise<number> {
  if (maxMs <= 0) return 0;
  const started = performance.now();
  for (;;) {
    const before = sampleMachine();
    await sleep(500);
    const load = foreignLoad(before, sampleMachine(), [brokerPid(cluster), process.pid], 0.5);
    const waited = performance.now() - started;
    if (load.otherCores < QUIET_CORES) return waited;
    if (waited > maxMs) {
      log(`  machine still busy after ${round(waited / 1000)} s (${load.otherTop}); running anyway`);
      return waited;
    }
  }
}

/** A run's result as the repeat logic sees it. */
export interface Disturbable {
  foreign: ForeignLoad;
  /** Set when other load on the machine spoiled the run: it was repeated and is left out. */
  discarded?: string;
}

/**
 * Runs `once` after waiting for a quiet machine; repeats it (up to `perRun` times, and while the
 * budget lasts) when other processes used more than FOREIGN_LOAD_LIMIT_CORES meanwhile. Every
 * attempt is returned, the disturbed ones marked `discarded`; the last one counts.
 */
export class QuietRunner {
  repeats = 0;
  quietWaitMs = 0;
  readonly #cluster: KafkaCluster;
  readonly #maxRepeats: number;
  readonly #perRun: number;
  readonly #quietWaitMaxMs: number;

  constructor(cluster: KafkaCluster, opts: { maxRepeats: number; perRun: number; quietWaitMaxMs: number }) {
    this.#cluster = cluster;
    this.#maxRepeats = opts.maxRepeats;
    this.#perRun = opts.perRun;
    this.#quietWaitMaxMs = opts.quietWaitMaxMs;
  }

  get quietWaitMaxMs(): number {
    return this.#quietWaitMaxMs;
  }
  get perRun(): number {
    return this.#perRun;
  }
  get maxRepeats(): number {
    return this.#maxRepeats;
  }

  async waitForQuiet(): Promise<void> {
    this.quietWaitMs += await waitForQuiet(this.#cluster, this.#quietWaitMaxMs);
  }

  async run<R extends Disturbable>(once: () => Promise<R>): Promise<R[]> {
    const attempts: R[] = [];
    await this.waitForQuiet();
    let result = await once();
    for (
      let again = 0;
      result.foreign.otherCores > FOREIGN_LOAD_LIMIT_CORES && again < this.#perRun && this.repeats < this.#maxRepeats;
      again++
    ) {
      this.repeats++;
      result.discarded = `other processes used ${result.foreign.otherCores} cores meanwhile (${result.foreign.otherTop}); repeated`;
      log(`  ${result.discarded}`);
      attempts.push(result);
      await this.waitForQuiet();
      result = await once();
    }
    attempts.push(result);
    return attempts;
  }
}

let topicSeq = 0;
/** A new topic with a unique name (a run never sees another run's records); `configs`: topic settings (e.g. retention). */
export async function freshTopic(
  cluster: KafkaCluster,
  label: string,
  partitions: number,
  configs?: Record<string, string>,
): Promise<string> {
  const topic = `bench-${Date.now().toString(36)}-${topicSeq++}-${label}`;
  await cluster.createTopic(topic, { partitions, ...(configs === undefined ? {} : { configs }) });
  return topic;
}

export function perMillion(seconds: number, records: number): number {
  return round((seconds * 1e6) / records, 2);
}

/** The commit the harness measures: BENCH_CONNECTD_COMMIT for a run from an exported tree (git archive), else HEAD. */
export function gitDescribe(repo: string): string {
  if (process.env.BENCH_CONNECTD_COMMIT) return process.env.BENCH_CONNECTD_COMMIT;
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: repo, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src', 'workers'], { cwd: repo, encoding: 'utf8' }).trim() !== '';
    return dirty ? `${commit} (src/ or workers/ modified)` : commit;
  } catch {
    return 'unknown';
  }
}

/** The machine and the versions of everything measured. */
export function machineInfo(cluster: KafkaCluster, repo: string): Record<string, string | number> {
  let java = 'unknown';
  try {
    // `java -version` writes to stderr.
    java = execFileSync('bash', ['-c', 'java -version 2>&1 | head -n1'], { encoding: 'utf8' }).trim();
  } catch {
    // No java: the Java contenders will say so.
  }
  return {
    cpus: os.cpus().length,
    model: os.cpus()[0]?.model ?? 'unknown',
    kernel: os.release(),
    memoryGiB: round(os.totalmem() / 2 ** 30, 1),
    node: process.version,
    librdkafka: kafka.librdkafkaVersion,
    kafkaJavascript: (
      JSON.parse(readFileSync(path.join(repo, 'node_modules/@confluentinc/kafka-javascript/package.json'), 'utf8')) as { version: string }
    ).version,
    kafka: cluster.kafkaVersion,
    java,
    connectd: gitDescribe(repo),
  };
}

const WORK_PREFIX = 'connectd-bench-';

/**
 * The harness's scratch folder (input files, sink outputs, worker configs and logs), with its
 * owner's pid in it; folders of harnesses that died without cleaning up (SIGKILL) are deleted.
 */
export async function makeWorkDir(): Promise<string> {
  for (const name of readdirSync(os.tmpdir()).filter((n) => n.startsWith(WORK_PREFIX))) {
    const dir = path.join(os.tmpdir(), name);
    try {
      const owner = Number(readFileSync(path.join(dir, 'owner'), 'utf8').trim());
      if (Date.now() - statSync(dir).mtimeMs < 60_000 || pidAlive(owner)) continue;
      rmSync(dir, { recursive: true, force: true });
    } catch {
      // No owner file (not ours), or gone meanwhile.
    }
  }
  const dir = await mkdtemp(path.join(os.tmpdir(), WORK_PREFIX));
  writeFileSync(path.join(dir, 'owner'), `${process.pid}\n`);
  return dir;
}

function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
