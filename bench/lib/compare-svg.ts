/** The charts of a benchmark run: throughput and CPU per record, and the idle cost (lib/svg-chart.ts draws them). */
import type { Results } from './compare-results.js';
import { median, round } from './stats.js';
import { barChartSvg } from './svg-chart.js';
import type { ChartRow } from './svg-chart.js';

const FAMILY_COLORS: Record<string, string> = { connectd: '#2f6fd0', 'kafka-connect': '#e07b26', raw: '#7a7a7a', perf: '#a0522d' };
const FAMILY_LEGEND: Record<string, string> = {
  connectd: 'connectd',
  'kafka-connect': 'Apache Kafka Connect',
  raw: 'raw librdkafka producer or consumer (Node)',
  perf: 'Kafka ProducerPerformance (Java)',
};

export function chartSvg(out: Results): string {
  const fmt = (n: number): string => n.toLocaleString('en');
  const rows: ChartRow[] = out.throughput.map((a) => ({
    group: a.title,
    label: a.contender,
    family: a.family,
    values: [a.recordsPerSecond, a.cpuSecondsPerMillion],
    texts: [
      `${fmt(a.recordsPerSecond)}${a.contender === a.baseline ? '' : ` (×${a.ratioToBaseline.toFixed(2)})`}`,
      `${a.cpuSecondsPerMillion}${a.contender === a.baseline ? '' : ` (×${a.cpuRatioToBaseline.toFixed(2)})`}`,
    ],
  }));
  return barChartSvg({
    title: `connectd benchmark${out.quick ? ' (quick run: small, one round)' : ''}`,
    subtitle: `${out.date.slice(0, 10)} · ${out.machine.cpus} × ${out.machine.model} (shared) · Kafka ${out.machine.kafka} · connectd ${out.machine.connectd} · medians of ${out.config.rounds} interleaved run(s); × = ratio to the scenario's first contender`,
    panels: ['records/s (median, after warm-up)', 'CPU seconds per million records (contender)'],
    rows,
    colors: FAMILY_COLORS,
    legend: FAMILY_LEGEND,
    footnote: 'Bars are scaled within each scenario. Details, method and conditions: bench/results/compare.md',
  });
}

export function idleSvg(out: Results): string {
  const rows: ChartRow[] = [];
  for (const n of [...new Set(out.idle.map((r) => r.connectors))]) {
    for (const family of ['kafka-connect', 'connectd'] as const) {
      const mine = out.idle.filter((r) => r.ok && r.discarded === undefined && r.connectors === n && r.contender === family);
      if (mine.length === 0) continue;
      const rss = median(mine.map((r) => r.rssMiB));
      const cpu = median(mine.map((r) => r.cpuCores)) * 100;
      rows.push({
        group: `${n} idle file source connector${n === 1 ? '' : 's'}`,
        label: family,
        family,
        values: [rss, cpu],
        texts: [`${round(rss)} MiB`, `${round(cpu, 2)} %`],
      });
    }
  }
  return barChartSvg({
    title: `Idle cost${out.quick ? ' (quick run)' : ''}`,
    subtitle: `${out.date.slice(0, 10)} · ${out.machine.cpus} × ${out.machine.model} · RSS and CPU once every connector has read its one-line file and waits`,
    panels: ['RSS (MiB)', 'CPU (% of one core)'],
    rows,
    colors: FAMILY_COLORS,
    legend: { connectd: FAMILY_LEGEND.connectd!, 'kafka-connect': FAMILY_LEGEND['kafka-connect']! },
  });
}
