/**
 * What a soak run means (issue 13: "flat memory after warm-up is the target; publish the curve"):
 * the summary read from its per-second samples, the Markdown beside it and the curve itself.
 */
import { lineChartSvg } from './line-chart.js';
import type { LineSeries } from './line-chart.js';
import type { SoakRun, SoakSample, SoakSettings } from './soak.js';
import { median, round } from './stats.js';

/** The rate has recovered once the next RECOVERY_SAMPLES seconds average at least this share of the rate held before the restart. */
const RECOVERED_SHARE = 0.9;
const RECOVERY_SAMPLES = 5;

export interface SoakSummary {
  /** Records / (last record − first record) seen in the topic, broker restart included. */
  achievedRecordsPerSecond: number;
  /** Median records/s into the topic between the warm-up's end and the restart. */
  steadyRecordsPerSecond: number;
  warmupEndAt: number;
  rssAtWarmupEndMiB: number;
  rssAtEndMiB: number;
  heapAtWarmupEndMiB: number;
  heapAtEndMiB: number;
  /** Least-squares slopes after the warm-up, MiB per minute; and after the rate recovered from the restart. */
  rssSlopeMiBPerMinute: number;
  heapSlopeMiBPerMinute: number;
  rssSlopeAfterRecoveryMiBPerMinute: number | null;
  heapSlopeAfterRecoveryMiBPerMinute: number | null;
  peakRssMiB: number;
  maxLagMs: number;
  maxLagAt: number;
  /** The per-second p99 of event-loop lag: its median and its largest. */
  medianP99LagMs: number;
  maxP99LagMs: number;
  creditWaitSeconds: number;
  /** Credit wait / (tasks × the producing time). */
  creditWaitShare: number;
  restart:
    | (SoakRun['restart'] & {
        outageSeconds: number;
        recoveredAt: number | null;
        recoveredAfterStopSeconds: number | null;
        recoveredAfterReadySeconds: number | null;
      })
    | null;
  medianCpuCores: number;
  medianBrokerCpuCores: number;
  medianOtherLoadCores: number;
  maxOtherLoadCores: number;
  samplesMissingMetrics: number;
}

/** Records/s into the topic at each sample (from the previous sample with a count), null without one. */
export function topicRates(samples: readonly SoakSample[]): (number | null)[] {
  let last: SoakSample | undefined;
  return samples.map((s) => {
    if (s.inTopic === null) return null;
    const rate = last === undefined ? null : (s.inTopic - last.inTopic!) / Math.max(0.001, s.t - last.t);
    last = s;
    return rate === null ? null : round(rate);
  });
}

function slopePerMinute(points: readonly (readonly [number, number | null])[]): number {
  const xy = points.filter((p): p is [number, number] => p[1] !== null);
  if (xy.length < 2) return Number.NaN;
  const mx = xy.reduce((a, [x]) => a + x, 0) / xy.length;
  const my = xy.reduce((a, [, y]) => a + y, 0) / xy.length;
  let num = 0;
  let den = 0;
  for (const [x, y] of xy) {
    num += (x - mx) * (y - my);
    den += (x - mx) ** 2;
  }
  return den === 0 ? Number.NaN : round((num / den) * 60, 3);
}

const values = (xs: readonly (number | null)[]): number[] => xs.filter((x): x is number => x !== null && Number.isFinite(x));

export function warmupSeconds(seconds: number): number {
  return Math.min(60, Math.max(5, Math.round(seconds / 10)));
}

