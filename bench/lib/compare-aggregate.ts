/**
 * The runs summed up: medians per scenario and contender with the ratio to the scenario's baseline
 * ({@link aggregate}), and the project's targets read from them ({@link targets}; reported, never
 * enforced).
 */
import type { IdleRow } from './compare-idle.js';
import type { Row } from './compare-runs.js';
import type { ProduceLatencyRun } from './latency.js';
import { sizeLabel } from './scenarios.js';
import type { Family, Kind, Scenario } from './scenarios.js';
import { median, round } from './stats.js';

export interface Aggregate {
  scenario: string;
  title: string;
  kind: Kind;
  size: number;
  contender: string;
  family: Family;
  tasks: number;
  runs: number;
  baseline: string;
  recordsPerSecond: number;
  minRecordsPerSecond: number;
  maxRecordsPerSecond: number;
  coldRecordsPerSecond: number;
  megabytesPerSecond: number;
  ratioToBaseline: number;
  cpuSecondsPerMillion: number;
  /** Contender CPU per record relative to the baseline's (below 1: cheaper). */
  cpuRatioToBaseline: number;
  mainThreadCpuSecondsPerMillion: number;
  brokerCpuSecondsPerMillion: number;
  peakRssMiB: number;
  otherLoadCores: number;
  mainPreemptionsPerSecond: number;
  /** connectd sources: the share of its tasks' time spent waiting for credit (in-flight limit reached), and the seconds. */
  creditWaitShare?: number;
  creditWaitSeconds?: number;
  sinkBackpressureSeconds?: number;
  threadCpuSecondsPerMillion: Record<string, number>;
}

export function aggregate(list: Scenario[], rows: Row[]): Aggregate[] {
  const out: Aggregate[] = [];
  const counted = rows.filter((r) => r.ok && r.discarded === undefined);
  for (const s of list) {
    const base = counted.filter((r) => r.scenario === s.id && r.contender === s.baseline);
    const baseRate = median(base.map((r) => r.recordsPerSecond));
    const baseCpu = median(base.map((r) => r.cpuSecondsPerMillion));
    for (const c of s.contenders) {
      const mine = counted.filter((r) => r.scenario === s.id && r.contender === c.name);
      if (mine.length === 0) continue;
      const rates = mine.map((r) => r.recordsPerSecond);
      const med = (f: (r: Row) => number, digits = 2): number => round(median(mine.map(f).filter(Number.isFinite)), digits);
      const threads: Record<string, number> = {};
      for (const name of new Set(mine.flatMap((r) => Object.keys(r.threadCpuSecondsPerMillion))))
        threads[name] = med((r) => r.threadCpuSecondsPerMillion[name] ?? 0);
      const rate = median(rates);
      const cpu = median(mine.map((r) => r.cpuSecondsPerMillion));
      const a: Aggregate = {
        scenario: s.id,
        title: s.title,
        kind: s.kind,
        size: s.size,
        contender: c.name,
        family: c.family,
        tasks: c.tasks,
        runs: mine.length,
        baseline: s.baseline,
        recordsPerSecond: round(rate),
        minRecordsPerSecond: Math.min(...rates),
        maxRecordsPerSecond: Math.max(...rates),
        coldRecordsPerSecond: med((r) => r.coldRecordsPerSecond, 0),
        megabytesPerSecond: round((rate * s.size) / 1e6, 2),
        ratioToBaseline: round(rate / baseRate, 3),
        cpuSecondsPerMillion: round(cpu, 2),
        cpuRatioToBaseline: round(cpu / baseCpu, 3),
        mainThreadCpuSecondsPerMillion: med((r) => r.threadCpuSecondsPerMillion.main ?? 0),
        brokerCpuSecondsPerMillion: med((r) => r.brokerCpuSecondsPerMillion),
        peakRssMiB: med((r) => r.peakRssMiB, 0),
        otherLoadCores: med((r) => r.foreign.otherCores),
        mainPreemptionsPerSecond: med((r) => r.mainPreemptionsPerSecond, 0),
        threadCpuSecondsPerMillion: threads,
      };
      if (c.family === 'connectd' && s.kind !== 'sink') {
        a.creditWaitSeconds = med((r) => r.creditWaitSeconds ?? Number.NaN);
        a.creditWaitShare = med((r) => (r.creditWaitSeconds ?? Number.NaN) / ((c.tasks * r.spanMs) / 1000));
      }
      if (c.family === 'connectd' && s.kind === 'sink') a.sinkBackpressureSeconds = med((r) => r.sinkBackpressureSeconds ?? Number.NaN);
      out.push(a);
    }
  }
  return out;
}

