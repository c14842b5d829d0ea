/**
 * One idle run: N file source connectors in one worker (connectd or Kafka Connect), each caught up
 * on its one-line file; the worker's RSS, threads and CPU while it waits, its start and stop.
 */
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { COMMON_WORKER, PARTITIONS } from './compare-options.js';
import type { CompareRuns } from './compare-runs.js';
import { brokerPid, freshTopic, log } from './harness.js';
import type { Disturbable } from './harness.js';
import { runIdle } from './pipelines.js';
import type { IdleWindow, WorkerFamily } from './pipelines.js';
import type { Family } from './scenarios.js';
import { round } from './stats.js';
import { countByWatermarks, deleteTopic } from './topics.js';

export interface IdleRow extends Disturbable {
  contender: Family;
  connectors: number;
  round: number;
  ok: boolean;
  problem?: string;
  rssMiB: number;
  peakRssMiB: number;
  threads: number;
  cpuCores: number;
  brokerCpuCores: number;
  /** The worker's CPU by thread group, in cores: where an idle worker spends it. */
  cpuCoresByThread: Record<string, number>;
  startupSeconds: number;
  /** SIGTERM → exit; "killed" when it took longer than the stop timeout (30 s connectd, 60 s Kafka Connect). */
  stopSeconds: number;
  stoppedCleanly: boolean;
}

export async function idleRun(runs: CompareRuns, family: WorkerFamily, connectors: number, roundNo: number): Promise<IdleRow> {
  const { cluster, work, o } = runs;
  const topic = await freshTopic(cluster, `idle-${connectors}-${family}`, PARTITIONS);
  const dir = path.join(work, topic);
  let row: IdleRow;
  try {
    const w: IdleWindow = await runIdle({
      family,
      dir,
      bootstrapServers: cluster.bootstrapServers,
      brokerPid: brokerPid(cluster),
      worker: COMMON_WORKER,
      connectdWorker: o.workerOverrides,
      topic,
      partitions: PARTITIONS,
      connectors,
      ...o.idle,
    });
    const count = await countByWatermarks(cluster.bootstrapServers, topic, PARTITIONS);
    const ok = count.records === connectors;
    row = {
      contender: family,
      connectors,
      round: roundNo,
      ok,
      ...(ok ? {} : { problem: `${count.records} records in the topic, ${connectors} connectors each with a one-line file` }),
      foreign: w.foreign,
      rssMiB: w.rssMiB,
      peakRssMiB: w.peakRssMiB,
      threads: w.threads,
      cpuCores: round(w.cpu.total / (w.wallMs / 1000), 4),
      brokerCpuCores: round(w.brokerCpu.total / (w.wallMs / 1000), 4),
      cpuCoresByThread: Object.fromEntries(Object.entries(w.cpu.byThread).map(([t, sec]) => [t, round(sec / (w.wallMs / 1000), 4)])),
      startupSeconds: round(w.startupMs / 1000, 1),
      stopSeconds: round(w.stopMs / 1000, 1),
      stoppedCleanly: w.stoppedCleanly,
    };
  } catch (err) {
    log(`idle ${connectors} ${family} FAILED: ${(err as Error).message}`);
    row = {
      contender: family,
      connectors,
      round: roundNo,
      ok: false,
      problem: (err as Error).message.split('\n')[0]!,
      foreign: { otherCores: 0, otherTop: '', kernelCores: 0, stealCores: 0 },
      rssMiB: 0,
      peakRssMiB: 0,
      threads: 0,
      cpuCores: 0,
      brokerCpuCores: 0,
      cpuCoresByThread: {},
      startupSeconds: 0,
      stopSeconds: 0,
      stoppedCleanly: false,
    };
  }
  await deleteTopic(cluster.bootstrapServers, topic);
  await rm(dir, { recursive: true, force: true });
  log(
    `idle ${String(connectors).padStart(3)} ${family.padEnd(13)}: RSS ${row.rssMiB} MiB (peak ${row.peakRssMiB}), ${row.threads} threads, CPU ${round(row.cpuCores * 100, 2)} % of a core, broker ${round(row.brokerCpuCores * 100, 2)} %, ` +
      `up in ${row.startupSeconds} s, stopped in ${row.stopSeconds} s${row.stoppedCleanly ? '' : ' (SIGKILL: too slow)'}, other load ${row.foreign.otherCores} cores${row.ok ? '' : `  FAILED: ${row.problem}`}`,
  );
  return row;
}