export function summarize(run: SoakRun, s: SoakSettings): SoakSummary {
  const samples = run.samples;
  const rates = topicRates(samples);
  const warmupEndAt = round(run.firstRecordAt + warmupSeconds(s.seconds), 2);
  const end = run.lastRecordAt;
  const between = (from: number, to: number): SoakSample[] => samples.filter((x) => x.t >= from && x.t <= to);
  const atWarmupEnd = between(warmupEndAt - 5, warmupEndAt + 5);
  const atEnd = samples.filter((x) => x.t <= end).slice(-10);
  const rss = (x: SoakSample): number | null => x.rssMiB ?? x.procRssMiB;
  const after = between(warmupEndAt, end);
  const r = run.restart;
  const steady = values(samples.map((x, i) => (x.t >= warmupEndAt && (r === undefined || x.t < r.stopAt) ? rates[i]! : null)));
  const steadyRate = steady.length > 0 ? median(steady) : s.rate;
  let restart: SoakSummary['restart'] = null;
  let recoveredAt: number | null = null;
  if (r !== undefined) {
    const threshold = RECOVERED_SHARE * Math.min(s.rate, steadyRate);
    for (let i = 0; i < samples.length; i++) {
      if (samples[i]!.t < r.readyAt) continue;
      const next = values(rates.slice(i, i + RECOVERY_SAMPLES));
      if (next.length === RECOVERY_SAMPLES && next.reduce((a, b) => a + b, 0) / next.length >= threshold) {
        recoveredAt = samples[i]!.t;
        break;
      }
    }
    restart = {
      ...r,
      outageSeconds: round(r.readyAt - r.stopAt, 1),
      recoveredAt,
      recoveredAfterStopSeconds: recoveredAt === null ? null : round(recoveredAt - r.stopAt, 1),
      recoveredAfterReadySeconds: recoveredAt === null ? null : round(recoveredAt - r.readyAt, 1),
    };
  }
  const afterRecovery = recoveredAt === null ? [] : between(recoveredAt, end);
  let maxLag = { ms: 0, at: 0 };
  for (const x of samples) if ((x.lagMaxMs ?? 0) > maxLag.ms) maxLag = { ms: x.lagMaxMs!, at: x.t };
  const lastWithCredit = [...samples].reverse().find((x) => x.creditWaitSeconds !== null);
  const creditWaitSeconds = lastWithCredit?.creditWaitSeconds ?? Number.NaN;
  const others = samples.map((x) => x.otherCores);
  return {
    achievedRecordsPerSecond: round(run.total / Math.max(1, end - run.firstRecordAt)),
    steadyRecordsPerSecond: round(steadyRate),
    warmupEndAt,
    rssAtWarmupEndMiB: round(median(values(atWarmupEnd.map(rss))), 1),
    rssAtEndMiB: round(median(values(atEnd.map(rss))), 1),
    heapAtWarmupEndMiB: round(median(values(atWarmupEnd.map((x) => x.heapUsedMiB))), 1),
    heapAtEndMiB: round(median(values(atEnd.map((x) => x.heapUsedMiB))), 1),
    rssSlopeMiBPerMinute: slopePerMinute(after.map((x) => [x.t, rss(x)])),
    heapSlopeMiBPerMinute: slopePerMinute(after.map((x) => [x.t, x.heapUsedMiB])),
    rssSlopeAfterRecoveryMiBPerMinute: afterRecovery.length >= 30 ? slopePerMinute(afterRecovery.map((x) => [x.t, rss(x)])) : null,
    heapSlopeAfterRecoveryMiBPerMinute: afterRecovery.length >= 30 ? slopePerMinute(afterRecovery.map((x) => [x.t, x.heapUsedMiB])) : null,
    peakRssMiB: Math.max(0, ...values(samples.map(rss))),
    maxLagMs: maxLag.ms,
    maxLagAt: maxLag.at,
    medianP99LagMs: round(median(values(samples.map((x) => x.lagP99Ms))), 1),
    maxP99LagMs: Math.max(0, ...values(samples.map((x) => x.lagP99Ms))),
    creditWaitSeconds,
    creditWaitShare: round(creditWaitSeconds / (s.tasks * Math.max(1, end - run.firstRecordAt)), 3),
    restart,
    medianCpuCores: round(median(values(samples.map((x) => x.cpuCores))), 3),
    medianBrokerCpuCores: round(median(values(samples.map((x) => x.brokerCpuCores))), 3),
    medianOtherLoadCores: round(median(others), 3),
    maxOtherLoadCores: round(Math.max(0, ...others), 3),
    samplesMissingMetrics: samples.filter((x) => x.rssMiB === null).length,
  };
}

export interface SoakResults {
  date: string;
  machine: Record<string, string | number>;
  /** maxRate and rateShare are null when the rate was given (--soak-rate). */
  settings: SoakSettings & {
    maxRate: { recordsPerSecond: number; measured: string } | null;
    rateShare: number | null;
    warmupSeconds: number;
  };
  conditions: Record<string, unknown>;
  summary: SoakSummary;
  count: SoakRun['count'];
  ok: boolean;
  topic: string;
  total: number;
  firstRecordAt: number;
  lastRecordAt: number;
  samples: SoakSample[];
}