export interface Target {
  target: string;
  measured: string;
  met: boolean | undefined;
}

export function targets(agg: Aggregate[], idle: IdleRow[], produceLatency: ProduceLatencyRun[]): Target[] {
  const out: Target[] = [];
  for (const size of [...new Set(produceLatency.map((l) => l.size))]) {
    const runs = produceLatency.filter(
      (l) => l.size === size && l.contender === 'connectd-2t' && l.discarded === undefined && l.ack.within50msShare !== null,
    );
    if (runs.length === 0) continue;
    const worst = Math.min(...runs.map((l) => l.ack.within50msShare!));
    out.push({
      target: `connectd p99 produce latency at half load < 50 ms (${sizeLabel(size)})`,
      measured: `p99 ${runs.map((l) => l.ack.p99).join(' / ')} ms at ${runs.map((l) => l.achievedRecordsPerSecond.toLocaleString('en')).join(' / ')} rec/s; ${round(worst * 100, 2)} % of records within 50 ms (worst run)`,
      met: worst >= 0.99,
    });
  }
  for (const [size, goal] of [
    [100, 0.85],
    [1024, 0.95],
  ] as const) {
    const mine = agg.filter((a) => a.scenario === `generator-${size}` && a.family === 'connectd');
    if (mine.length === 0) continue;
    const best = mine.reduce((x, y) => (y.ratioToBaseline > x.ratioToBaseline ? y : x));
    out.push({
      target: `connectd ≥ ${goal * 100} % of the raw producer's records/s at ${sizeLabel(size)}`,
      measured: `best ${best.contender}: ${(best.ratioToBaseline * 100).toFixed(1)} % (${mine.map((a) => `${a.contender} ${(a.ratioToBaseline * 100).toFixed(1)} %`).join(', ')})`,
      met: best.ratioToBaseline >= goal,
    });
  }
  for (const scenario of [...new Set(agg.filter((a) => a.baseline === 'kafka-connect').map((a) => a.scenario))]) {
    const ours = agg.find((a) => a.scenario === scenario && a.family === 'connectd');
    if (ours === undefined) continue;
    out.push({
      target: `connectd ahead of Kafka Connect: ${ours.title}`,
      measured: `records/s ×${ours.ratioToBaseline.toFixed(2)}, CPU per record ×${ours.cpuRatioToBaseline.toFixed(2)}`,
      met: ours.ratioToBaseline > 1 && ours.cpuRatioToBaseline < 1,
    });
  }
  for (const n of [...new Set(idle.map((r) => r.connectors))]) {
    const counted = (family: Family): IdleRow[] =>
      idle.filter((r) => r.ok && r.discarded === undefined && r.contender === family && r.connectors === n);
    const cd = median(counted('connectd').map((r) => r.rssMiB));
    const cdCpu = median(counted('connectd').map((r) => r.cpuCores));
    const kc = median(counted('kafka-connect').map((r) => r.rssMiB));
    const kcCpu = median(counted('kafka-connect').map((r) => r.cpuCores));
    if (Number.isFinite(cd) && Number.isFinite(kc)) {
      out.push({
        target: `connectd ahead of Kafka Connect: ${n} idle connector(s)`,
        measured: `RSS ${cd} vs ${kc} MiB, CPU ${round(cdCpu * 100, 2)} vs ${round(kcCpu * 100, 2)} % of a core`,
        met: cd < kc && cdCpu < kcCpu,
      });
    }
    if (n === 500 && Number.isFinite(cd))
      out.push({ target: '500 idle connectors in one connectd under 500 MiB RSS', measured: `${cd} MiB`, met: cd < 500 });
  }
  return out;
}
