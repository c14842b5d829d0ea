/**
 * The soak group of bench/compare.ts (issue 13): the maximum rate measured first, then the soak
 * itself (lib/soak.ts) at a share of it, its results written as soak.{json,md,svg}.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PARTITIONS, REPO, SOAK_MAX_RATE_RECORDS, SOAK_RATE_SHARE, SOURCE_PARTITIONS, WARMUP_SHARE } from './compare-options.js';
import type { CompareRuns } from './compare-runs.js';
import { QuietRunner, log, machineInfo } from './harness.js';
import { connectd } from './scenarios.js';
import type { Scenario } from './scenarios.js';
import { soakRun } from './soak.js';
import type { SoakSettings } from './soak.js';
import { soakMarkdown, soakSvg, summarize, warmupSeconds } from './soak-report.js';
import type { SoakResults } from './soak-report.js';
import { round } from './stats.js';

/**
 * The soak (issue 13; lib/soak.ts): the maximum rate measured first (a connectd generator run as
 * the generator scenario's, unless --soak-rate), then SOAK_RATE_SHARE of it for --soak-seconds
 * with a broker restart in the middle. Writes <results>/soak.{json,md,svg}; true when every
 * generated record was in the topic, once.
 */
export async function soak(runs: CompareRuns, runner: QuietRunner, began: number): Promise<boolean> {
  const { cluster, work, o } = runs;
  const size = o.sizes[0] ?? 100;
  const tasks = o.tasksGiven ? o.tasks[0]! : 1;
  let maxRate: SoakResults['settings']['maxRate'] = null;
  if (o.soakRate === undefined) {
    const s: Scenario = {
      id: `soak-max-rate-${size}`,
      kind: 'generator',
      group: 'soak',
      title: 'soak: maximum rate',
      size,
      records: SOAK_MAX_RATE_RECORDS(size),
      baseline: `connectd-${tasks}t`,
      contenders: [connectd(tasks)],
    };
    // Other load only slows a run down: the fastest attempt that counted right is the maximum.
    const attempts = (await runner.run(() => runs.runOnce(s, connectd(tasks), 2))).filter((r) => r.ok);
    if (attempts.length === 0) throw new Error('soak: the maximum-rate run failed its count (see above)');
    const row = attempts.reduce((x, y) => (y.recordsPerSecond > x.recordsPerSecond ? y : x));
    maxRate = {
      recordsPerSecond: row.recordsPerSecond,
      measured: `connectd-${tasks}t's generator rate measured just before, ${row.windowRecords.toLocaleString('en')} records after a ${WARMUP_SHARE * 100} % warm-up (${row.asked.toLocaleString('en')} in all), other load ${row.foreign.otherCores} cores${
        attempts.length > 1
          ? `; the fastest of ${attempts.length} attempts (the others were disturbed: ${attempts
              .filter((r) => r !== row)
              .map((r) => `${r.recordsPerSecond.toLocaleString('en')} rec/s with ${r.foreign.otherCores} cores of other load`)
              .join(', ')})`
          : ''
      }`,
    };
  }
  const rate = o.soakRate ?? Math.round(maxRate!.recordsPerSecond * SOAK_RATE_SHARE);
  const settings: SoakSettings = {
    seconds: o.soakSeconds,
    rate,
    tasks,
    valueSize: size,
    sourcePartitions: SOURCE_PARTITIONS,
    partitions: PARTITIONS,
    restartAtSeconds: Math.round(o.soakSeconds / 2),
    sampleMs: 1000,
    worker: o.workerOverrides,
    readBackMaxRecords: 10_000_000,
    // Minutes at hundreds of thousands of records/s are tens of GB: keep ~1 GiB per partition on the shared disk.
    bigTopicConfigs: { 'retention.bytes': String(2 ** 30), 'segment.bytes': String(2 ** 27) },
  };
  await runner.waitForQuiet();
  const run = await soakRun(cluster, work, settings);
  const out: SoakResults = {
    date: new Date().toISOString(),
    machine: machineInfo(cluster, REPO),
    settings: { ...settings, maxRate, rateShare: maxRate === null ? null : SOAK_RATE_SHARE, warmupSeconds: warmupSeconds(o.soakSeconds) },
    conditions: {
      note: 'The machine is shared with other helpers\' builds and test suites (their brokers, tsc, tap) on the same 2 cores: the soak does not wait for them or repeat, so its numbers carry their load, measured each second as "other load".',
      seconds: round((performance.now() - began) / 1000),
      loadAverageAtEnd: os.loadavg().map((l) => round(l, 2)),
    },
    summary: summarize(run, settings),
    count: run.count,
    ok: run.count.ok,
    topic: run.topic,
    total: run.total,
    firstRecordAt: run.firstRecordAt,
    lastRecordAt: run.lastRecordAt,
    samples: run.samples,
  };
  await mkdir(o.results, { recursive: true });
  // One line per sample: a 10-minute soak has 600 or more of them.
  const { samples, ...rest } = out;
  const json = JSON.stringify({ ...rest, samples: [] }, null, 2).replace(
    '"samples": []',
    () => `"samples": [\n${samples.map((x) => `    ${JSON.stringify(x)}`).join(',\n')}\n  ]`,
  );
  await writeFile(path.join(o.results, 'soak.json'), json + '\n');
  await writeFile(path.join(o.results, 'soak.svg'), soakSvg(out));
  const md = soakMarkdown(out, 'soak.svg');
  await writeFile(path.join(o.results, 'soak.md'), md);
  log(`wrote ${path.relative(process.cwd(), path.join(o.results, 'soak'))}.{json,md,svg}`);
  process.stdout.write('\n' + md);
  return out.ok;
}