export function soakSvg(out: SoakResults): string {
  const samples = out.samples;
  const rates = topicRates(samples);
  const pts = (f: (x: SoakSample) => number | null): [number, number | null][] => samples.map((x) => [x.t, f(x)]);
  const span = samples.at(-1)?.t ?? 1;
  const step = span > 600 ? 120 : span > 240 ? 60 : span > 100 ? 20 : 10;
  const sum = out.summary;
  const r = sum.restart;
  const series = (label: string, color: string, points: [number, number | null][], dashed = false): LineSeries => ({
    label,
    color,
    points,
    dashed,
  });
  return lineChartSvg({
    title: `connectd soak: ${out.total.toLocaleString('en')} generator records at ${out.settings.rate.toLocaleString('en')} rec/s, one broker restart`,
    subtitle: `${out.date.slice(0, 16).replace('T', ' ')} UTC · ${out.machine.cpus} × ${out.machine.model} (shared: other load median ${sum.medianOtherLoadCores}, max ${sum.maxOtherLoadCores} cores) · Kafka ${out.machine.kafka} · connectd ${out.machine.connectd} · ${out.settings.tasks} task(s), ${out.settings.valueSize} B`,
    xLabel: 'seconds since connectd started (samples every second, from its GET /metrics)',
    xStep: step,
    panels: [
      {
        title: 'Memory, MiB',
        series: [
          series(
            'RSS',
            '#2f6fd0',
            pts((x) => x.rssMiB ?? x.procRssMiB),
          ),
          series(
            'heap total',
            '#e07b26',
            pts((x) => x.heapTotalMiB),
            true,
          ),
          series(
            'heap used (main thread)',
            '#e07b26',
            pts((x) => x.heapUsedMiB),
          ),
        ],
      },
      // p99 is left out: at ~10 samples a second it is the max.
      {
        title: 'Event-loop lag, ms (per second)',
        series: [
          series(
            'max',
            '#c0392b',
            pts((x) => x.lagMaxMs),
          ),
          series(
            'mean',
            '#8e44ad',
            pts((x) => x.lagMeanMs),
          ),
        ],
      },
      // Cumulative: a task reports a wait when it ends, so a rate per second would put a whole outage's wait into one second.
      {
        title: 'Credit wait so far, task-seconds',
        series: [
          series(
            'waiting for credit (held back by Kafka)',
            '#16a085',
            pts((x) => x.creditWaitSeconds),
          ),
        ],
      },
      {
        title: 'Records/s into the topic',
        series: [
          series(
            'in the topic',
            '#27ae60',
            samples.map((x, i) => [x.t, rates[i]!]),
          ),
          series(
            'asked',
            '#7a7a7a',
            [
              [0, out.settings.rate],
              [span, out.settings.rate],
            ],
            true,
          ),
        ],
        minTop: out.settings.rate,
      },
    ],
    bands: r === null ? [] : [{ from: r.stopAt, to: r.readyAt, label: `broker restart (${r.outageSeconds} s)` }],
    marks: [
      { at: sum.warmupEndAt, label: 'warm-up end' },
      ...(r?.recoveredAt == null ? [] : [{ at: r.recoveredAt, label: 'rate recovered' }]),
    ],
    footnote:
      'RSS, heap: prom-client in connectd; lag: its event-loop histogram per scrape, less its 100 ms sampling interval. Details: soak.md, soak.json',
  });
}

