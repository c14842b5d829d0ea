/** The profile group of bench/compare.ts: connectd under --cpu-prof, summarized where the time goes. */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { COMMON_WORKER, PARTITIONS, REPO, SOURCE_PARTITIONS, WARMUP_SHARE } from './compare-options.js';
import { rowFrom } from './compare-runs.js';
import type { CompareRuns, Row } from './compare-runs.js';
import { runConnectd, runRaw } from './contenders.js';
import type { RunOptions } from './contenders.js';
import type { RecordPlan } from './generator-records.js';
import { QuietRunner, brokerPid, freshTopic, log } from './harness.js';
import { runIdle } from './pipelines.js';
import { profileFlags, profileText, summarizeProfiles } from './profiles.js';
import type { ProfileResult } from './profiles.js';
import { connectd, raw, scenarios } from './scenarios.js';
import type { Contender, Kind, Scenario } from './scenarios.js';
import { round } from './stats.js';
import { countByWatermarks, deleteTopic } from './topics.js';

/** connectd under --cpu-prof where targets are read: the generator (vs raw) at 100 B, 2 tasks, the file source and sink at 100 B, and idle. */
export async function profileRuns(runs: CompareRuns, runner: QuietRunner): Promise<ProfileResult[]> {
  const { cluster, work, o } = runs;
  const out: ProfileResult[] = [];
  const profileDir = path.join(o.results, 'profiles');
  await mkdir(profileDir, { recursive: true });
  const at100 = (kind: Kind): Scenario | undefined => scenarios(o, true).find((x) => x.kind === kind && x.size === 100);
  const jobs: { label: string; file: string; contender: Contender; scenario: Scenario | undefined }[] = [
    {
      label: 'connectd-2t, generator 100 B',
      file: 'compare-generator-100B-connectd-2t',
      contender: connectd(2),
      scenario: at100('generator'),
    },
    { label: 'raw producer, generator 100 B', file: 'compare-generator-100B-raw', contender: raw(), scenario: at100('generator') },
    {
      label: 'connectd, file source 100 B lines',
      file: 'compare-file-source-100B-connectd',
      contender: connectd(1, 'connectd'),
      scenario: at100('file-source'),
    },
    {
      label: 'connectd, file sink 100 B records',
      file: 'compare-sink-100B-connectd',
      contender: connectd(1, 'connectd'),
      scenario: at100('sink'),
    },
  ];
  for (const job of jobs) {
    if (job.scenario === undefined) continue;
    const s = job.scenario;
    await runner.waitForQuiet();
    const dir = path.join(o.results, 'tmp/profiles', job.file);
    const nodeArgs = await profileFlags(dir);
    let row: Row;
    if (s.kind === 'generator') {
      const plan: RecordPlan = {
        sourcePartitions: SOURCE_PARTITIONS,
        perPartition: Math.ceil(s.records / SOURCE_PARTITIONS),
        valueSize: s.size,
      };
      const topic = await freshTopic(cluster, `prof-${job.file}`, PARTITIONS);
      const opts: RunOptions = {
        bootstrapServers: cluster.bootstrapServers,
        brokerPid: brokerPid(cluster),
        topic,
        partitions: PARTITIONS,
        plan,
        warmup: Math.round(s.records * WARMUP_SHARE),
        tasks: job.contender.tasks,
        dir: path.join(work, topic),
        nodeArgs,
        worker: o.workerOverrides,
      };
      const w = job.contender.family === 'raw' ? await runRaw(opts) : await runConnectd(opts);
      const count = await countByWatermarks(cluster.bootstrapServers, topic, PARTITIONS);
      await deleteTopic(cluster.bootstrapServers, topic);
      row = rowFrom(
        s,
        job.contender,
        0,
        topic,
        { ...w, lastAt: w.lastAckAt },
        { records: count.records, method: 'watermarks', problems: [], firstTimestamp: count.firstTimestamp },
      );
    } else if (s.kind === 'sink') {
      row = await runs.sinkRun(s, job.contender, 0, nodeArgs);
    } else {
      row = await runs.fileSourceRun(s, job.contender, 0, nodeArgs);
    }
    out.push(
      await keepProfile(dir, job.file, {
        label: job.label,
        contender: job.contender.name,
        records: s.records,
        recordsPerSecond: row.recordsPerSecond,
        cpuSecondsPerMillion: row.cpuSecondsPerMillion,
        threadCpuSecondsPerMillion: row.threadCpuSecondsPerMillion,
      }),
    );
  }
  // Idle: where an idle connectd's CPU goes (per record figures are per connector here).
  const idleCount = Math.max(...o.idleCounts);
  {
    await runner.waitForQuiet();
    const file = `compare-idle-${idleCount}-connectd`;
    const dir = path.join(o.results, 'tmp/profiles', file);
    const nodeArgs = await profileFlags(dir);
    const topic = await freshTopic(cluster, `prof-idle-${idleCount}`, PARTITIONS);
    const w = await runIdle({
      family: 'connectd',
      dir: path.join(work, topic),
      bootstrapServers: cluster.bootstrapServers,
      brokerPid: brokerPid(cluster),
      worker: COMMON_WORKER,
      connectdWorker: o.workerOverrides,
      topic,
      partitions: PARTITIONS,
      connectors: idleCount,
      ...o.idle,
      nodeArgs,
    });
    await deleteTopic(cluster.bootstrapServers, topic);
    const threads = Object.fromEntries(Object.entries(w.cpu.byThread).map(([t, sec]) => [t, round(sec / (w.wallMs / 1000), 4)]));
    out.push(
      await keepProfile(dir, file, {
        label: `connectd, ${idleCount} idle file sources (per "record" = per connector; whole life of the process)`,
        contender: 'connectd',
        records: idleCount,
        recordsPerSecond: 0,
        cpuSecondsPerMillion: 0,
        threadCpuSecondsPerMillion: threads,
      }),
    );
  }
  return out;

  async function keepProfile(dir: string, file: string, p: Omit<ProfileResult, 'main' | 'workers'>): Promise<ProfileResult> {
    const result: ProfileResult = { ...p, ...(await summarizeProfiles(dir, p.records, REPO)) };
    log(
      `profile ${p.label}: ${p.recordsPerSecond.toLocaleString('en')} rec/s under the profiler, main thread busy ${result.main.busyMicrosPerRecord} µs/record`,
    );
    await writeFile(path.join(profileDir, `${file}.txt`), profileText(result));
    return result;
  }
}
