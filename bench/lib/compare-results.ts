/**
 * The results of a benchmark run: their JSON shape ({@link Results}), written as
 * <results>/<name>.{json,md,svg} ({@link writeResults}), and --render, which computes an earlier
 * run's medians, targets, Markdown and SVG again by this code ({@link render}).
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { aggregate, targets } from './compare-aggregate.js';
import type { Aggregate, Target } from './compare-aggregate.js';
import { markdown } from './compare-markdown.js';
import type { QuietSettings } from './compare-options.js';
import type { IdleRow } from './compare-idle.js';
import type { Row } from './compare-runs.js';
import { chartSvg, idleSvg } from './compare-svg.js';
import { log } from './harness.js';
import type { LatencyRun, LatencySettings, ProduceLatencyRun } from './latency.js';
import type { ProfileResult } from './profiles.js';
import type { Contender, Scenario } from './scenarios.js';

export interface ResultsConfig {
  rounds: number;
  warmupShare: number;
  topicPartitions: number;
  generatorSourcePartitions: number;
  scenarios: { id: string; title: string; records: number; size: number; baseline: string; contenders: string[] }[];
  idle: { counts: number[]; settleMs: number; measureMs: number };
  latency: LatencySettings & { runs: number; rate: number | string };
  workerOverrides: Record<string, string>;
  kafkaConnect: Record<string, unknown>;
  quiet: QuietSettings & { foreignLoadLimitCores: number; quietCores: number };
  [key: string]: unknown;
}

export interface Results {
  date: string;
  quick: boolean;
  smoke?: boolean;
  machine: Record<string, string | number>;
  config: ResultsConfig;
  conditions: Record<string, unknown>;
  targets: Target[];
  throughput: Aggregate[];
  idle: IdleRow[];
  latency: LatencyRun[];
  produceLatency: ProduceLatencyRun[];
  profiles: ProfileResult[];
  failedRuns: (Row | IdleRow)[];
  runs: Row[];
}

/** Writes <results>/<name>.{json,md,svg} (name: compare[-quick][-groups][-worker settings]; results: bench/results or --results). */
export async function writeResults(out: Results, name: string, resultsDir: string): Promise<void> {
  const idleName = name.replace('compare', 'compare-idle');
  await mkdir(resultsDir, { recursive: true });
  await writeFile(path.join(resultsDir, `${name}.json`), JSON.stringify(out, null, 2) + '\n');
  if (out.throughput.length > 0) await writeFile(path.join(resultsDir, `${name}.svg`), chartSvg(out));
  if (out.idle.length > 0) await writeFile(path.join(resultsDir, `${idleName}.svg`), idleSvg(out));
  await writeFile(path.join(resultsDir, `${name}.md`), markdown(out, `${name}.svg`, `${idleName}.svg`));
  log(`wrote ${path.relative(process.cwd(), path.join(resultsDir, name))}.{json,md,svg}`);
  process.stdout.write('\n' + markdown(out, `${name}.svg`, `${idleName}.svg`));
}

/** --render: an earlier run's JSON, its medians, targets, Markdown and SVG computed again (by this code), written under its own name in the results folder. */
export async function render(file: string, resultsDir: string): Promise<number> {
  const out = JSON.parse(await readFile(file, 'utf8')) as Results;
  const list: Scenario[] = out.config.scenarios.map((d) => {
    const mine = out.runs.filter((r) => r.scenario === d.id);
    const contenders = d.contenders.map((name): Contender => {
      const r = mine.find((x) => x.contender === name);
      return { name, family: r?.family ?? 'connectd', tasks: r?.tasks ?? 1 };
    });
    return { ...d, kind: mine[0]?.kind ?? 'generator', group: 'generator', contenders };
  });
  out.throughput = aggregate(list, out.runs);
  out.produceLatency ??= [];
  out.targets = targets(out.throughput, out.idle, out.produceLatency);
  await writeResults(out, path.basename(file, '.json'), resultsDir);
  return 0;
}