export function soakMarkdown(out: SoakResults, svgName: string): string {
  const s = out.summary;
  const r = s.restart;
  const fmt = (n: number): string => (Number.isFinite(n) ? n.toLocaleString('en') : '—');
  const lines: string[] = [];
  lines.push(`# connectd soak (issue 13)`);
  lines.push('');
  lines.push(
    `${out.date} · ${out.machine.cpus} × ${out.machine.model}, ${out.machine.memoryGiB} GiB · Node ${out.machine.node} · librdkafka ${out.machine.librdkafka} · Kafka ${out.machine.kafka} (1 broker, same machine) · connectd ${out.machine.connectd}`,
  );
  lines.push('');
  lines.push(
    `**Conditions.** ${String(out.conditions.note)} Other processes used a median ${s.medianOtherLoadCores} cores during the soak (max ${s.maxOtherLoadCores} in one second); load average at the end ${JSON.stringify(out.conditions.loadAverageAtEnd)}. connectd used a median ${s.medianCpuCores} cores, the broker ${s.medianBrokerCpuCores}.`,
  );
  lines.push('');
  lines.push(`![RSS, heap, event-loop lag, credit waits and rate, per second](${svgName})`);
  lines.push('');
  lines.push('| | |');
  lines.push('|---|---|');
  const m = out.settings.maxRate;
  const asked =
    m === null
      ? 'given with --soak-rate'
      : `${Math.round((out.settings.rateShare ?? 0) * 100)} % of ${fmt(m.recordsPerSecond)}, ${m.measured}`;
  lines.push(
    `| rate | asked ${fmt(out.settings.rate)} rec/s (${asked}); held ${fmt(s.steadyRecordsPerSecond)} rec/s (median per second, warm-up end → restart); ${fmt(s.achievedRecordsPerSecond)} rec/s over the whole run, restart included |`,
  );
  lines.push(
    `| records | ${fmt(out.total)} generated, ${fmt(out.count.records)} counted (${out.count.method})${out.count.audit === undefined ? '' : `: ${fmt(out.count.audit.distinct)} distinct, ${fmt(out.count.audit.duplicates)} duplicates, ${fmt(out.count.audit.missing)} missing`}${out.count.ok ? '' : ` — **FAILED: ${out.count.problems.join('; ')}**`} |`,
  );
  lines.push(
    `| RSS | ${s.rssAtWarmupEndMiB} MiB at the warm-up's end (t=${s.warmupEndAt} s) → ${s.rssAtEndMiB} MiB at the end; slope after warm-up ${s.rssSlopeMiBPerMinute} MiB/min${s.rssSlopeAfterRecoveryMiBPerMinute === null ? '' : ` (after the restart's recovery ${s.rssSlopeAfterRecoveryMiBPerMinute} MiB/min)`}; peak ${s.peakRssMiB} MiB |`,
  );
  lines.push(
    `| heap used (main thread) | ${s.heapAtWarmupEndMiB} MiB → ${s.heapAtEndMiB} MiB; slope after warm-up ${s.heapSlopeMiBPerMinute} MiB/min${s.heapSlopeAfterRecoveryMiBPerMinute === null ? '' : ` (after recovery ${s.heapSlopeAfterRecoveryMiBPerMinute} MiB/min)`} |`,
  );
  lines.push(
    `| event-loop lag | max ${s.maxLagMs} ms (t=${s.maxLagAt} s); per-second p99: median ${s.medianP99LagMs} ms, largest ${s.maxP99LagMs} ms |`,
  );
  lines.push(
    `| credit wait | ${s.creditWaitSeconds} s in all (${Math.round(s.creditWaitShare * 100)} % of ${out.settings.tasks} task(s) × the producing time): the tasks held back by the in-flight limit, i.e. by Kafka |`,
  );
  lines.push(
    r === null
      ? '| broker restart | none: every record was in the topic before it was due |'
      : `| broker restart | stop at t=${r.stopAt} s (exited after ${round(r.stoppedAt - r.stopAt, 1)} s), started at ${r.startAt} s, ready (a probe produce acknowledged) at ${r.readyAt} s: ${r.outageSeconds} s away; rate recovered (the next ${RECOVERY_SAMPLES} s average ≥ ${RECOVERED_SHARE * 100} % of the rate held before) ${r.recoveredAt === null ? '**not within the run**' : `at t=${r.recoveredAt} s, ${r.recoveredAfterStopSeconds} s after the stop, ${r.recoveredAfterReadySeconds} s after the broker was ready`} |`,
  );
  lines.push(
    `| samples | ${out.samples.length}, every ${out.settings.sampleMs} ms; ${s.samplesMissingMetrics} without an answer from GET /metrics within 5 s |`,
  );
  lines.push('');
  lines.push('## Method');
  lines.push('');
  lines.push(
    `- ${m === null ? `The rate was given (--soak-rate), not measured. The soak asks it of connectd's GeneratorSource` : `The maximum rate: ${m.measured}. The soak asks ${Math.round((out.settings.rateShare ?? 0) * 100)} % of it of connectd's GeneratorSource`} (\`records.per.second\`, a token bucket holding 100 ms: time lost while the broker is away is not made up in a burst), ${out.settings.tasks} task(s), ${out.settings.sourcePartitions} source partitions into a fresh ${out.settings.partitions}-partition topic, ${out.settings.valueSize} B values, for a bounded total (rate × ${out.settings.seconds} s); the run ends when every record is in the topic.`,
  );
  lines.push(
    `- The broker (one node, KRaft) is stopped gracefully (SIGTERM, tools/kafka/cluster.ts stopNode) ${out.settings.restartAtSeconds} s after the first record reached the topic and started again at once (startNode: until a probe record is acknowledged).`,
  );
  lines.push(
    `- Every ${out.settings.sampleMs / 1000} s: connectd's GET /metrics — connectd_process_resident_memory_bytes, connectd_nodejs_heap_size_{used,total}_bytes (the main thread's V8 heap; worker threads' heaps are in RSS only), the event-loop-lag histogram (prom-client resets it at each scrape, so each sample covers the second before it; connectd samples it every 100 ms and records each interval whole, so 100 ms is taken off), connectd_source_credit_wait_seconds_total, connectd_source_record_write_total; /proc: VmRSS, threads, CPU of connectd and of the broker, and of every other process (the shared machine); the topic's high watermarks (records/s into the topic).`,
  );
  lines.push(
    `- Warm-up: the first ${out.settings.warmupSeconds} s after the first record. "At the end" is the median of the last 10 samples before the last record arrived; "at the warm-up's end" the median of the samples within 5 s of it. Slopes are least squares over every sample after the warm-up.`,
  );
  lines.push(
    `- Ground truth: ${out.count.method}. The producer is idempotent (acks=all), so no duplicates are expected across the restart.`,
  );
  lines.push('');
  return lines.join('\n');
}
